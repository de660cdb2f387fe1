//! Counts of a scan: by outcome, against the threshold, by C5 domain and criterion.

use std::collections::HashMap;

use serde::Serialize;
use testat_rules::Outcome;

use crate::ScanReport;

/// How many findings came out which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Findings that passed.
    pub passed: usize,
    /// Findings that failed (whatever their severity).
    pub failed: usize,
    /// Failures covered by an active exception.
    pub excepted: usize,
    /// Findings whose values are known only after apply.
    pub unknown: usize,
    /// Findings the rule could not evaluate.
    pub errors: usize,
}

impl Counts {
    /// Counts one finding with this outcome.
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail => self.failed += 1,
            Outcome::Excepted => self.excepted += 1,
            Outcome::Unknown => self.unknown += 1,
            Outcome::Error => self.errors += 1,
        }
    }

    /// Adds another set of counts to this one.
    pub fn merge(&mut self, other: &Self) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.excepted += other.excepted;
        self.unknown += other.unknown;
        self.errors += other.errors;
    }

    /// All findings counted.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.excepted + self.unknown + self.errors
    }
}

/// The findings of the rules that give evidence for one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionSummary<'a> {
    /// Criterion ID, e.g. `OPS-12`.
    pub id: &'a str,
    /// Criterion title from the catalogue (empty when the catalogue lacks it).
    pub title: &'a str,
    /// Findings of every rule that names this criterion.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The findings of one C5 domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainSummary<'a> {
    /// Domain code, e.g. `OPS`.
    pub code: &'a str,
    /// Domain name from the catalogue.
    pub name: &'a str,
    /// Findings of the rules that name a criterion of this domain, each counted once.
    #[serde(flatten)]
    pub counts: Counts,
    /// The criteria of the domain that have findings, in catalogue order.
    pub criteria: Vec<CriterionSummary<'a>>,
}

/// What a scan amounts to. The command line exits with 1 when
/// [`failed_at_threshold`](Self::failed_at_threshold) is not zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary<'a> {
    /// Files read.
    pub files: usize,
    /// Resources found in them (without the synthetic `account.<provider>` ones).
    pub resources: usize,
    /// Rules that ran.
    pub rules: usize,
    /// Findings (rule × resource).
    pub findings: usize,
    /// Findings by outcome.
    #[serde(flatten)]
    pub counts: Counts,
    /// Failures whose rule's severity is at or above the threshold. `unknown` and
    /// `error` findings never count here.
    pub failed_at_threshold: usize,
    /// Failures below the threshold.
    pub failed_below_threshold: usize,
    /// Exceptions past their expiry date.
    pub expired_exceptions: usize,
    /// Files that could not be read or understood.
    pub problems: usize,
    /// Files skipped because they are not a format Testat reads.
    pub skipped: usize,
    /// Counts by C5 domain (catalogue order), only domains with findings.
    pub domains: Vec<DomainSummary<'a>>,
}

/// Counts the findings of a scan.
pub fn summary<'a>(report: &ScanReport<'a>) -> Summary<'a> {
    let rules = report.rules.rules();
    let mut per_rule = vec![Counts::default(); rules.len()];
    let mut counts = Counts::default();
    let mut failed_at_threshold = 0;
    for finding in report.findings {
        counts.add(finding.outcome);
        if let Some(rule_counts) = per_rule.get_mut(finding.rule) {
            rule_counts.add(finding.outcome);
        }
        if finding.outcome == Outcome::Fail
            && rules
                .get(finding.rule)
                .is_none_or(|rule| rule.spec.severity >= report.fail_on)
        {
            // A failure of an unknown rule counts: better too strict than silent.
            failed_at_threshold += 1;
        }
    }

    let catalog = report.catalog;
    let domain_of = |criterion: &'a str| -> &'a str {
        catalog.exact(criterion).map_or_else(
            || {
                criterion
                    .split_once('-')
                    .map_or(criterion, |(code, _)| code)
            },
            |c| c.domain.as_str(),
        )
    };
    let mut by_criterion: HashMap<&'a str, Counts> = HashMap::new();
    let mut by_domain: HashMap<&'a str, Counts> = HashMap::new();
    for (rule, rule_counts) in rules.iter().zip(&per_rule) {
        if rule_counts.total() == 0 {
            continue;
        }
        let mut domains: Vec<&'a str> = Vec::new();
        for criterion in &rule.spec.criteria {
            by_criterion
                .entry(criterion.as_str())
                .or_default()
                .merge(rule_counts);
            let domain = domain_of(criterion.as_str());
            if !domains.contains(&domain) {
                domains.push(domain);
            }
        }
        for domain in domains {
            by_domain.entry(domain).or_default().merge(rule_counts);
        }
    }

    let mut domains = Vec::new();
    for domain in &catalog.domains {
        let Some(domain_counts) = by_domain.remove(domain.code.as_str()) else {
            continue;
        };
        let criteria = catalog
            .criteria_in(&domain.code)
            .filter_map(|c| {
                by_criterion
                    .remove(c.id.as_str())
                    .map(|counts| CriterionSummary {
                        id: &c.id,
                        title: &c.title,
                        counts,
                    })
            })
            .collect();
        domains.push(DomainSummary {
            code: &domain.code,
            name: &domain.name,
            counts: domain_counts,
            criteria,
        });
    }
    // Criteria the catalogue does not know (rules are checked against it, so only a
    // report built by hand gets here): after the known domains, sorted by ID.
    let mut leftover: Vec<(&'a str, Counts)> = by_criterion.into_iter().collect();
    leftover.sort_unstable_by_key(|(id, _)| *id);
    for (id, counts) in leftover {
        let code = domain_of(id);
        let criterion = CriterionSummary {
            id,
            title: "",
            counts,
        };
        match domains.iter_mut().find(|d| d.code == code) {
            Some(domain) => domain.criteria.push(criterion),
            None => domains.push(DomainSummary {
                code,
                name: catalog.domain(code).map_or(code, |d| d.name.as_str()),
                counts: by_domain.remove(code).unwrap_or_default(),
                criteria: vec![criterion],
            }),
        }
    }

    Summary {
        files: report.inputs.files.len(),
        resources: report
            .inputs
            .resources
            .iter()
            .filter(|r| r.kind != testat_inputs::ACCOUNT_KIND)
            .count(),
        rules: rules.len(),
        findings: report.findings.len(),
        failed_at_threshold,
        failed_below_threshold: counts.failed.saturating_sub(failed_at_threshold),
        counts,
        expired_exceptions: report.exception_use.expired.len(),
        problems: report.inputs.problems.len(),
        skipped: report.inputs.skipped.len(),
        domains,
    }
}
