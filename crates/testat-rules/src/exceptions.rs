//! How approved, time-limited exceptions (C5 SP-03) apply to findings. The exception
//! itself is a record ([`testat_records::Exception`]).

use chrono::NaiveDate;
use testat_inputs::InputSet;
pub use testat_records::{Exception, wildcard_match};

use crate::finding::{Finding, Outcome};
use crate::ruleset::RuleSet;

/// How the exceptions fared in one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExceptionUse {
    /// Per exception (same index): how many findings it excepted.
    pub excepted: Vec<usize>,
    /// Indexes of exceptions past their expiry date; they except nothing.
    pub expired: Vec<usize>,
}

/// Marks failing findings covered by an active exception as excepted. Failures covered
/// only by an expired exception stay failures and point at that exception.
pub fn apply_exceptions(
    findings: &mut [Finding],
    inputs: &InputSet,
    rules: &RuleSet,
    exceptions: &[Exception],
    today: NaiveDate,
) -> ExceptionUse {
    let mut usage = ExceptionUse {
        excepted: vec![0; exceptions.len()],
        expired: exceptions
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.is_active(today))
            .map(|(i, _)| i)
            .collect(),
    };
    if exceptions.is_empty() {
        return usage;
    }
    for finding in findings.iter_mut().filter(|f| f.outcome == Outcome::Fail) {
        let (Some(rule), Some(resource)) = (
            rules.rules().get(finding.rule),
            inputs.resources.get(finding.resource),
        ) else {
            continue;
        };
        let matching = exceptions
            .iter()
            .enumerate()
            .filter(|(_, e)| e.matches(rule.id(), &resource.address));
        let mut expired_match = None;
        for (i, exception) in matching {
            if exception.is_active(today) {
                finding.outcome = Outcome::Excepted;
                finding.exception = Some(i);
                if let Some(count) = usage.excepted.get_mut(i) {
                    *count += 1;
                }
                expired_match = None;
                break;
            }
            expired_match.get_or_insert(i);
        }
        if let Some(i) = expired_match {
            finding.exception = Some(i);
        }
    }
    usage
}
