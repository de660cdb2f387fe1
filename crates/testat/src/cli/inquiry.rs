//! `testat inquiry …`: arguments.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use super::ShowFormat;

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
        format: TransparencyFormat,
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
pub enum TransparencyFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML file.
    Html,
    /// Versioned JSON (docs/inquiries.md).
    Json,
}
