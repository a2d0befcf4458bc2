//! The URIs the server is configured with: its issuer and the resource
//! (the MCP endpoint) its tokens are for.

use http::Uri;

use crate::error::Error;

/// Checks the issuer: an http(s) URL without query or fragment (RFC 8414
/// section 2), returned without a trailing slash.
pub(crate) fn check_issuer(issuer: &str) -> Result<String, Error> {
    let uri = absolute(issuer, "issuer")?;
    if uri.query().is_some() {
        return Err(Error::config(format!(
            "the issuer `{issuer}` must not have a query"
        )));
    }
    Ok(issuer.trim_end_matches('/').to_owned())
}

/// Checks the resource: an absolute http(s) URI without fragment (RFC 8707).
pub(crate) fn check_resource(resource: &str) -> Result<String, Error> {
    absolute(resource, "resource")?;
    Ok(resource.to_owned())
}

fn absolute(text: &str, what: &str) -> Result<Uri, Error> {
    if text.contains('#') {
        return Err(Error::config(format!(
            "the {what} `{text}` must not have a fragment"
        )));
    }
    let uri: Uri = text
        .parse()
        .map_err(|_| Error::config(format!("the {what} `{text}` is not a valid URI")))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(uri),
        _ => Err(Error::config(format!(
            "the {what} `{text}` must be an absolute http or https URL"
        ))),
    }
}

/// The path of the issuer (`""` for an origin), under which the endpoints live.
pub(crate) fn issuer_path(issuer: &str) -> String {
    issuer
        .parse::<Uri>()
        .map(|u| u.path().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

/// Whether a client's `resource` names the configured one. Scheme and host
/// compare without case and a trailing slash is ignored, as the MCP
/// authorization spec asks servers to be lenient about both.
pub(crate) fn matches(configured: &str, presented: &str) -> bool {
    if configured == presented {
        return true;
    }
    match (configured.parse::<Uri>(), presented.parse::<Uri>()) {
        (Ok(a), Ok(b)) if !presented.contains('#') => normal(&a) == normal(&b),
        _ => false,
    }
}

fn normal(uri: &Uri) -> (String, String, String, Option<String>) {
    (
        uri.scheme_str().unwrap_or_default().to_ascii_lowercase(),
        uri.authority()
            .map(|a| a.as_str().to_ascii_lowercase())
            .unwrap_or_default(),
        uri.path().trim_end_matches('/').to_owned(),
        uri.query().map(str::to_owned),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_match_leniently_on_case_and_trailing_slash() {
        let r = "https://mcp.example.com/mcp";
        assert!(matches(r, "https://mcp.example.com/mcp"));
        assert!(matches(r, "HTTPS://MCP.Example.com/mcp/"));
        assert!(!matches(r, "https://mcp.example.com/MCP"));
        assert!(!matches(r, "https://mcp.example.com/mcp#x"));
        assert!(!matches(r, "https://other.example.com/mcp"));
        assert!(matches("http://127.0.0.1:9", "http://127.0.0.1:9/"));
    }

    #[test]
    fn issuers_and_resources_are_checked() {
        assert_eq!(
            check_issuer("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_issuer("https://as.example?x=1").is_err());
        assert!(check_issuer("as.example").is_err());
        assert!(check_issuer("ftp://as.example").is_err());
        assert!(check_resource("https://mcp.example/mcp#f").is_err());
        assert_eq!(issuer_path("https://as.example/tenant/"), "/tenant");
        assert_eq!(issuer_path("https://as.example"), "");
    }
}
