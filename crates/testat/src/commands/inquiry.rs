//! `testat inquiry …`: the register of investigation requests (C5 domain INQ), its
//! workflow, the deadlines due, the transparency report and the INQ evidence. The
//! work is done in `testat-store`; this module parses arguments and formats output.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use testat_store::{
    InqSupport, InquiryKind, InquiryRecord, InquiryState, NewInquiry, Notification, Period,
    transparency_report,
};

use crate::cli::ShowFormat;
use crate::clock;
use crate::commands::store::{StoreArgs, block_on, open, stamp};
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{emit, escape_control};

/// `testat inquiry …`
#[derive(Debug, Subcommand)]
pub enum InquiryCommand {
    /// Record a request from a government agency (state `received`).
    Add(AddArgs),
    /// Show one request with its full history.
    Show {
        /// The request's ID.
        id: i64,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// List the requests with their state and notification decision.
    List {
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// Move a request to its next state (received → legal-review → rejected |
    /// challenged | partially-disclosed | disclosed → closed).
    Advance {
        /// The request's ID.
        id: i64,
        /// The next state.
        #[arg(long, value_name = "STATE")]
        to: String,
        /// What was decided or done (for disclosures: what was handed over).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Record that the customers concerned were told.
    Notify {
        /// The request's ID.
        id: i64,
        /// The day they were told (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: NaiveDate,
        /// How they were told.
        #[arg(long, value_name = "TEXT")]
        how: String,
    },
    /// Record that the law forbids telling the customers, and when to review that.
    Bar {
        /// The request's ID.
        id: i64,
        /// The legal reason.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// When the bar must be reviewed (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        review: NaiveDate,
    },
    /// Close a request (needs a notification decision first).
    Close {
        /// The request's ID.
        id: i64,
        /// A closing remark.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Deadlines and notification-bar reviews coming up, and overdue ones.
    Due {
        /// How far ahead to look: days (`7d`, `7`) or weeks (`2w`).
        #[arg(long, value_name = "SPAN", default_value = "7d")]
        within: String,
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
    /// The transparency report of a period, with small counts shown as bands.
    Report {
        /// A year (2026), half-year (2026-H1) or quarter (2026-Q3).
        #[arg(long, value_name = "PERIOD")]
        period: String,
        /// Output format.
        #[arg(long, short = 'f', default_value = "md")]
        format: ReportFormat,
        /// Counts below this are shown as `0-(BAND-1)` (docs/inquiries.md).
        #[arg(long, value_name = "N", default_value_t = 10)]
        band: u64,
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// What the register shows for INQ-01 to INQ-04, with reasons.
    Evidence {
        /// Output format.
        #[arg(long, short = 'f', default_value = "text")]
        format: ShowFormat,
    },
}

/// Arguments of `testat inquiry add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The day the request arrived (YYYY-MM-DD; not in the future).
    #[arg(long, value_name = "DATE")]
    pub received: NaiveDate,
    /// How it arrived (letter, e-mail, portal, …).
    #[arg(long, value_name = "TEXT")]
    pub channel: String,
    /// The requesting authority.
    #[arg(long, value_name = "NAME")]
    pub authority: String,
    /// The authority's country (ISO 3166-1 alpha-2, e.g. DE, US).
    #[arg(long, value_name = "CODE")]
    pub country: String,
    /// The legal basis cited.
    #[arg(long, value_name = "TEXT")]
    pub legal_basis: String,
    /// data-disclosure, preservation, interception or other.
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// Data categories asked for (repeatable or comma-separated).
    #[arg(long = "data", value_name = "CATEGORY", value_delimiter = ',')]
    pub data: Vec<String>,
    /// Customers or accounts concerned (repeatable or comma-separated).
    #[arg(long = "customer", value_name = "ID", value_delimiter = ',')]
    pub customers: Vec<String>,
    /// The day an answer is due (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub deadline: Option<NaiveDate>,
    /// The people handling it (repeatable or comma-separated).
    #[arg(
        long = "handler",
        value_name = "NAME",
        value_delimiter = ',',
        required = true
    )]
    pub handlers: Vec<String>,
}

/// Formats of the transparency report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML file.
    Html,
    /// Versioned JSON (docs/inquiries.md).
    Json,
}

fn usage(message: String, hint: &str) -> CliError {
    CliError::Usage {
        message,
        hint: Some(hint.to_owned()),
    }
}

/// Runs `testat inquiry …`.
pub fn run(command: &InquiryCommand, args: &StoreArgs) -> Result<ExitStatus, CliError> {
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
    block_on(async {
        let store = open(args).await?;
        let today = clock::today();
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
                let id = store.add_inquiry(&new, &stamp(args)).await?;
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
                    .advance_inquiry(*id, to, note.as_deref(), &stamp(args))
                    .await?;
                let r = store.inquiry(*id).await?;
                out.push_str(&format!("inquiry {id} is now {to}{}\n", next_hint(&r)));
            }
            InquiryCommand::Close { id, note } => {
                store
                    .advance_inquiry(*id, InquiryState::Closed, note.as_deref(), &stamp(args))
                    .await?;
                out.push_str(&format!("inquiry {id} is now closed\n"));
            }
            InquiryCommand::Notify { id, date, how } => {
                store.notify_inquiry(*id, *date, how, &stamp(args)).await?;
                out.push_str(&format!("inquiry {id}: customers notified on {date}\n"));
            }
            InquiryCommand::Bar { id, reason, review } => {
                store
                    .bar_notification(*id, reason, *review, &stamp(args))
                    .await?;
                out.push_str(&format!(
                    "inquiry {id}: notification barred; review the bar by {review}\n"
                ));
            }
            InquiryCommand::Due { format, .. } => {
                let days = within.unwrap_or(7);
                let items = due(&store.inquiries().await?, today, days);
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
                    ReportFormat::Json => {
                        let mut json = serde_json::to_string_pretty(&report)?;
                        json.push('\n');
                        json
                    }
                    ReportFormat::Md => testat_report::render_transparency_markdown(&report),
                    ReportFormat::Html => testat_report::render_transparency_html(&report)?,
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
        store.close().await;
        emit(path.as_deref(), &out)?;
        if let Some(path) = path {
            emit(None, &format!("wrote {}\n", path.display()))?;
        }
        Ok(ExitStatus::Success)
    })?
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
            usage(
                format!("--within `{text}` is not a span of days or weeks"),
                "write it as 7d, 14 or 2w",
            )
        })
}

/// One thing coming up.
#[derive(Debug, serde::Serialize)]
struct DueItem {
    date: String,
    overdue: bool,
    inquiry: i64,
    what: String,
}

fn due(records: &[InquiryRecord], today: NaiveDate, days: i64) -> Vec<DueItem> {
    let horizon = today + chrono::Duration::days(days);
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let mut items = Vec::new();
    for r in records {
        let decided = r.outcome().is_some();
        if !decided
            && r.state != InquiryState::Closed
            && let Some(deadline) = r.inquiry.deadline.as_deref().and_then(day)
            && deadline <= horizon
        {
            items.push(DueItem {
                date: deadline.to_string(),
                overdue: deadline < today,
                inquiry: r.inquiry.id,
                what: format!(
                    "deadline of {} ({})",
                    escape_control(&r.inquiry.authority),
                    r.state
                ),
            });
        }
        if let Some(Notification::Barred { review, .. }) = &r.notification
            && let Some(review) = day(review)
            && review <= horizon
        {
            items.push(DueItem {
                date: review.to_string(),
                overdue: review < today,
                inquiry: r.inquiry.id,
                what: "review of the notification bar".into(),
            });
        }
    }
    items.sort_by(|a, b| (&a.date, a.inquiry).cmp(&(&b.date, b.inquiry)));
    items
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
        ("received", i.received_on.clone()),
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
        ("kind", i.kind.clone()),
        ("data", i.data_categories.join(", ")),
        ("customers", i.customers.join(", ")),
        ("deadline", i.deadline.clone().unwrap_or_else(|| "-".into())),
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
        let what = match e.kind.as_str() {
            "transition" => format!(
                "{} -> {}",
                e.from_state.as_deref().unwrap_or("?"),
                e.to_state.as_deref().unwrap_or("?")
            ),
            "notified" => format!(
                "customers notified on {} ({})",
                e.notified_on.as_deref().unwrap_or("?"),
                e.notified_how.as_deref().unwrap_or("")
            ),
            "barred" => format!(
                "notification barred: {}; review by {}",
                e.bar_reason.as_deref().unwrap_or(""),
                e.bar_review.as_deref().unwrap_or("?")
            ),
            other => other.to_owned(),
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

fn time(us: i64) -> String {
    testat_store::from_micros(us).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
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
