//! PKCE (RFC 7636), S256 only: `plain` would hand the verifier to anyone who
//! sees the authorization request.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

fn unreserved(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Checks the `code_challenge` and `code_challenge_method` of an
/// authorization request.
pub(crate) fn check_challenge(challenge: Option<&str>, method: Option<&str>) -> Result<(), String> {
    let challenge = challenge.ok_or(
        "code_challenge is required: this server only issues codes to PKCE requests (S256)",
    )?;
    match method {
        Some("S256") => {}
        Some("plain") | None => {
            return Err(
                "code_challenge_method must be S256; plain PKCE is not accepted".to_owned(),
            );
        }
        Some(_) => return Err("code_challenge_method must be S256".to_owned()),
    }
    // BASE64URL(SHA256(verifier)) is always 43 characters.
    if challenge.len() != 43 || !unreserved(challenge) {
        return Err(
            "code_challenge must be the 43-character base64url SHA-256 of the code verifier"
                .to_owned(),
        );
    }
    Ok(())
}

/// Whether `verifier` is the one the S256 `challenge` was made from.
pub(crate) fn verify(verifier: &str, challenge: &str) -> Result<(), String> {
    if !(43..=128).contains(&verifier.len()) || !unreserved(verifier) {
        return Err(
            "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~".to_owned(),
        );
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if mcp_transport_http::auth::constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
        Ok(())
    } else {
        Err(
            "the code_verifier does not match the code_challenge of the authorization request"
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_example() {
        assert!(check_challenge(Some(CHALLENGE), Some("S256")).is_ok());
        assert!(verify(VERIFIER, CHALLENGE).is_ok());
        let wrong = "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(verify(wrong, CHALLENGE).is_err());
        assert!(verify("short", CHALLENGE).is_err());
    }

    #[test]
    fn plain_and_missing_challenges_are_refused() {
        assert!(check_challenge(Some(CHALLENGE), Some("plain")).is_err());
        assert!(check_challenge(Some(CHALLENGE), None).is_err());
        assert!(check_challenge(None, Some("S256")).is_err());
        assert!(check_challenge(Some("abc"), Some("S256")).is_err());
    }
}
