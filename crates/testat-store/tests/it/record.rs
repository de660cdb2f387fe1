//! Recording runs against a reference: random sequences of runs (findings that appear,
//! disappear, change outcome, addresses listed twice, scopes that share keys, estates
//! that grow and shrink, runs where almost everything changes, a store upgraded from
//! before schema 6) must give exactly what the straightforward algorithm gives: the same
//! `finding_changes`, `current_findings`, run counts and criterion counts. On SQLite
//! always, and on PostgreSQL when `TESTAT_TEST_POSTGRES_URL` is set (with CI=true a
//! missing URL fails instead of skipping).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::{Connection, Executor};
use testat_store::{Location, NewRun, RunFinding, RunInput, Stamp, Store};

const OUTCOMES: [&str; 5] = ["pass", "fail", "excepted", "unknown", "error"];
const RULES: [&str; 4] = ["R-A", "R-B", "R-C", "R-D"];

/// splitmix64: a small seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The criteria a rule serves (R-D serves none).
fn criteria(rule: &str) -> Vec<String> {
    match rule {
        "R-A" => vec!["OPS-06".into()],
        "R-B" => vec!["OPS-06".into(), "CRY-03".into()],
        "R-C" => vec!["IAM-02".into()],
        _ => Vec::new(),
    }
}

fn at(n: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(n as i64)
}

fn new_run(scope: &str, n: usize, findings: Vec<RunFinding>) -> NewRun {
    NewRun {
        scope: scope.into(),
        started_at: at(n),
        finished_at: at(n),
        tool_version: "0.1.0".into(),
        catalog_version: "2020".into(),
        ruleset_sha256: "ab".repeat(32),
        rule_count: 4,
        resource_count: 1,
        inputs: vec![RunInput {
            path: "plan.json".into(),
            kind: "terraform-plan".into(),
            sha256: "cd".repeat(32),
            size: 1,
        }],
        findings,
        settings: Default::default(),
        source: None,
    }
}

/// What the reference expects of one run.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    changes: Vec<(String, String, Option<String>, Option<String>)>,
    counts: [i64; 4],
    criteria: BTreeMap<String, [i64; 4]>,
}

fn slot(outcome: &str) -> usize {
    match outcome {
        "pass" => 0,
        "fail" => 1,
        "excepted" => 2,
        _ => 3,
    }
}

fn rank(outcome: &str) -> u8 {
    match outcome {
        "fail" => 4,
        "error" => 3,
        "unknown" => 2,
        "excepted" => 1,
        _ => 0,
    }
}

/// A scope's current findings: (rule, address) → (outcome, since run).
type Current = BTreeMap<(String, String), (String, i64)>;

/// The straightforward algorithm, as `record_run` worked before fingerprints: one
/// outcome per (rule, address), the worst (the first of them when several are as
/// bad), compared with the scope's whole state.
#[derive(Default)]
struct Reference {
    /// Per scope.
    current: HashMap<String, Current>,
}

impl Reference {
    fn record(&mut self, id: i64, run: &NewRun) -> Expected {
        let mut findings: HashMap<(&str, &str), &RunFinding> = HashMap::new();
        for f in &run.findings {
            findings
                .entry((f.rule.as_str(), f.address.as_str()))
                .and_modify(|old| {
                    if rank(&f.outcome) > rank(&old.outcome) {
                        *old = f;
                    }
                })
                .or_insert(f);
        }
        let mut counts = [0; 4];
        let mut by_criterion: BTreeMap<String, [i64; 4]> = BTreeMap::new();
        for f in findings.values() {
            counts[slot(&f.outcome)] += 1;
            for c in &f.criteria {
                by_criterion.entry(c.clone()).or_default()[slot(&f.outcome)] += 1;
            }
        }
        let current = self.current.entry(run.scope.clone()).or_default();
        let mut before = std::mem::take(current);
        let mut changes = Vec::new();
        for ((rule, address), f) in &findings {
            let key = ((*rule).to_owned(), (*address).to_owned());
            match before.remove(&key) {
                Some((outcome, since)) if outcome == f.outcome => {
                    current.insert(key, (outcome, since));
                }
                old => {
                    changes.push((
                        key.0.clone(),
                        key.1.clone(),
                        old.map(|o| o.0),
                        Some(f.outcome.clone()),
                    ));
                    current.insert(key, (f.outcome.clone(), id));
                }
            }
        }
        for ((rule, address), (outcome, _)) in before {
            changes.push((rule, address, Some(outcome), None));
        }
        changes.sort();
        Expected {
            changes,
            counts,
            criteria: by_criterion,
        }
    }
}

/// A generator of run sequences over a universe of addresses.
struct Estate {
    /// The findings of the last run per scope, as (rule, address index, outcome).
    last: HashMap<String, Vec<(usize, usize, usize)>>,
    rng: Rng,
}

impl Estate {
    /// The next run of `scope`: `mode` picks how much changes.
    fn next(&mut self, scope: &str, mode: Mode) -> Vec<RunFinding> {
        let rng = &mut self.rng;
        let last = self.last.entry(scope.to_owned()).or_default();
        let mut next: Vec<(usize, usize, usize)> = Vec::new();
        match mode {
            Mode::Grow(n) => {
                next.clone_from(last);
                for _ in 0..n {
                    next.push((rng.below(RULES.len()), rng.below(5000), rng.below(5)));
                }
            }
            Mode::Shrink(keep) => {
                next = last.iter().copied().filter(|_| rng.chance(keep)).collect();
            }
            Mode::Churn(percent) => {
                for &(r, a, o) in last.iter() {
                    if !rng.chance(percent) {
                        next.push((r, a, o));
                        continue;
                    }
                    match rng.below(10) {
                        0..=5 => next.push((r, a, rng.below(5))),
                        6 | 7 => {} // disappears
                        _ => {
                            next.push((r, a, o));
                            next.push((rng.below(RULES.len()), rng.below(5000), rng.below(5)));
                        }
                    }
                }
            }
            Mode::Empty => {}
        }
        *last = next.clone();
        // Now and then an address twice, with another outcome.
        let mut findings: Vec<RunFinding> =
            next.iter().map(|&(r, a, o)| finding(r, a, o)).collect();
        let duplicates = rng.below(4);
        for _ in 0..duplicates {
            if findings.is_empty() {
                break;
            }
            let i = rng.below(findings.len());
            let mut twin = findings[i].clone();
            twin.outcome = OUTCOMES[rng.below(5)].into();
            let at = rng.below(findings.len() + 1);
            findings.insert(at, twin);
        }
        findings
    }
}

fn finding(rule: usize, address: usize, outcome: usize) -> RunFinding {
    let rule = RULES[rule];
    RunFinding {
        rule: rule.into(),
        // Some as `for_each` keys with what a JSON read-back has to escape.
        address: if address.is_multiple_of(5) {
            format!(
                "module.m{}.aws_s3_bucket.b[\"k{address} \\\"ü\\\\\t\"]",
                address % 7
            )
        } else {
            format!("module.m{}.aws_s3_bucket.b{address}", address % 7)
        },
        outcome: OUTCOMES[outcome].into(),
        criteria: criteria(rule),
    }
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Grow(usize),
    Shrink(usize),
    Churn(usize),
    Empty,
}

fn stamp(run: &NewRun) -> Stamp {
    Stamp {
        actor: "ci".into(),
        at: run.finished_at,
    }
}

enum Backend {
    Sqlite,
    Postgres(String),
}

async fn fresh(backend: &Backend, dir: &Path, name: &str) -> Location {
    match backend {
        Backend::Sqlite => Location::sqlite(&dir.join("store.db"), None),
        Backend::Postgres(admin) => {
            let db = format!("testat_rec_{}_{name}", std::process::id());
            let mut location = Location::sqlite(&dir.join("unused.db"), None);
            location.database_url = testat_test_support::fresh_postgres_database(admin, &db).await;
            location
        }
    }
}

/// The stored current findings of `scope`, as the reference holds them.
async fn stored_current(url: &str, scope: &str) -> Current {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT rule, address, outcome, since_run FROM current_findings WHERE scope = $1",
    )
    .bind(scope)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    rows.into_iter()
        .map(|(rule, address, outcome, since)| ((rule, address), (outcome, since)))
        .collect()
}

/// Turns the store into what a store left after the upgrade to schema 6: current
/// findings without key hashes, no fingerprints.
async fn forget_fingerprints(url: &str) {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    conn.execute("UPDATE current_findings SET key_hash = NULL")
        .await
        .unwrap();
    conn.execute("DELETE FROM finding_buckets").await.unwrap();
    conn.execute("DELETE FROM finding_scopes").await.unwrap();
    conn.close().await.unwrap();
}

/// Records `run` in the store and in the reference and compares everything.
async fn check(
    store: &Store,
    url: &str,
    reference: &mut Reference,
    run: &NewRun,
    step: &str,
) -> i64 {
    let id = store.record_run(run, &stamp(run)).await.unwrap();
    let expected = reference.record(id, run);
    let recorded = store.run(id).await.unwrap();
    assert_eq!(
        [
            recorded.passed,
            recorded.failed,
            recorded.excepted,
            recorded.other
        ],
        expected.counts,
        "{step}: counts of run {id}"
    );
    assert_eq!(
        recorded.changed,
        i64::try_from(expected.changes.len()).unwrap(),
        "{step}: changed of run {id}"
    );
    let changes: Vec<_> = store
        .run_changes(id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.rule, c.address, c.old, c.new))
        .collect();
    assert_eq!(changes, expected.changes, "{step}: changes of run {id}");
    let criteria: BTreeMap<String, [i64; 4]> = store
        .run_criteria(id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.criterion, [c.passed, c.failed, c.excepted, c.other]))
        .collect();
    assert_eq!(criteria, expected.criteria, "{step}: criteria of run {id}");
    let current = stored_current(url, &run.scope).await;
    assert_eq!(
        &current,
        reference.current.get(&run.scope).unwrap(),
        "{step}: current findings of scope {} after run {id}",
        run.scope
    );
    let at: BTreeMap<(String, String), String> = store
        .findings_at(id)
        .await
        .unwrap()
        .into_iter()
        .map(|f| ((f.rule, f.address), f.outcome))
        .collect();
    let want: BTreeMap<(String, String), String> = current
        .into_iter()
        .map(|(k, (outcome, _))| (k, outcome))
        .collect();
    assert_eq!(at, want, "{step}: findings_at({id})");
    id
}

/// Random sequences of runs on two scopes that share rules and addresses.
async fn scenario_random_sequences(backend: &Backend) {
    let plan: Vec<(&str, Mode)> = vec![
        ("a", Mode::Grow(300)),
        ("a", Mode::Churn(2)),
        ("b", Mode::Grow(40)),
        ("a", Mode::Churn(0)),
        ("a", Mode::Churn(5)),
        ("b", Mode::Churn(20)),
        ("a", Mode::Grow(900)), // more buckets
        ("a", Mode::Churn(1)),
        ("a", Mode::Churn(90)), // most buckets change
        ("b", Mode::Empty),
        ("a", Mode::Shrink(10)), // fewer buckets
        ("a", Mode::Churn(3)),
        ("b", Mode::Grow(25)),
        ("a", Mode::Empty),
        ("a", Mode::Grow(60)),
        ("b", Mode::Churn(10)),
        ("a", Mode::Churn(10)),
    ];
    for seed in 1..=4u64 {
        let dir = tempfile::tempdir().unwrap();
        let location = fresh(backend, dir.path(), &format!("seq{seed}")).await;
        let store = Store::open(&location).await.unwrap();
        let mut reference = Reference::default();
        let mut estate = Estate {
            last: HashMap::new(),
            rng: Rng(seed),
        };
        for (n, (scope, mode)) in plan.iter().enumerate() {
            let findings = estate.next(scope, *mode);
            let run = new_run(scope, n, findings);
            let step = format!("seed {seed}, step {n} ({scope}, {mode:?})");
            check(&store, &location.database_url, &mut reference, &run, &step).await;
            // Now and then the same run again: nothing changes.
            if estate.rng.chance(20) {
                let again =
                    check(&store, &location.database_url, &mut reference, &run, &step).await;
                assert_eq!(store.run(again).await.unwrap().changed, 0, "{step}");
            }
        }
        let report = store.verify().await.unwrap();
        assert!(report.ok(), "seed {seed}: {:?}", report.problems);
        store.close().await;
    }
}

/// A store upgraded from before schema 6: its scopes have current findings without key
/// hashes and no fingerprints; the next run of each rewrites them.
async fn scenario_upgraded_store(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let location = fresh(backend, dir.path(), "upgraded").await;
    let store = Store::open(&location).await.unwrap();
    let url = location.database_url.clone();
    let mut reference = Reference::default();
    let mut estate = Estate {
        last: HashMap::new(),
        rng: Rng(99),
    };
    let mut n = 0;
    for (scope, mode) in [
        ("a", Mode::Grow(400)),
        ("b", Mode::Grow(50)),
        ("a", Mode::Churn(3)),
    ] {
        let run = new_run(scope, n, estate.next(scope, mode));
        check(
            &store,
            &url,
            &mut reference,
            &run,
            &format!("before, step {n}"),
        )
        .await;
        n += 1;
    }
    forget_fingerprints(&url).await;
    for (scope, mode) in [
        ("a", Mode::Churn(3)),
        ("a", Mode::Churn(3)),
        ("b", Mode::Churn(0)),
        ("b", Mode::Churn(30)),
    ] {
        let run = new_run(scope, n, estate.next(scope, mode));
        check(
            &store,
            &url,
            &mut reference,
            &run,
            &format!("after, step {n}"),
        )
        .await;
        n += 1;
    }
    // since_run survives the rewrite: unchanged findings keep the run they changed in.
    let current = stored_current(&url, "a").await;
    assert!(
        current.values().any(|(_, since)| *since == 1),
        "{current:?}"
    );
    let report = store.verify().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    store.close().await;
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
            let Some(url) = testat_test_support::postgres_admin_url("PostgreSQL recording suite") else {
                return;
            };
            let backend = super::Backend::Postgres(url);
            $( super::$name(&backend).await; )*
        }
    };
}

mod sqlite {
    suite!(scenario_random_sequences, scenario_upgraded_store);
}
