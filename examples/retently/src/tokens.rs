//! Personal access tokens: `rtly_mcp_pat_<id>_<secret>`, each with its scopes
//! and an expiry, checked as `Authorization: Bearer` credentials.
//!
//! The id names the token (it appears in the audit log as `pat:<id>`); the
//! secret proves it. Tokens are looked up by id and their secrets compared in
//! constant time, so a wrong secret takes as long to refuse as a right one
//! takes to accept.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::{BoxFuture, FutureExt};
use mcp_tools::Caller;
use mcp_transport_http::auth::{
    AuthError, AuthResult, Authentication, Authenticator, CredentialKind, bearer_token,
    constant_time_eq,
};

use crate::calendar::Timestamp;
use crate::catalog::SCOPES;

/// What every personal access token starts with.
pub const TOKEN_PREFIX: &str = "rtly_mcp_pat_";
/// Days a token lives unless told otherwise.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: u32 = 365;
/// The account every connection of the sandbox acts on.
pub const SANDBOX_ACCOUNT: &str = "demo account";

const MAX_ID_LEN: usize = 32;
const MIN_SECRET_LEN: usize = 16;
const MAX_SECRET_LEN: usize = 128;
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The lifetime of a token valid for `days` days.
pub fn lifetime(days: u32) -> Duration {
    DAY * days
}

/// Splits a token into its id and secret, checking the documented form.
pub fn split_token(token: &str) -> Result<(&str, &str), String> {
    let form = "personal access tokens look like rtly_mcp_pat_<id>_<secret>";
    let rest = token
        .strip_prefix(TOKEN_PREFIX)
        .ok_or_else(|| format!("the token does not start with {TOKEN_PREFIX}; {form}"))?;
    let (id, secret) = rest
        .split_once('_')
        .ok_or_else(|| format!("the token has no secret part; {form}"))?;
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "the token id must be 1 to {MAX_ID_LEN} letters and digits; {form}"
        ));
    }
    if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&secret.len())
        || !secret.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(format!(
            "the token secret must be {MIN_SECRET_LEN} to {MAX_SECRET_LEN} letters and digits; {form}"
        ));
    }
    Ok((id, secret))
}

/// Parses a comma-separated scope list, refusing scopes the server does not know.
pub fn parse_scopes(list: &str) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !SCOPES.contains(&scope) {
            return Err(format!(
                "unknown scope {scope:?}; the scopes are {}",
                SCOPES.join(", ")
            ));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    if scopes.is_empty() {
        return Err(format!(
            "give at least one scope after '='; the scopes are {}",
            SCOPES.join(", ")
        ));
    }
    Ok(scopes)
}

/// A token and the scopes it grants, as given on the command line
/// (`--pat TOKEN=SCOPE,SCOPE`), before it has an expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    /// The whole token.
    pub token: String,
    /// The scopes it grants.
    pub scopes: Vec<String>,
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("token", &"…")
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl std::str::FromStr for Grant {
    type Err = String;

    /// Parses `TOKEN=SCOPE,SCOPE…`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (token, scopes) = text
            .split_once('=')
            .ok_or("expected TOKEN=SCOPE,SCOPE… such as rtly_mcp_pat_ci_0123456789abcdef=feedback:read,reports:read")?;
        split_token(token)?;
        Ok(Self {
            token: token.to_owned(),
            scopes: parse_scopes(scopes)?,
        })
    }
}

/// A personal access token the server accepts.
#[derive(Clone)]
pub struct AccessToken {
    id: String,
    secret: String,
    scopes: Vec<String>,
    expires_at: SystemTime,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        f.debug_struct("AccessToken")
            .field("id", &self.id)
            .field("scopes", &self.scopes)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl AccessToken {
    /// A token from its text, granting `scopes` until `expires_at`.
    pub fn new(
        token: &str,
        scopes: impl IntoIterator<Item = impl Into<String>>,
        expires_at: SystemTime,
    ) -> Result<Self, String> {
        let (id, secret) = split_token(token)?;
        Ok(Self {
            id: id.to_owned(),
            secret: secret.to_owned(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            expires_at,
        })
    }

    /// A token as granted on the command line, valid for `lifetime` from now.
    pub fn from_grant(grant: &Grant, lifetime: Duration) -> Result<Self, String> {
        Self::new(
            &grant.token,
            grant.scopes.clone(),
            SystemTime::now() + lifetime,
        )
    }

    /// A fresh random token granting `scopes` for `lifetime`.
    pub fn mint(
        scopes: impl IntoIterator<Item = impl Into<String>>,
        lifetime: Duration,
    ) -> std::io::Result<Self> {
        let id = mcp_examples_support::cli::random_secret(4)?;
        let secret = mcp_examples_support::cli::random_secret(16)?;
        Self::new(
            &format!("{TOKEN_PREFIX}{id}_{secret}"),
            scopes,
            SystemTime::now() + lifetime,
        )
        .map_err(std::io::Error::other)
    }

    /// The token's text, to hand to a client.
    pub fn token(&self) -> String {
        format!("{TOKEN_PREFIX}{}_{}", self.id, self.secret)
    }

    /// The token's id (not secret).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The scopes it grants.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The expiry as ISO 8601 UTC.
    pub fn expires_at_iso(&self) -> String {
        iso(self.expires_at)
    }

    /// How a request with this token is authenticated: as the caller
    /// `pat:<id>`, in the namespace the SDK keeps for access tokens.
    pub fn authentication(&self) -> Authentication {
        let caller = Caller::new(self.id.as_str())
            .with_account(SANDBOX_ACCOUNT)
            .with_scopes(self.scopes.iter().cloned());
        Authentication::new(caller, CredentialKind::AccessToken)
    }

    /// The caller a request with this token acts as.
    pub fn caller(&self) -> Caller {
        self.authentication().caller().clone()
    }
}

fn iso(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Timestamp(secs).iso()
}

/// The personal access tokens a server accepts, as an [`Authenticator`] of
/// `Authorization: Bearer rtly_mcp_pat_…` headers.
///
/// Other bearer tokens (such as OAuth JWTs) are left to the next
/// authenticator; a token of the personal form that is malformed, unknown,
/// wrong or expired is refused with a 401 saying which.
#[derive(Debug, Clone, Default)]
pub struct AccessTokens {
    tokens: Vec<AccessToken>,
}

impl AccessTokens {
    /// No tokens yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts one more token. A token with the id of an earlier one replaces it.
    pub fn with(mut self, token: AccessToken) -> Self {
        self.tokens.retain(|t| t.id != token.id);
        self.tokens.push(token);
        self
    }

    /// Checks a presented token at `now`.
    pub fn check(&self, presented: &str, now: SystemTime) -> Result<&AccessToken, AuthError> {
        let (id, secret) = split_token(presented).map_err(AuthError::invalid)?;
        let found = self
            .tokens
            .iter()
            .find(|t| t.id == id)
            .filter(|t| constant_time_eq(t.secret.as_bytes(), secret.as_bytes()))
            .ok_or_else(|| {
                AuthError::invalid("unknown or revoked personal access token; create a new one")
            })?;
        if now >= found.expires_at {
            return Err(AuthError::invalid(format!(
                "the personal access token expired at {}; create a new one",
                found.expires_at_iso()
            )));
        }
        Ok(found)
    }
}

impl Authenticator for AccessTokens {
    fn authenticate<'a>(&'a self, parts: &'a http::request::Parts) -> BoxFuture<'a, AuthResult> {
        let result = match bearer_token(parts) {
            Some(token) if token.starts_with(TOKEN_PREFIX) => self
                .check(token, SystemTime::now())
                .map(|t| Some(t.authentication())),
            _ => Ok(None),
        };
        async move { result }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "rtly_mcp_pat_ci01_0123456789abcdefABCDEF";

    #[test]
    fn tokens_have_the_documented_form() {
        assert_eq!(
            split_token(TOKEN).unwrap(),
            ("ci01", "0123456789abcdefABCDEF")
        );
        for bad in [
            "ghp_0123456789abcdef",
            "rtly_mcp_pat_ci01",
            "rtly_mcp_pat__0123456789abcdef",
            "rtly_mcp_pat_ci01_short",
            "rtly_mcp_pat_ci-01_0123456789abcdef",
            "rtly_mcp_pat_ci01_0123456789abcdef!",
        ] {
            assert!(split_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn grants_refuse_unknown_scopes() {
        let grant: Grant = format!("{TOKEN}=feedback:read, reports:read,feedback:read")
            .parse()
            .unwrap();
        assert_eq!(grant.scopes, ["feedback:read", "reports:read"]);
        let err = format!("{TOKEN}=feedback:read,feedback:write")
            .parse::<Grant>()
            .unwrap_err();
        assert!(err.starts_with("unknown scope \"feedback:write\""), "{err}");
        assert!(err.contains("pii:write"));
        assert!(format!("{TOKEN}=").parse::<Grant>().is_err());
        assert!(TOKEN.parse::<Grant>().is_err());
    }

    #[test]
    fn minted_tokens_check_and_expire() {
        let minted = AccessToken::mint(["feedback:read"], lifetime(1)).unwrap();
        let other = AccessToken::mint(["reports:read"], lifetime(1)).unwrap();
        assert_ne!(minted.token(), other.token());
        let tokens = AccessTokens::new().with(minted.clone());
        let now = SystemTime::now();
        let found = tokens.check(&minted.token(), now).unwrap();
        assert_eq!(found.caller().id(), format!("pat:{}", minted.id()));
        assert_eq!(found.caller().account(), Some(SANDBOX_ACCOUNT));
        assert!(found.caller().has_scope("feedback:read"));
        // Right id, wrong secret.
        let forged = format!("{TOKEN_PREFIX}{}_{}", minted.id(), "f".repeat(32));
        assert!(tokens.check(&forged, now).is_err());
        assert!(tokens.check(&other.token(), now).is_err());
        let err = tokens
            .check(&minted.token(), now + lifetime(2))
            .unwrap_err();
        assert!(err.message().contains("expired"), "{err}");
    }
}
