//! Who is calling: the authenticated identity a transport hands the server.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

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
}

impl Caller {
    /// A caller with an identity and no scopes.
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        Self {
            id: id.into(),
            account: None,
            scopes: Arc::default(),
        }
    }

    /// Sets the account (tenant) the caller acts in.
    pub fn with_account(mut self, account: impl Into<Arc<str>>) -> Self {
        self.account = Some(account.into());
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
