//! The OpenAPI document checked by real tools: `openapi-spec-validator` validates it
//! against the OpenAPI 3.1 specification, and Schemathesis (property-based API testing)
//! sends generated requests to every documented operation of the server on loopback,
//! with the token of each role: no answer may be a server error, and every answer must
//! match the schema the document declares for it. Bounded in examples and time.
//!
//! Both come from `validators/requirements.txt` in the venv named by
//! `TESTAT_VALIDATOR_PYTHON`; skipped loudly outside CI when missing, a failure in CI.

use std::process::Command;

use testat_records::Role;

use crate::support::listen;
use crate::ui_support::{seed, server};

/// Examples per operation, and seconds per role: enough to reach every operation with
/// valid and invalid input, bounded for a 2-core machine.
const EXAMPLES: &str = "3";
const SECONDS_PER_ROLE: &str = "25";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_valid_and_the_api_keeps_to_it_for_every_role() {
    let Some(python) = std::env::var_os(testat_test_support::VALIDATOR_PYTHON) else {
        testat_test_support::skip_outside_ci(
            "Schemathesis and openapi-spec-validator",
            &format!("{} is not set", testat_test_support::VALIDATOR_PYTHON),
        );
        return;
    };
    let s = server().await;
    seed(&s, "aws_s3_bucket.data").await;
    let document = s.call("GET", "/api/openapi.json", None, None).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &document.body).unwrap();
    let said = testat_test_support::validate("openapi", &file);
    if said.is_empty() {
        return; // skipped loudly: the validator is not installed here
    }
    assert!(said.contains("OpenAPI 3.1"), "{said}");

    let base = format!("http://{}", listen(s.app.clone()).await);
    for role in Role::ALL {
        let token = s.token(role).to_owned();
        let (python, base, reports) =
            (python.clone(), base.clone(), dir.path().join(role.as_str()));
        std::fs::create_dir_all(&reports).unwrap();
        let output = tokio::task::spawn_blocking(move || {
            Command::new(python)
                // Schemathesis keeps a cache in the working folder: not in the crate.
                .current_dir(&reports)
                .args(["-m", "schemathesis.cli", "run"])
                .arg(format!("{base}/api/openapi.json"))
                .args(["--url", &base])
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--checks", "not_a_server_error,response_schema_conformance"])
                .args(["--max-examples", EXAMPLES, "--max-time", SECONDS_PER_ROLE])
                .args(["--seed", "1", "--workers", "1", "--no-color"])
                .args(["--phases", "examples,coverage,fuzzing"])
                // Revoking tokens at random would leave the rest of the run signed out.
                .args(["--exclude-path", "/api/tokens/{id}/revoke"])
                .args(["--report-dir"])
                .arg(&reports)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if said.contains("No module named") && said.contains("schemathesis") {
            testat_test_support::skip_outside_ci(
                "Schemathesis",
                &format!("not installed in the validator venv: {said}"),
            );
            return;
        }
        assert!(output.status.success(), "Schemathesis as {role}:\n{said}");
        let summary = said
            .lines()
            .rev()
            .find(|l| l.starts_with('='))
            .unwrap_or("");
        eprintln!("Schemathesis as {role}: {summary}");
    }
}
