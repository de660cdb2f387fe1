//! `testat user …` and `testat token …`: the team server's users and API tokens,
//! straight in the store (the first admin has no other way in).

use std::io::BufRead;

use chrono::Duration;
use testat_records::Role;
use testat_server::auth::{Secret, hash_password, new_secret};

use crate::cli::{TokenCommand, UserCommand};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{done, escape_control, time};

fn role(text: &str) -> Result<Role, CliError> {
    text.parse::<Role>().map_err(|e| {
        CliError::usage(
            e.to_string(),
            "--role takes admin, editor, legal, auditor or viewer",
        )
    })
}

/// The password from TESTAT_PASSWORD or the first line of standard input.
fn password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var("TESTAT_PASSWORD")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| CliError::Read {
            path: "standard input".into(),
            source,
        })?;
    let line = line.trim_end_matches(['\n', '\r']).to_owned();
    if line.is_empty() {
        return Err(CliError::usage(
            "no password given",
            "set TESTAT_PASSWORD, or write the password as the first line of standard input",
        ));
    }
    Ok(line)
}

/// Runs `testat user …`.
pub fn user(ctx: &Context, command: &UserCommand) -> Result<ExitStatus, CliError> {
    match command {
        UserCommand::Add { name, role: r } => {
            let role = role(r)?;
            let hash = hash_password(&password()?)
                .map_err(|m| CliError::usage(m, "choose a longer password"))?;
            let id = ctx.with_store(async |store| {
                Ok(store
                    .add_user(name, role, &hash, &ctx.project.stamp())
                    .await?)
            })?;
            done(&format!(
                "added user {id}: {} ({role})\n",
                escape_control(name)
            ))
        }
        UserCommand::List => {
            let users = ctx.with_store(async |store| Ok(store.users().await?))?;
            let mut out = String::new();
            for u in users {
                out.push_str(&format!(
                    "{:<3} {:<20} {:<8} added {} by {}{}\n",
                    u.id,
                    escape_control(&u.name),
                    u.role,
                    time(u.added_at),
                    escape_control(&u.added_by),
                    u.disabled_at
                        .map(|t| format!("  DISABLED {}", time(t)))
                        .unwrap_or_default()
                ));
            }
            done(if out.is_empty() { "no users\n" } else { &out })
        }
    }
}

/// Runs `testat token …`.
pub fn token(ctx: &Context, command: &TokenCommand) -> Result<ExitStatus, CliError> {
    match command {
        TokenCommand::Add {
            name,
            role: r,
            days,
        } => {
            let role = role(r)?;
            if !(1..=365).contains(days) {
                return Err(CliError::usage(
                    format!("--days {days} is out of range"),
                    "a token lives 1 to 365 days",
                ));
            }
            let secret = new_secret("tt_");
            let stamp = ctx.project.stamp();
            let expires = stamp.at + Duration::days(*days);
            let id = ctx.with_store(async |store| {
                Ok(store
                    .add_token(name, role, &Secret::hash(&secret.0), expires, &stamp)
                    .await?)
            })?;
            done(&format!(
                "token {id} ({}, {role}) until {}:\n{}\nit is shown only now; keep it in your CI's secrets\n",
                escape_control(name),
                time(expires),
                secret.0
            ))
        }
        TokenCommand::Revoke { id } => {
            ctx.with_store(async |store| {
                Ok(store.revoke_token(*id, &ctx.project.stamp()).await?)
            })?;
            done(&format!("revoked token {id}\n"))
        }
        TokenCommand::List => {
            let tokens = ctx.with_store(async |store| Ok(store.tokens().await?))?;
            let now = ctx.project.clock().now();
            let mut out = String::new();
            for t in tokens {
                let state = if t.revoked_at.is_some() {
                    "REVOKED"
                } else if t.valid_at(now) {
                    "active "
                } else {
                    "EXPIRED"
                };
                out.push_str(&format!(
                    "{:<3} {state} {:<20} {:<8} until {}\n",
                    t.id,
                    escape_control(&t.name),
                    t.role,
                    time(t.expires_at)
                ));
            }
            done(if out.is_empty() { "no tokens\n" } else { &out })
        }
    }
}
