//! The transition report C5:2020 → C5:2026 as Markdown and HTML (JSON is the value
//! serialised as is).

use std::fmt::Write as _;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use testat_assess::{CarriedEvidence, Transition, TransitionCriterion};

use crate::ReportError;
use crate::assessment::escape_markdown as esc;

/// Evidence as `#ID (CRITERION, until DATE)`.
fn evidence(items: &[CarriedEvidence]) -> String {
    items
        .iter()
        .map(|e| match e.valid_until {
            Some(d) => format!("#{} ({}, until {d})", e.id, e.via),
            None => format!("#{} ({})", e.id, e.via),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lines of one criterion: what carries over and what is missing.
fn lines(c: &TransitionCriterion) -> (Vec<String>, Vec<String>) {
    let mut carried = Vec::new();
    let mut missing = Vec::new();
    if !c.rules.is_empty() {
        carried.push(format!("rules: {}", c.rules.join(", ")));
    }
    if !c.evidence.is_empty() {
        carried.push(format!("evidence: {}", evidence(&c.evidence)));
    }
    for a in &c.attestations {
        carried.push(format!(
            "attestation #{} of {} ({}), to carry over with `testat attest {} --from-2020 {}`",
            a.id, a.via, a.status, c.id, a.via
        ));
    }
    if c.new {
        missing.push("new in C5:2026".to_owned());
    } else if !c.carries_something() {
        missing.push("nothing carries over".to_owned());
    }
    if !c.subcriteria_to_cover.is_empty() {
        missing.push(format!(
            "sub-criteria to cover: {}",
            c.subcriteria_to_cover.join(", ")
        ));
    }
    if !c.lapsing.is_empty() {
        missing.push(format!(
            "evidence lapsing before the first period: {}",
            evidence(&c.lapsing)
        ));
    }
    (carried, missing)
}

/// The transition as Markdown.
pub fn render_transition_markdown(t: &Transition) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Transition {} → {}\n", t.from, t.to);
    let _ = writeln!(
        out,
        "As of {}; the first {} period starts {}.\n",
        t.as_of, t.to, t.first_period
    );
    let _ = writeln!(
        out,
        "| domain | criteria | something carries over | new | nothing carries over | sub-criteria to cover | evidence lapsing |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for d in &t.domains {
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} | {} |",
            d.code,
            esc(&d.name),
            d.criteria,
            d.carried,
            d.new,
            d.nothing_carried,
            d.subcriteria_to_cover,
            d.lapsing_evidence
        );
    }
    for c in &t.criteria {
        let _ = writeln!(out, "\n## {} {}\n", c.id, esc(&c.title));
        if !c.counterparts.is_empty() {
            let from: Vec<String> = c
                .counterparts
                .iter()
                .map(|p| {
                    if p.reason.is_empty() {
                        format!("{} ({})", p.id, p.relation)
                    } else {
                        format!("{} ({}: {})", p.id, p.relation, esc(&p.reason))
                    }
                })
                .collect();
            let _ = writeln!(out, "C5:2020: {}\n", from.join("; "));
        }
        let (carried, missing) = lines(c);
        for line in carried {
            let _ = writeln!(out, "- carries over: {}", esc(&line));
        }
        for line in missing {
            let _ = writeln!(out, "- missing: {}", esc(&line));
        }
    }
    out
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Transition {{ t.from }} to {{ t.to }}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}td.n{text-align:right}.missing{color:#a00}</style></head>
<body><h1>Transition {{ t.from }} → {{ t.to }}</h1>
<p>As of {{ t.as_of }}; the first {{ t.to }} period starts {{ t.first_period }}.</p>
<table><thead><tr><th>domain</th><th>criteria</th><th>something carries over</th><th>new</th><th>nothing carries over</th><th>sub-criteria to cover</th><th>evidence lapsing</th></tr></thead><tbody>
{% for d in t.domains %}<tr><td>{{ d.code }} {{ d.name }}</td><td class="n">{{ d.criteria }}</td><td class="n">{{ d.carried }}</td><td class="n">{{ d.new }}</td><td class="n">{{ d.nothing_carried }}</td><td class="n">{{ d.subcriteria_to_cover }}</td><td class="n">{{ d.lapsing_evidence }}</td></tr>
{% endfor %}</tbody></table>
{% for c in criteria %}<section id="{{ c.id }}"><h2>{{ c.id }} {{ c.title }}</h2>
{% if c.from %}<p>C5:2020: {{ c.from }}</p>{% endif %}<ul>
{% for l in c.carried %}<li>carries over: {{ l }}</li>{% endfor %}
{% for l in c.missing %}<li class="missing">missing: {{ l }}</li>{% endfor %}
</ul></section>
{% endfor %}</body></html>"#;

#[derive(serde::Serialize)]
struct Section {
    id: String,
    title: String,
    from: String,
    carried: Vec<String>,
    missing: Vec<String>,
}

/// The transition as one self-contained HTML page, every value escaped.
pub fn render_transition_html(t: &Transition) -> Result<String, ReportError> {
    let sections: Vec<Section> = t
        .criteria
        .iter()
        .map(|c| {
            let (carried, missing) = lines(c);
            Section {
                id: c.id.clone(),
                title: c.title.clone(),
                from: c
                    .counterparts
                    .iter()
                    .map(|p| format!("{} ({})", p.id, p.relation))
                    .collect::<Vec<_>>()
                    .join("; "),
                carried,
                missing,
            }
        })
        .collect();
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("transition.html", PAGE)?;
    let mut html = env.get_template("transition.html")?.render(context! {
        t => Value::from(Serde(t)),
        criteria => Value::from(Serde(sections)),
    })?;
    html.push('\n');
    Ok(html)
}
