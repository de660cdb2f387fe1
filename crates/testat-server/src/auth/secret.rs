//! Random secrets (session cookies, API tokens, download links, CSRF tokens) and their
//! hashes: only the SHA-256 of a secret is stored.

use rand_core::RngCore;
use sha2::{Digest, Sha256};

/// A secret as handed to its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl Secret {
    /// The stored form of `secret`: lower-case hex SHA-256.
    pub fn hash(secret: &str) -> String {
        hex::encode(Sha256::digest(secret.as_bytes()))
    }
}

/// A new secret: 32 random bytes from the operating system, as hex, behind `prefix`
/// (`tt_` for API tokens, so that they are recognisable in logs and leaks).
pub fn new_secret(prefix: &str) -> Secret {
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    Secret(format!("{prefix}{}", hex::encode(bytes)))
}

/// Compares a CSRF token in constant time.
pub fn csrf_matches(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_compared_exactly() {
        let a = new_secret("tt_");
        assert!(a.0.starts_with("tt_") && a.0.len() == 67);
        assert_ne!(a, new_secret("tt_"));
        assert_eq!(Secret::hash("x").len(), 64);
        assert!(csrf_matches("abc", "abc"));
        assert!(!csrf_matches("abd", "abc") && !csrf_matches("ab", "abc"));
    }
}
