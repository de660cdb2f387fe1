//! `testat serve`, `testat user …` and `testat token …`: arguments.

use std::net::SocketAddr;

use clap::{Args, Subcommand};

/// Arguments of `testat serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen (loopback unless you say otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Largest request body (uploads of evidence and scan results), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_body: usize,
    /// Trust X-Forwarded-Proto and X-Forwarded-For from a reverse proxy in front (cookies
    /// are then Secure when the proxy says the client used HTTPS).
    #[arg(long)]
    pub behind_proxy: bool,
    /// How long a browser session lasts, in hours.
    #[arg(long, value_name = "HOURS", default_value_t = 12)]
    pub session_hours: i64,
}

/// `testat user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user of the team server. The password is read from TESTAT_PASSWORD, or
    /// else from the first line of standard input (e.g. `printf '%s\n' "$PW" | testat
    /// user add alice --role admin`).
    Add {
        /// The sign-in name.
        name: String,
        /// admin, editor, legal, auditor or viewer.
        #[arg(long, value_name = "ROLE")]
        role: String,
    },
    /// List the users.
    List,
}

/// `testat token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token (for CI uploads: `--role editor`); the secret is printed once.
    Add {
        /// What it is for, e.g. ci-upload.
        name: String,
        /// admin, editor, legal, auditor or viewer.
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// How many days it lives (1 to 365).
        #[arg(long, value_name = "DAYS", default_value_t = 90)]
        days: i64,
    },
    /// Revoke an API token.
    Revoke {
        /// The token's ID (`testat token list`).
        id: i64,
    },
    /// List the tokens (without secrets).
    List,
}
