//! The built-in rules against their own fixtures, as `testat rules test` runs them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use testat_rules::{RuleSet, test_rules};

#[test]
fn every_built_in_rule_passes_its_fixtures() {
    let rules = RuleSet::builtin(testat_catalog::builtin()).unwrap();
    let report = test_rules(&rules);
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} [{}] {}", f.rule, f.test, f.message))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.cases > report.rules);
}
