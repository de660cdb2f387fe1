//! The rule test harness: every rule against its own fixtures.

use std::collections::BTreeMap;
use std::path::PathBuf;

use testat_inputs::{InputSet, ReadOptions};

use crate::eval::{EvalOptions, run, to_cel};
use crate::finding::Outcome;
use crate::rule::{Expected, RuleTest};
use crate::ruleset::{Rule, RuleSet};

/// A test case that did not come out as its rule file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFailure {
    /// The rule ID.
    pub rule: String,
    /// The rule file.
    pub origin: String,
    /// The test name (empty for rule-level problems such as a missing fixture).
    pub test: String,
    /// What differed.
    pub message: String,
}

/// The result of running rule tests.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// Rules whose tests ran.
    pub rules: usize,
    /// Test cases run.
    pub cases: usize,
    /// Expectations checked (resource × case).
    pub checks: usize,
    /// Everything that did not match.
    pub failures: Vec<CaseFailure>,
}

/// Runs the tests of every rule in `rules`.
///
/// Each rule must have at least one case where a resource passes and one where a
/// resource fails; every resource the rule applies to in a fixture must be listed
/// with its expected outcome.
pub fn test_rules(rules: &RuleSet) -> TestReport {
    let mut report = TestReport::default();
    for (index, rule) in rules.rules().iter().enumerate() {
        report.rules += 1;
        let fail = |test: &str, message: String| CaseFailure {
            rule: rule.id().to_owned(),
            origin: rule.origin.display(),
            test: test.to_owned(),
            message,
        };
        let expects: Vec<Expected> = rule
            .spec
            .tests
            .iter()
            .flat_map(|t| t.expect.values().copied())
            .collect();
        for (wanted, word) in [(Expected::Pass, "passing"), (Expected::Fail, "failing")] {
            if !expects.contains(&wanted) {
                report.failures.push(fail(
                    "",
                    format!(
                        "has no {word} fixture; add a test whose `expect` lists a resource as {}",
                        word.trim_end_matches("ing")
                    ),
                ));
            }
        }
        for test in &rule.spec.tests {
            report.cases += 1;
            match run_case(rules, index, rule, test) {
                Ok((checks, problems)) => {
                    report.checks += checks;
                    report
                        .failures
                        .extend(problems.into_iter().map(|m| fail(&test.name, m)));
                }
                Err(message) => report.failures.push(fail(&test.name, message)),
            }
        }
    }
    report
}

/// Runs one case; returns the number of checks and the mismatches.
fn run_case(
    rules: &RuleSet,
    index: usize,
    rule: &Rule,
    test: &RuleTest,
) -> Result<(usize, Vec<String>), String> {
    let (path, bytes) = match (&test.input, &test.content) {
        (Some(input), _) => rule.origin.read_relative(input)?,
        (None, Some(content)) => (
            PathBuf::from(format!("{}#{}", rule.origin.display(), test.name)),
            content.as_bytes().to_vec(),
        ),
        (None, None) => return Err("the test has neither `input` nor `content`".into()),
    };
    let mut inputs = InputSet::default();
    inputs.add_bytes(path, bytes, true, &ReadOptions::default());
    inputs.finish();
    if let Some(problem) = inputs.problems.first() {
        return Err(format!("the fixture cannot be read: {problem}"));
    }
    let options = EvalOptions {
        account_baseline: if test.account_baseline {
            vec![rule.spec.provider.clone()]
        } else {
            Vec::new()
        },
        interpreter_only: false,
    };
    let params = (!test.parameters.is_empty()).then(|| {
        let mut values = rule.parameters().clone();
        values.extend(test.parameters.clone());
        (
            index,
            to_cel(&serde_json::Value::Object(values.into_iter().collect())),
        )
    });
    let findings = run(&inputs, rules, Some(&[index]), &options, params.clone());
    // The direct evaluator of common shapes must agree with the interpreter.
    let interpreted = run(
        &inputs,
        rules,
        Some(&[index]),
        &EvalOptions {
            interpreter_only: true,
            ..options.clone()
        },
        params,
    );
    let mut problems = Vec::new();
    if findings.len() != interpreted.len() {
        problems.push(format!(
            "the direct evaluation gave {} findings, the CEL interpreter {}; this is a bug in Testat",
            findings.len(),
            interpreted.len()
        ));
    }
    for (direct, interpreted) in findings.iter().zip(&interpreted) {
        if (direct.outcome, &direct.detail) != (interpreted.outcome, &interpreted.detail) {
            let address = inputs
                .resources
                .get(direct.resource)
                .map_or("?", |r| r.address.as_str());
            problems.push(format!(
                "`{address}`: the direct evaluation gave {} ({}), the CEL interpreter {} ({}); this is a bug in Testat",
                direct.outcome.as_str(),
                direct.detail.as_deref().unwrap_or("-"),
                interpreted.outcome.as_str(),
                interpreted.detail.as_deref().unwrap_or("-"),
            ));
        }
    }
    let mut actual: BTreeMap<&str, (Outcome, Option<&str>)> = BTreeMap::new();
    for finding in &findings {
        if let Some(resource) = inputs.resources.get(finding.resource) {
            actual.insert(
                &resource.address,
                (finding.outcome, finding.detail.as_deref()),
            );
        }
    }
    for (address, expected) in &test.expect {
        let wanted = match expected {
            Expected::Pass => Outcome::Pass,
            Expected::Fail => Outcome::Fail,
            Expected::Unknown => Outcome::Unknown,
        };
        match actual.get(address.as_str()) {
            None => problems.push(format!(
                "`{address}` is expected to {}, but the rule did not evaluate it (no such resource of kinds {})",
                wanted.as_str(),
                rule.kinds.join(", ")
            )),
            Some((outcome, detail)) if *outcome != wanted => problems.push(format!(
                "`{address}`: expected {}, got {}{}",
                wanted.as_str(),
                outcome.as_str(),
                detail.map(|d| format!(" ({d})")).unwrap_or_default()
            )),
            Some(_) => {}
        }
    }
    for (address, (outcome, _)) in &actual {
        if !test.expect.contains_key(*address) {
            problems.push(format!(
                "`{address}` gave {} but is not listed under `expect`; list every resource the rule applies to",
                outcome.as_str()
            ));
        }
    }
    Ok((test.expect.len(), problems))
}
