//! The web UI in a real browser: headless Chromium, driven through playwright-core by
//! `validators/server-ui.mjs`, against the server listening on loopback. The script
//! signs in, uploads evidence and sees the status change, advances a request in the
//! register, publishes the trust page, requests a gated document as an outsider, has
//! it approved, downloads it and sees the link refused after its expiry (a second
//! server on the same store with a clock two days later). A resource address and an
//! evidence file name carrying markup must open no dialog and make no element.
//!
//! Skipped loudly outside CI when node, Chromium or playwright-core is missing; a
//! failure in CI.

use std::process::Command;

use testat_records::Role;

use crate::support::{listen, project};
use crate::ui_support::{PASSWORD, add_user, seed, server};

/// The markup planted in the address of a failing resource and in a file name.
const PLANTED: &str = "<img src=x onerror=window.__pwned=1>";
/// The clock of the second server: two days after the tests' "now", past a link
/// approved for one day.
const LATER: &str = "2026-03-12T10:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_runs_evidence_the_register_and_the_trust_page_and_stays_inert() {
    if !testat_test_support::tool_available(
        "node",
        "the browser test of the web UI",
        "apt-get install nodejs",
    ) {
        return;
    }
    let s = server().await;
    seed(&s, &format!("aws_s3_bucket.x{PLANTED}")).await;
    add_user(&s, "ada", Role::Admin).await;
    let later = testat_server::app(
        project(s._dir.path(), LATER),
        s.store.clone(),
        testat_server::ServerConfig::default(),
    );
    let base = listen(s.app.clone()).await;
    let later = listen(later).await;

    let files = tempfile::tempdir().unwrap();
    let evidence = files.path().join(format!("{PLANTED}.txt"));
    std::fs::write(&evidence, b"restore test log").unwrap();
    let document = files.path().join("c5-report.pdf");
    std::fs::write(&document, b"%PDF the C5 report").unwrap();

    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validators/server-ui.mjs");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .arg(format!("http://{base}"))
            .arg(format!("http://{later}"))
            .arg(&evidence)
            .arg(&document)
            .env("TESTAT_UI_PASSWORD", PASSWORD)
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
    if output.status.code() == Some(3) {
        testat_test_support::skip_outside_ci("the browser test of the web UI", said.trim());
        return;
    }
    assert!(output.status.success(), "the browser run failed:\n{said}");
    eprintln!("{said}");

    // What the browser did is in the store.
    let ops = s.store.evidence(Some("OPS-08")).await.unwrap();
    assert_eq!(ops.len(), 1);
    let actions: Vec<String> = s
        .store
        .audit_events(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "trust.publish",
        "trust.request",
        "trust.decide",
        "trust.download",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing: {actions:?}"
        );
    }
    assert!(s.store.verify().await.unwrap().ok());
}
