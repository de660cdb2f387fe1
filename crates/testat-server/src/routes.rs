//! The route table: every route with the access it needs. The router is built from
//! this table, so no handler exists without an access entry; [`crate::auth::authorize`]
//! checks each request against it.

use std::collections::{BTreeMap, HashMap};

use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;

use crate::auth::Capability;
use crate::state::AppState;

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health, sign-in, the public trust page).
    Public,
    /// A principal whose role has this capability.
    Needs(Capability),
}

/// One route: method, path (axum syntax, `{id}` for parameters), access, handler.
pub struct Endpoint {
    /// The method.
    pub method: Method,
    /// The path.
    pub path: &'static str,
    /// What it needs.
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl Endpoint {
    /// A route answering `method` on `path`.
    pub fn new(
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            access,
            handler,
        }
    }
}

/// A route needing `capability`.
pub fn needs(capability: Capability) -> Access {
    Access::Needs(capability)
}

/// Every route of the server.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(crate::api::endpoints());
    all.extend(crate::ui::endpoints());
    all.extend(crate::trust::endpoints());
    all
}

/// The table of (method, path) → access, as [`crate::auth::authorize`] reads it.
pub fn table(endpoints: &[Endpoint]) -> HashMap<(Method, String), Access> {
    endpoints
        .iter()
        .map(|e| ((e.method.clone(), e.path.to_owned()), e.access))
        .collect()
}

/// The router of `endpoints` (routes of one path merged).
pub fn router(endpoints: Vec<Endpoint>) -> Router<AppState> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for e in endpoints {
        let merged = match by_path.remove(e.path) {
            Some(existing) => existing.merge(e.handler),
            None => e.handler,
        };
        by_path.insert(e.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
}

/// The access of `method` on the route template `path`, from the state's table.
pub(crate) fn access_of(state: &AppState, method: &Method, path: &str) -> Option<Access> {
    // HEAD is answered by GET handlers.
    let method = if *method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    state.access(method, path)
}
