//! PDF: the assessment report and the customer handout as print-ready A4 documents,
//! written directly with `pdf-writer` (no browser, no typesetting engine).
//!
//! The text is set in the standard PDF fonts (Helvetica, Helvetica-Bold,
//! Helvetica-Oblique, Courier for addresses and hashes) with `WinAnsiEncoding`: no
//! font is embedded and the text stays extractable. WinAnsi covers Latin-1 (so German
//! `ä ö ü ß` and most Western European text) plus the Windows-1252 extras such as `€`,
//! typographic quotes and dashes; any other character is printed as `?`. The output
//! is a pure function of its input: the same assessment gives the same bytes.

mod font;
mod layout;

use testat_assess::{
    Assessment, AssessmentKind, CriterionResult, CustomerHandout, STATUSES, ScopedOut,
    ServiceDescription, Status, StatusCounts,
};

use self::font::{Font, encode};
use self::layout::{
    ACCENT, Align, BODY, Column, Doc, INK, MARGIN_X, MUTED, PAGE_H, PAGE_W, RULE, Rgb, SMALL, Span,
    TEXT_W, WHITE, b, i, leading, m, r, wrap,
};
use super::{duration, listed, more, timestamp};
use crate::ReportError;

/// The colour of a status in badges and charts (always shown with the status word).
fn status_color(s: Status) -> Rgb {
    match s {
        Status::Met => Rgb(0.16, 0.52, 0.31),
        Status::PartlyMet => Rgb(0.86, 0.55, 0.07),
        Status::NotMet => Rgb(0.78, 0.18, 0.16),
        Status::NotAssessed => Rgb(0.50, 0.53, 0.57),
        Status::NotApplicable => Rgb(0.40, 0.50, 0.63),
    }
}

const BADGE_SIZE: f32 = 7.0;

fn badge_width(s: Status) -> f32 {
    Font::Bold.width(&encode(&s.as_str().to_uppercase()), BADGE_SIZE) + 10.0
}

/// A coloured badge with the status word; `top` is its upper edge.
fn badge(doc: &mut Doc, s: Status, x: f32, top: f32) {
    let w = badge_width(s);
    let h = BADGE_SIZE + 6.0;
    doc.rect(x, top - h, w, h, status_color(s));
    doc.text_at(
        &[b(s.as_str().to_uppercase())],
        x + 5.0,
        top - h + 3.6,
        BADGE_SIZE,
        WHITE,
    );
}

/// The assessment as a PDF document.
///
/// A cover with the service, the period and the scope; the service description; the
/// status totals and a chart of the status by domain; for Type 2 the period's runs,
/// coverage, gaps and the auditor's sample; then every criterion with its status,
/// reasons, deviations, rules, failure intervals, attestation, evidence and
/// exceptions. Text outside WinAnsi is printed as `?` (see the module docs).
pub fn render_pdf(a: &Assessment) -> Result<Vec<u8>, ReportError> {
    let service = a.service.name();
    let kind = format!("{} Type {}", a.catalog.name, a.kind.number());
    let mut doc = Doc::new(format!("{service} \u{2013} {kind}"));

    cover(&mut doc, a, service, &kind);
    doc.new_page();

    doc.heading(1, "1  Service");
    service_section(&mut doc, &a.service, &a.scope);

    doc.heading(1, "2  Summary");
    summary(&mut doc, a);

    let mut next = 3;
    if a.period.is_some() {
        doc.heading(1, &format!("{next}  Operation over the period"));
        period(&mut doc, a);
        next += 1;
    }

    doc.heading(1, &format!("{next}  Criteria"));
    let mut domain = "";
    for c in &a.criteria {
        if c.domain != domain {
            domain = &c.domain;
            let title = a
                .domains
                .iter()
                .find(|d| d.code == c.domain)
                .map_or("", |d| d.title.as_str());
            doc.heading(2, &format!("{} {}", c.domain, title));
        }
        criterion(&mut doc, c);
    }

    let title = format!("{kind} report: {service}");
    let producer = format!("Testat {}", a.tool_version);
    Ok(doc.finish(&title, &producer, &a.generated_at))
}

fn cover(doc: &mut Doc, a: &Assessment, service: &str, kind: &str) {
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

/// One stacked bar over all criteria with a legend, full width.
fn totals_bar(doc: &mut Doc, counts: &StatusCounts) {
    let total = counts.total().max(1) as f32;
    let h = 18.0;
    doc.ensure(h + 30.0);
    let top = doc.y();
    let mut x = MARGIN_X;
    for s in STATUSES {
        let n = counts.get(s);
        if n == 0 {
            continue;
        }
        let w = n as f32 / total * TEXT_W;
        doc.rect(x, top - h, w, h, status_color(s));
        let label = n.to_string();
        let lw = Font::Bold.width(label.as_bytes(), 9.0);
        if lw + 6.0 <= w {
            doc.text_at(&[b(label)], x + (w - lw) / 2.0, top - h + 5.8, 9.0, WHITE);
        }
        x += w;
    }
    doc.space(h + 6.0);
    legend(doc, counts);
}

/// The colour key: a square, the status word and (when given) its count.
fn legend(doc: &mut Doc, counts: &StatusCounts) {
    let size = SMALL;
    doc.ensure(leading(size) + 4.0);
    let top = doc.y();
    let mut x = MARGIN_X;
    for s in STATUSES {
        doc.rect(x, top - 8.0, 8.0, 8.0, status_color(s));
        let w = doc.text_at(
            &[r(format!("{s} ({})", counts.get(s)))],
            x + 11.0,
            top - 7.2,
            size,
            INK,
        );
        x += 11.0 + w + 14.0;
    }
    doc.space(leading(size) + 8.0);
}

fn service_section(doc: &mut Doc, d: &ServiceDescription, scope: &[ScopedOut]) {
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

fn summary(doc: &mut Doc, a: &Assessment) {
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

/// Status by domain: one stacked horizontal bar per domain, scaled to the largest.
fn domain_chart(doc: &mut Doc, a: &Assessment) {
    const BAR: f32 = 11.0;
    const GAP: f32 = 4.5;
    let label_w = 48.0;
    let bar_w = TEXT_W - label_w - 28.0;
    let max = a
        .domains
        .iter()
        .map(|d| d.counts.total())
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    legend(doc, &a.counts);
    // Keep the chart together when it fits on a page.
    doc.ensure((a.domains.len() as f32 * (BAR + GAP)).min(600.0));
    for d in &a.domains {
        doc.ensure(BAR + GAP);
        let top = doc.y();
        doc.text_at(&[b(&d.code)], MARGIN_X, top - BAR + 2.8, SMALL, INK);
        let mut x = MARGIN_X + label_w;
        doc.rect(x, top - BAR, bar_w, BAR, Rgb(0.96, 0.97, 0.98));
        for s in STATUSES {
            let n = d.counts.get(s);
            if n == 0 {
                continue;
            }
            let w = n as f32 / max * bar_w;
            doc.rect(x, top - BAR, w, BAR, status_color(s));
            let label = n.to_string();
            let lw = Font::Regular.width(label.as_bytes(), 7.0);
            if lw + 4.0 <= w {
                doc.text_at(&[r(label)], x + (w - lw) / 2.0, top - BAR + 3.2, 7.0, WHITE);
            }
            x += w;
        }
        doc.text_at(
            &[r(d.counts.total().to_string())],
            x + 4.0,
            top - BAR + 2.8,
            SMALL,
            MUTED,
        );
        doc.space(BAR + GAP);
    }
    doc.space(4.0);
}

fn period(doc: &mut Doc, a: &Assessment) {
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

fn criterion(doc: &mut Doc, c: &CriterionResult) {
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

/// The customer handout as a PDF document: the service description and scope, then
/// the customer's duties (the complementary customer criteria) by domain. Text
/// outside WinAnsi is printed as `?` (see the module docs).
pub fn render_handout_pdf(h: &CustomerHandout) -> Result<Vec<u8>, ReportError> {
    let service = h.service.name_or("the service");
    let footer_name = h.service.name();
    let mut doc = Doc::new(format!(
        "{footer_name} \u{2013} {} customer handout",
        h.catalog.name
    ));
    doc.rect(0.0, PAGE_H - 14.0, PAGE_W, 14.0, ACCENT);
    doc.space(40.0);
    doc.paragraph(
        &[b(
            format!("{} customer handout", h.catalog.name).to_uppercase()
        )],
        0.0,
        10.0,
        MUTED,
    );
    doc.space(4.0);
    doc.paragraph(
        &[b(format!(
            "What customers of {service} must do: {} complementary customer criteria",
            h.catalog.name
        ))],
        0.0,
        18.0,
        ACCENT,
    );
    doc.space(8.0);
    doc.paragraph(
        &[r(format!(
            "The provider's controls cover its side of {}. The criteria below also need \
             controls on the customer's side; the customer's auditor will ask for them.",
            h.catalog.name
        ))],
        0.0,
        BODY + 0.5,
        INK,
    );
    doc.space(4.0);
    doc.paragraph(
        &[r(format!(
            "Generated {} by Testat {} (catalogue version {}).",
            timestamp(&h.generated_at),
            h.tool_version,
            h.catalog.version
        ))],
        0.0,
        SMALL,
        MUTED,
    );

    doc.heading(1, "1  Service");
    service_section(&mut doc, &h.service, &h.scope);

    doc.heading(1, "2  Customer duties by domain");
    for d in &h.domains {
        doc.heading(2, &format!("{} {}", d.code, d.title));
        for item in &d.items {
            doc.ensure(3.0 * leading(BODY));
            doc.paragraph(
                &[b(&item.criterion), b("  "), b(&item.title)],
                0.0,
                BODY,
                INK,
            );
            doc.paragraph(&[r(&item.customer_part)], 12.0, BODY, INK);
            if let Some(reason) = &item.scoped_out {
                doc.paragraph(
                    &[b("Out of the service's scope: "), i(reason)],
                    12.0,
                    SMALL,
                    MUTED,
                );
            }
            doc.space(6.0);
        }
    }
    let title = format!("{} customer handout: {}", h.catalog.name, h.service.name());
    let producer = format!("Testat {}", h.tool_version);
    Ok(doc.finish(&title, &producer, &h.generated_at))
}

/// Up to [`LISTED`](super::LISTED) addresses and a count of the rest.
fn capped(addresses: &[String]) -> String {
    let (shown, left_out) = listed(addresses);
    let mut text = shown.join(", ");
    if left_out > 0 {
        text.push_str(&format!(" (+{left_out} more)"));
    }
    text
}
