//! The store's Ed25519 key pair, which signs audit bundles.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::{Result, StoreError};

/// File name of the private key (hex), mode 0600.
pub const PRIVATE_KEY_FILE: &str = "signing.key";
/// File name of the public key (hex).
pub const PUBLIC_KEY_FILE: &str = "signing.pub";

/// An Ed25519 signing key and its public half.
pub struct KeyPair {
    signing: SigningKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyPair(public {})", self.public_hex())
    }
}

impl KeyPair {
    /// A new key pair from the operating system's random source.
    pub fn generate() -> Self {
        Self {
            signing: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// Writes `signing.key` (0600) and `signing.pub` into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<(PathBuf, PathBuf)> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let private = dir.join(PRIVATE_KEY_FILE);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&private)
            .map_err(|e| StoreError::io(&private, e))?;
        file.write_all(format!("{}\n", hex::encode(self.signing.to_bytes())).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| StoreError::io(&private, e))?;
        let public = dir.join(PUBLIC_KEY_FILE);
        std::fs::write(&public, format!("{}\n", self.public_hex()))
            .map_err(|e| StoreError::io(&public, e))?;
        Ok((private, public))
    }

    /// Reads the private key from `dir/signing.key`.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(PRIVATE_KEY_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| StoreError::io(&path, e))?;
        let bytes = decode32(&path, &text)?;
        Ok(Self {
            signing: SigningKey::from_bytes(&bytes),
        })
    }

    /// Signs `message`; the signature in hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        use ed25519_dalek::Signer;
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

/// Reads a public key file (hex).
pub fn load_public_key(path: &Path) -> Result<VerifyingKey> {
    let text = std::fs::read_to_string(path).map_err(|e| StoreError::io(path, e))?;
    let bytes = decode32(path, &text)?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| StoreError::Key {
        path: path.to_owned(),
        message: format!("not an Ed25519 public key: {e}"),
    })
}

fn decode32(path: &Path, text: &str) -> Result<[u8; 32]> {
    let bytes = hex::decode(text.trim()).map_err(|e| StoreError::Key {
        path: path.to_owned(),
        message: format!("expected 64 hex digits: {e}"),
    })?;
    bytes.try_into().map_err(|_| StoreError::Key {
        path: path.to_owned(),
        message: "expected 32 bytes (64 hex digits)".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_private_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyPair::generate();
        let (private, public) = keys.write(dir.path()).unwrap();
        let loaded = KeyPair::load(dir.path()).unwrap();
        assert_eq!(loaded.public_hex(), keys.public_hex());
        let verifying = load_public_key(&public).unwrap();
        assert_eq!(hex::encode(verifying.to_bytes()), keys.public_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
