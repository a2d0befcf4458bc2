//! The HTML the person sees: the consent page and the error page. Plain
//! forms, no scripts, nothing loaded from elsewhere.

use axum::body::Body;
use axum::response::Response;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::client::Origin;
use crate::grant::Pending;
use crate::scope;
use crate::user::SandboxUser;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;\
padding:0 1rem;line-height:1.5;color:#222}code{background:#f3f3f3;padding:0 .2rem;\
word-break:break-all}.note{background:#fff6d6;padding:.5rem .8rem;border-radius:4px}\
label{display:block;margin:.4rem 0;padding:.4rem;border:1px solid #ddd;border-radius:4px}\
label.off{color:#999}button{font-size:1rem;padding:.4rem 1.2rem;margin-right:.6rem}";

/// `text` safe inside HTML text and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    );
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // No framing (clickjacking of the approve button), no scripts, no
    // referrer leaking the request to the client's page.
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A page for an error that cannot go back to the client (no trustworthy
/// redirect URI): the person reads it.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Sign-in failed",
        &format!(
            "<h1>Sign-in failed</h1><p>{}</p><p>Close this page and start the sign-in \
             again from your MCP client.</p>",
            escape(message)
        ),
    )
}

/// Everything the consent page shows.
pub(crate) struct Consent<'a> {
    pub(crate) service: &'a str,
    pub(crate) resource: &'a str,
    pub(crate) action: &'a str,
    pub(crate) request_id: &'a str,
    pub(crate) pending: &'a Pending,
    pub(crate) users: &'a [SandboxUser],
}

/// The consent page: who asks, for what, and which sandbox user answers.
pub(crate) fn consent_page(consent: &Consent<'_>) -> Response {
    let pending = consent.pending;
    let client = &pending.client;
    let mut body = format!(
        "<h1>Sign in to {service}</h1><p><strong>{client}</strong> asks to use \
         <code>{resource}</code> on your behalf.</p>",
        service = escape(consent.service),
        client = escape(&client.name),
        resource = escape(consent.resource),
    );
    if client.origin == Origin::MetadataDocument {
        body.push_str(&format!(
            "<p class=\"note\">This client names itself by the URL <code>{}</code>. \
             The sandbox cannot fetch that document, so who the client is has not been \
             verified; the answer only goes to this computer.</p>",
            escape(&client.id)
        ));
    }
    body.push_str(&format!(
        "<p>After you answer, your browser returns to <code>{}</code>.</p>",
        escape(&pending.redirect_uri)
    ));
    match &pending.scopes {
        Some(scopes) => body.push_str(&format!(
            "<p>Access asked for: <code>{}</code></p>",
            escape(&scope::join(scopes))
        )),
        None => body.push_str(
            "<p>No particular access was asked for: the client gets \
                               whatever the user you pick may grant.</p>",
        ),
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"request\" \
         value=\"{id}\"><fieldset><legend>Sign in as</legend>",
        action = escape(consent.action),
        id = escape(consent.request_id),
    ));
    let mut first = true;
    for user in consent.users {
        let granted = scope::grant(pending.scopes.as_deref(), user.grantable_scopes());
        let account = user
            .account_name()
            .map(|a| format!(" &middot; account <code>{}</code>", escape(a)))
            .unwrap_or_default();
        if granted.is_empty() {
            body.push_str(&format!(
                "<label class=\"off\"><input type=\"radio\" name=\"user\" value=\"{id}\" \
                 disabled> {name}{account} &middot; may grant none of the access asked for\
                 </label>",
                id = escape(user.id()),
                name = escape(user.display_name()),
            ));
            continue;
        }
        body.push_str(&format!(
            "<label><input type=\"radio\" name=\"user\" value=\"{id}\"{checked}> \
             {name}{account} &middot; grants <code>{scopes}</code></label>",
            id = escape(user.id()),
            checked = if first { " checked" } else { "" },
            name = escape(user.display_name()),
            scopes = escape(&scope::join(&granted)),
        ));
        first = false;
    }
    body.push_str(
        "</fieldset><p><button type=\"submit\" name=\"decision\" value=\"approve\">Allow</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></p></form>",
    );
    page(
        StatusCode::OK,
        &format!("Sign in to {}", consent.service),
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
