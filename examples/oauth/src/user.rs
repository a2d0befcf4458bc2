//! The people who can sign in to the sandbox.

/// A sandbox user: picked on the consent page, or named in
/// [`issue_token`](crate::SandboxOAuth::issue_token).
///
/// Tokens carry the user's id as `sub`, the account in the configured account
/// claim, and only scopes the user may grant.
///
/// ```
/// use mcp_sandbox_oauth::SandboxUser;
///
/// let viewer = SandboxUser::new("viewer")
///     .name("Vera Viewer (read only)")
///     .account("acme")
///     .scopes(["contacts:read"]);
/// assert_eq!(viewer.id(), "viewer");
/// assert_eq!(viewer.grantable_scopes(), ["contacts:read"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxUser {
    id: String,
    name: Option<String>,
    account: Option<String>,
    scopes: Vec<String>,
}

impl SandboxUser {
    /// A user whose id (the `sub` of their tokens) is `id`, with no scopes yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
            account: None,
            scopes: Vec::new(),
        }
    }

    /// The name shown on the consent page (default: the id).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The account (tenant) the user acts on, put in the account claim.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// The scopes this user may grant to a client.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name shown on the consent page.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The account, when one was given.
    pub fn account_name(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The scopes this user may grant.
    pub fn grantable_scopes(&self) -> &[String] {
        &self.scopes
    }
}
