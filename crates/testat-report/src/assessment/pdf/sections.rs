//! The sections of the PDF report: the cover, the service description and scope, the
//! summary, the Type 2 period and one block per criterion. The handout reuses the
//! service section.

use testat_assess::{
    Assessment, AssessmentKind, CriterionResult, STATUSES, ScopedOut, ServiceDescription,
};

use super::super::{duration, listed, more, timestamp};
use super::charts::{badge, badge_width, domain_chart, totals_bar};
use super::layout::{
    ACCENT, Align, BODY, Column, Doc, INK, MARGIN_X, MUTED, PAGE_H, PAGE_W, RULE, SMALL, Span,
    TEXT_W, b, i, leading, m, r, wrap,
};

pub(super) fn cover(doc: &mut Doc, a: &Assessment, service: &str, kind: &str) {
    doc.rect(0.0, PAGE_H - 14.0, PAGE_W, 14.0, ACCENT);
    doc.space(110.0);
    doc.paragraph(
        &[b(format!("{kind} report").to_uppercase())],
        0.0,
        11.0,
        MUTED,
    );
    doc.space(6.0);
    doc.paragraph(&[b(service)], 0.0, 26.0, ACCENT);
    doc.space(4.0);
    let sentence = match a.kind {
        AssessmentKind::Type1 { at } => format!("Design of the controls at {at}."),
        AssessmentKind::Type2 { from, to } => {
            format!("Operation of the controls from {from} to {to}.")
        }
    };
    doc.paragraph(&[r(sentence)], 0.0, 13.0, INK);
    doc.space(28.0);
    let y = doc.y();
    doc.hline(MARGIN_X, y, TEXT_W, 0.5, RULE);
    doc.space(10.0);

    let in_scope = a.criteria.iter().filter(|c| c.scoped_out.is_none()).count();
    let mut rows: Vec<(&str, Vec<Span>)> = Vec::new();
    if let Some(s) = &a.service.service {
        rows.push(("Provider", vec![r(&s.provider)]));
    }
    rows.push((
        if a.kind.number() == 1 {
            "Date"
        } else {
            "Period"
        },
        vec![r(a.kind.period_label())],
    ));
    rows.push((
        "Catalogue",
        vec![r(format!(
            "{} (version {})",
            a.catalog.name, a.catalog.version
        ))],
    ));
    rows.push((
        "Scope",
        vec![r(format!(
            "{in_scope} of {} criteria in scope, {} out of scope",
            a.criteria.len(),
            a.scope.len()
        ))],
    ));
    rows.push((
        "Generated",
        vec![r(format!(
            "{} by Testat {}",
            timestamp(&a.generated_at),
            a.tool_version
        ))],
    ));
    doc.rows(&rows, 110.0, 10.5);
    doc.space(18.0);

    doc.heading(3, "Status of the criteria");
    doc.space(4.0);
    totals_bar(doc, &a.counts);

    if !a.scope.is_empty() {
        doc.heading(3, "Out of scope");
        scope_groups(doc, &a.scope);
    }
}

/// The scoped-out criteria grouped by reason (for the cover).
fn scope_groups(doc: &mut Doc, scope: &[ScopedOut]) {
    // (reason, subservice) and the criteria scoped out for it.
    type Group<'a> = ((&'a str, Option<&'a str>), Vec<&'a str>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for s in scope {
        let key = (s.reason.as_str(), s.subservice.as_deref());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ids)) => ids.push(&s.criterion),
            None => groups.push((key, vec![&s.criterion])),
        }
    }
    let items: Vec<Vec<Span>> = groups
        .into_iter()
        .map(|((reason, sub), ids)| {
            let mut item = vec![b(ids.join(", ")), r(": "), r(reason)];
            if let Some(n) = sub {
                item.push(r(format!(" (covered by {n})")));
            }
            item
        })
        .collect();
    doc.bullets(&items, 0.0, BODY);
}

pub(super) fn service_section(doc: &mut Doc, d: &ServiceDescription, scope: &[ScopedOut]) {
    match &d.service {
        None => doc.paragraph(
            &[r("No service description: add [service] to testat.toml.")],
            0.0,
            BODY,
            INK,
        ),
        Some(s) => {
            let mut rows: Vec<(&str, Vec<Span>)> = vec![
                ("Name", vec![r(&s.name)]),
                ("Provider", vec![r(&s.provider)]),
            ];
            if !s.description.is_empty() {
                rows.push(("Description", vec![r(&s.description)]));
            }
            if !s.models.is_empty() {
                rows.push(("Service models", vec![r(s.models.join(", "))]));
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
                    rows.push((label, vec![r(v)]));
                }
            }
            if !s.certifications.is_empty() {
                rows.push(("Certifications", vec![r(s.certifications.join(", "))]));
            }
            doc.rows(&rows, 110.0, BODY);
        }
    }
    if !d.locations.is_empty() {
        doc.heading(2, "Locations");
        let columns = [
            col("Location", 3.0, Align::Left),
            col("Country", 1.2, Align::Left),
            col("Purposes", 3.0, Align::Left),
            col("Operated by", 3.0, Align::Left),
        ];
        let rows: Vec<Vec<Vec<Span>>> = d
            .locations
            .iter()
            .map(|l| {
                vec![
                    vec![r(&l.name)],
                    vec![r(&l.country)],
                    vec![r(l.purposes.join(", "))],
                    vec![r(l.operated_by.as_deref().unwrap_or("provider"))],
                ]
            })
            .collect();
        doc.table(&columns, &rows, SMALL + 0.5);
    }
    if !d.subservices.is_empty() {
        doc.heading(2, "Subservice organisations");
        let columns = [
            col("Name", 2.2, Align::Left),
            col("Provides", 2.2, Align::Left),
            col("Method", 1.3, Align::Left),
            col("Criteria", 1.6, Align::Left),
            col("Attestation", 3.0, Align::Left),
        ];
        let rows: Vec<Vec<Vec<Span>>> = d
            .subservices
            .iter()
            .map(|s| {
                vec![
                    vec![r(&s.name)],
                    vec![r(&s.provides)],
                    vec![r(&s.method)],
                    vec![r(s.criteria.join(", "))],
                    vec![r(s.attestation.as_deref().unwrap_or(""))],
                ]
            })
            .collect();
        doc.table(&columns, &rows, SMALL + 0.5);
    }
    doc.heading(2, "Scope");
    if scope.is_empty() {
        doc.paragraph(
            &[r("Every criterion of the catalogue is in scope.")],
            0.0,
            BODY,
            INK,
        );
    } else {
        doc.paragraph(&[r("Out of scope:")], 0.0, BODY, INK);
        let items: Vec<Vec<Span>> = scope
            .iter()
            .map(|s| {
                let mut item = vec![b(&s.criterion), r(": "), r(&s.reason)];
                if let Some(n) = &s.subservice {
                    item.push(r(format!(" (covered by {n})")));
                }
                item
            })
            .collect();
        doc.bullets(&items, 0.0, BODY);
    }
}

fn col(title: &'static str, share: f32, align: Align) -> Column {
    Column {
        title,
        share,
        align,
    }
}

pub(super) fn summary(doc: &mut Doc, a: &Assessment) {
    let mut rows: Vec<Vec<Vec<Span>>> = STATUSES
        .iter()
        .map(|s| vec![vec![r(s.as_str())], vec![r(a.counts.get(*s).to_string())]])
        .collect();
    rows.push(vec![
        vec![b("total")],
        vec![b(a.counts.total().to_string())],
    ]);
    doc.heading(2, "Status totals");
    doc.table(
        &[
            col("Status", 3.0, Align::Left),
            col("Criteria", 1.0, Align::Right),
        ],
        &rows,
        BODY,
    );

    doc.heading(2, "Status by domain");
    domain_chart(doc, a);

    let columns = [
        col("Domain", 1.0, Align::Left),
        col("Title", 4.2, Align::Left),
        col("met", 0.9, Align::Right),
        col("partly met", 0.9, Align::Right),
        col("not met", 0.9, Align::Right),
        col("not assessed", 1.1, Align::Right),
        col("not applicable", 1.2, Align::Right),
    ];
    let rows: Vec<Vec<Vec<Span>>> = a
        .domains
        .iter()
        .map(|d| {
            let mut row = vec![vec![b(&d.code)], vec![r(&d.title)]];
            for s in STATUSES {
                row.push(vec![r(d.counts.get(s).to_string())]);
            }
            row
        })
        .collect();
    doc.space(4.0);
    doc.table(&columns, &rows, SMALL);
}

pub(super) fn period(doc: &mut Doc, a: &Assessment) {
    let Some(p) = &a.period else {
        return;
    };
    let runs: Vec<String> = p
        .runs
        .iter()
        .map(|(s, n)| format!("{n} in scope {s}"))
        .collect();
    let mut rows: Vec<(&str, Vec<Span>)> = vec![
        ("Period", vec![r(format!("{} to {}", p.from, p.to))]),
        ("Runs recorded", vec![r(list_or_none(&runs))]),
        (
            "Coverage",
            vec![r(format!(
                "{:.1} % of the period (a run covers the {} h after it)",
                p.coverage_percent, p.max_gap_hours
            ))],
        ),
    ];
    if let Some(m) = p.median_time_to_fix_secs {
        rows.push(("Median time to fix", vec![r(duration(m))]));
    }
    if p.gaps.is_empty() {
        rows.push((
            "Gaps",
            vec![r(format!("none longer than {} h", p.max_gap_hours))],
        ));
    } else {
        rows.push((
            "Gaps",
            vec![r(format!(
                "{} longer than {} h (deviations), listed below",
                p.gaps.len(),
                p.max_gap_hours
            ))],
        ));
    }
    doc.rows(&rows, 120.0, BODY);
    if !p.gaps.is_empty() {
        doc.heading(2, &format!("Gaps longer than {} h", p.max_gap_hours));
        let rows: Vec<Vec<Vec<Span>>> = p
            .gaps
            .iter()
            .map(|g| {
                vec![
                    vec![r(&g.scope)],
                    vec![r(timestamp(&g.from))],
                    vec![r(timestamp(&g.to))],
                    vec![r(format!("{} h", g.hours))],
                ]
            })
            .collect();
        doc.table(
            &[
                col("Scope", 2.0, Align::Left),
                col("From", 2.0, Align::Left),
                col("To", 2.0, Align::Left),
                col("Length", 1.0, Align::Right),
            ],
            &rows,
            SMALL + 0.5,
        );
    }
    if let Some(s) = &p.sample {
        doc.heading(2, "Sample for the auditor");
        doc.paragraph(
            &[
                r("Seed "),
                b(s.seed.to_string()),
                r(format!(", {} of each (", s.size)),
                r(s.method),
                r(")."),
            ],
            0.0,
            BODY,
            INK,
        );
        doc.space(4.0);
        let runs: Vec<String> = s
            .runs
            .iter()
            .map(|r| format!("run {} ({}, {})", r.id, r.scope, timestamp(&r.finished_at)))
            .collect();
        let evidence: Vec<String> = s.evidence.iter().map(|e| format!("evidence {e}")).collect();
        doc.rows(
            &[
                ("Runs", vec![r(list_or_none(&runs))]),
                ("Evidence", vec![r(list_or_none(&evidence))]),
            ],
            120.0,
            BODY,
        );
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

pub(super) fn criterion(doc: &mut Doc, c: &CriterionResult) {
    let size = 10.0;
    let lead = leading(size);
    let bw = badge_width(c.status);
    let title = [b(&c.id), b("  "), b(&c.title)];
    let lines = wrap(&title, size, TEXT_W - bw - 14.0).len().max(1);
    // The heading stays with its first lines.
    doc.ensure(10.0 + lines as f32 * lead + 3.0 * leading(BODY));
    doc.space(10.0);
    let top = doc.y();
    doc.hline(MARGIN_X, top + 4.0, TEXT_W, 0.3, RULE);
    badge(doc, c.status, MARGIN_X + TEXT_W - bw, top - 1.5);
    let color = if c.scoped_out.is_some() { MUTED } else { INK };
    doc.paragraph_in(&title, 0.0, TEXT_W - bw - 14.0, size, color);
    doc.space(1.0);

    let mut note = vec![i(format!("Automation: {}.", c.automation))];
    if let Some(reason) = &c.scoped_out {
        note.push(b("  Out of scope: "));
        note.push(i(format!("{reason}.")));
    }
    doc.paragraph(&note, 0.0, SMALL, MUTED);
    doc.space(2.0);

    let reasons: Vec<Vec<Span>> = c.reasons.iter().map(|x| vec![r(x)]).collect();
    doc.bullets(&reasons, 0.0, BODY);

    if !c.deviations.is_empty() {
        doc.heading(3, "Deviations in the period");
        let (shown, left_out) = listed(&c.deviations);
        let mut items: Vec<Vec<Span>> = shown.iter().map(|x| vec![r(x)]).collect();
        if left_out > 0 {
            items.push(vec![r(more(left_out, "deviations"))]);
        }
        doc.bullets(&items, 0.0, BODY);
    }
    if !c.rules.is_empty() {
        doc.space(4.0);
        let rows: Vec<Vec<Vec<Span>>> = c
            .rules
            .iter()
            .map(|x| {
                vec![
                    vec![m(&x.id), r(" "), r(&x.title)],
                    vec![r(x.passed.to_string())],
                    vec![m(capped(&x.failing))],
                    vec![m(capped(&x.excepted))],
                    vec![r(x.unknown.to_string())],
                ]
            })
            .collect();
        doc.table(
            &[
                col("Rule", 3.4, Align::Left),
                col("Passed", 0.9, Align::Right),
                col("Failing", 2.4, Align::Left),
                col("Excepted", 2.4, Align::Left),
                col("Unknown", 1.0, Align::Right),
            ],
            &rows,
            SMALL,
        );
    }
    if !c.failures.is_empty() {
        doc.heading(3, "Failure intervals");
        let (shown, left_out) = listed(&c.failures);
        let rows: Vec<Vec<Vec<Span>>> = shown
            .iter()
            .map(|f| {
                vec![
                    vec![m(&f.rule)],
                    vec![m(&f.resource)],
                    vec![r(timestamp(&f.detected))],
                    vec![r(f.fixed.as_ref().map_or("not fixed".into(), timestamp))],
                    vec![r(f.time_to_detect_secs.map_or("unknown".into(), |s| {
                        format!("at most {}", duration(s))
                    }))],
                    vec![r(f.time_to_fix_secs.map_or("open".into(), duration))],
                ]
            })
            .collect();
        doc.table(
            &[
                col("Rule", 2.4, Align::Left),
                col("Resource", 2.6, Align::Left),
                col("Detected", 1.9, Align::Left),
                col("Fixed", 1.9, Align::Left),
                col("Time to detect", 1.4, Align::Left),
                col("Time to fix", 1.1, Align::Left),
            ],
            &rows,
            SMALL,
        );
        if left_out > 0 {
            doc.paragraph(&[r(more(left_out, "failure intervals"))], 0.0, SMALL, MUTED);
        }
    }
    if let Some(at) = &c.attestation {
        doc.space(2.0);
        doc.paragraph(
            &[
                b(format!("Attestation {}: ", at.id)),
                r(format!(
                    "{} by {} on {} (owner {}{}): ",
                    at.status,
                    at.attested_by,
                    at.attested_at.date_naive(),
                    at.owner,
                    at.next_review
                        .map_or(String::new(), |d| format!(", review due {d}"))
                )),
                i(&at.statement),
            ],
            0.0,
            BODY,
            INK,
        );
    }
    if !c.evidence.is_empty() {
        doc.heading(3, "Evidence");
        let items: Vec<Vec<Span>> = c
            .evidence
            .iter()
            .map(|e| {
                let mut item = vec![r(format!("{} {} ", e.id, e.kind)), m(&e.label)];
                if let Some(d) = e.effective {
                    item.push(r(format!(", effective {d}")));
                }
                if let Some(d) = e.valid_until {
                    item.push(r(format!(", valid until {d}")));
                }
                if let Some(h) = &e.sha256 {
                    item.push(r(", sha256 "));
                    item.push(m(h));
                }
                item.push(b(if e.valid { " (valid)" } else { " (not valid)" }));
                item
            })
            .collect();
        doc.bullets(&items, 0.0, BODY);
    }
    if !c.exceptions.is_empty() {
        doc.heading(3, "Exceptions");
        let items: Vec<Vec<Span>> = c
            .exceptions
            .iter()
            .map(|e| {
                vec![
                    m(&e.rule),
                    r(" on "),
                    m(&e.resource),
                    r(format!(
                        " until {} ({}), approved by {}: ",
                        e.expires,
                        if e.active { "active" } else { "expired" },
                        e.approved_by
                    )),
                    r(&e.justification),
                ]
            })
            .collect();
        doc.bullets(&items, 0.0, BODY);
    }
}

/// Up to [`LISTED`](super::super::LISTED) addresses and a count of the rest.
fn capped(addresses: &[String]) -> String {
    let (shown, left_out) = listed(addresses);
    let mut text = shown.join(", ");
    if left_out > 0 {
        text.push_str(&format!(" (+{left_out} more)"));
    }
    text
}
