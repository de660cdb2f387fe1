//! What every handler shares: the project (settings, catalogue, clock), the store, the
//! server's configuration, the route table and caches keyed by the audit head.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use chrono::{DateTime, Utc};
use testat_project::Project;
use testat_store::{Stamp, Store};

use crate::auth::Principal;
use crate::routes::Access;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Largest request body accepted (uploads of evidence and scan results), in bytes.
    pub max_body_bytes: usize,
    /// Trust `X-Forwarded-Proto` and `X-Forwarded-For` from a reverse proxy (cookies
    /// become Secure when the proxy says the client used HTTPS).
    pub behind_proxy: bool,
    /// How long a browser session lasts, in hours.
    pub session_hours: i64,
    /// Failed sign-ins per account, and per address, within the window before sign-in
    /// is refused.
    pub login_limit: (i64, i64),
    /// The window of the sign-in limit, in minutes.
    pub login_window_minutes: i64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 64 * 1024 * 1024,
            behind_proxy: false,
            session_hours: 12,
            login_limit: (5, 20),
            login_window_minutes: 15,
        }
    }
}

/// The shared state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    project: Project,
    store: Store,
    config: ServerConfig,
    routes: HashMap<(Method, String), Access>,
    cache: Mutex<HashMap<&'static str, (String, Arc<serde_json::Value>)>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.inner.store.url())
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub(crate) fn new(
        project: Project,
        store: Store,
        config: ServerConfig,
        routes: HashMap<(Method, String), Access>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                project,
                store,
                config,
                routes,
                cache: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The project.
    pub fn project(&self) -> &Project {
        &self.inner.project
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Now, by the project's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.project.clock().now()
    }

    /// The stamp of a change made by `principal` now.
    pub fn stamp(&self, principal: &Principal) -> Stamp {
        Stamp {
            actor: principal.actor(),
            at: self.now(),
        }
    }

    pub(crate) fn access(&self, method: &Method, path: &str) -> Option<Access> {
        self.inner
            .routes
            .get(&(method.clone(), path.to_owned()))
            .copied()
    }

    /// The value cached under `name` for `key`, or `make`'s, cached. Keys include the
    /// audit head, so a change made through any server instance (or the command line)
    /// on the same database invalidates the value everywhere.
    pub async fn cached<F, Fut>(
        &self,
        name: &'static str,
        key: String,
        make: F,
    ) -> Result<Arc<serde_json::Value>, crate::error::ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<serde_json::Value, crate::error::ApiError>>,
    {
        if let Ok(cache) = self.inner.cache.lock()
            && let Some((k, v)) = cache.get(name)
            && *k == key
        {
            return Ok(Arc::clone(v));
        }
        let value = Arc::new(make().await?);
        if let Ok(mut cache) = self.inner.cache.lock() {
            cache.insert(name, (key, Arc::clone(&value)));
        }
        Ok(value)
    }

    /// A cache key for values that depend on the store's content and the day.
    pub async fn content_key(&self) -> Result<String, crate::error::ApiError> {
        let (seq, hash) = self.store().audit_head().await?;
        Ok(format!(
            "{seq}:{hash}:{}",
            self.inner.project.clock().today()
        ))
    }
}
