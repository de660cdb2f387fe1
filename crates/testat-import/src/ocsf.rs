//! Prowler's OCSF output (`prowler -M json-ocsf`): a JSON array of OCSF Detection
//! Findings (class 2004), as Prowler 5 writes them with py-ocsf-models.
//!
//! | what | where |
//! | --- | --- |
//! | check ID | `metadata.event_code`, else `finding_info.analytic.uid` |
//! | outcome | `status_code` `PASS` / `FAIL` / `MANUAL` (unknown, never pass) / `MUTED` |
//! | muted | `status_id` 3 or `status` `Suppressed`: a muted failure is excepted |
//! | severity | `severity_id` (1–6), else the `severity` word |
//! | resource | `resources[0]`: `uid`, `name`, `type`, `region`, `namespace` |
//! | account | `cloud.account.uid`, else `unmapped.provider_uid` |
//! | provider | `cloud.provider`, else `unmapped.provider` |
//! | fix | `remediation.desc`, `remediation.references` |
//! | hints | `unmapped.compliance`: `{"<Framework>-<Version>": [requirement IDs]}` |
//!
//! Records are read one at a time; a record without a check ID, or with a status
//! this reader does not know, is an error naming the record.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

use crate::json::{self, Builder, Ctx, Typed, join, non_empty};
use crate::model::{CheckKey, ComplianceHint, ImportedFinding, Outcome, Place, Severity, ToolInfo};
use crate::{Format, Import, ImportError};

/// The OCSF class of Detection Findings.
const DETECTION_FINDING: i64 = 2004;
/// OCSF `status_id` of a suppressed (muted) finding.
const SUPPRESSED: i64 = 3;

pub(crate) fn read<R: Read>(reader: R, source: &str) -> Result<Import, ImportError> {
    let mut builder = Builder::new(
        source,
        Format::ProwlerOcsf,
        ToolInfo {
            name: "Prowler".to_owned(),
            version: None,
            information_uri: None,
        },
    );
    let ctx = Ctx::default();
    let result = {
        let mut de = serde_json::Deserializer::from_reader(reader);
        Top {
            ctx: &ctx,
            builder: &mut builder,
            product_seen: false,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end())
    };
    match result {
        Ok(()) => Ok(builder.finish()),
        Err(e) => Err(json::into_error(ctx, e, source, Format::ProwlerOcsf)),
    }
}

struct Top<'a> {
    ctx: &'a Ctx,
    builder: &'a mut Builder,
    product_seen: bool,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of OCSF Detection Findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let at = format!("/{i}");
            let Some(record) = seq.next_element_seed(Typed::<Record>::new(self.ctx, &at))? else {
                break;
            };
            self.add(record)
                .map_err(|(field, message)| self.ctx.fail::<A::Error>(join(&at, field), message))?;
            i += 1;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    class_uid: Option<i64>,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    finding_info: Option<FindingInfo>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    severity_id: Option<i64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    status_id: Option<i64>,
    #[serde(default)]
    status_code: Option<String>,
    #[serde(default)]
    status_detail: Option<String>,
    #[serde(default)]
    resources: Option<Vec<Resource>>,
    #[serde(default)]
    cloud: Option<Cloud>,
    #[serde(default)]
    remediation: Option<Remediation>,
    #[serde(default)]
    unmapped: Option<Unmapped>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    event_code: Option<String>,
    #[serde(default)]
    product: Option<Product>,
}

#[derive(Deserialize)]
struct Product {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct FindingInfo {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    analytic: Option<Analytic>,
}

#[derive(Deserialize)]
struct Analytic {
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Resource {
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct Cloud {
    #[serde(default)]
    account: Option<Account>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

#[derive(Deserialize)]
struct Account {
    #[serde(default)]
    uid: Option<String>,
}

#[derive(Deserialize)]
struct Remediation {
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    references: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Unmapped {
    #[serde(default)]
    compliance: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    provider_uid: Option<String>,
}

impl Top<'_> {
    /// Adds a record; on failure returns the field and what is wrong with it.
    fn add(&mut self, record: Record) -> Result<(), (&'static str, String)> {
        if let Some(class) = record.class_uid
            && class != DETECTION_FINDING
        {
            return Err((
                "class_uid",
                format!("OCSF class {class} is not a Detection Finding ({DETECTION_FINDING})"),
            ));
        }
        let metadata = record.metadata;
        let info = record.finding_info;
        let analytic = info.as_ref().and_then(|i| i.analytic.as_ref());
        let id = metadata
            .as_ref()
            .and_then(|m| non_empty(m.event_code.clone()))
            .or_else(|| analytic.and_then(|a| non_empty(a.uid.clone())))
            .ok_or((
                "metadata",
                "the record has no check ID (metadata.event_code or finding_info.analytic.uid)"
                    .to_owned(),
            ))?;
        let id = id.trim().to_owned();

        if !self.product_seen
            && let Some(product) = metadata.and_then(|m| m.product)
        {
            self.product_seen = true;
            if let Some(name) = non_empty(product.name) {
                self.builder.import.tool.name = name;
            }
            self.builder.import.tool.version = non_empty(product.version);
        }

        let muted = record.status_id == Some(SUPPRESSED)
            || record
                .status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("suppressed"));
        let code = record.status_code.as_deref().map(str::trim).unwrap_or("");
        let outcome = match code.to_ascii_uppercase().as_str() {
            "PASS" => Outcome::Pass,
            "FAIL" if muted => Outcome::Excepted,
            "FAIL" => Outcome::Fail,
            "MANUAL" => Outcome::Unknown,
            "MUTED" => Outcome::Excepted,
            "" => {
                return Err((
                    "status_code",
                    "the record has no status_code (PASS, FAIL, MANUAL or MUTED)".to_owned(),
                ));
            }
            other => {
                return Err((
                    "status_code",
                    format!("status_code {other:?} is not PASS, FAIL, MANUAL or MUTED"),
                ));
            }
        };
        let justification =
            (outcome == Outcome::Excepted).then(|| "muted in Prowler (mutelist)".to_owned());

        let severity = record
            .severity_id
            .and_then(Severity::from_ocsf_id)
            .or_else(|| record.severity.as_deref().and_then(Severity::from_word));

        let unmapped = record.unmapped;
        let cloud = record.cloud;
        let provider = cloud
            .as_ref()
            .and_then(|c| non_empty(c.provider.clone()))
            .or_else(|| {
                unmapped
                    .as_ref()
                    .and_then(|u| non_empty(u.provider.clone()))
            })
            .map(|p| p.to_ascii_lowercase());
        let account = cloud
            .as_ref()
            .and_then(|c| c.account.as_ref())
            .and_then(|a| non_empty(a.uid.clone()))
            .or_else(|| {
                unmapped
                    .as_ref()
                    .and_then(|u| non_empty(u.provider_uid.clone()))
            });
        let resource = record.resources.and_then(|r| r.into_iter().next());
        let (resource_id, name, kind, region, namespace) = match resource {
            Some(r) => (
                non_empty(r.uid),
                non_empty(r.name),
                non_empty(r.kind),
                non_empty(r.region),
                non_empty(r.namespace),
            ),
            None => (None, None, None, None, None),
        };
        let region = region.or_else(|| cloud.as_ref().and_then(|c| non_empty(c.region.clone())));
        let address = resource_id
            .clone()
            .or_else(|| name.clone())
            .or_else(|| account.clone())
            .ok_or((
                "resources",
                "the record names no resource (resources[0].uid or .name) and no account"
                    .to_owned(),
            ))?;
        if let Some(account) = &account {
            self.builder.account(account);
        }

        let title = info
            .as_ref()
            .and_then(|i| non_empty(i.title.clone()))
            .or_else(|| {
                info.as_ref()
                    .and_then(|i| i.analytic.as_ref())
                    .and_then(|a| non_empty(a.name.clone()))
            });
        let (check, new) = self.builder.check(CheckKey {
            provider: provider.clone(),
            id,
        });
        if new && let Some(c) = self.builder.check_mut(check) {
            c.title = title;
            c.severity = severity;
            if let Some(r) = record.remediation {
                c.remediation = non_empty(r.desc);
                c.references = r
                    .references
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|l| !l.trim().is_empty())
                    .collect();
            }
            if let Some(compliance) = unmapped.and_then(|u| u.compliance) {
                c.hints = compliance
                    .into_iter()
                    .filter(|(_, ids)| !ids.is_empty())
                    .map(|(framework, requirements)| ComplianceHint {
                        framework,
                        requirements,
                    })
                    .collect();
            }
        }
        self.builder.push(ImportedFinding {
            check,
            outcome,
            severity,
            justification,
            resource: address,
            place: Place::Cloud {
                provider,
                account,
                region,
                namespace,
                resource_id,
                resource_type: kind,
            },
            detail: non_empty(record.status_detail).or_else(|| non_empty(record.message)),
        });
        Ok(())
    }
}
