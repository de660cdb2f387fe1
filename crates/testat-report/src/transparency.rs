//! The transparency report of government investigation requests (C5 INQ) as Markdown
//! and as one self-contained HTML page, ready for a public transparency page. The
//! counts come banded from `testat_inquiry::transparency_report`; this module only lays
//! them out (the bands are explained in the report itself).

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use testat_inquiry::{Line, TransparencyReport};

use crate::ReportError;
use crate::assessment::escape_markdown;

const PAGE: &str = include_str!("../templates/transparency.html");

/// One table of the report: a title and (label, banded count) rows.
#[derive(Serialize)]
struct Section {
    title: &'static str,
    rows: Vec<(String, String)>,
}

fn sections(r: &TransparencyReport) -> Vec<Section> {
    let lines = |l: &[Line]| -> Vec<(String, String)> {
        l.iter()
            .map(|l| (l.key.clone(), l.requests.0.display()))
            .collect()
    };
    let overview = [
        ("Requests received", &r.total),
        ("From authorities outside the EU/EEA", &r.outside_eea),
        (
            "Requests whose customers were notified",
            &r.requests_customers_notified,
        ),
        (
            "Requests where notification is legally barred",
            &r.requests_notification_barred,
        ),
        ("Customers notified", &r.customers_notified),
    ];
    vec![
        Section {
            title: "Overview",
            rows: overview
                .iter()
                .map(|(label, count)| ((*label).to_owned(), count.0.display()))
                .collect(),
        },
        Section {
            title: "By country",
            rows: lines(&r.countries),
        },
        Section {
            title: "By kind of request",
            rows: lines(&r.kinds),
        },
        Section {
            title: "By outcome",
            rows: lines(&r.outcomes),
        },
    ]
}

/// How small counts are shown, in a sentence.
fn banding_note(r: &TransparencyReport) -> String {
    if r.band <= 1 {
        "All counts are exact.".into()
    } else {
        format!(
            "Counts below {band} are shown as 0-{max}, so that no single investigation can be identified; where any count is banded, the total is shown as a range of {band}.",
            band = r.band,
            max = r.band - 1
        )
    }
}

/// The transparency report as Markdown.
pub fn render_transparency_markdown(r: &TransparencyReport) -> String {
    let mut out = format!(
        "# Transparency report {}\n\nGovernment requests for customer data received from {} to {} (outcomes as of {}).\n\n{}\n",
        escape_markdown(&r.period),
        r.from,
        r.to,
        r.as_of,
        banding_note(r)
    );
    for s in sections(r) {
        out.push_str(&format!(
            "\n## {}\n\n| | Requests |\n| --- | ---: |\n",
            s.title
        ));
        if s.rows.is_empty() {
            out.push_str("| none | 0 |\n");
        }
        for (key, value) in s.rows {
            out.push_str(&format!("| {} | {value} |\n", escape_markdown(&key)));
        }
    }
    out
}

/// The transparency report as one self-contained HTML page (inline CSS, no scripts),
/// every value escaped by the template engine.
pub fn render_transparency_html(r: &TransparencyReport) -> Result<String, ReportError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("transparency.html", PAGE)?;
    let mut html = env.get_template("transparency.html")?.render(context! {
        period => &r.period,
        from => &r.from,
        to => &r.to,
        as_of => &r.as_of,
        note => banding_note(r),
        sections => Value::from(Serde(sections(r))),
    })?;
    html.push('\n');
    Ok(html)
}
