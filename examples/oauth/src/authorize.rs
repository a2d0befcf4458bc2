//! The authorization endpoint: checks the request, shows the consent page,
//! and sends the person back to the client with a code or an error.

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::header::LOCATION;
use http::{HeaderMap, HeaderValue, StatusCode, Uri};

use crate::client::{self, Client};
use crate::consent::{self, Consent};
use crate::form::{self, Params};
use crate::grant::{Code, Pending};
use crate::metadata::path;
use crate::register::is_content_type;
use crate::server::SandboxOAuth;
use crate::{pkce, resource, scope, secret};

/// The longest `state` echoed back.
const MAX_STATE: usize = 2048;

/// Why an authorization request ends.
enum Outcome {
    /// The client or redirect URI cannot be trusted: tell the person, never
    /// redirect (RFC 6749 section 4.1.2.1).
    Page(StatusCode, String),
    /// Back to the client with `error` (and the request's `state`).
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

impl Outcome {
    fn page(message: impl Into<String>) -> Self {
        Self::Page(StatusCode::BAD_REQUEST, message.into())
    }
}

pub(crate) async fn authorize(State(server): State<SandboxOAuth>, uri: Uri) -> Response {
    match server.begin(uri.query().unwrap_or_default()) {
        Ok(response) => response,
        Err(outcome) => server.finish(outcome, StatusCode::FOUND),
    }
}

pub(crate) async fn answer(
    State(server): State<SandboxOAuth>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match server.decide(&headers, &body) {
        Ok(response) => response,
        Err(outcome) => server.finish(outcome, StatusCode::SEE_OTHER),
    }
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = status;
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(LOCATION, value);
            response.headers_mut().insert(
                http::header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            );
            response
        }
        // Only reachable with a redirect URI that passed the checks yet is no
        // header value; the person still gets an answer.
        Err(_) => consent::error_page(
            StatusCode::BAD_REQUEST,
            "the redirect URI cannot be used in a Location header",
        ),
    }
}

impl SandboxOAuth {
    fn finish(&self, outcome: Outcome, status: StatusCode) -> Response {
        match outcome {
            Outcome::Page(status, message) => consent::error_page(status, &message),
            Outcome::Redirect {
                redirect_uri,
                state,
                error,
                description,
            } => {
                let mut params = vec![("error", error), ("error_description", &description)];
                if let Some(state) = &state {
                    params.push(("state", state));
                }
                params.push(("iss", self.issuer()));
                redirect(status, &form::append_query(&redirect_uri, &params))
            }
        }
    }

    fn find_client(&self, id: &str) -> Result<Client, Outcome> {
        if let Some(client) = self.records().clients.get(&id.to_owned()) {
            return Ok(client.clone());
        }
        if id.starts_with("https://") && self.config().metadata_documents {
            return Client::from_metadata_url(id)
                .map_err(|e| Outcome::page(format!("the client_id is not usable: {e}")));
        }
        Err(Outcome::page(
            "the client is not registered here (registrations are kept in memory and end \
             when the server restarts): let the client register again",
        ))
    }

    /// Checks an authorization request and shows the consent page.
    fn begin(&self, query: &str) -> Result<Response, Outcome> {
        let params = Params::parse(query)
            .map_err(|e| Outcome::page(format!("the authorization request is malformed: {e}")))?;
        let client_id = params
            .get("client_id")
            .ok_or_else(|| Outcome::page("the authorization request has no client_id"))?;
        let client = self.find_client(client_id)?;
        let (redirect_uri, redirect_given) = match params.get("redirect_uri") {
            Some(uri) if client.allows_redirect(uri) => (uri.to_owned(), true),
            Some(uri) => {
                return Err(Outcome::page(format!(
                    "the redirect_uri `{}` is not registered for this client",
                    client::shorten(uri)
                )));
            }
            None => match client.default_redirect() {
                Some(uri) => (uri.to_owned(), false),
                None => {
                    return Err(Outcome::page(
                        "the authorization request must name its redirect_uri",
                    ));
                }
            },
        };
        // From here on the redirect URI is trusted: errors go back to the client.
        let state = params.get("state").map(str::to_owned);
        let back = |error: &'static str, description: String| Outcome::Redirect {
            redirect_uri: redirect_uri.clone(),
            state: state.clone().filter(|s| s.len() <= MAX_STATE),
            error,
            description,
        };
        if state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
            return Err(back(
                "invalid_request",
                format!("state is longer than {MAX_STATE} characters"),
            ));
        }
        match params.get("response_type") {
            Some("code") => {}
            Some(_) => {
                return Err(back(
                    "unsupported_response_type",
                    "only response_type=code is supported".to_owned(),
                ));
            }
            None => {
                return Err(back(
                    "invalid_request",
                    "response_type=code is required".to_owned(),
                ));
            }
        }
        pkce::check_challenge(
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        )
        .map_err(|e| back("invalid_request", e))?;
        match params.get("resource") {
            Some(r) if resource::matches(self.resource(), r) => {}
            Some(r) => {
                return Err(back(
                    "invalid_target",
                    format!(
                        "this server issues tokens for `{}` only, not `{}`",
                        self.resource(),
                        client::shorten(r)
                    ),
                ));
            }
            None => {
                return Err(back(
                    "invalid_request",
                    format!(
                        "the resource parameter (RFC 8707) is required; this server issues \
                         tokens for `{}`",
                        self.resource()
                    ),
                ));
            }
        }
        let scopes = match params.get("scope") {
            None => None,
            Some(s) => {
                let asked = scope::parse(s).map_err(|e| back("invalid_scope", e))?;
                // Scopes the server does not know are dropped (RFC 6749
                // section 3.3 lets the server narrow the request).
                let known: Vec<String> = asked
                    .into_iter()
                    .filter(|s| self.scopes().contains(s))
                    .collect();
                if known.is_empty() {
                    return Err(back(
                        "invalid_scope",
                        format!(
                            "none of the scopes asked for is known; the scopes are: {}",
                            scope::join(self.scopes())
                        ),
                    ));
                }
                Some(known)
            }
        };
        let pending = Pending {
            client,
            redirect_uri: redirect_uri.clone(),
            redirect_given,
            state: state.clone(),
            challenge: params.get("code_challenge").unwrap_or_default().to_owned(),
            scopes,
        };
        let request_id = secret::random().map_err(|e| back("server_error", e.to_string()))?;
        let action = self.endpoint(path::CONSENT);
        let page = consent::consent_page(&Consent {
            service: &self.config().name,
            resource: self.resource(),
            action: &action,
            request_id: &request_id,
            pending: &pending,
            users: self.users(),
        });
        let lifetime = self.config().lifetimes.consent;
        self.records()
            .pending
            .insert(secret::digest(&request_id), pending, lifetime);
        Ok(page)
    }

    /// Applies the person's answer from the consent form.
    fn decide(&self, headers: &HeaderMap, body: &[u8]) -> Result<Response, Outcome> {
        if !is_content_type(headers, "application/x-www-form-urlencoded") {
            return Err(Outcome::page("the consent form must be posted as a form"));
        }
        let params = std::str::from_utf8(body)
            .map_err(|_| "the consent form is not UTF-8".to_owned())
            .and_then(Params::parse)
            .map_err(|e| Outcome::page(format!("the consent form is malformed: {e}")))?;
        let expired = || {
            Outcome::page(
                "this sign-in request has expired or was already answered; start the \
                 sign-in again from your MCP client",
            )
        };
        let key = secret::digest(params.get("request").ok_or_else(expired)?);
        let pending = self
            .records()
            .pending
            .get(&key)
            .cloned()
            .ok_or_else(expired)?;
        let back = |error: &'static str, description: String| Outcome::Redirect {
            redirect_uri: pending.redirect_uri.clone(),
            state: pending.state.clone(),
            error,
            description,
        };
        let user = match params.get("decision") {
            Some("deny") => {
                self.records().pending.remove(&key);
                return Err(back(
                    "access_denied",
                    "the person signing in denied access".to_owned(),
                ));
            }
            Some("approve") => params
                .get("user")
                .and_then(|id| self.user(id))
                .ok_or_else(|| Outcome::page("pick one of the sandbox users, then allow"))?,
            _ => return Err(Outcome::page("answer with Allow or Deny")),
        };
        // Answered once: a second post of the same form finds nothing.
        if self.records().pending.remove(&key).is_none() {
            return Err(expired());
        }
        let scopes = scope::grant(pending.scopes.as_deref(), user.grantable_scopes());
        if scopes.is_empty() {
            return Err(back(
                "invalid_scope",
                format!(
                    "user `{}` may grant none of the scopes asked for",
                    user.id()
                ),
            ));
        }
        let code = secret::random().map_err(|e| back("server_error", e.to_string()))?;
        let family = secret::random().map_err(|e| back("server_error", e.to_string()))?;
        let grant = Code {
            client_id: pending.client.id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            redirect_given: pending.redirect_given,
            challenge: pending.challenge.clone(),
            user: user.id().to_owned(),
            scopes,
            used: false,
            family,
        };
        let lifetime = self.config().lifetimes.code;
        self.records()
            .codes
            .insert(secret::digest(&code), grant, lifetime);
        tracing::info!(client_id = %pending.client.id, user = %user.id(), "authorization granted");
        let mut params = vec![("code", code.as_str())];
        if let Some(state) = &pending.state {
            params.push(("state", state));
        }
        params.push(("iss", self.issuer()));
        Ok(redirect(
            StatusCode::SEE_OTHER,
            &form::append_query(&pending.redirect_uri, &params),
        ))
    }
}
