//! Testat's team server: the HTTP API, the web UI and the public trust page, over the
//! same application layer (`testat-project`) the command line uses.
//!
//! - [`app`] builds the router (in-process tests drive it with `tower::ServiceExt`).
//! - [`serve`] listens (loopback by default) until the shutdown future completes,
//!   finishing requests in flight.
//! - Every route is in one table ([`routes`]) with the access it needs; [`auth`]
//!   checks each request against it before a handler runs.
//! - State that matters across processes lives in the database: sessions, tokens,
//!   failed sign-ins, uploads, published snapshots; caches are keyed by the head of the
//!   audit chain, so a write through another instance invalidates them.

pub mod api;
pub mod auth;
pub mod error;
pub mod openapi;
pub mod routes;
pub mod security;
pub mod state;
pub mod trust;
pub mod ui;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use testat_project::Project;
use testat_store::Store;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, ApiResult};
pub use state::{AppState, ServerConfig};

/// The whole application: routes, access checks, body limit, security headers, logs.
pub fn app(project: Project, store: Store, config: ServerConfig) -> Router {
    let endpoints = routes::endpoints();
    let table = routes::table(&endpoints);
    let limit = config.max_body_bytes;
    let state = AppState::new(project, store, config, table);
    routes::router(endpoints)
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::limit_body,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Serves the application on `config.addr` until `shutdown` completes.
pub async fn serve(
    project: Project,
    store: Store,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, store = store.url(), "testat server listening");
    let app = app(project, store, config);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
