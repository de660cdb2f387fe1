//! Where a store lives: the `.testat/` folder, its settings, and database URLs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::keys::KeyPair;
use crate::{Result, Stamp, Store, StoreError, audit};

/// The folder `testat init` creates in the current directory.
pub const STORE_DIR: &str = ".testat";
/// The settings file inside [`STORE_DIR`].
pub const CONFIG_FILE: &str = "config.toml";
/// How long a writer waits for the lock, by default (milliseconds).
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;
/// Largest evidence file accepted, by default (bytes): 256 MiB.
pub const DEFAULT_MAX_EVIDENCE_SIZE: u64 = 256 * 1024 * 1024;

const DATABASE_FILE: &str = "testat.db";
const EVIDENCE_DIR: &str = "evidence";
const KEYS_DIR: &str = "keys";

/// `.testat/config.toml`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    store: StoreConfig,
    #[serde(default)]
    evidence: EvidenceConfig,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreConfig {
    /// SQLite file relative to `.testat/`, or a `postgres://` URL.
    #[serde(default = "default_database")]
    database: String,
    #[serde(default = "default_busy")]
    busy_timeout_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceConfig {
    #[serde(default = "default_max")]
    max_size: u64,
}

fn default_database() -> String {
    DATABASE_FILE.to_owned()
}
fn default_busy() -> u64 {
    DEFAULT_BUSY_TIMEOUT_MS
}
fn default_max() -> u64 {
    DEFAULT_MAX_EVIDENCE_SIZE
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            database: default_database(),
            busy_timeout_ms: default_busy(),
        }
    }
}

impl Default for EvidenceConfig {
    fn default() -> Self {
        Self {
            max_size: default_max(),
        }
    }
}

/// Where the database, the evidence files and the keys are.
#[derive(Debug, Clone)]
pub struct Location {
    /// `sqlite:///abs/path?mode=rwc` or `postgres://…`.
    pub database_url: String,
    /// The folder of evidence files (content-addressed), when there is one.
    pub evidence_dir: Option<PathBuf>,
    /// The folder with the signing key pair, when there is one.
    pub keys_dir: Option<PathBuf>,
    /// How long a writer waits for the lock.
    pub busy_timeout_ms: u64,
    /// Largest evidence file accepted.
    pub max_evidence_size: u64,
}

impl Location {
    /// The store for commands run in `dir`: `database_url` when given (the evidence
    /// folder and keys of `dir/.testat/` are still used when it exists), else
    /// `dir/.testat/`; an error naming `dir` when neither exists.
    pub fn find(dir: &Path, database_url: Option<&str>) -> Result<Self> {
        let root = dir.join(STORE_DIR);
        let has_root = root.is_dir();
        let config = if has_root {
            Some(read_config(&root.join(CONFIG_FILE))?)
        } else {
            None
        };
        let url = match (database_url, &config) {
            (Some(url), _) if !url.trim().is_empty() => normalise_url(url.trim(), dir),
            (_, Some(config)) => normalise_url(&config.store.database, &root),
            _ => {
                return Err(StoreError::NotFound {
                    dir: dir.to_owned(),
                });
            }
        };
        let (busy, max) = config
            .as_ref()
            .map_or((DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_MAX_EVIDENCE_SIZE), |c| {
                (c.store.busy_timeout_ms, c.evidence.max_size)
            });
        Ok(Self {
            database_url: url,
            evidence_dir: has_root.then(|| root.join(EVIDENCE_DIR)),
            keys_dir: has_root.then(|| root.join(KEYS_DIR)),
            busy_timeout_ms: busy,
            max_evidence_size: max,
        })
    }

    /// A SQLite store in `file` with evidence in `evidence_dir` (for tests and tools).
    pub fn sqlite(file: &Path, evidence_dir: Option<PathBuf>) -> Self {
        Self {
            database_url: sqlite_url(file),
            evidence_dir,
            keys_dir: None,
            busy_timeout_ms: DEFAULT_BUSY_TIMEOUT_MS,
            max_evidence_size: DEFAULT_MAX_EVIDENCE_SIZE,
        }
    }
}

fn read_config(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|e| StoreError::io(path, e))?;
    toml::from_str(&text).map_err(|e| StoreError::Config {
        path: path.to_owned(),
        message: e.message().to_owned(),
    })
}

/// A plain path or `sqlite:` URL becomes an absolute `sqlite://` URL (relative paths
/// against `base`); `postgres://` URLs stay as they are.
fn normalise_url(url: &str, base: &Path) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return url.to_owned();
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = Path::new(path);
        let full = if path.is_absolute() {
            path.to_owned()
        } else {
            base.join(path)
        };
        let mut out = sqlite_url(&full);
        if !query.is_empty() {
            out = out.replace("?mode=rwc", &format!("?{query}"));
        }
        return out;
    }
    let path = Path::new(url);
    if path.is_absolute() {
        sqlite_url(path)
    } else {
        sqlite_url(&base.join(path))
    }
}

fn sqlite_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut encoded = String::new();
    for byte in absolute.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("sqlite://{encoded}?mode=rwc")
}

/// The URL with its password (and any query) replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            if userinfo.contains(':') {
                format!("{user}:***@{host}")
            } else {
                format!("{user}@{host}")
            }
        }
        None => authority.to_owned(),
    };
    let tail = if scheme.starts_with("postgres") {
        // Query parameters may carry a password too.
        tail.split('?').next().unwrap_or_default()
    } else {
        tail.split('?').next().unwrap_or_default()
    };
    let tail = percent_decode(tail);
    format!("{scheme}://{authority}{tail}")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes.get(i), hex) {
            (Some(b'%'), Some(b)) => {
                out.push(b);
                i += 3;
            }
            (Some(&b), _) => {
                out.push(b);
                i += 1;
            }
            (None, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What `testat init` made.
#[derive(Debug)]
pub struct Initialised {
    /// The `.testat/` folder.
    pub root: PathBuf,
    /// The public key, hex.
    pub public_key_hex: String,
    /// Path of the public key file.
    pub public_key_file: PathBuf,
}

/// Creates `dir/.testat/` (settings, SQLite database, evidence folder, Ed25519 key
/// pair) and records the first audit event. With `database_url`, the settings name
/// that database instead of a SQLite file.
pub async fn init(dir: &Path, database_url: Option<&str>, stamp: &Stamp) -> Result<Initialised> {
    init_version(dir, database_url, stamp, "2020").await
}

/// [`init`], recording `c5_version` (`2020` or `2026`) as the C5 version of the
/// engagement: in the store's meta data and in the audit event of the creation.
pub async fn init_version(
    dir: &Path,
    database_url: Option<&str>,
    stamp: &Stamp,
    c5_version: &str,
) -> Result<Initialised> {
    let root = dir.join(STORE_DIR);
    if root.exists() {
        return Err(StoreError::AlreadyExists { path: root });
    }
    std::fs::create_dir_all(root.join(EVIDENCE_DIR)).map_err(|e| StoreError::io(&root, e))?;
    let config = Config {
        store: StoreConfig {
            database: database_url.map_or_else(default_database, |u| {
                if u.starts_with("postgres") {
                    // Never write a password into the settings file.
                    redact_url(u).replace(":***@", "@")
                } else {
                    u.to_owned()
                }
            }),
            busy_timeout_ms: DEFAULT_BUSY_TIMEOUT_MS,
        },
        evidence: EvidenceConfig::default(),
    };
    let text = toml::to_string_pretty(&config).map_err(|e| StoreError::Config {
        path: root.join(CONFIG_FILE),
        message: e.to_string(),
    })?;
    let text = format!(
        "# Testat store settings (written by `testat init`).\n# store.database: SQLite file relative to this folder, or a postgres:// URL\n# (better: give postgres URLs with passwords in TESTAT_DATABASE_URL).\n{text}"
    );
    let config_path = root.join(CONFIG_FILE);
    std::fs::write(&config_path, text).map_err(|e| StoreError::io(&config_path, e))?;
    let keys = KeyPair::generate();
    let (_, public_key_file) = keys.write(&root.join(KEYS_DIR))?;
    let location = Location::find(dir, database_url)?;
    let store = Store::open(&location).await?;
    let payload = serde_json::json!({
        "schema_version": crate::SCHEMA_VERSION,
        "public_key": keys.public_hex(),
        "tool_version": env!("CARGO_PKG_VERSION"),
        "c5_version": c5_version,
    })
    .to_string();
    let mut tx = store.begin_write().await?;
    sqlx::query("INSERT INTO store_meta (key, value) VALUES ($1, $2)")
        .bind(crate::C5_VERSION_KEY)
        .bind(c5_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| store.err(&e))?;
    audit::append(&store, &mut tx, stamp, "store.init", "store", &payload).await?;
    store.commit(tx).await?;
    store.close().await;
    Ok(Initialised {
        root,
        public_key_hex: keys.public_hex(),
        public_key_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://alice:s3cret@db.example:5432/testat?sslmode=require&password=x"),
            "postgres://alice:***@db.example:5432/testat"
        );
        assert_eq!(
            redact_url("postgres://alice@db/testat"),
            "postgres://alice@db/testat"
        );
        assert!(!redact_url("postgresql://u:p%40ss@h/d").contains("p%40ss"));
    }

    #[test]
    fn plain_paths_become_absolute_sqlite_urls() {
        let url = normalise_url("my store.db", Path::new("/tmp/x"));
        assert_eq!(url, "sqlite:///tmp/x/my%20store.db?mode=rwc");
        assert_eq!(redact_url(&url), "sqlite:///tmp/x/my store.db");
        assert_eq!(
            normalise_url("postgres://u:p@h/d", Path::new("/")),
            "postgres://u:p@h/d"
        );
    }
}
