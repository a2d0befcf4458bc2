//! Authentication: who sent a request, from its headers.
//!
//! An [`Authenticator`] turns request headers into an [`Authentication`] (the
//! [`Caller`] and how it proved itself). Built in: [`ApiKeys`] (`x-api-key` or
//! `Authorization: Bearer`), [`BasicAuth`], [`OAuthResourceServer`] (bearer
//! JWTs) and [`FirstOf`], which tries several in turn. For credentials of your
//! own, [`bearer_token`] reads the `Authorization: Bearer` header and
//! [`constant_time_eq`] compares secrets without leaking timing.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use futures::future::{BoxFuture, FutureExt};
use http::header::AUTHORIZATION;
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue};
use mcp_tools::Caller;
use serde::Deserialize;
use subtle::ConstantTimeEq;

pub use jsonwebtoken::{Algorithm, DecodingKey};

use crate::header::X_API_KEY;

mod identity;
mod secrets;

use identity::escape;
pub use identity::{Authentication, CredentialKind};
use secrets::Secrets;

/// Credentials were sent but are not valid.
///
/// The message goes into the `error_description` of the 401 challenge: keep it
/// short and free of secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    message: String,
}

impl AuthError {
    /// Credentials were presented and refused.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// Why the credentials were refused.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuthError {}

/// What an authenticator concluded about one request.
pub type AuthResult = Result<Option<Authentication>, AuthError>;

/// Authenticates requests from their headers.
///
/// Returns `Ok(None)` when the request carries no credentials this
/// authenticator understands, `Ok(Some(_))` for a valid caller, and `Err` for
/// credentials that are present but invalid (401).
///
/// ```
/// use futures::future::{BoxFuture, FutureExt};
/// use mcp_tools::Caller;
/// use mcp_transport_http::auth::{AuthResult, Authenticator};
///
/// /// Trusts a header set by the proxy in front.
/// struct ProxyUser;
///
/// impl Authenticator for ProxyUser {
///     fn authenticate<'a>(&'a self, parts: &'a http::request::Parts) -> BoxFuture<'a, AuthResult> {
///         let user = parts.headers.get("x-forwarded-user").and_then(|v| v.to_str().ok());
///         let result = Ok(user.map(|u| Caller::new(u).into()));
///         async move { result }.boxed()
///     }
/// }
/// ```
pub trait Authenticator: Send + Sync + 'static {
    /// Looks at the request's method, URI and headers.
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult>;

    /// The same answer as [`authenticate`](Self::authenticate), when it can be
    /// given without waiting for anything (static keys and passwords); `None`
    /// (the default) when it cannot. The endpoint asks this first and awaits
    /// `authenticate` only on `None`, so that a ready answer costs no boxed
    /// future.
    fn authenticate_now(&self, parts: &Parts) -> Option<AuthResult> {
        let _ = parts;
        None
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Arc<A> {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        (**self).authenticate(parts)
    }

    fn authenticate_now(&self, parts: &Parts) -> Option<AuthResult> {
        (**self).authenticate_now(parts)
    }
}

impl Authenticator for Box<dyn Authenticator> {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        (**self).authenticate(parts)
    }

    fn authenticate_now(&self, parts: &Parts) -> Option<AuthResult> {
        (**self).authenticate_now(parts)
    }
}

/// The token of the request's `Authorization: Bearer TOKEN` header.
///
/// The scheme is matched case-insensitively and the token trimmed; a missing
/// header, another scheme, a value that is not visible ASCII or an empty token
/// all give `None`. Use it to write an [`Authenticator`] for your own bearer
/// credentials.
///
/// ```
/// use mcp_transport_http::auth::bearer_token;
///
/// let request = http::Request::builder()
///     .header("authorization", "bearer  abc123 ")
///     .body(())
///     .unwrap();
/// let (parts, ()) = request.into_parts();
/// assert_eq!(bearer_token(&parts), Some("abc123"));
/// ```
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Whether two secrets are equal, compared in constant time.
///
/// The time taken depends on the lengths only, never on where the contents
/// differ, so a caller guessing a secret learns nothing from how long a
/// refusal takes. The length itself is not hidden: compare fixed-length values
/// (digests, secrets of one documented length) when it matters. Built on the
/// `subtle` crate.
///
/// ```
/// use mcp_transport_http::auth::constant_time_eq;
///
/// assert!(constant_time_eq(b"s3cret", b"s3cret"));
/// assert!(!constant_time_eq(b"s3cret", b"s3creT"));
/// assert!(!constant_time_eq(b"s3cret", b"s3cret!"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

/// Static API keys, sent as `x-api-key: KEY` or `Authorization: Bearer KEY`.
///
/// Keys are kept as keyed 128-bit tags, never as they are, and a presented
/// key is compared with every one in constant time. The caller each key names
/// is put in its namespace (`key:`, see [`Authentication`]) once, when the
/// key is added.
///
/// ```
/// use mcp_tools::Caller;
/// use mcp_transport_http::auth::ApiKeys;
///
/// let keys = ApiKeys::new()
///     .key("k-live-123", Caller::new("ci-bot").with_scopes(["feedback:read"]));
/// # let _ = keys;
/// ```
#[derive(Clone, Default)]
pub struct ApiKeys {
    keys: Secrets<Authentication>,
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeys")
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl ApiKeys {
    /// No keys yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts `key` as `caller`.
    pub fn key(mut self, key: impl AsRef<[u8]>, caller: Caller) -> Self {
        self.keys.insert(
            key.as_ref(),
            Authentication::new(caller, CredentialKind::ApiKey),
        );
        self
    }
}

impl Authenticator for ApiKeys {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        let result = self.check(parts);
        async move { result }.boxed()
    }

    fn authenticate_now(&self, parts: &Parts) -> Option<AuthResult> {
        Some(self.check(parts))
    }
}

impl ApiKeys {
    fn check(&self, parts: &Parts) -> AuthResult {
        let presented = first_value(&parts.headers, &X_API_KEY)
            .map(|v| v.as_bytes())
            .or_else(|| bearer_token(parts).map(str::as_bytes));
        match presented {
            None => Ok(None),
            Some(key) => match self.keys.find(key) {
                Some(authentication) => Ok(Some(authentication.clone())),
                None => Err(AuthError::invalid("unknown API key")),
            },
        }
    }
}

/// The most headers a request may carry for [`first_value`] to compare their
/// names rather than look the name up.
const FEW_HEADERS: usize = 12;

/// The first value of `name`, as `headers.get(name)` finds it. A request
/// carries a handful of headers: comparing their names costs less than
/// hashing a custom name byte by byte for a look-up (measured: about 0.1 k
/// instructions per request with the API key among six headers); a request
/// with many is looked up.
fn first_value<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a HeaderValue> {
    if headers.len() > FEW_HEADERS {
        return headers.get(name);
    }
    headers
        .iter()
        .find_map(|(each, value)| (each == name).then_some(value))
}

/// HTTP Basic credentials (`Authorization: Basic base64(user:password)`).
///
/// Compared in constant time; only use over TLS.
#[derive(Clone, Default)]
pub struct BasicAuth {
    users: Secrets<Authentication>,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("users", &self.users.len())
            .finish()
    }
}

impl BasicAuth {
    /// No users yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts `user` with `password` as `caller`.
    pub fn user(mut self, user: &str, password: &str, caller: Caller) -> Self {
        self.users.insert(
            format!("{user}:{password}").as_bytes(),
            Authentication::new(caller, CredentialKind::Basic),
        );
        self
    }
}

impl Authenticator for BasicAuth {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        let result = self.check(parts);
        async move { result }.boxed()
    }

    fn authenticate_now(&self, parts: &Parts) -> Option<AuthResult> {
        Some(self.check(parts))
    }
}

impl BasicAuth {
    fn check(&self, parts: &Parts) -> AuthResult {
        let encoded = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
            .map(|(_, credentials)| credentials.trim());
        match encoded {
            None => Ok(None),
            Some(encoded) => match STANDARD.decode(encoded) {
                Err(_) => Err(AuthError::invalid("malformed Basic credentials")),
                Ok(decoded) => match self.users.find(&decoded) {
                    Some(authentication) => Ok(Some(authentication.clone())),
                    None => Err(AuthError::invalid("unknown user or wrong password")),
                },
            },
        }
    }
}

/// An OAuth 2.1 resource server: validates bearer JWTs (signature, expiry,
/// audience, issuer) with the `jsonwebtoken` crate.
///
/// The caller is `oauth:<iss>#<sub>` (each part escaped, see
/// [`Authentication`]), so subjects of different issuers never meet; scopes come from `scope` (space-separated)
/// or `scp` (a list); the account from a configurable claim.
///
/// ```
/// use mcp_transport_http::auth::{Algorithm, DecodingKey, OAuthResourceServer};
///
/// let oauth = OAuthResourceServer::new("https://mcp.example.com/mcp")
///     .issuer("https://auth.example.com")
///     .key(Algorithm::HS256, DecodingKey::from_secret(b"shared secret"), None);
/// # let _ = oauth;
/// ```
#[derive(Clone)]
pub struct OAuthResourceServer {
    audience: String,
    issuers: Vec<String>,
    keys: Vec<(Algorithm, DecodingKey, Option<String>)>,
    account_claim: Option<String>,
    leeway: u64,
}

impl fmt::Debug for OAuthResourceServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthResourceServer")
            .field("audience", &self.audience)
            .field("issuers", &self.issuers)
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<Vec<String>>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

impl OAuthResourceServer {
    /// Accepts tokens whose audience is `resource`: this server's canonical URI.
    pub fn new(resource: impl Into<String>) -> Self {
        Self {
            audience: resource.into(),
            issuers: Vec::new(),
            keys: Vec::new(),
            account_claim: None,
            leeway: 30,
        }
    }

    /// Accepts tokens from this issuer (`iss`); add every authorization server.
    /// Without any, the issuer is not checked.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// A verification key for `algorithm`, optionally bound to a key id (`kid`).
    pub fn key(mut self, algorithm: Algorithm, key: DecodingKey, kid: Option<&str>) -> Self {
        self.keys.push((algorithm, key, kid.map(str::to_owned)));
        self
    }

    /// The claim that names the caller's account (tenant).
    pub fn account_claim(mut self, claim: impl Into<String>) -> Self {
        self.account_claim = Some(claim.into());
        self
    }

    /// Clock skew tolerated on `exp` and `nbf`, in seconds (default 30).
    pub fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Validates one token.
    pub fn validate(&self, token: &str) -> Result<Authentication, AuthError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| AuthError::invalid("the bearer token is not a JWT"))?;
        let mut last = AuthError::invalid("no key verifies the token");
        for (alg, key, kid) in &self.keys {
            if *alg != header.alg || (kid.is_some() && header.kid.is_some() && *kid != header.kid) {
                continue;
            }
            let mut validation = jsonwebtoken::Validation::new(*alg);
            validation.leeway = self.leeway;
            validation.validate_nbf = true;
            validation.set_audience(&[&self.audience]);
            validation.set_required_spec_claims(&["exp", "aud", "sub"]);
            if !self.issuers.is_empty() {
                validation.set_issuer(&self.issuers);
            }
            match jsonwebtoken::decode::<Claims>(token, key, &validation) {
                Ok(data) => return Ok(self.caller(data.claims)),
                Err(e) => {
                    use jsonwebtoken::errors::ErrorKind;
                    last = AuthError::invalid(match e.kind() {
                        ErrorKind::ExpiredSignature => "the token has expired",
                        ErrorKind::InvalidAudience => "the token is for another resource",
                        ErrorKind::InvalidIssuer => "the token is from an unknown issuer",
                        ErrorKind::ImmatureSignature => "the token is not valid yet",
                        ErrorKind::InvalidSignature => "the token's signature is invalid",
                        _ => "the token is invalid",
                    });
                }
            }
        }
        Err(last)
    }

    fn caller(&self, claims: Claims) -> Authentication {
        let mut scopes: Vec<String> = claims
            .scope
            .as_deref()
            .unwrap_or("")
            .split_ascii_whitespace()
            .map(str::to_owned)
            .collect();
        scopes.extend(claims.scp.unwrap_or_default());
        let id = format!(
            "oauth:{}#{}",
            escape(claims.iss.as_deref().unwrap_or("")),
            escape(&claims.sub)
        );
        let mut caller = Caller::new(id).with_scopes(scopes);
        if let Some(account) = self
            .account_claim
            .as_ref()
            .and_then(|c| claims.rest.get(c))
            .and_then(|v| v.as_str())
        {
            caller = caller.with_account(account);
        }
        Authentication::namespaced(caller, CredentialKind::OAuth)
    }
}

impl Authenticator for OAuthResourceServer {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        let result = match bearer_token(parts) {
            None => Ok(None),
            Some(token) => self.validate(token).map(Some),
        };
        async move { result }.boxed()
    }
}

/// Tries authenticators in order: the first that recognises a caller wins.
///
/// When none recognises one, a refusal from any of them (invalid credentials)
/// is the answer; without credentials at all, there is no caller.
///
/// ```
/// use mcp_tools::Caller;
/// use mcp_transport_http::auth::{ApiKeys, BasicAuth, FirstOf};
///
/// let auth = FirstOf::new()
///     .with(ApiKeys::new().key("k-1", Caller::new("bot")))
///     .with(BasicAuth::new().user("ada", "s3cret", Caller::new("ada")));
/// # let _ = auth;
/// ```
#[derive(Default)]
pub struct FirstOf {
    inner: Vec<Box<dyn Authenticator>>,
}

impl fmt::Debug for FirstOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FirstOf")
            .field("authenticators", &self.inner.len())
            .finish()
    }
}

impl FirstOf {
    /// No authenticators yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an authenticator, tried after the ones before it.
    pub fn with(mut self, authenticator: impl Authenticator) -> Self {
        self.inner.push(Box::new(authenticator));
        self
    }
}

impl Authenticator for FirstOf {
    fn authenticate<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, AuthResult> {
        async move {
            let mut refusal = None;
            for authenticator in &self.inner {
                match authenticator.authenticate(parts).await {
                    Ok(Some(found)) => return Ok(Some(found)),
                    Ok(None) => {}
                    Err(e) => refusal = refusal.or(Some(e)),
                }
            }
            refusal.map_or(Ok(None), Err)
        }
        .boxed()
    }

    /// Ready when every authenticator asked is: the first that knows the
    /// request answers, as in `authenticate`.
    fn authenticate_now(&self, parts: &Parts) -> Option<AuthResult> {
        let mut refusal = None;
        for authenticator in &self.inner {
            match authenticator.authenticate_now(parts)? {
                Ok(Some(found)) => return Some(Ok(Some(found))),
                Ok(None) => {}
                Err(e) => refusal = refusal.or(Some(e)),
            }
        }
        Some(refusal.map_or(Ok(None), Err))
    }
}

/// RFC 9728 protected-resource metadata, served at
/// `/.well-known/oauth-protected-resource` and its path-suffixed form (for
/// `https://host/mcp`, `/.well-known/oauth-protected-resource/mcp`), each also
/// with a trailing slash, and named in every 401 challenge.
///
/// ```
/// use mcp_transport_http::auth::ProtectedResource;
///
/// let resource = ProtectedResource::new("https://mcp.example.com/mcp")
///     .authorization_server("https://auth.example.com")
///     .scopes(["feedback:read", "feedback:write"]);
/// assert_eq!(
///     resource.metadata_url(),
///     "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct ProtectedResource {
    resource: String,
    authorization_servers: Vec<String>,
    scopes: Vec<String>,
    name: Option<String>,
}

impl ProtectedResource {
    /// Metadata for `resource`, the canonical URI of this MCP server.
    pub fn new(resource: impl Into<String>) -> Self {
        Self {
            resource: resource.into(),
            authorization_servers: Vec::new(),
            scopes: Vec::new(),
            name: None,
        }
    }

    /// An authorization server that issues tokens for this resource.
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.authorization_servers.push(issuer.into());
        self
    }

    /// The scopes this resource understands (`scopes_supported`), also offered
    /// in 401 challenges.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// A human-readable name (`resource_name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The resource's canonical URI.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The scopes offered.
    pub fn scopes_supported(&self) -> &[String] {
        &self.scopes
    }

    fn split(&self) -> (&str, &str) {
        let after_scheme = self.resource.find("://").map_or(0, |i| i + 3);
        match self.resource[after_scheme..].find('/') {
            Some(slash) => self.resource.split_at(after_scheme + slash),
            None => (self.resource.as_str(), ""),
        }
    }

    /// The path-suffixed metadata URL: origin, `/.well-known/oauth-protected-resource`,
    /// then the resource's path.
    pub fn metadata_url(&self) -> String {
        let (origin, path) = self.split();
        format!(
            "{origin}/.well-known/oauth-protected-resource{}",
            path.trim_end_matches('/')
        )
    }

    /// The paths the metadata is served at (the service also accepts each
    /// with one trailing slash).
    pub(crate) fn metadata_paths(&self) -> [String; 2] {
        let (_, path) = self.split();
        [
            "/.well-known/oauth-protected-resource".to_owned(),
            format!(
                "/.well-known/oauth-protected-resource{}",
                path.trim_end_matches('/')
            ),
        ]
    }

    /// The metadata document.
    pub fn to_json(&self) -> serde_json::Value {
        let mut doc = serde_json::json!({
            "resource": self.resource,
            "authorization_servers": self.authorization_servers,
            "bearer_methods_supported": ["header"],
        });
        if !self.scopes.is_empty() {
            doc["scopes_supported"] = self.scopes.clone().into();
        }
        if let Some(name) = &self.name {
            doc["resource_name"] = name.clone().into();
        }
        doc
    }
}

#[cfg(test)]
mod tests;
