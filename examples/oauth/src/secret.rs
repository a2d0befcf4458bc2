//! Secrets the server hands out (codes, refresh tokens, client secrets,
//! sign-in request ids) and how it recognises them again.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// 32 random bytes, base64url: 256 bits nobody can guess.
pub(crate) fn random() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::key(format!("the operating system's random source failed: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 of a secret. Stores key codes and tokens by digest, so a memory
/// dump holds nothing usable, and the map lookup works on values an attacker
/// cannot steer toward a stored one.
pub(crate) fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether `presented` is the secret whose digest is `stored`, in constant time.
pub(crate) fn matches(stored: &[u8; 32], presented: &str) -> bool {
    mcp_transport_http::auth::constant_time_eq(stored, &digest(presented))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_secrets_differ_and_match_their_digest() {
        let a = random().unwrap();
        let b = random().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(matches(&digest(&a), &a));
        assert!(!matches(&digest(&a), &b));
    }
}
