//! Who an authentication names: the caller, under an id that says which kind
//! of credential proved it.

use mcp_tools::Caller;

/// How a caller proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialKind {
    /// A static API key.
    ApiKey,
    /// HTTP Basic credentials.
    Basic,
    /// An OAuth bearer token: a caller lacking a tool's scope gets the 403
    /// `insufficient_scope` step-up challenge instead of a `Forbidden` envelope.
    OAuth,
    /// A personal access token issued by the server itself.
    AccessToken,
    /// Anything else (a custom authenticator).
    Custom,
}

impl CredentialKind {
    /// The prefix of the caller ids of this kind.
    fn namespace(self) -> Option<&'static str> {
        match self {
            Self::ApiKey => Some("key:"),
            Self::Basic => Some("basic:"),
            Self::OAuth => Some("oauth:"),
            Self::AccessToken => Some("pat:"),
            Self::Custom => None,
        }
    }
}

/// An authenticated request: the caller and the kind of credential.
///
/// Caller ids are unambiguous by construction: the id the authenticator
/// names is put in its kind's namespace (`key:`, `basic:`, `oauth:`, `pat:`),
/// with `%`, `:` and `#` percent-escaped, so that no credential of one kind can
/// name a caller of another (a JWT with `sub: "pat:p1"` is
/// `oauth:<issuer>#pat%3Ap1`, never the access token `pat:p1`). A
/// [`Custom`](CredentialKind::Custom) id is kept as it is when it has no `:`,
/// and is put under `custom:` otherwise, so it cannot take a namespaced id
/// either.
///
/// ```
/// use mcp_tools::Caller;
/// use mcp_transport_http::auth::{Authentication, CredentialKind};
///
/// let key = Authentication::new(Caller::new("ci-bot"), CredentialKind::ApiKey);
/// assert_eq!(key.caller().id(), "key:ci-bot");
/// let forged = Authentication::new(Caller::new("key:ci-bot"), CredentialKind::Custom);
/// assert_eq!(forged.caller().id(), "custom:key%3Aci-bot");
/// ```
#[derive(Debug, Clone)]
pub struct Authentication {
    caller: Caller,
    kind: CredentialKind,
}

impl Authentication {
    /// An authentication whose caller id the authenticator already put in
    /// `kind`'s namespace (OAuth, whose ids have two parts).
    pub(super) fn namespaced(caller: Caller, kind: CredentialKind) -> Self {
        Self { caller, kind }
    }

    /// A caller authenticated with a credential of `kind`; its id is put in
    /// the kind's namespace.
    pub fn new(caller: Caller, kind: CredentialKind) -> Self {
        let id = match kind.namespace() {
            Some(namespace) => format!("{namespace}{}", escape(caller.id())),
            None if !caller.id().contains(':') => return Self { caller, kind },
            None => format!("custom:{}", escape(caller.id())),
        };
        Self {
            caller: renamed(&caller, id),
            kind,
        }
    }

    /// The same caller, acting on `account`.
    pub fn with_account(mut self, account: &str) -> Self {
        self.caller = self.caller.with_account(account);
        self
    }

    /// The caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// How the caller proved itself.
    pub fn kind(&self) -> CredentialKind {
        self.kind
    }

    pub(crate) fn into_caller(self) -> Caller {
        self.caller
    }
}

impl From<Caller> for Authentication {
    fn from(caller: Caller) -> Self {
        Self::new(caller, CredentialKind::Custom)
    }
}

/// `caller` under the id `id`, with its account and scopes.
fn renamed(caller: &Caller, id: String) -> Caller {
    let mut renamed = Caller::new(id).with_scopes(caller.scopes().map(str::to_owned));
    if let Some(account) = caller.account() {
        renamed = renamed.with_account(account);
    }
    renamed
}

/// Percent-escapes what separates the parts of a namespaced caller id (`:`
/// and `#`), the escape character itself, and anything not visible ASCII.
pub(super) fn escape(part: &str) -> String {
    let mut escaped = String::with_capacity(part.len());
    for byte in part.bytes() {
        if byte.is_ascii_graphic() && !matches!(byte, b'%' | b':' | b'#') {
            escaped.push(char::from(byte));
        } else {
            escaped.push_str(&format!("%{byte:02X}"));
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str, kind: CredentialKind) -> String {
        Authentication::new(Caller::new(raw), kind)
            .caller()
            .id()
            .to_owned()
    }

    #[test]
    fn each_kind_has_its_own_namespace() {
        assert_eq!(id("p1", CredentialKind::AccessToken), "pat:p1");
        assert_eq!(id("bot", CredentialKind::ApiKey), "key:bot");
        assert_eq!(id("ada", CredentialKind::Basic), "basic:ada");
        assert_eq!(id("plain", CredentialKind::Custom), "plain");
    }

    #[test]
    fn no_kind_can_name_a_caller_of_another() {
        let kinds = [
            CredentialKind::ApiKey,
            CredentialKind::Basic,
            CredentialKind::OAuth,
            CredentialKind::AccessToken,
            CredentialKind::Custom,
        ];
        let raws = [
            "p1",
            "pat:p1",
            "key:p1",
            "custom:pat%3Ap1",
            "a#b",
            "%3A",
            ":",
            "",
        ];
        let mut seen = std::collections::HashMap::new();
        for kind in kinds {
            for raw in raws {
                let named = id(raw, kind);
                if let Some(earlier) = seen.insert(named.clone(), (kind, raw)) {
                    panic!("{earlier:?} and {:?} are both {named}", (kind, raw));
                }
            }
        }
        // The issue's case: a subject that looks like an access token.
        assert_eq!(id("pat:p1", CredentialKind::OAuth), "oauth:pat%3Ap1");
        assert_ne!(
            id("pat:p1", CredentialKind::OAuth),
            id("p1", CredentialKind::AccessToken)
        );
    }

    #[test]
    fn the_account_and_scopes_are_kept() {
        let auth = Authentication::new(
            Caller::new("bot")
                .with_account("acme")
                .with_scopes(["read"]),
            CredentialKind::ApiKey,
        )
        .with_account("other");
        assert_eq!(auth.caller().id(), "key:bot");
        assert_eq!(auth.caller().account(), Some("other"));
        assert!(auth.caller().has_scope("read"));
    }

    #[test]
    fn escapes_separators_and_invisible_bytes() {
        assert_eq!(escape("a:b#c%d e\u{e9}"), "a%3Ab%23c%25d%20e%C3%A9");
    }
}
