//! Recording a run, at a cost that follows what changed since the scope's last run.
//!
//! The findings of a scope are spread over `2^bits` buckets by a keyed 64-bit hash of
//! (rule, address) (`current_findings.key_hash`). For each bucket `finding_buckets`
//! keeps a fingerprint: the sum modulo 2^128 of a keyed hash of (rule, address,
//! outcome) over the bucket's current findings, packed 1024 buckets to a row (few
//! rows to read: with sqlx's SQLite driver every row read is a hand-over between
//! threads, which is what made reading the whole scope slow). Recording a run
//!
//! 1. reduces the run's findings to one outcome per (rule, address) (the worst) and
//!    counts them (in memory, as before);
//! 2. hashes them with the scope's key, sorts them by key hash (so each bucket is a
//!    slice) and computes every bucket's fingerprint;
//! 3. reads the stored fingerprints and reads back from `current_findings` only the
//!    buckets whose fingerprint differs, by key-hash range;
//! 4. compares inside those buckets only, and writes the changes, the new current
//!    findings (one batched upsert), the deletions and the parts of the fingerprints
//!    that changed.
//!
//! A bucket whose fingerprint is equal holds the same (rule, address, outcome) set;
//! with a secret key per scope (random, in `finding_scopes`) someone who writes
//! findings cannot aim for a collision, and by chance it is a 2^-128 event.
//!
//! The whole scope is read instead, as before, when the scope has no fingerprints yet
//! (its first run, or its first run after the upgrade to schema 6, when its rows are
//! rewritten with their key hashes), when the number of buckets no longer suits the
//! number of findings, or when a part of the fingerprints is missing (then they are
//! rebuilt), or when most buckets changed anyway. The results (`runs`,
//! `finding_changes`, `current_findings`, the audit payload) are the same on every
//! path.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use sqlx::AnyConnection;

mod buckets;
use buckets::{Hasher, MAX_BITS, bits_for, bucket_of, ranges, stored};

use super::{NewRun, RunFinding, RunInput, run_payload};
use crate::{Result, Stamp, Store, StoreError, audit, micros, next_id};

/// Key-hash ranges per read-back query.
const RANGES_PER_QUERY: usize = 100;
/// Rows per batched insert or upsert.
// (Small enough that SQLite's lookup of parameters by name, linear in their
// number for each of them, stays cheap.)
const BATCH: usize = 100;
/// Bucket fingerprints per `finding_buckets` row.
const PART: usize = 1024;
/// Pairs per batched delete.
const DELETE_BATCH: usize = 100;

fn rank(outcome: &str) -> u8 {
    match outcome {
        "fail" => 4,
        "error" => 3,
        "unknown" => 2,
        "excepted" => 1,
        _ => 0,
    }
}

/// A value for a batched statement.
enum Val<'a> {
    I(i64),
    S(&'a str),
    N(Option<&'a str>),
    O(String),
}

/// Runs `head` + `VALUES (…), (…)` + `tail` over `rows` in batches of `BATCH`.
async fn insert_rows(
    store: &Store,
    conn: &mut AnyConnection,
    head: &str,
    tail: &str,
    width: usize,
    rows: Vec<Vec<Val<'_>>>,
) -> Result<()> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val<'_>>> = rows.by_ref().take(BATCH).collect();
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * width * 6);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..width {
                if j > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let mut query = sqlx::query(&sql);
        for value in chunk.into_iter().flatten() {
            query = match value {
                Val::I(i) => query.bind(i),
                Val::S(s) => query.bind(s),
                Val::N(s) => query.bind(s),
                Val::O(s) => query.bind(s),
            };
        }
        query.execute(&mut *conn).await.map_err(|e| store.err(&e))?;
    }
    Ok(())
}

/// One finding of the run, reduced to one per (rule, address).
struct Entry<'a> {
    hash: u64,
    /// The keyed hash of (rule, address, outcome).
    item: u128,
    /// Position in the run's list, so that duplicates resolve as they always did.
    index: usize,
    finding: &'a RunFinding,
}

/// The scope's hashing state as stored.
struct ScopeRow {
    bits: u32,
    key: [u8; 32],
}

async fn scope_row(
    store: &Store,
    conn: &mut AnyConnection,
    scope: &str,
) -> Result<Option<ScopeRow>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT bits, hash_key FROM finding_scopes WHERE scope = $1")
            .bind(scope)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| store.err(&e))?;
    let Some((bits, key)) = row else {
        return Ok(None);
    };
    let record = format!("finding scope {scope}");
    let bits = u32::try_from(bits)
        .ok()
        .filter(|b| *b <= MAX_BITS)
        .ok_or_else(|| corrupt(&record, "bits", &bits.to_string(), "a bucket width"))?;
    let key = hex::decode(&key)
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or_else(|| corrupt(&record, "hash_key", &key, "a 32-byte hex key"))?;
    Ok(Some(ScopeRow { bits, key }))
}

fn corrupt(record: &str, field: &'static str, value: &str, expected: &'static str) -> StoreError {
    StoreError::Corrupt {
        record: record.to_owned(),
        field,
        value: value.to_owned(),
        expected,
    }
}

/// The stored fingerprints of a scope with `2^bits` buckets, or `None` when a part is
/// missing or unreadable (then the whole scope is compared and they are rewritten).
async fn stored_prints(
    store: &Store,
    conn: &mut AnyConnection,
    scope: &str,
    bits: u32,
) -> Result<Option<Vec<u128>>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT part, fingerprints FROM finding_buckets WHERE scope = $1")
            .bind(scope)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| store.err(&e))?;
    let buckets = 1usize << bits;
    let mut sums = vec![0u128; buckets];
    let mut seen = vec![false; parts(bits)];
    for (part, text) in rows {
        let Some(part) = usize::try_from(part).ok().filter(|p| *p < seen.len()) else {
            return Ok(None);
        };
        let first = part * PART;
        let count = PART.min(buckets - first);
        if text.len() != count * 32 || seen[part] {
            return Ok(None);
        }
        for (i, chunk) in text.as_bytes().chunks(32).enumerate() {
            let Some(sum) = std::str::from_utf8(chunk)
                .ok()
                .and_then(|c| u128::from_str_radix(c, 16).ok())
            else {
                return Ok(None);
            };
            sums[first + i] = sum;
        }
        seen[part] = true;
    }
    Ok(seen.iter().all(|s| *s).then_some(sums))
}

/// How many `finding_buckets` rows `2^bits` buckets take.
fn parts(bits: u32) -> usize {
    (1usize << bits).div_ceil(PART)
}

/// Part `part` of `sums`, as stored: 32 hex digits a bucket.
fn part_text(sums: &[u128], part: usize) -> String {
    let mut text = String::with_capacity(PART * 32);
    for sum in sums.iter().skip(part * PART).take(PART) {
        text.push_str(&format!("{sum:032x}"));
    }
    text
}

/// A current finding as read back.
struct Old {
    outcome: String,
    since_run: i64,
}

/// Reads back the current findings of `scope` in the given key-hash ranges (every
/// row when `ranges` is `None`).
async fn read_current(
    store: &Store,
    conn: &mut AnyConnection,
    scope: &str,
    ranges: Option<&[(i64, i64)]>,
) -> Result<HashMap<(String, String), Old>> {
    let mut out = HashMap::new();
    let mut read = |rows: Vec<(String, String, String, i64)>| {
        for (rule, address, outcome, since_run) in rows {
            out.insert((rule, address), Old { outcome, since_run });
        }
    };
    let Some(ranges) = ranges else {
        let rows = sqlx::query_as(
            "SELECT rule, address, outcome, since_run FROM current_findings WHERE scope = $1",
        )
        .bind(scope)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.err(&e))?;
        read(rows);
        return Ok(out);
    };
    // One row per query, the rows as a JSON array: with sqlx's SQLite driver every
    // row is a hand-over between its worker thread and the caller, which cost more
    // than reading the rows.
    let rows = if store.is_sqlite() {
        "json_group_array(json_array(rule, address, outcome, since_run))"
    } else {
        "COALESCE(json_agg(json_build_array(rule, address, outcome, since_run)), '[]')::text"
    };
    for chunk in ranges.chunks(RANGES_PER_QUERY) {
        let mut sql = format!("SELECT {rows} FROM current_findings WHERE ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(" OR ");
            }
            // Each term names the scope, so that both databases can use the index for
            // every range.
            sql.push_str(&format!(
                "(scope = $1 AND key_hash BETWEEN ${} AND ${})",
                2 * i + 2,
                2 * i + 3
            ));
        }
        let mut query = sqlx::query_scalar::<_, String>(&sql).bind(scope);
        for (low, high) in chunk {
            query = query.bind(*low).bind(*high);
        }
        let json = query
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| store.err(&e))?;
        let rows = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
            record: format!("current findings of scope {scope}"),
            field: "rule, address, outcome, since_run",
            value: e.to_string(),
            expected: "three texts and a run id",
        })?;
        read(rows);
    }
    Ok(out)
}

/// Per-run counts: passed, failed, excepted and other, in total and per list of
/// criteria. The findings of one rule share their list, so there are few lists and
/// counting a finding is one lookup; [`Counts::criteria`] spreads them out.
#[derive(Default)]
struct Counts<'a> {
    /// Passed, failed, excepted, other (as `add` numbers them).
    totals: [i64; 4],
    lists: HashMap<&'a [String], [i64; 4]>,
}

impl<'a> Counts<'a> {
    /// Adds (`by` 1) or takes away (`by` -1) one finding.
    fn add(&mut self, f: &'a RunFinding, by: i64) {
        let slot = match f.outcome.as_str() {
            "pass" => 0,
            "fail" => 1,
            "excepted" => 2,
            _ => 3,
        };
        self.totals[slot] += by;
        if !f.criteria.is_empty() {
            self.lists.entry(f.criteria.as_slice()).or_default()[slot] += by;
        }
    }

    /// The counts per criterion.
    fn criteria(&self) -> BTreeMap<&'a str, [i64; 4]> {
        let mut out: BTreeMap<&'a str, [i64; 4]> = BTreeMap::new();
        for (list, counts) in &self.lists {
            for criterion in *list {
                let slots = out.entry(criterion.as_str()).or_default();
                for (slot, n) in slots.iter_mut().zip(counts) {
                    *slot += n;
                }
            }
        }
        out
    }
}

/// The run's findings, one per (rule, address) (the worst outcome), sorted by key
/// hash, then rule and address; and their counts.
///
/// Hashing, two SHA-256 per finding, is most of the work: it runs on every core while
/// one of them counts. After sorting, only the duplicates are touched again (the
/// counts of the ones dropped are taken away).
fn entries<'a>(findings: &'a [RunFinding], hasher: &Hasher) -> (Vec<Entry<'a>>, Counts<'a>) {
    let (mut entries, mut counts) = rayon::join(
        || {
            findings
                .par_iter()
                .enumerate()
                .map(|(index, f)| Entry {
                    hash: hasher.key_hash(&f.rule, &f.address),
                    item: hasher.item(&f.rule, &f.address, &f.outcome),
                    index,
                    finding: f,
                })
                .collect::<Vec<Entry<'a>>>()
        },
        || {
            let mut counts = Counts::default();
            for f in findings {
                counts.add(f, 1);
            }
            counts
        },
    );
    // Sorted by (key hash, rule, address, position): by the integers first, then by
    // the strings only where key hashes are equal (a finding listed more than once,
    // or a 2^-64 chance), so that the sort compares no strings otherwise.
    entries.par_sort_unstable_by_key(|e| (e.hash, e.index));
    for same_hash in entries.chunk_by_mut(|a, b| a.hash == b.hash) {
        if same_hash.len() > 1 {
            same_hash.sort_unstable_by(|a, b| {
                (&a.finding.rule, &a.finding.address, a.index).cmp(&(
                    &b.finding.rule,
                    &b.finding.address,
                    b.index,
                ))
            });
        }
    }
    let mut dropped: Vec<&'a RunFinding> = Vec::new();
    entries.dedup_by(|later, kept| {
        let same = kept.finding.rule == later.finding.rule
            && kept.finding.address == later.finding.address;
        if same {
            if rank(&later.finding.outcome) > rank(&kept.finding.outcome) {
                dropped.push(kept.finding);
                kept.finding = later.finding;
                kept.item = later.item;
            } else {
                dropped.push(later.finding);
            }
        }
        same
    });
    for f in dropped {
        counts.add(f, -1);
    }
    (entries, counts)
}

impl Store {
    /// Records a run, its inputs, criterion summaries and finding changes, and an
    /// audit event, in one transaction. Returns the run's ID.
    pub async fn record_run(&self, run: &NewRun, stamp: &Stamp) -> Result<i64> {
        Ok(self.record_run_once(run, None, stamp).await?.0)
    }

    /// [`Self::record_run`], once per `upload_key`: an upload retried with the same key
    /// records nothing and returns the run the first one recorded. Returns the run's ID
    /// and whether this call recorded it.
    pub async fn record_run_once(
        &self,
        run: &NewRun,
        upload_key: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(i64, bool)> {
        let scope = run.scope.as_str();
        let mut tx = self.begin_write().await?;
        if let Some(key) = upload_key {
            let earlier: Option<(i64,)> =
                sqlx::query_as("SELECT run_id FROM run_uploads WHERE upload_key = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| self.err(&e))?;
            if let Some((id,)) = earlier {
                return Ok((id, false));
            }
        }
        let id = next_id(self, &mut tx, "runs", "id").await?;
        if let Some(key) = upload_key {
            sqlx::query("INSERT INTO run_uploads (upload_key, run_id) VALUES ($1, $2)")
                .bind(key)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        }

        let known = scope_row(self, &mut tx, scope).await?;
        let fresh = known.is_none();
        let key = match &known {
            Some(row) => row.key,
            None => {
                let mut key = [0u8; 32];
                rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut key);
                key
            }
        };
        let hasher = Hasher::new(&key);
        let (entries, counts) = entries(&run.findings, &hasher);
        let wanted = bits_for(entries.len());
        // Keep the bucket width while it is within a factor of two of the ideal one.
        let bits = match &known {
            Some(row) if row.bits.abs_diff(wanted) <= 1 => row.bits,
            _ => wanted,
        };
        let rebucket = known.as_ref().is_some_and(|row| row.bits != bits);

        // The new fingerprints, and where each bucket's entries are (they are sorted
        // by key hash, so a bucket's entries are one slice).
        let buckets = 1usize << bits;
        let mut sums = vec![0u128; buckets];
        let mut slices: Vec<(usize, usize)> = vec![(0, 0); buckets];
        let mut start = 0;
        while let Some(first) = entries.get(start) {
            let b = bucket_of(first.hash, bits);
            let mut sum = 0u128;
            let mut end = start;
            while let Some(e) = entries.get(end).filter(|e| bucket_of(e.hash, bits) == b) {
                sum = sum.wrapping_add(e.item);
                end += 1;
            }
            if let Ok(b) = usize::try_from(b) {
                if let Some(slot) = sums.get_mut(b) {
                    *slot = sum;
                }
                if let Some(slot) = slices.get_mut(b) {
                    *slot = (start, end);
                }
            }
            start = end;
        }

        // Which buckets differ from the stored fingerprints, and what was in them.
        let old_sums = if fresh || rebucket {
            None
        } else {
            stored_prints(self, &mut tx, scope, bits).await?
        };
        let changed: Vec<u64> = match &old_sums {
            Some(old) => (0..buckets)
                .filter(|b| old.get(*b) != sums.get(*b))
                .map(|b| b as u64)
                .collect(),
            None => (0..buckets as u64).collect(),
        };
        let rewrite = old_sums.is_none();
        let whole = rewrite || changed.len() * 2 > buckets;
        let mut before = if whole {
            read_current(self, &mut tx, scope, None).await?
        } else {
            read_current(self, &mut tx, scope, Some(&ranges(&changed, bits))).await?
        };

        // The changes, inside the changed buckets (every bucket when reading all).
        let mut changes: Vec<(&str, &str, Option<String>, Option<&str>)> = Vec::new();
        let mut upserts: Vec<(&Entry<'_>, i64)> = Vec::new();
        let compared: Vec<&Entry<'_>> = if whole {
            entries.iter().collect()
        } else {
            changed
                .iter()
                .filter_map(|b| usize::try_from(*b).ok().and_then(|b| slices.get(b)))
                .flat_map(|(start, end)| &entries[*start..*end])
                .collect()
        };
        for e in compared {
            let f = e.finding;
            let old = if before.is_empty() {
                None
            } else {
                before.remove(&(f.rule.clone(), f.address.clone()))
            };
            match old {
                Some(old) if old.outcome == f.outcome => {
                    if fresh {
                        upserts.push((e, old.since_run));
                    }
                }
                old => {
                    let old = old.map(|o| o.outcome);
                    changes.push((&f.rule, &f.address, old, Some(&f.outcome)));
                    upserts.push((e, id));
                }
            }
        }
        let mut gone: Vec<((String, String), Old)> = before.into_iter().collect();
        gone.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for ((rule, address), old) in &gone {
            changes.push((rule, address, Some(old.outcome.clone()), None));
        }
        let changed_count = i64::try_from(changes.len()).unwrap_or(i64::MAX);

        sqlx::query(
            "INSERT INTO runs (id, scope, started_at, finished_at, actor, tool_version, catalog_version, ruleset_sha256, rule_count, resource_count, passed, failed, excepted, other, changed, settings, source_tool, source_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(id)
        .bind(scope)
        .bind(micros(run.started_at))
        .bind(micros(run.finished_at))
        .bind(stamp.actor.as_str())
        .bind(run.tool_version.as_str())
        .bind(run.catalog_version.as_str())
        .bind(run.ruleset_sha256.as_str())
        .bind(run.rule_count)
        .bind(run.resource_count)
        .bind(counts.totals[0])
        .bind(counts.totals[1])
        .bind(counts.totals[2])
        .bind(counts.totals[3])
        .bind(changed_count)
        .bind(
            serde_json::to_string(&run.settings)
                .map_err(|e| StoreError::encode(format!("settings of run {id}"), &e))?,
        )
        .bind(run.source.as_ref().map(|s| s.tool.clone()))
        .bind(run.source.as_ref().and_then(|s| s.version.clone()))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(&e))?;

        let mut inputs: BTreeMap<&str, &RunInput> = BTreeMap::new();
        for input in &run.inputs {
            inputs.insert(input.path.as_str(), input);
        }
        let input_rows = inputs
            .values()
            .map(|i| {
                vec![
                    Val::I(id),
                    Val::S(&i.path),
                    Val::S(&i.kind),
                    Val::S(&i.sha256),
                    Val::I(i.size),
                ]
            })
            .collect();
        insert_rows(
            self,
            &mut tx,
            "INSERT INTO run_inputs (run_id, path, kind, sha256, size)",
            "",
            5,
            input_rows,
        )
        .await?;
        let criteria_rows = counts
            .criteria()
            .into_iter()
            .map(|(name, [passed, failed, excepted, other])| {
                vec![
                    Val::I(id),
                    Val::S(name),
                    Val::I(passed),
                    Val::I(failed),
                    Val::I(excepted),
                    Val::I(other),
                ]
            })
            .collect();
        insert_rows(
            self,
            &mut tx,
            "INSERT INTO run_criteria (run_id, criterion, passed, failed, excepted, other)",
            "",
            6,
            criteria_rows,
        )
        .await?;
        let change_rows = changes
            .iter()
            .map(|(rule, address, old, new)| {
                vec![
                    Val::I(id),
                    Val::S(rule),
                    Val::S(address),
                    Val::N(old.as_deref()),
                    Val::N(*new),
                ]
            })
            .collect();
        insert_rows(
            self,
            &mut tx,
            "INSERT INTO finding_changes (run_id, rule, address, old_outcome, new_outcome)",
            "",
            5,
            change_rows,
        )
        .await?;

        // The current findings: a scope seen for the first time since schema 6 is
        // written anew (its old rows lack key hashes); else only what changed.
        if fresh {
            sqlx::query("DELETE FROM current_findings WHERE scope = $1")
                .bind(scope)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        } else {
            for chunk in gone.chunks(DELETE_BATCH) {
                let mut sql = String::from("DELETE FROM current_findings WHERE ");
                for i in 0..chunk.len() {
                    if i > 0 {
                        sql.push_str(" OR ");
                    }
                    sql.push_str(&format!(
                        "(scope = $1 AND rule = ${} AND address = ${})",
                        2 * i + 2,
                        2 * i + 3
                    ));
                }
                let mut query = sqlx::query(&sql).bind(scope);
                for ((rule, address), _) in chunk {
                    query = query.bind(rule.as_str()).bind(address.as_str());
                }
                query.execute(&mut *tx).await.map_err(|e| self.err(&e))?;
            }
        }
        // A conflict leaves `key_hash` alone: it depends only on the scope's key and the
        // (rule, address), and a scope gets its key when its rows are written anew, so
        // an existing row already holds the same value. (Setting it anyway rewrites an
        // entry of the key-hash index for every changed finding.)
        let current_rows = upserts
            .iter()
            .map(|(e, since)| {
                vec![
                    Val::S(scope),
                    Val::S(&e.finding.rule),
                    Val::S(&e.finding.address),
                    Val::S(&e.finding.outcome),
                    Val::I(*since),
                    Val::I(stored(e.hash)),
                ]
            })
            .collect();
        insert_rows(
            self,
            &mut tx,
            "INSERT INTO current_findings (scope, rule, address, outcome, since_run, key_hash)",
            " ON CONFLICT (scope, rule, address) DO UPDATE SET outcome = excluded.outcome, since_run = excluded.since_run",
            6,
            current_rows,
        )
        .await?;

        // The fingerprints.
        if fresh {
            sqlx::query("INSERT INTO finding_scopes (scope, bits, hash_key) VALUES ($1, $2, $3)")
                .bind(scope)
                .bind(i64::from(bits))
                .bind(hex::encode(key))
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        } else if rebucket {
            sqlx::query("UPDATE finding_scopes SET bits = $1 WHERE scope = $2")
                .bind(i64::from(bits))
                .bind(scope)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        }
        if rewrite {
            sqlx::query("DELETE FROM finding_buckets WHERE scope = $1")
                .bind(scope)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(&e))?;
        }
        let mut touched: Vec<usize> = if rewrite {
            (0..parts(bits)).collect()
        } else {
            changed.iter().map(|b| *b as usize / PART).collect()
        };
        touched.dedup();
        let part_rows = touched
            .into_iter()
            .map(|part| {
                vec![
                    Val::S(scope),
                    Val::I(i64::try_from(part).unwrap_or(i64::MAX)),
                    Val::O(part_text(&sums, part)),
                ]
            })
            .collect();
        insert_rows(
            self,
            &mut tx,
            "INSERT INTO finding_buckets (scope, part, fingerprints)",
            " ON CONFLICT (scope, part) DO UPDATE SET fingerprints = excluded.fingerprints",
            3,
            part_rows,
        )
        .await?;

        let payload = run_payload(self, &mut tx, id).await?;
        audit::append_and_commit(self, tx, stamp, "run.record", &format!("run {id}"), payload)
            .await?;
        Ok((id, true))
    }
}
