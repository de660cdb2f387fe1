//! `testat rules`: list, show and test rules.

use std::fmt::Write as _;

use serde::Serialize;
use testat_catalog::{Automation, Catalog};
use testat_project::load_rules as load;
use testat_rules::{RuleSet, test_rules};

use crate::cli::{RulesCommand, ShowFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{DIM, HEADING, ID, TEXT_WIDTH, WARN, emit, styled, wrap};

/// Runs a `testat rules` subcommand.
pub fn run(ctx: &Context, command: &RulesCommand) -> Result<ExitStatus, CliError> {
    let catalog = ctx.project.catalog();
    match command {
        RulesCommand::List(args) => {
            let rules = load(catalog, true, &args.rules)?;
            let criterion = match &args.criterion {
                Some(id) => Some(catalog.get(id)?.id.clone()),
                None => None,
            };
            let selected: Vec<&testat_rules::Rule> = rules
                .rules()
                .iter()
                .filter(|r| {
                    args.provider
                        .as_ref()
                        .is_none_or(|p| r.spec.provider.eq_ignore_ascii_case(p))
                })
                .filter(|r| {
                    criterion
                        .as_ref()
                        .is_none_or(|c| r.spec.criteria.contains(c))
                })
                .collect();
            let text = match args.format {
                ShowFormat::Text => {
                    let mut out = String::new();
                    for rule in &selected {
                        let _ = writeln!(
                            out,
                            "{}  {:<8}  {:<12}  {}  {}",
                            styled(ID, &format!("{:<28}", rule.id())),
                            rule.spec.severity.as_str(),
                            rule.spec.provider,
                            rule.spec.title,
                            styled(DIM, &format!("[{}]", rule.spec.criteria.join(", ")))
                        );
                    }
                    let _ = writeln!(out, "{}", styled(DIM, &format!("{} rules", selected.len())));
                    out
                }
                ShowFormat::Json => {
                    let list: Vec<RuleJson<'_>> =
                        selected.iter().map(|r| RuleJson::new(r)).collect();
                    format!(
                        "{}\n",
                        serde_json::to_string_pretty(&serde_json::json!({
                            "schema_version": 1,
                            "rules": list,
                        }))?
                    )
                }
            };
            emit(None, &text)?;
            Ok(ExitStatus::Success)
        }
        RulesCommand::Show { id, rules: dirs } => {
            let rules = load(catalog, true, dirs)?;
            let wanted = id.trim().to_ascii_uppercase();
            let Some(rule) = rules.get(&wanted) else {
                return Err(CliError::usage(
                    format!("unknown rule `{id}`"),
                    "`testat rules list` shows the rule IDs",
                ));
            };
            let spec = &rule.spec;
            let mut out = String::new();
            let _ = writeln!(
                out,
                "{}  {}",
                styled(ID, &spec.id),
                styled(HEADING, &spec.title)
            );
            let _ = writeln!(out, "Severity:   {}", spec.severity.as_str());
            let _ = writeln!(out, "Provider:   {}", spec.provider);
            let _ = writeln!(out, "Resources:  {}", rule.kinds.join(", "));
            let _ = writeln!(out, "Source:     {}", rule.origin.display());
            if let Some(checked) = &spec.checked_against {
                let _ = writeln!(out, "Checked:    {checked}");
            }
            let _ = writeln!(out, "\n{}", styled(HEADING, "C5:2020 criteria"));
            for id in &spec.criteria {
                let title = catalog.exact(id).map_or("", |c| c.title.as_str());
                let _ = writeln!(out, "  {}  {title}", styled(ID, id));
            }
            if let Some(description) = &spec.description {
                let _ = writeln!(out, "\n{}", styled(HEADING, "Why"));
                out.push_str(&wrap(description, TEXT_WIDTH, "  "));
            }
            let _ = writeln!(out, "\n{}", styled(HEADING, "A failure means"));
            out.push_str(&wrap(&spec.message, TEXT_WIDTH, "  "));
            let _ = writeln!(out, "\n{}", styled(HEADING, "How to fix"));
            for line in spec.remediation.trim_end().lines() {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(out, "\n{}", styled(HEADING, "Condition (CEL)"));
            for line in spec.condition.trim_end().lines() {
                let _ = writeln!(out, "  {line}");
            }
            emit(None, &out)?;
            Ok(ExitStatus::Success)
        }
        RulesCommand::Coverage {
            rules: dirs,
            check,
            format,
        } => {
            let rules = load(catalog, true, dirs)?;
            coverage(&rules, catalog, *check, *format)
        }
        RulesCommand::Docs { output } => {
            let rules = load(catalog, true, &[])?;
            emit(
                output.as_deref(),
                &testat_report::rules_reference(&rules, catalog),
            )?;
            Ok(ExitStatus::Success)
        }
        RulesCommand::Test { dir } => {
            let rules = match dir {
                Some(dir) => load(catalog, false, std::slice::from_ref(dir))?,
                None => load(catalog, true, &[])?,
            };
            let report = test_rules(&rules);
            let mut out = String::new();
            for failure in &report.failures {
                let test = if failure.test.is_empty() {
                    String::new()
                } else {
                    format!(" test `{}`", failure.test)
                };
                let _ = writeln!(
                    out,
                    "{} {}{test} ({}): {}",
                    styled(crate::output::WARN_ERROR, "FAIL"),
                    styled(ID, &failure.rule),
                    failure.origin,
                    failure.message
                );
            }
            let _ = writeln!(
                out,
                "{} rules, {} cases, {} checks: {} passed, {} failed",
                report.rules,
                report.cases,
                report.checks,
                report.checks.saturating_sub(report.failures.len()),
                report.failures.len()
            );
            emit(None, &out)?;
            Ok(if report.failures.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            })
        }
    }
}

fn coverage(
    rules: &RuleSet,
    catalog: &Catalog,
    check: bool,
    format: ShowFormat,
) -> Result<ExitStatus, CliError> {
    let coverage = testat_rules::coverage(rules, catalog);
    let missing_automated: Vec<&str> = coverage
        .iter()
        .filter(|c| c.automation == Automation::Automated && c.rules.is_empty())
        .map(|c| c.id.as_str())
        .collect();
    let text = match format {
        ShowFormat::Text => {
            let mut out = String::new();
            for domain in &catalog.domains {
                let rows: Vec<_> = coverage
                    .iter()
                    .filter(|c| c.domain == domain.code)
                    .collect();
                let tested = rows.iter().filter(|c| !c.rules.is_empty()).count();
                let _ = writeln!(
                    out,
                    "{}  {}",
                    styled(HEADING, &format!("{:<4} {}", domain.code, domain.name)),
                    styled(
                        DIM,
                        &format!("{tested}/{} criteria tested by rules", rows.len())
                    )
                );
                for c in rows
                    .iter()
                    .filter(|c| !c.rules.is_empty() || c.automation != Automation::Manual)
                {
                    let mark = match c.rules.len() {
                        0 if c.is_gap() => styled(WARN, "no rule"),
                        1 => " 1 rule".to_owned(),
                        n => format!("{n:>2} rules"),
                    };
                    let title = catalog.exact(&c.id).map_or("", |x| x.title.as_str());
                    let _ = writeln!(
                        out,
                        "  {}  {:<9}  {:<8}  {}",
                        styled(ID, &format!("{:<6}", c.id)),
                        c.automation.as_str(),
                        mark,
                        truncate(title, 60)
                    );
                }
            }
            let testable: Vec<_> = coverage
                .iter()
                .filter(|c| c.automation != Automation::Manual)
                .collect();
            let covered = testable.iter().filter(|c| !c.rules.is_empty()).count();
            let _ = writeln!(
                out,
                "\n{} rules; {covered} of {} criteria flagged automated or partly are tested; {} automated without a rule{}",
                rules.len(),
                testable.len(),
                missing_automated.len(),
                if missing_automated.is_empty() {
                    String::new()
                } else {
                    format!(": {}", missing_automated.join(", "))
                }
            );
            out
        }
        ShowFormat::Json => {
            let criteria: Vec<serde_json::Value> = coverage
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id,
                        "domain": c.domain,
                        "automation": c.automation.as_str(),
                        "rules": c.rules,
                        "gap": c.is_gap(),
                    })
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&serde_json::json!({
                    "schema_version": 1,
                    "rules": rules.len(),
                    "criteria": criteria,
                }))?
            )
        }
    };
    emit(None, &text)?;
    Ok(if check && !missing_automated.is_empty() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'static str,
    provider: &'a str,
    criteria: &'a [String],
    resources: &'a [String],
    source: String,
}

impl<'a> RuleJson<'a> {
    fn new(rule: &'a testat_rules::Rule) -> Self {
        Self {
            id: rule.id(),
            title: &rule.spec.title,
            severity: rule.spec.severity.as_str(),
            provider: &rule.spec.provider,
            criteria: &rule.spec.criteria,
            resources: &rule.kinds,
            source: rule.origin.display(),
        }
    }
}
