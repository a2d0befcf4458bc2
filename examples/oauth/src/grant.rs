//! What the server remembers between requests: registered clients, sign-ins
//! waiting for consent, authorization codes and refresh tokens.

use crate::client::Client;
use crate::store::ExpiringMap;

/// How many of each record are kept at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Registered clients (default 1000); the one closest to expiry makes room.
    pub clients: usize,
    /// Sign-in requests waiting on the consent page (default 1000).
    pub pending: usize,
    /// Authorization codes, used ones included until they expire (default 1000).
    pub codes: usize,
    /// Refresh tokens, used ones included until they expire (default 10000).
    pub refresh_tokens: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            clients: 1000,
            pending: 1000,
            codes: 1000,
            refresh_tokens: 10_000,
        }
    }
}

/// An authorization request that passed its checks and waits for the person
/// on the consent page.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) client: Client,
    pub(crate) redirect_uri: String,
    /// Whether the request named the redirect URI (then the token request must).
    pub(crate) redirect_given: bool,
    pub(crate) state: Option<String>,
    pub(crate) challenge: String,
    /// The scopes asked for; `None` when the request had no `scope`.
    pub(crate) scopes: Option<Vec<String>>,
}

/// A code handed to a client, until it is exchanged or expires.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) redirect_given: bool,
    pub(crate) challenge: String,
    pub(crate) user: String,
    pub(crate) scopes: Vec<String>,
    /// Set once exchanged: a second exchange revokes the refresh tokens issued
    /// from it (OAuth 2.1 section 4.1.3).
    pub(crate) used: bool,
    /// The lineage of refresh tokens that grew from this code.
    pub(crate) family: String,
}

/// A refresh token's grant.
#[derive(Debug, Clone)]
pub(crate) struct Refresh {
    pub(crate) client_id: String,
    pub(crate) user: String,
    /// The scopes of the original grant; a refresh may ask for fewer.
    pub(crate) scopes: Vec<String>,
    pub(crate) family: String,
    /// Set once rotated: presenting it again means it leaked, so the whole
    /// family is revoked.
    pub(crate) used: bool,
}

/// The records, behind one lock: no request holds it across an await.
#[derive(Debug)]
pub(crate) struct Records {
    /// By client id.
    pub(crate) clients: ExpiringMap<String, Client>,
    /// By the request id in the consent form.
    pub(crate) pending: ExpiringMap<[u8; 32], Pending>,
    /// By the digest of the code.
    pub(crate) codes: ExpiringMap<[u8; 32], Code>,
    /// By the digest of the refresh token.
    pub(crate) refresh: ExpiringMap<[u8; 32], Refresh>,
}

impl Records {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            clients: ExpiringMap::new(limits.clients),
            pending: ExpiringMap::new(limits.pending),
            codes: ExpiringMap::new(limits.codes),
            refresh: ExpiringMap::new(limits.refresh_tokens),
        }
    }

    /// Revokes every refresh token of `family`.
    pub(crate) fn revoke_family(&mut self, family: &str) {
        self.refresh.retain(|r| r.family != family);
    }
}
