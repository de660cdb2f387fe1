//! Embedded migrations, applied in order on open; a newer database is refused.

use sqlx::{Executor, Row};

use crate::{Result, Store, StoreError};

/// The migrations this build knows, in order: (version, name, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "indexes", include_str!("../migrations/0002_indexes.sql")),
    (
        3,
        "inquiries",
        include_str!("../migrations/0003_inquiries.sql"),
    ),
    (4, "team", include_str!("../migrations/0004_team.sql")),
    (
        5,
        "run settings",
        include_str!("../migrations/0005_run_settings.sql"),
    ),
    (
        6,
        "finding_buckets",
        include_str!("../migrations/0006_finding_buckets.sql"),
    ),
    (
        7,
        "run source",
        include_str!("../migrations/0007_run_source.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 7;

const CREATE_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL, tool_version TEXT NOT NULL)";

/// Applies every known migration above the database's version, up to `target`, each
/// in its own transaction; refuses a database with a version above what we know.
pub(crate) async fn migrate(store: &Store, target: i64) -> Result<()> {
    let pool = store.pool();
    pool.execute(CREATE_VERSION_TABLE)
        .await
        .map_err(|e| store.err(&e))?;
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    let found = current_version(store).await?;
    if found > known {
        return Err(StoreError::NewerSchema {
            url: store.url().to_owned(),
            found,
            known,
        });
    }
    if found >= target.min(known) {
        return Ok(());
    }
    // Version 0 is the row whose update serialises concurrent migrations.
    let mut tx = pool.begin().await.map_err(|e| store.err(&e))?;
    sqlx::query(
        "INSERT INTO schema_version (version, name, applied_at, tool_version) VALUES (0, 'base', 0, '') ON CONFLICT (version) DO NOTHING",
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| store.err(&e))?;
    sqlx::query("UPDATE schema_version SET applied_at = applied_at WHERE version = 0")
        .execute(&mut *tx)
        .await
        .map_err(|e| store.err(&e))?;
    let found = max_version(store, &mut tx).await?;
    for (version, name, sql) in MIGRATIONS {
        if *version <= found || *version > target {
            continue;
        }
        for statement in statements(sql) {
            tx.execute(statement.as_str())
                .await
                .map_err(|e| StoreError::Database {
                    url: store.url().to_owned(),
                    message: format!("migration {version} ({name}) failed: {e}"),
                })?;
        }
        sqlx::query(
            "INSERT INTO schema_version (version, name, applied_at, tool_version) VALUES ($1, $2, $3, $4)",
        )
        .bind(*version)
        .bind(*name)
        .bind(chrono::Utc::now().timestamp_micros())
        .bind(env!("CARGO_PKG_VERSION"))
        .execute(&mut *tx)
        .await
        .map_err(|e| store.err(&e))?;
    }
    tx.commit().await.map_err(|e| store.err(&e))
}

async fn max_version(store: &Store, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| store.err(&e))?;
    row.try_get("v").map_err(|e| store.err(&e))
}

/// The database's schema version.
pub(crate) async fn current_version(store: &Store) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        .fetch_one(store.pool())
        .await
        .map_err(|e| store.err(&e))?;
    row.try_get("v").map_err(|e| store.err(&e))
}

/// Splits a migration into statements: on `;` at line ends, skipping comments.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            let statement = current.trim().trim_end_matches(';').to_owned();
            out.push(statement);
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_split_into_statements() {
        let s = statements("-- c\nCREATE TABLE a (x BIGINT);\nINSERT INTO a VALUES (1);\n");
        assert_eq!(
            s,
            vec!["CREATE TABLE a (x BIGINT)", "INSERT INTO a VALUES (1)"]
        );
        assert_eq!(SCHEMA_VERSION, MIGRATIONS.last().map_or(0, |m| m.0));
    }
}
