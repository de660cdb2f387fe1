//! The store's test suite: every scenario runs against SQLite, and against
//! PostgreSQL when `TESTAT_TEST_POSTGRES_URL` is set (CI sets it; with CI=true a
//! missing URL fails the suite instead of skipping it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sqlx::{Connection, Executor};
use testat_store::{
    AttestStatus, Location, NewAttestation, NewEvidence, NewRun, RunFinding, RunInput, RunSettings,
    RunSource, Stamp, Store, StoreError,
};

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
}

fn stamp(hour: u32) -> Stamp {
    Stamp {
        actor: "tester".into(),
        at: at(hour),
    }
}

fn finding(rule: &str, address: &str, outcome: &str, criterion: &str) -> RunFinding {
    RunFinding {
        rule: rule.into(),
        address: address.into(),
        outcome: outcome.into(),
        criteria: vec![criterion.into()],
    }
}

fn new_run(hour: u32, findings: Vec<RunFinding>) -> NewRun {
    NewRun {
        scope: "default".into(),
        started_at: at(hour),
        finished_at: at(hour) + chrono::Duration::seconds(3),
        tool_version: "0.1.0".into(),
        catalog_version: "2020".into(),
        ruleset_sha256: "ab".repeat(32),
        rule_count: 2,
        resource_count: 2,
        inputs: vec![RunInput {
            path: "plan.json".into(),
            kind: "terraform-plan".into(),
            sha256: "cd".repeat(32),
            size: 10,
        }],
        findings,
        settings: RunSettings::default(),
        source: None,
    }
}

/// A backend to run a scenario on: a fresh, empty store.
enum Backend {
    Sqlite,
    Postgres(String),
}

async fn fresh(backend: &Backend, dir: &Path) -> Location {
    let evidence = dir.join("evidence");
    match backend {
        Backend::Sqlite => Location::sqlite(&dir.join("store.db"), Some(evidence)),
        Backend::Postgres(admin) => {
            let name = format!(
                "testat_{}_{}",
                std::process::id(),
                dir.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "")
            );
            let mut location = Location::sqlite(&dir.join("unused.db"), Some(evidence));
            location.database_url =
                testat_test_support::fresh_postgres_database(admin, &name).await;
            location
        }
    }
}

async fn scenario_runs(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&fresh(backend, dir.path()).await)
        .await
        .unwrap();
    let r1 = store
        .record_run(
            &new_run(
                1,
                vec![
                    finding("R1", "a", "pass", "OPS-06"),
                    finding("R1", "b", "fail", "OPS-06"),
                    finding("R2", "a", "pass", "CRY-03"),
                ],
            ),
            &stamp(1),
        )
        .await
        .unwrap();
    let r2 = store
        .record_run(
            &new_run(
                2,
                vec![
                    finding("R1", "a", "pass", "OPS-06"),
                    finding("R1", "b", "fail", "OPS-06"),
                    finding("R2", "a", "pass", "CRY-03"),
                ],
            ),
            &stamp(2),
        )
        .await
        .unwrap();
    let mut third = new_run(
        3,
        vec![
            finding("R1", "a", "fail", "OPS-06"),
            finding("R2", "a", "pass", "CRY-03"),
            finding("R2", "c", "fail", "CRY-03"),
        ],
    );
    third.settings = RunSettings {
        parameters: [(
            "R1".to_owned(),
            [("min_days".to_owned(), serde_json::json!(400))].into(),
        )]
        .into(),
        account_baseline: vec!["aws".into()],
    };
    third.source = Some(RunSource {
        tool: "checkov".into(),
        version: Some("3.2.0".into()),
    });
    let r3 = store.record_run(&third, &stamp(3)).await.unwrap();
    assert_eq!((r1, r2, r3), (1, 2, 3));
    let runs = store.runs().await.unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0].changed, 3, "first run: every finding appears");
    assert_eq!(runs[1].changed, 0, "unchanged run stores no finding rows");
    assert_eq!(
        runs[2].changed,
        3,
        "R1/a changed, R1/b gone, R2/c new: {:?}",
        store.run_changes(3).await.unwrap()
    );
    assert_eq!((runs[2].passed, runs[2].failed), (1, 2));
    assert!(runs[0].settings.is_default());
    assert_eq!(
        runs[2].settings, third.settings,
        "settings come back as recorded"
    );
    assert_eq!(runs[0].source, None, "a scan of Testat's own has no source");
    assert_eq!(
        runs[2].source, third.source,
        "the importing tool comes back"
    );
    assert_eq!(store.rule_ids().await.unwrap(), ["R1", "R2"]);
    assert_eq!(store.run_inputs(1).await.unwrap()[0].path, "plan.json");
    let criteria = store.run_criteria(3).await.unwrap();
    assert_eq!(criteria.len(), 2);
    assert_eq!(
        (criteria[0].criterion.as_str(), criteria[0].failed),
        ("CRY-03", 1)
    );

    let at2: Vec<_> = store
        .findings_at(2)
        .await
        .unwrap()
        .into_iter()
        .map(|f| format!("{} {} {}", f.rule, f.address, f.outcome))
        .collect();
    assert_eq!(at2, ["R1 a pass", "R1 b fail", "R2 a pass"]);
    let diff: Vec<_> = store
        .diff_runs(1, 3)
        .await
        .unwrap()
        .into_iter()
        .map(|c| format!("{} {} {:?} {:?}", c.rule, c.address, c.old, c.new))
        .collect();
    assert_eq!(
        diff,
        [
            "R1 a Some(\"pass\") Some(\"fail\")",
            "R1 b Some(\"fail\") None",
            "R2 c None Some(\"fail\")"
        ]
    );
    assert!(store.diff_runs(1, 2).await.unwrap().is_empty());

    let failed = store.failed_criteria(at(0), at(3)).await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(
        (failed[0].criterion.as_str(), failed[0].failed_runs),
        ("OPS-06", 2)
    );
    let failed = store.failed_criteria(at(3), at(4)).await.unwrap();
    let names: Vec<_> = failed.iter().map(|f| f.criterion.as_str()).collect();
    assert_eq!(names, ["CRY-03", "OPS-06"]);

    assert!(matches!(
        store.run(9).await,
        Err(StoreError::Missing { .. })
    ));
    let report = store.verify().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.events, 3);
}

async fn scenario_evidence(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&fresh(backend, dir.path()).await)
        .await
        .unwrap();
    let file = dir.path().join("policy.pdf");
    std::fs::write(&file, b"%PDF policy").unwrap();
    let new = NewEvidence {
        file: Some(file.clone()),
        criteria: vec!["OPS-06".into(), "OIS-01".into()],
        effective: NaiveDate::from_ymd_opt(2026, 1, 1),
        valid_until: NaiveDate::from_ymd_opt(2026, 12, 31),
        note: Some("signed".into()),
        ..NewEvidence::default()
    };
    let a = store.add_evidence(&new, &stamp(1)).await.unwrap();
    let b = store.add_evidence(&new, &stamp(2)).await.unwrap();
    let note = store
        .add_evidence(
            &NewEvidence {
                note: Some("walkthrough with the CISO".into()),
                criteria: vec!["OIS-01".into()],
                ..NewEvidence::default()
            },
            &stamp(3),
        )
        .await
        .unwrap();
    let shown = store.evidence_by_id(a).await.unwrap();
    assert_eq!(shown.name.as_deref(), Some("policy.pdf"));
    assert_eq!(shown.media_type.as_deref(), Some("application/pdf"));
    assert_eq!(shown.size, Some(11));
    assert_eq!(shown.criteria, ["OIS-01", "OPS-06"]);
    assert_eq!(
        shown.effective.map(|d| d.to_string()).as_deref(),
        Some("2026-01-01")
    );
    assert_eq!(
        store.evidence_by_id(b).await.unwrap().sha256,
        shown.sha256,
        "deduplicated"
    );
    let objects: Vec<_> = walk(&dir.path().join("evidence/objects"));
    match backend {
        // A SQLite store keeps files in its folder; a shared database keeps them itself,
        // so that every server instance and every user sees them.
        Backend::Sqlite => assert_eq!(objects.len(), 1, "one blob for two adds: {objects:?}"),
        Backend::Postgres(_) => {
            assert!(objects.is_empty(), "no files on disk: {objects:?}");
            let in_db: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT sha256 FROM blob_chunks")
                .fetch_all(
                    &mut sqlx::AnyConnection::connect(&current_url(dir.path(), &store))
                        .await
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(in_db.len(), 1, "one blob for two adds");
        }
    }
    assert_eq!(store.evidence(Some("OPS-06")).await.unwrap().len(), 2);
    assert_eq!(
        store.evidence_by_id(note).await.unwrap().kind.as_str(),
        "note"
    );

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let exported = store.export_evidence(a, &out).await.unwrap();
    assert_eq!(std::fs::read(&exported).unwrap(), b"%PDF policy");
    let again = store.export_evidence(a, &out).await.unwrap_err();
    assert!(
        again.to_string().contains("refuses to overwrite"),
        "{again}"
    );
    assert!(store.export_evidence(note, &out).await.is_err());

    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 64]).unwrap();
    let mut location = fresh_same(&store, dir.path());
    location.max_evidence_size = 10;
    let small = Store::open(&location).await.unwrap();
    let err = small
        .add_evidence(
            &NewEvidence {
                file: Some(big),
                criteria: vec!["OPS-06".into()],
                ..NewEvidence::default()
            },
            &stamp(4),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("size limit"), "{err}");

    let report = store.verify().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.files, 1);
}

fn fresh_same(store: &Store, dir: &Path) -> Location {
    let _ = store;
    let mut location = Location::sqlite(&dir.join("store.db"), Some(dir.join("evidence")));
    location.database_url = current_url(dir, store);
    location
}

fn current_url(dir: &Path, store: &Store) -> String {
    if store.url().starts_with("postgres") {
        // Re-derive the full URL (with password) from the environment.
        let admin = std::env::var("TESTAT_TEST_POSTGRES_URL").unwrap();
        let base = admin.rsplit_once('/').unwrap().0.to_owned();
        let name = store.url().rsplit_once('/').unwrap().1.to_owned();
        format!("{base}/{name}")
    } else {
        Location::sqlite(&dir.join("store.db"), None).database_url
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

async fn scenario_attest_and_exceptions(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&fresh(backend, dir.path()).await)
        .await
        .unwrap();
    for (hour, status) in [(1, AttestStatus::Planned), (2, AttestStatus::Implemented)] {
        store
            .attest(
                &NewAttestation {
                    criterion: "OIS-01".into(),
                    status,
                    statement: format!("state at {hour}"),
                    owner: "CISO".into(),
                    next_review: NaiveDate::from_ymd_opt(2027, 1, 1),
                },
                &stamp(hour),
            )
            .await
            .unwrap();
    }
    let history = store.attestations(Some("OIS-01")).await.unwrap();
    assert_eq!(history.len(), 2, "history kept");
    assert_eq!(history[0].status.as_str(), "planned");
    assert_eq!(history[1].status.as_str(), "implemented");
    assert!(store.attestations(Some("OPS-06")).await.unwrap().is_empty());

    let exception = testat_store::Exception {
        rule: "AWS-*".into(),
        resource: "aws_s3_bucket.logs".into(),
        justification: "migration".into(),
        approved_by: "CISO".into(),
        risk_owner: Some("Head of Platform".into()),
        expires: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    store.add_exception(&exception, &stamp(3)).await.unwrap();
    let stored = store.exceptions().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].exception, exception);
    let report = store.verify().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.objects, 3);
}

/// Alters the database behind the store's back and checks that verify names it.
async fn scenario_tampering(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let location = fresh(backend, dir.path()).await;
    let store = Store::open(&location).await.unwrap();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, b"evidence").unwrap();
    let id = store
        .add_evidence(
            &NewEvidence {
                file: Some(file),
                criteria: vec!["OPS-06".into()],
                ..NewEvidence::default()
            },
            &stamp(1),
        )
        .await
        .unwrap();
    for hour in 2..5 {
        store
            .record_run(
                &new_run(
                    hour,
                    vec![finding(
                        "R1",
                        "a",
                        if hour == 3 { "fail" } else { "pass" },
                        "OPS-06",
                    )],
                ),
                &stamp(hour),
            )
            .await
            .unwrap();
    }
    assert!(store.verify().await.unwrap().ok());
    let mut conn = sqlx::AnyConnection::connect(&location.database_url)
        .await
        .unwrap();
    let places = |r: testat_store::VerifyReport| -> Vec<String> {
        r.problems
            .iter()
            .map(|p| format!("{}: {}", p.place, p.message))
            .collect()
    };

    // An attestation-free edit of a recorded run.
    conn.execute("UPDATE runs SET failed = 0 WHERE id = 2")
        .await
        .unwrap();
    let found = places(store.verify().await.unwrap());
    assert_eq!(
        found,
        ["run 2: altered: differs from what audit event 3 recorded"]
    );
    conn.execute("UPDATE runs SET failed = 1 WHERE id = 2")
        .await
        .unwrap();
    assert!(store.verify().await.unwrap().ok());

    // A threshold changed after the fact.
    conn.execute("UPDATE runs SET settings = '{\"account_baseline\":[\"aws\"]}' WHERE id = 2")
        .await
        .unwrap();
    let found = places(store.verify().await.unwrap());
    assert_eq!(
        found,
        ["run 2: altered: differs from what audit event 3 recorded"]
    );
    conn.execute("UPDATE runs SET settings = '{}' WHERE id = 2")
        .await
        .unwrap();
    assert!(store.verify().await.unwrap().ok());

    // A scan claimed, after the fact, to be another tool's import.
    conn.execute("UPDATE runs SET source_tool = 'prowler' WHERE id = 2")
        .await
        .unwrap();
    let found = places(store.verify().await.unwrap());
    assert_eq!(
        found,
        ["run 2: altered: differs from what audit event 3 recorded"]
    );
    conn.execute("UPDATE runs SET source_tool = NULL WHERE id = 2")
        .await
        .unwrap();
    assert!(store.verify().await.unwrap().ok());

    // A finding rewritten in history.
    conn.execute("UPDATE finding_changes SET new_outcome = 'pass' WHERE run_id = 2")
        .await
        .unwrap();
    let found = places(store.verify().await.unwrap());
    assert!(
        found.contains(&"run 2: altered: differs from what audit event 3 recorded".to_owned()),
        "{found:?}"
    );
    conn.execute("UPDATE finding_changes SET new_outcome = 'fail' WHERE run_id = 2")
        .await
        .unwrap();

    // An event altered, then removed.
    conn.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
        .await
        .unwrap();
    let found = places(store.verify().await.unwrap());
    assert_eq!(
        found,
        ["audit event 2: altered: its hash does not match its fields"]
    );
    conn.execute("UPDATE audit_events SET actor = 'tester' WHERE seq = 2")
        .await
        .unwrap();
    conn.execute("DELETE FROM audit_events WHERE seq = 3")
        .await
        .unwrap();
    let found = places(store.verify().await.unwrap());
    assert!(
        found.contains(&"audit event 3: missing: removed from the log".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"run 2: added: no audit event records it".to_owned()),
        "{found:?}"
    );

    // Evidence removed from the database.
    let dir2 = tempfile::tempdir().unwrap();
    let location2 = fresh(backend, dir2.path()).await;
    let store2 = Store::open(&location2).await.unwrap();
    let f2 = dir2.path().join("b.txt");
    std::fs::write(&f2, b"more").unwrap();
    let e2 = store2
        .add_evidence(
            &NewEvidence {
                file: Some(f2),
                criteria: vec!["OPS-06".into()],
                ..NewEvidence::default()
            },
            &stamp(1),
        )
        .await
        .unwrap();
    let mut conn2 = sqlx::AnyConnection::connect(&location2.database_url)
        .await
        .unwrap();
    conn2
        .execute("UPDATE evidence SET valid_until = '2099-01-01'")
        .await
        .unwrap();
    assert_eq!(
        places(store2.verify().await.unwrap()),
        [format!(
            "evidence {e2}: altered: differs from what audit event 1 recorded"
        )]
    );
    conn2.execute("DELETE FROM evidence").await.unwrap();
    let found = places(store2.verify().await.unwrap());
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&format!("evidence {e2}: removed"))),
        "{found:?}"
    );

    // Files: altered, removed, added (on disk for SQLite, in the database for
    // PostgreSQL).
    if let Backend::Postgres(_) = backend {
        let mut conn = sqlx::AnyConnection::connect(&current_url(dir.path(), &store))
            .await
            .unwrap();
        conn.execute("UPDATE blob_chunks SET data = data || data")
            .await
            .unwrap();
        let found = places(store.verify().await.unwrap());
        assert!(
            found
                .iter()
                .any(|p| p.contains("altered: its content does not hash")),
            "{found:?}"
        );
        conn.execute("DELETE FROM blob_chunks").await.unwrap();
        let found = places(store.verify().await.unwrap());
        assert!(
            found
                .iter()
                .any(|p| p.ends_with("removed: the file is missing")),
            "{found:?}"
        );
        conn.execute("INSERT INTO blob_chunks (sha256, seq, data) VALUES ('stray', 0, '')")
            .await
            .unwrap();
        let found = places(store.verify().await.unwrap());
        assert!(
            found
                .iter()
                .any(|p| p.contains("stray: added: no evidence or document refers")),
            "{found:?}"
        );
        let _ = id;
        return;
    }
    let blob = walk(&dir.path().join("evidence/objects")).pop().unwrap();
    std::fs::write(&blob, b"forged").unwrap();
    let found = places(store.verify().await.unwrap());
    assert!(
        found.iter().any(|p| p.contains("altered: its SHA-256 is")),
        "{found:?}"
    );
    std::fs::remove_file(&blob).unwrap();
    let found = places(store.verify().await.unwrap());
    assert!(
        found
            .iter()
            .any(|p| p.ends_with("removed: the file is missing")),
        "{found:?}"
    );
    let stray = dir.path().join("evidence/objects/00/stray");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, b"x").unwrap();
    let found = places(store.verify().await.unwrap());
    assert!(
        found
            .iter()
            .any(|p| p.contains("stray: added: no evidence refers")),
        "{found:?}"
    );
    let _ = id;
}

async fn scenario_migrations(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let location = fresh(backend, dir.path()).await;
    let old = Store::open_to(&location, 1).await.unwrap();
    assert_eq!(old.schema_version().await.unwrap(), 1);
    old.close().await;
    let store = Store::open(&location).await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        testat_store::SCHEMA_VERSION,
        "migrated forward"
    );
    let mut conn = sqlx::AnyConnection::connect(&location.database_url)
        .await
        .unwrap();
    conn.execute("INSERT INTO schema_version (version, name, applied_at, tool_version) VALUES (99, 'future', 0, '9.9.9')")
        .await
        .unwrap();
    let err = Store::open(&location).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer Testat"), "{err}");
}

macro_rules! suite {
    ($($name:ident),*) => {
        $(
            #[tokio::test]
            async fn $name() {
                super::$name(&super::Backend::Sqlite).await;
            }
        )*

        /// The whole suite on PostgreSQL.
        #[tokio::test]
        async fn postgres_suite() {
            let Some(url) = testat_test_support::postgres_admin_url("PostgreSQL suite") else {
                return;
            };
            let backend = super::Backend::Postgres(url);
            $( super::$name(&backend).await; )*
        }
    };
}

mod sqlite {
    suite!(
        scenario_runs,
        scenario_evidence,
        scenario_attest_and_exceptions,
        scenario_tampering,
        scenario_migrations
    );
}

#[tokio::test]
async fn sqlite_writer_gets_store_busy_while_another_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let mut location = Location::sqlite(&dir.path().join("store.db"), None);
    let store = Store::open(&location).await.unwrap();
    location.busy_timeout_ms = 200;
    let other = Store::open(&location).await.unwrap();
    // Hold the write lock with a raw connection.
    let mut conn = sqlx::AnyConnection::connect(&location.database_url)
        .await
        .unwrap();
    conn.execute("BEGIN IMMEDIATE").await.unwrap();
    let started = std::time::Instant::now();
    let err = other
        .record_run(&new_run(1, vec![]), &stamp(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Busy {
                timeout_ms: 200,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().starts_with("store busy"), "{err}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
    conn.execute("ROLLBACK").await.unwrap();
    store
        .record_run(&new_run(1, vec![]), &stamp(1))
        .await
        .unwrap();
    assert!(store.verify().await.unwrap().ok());
}

/// A commit does not wait for SQLite's checkpoint, but the checkpoint follows it: the
/// database file alone (without its write-ahead log) soon holds the write, while the
/// store is still open. A small write never reaches the 1,000 pages at which SQLite
/// would checkpoint by itself, so only the background checkpoint can put it there. The
/// last write comes while an earlier one's checkpoint may still run, and must not be
/// left behind by it.
#[tokio::test]
async fn sqlite_checkpoints_after_a_write_while_the_store_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::sqlite(&dir.path().join("store.db"), None);
    let store = Store::open(&location).await.unwrap();
    for hour in 1..=2 {
        let run = new_run(hour, vec![finding("R1", "a", "pass", "OPS-01")]);
        store.record_run(&run, &stamp(hour)).await.unwrap();
    }
    let run = new_run(3, vec![finding("R1", "a", "fail", "OPS-01")]);
    let id = store.record_run(&run, &stamp(3)).await.unwrap();
    let copy = dir.path().join("copy.db");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        std::fs::copy(dir.path().join("store.db"), &copy).unwrap();
        let mut conn = sqlx::AnyConnection::connect(&format!("sqlite:{}", copy.display()))
            .await
            .unwrap();
        let runs: Option<(i64,)> = sqlx::query_as("SELECT COUNT(*) FROM runs WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut conn)
            .await
            .unwrap_or(None);
        conn.close().await.unwrap();
        if runs == Some((1,)) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the run never reached the database file"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(store.run(id).await.unwrap().failed, 1);
    store.close().await;
}

/// Size and speed probe: `TESTAT_BENCH_RUNS` hourly runs (default 200) of 10,000
/// resources x 3 rules, 0.5% of findings flipping per run. Prints DB size, time per
/// run and time of the period query. `cargo test --release -p testat-store -- --ignored bench --nocapture`.
#[tokio::test]
#[ignore = "benchmark; run explicitly"]
async fn bench_hourly_runs() {
    let runs: u32 = std::env::var("TESTAT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::sqlite(&dir.path().join("store.db"), None))
        .await
        .unwrap();
    let base = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let criteria = ["OPS-06", "CRY-03", "IAM-02"];
    let mut state: Vec<bool> = (0..30_000).map(|i| i % 17 != 0).collect();
    let mut seed: u64 = 42;
    let mut total = std::time::Duration::ZERO;
    let mut last = std::time::Duration::ZERO;
    for n in 0..runs {
        for _ in 0..150 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = usize::try_from(seed >> 33).unwrap() % state.len();
            state[i] = !state[i];
        }
        let findings = state
            .iter()
            .enumerate()
            .map(|(i, pass)| RunFinding {
                rule: format!("RULE-{}", i % 3),
                address: format!("aws_s3_bucket.bucket_{}", i / 3),
                outcome: if *pass { "pass" } else { "fail" }.into(),
                criteria: vec![criteria[i % 3].into()],
            })
            .collect();
        let t = base + chrono::Duration::hours(i64::from(n));
        let mut run = new_run(0, findings);
        run.started_at = t;
        run.finished_at = t;
        let started = std::time::Instant::now();
        store
            .record_run(
                &run,
                &Stamp {
                    actor: "bench".into(),
                    at: t,
                },
            )
            .await
            .unwrap();
        last = started.elapsed();
        total += last;
        if (n + 1) % 500 == 0 {
            println!(
                "progress: {} runs, {:.1} ms per run so far, last {:.1} ms",
                n + 1,
                total.as_secs_f64() * 1e3 / f64::from(n + 1),
                last.as_secs_f64() * 1e3
            );
        }
    }
    let started = std::time::Instant::now();
    let failed = store
        .failed_criteria(base, base + chrono::Duration::days(366))
        .await
        .unwrap();
    let query = started.elapsed();
    store.close().await;
    let size: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    println!(
        "{runs} runs x 30,000 findings: {:.1} MB on disk, {:.1} ms per run (last {:.1} ms), period query {:.1} ms ({} criteria)",
        size as f64 / 1e6,
        total.as_secs_f64() * 1e3 / f64::from(runs),
        last.as_secs_f64() * 1e3,
        query.as_secs_f64() * 1e3,
        failed.len()
    );
    assert_eq!(failed.len(), 3);
}
