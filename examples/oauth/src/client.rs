//! Clients: who may ask for a code, where the code may be sent, and how a
//! client proves itself at the token endpoint.

use http::Uri;

/// The longest redirect URI or client id URL accepted.
const MAX_URI: usize = 2048;

/// How a client authenticates at the token endpoint (RFC 7591
/// `token_endpoint_auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    /// A public client: `client_id` only, PKCE is its proof.
    None,
    /// `client_id` and `client_secret` in the form body.
    SecretPost,
    /// `client_id:client_secret` in an `Authorization: Basic` header.
    SecretBasic,
}

impl AuthMethod {
    pub(crate) const NAMES: [&'static str; 3] =
        ["none", "client_secret_post", "client_secret_basic"];

    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "none" => Some(Self::None),
            "client_secret_post" => Some(Self::SecretPost),
            "client_secret_basic" => Some(Self::SecretBasic),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::SecretPost => "client_secret_post",
            Self::SecretBasic => "client_secret_basic",
        }
    }
}

/// Where a client came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Registered with `/register` (RFC 7591).
    Registered,
    /// An https URL used as client id (a client ID metadata document) that the
    /// sandbox cannot fetch: it may only use loopback redirect URIs.
    MetadataDocument,
}

/// A client the server knows.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) refresh: bool,
    pub(crate) auth_method: AuthMethod,
    /// SHA-256 of the client secret, for clients that have one.
    pub(crate) secret_digest: Option<[u8; 32]>,
    pub(crate) origin: Origin,
}

impl Client {
    /// A client named by its metadata document URL, which must be https with a
    /// path, as the client ID metadata document draft requires.
    pub(crate) fn from_metadata_url(id: &str) -> Result<Self, String> {
        let uri = parse(id)?;
        if uri.scheme_str() != Some("https") {
            return Err("a URL client_id must use https".to_owned());
        }
        if uri.path() == "/" || uri.path().is_empty() {
            return Err("a URL client_id must have a path".to_owned());
        }
        if id.contains('#') {
            return Err("a URL client_id must not have a fragment".to_owned());
        }
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        Ok(Self {
            id: id.to_owned(),
            name: host,
            redirect_uris: Vec::new(),
            refresh: true,
            auth_method: AuthMethod::None,
            secret_digest: None,
            origin: Origin::MetadataDocument,
        })
    }

    /// Whether a code may be sent to `presented`.
    pub(crate) fn allows_redirect(&self, presented: &str) -> bool {
        match self.origin {
            Origin::Registered => self
                .redirect_uris
                .iter()
                .any(|registered| redirect_matches(registered, presented)),
            // Unverified clients only get codes delivered to the machine the
            // person signing in sits at, where no third party can catch them.
            Origin::MetadataDocument => {
                check_redirect_uri(presented).is_ok() && is_loopback(presented)
            }
        }
    }

    /// The redirect URI used when the request names none: allowed only when
    /// there is exactly one registered (OAuth 2.1 section 4.1.1).
    pub(crate) fn default_redirect(&self) -> Option<&str> {
        match (self.origin, self.redirect_uris.as_slice()) {
            (Origin::Registered, [only]) => Some(only),
            _ => None,
        }
    }
}

fn parse(uri: &str) -> Result<Uri, String> {
    if uri.len() > MAX_URI {
        return Err(format!("the URI is longer than {MAX_URI} characters"));
    }
    let parsed: Uri = uri
        .parse()
        .map_err(|_| format!("`{}` is not a valid absolute URI", shorten(uri)))?;
    let authority = parsed
        .authority()
        .ok_or_else(|| format!("`{}` is not an absolute URI", shorten(uri)))?;
    if authority.as_str().contains('@') {
        return Err("the URI must not carry user information".to_owned());
    }
    if parsed.host().is_none_or(str::is_empty) {
        return Err(format!("`{}` has no host", shorten(uri)));
    }
    Ok(parsed)
}

/// Checks a redirect URI as OAuth 2.1 and RFC 8252 want it: https, or http on
/// a loopback host (native clients listen on a local port), no fragment.
pub(crate) fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri.contains('#') {
        return Err(format!(
            "the redirect URI `{}` must not have a fragment",
            shorten(uri)
        ));
    }
    let parsed = parse(uri)?;
    match parsed.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if is_loopback_host(parsed.host().unwrap_or_default()) => Ok(()),
        Some("http") => Err(format!(
            "the redirect URI `{}` must use https; plain http is only allowed on \
             localhost, 127.0.0.1 or [::1]",
            shorten(uri)
        )),
        _ => Err(format!(
            "the redirect URI `{}` must use https (or http on a loopback host)",
            shorten(uri)
        )),
    }
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost" || host == "[::1]" || host == "::1" || is_ipv4_loopback(&host)
}

fn is_ipv4_loopback(host: &str) -> bool {
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `uri` is an http URI on a loopback host.
pub(crate) fn is_loopback(uri: &str) -> bool {
    parse(uri).is_ok_and(|u| {
        u.scheme_str() == Some("http") && is_loopback_host(u.host().unwrap_or_default())
    })
}

/// Exact match, except that loopback redirect URIs may differ in port: a
/// native client picks a free port each time (RFC 8252 section 7.3).
pub(crate) fn redirect_matches(registered: &str, presented: &str) -> bool {
    if registered == presented {
        return true;
    }
    if !is_loopback(registered) || !is_loopback(presented) {
        return false;
    }
    match (parse(registered), parse(presented)) {
        (Ok(a), Ok(b)) => {
            a.host().map(str::to_ascii_lowercase) == b.host().map(str::to_ascii_lowercase)
                && a.path_and_query() == b.path_and_query()
        }
        _ => false,
    }
}

/// At most 80 characters of `text`, for messages.
pub(crate) fn shorten(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 80 {
            out.push_str("...");
            break;
        }
        out.push(if c.is_control() { '?' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_must_be_https_or_loopback_http() {
        assert!(check_redirect_uri("https://app.example/cb").is_ok());
        assert!(check_redirect_uri("http://localhost:3000/callback").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:51234/cb").is_ok());
        assert!(check_redirect_uri("http://[::1]:8080/cb").is_ok());
        assert!(check_redirect_uri("http://app.example/cb").is_err());
        assert!(check_redirect_uri("https://app.example/cb#frag").is_err());
        assert!(check_redirect_uri("https://user@app.example/cb").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
        assert!(check_redirect_uri("/relative").is_err());
        assert!(check_redirect_uri("").is_err());
        assert!(check_redirect_uri(&format!("https://a.example/{}", "x".repeat(3000))).is_err());
    }

    #[test]
    fn loopback_ports_may_vary() {
        assert!(redirect_matches(
            "http://127.0.0.1:1000/cb",
            "http://127.0.0.1:2000/cb"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1:1000/cb",
            "http://127.0.0.1:2000/other"
        ));
        assert!(!redirect_matches(
            "https://a.example/cb",
            "https://a.example/cb2"
        ));
        assert!(!redirect_matches(
            "https://a.example:443/cb",
            "https://a.example:444/cb"
        ));
        assert!(!redirect_matches(
            "http://localhost:1/cb",
            "http://127.0.0.1:1/cb"
        ));
    }

    #[test]
    fn metadata_document_clients() {
        assert!(Client::from_metadata_url("https://app.example/client.json").is_ok());
        assert!(Client::from_metadata_url("https://app.example").is_err());
        assert!(Client::from_metadata_url("http://app.example/c.json").is_err());
        let client = Client::from_metadata_url("https://App.example/c.json").unwrap();
        assert_eq!(client.name, "app.example");
        assert!(client.allows_redirect("http://localhost:4444/callback"));
        assert!(!client.allows_redirect("https://evil.example/callback"));
    }
}
