//! A server on a fresh store, and requests as each role.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use testat_project::{Environment, Overrides, Project, Settings};
use testat_records::Role;
use testat_server::ServerConfig;
use testat_store::{Location, Stamp, Store};
use tower::ServiceExt;

/// The fixed "now" of the tests.
pub const NOW: &str = "2026-03-10T10:00:00Z";

/// A server over a fresh store, with a token for every role.
pub struct Server {
    pub app: Router,
    pub store: Store,
    pub tokens: Vec<(Role, String)>,
    pub _dir: tempfile::TempDir,
}

pub fn at(now: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(now)
        .unwrap()
        .with_timezone(&Utc)
}

/// The project of a test: settings of `dir`, clock fixed at `now`.
pub fn project(dir: &Path, now: &str) -> Project {
    let env = Environment {
        now: Some(now.to_owned()),
        ..Environment::default()
    };
    Project::new(Settings::resolve(dir, &Overrides::default(), &env).unwrap())
}

impl Server {
    /// A server over a SQLite store in a new folder.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Location::sqlite(&dir.path().join("store.db"), None))
            .await
            .unwrap();
        Self::over(store, dir, ServerConfig::default()).await
    }

    /// A server over `store` (with `config`), with a token per role.
    pub async fn over(store: Store, dir: tempfile::TempDir, config: ServerConfig) -> Self {
        let stamp = Stamp {
            actor: "setup".into(),
            at: at(NOW),
        };
        let mut tokens = Vec::new();
        for role in Role::ALL {
            let secret = format!("tt_test_{role}");
            store
                .add_token(
                    &format!("{role}-token"),
                    role,
                    &testat_server::auth::Secret::hash(&secret),
                    at("2026-04-01T00:00:00Z"),
                    &stamp,
                )
                .await
                .unwrap();
            tokens.push((role, secret));
        }
        let app = testat_server::app(project(dir.path(), NOW), store.clone(), config);
        Self {
            app,
            store,
            tokens,
            _dir: dir,
        }
    }

    pub fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).unwrap().1
    }

    /// Sends `request` and returns the status, headers and body.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `method path` as `role` (or nobody), with an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        role: Option<Role>,
        json: Option<serde_json::Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(role) = role {
            request = request.header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.token(role)),
            );
        }
        let body = match json {
            Some(j) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&j).unwrap())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }
}

/// A response.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}
