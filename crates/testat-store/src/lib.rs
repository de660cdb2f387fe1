//! Testat's store: scan history, evidence, attestations, exceptions and a hash-chained
//! audit log, on SQLite (the default, in `.testat/`) or PostgreSQL (team mode).
//!
//! One code path serves both backends: queries go through sqlx's `Any` driver and are
//! written in SQL that both understand (`$1` placeholders, `BIGINT`, `TEXT`). Every
//! change takes the write lock (one row of `write_lock`), does its work, and appends an
//! audit event, all in one transaction. The API is async; the caller supplies the
//! actor and the time ([`Stamp`]), so tests control the clock.

mod anchor;
mod attest;
mod audit;
mod blobs;
mod bundle;
mod decode;
mod error;
mod evidence;
mod inquiry;
mod keys;
mod layout;
mod runs;
mod schema;
mod team;
mod trust;
mod verify;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};

pub use anchor::{ANCHOR_FORMAT, Anchor, AnchorCheck, anchor_message};
pub use audit::AuditEvent;
pub use bundle::{
    BUNDLE_FORMAT, BundlePeriod, BundleReport, BundledRun, ExportSummary, MANIFEST, Manifest,
    ManifestAudit, ManifestFile, SIGNATURE, parse_public_key, verify_bundle,
};
/// The public half of a store's key (re-exported, so callers need not name the crate).
pub use ed25519_dalek::VerifyingKey;
pub use error::{EvidenceProblem, StoreError};
pub use evidence::{NewEvidence, sanitise_name};
pub use keys::{KeyPair, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, load_public_key};
pub use layout::{
    CONFIG_FILE, DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_MAX_EVIDENCE_SIZE, Initialised, Location,
    STORE_DIR, init, init_version, redact_url,
};
pub use runs::{
    CriterionCounts, CriterionFailure, FindingChange, NewRun, Run, RunFinding, RunInput,
    RunSettings, RunSource, StoredFinding,
};
pub use schema::SCHEMA_VERSION;
pub use team::{ApiToken, Session, User};
pub use testat_records::{
    AttestStatus, Attestation, Evidence, EvidenceKind, Exception, NewAttestation, StoredException,
};
pub use trust::{AccessRequest, NewAccessRequest, TrustDocument, TrustSnapshot};
pub use verify::{Problem, VerifyReport};

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Who makes a change, and when (the caller's clock).
#[derive(Debug, Clone)]
pub struct Stamp {
    /// The person or system (`--actor`, `TESTAT_ACTOR`, or the login name).
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An open store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    url: String,
    busy_timeout_ms: u64,
    evidence_dir: Option<std::path::PathBuf>,
    files_in_db: bool,
    max_evidence_size: u64,
    sqlite: bool,
    checkpoints: Arc<Checkpoints>,
}

/// The background checkpoints of a SQLite store (see `Store::checkpoint_later`).
#[derive(Debug, Default)]
struct Checkpoints {
    /// Whether one is running.
    running: AtomicBool,
    /// Writes committed so far, so that a running checkpoint sees that another write
    /// came while it ran.
    writes: AtomicU64,
}

impl Store {
    /// Opens the store at `location`, creating the database if it is a new SQLite
    /// file, and migrates it to the current schema (refusing a newer one).
    pub async fn open(location: &Location) -> Result<Self> {
        Self::open_to(location, SCHEMA_VERSION).await
    }

    /// Opens and migrates only up to schema `version` (for tests of migrations).
    #[doc(hidden)]
    pub async fn open_to(location: &Location, version: i64) -> Result<Self> {
        install_default_drivers();
        let url = redact_url(&location.database_url);
        let timeout = location.busy_timeout_ms;
        let sqlite = location.database_url.starts_with("sqlite:");
        if !sqlite
            && !location.database_url.starts_with("postgres://")
            && !location.database_url.starts_with("postgresql://")
        {
            return Err(StoreError::Url {
                url,
                message: "only sqlite: and postgres:// URLs are supported".into(),
            });
        }
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_millis(timeout.clamp(1_000, 3_000)))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        conn.execute(format!("PRAGMA busy_timeout = {timeout}").as_str())
                            .await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        // Checkpoints run after a write, not inside its commit: see
                        // `Store::checkpoint_later`.
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    } else {
                        conn.execute(format!("SET lock_timeout = {timeout}").as_str())
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&location.database_url)
            .await
            .map_err(|e| StoreError::db(&url, timeout, &e))?;
        let store = Self {
            pool,
            url,
            busy_timeout_ms: timeout,
            evidence_dir: location.evidence_dir.clone(),
            // A shared database keeps the files too, so every server instance and every
            // user sees them; a SQLite store keeps them in its evidence folder.
            files_in_db: !sqlite,
            max_evidence_size: location.max_evidence_size,
            sqlite,
            checkpoints: Arc::default(),
        };
        schema::migrate(&store, version).await?;
        Ok(store)
    }

    /// The database URL with any password redacted, for messages.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema version of the database.
    pub async fn schema_version(&self) -> Result<i64> {
        schema::current_version(self).await
    }

    /// The C5 version recorded when the store was created (`2020`, `2026`); `None`
    /// for a store created before versions were recorded (a C5:2020 store).
    pub async fn c5_version(&self) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM store_meta WHERE key = $1")
            .bind(C5_VERSION_KEY)
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        row.map(|r| r.try_get::<String, _>("value"))
            .transpose()
            .map_err(|e| self.err(&e))
    }

    /// Closes the connections, after copying what the write-ahead log holds into
    /// the database file (SQLite).
    pub async fn close(self) {
        if self.sqlite
            && let Err(e) = self.checkpoint().await
        {
            tracing::debug!(error = %e, "checkpoint before closing failed");
        }
        self.pool.close().await;
    }

    /// SQLite: copies the pages of committed writes from the write-ahead log into the
    /// database file, as far as readers allow (a passive checkpoint). Does nothing on
    /// PostgreSQL.
    async fn checkpoint(&self) -> Result<()> {
        if !self.sqlite {
            return Ok(());
        }
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&self.pool)
            .await
            .map_err(|e| self.err(&e))?;
        Ok(())
    }

    /// SQLite: starts a checkpoint in the background, unless one is running; that one
    /// then runs again for the writes committed meanwhile.
    ///
    /// SQLite would otherwise checkpoint inside the commit that takes the log past
    /// 1,000 pages, so that writer waits for the copy of every page and the database
    /// file's `fsync`: most of the time of recording a large run. Durability does not
    /// depend on it: a commit is durable once the log is synced
    /// (`synchronous = FULL`), and a log left behind by a crash is replayed on the next
    /// open.
    fn checkpoint_later(&self) {
        if !self.sqlite {
            return;
        }
        let state = &self.checkpoints;
        state.writes.fetch_add(1, Ordering::AcqRel);
        // Outside a Tokio runtime there is nothing to run it on; closing checkpoints.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if state.running.swap(true, Ordering::AcqRel) {
            return;
        }
        let store = self.clone();
        runtime.spawn(async move {
            let state = &store.checkpoints;
            loop {
                let seen = state.writes.load(Ordering::Acquire);
                if let Err(e) = store.checkpoint().await {
                    tracing::debug!(error = %e, "background checkpoint failed");
                }
                state.running.store(false, Ordering::Release);
                // A write committed meanwhile found this one running and started
                // none; run again for it, unless a newer task already has.
                if state.writes.load(Ordering::Acquire) == seen
                    || state.running.swap(true, Ordering::AcqRel)
                {
                    break;
                }
            }
        });
    }

    pub(crate) fn err(&self, e: &sqlx::Error) -> StoreError {
        StoreError::db(&self.url, self.busy_timeout_ms, e)
    }

    /// Begins a write: a transaction whose first statement takes the store's write
    /// lock, so writers are serialised (SQLite waits up to the busy timeout, PostgreSQL
    /// up to its lock timeout) and the audit chain has one head.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        let mut tx = self.pool.begin().await.map_err(|e| self.err(&e))?;
        sqlx::query("UPDATE write_lock SET counter = counter + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(&e))?;
        Ok(tx)
    }

    pub(crate) async fn commit(&self, tx: Transaction<'static, Any>) -> Result<()> {
        tx.commit().await.map_err(|e| self.err(&e))?;
        self.checkpoint_later();
        Ok(())
    }

    /// Whether the database is SQLite (else PostgreSQL), for the few queries whose
    /// SQL differs.
    pub(crate) fn is_sqlite(&self) -> bool {
        self.sqlite
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// The key of the C5 version in `store_meta`.
pub(crate) const C5_VERSION_KEY: &str = "c5_version";

/// Microseconds since the epoch, as stored.
pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Next ID of a table (`MAX(column) + 1`); call only under the write lock.
pub(crate) async fn next_id(
    store: &Store,
    tx: &mut Transaction<'static, Any>,
    table: &str,
    column: &str,
) -> Result<i64> {
    use sqlx::Row;
    let row = sqlx::query(&format!(
        "SELECT COALESCE(MAX({column}), 0) AS m FROM {table}"
    ))
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| store.err(&e))?;
    let max: i64 = row.try_get("m").map_err(|e| store.err(&e))?;
    Ok(max + 1)
}
