//! A fixed, realistic assessment and customer handout over the built-in catalogue, for
//! the renderers' tests and the documentation. Not used by the assessment itself.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use testat_catalog::Catalog;

use crate::Status;
use crate::model::{
    ASSESSMENT_SCHEMA, Assessment, AssessmentKind, AttestationRef, CatalogRef, CriterionResult,
    CustomerHandout, EvidenceRef, ExceptionRef, FailureInterval, Gap, PeriodResult, RuleOutcome,
    Sample, SampledRun,
};
use crate::service::{
    GdprCommitments, Location, OutOfScope, Service, ServiceDescription, Subservice,
};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .single()
        .unwrap_or_default()
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

/// The service description used by the examples.
pub fn service() -> ServiceDescription {
    ServiceDescription {
        service: Some(Service {
            name: "Beispiel Cloud Storage".into(),
            provider: "Beispiel GmbH".into(),
            description: "Object storage with encryption at rest, for public-sector and \
                          enterprise customers in Germany."
                .into(),
            models: vec!["IaaS".into()],
            deployment: Some("public".into()),
            jurisdiction: Some("DE".into()),
            certifications: vec!["ISO/IEC 27001:2022".into()],
            availability: Some("99.95 % per calendar month".into()),
            incident_handling: Some(
                "Security incidents are reported to affected customers within 24 hours.".into(),
            ),
            contact: Some("security@beispiel.example".into()),
        }),
        locations: vec![
            Location {
                name: "Frankfurt".into(),
                country: "DE".into(),
                purposes: vec!["processing".into(), "storage".into()],
                operated_by: Some("Rechenzentrum AG".into()),
                ..Location::default()
            },
            Location {
                name: "Berlin".into(),
                country: "DE".into(),
                purposes: vec!["backup".into()],
                operated_by: None,
                ..Location::default()
            },
        ],
        subservices: vec![Subservice {
            name: "Rechenzentrum AG".into(),
            provides: "Data centre housing".into(),
            method: "carve-out".into(),
            criteria: vec!["PS-01".into(), "PS-02".into()],
            attestation: Some("C5:2020 Type 2, 2025-01-01 to 2025-12-31".into()),
            ..Subservice::default()
        }],
        out_of_scope: vec![OutOfScope {
            criteria: vec!["PS".into()],
            reason: "Physical security is provided by the carved-out data centre operator.".into(),
            subservice: Some("Rechenzentrum AG".into()),
        }],
        levels: None,
        gdpr: GdprCommitments::default(),
    }
}

/// A Type 2 assessment for 2026-03-01 to 2026-03-31 with every kind of record: a
/// scoped-out domain, failures fixed and open, an expired exception, expired evidence,
/// a gap in the runs and a sample.
pub fn type2(catalog: &Catalog) -> Assessment {
    let service = service();
    let scope = service.validate(catalog).unwrap_or_default();
    let mut criteria = Vec::new();
    for (i, c) in catalog.criteria.iter().enumerate() {
        let scoped = scope.iter().find(|s| s.criterion == c.id);
        let mut r = CriterionResult {
            id: c.id.clone(),
            domain: c.domain.clone(),
            title: c.title.clone(),
            automation: c.automation.as_str(),
            status: Status::NotAssessed,
            reasons: vec!["nothing recorded: no scan results, attestation or evidence".into()],
            scoped_out: scoped.map(|s| s.reason.clone()),
            out_of_level: None,
            excluded_subcriteria: Vec::new(),
            rules: Vec::new(),
            attestation: None,
            evidence: Vec::new(),
            exceptions: Vec::new(),
            failures: Vec::new(),
            deviations: Vec::new(),
        };
        if let Some(s) = scoped {
            r.status = Status::NotApplicable;
            r.reasons = vec![format!("out of scope: {}", s.reason)];
        } else if c.id == "CRY-03" {
            r.status = Status::PartlyMet;
            r.reasons = vec![
                "aws-s3-encryption failed on aws_s3_bucket.logs from 2026-03-10 to 2026-03-12"
                    .into(),
                "every resource checked by the mapped rules passes".into(),
            ];
            r.rules = vec![RuleOutcome {
                id: "aws-s3-encryption".into(),
                title: "S3 buckets encrypt data at rest".into(),
                passed: 12,
                failing: Vec::new(),
                excepted: vec!["aws_s3_bucket.public_site".into()],
                unknown: 0,
                parameters: Vec::new(),
            }];
            r.exceptions = vec![ExceptionRef {
                rule: "aws-s3-encryption".into(),
                resource: "aws_s3_bucket.public_site".into(),
                justification: "Public website content, no customer data".into(),
                approved_by: "CISO".into(),
                expires: date(12, 31),
                active: true,
            }];
            r.failures = vec![FailureInterval {
                scope: "default".into(),
                rule: "aws-s3-encryption".into(),
                resource: "aws_s3_bucket.logs".into(),
                last_good: Some(at(9, 6)),
                detected: at(10, 6),
                fixed: Some(at(12, 6)),
                detected_run: 12,
                fixed_run: Some(14),
                time_to_detect_secs: Some(86_400),
                time_to_fix_secs: Some(172_800),
            }];
            r.deviations = vec![
                "aws-s3-encryption failed on aws_s3_bucket.logs from 2026-03-10 06:00 to \
                 2026-03-12 06:00 (fixed after 48 h)"
                    .into(),
            ];
        } else if c.id == "IDM-09" {
            r.status = Status::NotMet;
            r.reasons = vec![
                "aws-iam-mfa failed on aws_iam_user.admin (exception expired 2026-03-15)".into(),
            ];
            r.rules = vec![RuleOutcome {
                id: "aws-iam-mfa".into(),
                title: "IAM users sign in with MFA".into(),
                passed: 3,
                failing: vec!["aws_iam_user.admin".into()],
                excepted: Vec::new(),
                unknown: 0,
                parameters: Vec::new(),
            }];
            r.exceptions = vec![ExceptionRef {
                rule: "aws-iam-mfa".into(),
                resource: "aws_iam_user.admin".into(),
                justification: "Break-glass account, hardware token on order".into(),
                approved_by: "CISO".into(),
                expires: date(3, 15),
                active: false,
            }];
            r.failures = vec![FailureInterval {
                scope: "default".into(),
                rule: "aws-iam-mfa".into(),
                resource: "aws_iam_user.admin".into(),
                last_good: None,
                detected: at(16, 6),
                fixed: None,
                detected_run: 18,
                fixed_run: None,
                time_to_detect_secs: None,
                time_to_fix_secs: None,
            }];
            r.deviations =
                vec!["aws-iam-mfa failing on aws_iam_user.admin since 2026-03-16 06:00, not fixed by the end of the period".into()];
        } else if c.id == "OIS-01" {
            r.status = Status::Met;
            r.reasons = vec![
                "1 piece(s) of valid evidence".into(),
                "attested implemented by alice (attestation 1, owner CISO)".into(),
            ];
            r.attestation = Some(AttestationRef {
                id: 1,
                status: "implemented".into(),
                statement: "ISMS established and certified".into(),
                owner: "CISO".into(),
                attested_by: "alice".into(),
                attested_at: at(1, 9),
                next_review: Some(date(9, 1)),
            });
            r.evidence = vec![EvidenceRef {
                id: 1,
                kind: "file".into(),
                label: "isms-policy.pdf".into(),
                sha256: Some(
                    "5f2b0c1e0c4d6f0e9d3b1a2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091".into(),
                ),
                effective: Some(date(1, 1)),
                valid_until: Some(date(12, 31)),
                valid: true,
            }];
        } else if c.id == "OIS-02" {
            r.status = Status::PartlyMet;
            r.reasons = vec![
                "evidence 2 expired on 2026-03-20".into(),
                "attested implemented by alice (attestation 2, owner CISO)".into(),
                "no valid evidence".into(),
            ];
            r.evidence = vec![EvidenceRef {
                id: 2,
                kind: "url".into(),
                label: "https://wiki.beispiel.example/roles".into(),
                sha256: None,
                effective: Some(date(1, 1)),
                valid_until: Some(date(3, 20)),
                valid: false,
            }];
            r.deviations = vec!["evidence 2 expired on 2026-03-20, within the period".into()];
        } else if c.id.starts_with("INQ-") {
            r.status = Status::Met;
            r.reasons = vec![
                "register: 2 closed request(s), each with a legal review and a notification decision"
                    .into(),
            ];
        } else if i % 3 == 0 {
            r.status = Status::Met;
            r.reasons = vec!["every resource checked by the mapped rules passes".into()];
        } else if i % 5 == 0 {
            r.status = Status::PartlyMet;
            r.reasons = vec!["attested partial by bob (attestation 7, owner Ops)".into()];
        }
        criteria.push(r);
    }
    let (counts, domains) = crate::assessment::tally(catalog, &criteria);
    Assessment {
        schema: ASSESSMENT_SCHEMA,
        kind: AssessmentKind::Type2 {
            from: date(3, 1),
            to: date(3, 31),
        },
        generated_at: Utc
            .with_ymd_and_hms(2026, 4, 2, 10, 0, 0)
            .single()
            .unwrap_or_default(),
        tool_version: "0.1.0".into(),
        catalog: CatalogRef {
            name: catalog.name.clone(),
            version: catalog.version.clone(),
        },
        service,
        scope,
        levels: None,
        counts,
        domains,
        criteria,
        period: Some(PeriodResult {
            from: date(3, 1),
            to: date(3, 31),
            max_gap_hours: 36,
            runs: BTreeMap::from([("default".into(), 29)]),
            coverage_percent: 93.5,
            gaps: vec![Gap {
                scope: "default".into(),
                from: at(20, 6),
                to: at(23, 6),
                hours: 72,
            }],
            median_time_to_fix_secs: Some(172_800),
            sample: Some(Sample {
                seed: 42,
                size: 3,
                method: crate::SAMPLE_METHOD,
                runs: vec![
                    SampledRun {
                        id: 4,
                        scope: "default".into(),
                        finished_at: at(3, 6),
                    },
                    SampledRun {
                        id: 17,
                        scope: "default".into(),
                        finished_at: at(15, 6),
                    },
                ],
                evidence: vec![1, 2],
            }),
        }),
        frameworks: Vec::new(),
    }
}

/// The customer handout for the example service.
pub fn handout(catalog: &Catalog) -> CustomerHandout {
    let service = service();
    let scope = service.validate(catalog).unwrap_or_default();
    crate::customer_handout(catalog, &service, &scope, at(31, 12), "0.1.0")
}

/// The handout with its GDPR annex: the example service with a location in the US
/// (standard contractual clauses) and one in Switzerland (no mechanism declared), a
/// support subservice in India, a 24-hour breach notification commitment, CRY-01 met,
/// CRY-02 partly met, CRY-03 not met, OPS-06 not met, and the register's (empty)
/// figures for 2026.
pub fn gdpr_handout(catalog: &Catalog) -> CustomerHandout {
    use crate::gdpr::{GdprInputs, TransparencyFigures, gdpr_pack};
    use crate::service::TransferMechanism;

    let mut service = service();
    service.locations.push(Location {
        name: "Virginia".into(),
        country: "US".into(),
        purposes: vec!["backup".into()],
        transfer_mechanism: Some(TransferMechanism::Scc),
        transfer_note: Some("module 3".into()),
        ..Location::default()
    });
    service.locations.push(Location {
        name: "Zurich".into(),
        country: "CH".into(),
        purposes: vec!["support".into()],
        ..Location::default()
    });
    service.subservices.push(Subservice {
        name: "Helpdesk Ltd.".into(),
        provides: "First-level support".into(),
        method: "inclusive".into(),
        countries: vec!["IN".into()],
        ..Subservice::default()
    });
    service.gdpr.breach_notification_hours = Some(24);
    let scope = service.validate(catalog).unwrap_or_default();
    let mut handout = crate::customer_handout(catalog, &service, &scope, at(31, 12), "0.1.0");
    let as_of = date(3, 31);
    let period = testat_inquiry::Period::year_of(as_of);
    let report = testat_inquiry::transparency_report_for_countries(
        &[],
        period,
        testat_inquiry::PUBLISHED_BAND,
        as_of,
        &["DE".to_owned(), "US".to_owned()],
    )
    .ok();
    let statuses = [
        ("CRY-01", Status::Met),
        ("CRY-02", Status::PartlyMet),
        ("CRY-03", Status::NotMet),
        ("OPS-06", Status::NotMet),
    ];
    let (Some(framework), Some(mapping)) = (
        testat_catalog::framework("gdpr"),
        testat_catalog::mappings("gdpr", testat_catalog::C5Version::V2020),
    ) else {
        return handout;
    };
    handout.gdpr = Some(gdpr_pack(GdprInputs {
        framework,
        mapping,
        statuses: catalog
            .criteria
            .iter()
            .map(|c| {
                let status = if scope.iter().any(|s| s.criterion == c.id) {
                    Status::NotApplicable
                } else {
                    statuses
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .map_or(Status::NotAssessed, |(_, s)| *s)
                };
                (c.id.as_str(), c.title.as_str(), status)
            })
            .collect(),
        service: &service,
        as_of,
        transparency: TransparencyFigures {
            period: period.to_string(),
            report,
        },
    }));
    handout
}
