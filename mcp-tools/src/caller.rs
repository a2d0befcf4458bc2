//! Who is calling: the authenticated identity a transport hands the server.

use std::collections::BTreeSet;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, OnceLock};

/// The authenticated caller of a request: identity, account (tenant) and scopes.
///
/// Transports build it from credentials; tools read it through [`ToolContext::caller`](crate::ToolContext::caller).
///
/// ```
/// use mcp_tools::Caller;
///
/// let caller = Caller::new("user-17").with_account("acme").with_scopes(["feedback:read"]);
/// assert!(caller.has_scope("feedback:read"));
/// assert!(!caller.has_scope("pii:read"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    id: Arc<str>,
    account: Option<Arc<str>>,
    scopes: Arc<BTreeSet<String>>,
    /// Keyed digests of `id` and of `account` (0 without one), made once with
    /// the caller: the rate limiter's map looks a caller up by them, and a
    /// caller authenticated by a static credential is made once and cloned
    /// for each request.
    digests: (u64, u64),
}

/// A keyed hash of a caller's id or account, under a key drawn at random
/// once per process: as hard to aim collisions at as a `HashMap`'s own.
fn digest(text: &str) -> u64 {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    KEY.get_or_init(RandomState::new).hash_one(text)
}

impl Caller {
    /// A caller with an identity and no scopes.
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        let id = id.into();
        let digests = (digest(&id), 0);
        Self {
            id,
            account: None,
            scopes: Arc::default(),
            digests,
        }
    }

    /// Sets the account (tenant) the caller acts in.
    pub fn with_account(mut self, account: impl Into<Arc<str>>) -> Self {
        let account = account.into();
        self.digests.1 = digest(&account);
        self.account = Some(account);
        self
    }

    /// Sets the caller's scopes.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Arc::new(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The caller's identity.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The account the caller acts in, if the server has accounts.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The caller's scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter().map(String::as_str)
    }

    /// Whether the caller holds `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    pub(crate) fn id_arc(&self) -> &Arc<str> {
        &self.id
    }

    pub(crate) fn account_arc(&self) -> Option<&Arc<str>> {
        self.account.as_ref()
    }

    /// The keyed digest of [`id`](Self::id): equal ids, equal digests.
    pub(crate) fn id_digest(&self) -> u64 {
        self.digests.0
    }

    /// The keyed digest of [`account`](Self::account).
    pub(crate) fn account_digest(&self) -> u64 {
        self.digests.1
    }
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller")
            .field("id", &self.id)
            .field("account", &self.account)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_follow_the_names() {
        let alice = Caller::new("alice").with_account("acme");
        let again = Caller::new(String::from("alice")).with_account(Arc::from("acme"));
        assert_eq!(alice.id_digest(), again.id_digest());
        assert_eq!(alice.account_digest(), again.account_digest());
        assert_eq!(alice, again);
        let bob = Caller::new("bob");
        assert_ne!(alice.id_digest(), bob.id_digest());
        assert_eq!(bob.account_digest(), 0);
        assert_eq!(alice.account_digest(), Caller::new("acme").id_digest());
    }
}
