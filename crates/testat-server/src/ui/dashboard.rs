//! `GET /`: the status of the criteria by domain (the chart and the table), the totals,
//! and what needs attention for the roles that may see it: recent runs, exceptions
//! about to expire, deadlines in the register.

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use minijinja::context;
use serde::Serialize;

use super::chart::{STATUSES, status_chart};
use super::data;
use super::page::{PageResult, abilities, page, v};
use crate::auth::{Capability, Principal};
use crate::routes::{Endpoint, needs};
use crate::state::AppState;

pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/",
        needs(Capability::ReadStatus),
        get(dashboard),
    )]
}

#[derive(Serialize)]
struct Total {
    key: &'static str,
    label: &'static str,
    count: usize,
}

/// How many recent runs the dashboard lists.
const RECENT_RUNS: usize = 5;
/// Exceptions expiring within this many days are listed.
const EXPIRING_DAYS: i64 = 30;
/// The register's deadlines within this many days are listed.
const DUE_DAYS: i64 = 14;

async fn dashboard(State(state): State<AppState>, principal: Principal) -> PageResult {
    let status = data::status(&state).await?;
    let (domains, all) = status.by_domain(&state);
    let totals: Vec<Total> = STATUSES
        .iter()
        .zip(all)
        .map(|(&(key, label), count)| Total { key, label, count })
        .collect();
    let chart = status_chart(&domains);
    let store = state.store();
    let today = state.project().clock().today();
    let (mut runs, mut expiring) = (Vec::new(), Vec::new());
    if principal.may(Capability::ReadRecords) {
        runs = store.runs().await?;
        runs.reverse();
        runs.truncate(RECENT_RUNS);
        expiring = store
            .exceptions()
            .await?
            .into_iter()
            .filter(|e| {
                e.revoked.is_none()
                    && e.exception.is_active(today)
                    && (e.exception.expires - today).num_days() <= EXPIRING_DAYS
            })
            .collect();
    }
    let due = if principal.may(Capability::ReadRegister) {
        state.project().inquiries_due(store, DUE_DAYS).await?
    } else {
        Vec::new()
    };
    page(
        &principal,
        "dashboard.html",
        "dashboard",
        "Dashboard",
        context! {
            catalog => &state.project().catalog().name,
            as_of => status.as_of,
            totals => v(totals),
            total => status.criteria.len(),
            domains => v(domains),
            chart => v(chart),
            statuses => STATUSES.map(|(key, label)| context! { key, label }),
            runs => v(runs),
            expiring => v(expiring),
            expiring_days => EXPIRING_DAYS,
            due => v(due),
            due_days => DUE_DAYS,
            can => abilities(&principal),
        },
    )
}
