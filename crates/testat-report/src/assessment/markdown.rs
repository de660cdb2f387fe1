//! Markdown: the whole assessment for wikis, tickets and pull requests. Text from the
//! store and from scanned files (resource addresses, statements) is escaped so that it
//! cannot open links, HTML or table cells of its own.

use std::fmt::Write;

use testat_assess::{
    Assessment, AssessmentKind, CriterionResult, CustomerHandout, LevelScope, STATUSES, ScopedOut,
    ServiceDescription,
};

use super::{duration, listed, more, timestamp};
use crate::ReportError;

/// Escapes text for Markdown: backslash-escapes the characters that start markup,
/// turns line breaks into spaces.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '!' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// The assessment as Markdown.
pub fn render_markdown(a: &Assessment) -> Result<String, ReportError> {
    let mut out = String::new();
    let service = a.service.name();
    writeln!(
        out,
        "# {} Type {} report: {}\n",
        escape(&a.catalog.name),
        a.kind.number(),
        escape(service)
    )?;
    match a.kind {
        AssessmentKind::Type1 { at } => writeln!(out, "Design of the controls at **{at}**.")?,
        AssessmentKind::Type2 { from, to } => writeln!(
            out,
            "Operation of the controls from **{from}** to **{to}**."
        )?,
    }
    writeln!(
        out,
        "Generated {} by Testat {} against {} (catalogue version {}).\n",
        timestamp(&a.generated_at),
        escape(&a.tool_version),
        escape(&a.catalog.name),
        escape(&a.catalog.version)
    )?;
    service_section(&mut out, &a.service, &a.scope)?;
    if let Some(levels) = &a.levels {
        levels_section(&mut out, levels)?;
    }

    writeln!(out, "## Summary\n")?;
    writeln!(out, "| Status | Criteria |\n| --- | ---: |")?;
    for s in STATUSES {
        writeln!(out, "| {s} | {} |", a.counts.get(s))?;
    }
    writeln!(out, "| **total** | **{}** |\n", a.counts.total())?;
    writeln!(
        out,
        "| Domain | Title | met | partly met | not met | not assessed | not applicable |"
    )?;
    writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")?;
    for d in &a.domains {
        write!(out, "| {} | {} |", escape(&d.code), escape(&d.title))?;
        for s in STATUSES {
            write!(out, " {} |", d.counts.get(s))?;
        }
        out.push('\n');
    }
    out.push('\n');

    if let Some(p) = &a.period {
        writeln!(out, "## Operation over the period\n")?;
        let runs: Vec<String> = p
            .runs
            .iter()
            .map(|(s, n)| format!("{n} in scope {}", escape(s)))
            .collect();
        writeln!(
            out,
            "- Runs recorded: {}",
            if runs.is_empty() {
                "none".into()
            } else {
                runs.join(", ")
            }
        )?;
        writeln!(
            out,
            "- Coverage: {:.1} % of the period (a run covers the {} h after it)",
            p.coverage_percent, p.max_gap_hours
        )?;
        if let Some(m) = p.median_time_to_fix_secs {
            writeln!(out, "- Median time to fix: {}", duration(m))?;
        }
        if p.gaps.is_empty() {
            writeln!(out, "- Gaps longer than {} h: none", p.max_gap_hours)?;
        } else {
            writeln!(
                out,
                "- Gaps longer than {} h (deviations):",
                p.max_gap_hours
            )?;
            for g in &p.gaps {
                writeln!(
                    out,
                    "  - scope {}: {} to {} ({} h)",
                    escape(&g.scope),
                    timestamp(&g.from),
                    timestamp(&g.to),
                    g.hours
                )?;
            }
        }
        if let Some(s) = &p.sample {
            writeln!(
                out,
                "\n### Sample for the auditor\n\nSeed {}, {} of each ({}).\n",
                s.seed,
                s.size,
                escape(s.method)
            )?;
            let runs: Vec<String> = s
                .runs
                .iter()
                .map(|r| {
                    format!(
                        "run {} ({}, {})",
                        r.id,
                        escape(&r.scope),
                        timestamp(&r.finished_at)
                    )
                })
                .collect();
            let evidence: Vec<String> =
                s.evidence.iter().map(|e| format!("evidence {e}")).collect();
            writeln!(out, "- Runs: {}", list_or_none(&runs))?;
            writeln!(out, "- Evidence: {}", list_or_none(&evidence))?;
        }
        out.push('\n');
    }

    for f in &a.frameworks {
        super::frameworks::markdown(&mut out, f)?;
    }

    writeln!(out, "## Criteria\n")?;
    let mut domain = "";
    for c in &a.criteria {
        if c.domain != domain {
            domain = &c.domain;
            let title = a
                .domains
                .iter()
                .find(|d| d.code == c.domain)
                .map_or("", |d| d.title.as_str());
            writeln!(out, "### {} {}\n", escape(&c.domain), escape(title))?;
        }
        criterion(&mut out, c)?;
    }
    Ok(out)
}

/// Up to [`LISTED`](super::LISTED) addresses, escaped, and a count of the rest.
fn capped(addresses: &[String]) -> String {
    let (shown, left_out) = listed(addresses);
    let mut text = escape(&shown.join(", "));
    if left_out > 0 {
        text.push_str(&format!(" (+{left_out} more)"));
    }
    text
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn criterion(out: &mut String, c: &CriterionResult) -> Result<(), ReportError> {
    writeln!(
        out,
        "#### {} {}: {}\n",
        escape(&c.id),
        escape(&c.title),
        c.status
    )?;
    writeln!(out, "Automation: {}.", c.automation)?;
    if let Some(reason) = &c.scoped_out {
        writeln!(out, "Out of scope: {}.", escape(reason))?;
    }
    if let Some(levels) = &c.out_of_level {
        let levels: Vec<&str> = levels.iter().map(|l| l.as_str()).collect();
        writeln!(
            out,
            "Out of scope by level: only {} sub-criteria.",
            levels.join(", ")
        )?;
    }
    if !c.excluded_subcriteria.is_empty() {
        writeln!(
            out,
            "Sub-criteria out of scope by level: {}.",
            escape(&c.excluded_subcriteria.join(", "))
        )?;
    }
    out.push('\n');
    for r in &c.reasons {
        writeln!(out, "- {}", escape(r))?;
    }
    if !c.deviations.is_empty() {
        writeln!(out, "\nDeviations in the period:\n")?;
        let (shown, left_out) = listed(&c.deviations);
        for d in shown {
            writeln!(out, "- {}", escape(d))?;
        }
        if left_out > 0 {
            writeln!(out, "- {}", more(left_out, "deviations"))?;
        }
    }
    if !c.rules.is_empty() {
        writeln!(out, "\n| Rule | Passed | Failing | Excepted | Unknown |")?;
        writeln!(out, "| --- | ---: | --- | --- | ---: |")?;
        for r in &c.rules {
            writeln!(
                out,
                "| {} {} | {} | {} | {} | {} |",
                escape(&r.id),
                escape(&r.title),
                r.passed,
                capped(&r.failing),
                capped(&r.excepted),
                r.unknown
            )?;
        }
    }
    if !c.failures.is_empty() {
        writeln!(
            out,
            "\n| Rule | Resource | Detected | Fixed | Time to detect | Time to fix |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
        let (shown, left_out) = listed(&c.failures);
        for f in shown {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&f.rule),
                escape(&f.resource),
                timestamp(&f.detected),
                f.fixed.as_ref().map_or("not fixed".into(), timestamp),
                f.time_to_detect_secs
                    .map_or("unknown".into(), |s| format!("at most {}", duration(s))),
                f.time_to_fix_secs.map_or("open".into(), duration)
            )?;
        }
        if left_out > 0 {
            writeln!(out, "\n{}", more(left_out, "failure intervals"))?;
        }
    }
    if let Some(a) = &c.attestation {
        writeln!(
            out,
            "\nAttestation {}: {} by {} on {} (owner {}{}): {}",
            a.id,
            escape(&a.status),
            escape(&a.attested_by),
            a.attested_at.date_naive(),
            escape(&a.owner),
            a.next_review
                .map_or(String::new(), |d| format!(", review due {d}")),
            escape(&a.statement)
        )?;
    }
    if !c.evidence.is_empty() {
        writeln!(out, "\nEvidence:\n")?;
        for e in &c.evidence {
            writeln!(
                out,
                "- {} {} `{}`{}{}{} ({})",
                e.id,
                e.kind,
                e.label.replace('`', "'"),
                e.effective
                    .map_or(String::new(), |d| format!(", effective {d}")),
                e.valid_until
                    .map_or(String::new(), |d| format!(", valid until {d}")),
                e.sha256
                    .as_ref()
                    .map_or(String::new(), |h| format!(", sha256 {h}")),
                if e.valid { "valid" } else { "not valid" }
            )?;
        }
    }
    if !c.exceptions.is_empty() {
        writeln!(out, "\nExceptions:\n")?;
        for e in &c.exceptions {
            writeln!(
                out,
                "- {} on {} until {} ({}), approved by {}: {}",
                escape(&e.rule),
                escape(&e.resource),
                e.expires,
                if e.active { "active" } else { "expired" },
                escape(&e.approved_by),
                escape(&e.justification)
            )?;
        }
    }
    out.push('\n');
    Ok(())
}

fn service_section(
    out: &mut String,
    d: &ServiceDescription,
    scope: &[ScopedOut],
) -> Result<(), ReportError> {
    writeln!(out, "## Service\n")?;
    match &d.service {
        None => writeln!(
            out,
            "No service description: add `[service]` to testat.toml.\n"
        )?,
        Some(s) => {
            writeln!(out, "- Name: {}", escape(&s.name))?;
            writeln!(out, "- Provider: {}", escape(&s.provider))?;
            if !s.description.is_empty() {
                writeln!(out, "- Description: {}", escape(&s.description))?;
            }
            if !s.models.is_empty() {
                writeln!(out, "- Service models: {}", escape(&s.models.join(", ")))?;
            }
            let optional = [
                ("Deployment", &s.deployment),
                ("Jurisdiction", &s.jurisdiction),
                ("Availability", &s.availability),
                ("Incident handling", &s.incident_handling),
                ("Contact", &s.contact),
            ];
            for (label, value) in optional {
                if let Some(v) = value {
                    writeln!(out, "- {label}: {}", escape(v))?;
                }
            }
            if !s.certifications.is_empty() {
                writeln!(
                    out,
                    "- Certifications: {}",
                    escape(&s.certifications.join(", "))
                )?;
            }
            out.push('\n');
        }
    }
    if !d.locations.is_empty() {
        writeln!(
            out,
            "### Locations\n\n| Location | Country | Purposes | Operated by |"
        )?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for l in &d.locations {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&l.name),
                escape(&l.country),
                escape(&l.purposes.join(", ")),
                escape(l.operated_by.as_deref().unwrap_or("provider"))
            )?;
        }
        out.push('\n');
    }
    if !d.subservices.is_empty() {
        writeln!(
            out,
            "### Subservice organisations\n\n| Name | Provides | Method | Criteria | Attestation |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for s in &d.subservices {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&s.name),
                escape(&s.provides),
                escape(&s.method),
                escape(&s.criteria.join(", ")),
                escape(s.attestation.as_deref().unwrap_or(""))
            )?;
        }
        out.push('\n');
    }
    writeln!(out, "### Scope\n")?;
    if scope.is_empty() {
        writeln!(out, "Every criterion of the catalogue is in scope.\n")?;
    } else {
        writeln!(out, "Out of scope:\n")?;
        for s in scope {
            writeln!(
                out,
                "- {}: {}{}",
                escape(&s.criterion),
                escape(&s.reason),
                s.subservice
                    .as_ref()
                    .map_or(String::new(), |n| format!(" (covered by {})", escape(n)))
            )?;
        }
        out.push('\n');
    }
    Ok(())
}

/// `### Levels`: the levels of sub-criteria covered and the criteria they leave out.
fn levels_section(out: &mut String, levels: &LevelScope) -> Result<(), ReportError> {
    writeln!(out, "### Levels\n")?;
    let source = if levels.chosen {
        "as the service description chooses"
    } else {
        "every level, as the service description chooses none"
    };
    writeln!(
        out,
        "Sub-criteria in scope: **{}** ({source}): {} of {} sub-criteria.\n",
        levels.describe(),
        levels.subcriteria_in_scope,
        levels.subcriteria_in_scope + levels.subcriteria_out_of_scope
    )?;
    if levels.out_of_level.is_empty() {
        writeln!(out, "No criterion is out of scope by level.\n")?;
    } else {
        writeln!(out, "Out of scope by level:\n")?;
        for o in &levels.out_of_level {
            writeln!(
                out,
                "- {}: {}",
                escape(&o.criterion),
                escape(&o.reason(levels))
            )?;
        }
        out.push('\n');
    }
    if !levels.partly_in_level.is_empty() {
        writeln!(
            out,
            "{} criteria are assessed on part of their sub-criteria; each names the ones left out.\n",
            levels.partly_in_level.len()
        )?;
    }
    Ok(())
}

/// The customer handout as Markdown.
pub fn render_handout_markdown(h: &CustomerHandout) -> Result<String, ReportError> {
    let mut out = String::new();
    let service = h.service.name_or("the service");
    writeln!(
        out,
        "# What customers of {} must do: {} complementary customer criteria\n",
        escape(service),
        escape(&h.catalog.name)
    )?;
    writeln!(
        out,
        "The provider's controls cover its side of {}. The criteria below also need \
         controls on the customer's side; the customer's auditor will ask for them.\n",
        escape(&h.catalog.name)
    )?;
    writeln!(
        out,
        "Generated {} by Testat {} (catalogue version {}).\n",
        timestamp(&h.generated_at),
        escape(&h.tool_version),
        escape(&h.catalog.version)
    )?;
    service_section(&mut out, &h.service, &h.scope)?;
    writeln!(out, "## Customer duties by domain\n")?;
    for d in &h.domains {
        writeln!(out, "### {} {}\n", escape(&d.code), escape(&d.title))?;
        for i in &d.items {
            write!(
                out,
                "- **{} {}**: {}",
                escape(&i.criterion),
                escape(&i.title),
                escape(&i.customer_part)
            )?;
            if let Some(r) = &i.scoped_out {
                write!(out, " (out of the service's scope: {})", escape(r))?;
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if let Some(g) = &h.gdpr {
        super::gdpr::markdown(&mut out, g)?;
    }
    Ok(out)
}
