//! Recorded runs: `GET /runs` (newest first), `GET /runs/{id}` (inputs, counts per
//! criterion, what changed, what failed), `GET /runs/{a}/diff/{b}` (the findings
//! whose outcome differs), and `GET /runs/diff?a=…&b=…` for the compare form.

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use minijinja::context;
use serde::Deserialize;

use super::page::{PageResult, PathArg, QueryArg, abilities, page, redirect, v};
use crate::auth::{Capability, Principal};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let read = needs(Capability::ReadRecords);
    vec![
        Endpoint::new(Method::GET, "/runs", read, get(list)),
        Endpoint::new(Method::GET, "/runs/diff", read, get(compare)),
        Endpoint::new(Method::GET, "/runs/{id}", read, get(show)),
        Endpoint::new(Method::GET, "/runs/{a}/diff/{b}", read, get(diff)),
    ]
}

/// How many rows of changes or failures a page lists (the rest are counted).
const ROWS: usize = 500;

async fn list(State(state): State<AppState>, principal: Principal) -> PageResult {
    let mut runs = state.store().runs().await?;
    // The previous run of the same scope, for the "changes" link.
    let mut previous = std::collections::HashMap::new();
    let mut rows = Vec::with_capacity(runs.len());
    for r in &runs {
        rows.push(context! {
            previous => previous.get(&r.scope).copied(),
            ..super::page::v(r)
        });
        previous.insert(r.scope.clone(), r.id);
    }
    rows.reverse();
    let latest = runs.pop().map(|r| r.id);
    page(
        &principal,
        "runs.html",
        "runs",
        "Runs",
        context! { runs => rows, latest, can => abilities(&principal) },
    )
}

#[derive(Debug, Deserialize)]
struct Compare {
    a: i64,
    b: i64,
}

async fn compare(QueryArg(c): QueryArg<Compare>) -> PageResult {
    Ok(redirect(&format!("/runs/{}/diff/{}", c.a, c.b)))
}

async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathArg(id): PathArg<i64>,
) -> PageResult {
    let store = state.store();
    let run = store.run(id).await?;
    let inputs = store.run_inputs(id).await?;
    let criteria = store.run_criteria(id).await?;
    let changes = store.run_changes(id).await?;
    let failing: Vec<_> = store
        .findings_at(id)
        .await?
        .into_iter()
        .filter(|f| f.outcome == "fail")
        .collect();
    page(
        &principal,
        "run.html",
        "runs",
        &format!("Run {id}"),
        context! {
            run => v(run),
            inputs => v(inputs),
            criteria => v(criteria),
            changes_count => changes.len(),
            changes => v(changes.iter().take(ROWS).collect::<Vec<_>>()),
            failing_count => failing.len(),
            failing => v(failing.iter().take(ROWS).collect::<Vec<_>>()),
            rows => ROWS,
        },
    )
}

async fn diff(
    State(state): State<AppState>,
    principal: Principal,
    PathArg((a, b)): PathArg<(i64, i64)>,
) -> PageResult {
    let store = state.store();
    let (run_a, run_b) = (store.run(a).await?, store.run(b).await?);
    let changes = store.diff_runs(a, b).await?;
    let (mut fixed, mut broke) = (0usize, 0usize);
    for c in &changes {
        match (c.old.as_deref(), c.new.as_deref()) {
            (Some("fail"), _) => fixed += 1,
            (_, Some("fail")) => broke += 1,
            _ => {}
        }
    }
    page(
        &principal,
        "diff.html",
        "runs",
        &format!("Run {a} against run {b}"),
        context! {
            a => v(run_a),
            b => v(run_b),
            count => changes.len(),
            changes => v(changes.iter().take(ROWS).collect::<Vec<_>>()),
            fixed,
            broke,
            rows => ROWS,
        },
    )
}
