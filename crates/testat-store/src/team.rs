//! The team server's people and credentials: users with one role each, API tokens,
//! browser sessions and failed sign-ins. Secrets are never stored: passwords as
//! Argon2id hashes made by the caller, tokens and session cookies as SHA-256.
//!
//! Users and tokens are records with audit events (adding, disabling, revoking);
//! sessions and failed sign-ins are working state and are not.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;
use testat_records::Role;

use crate::decode;
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// A user of the team server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Its ID.
    pub id: i64,
    /// The sign-in name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// Who added the user.
    pub added_by: String,
    /// When.
    #[serde(with = "testat_records::micros")]
    pub added_at: DateTime<Utc>,
    /// When the user was disabled, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_at: Option<DateTime<Utc>>,
}

/// An API token (its secret is shown once and never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Its ID.
    pub id: i64,
    /// What it is for (`ci-upload`).
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Who made it.
    pub added_by: String,
    /// When.
    #[serde(with = "testat_records::micros")]
    pub added_at: DateTime<Utc>,
    /// When it stops working.
    #[serde(with = "testat_records::micros")]
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether it works at `now`.
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user signed in.
    pub user: User,
    /// The session's CSRF token, for forms.
    pub csrf_token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A user as stored, for audit payloads. The payload carries the SHA-256 of the
/// password hash, so that `verify` notices a hash replaced behind the store's back
/// without the audit log holding the hash itself.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    role: String,
    #[serde(rename = "password_sha256", serialize_with = "digest")]
    password_hash: String,
    added_by: String,
    added_at: i64,
    disabled_at: Option<i64>,
}

fn digest<S: serde::Serializer>(text: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&crate::sha256_hex(text.as_bytes()))
}

impl UserRow {
    fn typed(self) -> Result<User> {
        let record = format!("user {}", self.id);
        Ok(User {
            id: self.id,
            role: decode::word(&record, "role", &self.role, "a role")?,
            added_at: decode::time(&record, "added_at", self.added_at)?,
            disabled_at: self
                .disabled_at
                .map(|t| decode::time(&record, "disabled_at", t))
                .transpose()?,
            name: self.name,
            added_by: self.added_by,
        })
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    token_sha256: String,
    role: String,
    added_by: String,
    added_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
}

impl TokenRow {
    fn typed(self) -> Result<ApiToken> {
        let record = format!("token {}", self.id);
        Ok(ApiToken {
            id: self.id,
            role: decode::word(&record, "role", &self.role, "a role")?,
            added_at: decode::time(&record, "added_at", self.added_at)?,
            expires_at: decode::time(&record, "expires_at", self.expires_at)?,
            revoked_at: self
                .revoked_at
                .map(|t| decode::time(&record, "revoked_at", t))
                .transpose()?,
            name: self.name,
            added_by: self.added_by,
        })
    }
}

const USER_COLUMNS: &str = "id, name, role, password_hash, added_by, added_at, disabled_at";
const TOKEN_COLUMNS: &str =
    "id, name, token_sha256, role, added_by, added_at, expires_at, revoked_at";

impl Store {
    /// Adds a user with an Argon2id `password_hash` (a PHC string). Returns its ID.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
        stamp: &Stamp,
    ) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() || password_hash.is_empty() {
            return Err(StoreError::Incomplete {
                record: "a user",
                needs: "a name and a password",
            });
        }
        let mut tx = self.begin_write().await?;
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.err(&e))?;
        if taken.is_some() {
            return Err(StoreError::Taken {
                kind: "user",
                name: name.to_owned(),
            });
        }
        let id = next_id(self, &mut tx, "users", "id").await?;
        sqlx::query(
            "INSERT INTO users (id, name, role, password_hash, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = user_payload(self, &mut tx, id).await?;
        audit::append_and_commit(self, tx, stamp, "user.add", &format!("user {id}"), payload)
            .await?;
        Ok(id)
    }

    /// Disables user `id` (the record stays; sign-in and sessions stop working).
    pub async fn disable_user(&self, id: i64, stamp: &Stamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(micros(stamp.at))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing { kind: "user", id });
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(&e))?;
        let payload = user_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "user.disable",
            &format!("user {id}"),
            payload,
        )
        .await
    }

    /// Every user, oldest first.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))
                .fetch_all(self.pool())
                .await
                .map_err(|e| self.err(&e))?;
        rows.into_iter().map(UserRow::typed).collect()
    }

    /// The enabled user called `name` and its password hash.
    pub async fn user_for_sign_in(&self, name: &str) -> Result<Option<(User, String)>> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE name = $1 AND disabled_at IS NULL"
        ))
        .bind(name)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        row.map(|r| {
            let hash = r.password_hash.clone();
            r.typed().map(|user| (user, hash))
        })
        .transpose()
    }

    /// Starts a session for `user_id` whose cookie secret hashes to `token_sha256`.
    pub async fn start_session(
        &self,
        user_id: i64,
        token_sha256: &str,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_sha256, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_sha256)
        .bind(user_id)
        .bind(csrf_token)
        .bind(micros(now))
        .bind(micros(expires_at))
        .execute(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        Ok(())
    }

    /// The live session whose cookie secret hashes to `token_sha256`, at `now`.
    pub async fn session(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT s.user_id, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_sha256)
        .bind(micros(now))
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        let Some((user_id, csrf_token, expires_at)) = row else {
            return Ok(None);
        };
        let user: UserRow =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(user_id)
                .fetch_one(self.pool())
                .await
                .map_err(|e| self.err(&e))?;
        Ok(Some(Session {
            user: user.typed()?,
            csrf_token,
            expires_at: decode::time("session", "expires_at", expires_at)?,
        }))
    }

    /// Ends a session (signing out), and every session that expired before `now`.
    pub async fn end_session(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1 OR expires_at <= $2")
            .bind(token_sha256)
            .bind(micros(now))
            .execute(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        Ok(())
    }

    /// Adds an API token whose secret hashes to `token_sha256`. Returns its ID.
    pub async fn add_token(
        &self,
        name: &str,
        role: Role,
        token_sha256: &str,
        expires_at: DateTime<Utc>,
        stamp: &Stamp,
    ) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Incomplete {
                record: "a token",
                needs: "a name",
            });
        }
        let mut tx = self.begin_write().await?;
        let id = next_id(self, &mut tx, "api_tokens", "id").await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, name, token_sha256, role, added_by, added_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(name)
        .bind(token_sha256)
        .bind(role.as_str())
        .bind(stamp.actor.as_str())
        .bind(micros(stamp.at))
        .bind(micros(expires_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        let payload = token_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "token.add",
            &format!("token {id}"),
            payload,
        )
        .await?;
        Ok(id)
    }

    /// Revokes token `id`.
    pub async fn revoke_token(&self, id: i64, stamp: &Stamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(micros(stamp.at))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing { kind: "token", id });
        }
        let payload = token_payload(self, &mut tx, id).await?;
        audit::append_and_commit(
            self,
            tx,
            stamp,
            "token.revoke",
            &format!("token {id}"),
            payload,
        )
        .await
    }

    /// Every token, oldest first.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        rows.into_iter().map(TokenRow::typed).collect()
    }

    /// The token whose secret hashes to `token_sha256`, valid or not.
    pub async fn token(&self, token_sha256: &str) -> Result<Option<ApiToken>> {
        let row: Option<TokenRow> = sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_sha256 = $1"
        ))
        .bind(token_sha256)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(&e))?;
        row.map(TokenRow::typed).transpose()
    }

    /// Notes a failed sign-in under each of `keys` (an account, an address).
    pub async fn note_login_failure(&self, keys: &[&str], at: DateTime<Utc>) -> Result<()> {
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(*key)
                .bind(micros(at))
                .execute(self.pool())
                .await
                .map_err(|e| self.err(&e))?;
        }
        Ok(())
    }

    /// Failed sign-ins under `key` since `since`.
    pub async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(micros(since))
                .fetch_one(self.pool())
                .await
                .map_err(|e| self.err(&e))?;
        Ok(n)
    }

    /// Forgets the failed sign-ins under `key` (after a successful one), and every
    /// failure older than `before`.
    pub async fn clear_login_failures(&self, key: &str, before: DateTime<Utc>) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1 OR at < $2")
            .bind(key)
            .bind(micros(before))
            .execute(self.pool())
            .await
            .map_err(|e| self.err(&e))?;
        Ok(())
    }
}

pub(crate) async fn user_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| store.err(&e))?;
    row.map(|r| serde_json::to_string(&r).map_err(|e| StoreError::encode(format!("user {id}"), &e)))
        .transpose()
}

pub(crate) async fn token_payload(
    store: &Store,
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>> {
    let row: Option<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.err(&e))?;
    row.map(|r| {
        serde_json::to_string(&r).map_err(|e| StoreError::encode(format!("token {id}"), &e))
    })
    .transpose()
}
