//! The key that signs access tokens.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::EncodePrivateKey as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// An Ed25519 key that signs the sandbox's access tokens (`alg: EdDSA`).
///
/// [`generate`](SigningKey::generate) makes a fresh one, so tokens die with the
/// process; [`from_seed`](SigningKey::from_seed) rebuilds the same key from 32
/// secret bytes, so tokens survive a restart. The key id (`kid`) is the RFC
/// 7638 thumbprint of the public key.
///
/// ```
/// use mcp_sandbox_oauth::SigningKey;
///
/// let key = SigningKey::from_seed([7; 32]).unwrap();
/// assert_eq!(key.key_id(), SigningKey::from_seed([7; 32]).unwrap().key_id());
/// assert_ne!(key.key_id(), SigningKey::generate().unwrap().key_id());
/// ```
#[derive(Clone)]
pub struct SigningKey {
    encoding: EncodingKey,
    public: [u8; 32],
    kid: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::key(format!("the operating system's random source failed: {e}")))?;
        Self::from_seed(seed)
    }

    /// The key whose 32-byte Ed25519 secret is `seed`.
    pub fn from_seed(seed: [u8; 32]) -> Result<Self, Error> {
        let secret = ed25519_dalek::SigningKey::from_bytes(&seed);
        let der = secret
            .to_pkcs8_der()
            .map_err(|e| Error::key(format!("cannot encode the Ed25519 key: {e}")))?;
        let public = secret.verifying_key().to_bytes();
        Ok(Self {
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            public,
            kid: thumbprint(&public),
        })
    }

    /// The key id (`kid`) put in every token header and in the JWKS.
    pub fn key_id(&self) -> &str {
        &self.kid
    }

    /// The key that verifies tokens signed with this one.
    pub fn decoding_key(&self) -> DecodingKey {
        DecodingKey::from_ed_der(&self.public)
    }

    /// The public key as a JSON Web Key (RFC 8037), as published at `/jwks`.
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(self.public),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        })
    }

    /// A JWT of `claims`, typed `at+jwt` as RFC 9068 asks of access tokens.
    pub(crate) fn sign(&self, claims: &impl Serialize) -> Result<String, Error> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        header.typ = Some("at+jwt".to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| Error::key(format!("cannot sign the access token: {e}")))
    }
}

/// RFC 7638: the SHA-256 of the required members, in lexicographic order.
fn thumbprint(public: &[u8; 32]) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(public)
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_tokens_verify_with_the_public_key_only() {
        let key = SigningKey::from_seed([1; 32]).unwrap();
        let token = key
            .sign(&serde_json::json!({"sub": "u", "exp": u64::MAX / 2}))
            .unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.key_id()));
        let mut validation = jsonwebtoken::Validation::new(Algorithm::EdDSA);
        validation.required_spec_claims.clear();
        let ok =
            jsonwebtoken::decode::<serde_json::Value>(&token, &key.decoding_key(), &validation);
        assert!(ok.is_ok());
        let other = SigningKey::from_seed([2; 32]).unwrap();
        let refused =
            jsonwebtoken::decode::<serde_json::Value>(&token, &other.decoding_key(), &validation);
        assert!(refused.is_err());
    }

    #[test]
    fn the_jwk_verifies_too() {
        let key = SigningKey::from_seed([3; 32]).unwrap();
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.jwk()).unwrap();
        let decoding = DecodingKey::from_jwk(&jwk).unwrap();
        let token = key
            .sign(&serde_json::json!({"sub": "u", "exp": u64::MAX / 2}))
            .unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::EdDSA);
        validation.required_spec_claims.clear();
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation).is_ok());
    }
}
