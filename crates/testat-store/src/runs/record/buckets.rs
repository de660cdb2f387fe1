//! The keyed hashes of a scope's findings and the arithmetic of their buckets:
//! which bucket a (rule, address) falls in, and which stored key-hash range a bucket
//! covers.

use sha2::{Digest, Sha256};

/// Findings per bucket the bucket count aims at.
pub(super) const PER_BUCKET: usize = 8;
/// At most 2^24 buckets.
pub(super) const MAX_BITS: u32 = 24;
/// The keyed hashes of a scope: SHA-256 over the scope's 32-byte key, a domain tag,
/// and the length-prefixed fields. The key and tag fill one block, which is hashed
/// once; each finding then costs one or two blocks.
pub(super) struct Hasher {
    key_hash: Sha256,
    item: Sha256,
}

impl Hasher {
    pub(super) fn new(key: &[u8; 32]) -> Self {
        let state = |tag: &[u8; 32]| {
            let mut h = Sha256::new();
            h.update(key);
            h.update(tag);
            h
        };
        Self {
            key_hash: state(b"testat current_findings key hash"),
            item: state(b"testat current_findings item    "),
        }
    }

    /// The 64-bit hash of (rule, address) that picks the bucket.
    pub(super) fn key_hash(&self, rule: &str, address: &str) -> u64 {
        let mut h = self.key_hash.clone();
        field(&mut h, rule);
        field(&mut h, address);
        let d = h.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[..8]);
        u64::from_be_bytes(b)
    }

    /// The 128-bit hash of (rule, address, outcome) that fingerprints add up.
    pub(super) fn item(&self, rule: &str, address: &str, outcome: &str) -> u128 {
        let mut h = self.item.clone();
        field(&mut h, rule);
        field(&mut h, address);
        field(&mut h, outcome);
        let d = h.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        u128::from_be_bytes(b)
    }
}

pub(super) fn field(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// The stored form of a key hash: ordered like the unsigned value.
pub(super) fn stored(hash: u64) -> i64 {
    i64::from_be_bytes((hash ^ (1 << 63)).to_be_bytes())
}

#[cfg(test)]
fn unstored(value: i64) -> u64 {
    u64::from_be_bytes(value.to_be_bytes()) ^ (1 << 63)
}

pub(super) fn bucket_of(hash: u64, bits: u32) -> u64 {
    if bits == 0 { 0 } else { hash >> (64 - bits) }
}

/// The stored key-hash range of `bucket`, both ends included.
pub(super) fn bucket_range(bucket: u64, bits: u32) -> (i64, i64) {
    if bits == 0 {
        return (i64::MIN, i64::MAX);
    }
    let shift = 64 - bits;
    let low = bucket << shift;
    let high = low | (u64::MAX >> bits);
    (stored(low), stored(high))
}

/// The bucket bits for `n` findings: about `PER_BUCKET` findings a bucket.
pub(super) fn bits_for(n: usize) -> u32 {
    let buckets = n.div_ceil(PER_BUCKET).max(1);
    buckets.next_power_of_two().trailing_zeros().min(MAX_BITS)
}

/// Ranges of consecutive buckets, merged.
pub(super) fn ranges(buckets: &[u64], bits: u32) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    let mut last: Option<u64> = None;
    for &b in buckets {
        let (low, high) = bucket_range(b, bits);
        match (last, out.last_mut()) {
            (Some(prev), Some(range)) if prev + 1 == b => range.1 = high,
            _ => out.push((low, high)),
        }
        last = Some(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_ranges_of_the_stored_hash() {
        for bits in [0, 1, 5, 24] {
            let mut last = i64::MIN;
            let buckets = if bits == 0 { 1 } else { 1u64 << bits.min(6) };
            for b in 0..buckets {
                let (low, high) = bucket_range(b, bits);
                assert!(low <= high);
                assert!(b == 0 || low > last);
                last = high;
                for hash in [unstored(low), unstored(high)] {
                    assert_eq!(bucket_of(hash, bits), b);
                }
            }
        }
        assert_eq!(bucket_range(0, 0), (i64::MIN, i64::MAX));
        assert_eq!(unstored(stored(12345)), 12345);
        assert!(stored(0) < stored(1) && stored(u64::MAX / 2) < stored(u64::MAX / 2 + 1));
        assert_eq!(
            ranges(&[1, 2, 3, 7], 3),
            vec![
                (bucket_range(1, 3).0, bucket_range(3, 3).1),
                bucket_range(7, 3)
            ]
        );
    }

    #[test]
    fn bucket_width_follows_the_findings() {
        assert_eq!(bits_for(0), 0);
        assert_eq!(bits_for(8), 0);
        assert_eq!(bits_for(9), 1);
        assert_eq!(bits_for(229_000), 15);
        assert_eq!(bits_for(usize::MAX / 2), MAX_BITS);
    }

    #[test]
    fn hashes_depend_on_key_and_every_field() {
        let a = Hasher::new(&[1; 32]);
        let b = Hasher::new(&[2; 32]);
        assert_ne!(a.key_hash("R", "x"), b.key_hash("R", "x"));
        assert_ne!(a.key_hash("R", "x"), a.key_hash("R", "y"));
        assert_ne!(
            a.key_hash("Rx", ""),
            a.key_hash("R", "x"),
            "fields are delimited"
        );
        assert_ne!(a.item("R", "x", "pass"), a.item("R", "x", "fail"));
        assert_ne!(a.item("R", "x", "pass"), b.item("R", "x", "pass"));
    }
}
