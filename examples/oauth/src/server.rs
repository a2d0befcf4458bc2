//! The authorization server: its configuration, its records, and the one-line
//! wiring of the resource server that trusts it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mcp_transport_http::auth::{Algorithm, OAuthResourceServer, ProtectedResource};

use crate::access::IssuedToken;
use crate::builder::{Lifetimes, SandboxOAuthBuilder};
use crate::error::{Error, ErrorKind};
use crate::grant::{Limits, Records};
use crate::key::SigningKey;
use crate::user::SandboxUser;

/// The checked settings.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) issuer: String,
    pub(crate) issuer_path: String,
    pub(crate) resource: String,
    pub(crate) name: String,
    pub(crate) users: Vec<SandboxUser>,
    pub(crate) scopes: Vec<String>,
    pub(crate) account_claim: String,
    pub(crate) key: SigningKey,
    pub(crate) lifetimes: Lifetimes,
    pub(crate) limits: Limits,
    pub(crate) metadata_documents: bool,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    records: Mutex<Records>,
}

/// A sandbox OAuth 2.1 authorization server for one MCP resource.
///
/// Cheap to clone (clones share the records). Mount
/// [`router`](Self::router) beside the MCP endpoint and authenticate the
/// endpoint with [`resource_server`](Self::resource_server); see the
/// [crate docs](crate) for the whole picture.
#[derive(Debug, Clone)]
pub struct SandboxOAuth {
    inner: Arc<Inner>,
}

impl SandboxOAuth {
    /// A server whose issuer is `issuer` (the public origin it is served at,
    /// such as `https://mcp.example.com`) and whose tokens are for `resource`
    /// (the canonical URI of the MCP endpoint, such as
    /// `https://mcp.example.com/mcp`).
    pub fn builder(issuer: impl Into<String>, resource: impl Into<String>) -> SandboxOAuthBuilder {
        SandboxOAuthBuilder::new(issuer.into(), resource.into())
    }

    pub(crate) fn from_config(config: Config) -> Self {
        let records = Mutex::new(Records::new(config.limits));
        Self {
            inner: Arc::new(Inner { config, records }),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The records; a panic elsewhere while holding the lock leaves them
    /// consistent enough (each change is one map operation), so poisoning is
    /// ignored rather than turned into a panic here.
    pub(crate) fn records(&self) -> MutexGuard<'_, Records> {
        self.inner
            .records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The issuer (`iss` of every token), without a trailing slash.
    pub fn issuer(&self) -> &str {
        &self.config().issuer
    }

    /// The resource the tokens are for (their `aud`).
    pub fn resource(&self) -> &str {
        &self.config().resource
    }

    /// The scopes the server knows.
    pub fn scopes(&self) -> &[String] {
        &self.config().scopes
    }

    /// The users who can sign in.
    pub fn users(&self) -> &[SandboxUser] {
        &self.config().users
    }

    /// The key that signs the tokens.
    pub fn signing_key(&self) -> &SigningKey {
        &self.config().key
    }

    pub(crate) fn user(&self, id: &str) -> Option<&SandboxUser> {
        self.users().iter().find(|u| u.id() == id)
    }

    /// A resource server that accepts exactly this server's tokens: audience,
    /// issuer, the Ed25519 key and the account claim, ready for
    /// `McpServiceBuilder::authenticator`.
    pub fn resource_server(&self) -> OAuthResourceServer {
        let config = self.config();
        OAuthResourceServer::new(&config.resource)
            .issuer(&config.issuer)
            .key(
                Algorithm::EdDSA,
                config.key.decoding_key(),
                Some(config.key.key_id()),
            )
            .account_claim(&config.account_claim)
    }

    /// RFC 9728 metadata naming this server and its scopes, ready for
    /// `McpServiceBuilder::protected_resource`.
    pub fn protected_resource(&self) -> ProtectedResource {
        ProtectedResource::new(&self.config().resource)
            .authorization_server(&self.config().issuer)
            .scopes(self.config().scopes.iter().cloned())
            .name(&self.config().name)
    }

    /// An access token for `user` with exactly `scopes`, without any browser:
    /// for scripts, tests and an example's `--issue-token` option. Its
    /// `client_id` claim is `sandbox-direct`.
    ///
    /// Fails when the user is unknown or may not grant one of the scopes, so a
    /// script learns of a typo instead of getting a weaker token.
    ///
    /// ```
    /// use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser};
    ///
    /// let oauth = SandboxOAuth::builder("http://127.0.0.1:8080", "http://127.0.0.1:8080/mcp")
    ///     .user(SandboxUser::new("ada").account("acme").scopes(["read", "write"]))
    ///     .build()
    ///     .unwrap();
    /// let token = oauth.issue_token("ada", ["read"]).unwrap();
    /// let caller = oauth.resource_server().validate(token.access_token()).unwrap();
    /// // Callers of bearer tokens are namespaced by their issuer.
    /// assert_eq!(caller.caller().id(), "oauth:http%3A//127.0.0.1%3A8080#ada");
    /// assert!(caller.caller().has_scope("read"));
    /// assert!(!caller.caller().has_scope("write"));
    /// assert!(oauth.issue_token("bob", ["read"]).is_err());
    /// ```
    pub fn issue_token<I, S>(&self, user: &str, scopes: I) -> Result<IssuedToken, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let found = self.user(user).ok_or_else(|| {
            let known: Vec<&str> = self.users().iter().map(SandboxUser::id).collect();
            Error::new(
                ErrorKind::UnknownUser,
                format!(
                    "no sandbox user `{user}`; the users are {}",
                    known.join(", ")
                ),
            )
        })?;
        let mut granted: Vec<String> = Vec::new();
        for s in scopes {
            let s = s.as_ref();
            if !found.grantable_scopes().iter().any(|g| g == s) {
                return Err(Error::new(
                    ErrorKind::Scope,
                    format!(
                        "user `{user}` may not grant `{s}`; they may grant: {}",
                        found.grantable_scopes().join(" ")
                    ),
                ));
            }
            if !granted.iter().any(|g| g == s) {
                granted.push(s.to_owned());
            }
        }
        self.mint(found, DIRECT_CLIENT_ID, &granted)
    }

    /// An access token for `user` with every scope they may grant, as an
    /// example's `--issue-token USER` prints it.
    ///
    /// Fails when the user is unknown, naming the users there are.
    ///
    /// ```
    /// use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser};
    ///
    /// let oauth = SandboxOAuth::builder("http://127.0.0.1:8080", "http://127.0.0.1:8080/mcp")
    ///     .user(SandboxUser::new("ada").scopes(["read", "write"]))
    ///     .build()
    ///     .unwrap();
    /// let token = oauth.issue_user_token("ada").unwrap();
    /// assert_eq!(token.scopes(), ["read", "write"]);
    /// let error = oauth.issue_user_token("bob").unwrap_err();
    /// assert!(error.to_string().contains("the users are ada"), "{error}");
    /// ```
    pub fn issue_user_token(&self, user: &str) -> Result<IssuedToken, Error> {
        let scopes: Vec<String> = self
            .user(user)
            .map(|u| u.grantable_scopes().to_vec())
            .unwrap_or_default();
        // An unknown user gets issue_token's message, which lists the users.
        self.issue_token(user, scopes)
    }

    /// What an example prints at start about signing in: the users to pick
    /// on the consent page, and `token_command` (a command line printing a
    /// token, such as `cargo run -q --example reteno -- --issue-token owner`)
    /// for curl.
    ///
    /// ```
    /// use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser};
    ///
    /// let oauth = SandboxOAuth::builder("http://127.0.0.1:8080", "http://127.0.0.1:8080/mcp")
    ///     .user(SandboxUser::new("ada").name("Ada (admin)").scopes(["read"]))
    ///     .build()
    ///     .unwrap();
    /// let text = oauth.sign_in_help("acme --issue-token ada");
    /// assert!(text.contains("pick a sandbox user: ada (Ada (admin))."), "{text}");
    /// assert!(text.contains("TOKEN=$(acme --issue-token ada)"), "{text}");
    /// ```
    pub fn sign_in_help(&self, token_command: &str) -> String {
        let users: Vec<String> = self
            .users()
            .iter()
            .map(|u| format!("{} ({})", u.id(), u.display_name()))
            .collect();
        format!(
            "Sign in with /mcp in Claude Code and pick a sandbox user: {}.\n\
             For curl: TOKEN=$({token_command})\n",
            users.join(", ")
        )
    }
}

/// The `client_id` claim of tokens from [`SandboxOAuth::issue_token`].
pub const DIRECT_CLIENT_ID: &str = "sandbox-direct";
