//! `testat exceptions …`: approved exceptions kept in the store.

use testat_records::Exception;

use crate::cli::{ExceptionsCommand, ShowFormat};
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{done, escape_control};

/// Runs `testat exceptions …`.
pub fn run(ctx: &Context, command: &ExceptionsCommand) -> Result<ExitStatus, CliError> {
    let out = ctx.with_store(async |store| {
        let mut out = String::new();
        match command {
            ExceptionsCommand::Add {
                rule,
                resource,
                justification,
                approved_by,
                risk_owner,
                expires,
            } => {
                let exception = Exception {
                    rule: rule.clone(),
                    resource: resource.clone(),
                    justification: justification.clone(),
                    approved_by: approved_by.clone(),
                    risk_owner: risk_owner.clone(),
                    expires: *expires,
                };
                let id = store
                    .add_exception(&exception, &ctx.project.stamp())
                    .await?;
                out.push_str(&format!(
                    "stored exception {id}: {rule} on {resource} until {expires}\n"
                ));
            }
            ExceptionsCommand::Revoke { id, reason } => {
                store
                    .revoke_exception(*id, reason, &ctx.project.stamp())
                    .await?;
                out.push_str(&format!("revoked exception {id}\n"));
            }
            ExceptionsCommand::List { expired, format } => {
                let today = ctx.project.clock().today();
                let list: Vec<_> = store
                    .exceptions()
                    .await?
                    .into_iter()
                    .filter(|x| !expired || !x.exception.is_active(today))
                    .collect();
                if matches!(format, ShowFormat::Json) {
                    out = serde_json::to_string_pretty(&list)?;
                    out.push('\n');
                } else if list.is_empty() {
                    out.push_str(if *expired {
                        "no expired exceptions\n"
                    } else {
                        "no exceptions stored\n"
                    });
                } else {
                    for x in &list {
                        let x_ = &x.exception;
                        let state = if x.revoked.is_some() {
                            "REVOKED"
                        } else if x_.is_active(today) {
                            "active "
                        } else {
                            "EXPIRED"
                        };
                        out.push_str(&format!(
                            "{:<3} {state} until {}  {}  on {}  approved by {}{}\n  {}\n",
                            x.id,
                            x_.expires,
                            x_.rule,
                            x_.resource,
                            x_.approved_by,
                            x_.risk_owner
                                .as_deref()
                                .map(|r| format!(", risk owner {r}"))
                                .unwrap_or_default(),
                            escape_control(&x_.justification)
                        ));
                    }
                }
            }
        }
        Ok(out)
    })?;
    done(&out)
}
