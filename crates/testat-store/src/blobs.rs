//! File contents kept in the database, in chunks, addressed by the SHA-256 of the
//! whole file: the evidence of a PostgreSQL store (so every server instance and every
//! command-line user sees the same files) and the documents of the trust page.

use std::io::Read;

use sha2::{Digest, Sha256};
use sqlx::{Any, AnyConnection, Transaction};

use crate::{Result, Store, StoreError};

/// Size of one chunk.
pub(crate) const CHUNK: usize = 1024 * 1024;

/// A file read for the database: its chunks, SHA-256 and size.
pub(crate) type Chunked = (Vec<Vec<u8>>, String, u64);

/// Reads `input` (at most `max` bytes) into chunks, hashing as it goes; `Ok(None)` when
/// it is larger than `max`.
pub(crate) fn read_chunks(input: &mut impl Read, max: u64) -> std::io::Result<Option<Chunked>> {
    let mut chunks = Vec::new();
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        let n = input.by_ref().take(CHUNK as u64).read_to_end(&mut chunk)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > max {
            return Ok(None);
        }
        hasher.update(&chunk);
        chunks.push(chunk);
    }
    Ok(Some((chunks, hex::encode(hasher.finalize()), size)))
}

/// Stores `chunks` under `sha256` inside the caller's write transaction, unless a
/// file with that hash is there already.
pub(crate) async fn put(
    store: &Store,
    tx: &mut Transaction<'static, Any>,
    sha256: &str,
    chunks: &[Vec<u8>],
) -> Result<()> {
    let present: Option<(i64,)> =
        sqlx::query_as("SELECT seq FROM blob_chunks WHERE sha256 = $1 AND seq = 0")
            .bind(sha256)
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| store.err(&e))?;
    if present.is_some() {
        return Ok(());
    }
    for (seq, chunk) in chunks.iter().enumerate() {
        sqlx::query("INSERT INTO blob_chunks (sha256, seq, data) VALUES ($1, $2, $3)")
            .bind(sha256)
            .bind(i64::try_from(seq).unwrap_or(i64::MAX))
            .bind(chunk.clone())
            .execute(&mut **tx)
            .await
            .map_err(|e| store.err(&e))?;
    }
    Ok(())
}

/// The content stored under `sha256`, checked against its hash; `None` when absent.
pub(crate) async fn get(
    store: &Store,
    conn: &mut AnyConnection,
    sha256: &str,
) -> Result<Option<Vec<u8>>> {
    let rows: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT seq, data FROM blob_chunks WHERE sha256 = $1 ORDER BY seq")
            .bind(sha256)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| store.err(&e))?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut content = Vec::new();
    for (expected, (seq, data)) in rows.into_iter().enumerate() {
        if usize::try_from(seq).ok() != Some(expected) {
            return Err(altered(sha256));
        }
        content.extend_from_slice(&data);
    }
    if crate::sha256_hex(&content) != sha256 {
        return Err(altered(sha256));
    }
    Ok(Some(content))
}

fn altered(sha256: &str) -> StoreError {
    StoreError::Evidence {
        path: format!("database blob {sha256}").into(),
        problem: crate::EvidenceProblem::Altered {
            sha256: sha256.to_owned(),
        },
    }
}

impl Store {
    /// The content of the file stored as `sha256`, on disk (SQLite store with an
    /// evidence folder) or in the database; checked against its hash.
    pub async fn file_content(&self, sha256: &str) -> Result<Vec<u8>> {
        if self.files_in_db {
            let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
            if let Some(content) = get(self, &mut conn, sha256).await? {
                return Ok(content);
            }
        }
        if let Some(dir) = &self.evidence_dir {
            let path = crate::evidence::blob_path(dir, sha256);
            if path.is_file() {
                let content = std::fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
                if crate::sha256_hex(&content) != sha256 {
                    return Err(StoreError::Evidence {
                        path,
                        problem: crate::EvidenceProblem::Altered {
                            sha256: sha256.to_owned(),
                        },
                    });
                }
                return Ok(content);
            }
        }
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(&e))?;
        get(self, &mut conn, sha256)
            .await?
            .ok_or_else(|| StoreError::Io {
                path: format!("file {sha256}").into(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not in the store"),
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    #[test]
    fn chunks_split_at_the_chunk_size_and_stop_at_the_limit() {
        let data = vec![7u8; CHUNK * 2 + 5];
        let (chunks, sha, size) = read_chunks(&mut data.as_slice(), 10 * CHUNK as u64)
            .unwrap()
            .unwrap();
        assert_eq!(
            chunks.iter().map(Vec::len).collect::<Vec<_>>(),
            [CHUNK, CHUNK, 5]
        );
        assert_eq!(size, data.len() as u64);
        assert_eq!(sha, crate::sha256_hex(&data));
        assert!(
            read_chunks(&mut data.as_slice(), CHUNK as u64)
                .unwrap()
                .is_none()
        );
        let (empty, _, _) = read_chunks(&mut [].as_slice(), 1).unwrap().unwrap();
        assert!(empty.is_empty());
    }
}
