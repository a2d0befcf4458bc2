//! Access tokens: JWTs the resource server verifies on its own.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::error::Error;
use crate::server::SandboxOAuth;
use crate::user::SandboxUser;
use crate::{scope, secret};

/// An access token the server issued.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    access_token: String,
    expires_in: Duration,
    scopes: Vec<String>,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("expires_in", &self.expires_in)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl IssuedToken {
    /// The JWT, to send as `Authorization: Bearer TOKEN`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// How long it stays valid from now.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// The scopes it carries.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: String,
    scope: String,
    client_id: &'a str,
    #[serde(flatten)]
    account: Option<serde_json::Map<String, serde_json::Value>>,
}

impl SandboxOAuth {
    /// Signs an access token for `user`, issued to `client_id`.
    pub(crate) fn mint(
        &self,
        user: &SandboxUser,
        client_id: &str,
        scopes: &[String],
    ) -> Result<IssuedToken, Error> {
        let config = self.config();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let lifetime = config.lifetimes.access_token;
        let account = user.account_name().map(|account| {
            let mut claim = serde_json::Map::new();
            claim.insert(config.account_claim.clone(), account.into());
            claim
        });
        let claims = Claims {
            iss: &config.issuer,
            sub: user.id(),
            aud: &config.resource,
            iat: now,
            nbf: now,
            exp: now.saturating_add(lifetime.as_secs()),
            jti: secret::random()?,
            scope: scope::join(scopes),
            client_id,
            account,
        };
        Ok(IssuedToken {
            access_token: config.key.sign(&claims)?,
            expires_in: lifetime,
            scopes: scopes.to_vec(),
        })
    }
}
