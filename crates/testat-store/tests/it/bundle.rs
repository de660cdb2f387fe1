//! Audit bundles through the library: the slice of a period, its chain across a
//! clock that went backwards, and a bundle checked against the store's key only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use testat_store::{
    BundlePeriod, KeyPair, Location, NewRun, RunInput, Stamp, Store, verify_bundle,
};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0).unwrap()
}

fn run(at: DateTime<Utc>) -> NewRun {
    NewRun {
        scope: "default".into(),
        started_at: at,
        finished_at: at,
        tool_version: "0.1.0".into(),
        catalog_version: "2020".into(),
        ruleset_sha256: "ab".repeat(32),
        rule_count: 1,
        resource_count: 1,
        inputs: vec![RunInput {
            path: "plan.json".into(),
            kind: "terraform-plan".into(),
            sha256: "cd".repeat(32),
            size: 10,
        }],
        findings: vec![],
        settings: Default::default(),
        source: None,
    }
}

fn stamp(at: DateTime<Utc>) -> Stamp {
    Stamp {
        actor: "tester".into(),
        at,
    }
}

fn period(from: u32, to: u32) -> BundlePeriod {
    BundlePeriod {
        from: NaiveDate::from_ymd_opt(2026, 3, from).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, to).unwrap(),
    }
}

#[tokio::test]
async fn the_slice_is_contiguous_and_its_chain_checks() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::sqlite(
        &dir.path().join("s.db"),
        Some(dir.path().join("evidence")),
    ))
    .await
    .unwrap();
    // Days 1, 5, 3 (a clock set back), 9: events 1..4.
    for d in [1, 5, 3, 9] {
        store
            .record_run(&run(day(d)), &stamp(day(d)))
            .await
            .unwrap();
    }
    let keys = KeyPair::generate();
    let out = dir.path().join("b.tar.zst");
    let summary = store
        .export_bundle(period(4, 6), &keys, "test", &stamp(day(10)), &out)
        .await
        .unwrap();
    // Runs that started in the period: day 5 only; the slice is event 2 (day 5) alone.
    assert_eq!(summary.runs, 1);
    assert_eq!(summary.events, 1);

    // Days 2..=8 hold events 2 (day 5) and 3 (day 3): the slice keeps them contiguous.
    let out = dir.path().join("c.tar.zst");
    let summary = store
        .export_bundle(period(2, 8), &keys, "test", &stamp(day(10)), &out)
        .await
        .unwrap();
    assert_eq!((summary.runs, summary.events), (2, 2));
    let report = verify_bundle(&out, None).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    let manifest = report.manifest.unwrap();
    assert_eq!((manifest.audit.first_seq, manifest.audit.last_seq), (2, 3));
    assert_eq!(manifest.audit.head_seq, 4);

    // Checked against the right key, and a wrong one.
    let public = testat_store::parse_public_key(&keys.public_hex()).unwrap();
    assert!(verify_bundle(&out, Some(&public)).unwrap().ok());
    let other = testat_store::parse_public_key(&KeyPair::generate().public_hex()).unwrap();
    let report = verify_bundle(&out, Some(&other)).unwrap();
    assert!(!report.ok());
    assert!(report.problems.iter().any(|p| p.place == "manifest.json"));
    assert!(report.problems.iter().any(|p| p.place == "manifest.sig"));

    // Not a bundle at all.
    let junk = dir.path().join("junk.tar.zst");
    std::fs::write(&junk, b"not zstd").unwrap();
    let report = verify_bundle(&junk, None).unwrap();
    assert!(!report.ok());

    // --to before --from.
    assert!(
        store
            .export_bundle(
                period(8, 2),
                &keys,
                "test",
                &stamp(day(10)),
                &dir.path().join("d")
            )
            .await
            .is_err()
    );
}

/// A team server keeps evidence files in PostgreSQL: the bundle carries them all the
/// same, and they check against the manifest.
#[tokio::test]
async fn evidence_kept_in_postgres_goes_into_the_bundle() {
    let Some(admin) = testat_test_support::postgres_admin_url("bundle from PostgreSQL") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut location = Location::sqlite(&dir.path().join("unused.db"), None);
    location.database_url = testat_test_support::fresh_postgres_database(
        &admin,
        &format!("testat_bundle_{}", std::process::id()),
    )
    .await;
    let store = Store::open(&location).await.unwrap();
    let file = dir.path().join("policy.txt");
    std::fs::write(&file, b"access control policy, version 3").unwrap();
    store
        .add_evidence(
            &testat_store::NewEvidence {
                file: Some(file.clone()),
                criteria: vec!["IDM-01".into()],
                ..testat_store::NewEvidence::default()
            },
            &stamp(day(5)),
        )
        .await
        .unwrap();
    // The file lives in the database only.
    std::fs::remove_file(&file).unwrap();
    let keys = KeyPair::generate();
    let out = dir.path().join("b.tar.zst");
    let summary = store
        .export_bundle(period(1, 9), &keys, "test", &stamp(day(10)), &out)
        .await
        .unwrap();
    assert_eq!((summary.evidence, summary.files), (1, 1));
    let report = verify_bundle(&out, None).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    let sha = testat_store::sha256_hex(b"access control policy, version 3");
    assert!(
        report
            .manifest
            .unwrap()
            .files
            .iter()
            .any(|f| f.path == format!("evidence/{sha}"))
    );
}
