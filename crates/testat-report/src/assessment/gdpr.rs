//! The GDPR annex of the customer handout (`report customer --gdpr`): the wording every
//! format shares, and the Markdown rendering. A criterion that is not met (or not
//! assessed) is never written as a measure in place; a transfer outside the EU/EEA
//! without a declared mechanism says so.

use std::fmt::Write;

use testat_assess::{
    BreachNotification, GdprPack, TomCriterion, TomHeading, TransferMechanism, TransferState,
};
use testat_inquiry::{Line, TransparencyReport};

use super::markdown::escape;
use crate::ReportError;

/// The annex's heading.
pub const HEADING: &str = "GDPR annex: processing on behalf of the customer (Art. 28 GDPR)";
/// The heading of the measures.
pub const MEASURES: &str = "Technical and organisational measures (Art. 32(1) GDPR)";
/// How the measures are read.
pub const MEASURES_RULE: &str = "Each point of Art. 32(1) lists the C5 criteria mapped to it and their current status. A measure counts as in place only when its criterion is met, and as partly in place when it is partly met. A criterion that is not met is a gap: that measure is not in place. A criterion not assessed has nothing recorded either way.";
/// The heading of the transfers.
pub const TRANSFERS: &str = "Locations and transfers outside the EU/EEA";
/// How transfers are judged.
pub const TRANSFERS_RULE: &str = "A location or subservice organisation in a country outside the EU and the EEA (the 27 member states, Iceland, Liechtenstein and Norway) is marked as a transfer, with the transfer mechanism the provider declares in its service description. Testat does not check the mechanism itself.";
/// The heading of the subservice organisations.
pub const SUBPROCESSORS: &str = "Subservice organisations (possible subprocessors)";
/// The heading of the breach notification.
pub const BREACH: &str = "Notification of personal data breaches";
/// The heading of the transparency figures.
pub const TRANSPARENCY: &str = "Requests from authorities (transparency report)";

/// The line for a point without a measure in place.
pub const NONE_IN_PLACE: &str = "In place: none shown by the C5 status";

/// The groups of a measure heading, in the order shown: (label, criteria).
pub fn groups(h: &TomHeading) -> [(&'static str, &[TomCriterion]); 5] {
    [
        ("In place (criterion met)", &h.in_place),
        ("Partly in place (criterion partly met)", &h.partly_in_place),
        ("Not in place, gap (criterion not met)", &h.gaps),
        ("Not assessed (nothing recorded)", &h.not_assessed),
        ("Not applicable or out of scope", &h.not_applicable),
    ]
}

/// `CRY-01 Title` for each criterion, joined with `; `.
pub fn criteria(list: &[TomCriterion]) -> String {
    list.iter()
        .map(|c| {
            if c.title.is_empty() {
                c.criterion.clone()
            } else {
                format!("{} {}", c.criterion, c.title)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The heading of one point: `Art. 32(1)(a) Pseudonymisation and encryption`.
pub fn point_heading(h: &TomHeading) -> String {
    format!("{} {}", h.label, h.title).trim().to_owned()
}

/// What the annex says about a transfer.
pub fn transfer(
    state: TransferState,
    mechanism: Option<TransferMechanism>,
    note: Option<&str>,
) -> String {
    let note = note.map_or(String::new(), |n| format!(" ({n})"));
    match (state, mechanism) {
        (TransferState::NoTransfer, _) => "no transfer (EU/EEA)".into(),
        (TransferState::Transfer, Some(m)) => format!("transfer: {}{note}", m.describe()),
        (TransferState::Transfer | TransferState::MechanismNotDeclared, _) => {
            format!("transfer: mechanism not declared{note}")
        }
        (TransferState::CountryNotDeclared, _) => {
            "country not declared: whether data leaves the EU/EEA is not known".into()
        }
    }
}

/// The breach notification commitment as a sentence.
pub fn breach(b: &BreachNotification) -> String {
    match b.hours {
        Some(1) => "The provider commits to tell the customer within 1 hour of becoming aware of a personal data breach.".into(),
        Some(h) => format!("The provider commits to tell the customer within {h} hours of becoming aware of a personal data breach."),
        None => "Breach notification deadline: not declared (the service description sets no [gdpr] breach_notification_hours).".into(),
    }
}

/// The sentence for a register without records.
pub fn no_register_data(period: &str) -> String {
    format!(
        "No register data: the investigation-request register holds no records, so there are no figures for {period}."
    )
}

/// What the banded figures mean.
pub fn band_note(r: &TransparencyReport) -> String {
    format!(
        "Requests received from {} to {}, outcomes as of {}. Counts below {} are shown as a range, so that single requests cannot be recognised.",
        r.from, r.to, r.as_of, r.band
    )
}

/// The figures of the report as (label, value) rows.
pub fn figures(r: &TransparencyReport) -> Vec<(String, String)> {
    let mut rows = vec![
        ("Requests received".to_owned(), r.total.0.display()),
        (
            "from authorities outside the EU/EEA".to_owned(),
            r.outside_eea.0.display(),
        ),
    ];
    for l in &r.countries {
        let key = if l.key == testat_inquiry::OTHER_COUNTRIES {
            "other countries"
        } else {
            l.key.as_str()
        };
        rows.push((format!("Country: {key}"), l.requests.0.display()));
    }
    let lines = |prefix: &str, list: &[Line], rows: &mut Vec<(String, String)>| {
        for l in list {
            rows.push((format!("{prefix}: {}", l.key), l.requests.0.display()));
        }
    };
    lines("Kind", &r.kinds, &mut rows);
    lines("Outcome", &r.outcomes, &mut rows);
    rows.push((
        "Requests whose customers were told".into(),
        r.requests_customers_notified.0.display(),
    ));
    rows.push((
        "Requests where telling the customers was legally barred".into(),
        r.requests_notification_barred.0.display(),
    ));
    rows
}

/// The annex as Markdown.
pub fn markdown(out: &mut String, g: &GdprPack) -> Result<(), ReportError> {
    writeln!(out, "## {}\n", escape(HEADING))?;
    writeln!(out, "{}\n", escape(&g.disclaimer))?;
    writeln!(out, "### {}\n", escape(MEASURES))?;
    writeln!(
        out,
        "C5 status as of {} (C5:{}). {}\n",
        g.as_of,
        g.c5,
        escape(MEASURES_RULE)
    )?;
    for h in &g.measures {
        writeln!(out, "#### {}\n", escape(&point_heading(h)))?;
        writeln!(out, "{}\n", escape(&h.summary))?;
        if h.in_place.is_empty() && h.partly_in_place.is_empty() {
            writeln!(out, "- {NONE_IN_PLACE}")?;
        }
        for (label, list) in groups(h) {
            if !list.is_empty() {
                writeln!(out, "- {label}: {}", escape(&criteria(list)))?;
            }
        }
        out.push('\n');
    }

    writeln!(out, "### {}\n", escape(TRANSFERS))?;
    writeln!(out, "{}\n", escape(TRANSFERS_RULE))?;
    if g.locations.is_empty() {
        writeln!(
            out,
            "The service description names no locations ([[location]] in testat.toml).\n"
        )?;
    } else {
        writeln!(
            out,
            "| Location | Country | Purposes | Operated by | Transfer outside the EU/EEA |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for l in &g.locations {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&l.name),
                escape(&l.country),
                escape(&l.purposes.join(", ")),
                escape(l.operated_by.as_deref().unwrap_or("provider")),
                escape(&transfer(
                    l.transfer,
                    l.mechanism,
                    l.mechanism_note.as_deref()
                ))
            )?;
        }
        out.push('\n');
    }
    writeln!(out, "### {}\n", escape(SUBPROCESSORS))?;
    if g.subservices.is_empty() {
        writeln!(
            out,
            "The service description names no subservice organisations ([[subservice]] in testat.toml).\n"
        )?;
    } else {
        writeln!(
            out,
            "| Name | Provides | Method | Countries | Transfer outside the EU/EEA |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for s in &g.subservices {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&s.name),
                escape(&s.provides),
                escape(&s.method),
                escape(&s.countries.join(", ")),
                escape(&transfer(
                    s.transfer,
                    s.mechanism,
                    s.mechanism_note.as_deref()
                ))
            )?;
        }
        out.push('\n');
    }

    writeln!(out, "### {}\n", escape(BREACH))?;
    writeln!(out, "{}\n", escape(&breach(&g.breach_notification)))?;
    if let Some(text) = &g.breach_notification.incident_handling {
        writeln!(out, "Incident handling: {}\n", escape(text))?;
    }

    writeln!(out, "### {}\n", escape(TRANSPARENCY))?;
    match &g.transparency.report {
        None => writeln!(
            out,
            "{}\n",
            escape(&no_register_data(&g.transparency.period))
        )?,
        Some(r) => {
            writeln!(out, "{}\n", escape(&band_note(r)))?;
            writeln!(out, "| {} | Requests |", escape(&r.period))?;
            writeln!(out, "| --- | ---: |")?;
            for (label, value) in figures(r) {
                writeln!(out, "| {} | {} |", escape(&label), escape(&value))?;
            }
            out.push('\n');
        }
    }
    Ok(())
}
