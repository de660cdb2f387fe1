//! `testat scan … --record --server URL`: the run goes to a team server instead of a
//! local store. The upload names itself with the SHA-256 of its body, so a retry after
//! a lost answer records nothing twice.

use std::time::Duration;

use testat_store::NewRun;

use crate::error::CliError;

/// How often an upload is tried when the connection fails or the server is busy.
const ATTEMPTS: u32 = 3;

/// Uploads `run` to `server` with `token`. Returns the run's ID on the server and
/// whether this upload recorded it (false: an earlier attempt did).
pub fn upload(server: &str, token: Option<&str>, run: &NewRun) -> Result<(i64, bool), CliError> {
    let Some(token) = token else {
        return Err(CliError::usage(
            format!("recording on {server} needs an API token"),
            "pass --token TOKEN or set TESTAT_TOKEN (an admin makes one with `testat token add ci --role editor`)",
        ));
    };
    let body = serde_json::to_vec(run)?;
    let key = format!("sha256:{}", testat_store::sha256_hex(&body));
    let url = format!("{server}/api/runs");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let sent = agent
            .post(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Idempotency-Key", &key)
            .header("Content-Type", "application/json")
            .send(&body[..]);
        match sent {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let text = response.body_mut().read_to_string().unwrap_or_default();
                let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                match status {
                    200 | 201 => {
                        let id = json["run"].as_i64().ok_or_else(|| {
                            CliError::Render(format!("{url} answered without a run ID: {text}"))
                        })?;
                        return Ok((id, status == 201));
                    }
                    500.. => last = format!("{url} answered {status}"),
                    _ => {
                        let message = json["error"]["message"]
                            .as_str()
                            .map_or_else(|| text.trim().to_owned(), str::to_owned);
                        return Err(CliError::usage(
                            format!("{url} refused the run ({status}): {message}"),
                            match status {
                                401 => {
                                    "check the token (--token or TESTAT_TOKEN); it may have expired or been revoked"
                                }
                                403 => "the token needs the editor role",
                                _ => "the server's answer says what to fix",
                            },
                        ));
                    }
                }
            }
            Err(e) => last = format!("cannot reach {url}: {e}"),
        }
        if attempt < ATTEMPTS {
            std::thread::sleep(Duration::from_secs(u64::from(attempt) * 2));
        }
    }
    Err(CliError::usage(
        format!("{last} (tried {ATTEMPTS} times)"),
        "run the scan again once the server answers; the upload is safe to retry",
    ))
}
