//! `testat inquiry …`: the register of investigation requests (C5 domain INQ), its
//! workflow, the deadlines due, the transparency report and the INQ evidence. The
//! rules are `testat-inquiry`'s, the records the store's; this module parses arguments
//! and formats output.

use testat_inquiry::{
    DueWhat, EventKind, InqSupport, InquiryKind, InquiryRecord, InquiryState, NewInquiry,
    Notification, Period, transparency_report,
};

use crate::cli::{InquiryCommand, ShowFormat, TransparencyFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{emit, escape_control, time};

/// Runs `testat inquiry …`.
pub fn run(ctx: &Context, command: &InquiryCommand) -> Result<ExitStatus, CliError> {
    // Arguments that need no store are checked first, so bad input never opens it.
    let within = match command {
        InquiryCommand::Due { within, .. } => Some(parse_span(within)?),
        _ => None,
    };
    let period = match command {
        InquiryCommand::Report { period, .. } => Some(period.parse::<Period>()?),
        _ => None,
    };
    let to = match command {
        InquiryCommand::Advance { to, .. } => Some(to.parse::<InquiryState>()?),
        _ => None,
    };
    let today = ctx.project.clock().today();
    let (out, path) = ctx.with_store(async |store| {
        let mut out = String::new();
        let mut path = None;
        match command {
            InquiryCommand::Add(a) => {
                let new = NewInquiry {
                    received_on: a.received,
                    channel: a.channel.clone(),
                    authority: a.authority.clone(),
                    country: a.country.clone(),
                    legal_basis: a.legal_basis.clone(),
                    kind: a.kind.parse::<InquiryKind>()?,
                    data_categories: a.data.clone(),
                    customers: a.customers.clone(),
                    deadline: a.deadline,
                    handlers: a.handlers.clone(),
                };
                let id = store.add_inquiry(&new, &ctx.project.stamp()).await?;
                let r = store.inquiry(id).await?;
                out.push_str(&format!(
                    "recorded inquiry {id}: {} from {} ({}{}), received {}\n",
                    r.inquiry.kind,
                    escape_control(&r.inquiry.authority),
                    r.inquiry.country,
                    if r.inquiry.outside_eea {
                        ", outside the EU/EEA"
                    } else {
                        ""
                    },
                    r.inquiry.received_on
                ));
            }
            InquiryCommand::Show { id, format } => {
                let r = store.inquiry(*id).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&r)?;
                    out.push('\n');
                } else {
                    out = show(&r);
                }
            }
            InquiryCommand::List { format } => {
                let all = store.inquiries().await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&all)?;
                    out.push('\n');
                } else if all.is_empty() {
                    out.push_str("no requests recorded; record one with `testat inquiry add`\n");
                } else {
                    out.push_str("ID  RECEIVED    COUNTRY  KIND             STATE                NOTIFICATION  AUTHORITY\n");
                    for r in &all {
                        out.push_str(&format!(
                            "{:<3} {:<11} {:<8} {:<16} {:<20} {:<13} {}\n",
                            r.inquiry.id,
                            r.inquiry.received_on,
                            r.inquiry.country,
                            r.inquiry.kind,
                            r.state,
                            decision(r),
                            escape_control(&r.inquiry.authority)
                        ));
                    }
                }
            }
            InquiryCommand::Advance { id, note, .. } => {
                let to = to.unwrap_or(InquiryState::Received);
                store
                    .advance_inquiry(*id, to, note.as_deref(), &ctx.project.stamp())
                    .await?;
                let r = store.inquiry(*id).await?;
                out.push_str(&format!("inquiry {id} is now {to}{}\n", next_hint(&r)));
            }
            InquiryCommand::Close { id, note } => {
                store
                    .advance_inquiry(*id, InquiryState::Closed, note.as_deref(), &ctx.project.stamp())
                    .await?;
                out.push_str(&format!("inquiry {id} is now closed\n"));
            }
            InquiryCommand::Notify { id, date, how } => {
                store.notify_inquiry(*id, *date, how, &ctx.project.stamp()).await?;
                out.push_str(&format!("inquiry {id}: customers notified on {date}\n"));
            }
            InquiryCommand::Bar { id, reason, review } => {
                store
                    .bar_notification(*id, reason, *review, &ctx.project.stamp())
                    .await?;
                out.push_str(&format!(
                    "inquiry {id}: notification barred; review the bar by {review}\n"
                ));
            }
            InquiryCommand::Due { format, .. } => {
                let days = within.unwrap_or(7);
                let items: Vec<DueItem> = ctx
                    .project
                    .inquiries_due(store, days)
                    .await?
                    .into_iter()
                    .map(DueItem::from)
                    .collect();
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&items)?;
                    out.push('\n');
                } else if items.is_empty() {
                    out.push_str(&format!("nothing due within {days} day(s) of {today}\n"));
                } else {
                    for item in &items {
                        out.push_str(&format!(
                            "{} {}  inquiry {}  {}\n",
                            if item.overdue { "OVERDUE " } else { "due     " },
                            item.date,
                            item.inquiry,
                            item.what
                        ));
                    }
                }
            }
            InquiryCommand::Report {
                format,
                band,
                output,
                ..
            } => {
                let Some(period) = period else {
                    return Err(CliError::Render("no period".into()));
                };
                let report = transparency_report(&store.inquiries().await?, period, *band, today)?;
                out = match format {
                    TransparencyFormat::Json => {
                        let mut json = serde_json::to_string_pretty(&report)?;
                        json.push('\n');
                        json
                    }
                    TransparencyFormat::Md => testat_report::render_transparency_markdown(&report),
                    TransparencyFormat::Html => testat_report::render_transparency_html(&report)?,
                };
                path = output.clone();
            }
            InquiryCommand::Evidence { format } => {
                let evidence = store.inquiry_evidence(today).await?;
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&evidence)?;
                    out.push('\n');
                } else {
                    out.push_str(&format!(
                        "INQ evidence from the register ({} request(s)), as of {}\n",
                        evidence.requests, evidence.as_of
                    ));
                    for c in &evidence.criteria {
                        out.push_str(&format!(
                            "{}  {}\n  checked: {}\n",
                            c.criterion,
                            match c.support {
                                InqSupport::Supported => "supported",
                                InqSupport::Gaps => "GAPS",
                                InqSupport::NoRequests => "no requests",
                            },
                            c.checked
                        ));
                        for reason in &c.reasons {
                            out.push_str(&format!("  - {}\n", escape_control(reason)));
                        }
                    }
                }
            }
        }
        Ok((out, path))
    })?;
    emit(path.as_deref(), &out)?;
    if let Some(path) = path {
        emit(None, &format!("wrote {}\n", path.display()))?;
    }
    Ok(ExitStatus::Success)
}

/// `7d`, `7` or `2w` as days.
fn parse_span(text: &str) -> Result<i64, CliError> {
    let t = text.trim().to_ascii_lowercase();
    let (number, factor) = if let Some(n) = t.strip_suffix('w') {
        (n, 7)
    } else {
        (t.strip_suffix('d').unwrap_or(&t), 1)
    };
    number
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=36_500).contains(n))
        .map(|n| n * factor)
        .ok_or_else(|| {
            CliError::usage(
                format!("--within `{text}` is not a span of days or weeks"),
                "write it as 7d, 14 or 2w",
            )
        })
}

/// One thing coming up, as `inquiry due` shows it.
#[derive(Debug, serde::Serialize)]
struct DueItem {
    date: String,
    overdue: bool,
    inquiry: i64,
    what: String,
}

impl From<testat_inquiry::Due> for DueItem {
    fn from(due: testat_inquiry::Due) -> Self {
        Self {
            date: due.date.to_string(),
            overdue: due.overdue,
            inquiry: due.inquiry,
            what: match due.what {
                DueWhat::Deadline { authority, state } => {
                    format!("deadline of {} ({state})", escape_control(&authority))
                }
                DueWhat::BarReview => "review of the notification bar".into(),
            },
        }
    }
}

fn decision(r: &InquiryRecord) -> &'static str {
    match r.notification {
        Some(Notification::Notified { .. }) => "notified",
        Some(Notification::Barred { .. }) => "barred",
        None => "-",
    }
}

fn next_hint(r: &InquiryRecord) -> String {
    let next: Vec<_> = r.state.next().iter().map(|s| s.as_str()).collect();
    if next.is_empty() {
        String::new()
    } else {
        format!(" (next: {})", next.join(" | "))
    }
}

fn show(r: &InquiryRecord) -> String {
    let i = &r.inquiry;
    let mut out = format!(
        "inquiry {}  {}  {}\n",
        i.id,
        r.state,
        match &r.notification {
            Some(Notification::Notified { on, how }) =>
                format!("customers notified on {on} ({})", escape_control(how)),
            Some(Notification::Barred { reason, review }) => format!(
                "notification barred ({}), review by {review}",
                escape_control(reason)
            ),
            None => "no notification decision yet".into(),
        }
    );
    for (label, value) in [
        ("received", i.received_on.to_string()),
        ("channel", i.channel.clone()),
        ("authority", i.authority.clone()),
        (
            "country",
            format!(
                "{}{}",
                i.country,
                if i.outside_eea {
                    " (outside the EU/EEA)"
                } else {
                    " (EU/EEA)"
                }
            ),
        ),
        ("legal basis", i.legal_basis.clone()),
        ("kind", i.kind.to_string()),
        ("data", i.data_categories.join(", ")),
        ("customers", i.customers.join(", ")),
        (
            "deadline",
            i.deadline.map_or_else(|| "-".into(), |d| d.to_string()),
        ),
        ("handlers", i.handlers.join(", ")),
    ] {
        out.push_str(&format!("  {label:<12} {}\n", escape_control(&value)));
    }
    out.push_str(&format!(
        "  recorded     {} by {}\nhistory:\n",
        time(i.added_at),
        escape_control(&i.added_by)
    ));
    for e in &r.events {
        let or_unknown =
            |d: Option<chrono::NaiveDate>| d.map_or_else(|| "?".into(), |d| d.to_string());
        let what = match e.kind {
            EventKind::Transition => format!(
                "{} -> {}",
                e.from_state.map_or("?", InquiryState::as_str),
                e.to_state.map_or("?", InquiryState::as_str)
            ),
            EventKind::Notified => format!(
                "customers notified on {} ({})",
                or_unknown(e.notified_on),
                e.notified_how.as_deref().unwrap_or("")
            ),
            EventKind::Barred => format!(
                "notification barred: {}; review by {}",
                e.bar_reason.as_deref().unwrap_or(""),
                or_unknown(e.bar_review)
            ),
        };
        out.push_str(&format!(
            "  {}  {}  by {}{}\n",
            time(e.at),
            escape_control(&what),
            escape_control(&e.actor),
            e.note
                .as_deref()
                .map(|n| format!("\n      {}", escape_control(n)))
                .unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn spans_parse_as_days() {
        assert_eq!(parse_span("7d").unwrap(), 7);
        assert_eq!(parse_span("14").unwrap(), 14);
        assert_eq!(parse_span("2w").unwrap(), 14);
        assert!(parse_span("soon").is_err());
        assert!(parse_span("-3d").is_err());
    }
}
