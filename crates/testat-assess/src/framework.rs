//! What the C5 status shows for another framework (ISO/IEC 27001:2022, GDPR, BDSG):
//! per control, article or section, the status of the C5 criteria mapped to it.
//!
//! The roll-up never says that a framework is met. It says which C5 criteria support
//! a control (only criteria that are met or partly met count as support) and which
//! are missing (not met, not assessed); a `not met` criterion is never support.

use std::collections::HashMap;

use serde::Serialize;
use testat_catalog::{C5Version, Framework, FrameworkMapping, Support};

use crate::{Status, StatusCounts};

/// The roll-up of one framework from one C5 status.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkRollup {
    /// The framework's ID, e.g. `gdpr`.
    pub framework: String,
    /// Its full name.
    pub name: String,
    /// The C5 version whose criteria were mapped.
    pub c5: C5Version,
    /// What the data is and is not (shown with every roll-up).
    pub disclaimer: String,
    /// How many controls show each kind of support.
    pub counts: SupportCounts,
    /// Every control, article or section in the framework's order.
    pub controls: Vec<ControlRollup>,
}

/// How many controls show each [`FrameworkSupport`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SupportCounts {
    /// `supported`.
    pub supported: usize,
    /// `partly supported`.
    pub partly_supported: usize,
    /// `not supported`.
    pub not_supported: usize,
    /// `no c5 mapping`.
    pub no_mapping: usize,
}

/// What the C5 status shows for one control. Never a verdict of compliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FrameworkSupport {
    /// Every applicable mapped criterion is met, and at least one of them fully
    /// supports the control.
    #[serde(rename = "supported")]
    Supported,
    /// Some mapped criteria are met or partly met; others are missing, or the
    /// mappings only partly support the control.
    #[serde(rename = "partly supported")]
    PartlySupported,
    /// No mapped criterion is met or partly met.
    #[serde(rename = "not supported")]
    NotSupported,
    /// No C5 criterion maps to the control (the reason is given).
    #[serde(rename = "no c5 mapping")]
    NoMapping,
}

impl FrameworkSupport {
    /// The words used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supported => "supported",
            Self::PartlySupported => "partly supported",
            Self::NotSupported => "not supported",
            Self::NoMapping => "no c5 mapping",
        }
    }
}

/// One control, article or section with the status of its mapped criteria.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRollup {
    /// The control's ID, e.g. `art32.1.a`.
    pub id: String,
    /// How people write it, e.g. `Art. 32(1)(a)`.
    pub label: String,
    /// Its title.
    pub title: String,
    /// Its group (theme, chapter, part).
    pub group: String,
    /// What the mapped criteria show.
    pub support: FrameworkSupport,
    /// How many mapped criteria have each status.
    pub counts: StatusCounts,
    /// The weakest mapped criterion (not met before not assessed before partly met
    /// before met; not applicable never), if any.
    pub weakest: Option<MappedCriterion>,
    /// Mapped criteria that are met or partly met: the support.
    pub supported_by: Vec<MappedCriterion>,
    /// Mapped criteria that are not met or not assessed: what is missing.
    pub missing: Vec<MappedCriterion>,
    /// When no criterion maps: why none fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmapped_reason: Option<String>,
}

/// A C5 criterion mapped to a control, with its status.
#[derive(Debug, Clone, Serialize)]
pub struct MappedCriterion {
    /// The criterion ID (for a mapped C5:2026 sub-criterion, its criterion).
    pub criterion: String,
    /// The criterion's title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// `supports` when any mapping of the criterion to the control fully supports it.
    pub relation: Support,
    /// The mapping's reason (the first, when several sub-criteria map).
    pub reason: String,
}

/// How weak a status is as support: lower is weaker; `None` for not applicable.
fn weakness(status: Status) -> Option<u8> {
    match status {
        Status::NotMet => Some(0),
        Status::NotAssessed => Some(1),
        Status::PartlyMet => Some(2),
        Status::Met => Some(3),
        Status::NotApplicable => None,
    }
}

/// Rolls the status of C5 criteria up to the controls of `framework`.
///
/// `statuses` gives each criterion's ID, title and status (criteria absent from it
/// count as not assessed). A C5:2026 sub-criterion mapping counts with its criterion;
/// a criterion mapped several times to one control counts once, as `supports` when
/// any of its mappings does.
pub fn framework_rollup<'a>(
    framework: &Framework,
    mapping: &FrameworkMapping,
    statuses: impl IntoIterator<Item = (&'a str, &'a str, Status)>,
) -> FrameworkRollup {
    let statuses: HashMap<&str, (&str, Status)> = statuses
        .into_iter()
        .map(|(id, title, status)| (id, (title, status)))
        .collect();
    let mut counts = SupportCounts::default();
    let controls = framework
        .controls
        .iter()
        .map(|control| {
            let mut mapped: Vec<MappedCriterion> = Vec::new();
            for m in mapping.criteria_for(&control.id) {
                let id = m.criterion_id();
                if let Some(known) = mapped.iter_mut().find(|c| c.criterion == id) {
                    known.relation = known.relation.min(m.relation);
                    continue;
                }
                let (title, status) = statuses
                    .get(id)
                    .copied()
                    .unwrap_or(("", Status::NotAssessed));
                mapped.push(MappedCriterion {
                    criterion: id.to_owned(),
                    title: title.to_owned(),
                    status,
                    relation: m.relation,
                    reason: m.reason.trim().to_owned(),
                });
            }
            let mut rollup = control_rollup(mapped);
            if mapping.criteria_for(&control.id).is_empty() {
                rollup.support = FrameworkSupport::NoMapping;
            }
            match rollup.support {
                FrameworkSupport::Supported => counts.supported += 1,
                FrameworkSupport::PartlySupported => counts.partly_supported += 1,
                FrameworkSupport::NotSupported => counts.not_supported += 1,
                FrameworkSupport::NoMapping => counts.no_mapping += 1,
            }
            ControlRollup {
                id: control.id.clone(),
                label: control.label.clone(),
                title: control.title.clone(),
                group: control.group.clone(),
                unmapped_reason: mapping.unmapped_reason(&control.id).map(str::to_owned),
                ..rollup
            }
        })
        .collect();
    FrameworkRollup {
        framework: framework.id.clone(),
        name: framework.name.clone(),
        c5: mapping.c5,
        disclaimer: framework.disclaimer.trim().to_owned(),
        counts,
        controls,
    }
}

/// Splits the mapped criteria of one control into support and missing, and judges
/// them; the control's own fields are left empty for the caller.
fn control_rollup(mapped: Vec<MappedCriterion>) -> ControlRollup {
    let mut counts = StatusCounts::default();
    for c in &mapped {
        counts.add(c.status);
    }
    let weakest = mapped
        .iter()
        .filter_map(|c| weakness(c.status).map(|w| (w, c)))
        .min_by_key(|(w, _)| *w)
        .map(|(_, c)| c.clone());
    let full = mapped
        .iter()
        .any(|c| c.status == Status::Met && c.relation == Support::Supports);
    let (supported_by, rest): (Vec<_>, Vec<_>) = mapped
        .into_iter()
        .partition(|c| matches!(c.status, Status::Met | Status::PartlyMet));
    let missing: Vec<MappedCriterion> = rest
        .into_iter()
        .filter(|c| matches!(c.status, Status::NotMet | Status::NotAssessed))
        .collect();
    let support = if supported_by.is_empty() {
        FrameworkSupport::NotSupported
    } else if missing.is_empty() && full && supported_by.iter().all(|c| c.status == Status::Met) {
        FrameworkSupport::Supported
    } else {
        FrameworkSupport::PartlySupported
    };
    ControlRollup {
        id: String::new(),
        label: String::new(),
        title: String::new(),
        group: String::new(),
        support,
        counts,
        weakest,
        supported_by,
        missing,
        unmapped_reason: None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use testat_catalog::{C5Version, framework, mappings};

    use super::*;

    fn gdpr_2026(statuses: &[(&'static str, Status)]) -> FrameworkRollup {
        framework_rollup(
            framework("gdpr").unwrap(),
            mappings("gdpr", C5Version::V2026).unwrap(),
            statuses.iter().map(|&(id, status)| (id, "", status)),
        )
    }

    fn control<'a>(r: &'a FrameworkRollup, id: &str) -> &'a ControlRollup {
        r.controls.iter().find(|c| c.id == id).unwrap()
    }

    #[test]
    fn sub_criteria_of_one_criterion_count_once() {
        // Art. 5(1)(b) is mapped from OPS-11.01B and OPS-11.02B.
        let r = gdpr_2026(&[("OPS-11", Status::Met)]);
        let c = control(&r, "art5.1.b");
        assert_eq!(c.counts.met, 1);
        assert_eq!(c.supported_by.len(), 1);
        assert_eq!(c.support, FrameworkSupport::Supported);
    }

    #[test]
    fn not_applicable_is_neither_support_nor_missing_and_never_weakest() {
        // Art. 35 is mapped from OIS-08 (and its sub-criterion OIS-08.05B) alone.
        let r = gdpr_2026(&[("OIS-08", Status::NotApplicable)]);
        let c = control(&r, "art35");
        assert!(c.supported_by.is_empty() && c.missing.is_empty());
        assert!(c.weakest.is_none());
        assert_eq!(c.counts.not_applicable, 1);
        assert_eq!(c.support, FrameworkSupport::NotSupported);
        // A criterion absent from the status counts as not assessed.
        let r = gdpr_2026(&[]);
        assert_eq!(
            control(&r, "art35").weakest.as_ref().unwrap().status,
            Status::NotAssessed
        );
    }

    #[test]
    fn not_met_is_missing_and_the_weakest() {
        let r = gdpr_2026(&[("OPS-11", Status::NotMet)]);
        let c = control(&r, "art5.1.b");
        assert!(c.supported_by.is_empty());
        assert_eq!(c.missing[0].status, Status::NotMet);
        assert_eq!(c.weakest.as_ref().unwrap().criterion, "OPS-11");
        assert_eq!(c.support, FrameworkSupport::NotSupported);
    }
}
