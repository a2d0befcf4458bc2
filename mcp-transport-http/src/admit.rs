//! Credentials in, the server's admission decision out, and its refusals
//! translated to HTTP: 401 with a `WWW-Authenticate` challenge, 403
//! `insufficient_scope`, 429 with `Retry-After`. The decision is the server's.

use std::sync::Arc;

use http::header::WWW_AUTHENTICATE;
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};
use mcp_tools::Caller;
use mcp_tools::transport::jsonrpc::{ErrorObject, Message, RequestId};
use mcp_tools::transport::{Admitted, Carriage, Credentials, RateStatus, Refusal};

use crate::auth::{Authentication, CredentialKind};
use crate::body::McpBody;
use crate::endpoint::{Connection, Endpoint};
use crate::header::quoted;
use crate::response::rpc_error;

/// What authentication found, done once per request and kept in its extensions.
#[derive(Clone)]
pub(crate) struct Authenticated {
    pub(crate) credentials: Credentials,
    /// For a request served without a caller: its own channel (its
    /// connection's, under `serve()`), so that anonymous clients
    /// cannot cancel each other's requests. Callers are their own channel.
    anonymous_channel: Arc<str>,
}

impl Authenticated {
    /// The caller whose budget every answer reports. Credentials that were
    /// refused report the unauthenticated budget, as missing ones do: the
    /// request was served (and counted) as nobody's.
    pub(crate) fn reported(&self) -> Option<&Caller> {
        match &self.credentials {
            Credentials::Valid { caller, .. } => Some(caller),
            _ => None,
        }
    }
}

/// Who a request is served as, once admitted.
#[derive(Clone)]
pub(crate) struct Identity {
    pub(crate) admitted: Admitted,
    pub(crate) channel: Option<Arc<str>>,
}

impl Identity {
    pub(crate) fn new(admitted: Admitted, authenticated: &Authenticated) -> Self {
        Self::on(admitted, &authenticated.anonymous_channel)
    }

    /// Served as `admitted`; `anonymous_channel` is its channel when it has
    /// no caller.
    fn on(admitted: Admitted, anonymous_channel: &Arc<str>) -> Self {
        let channel = admitted
            .caller()
            .is_none()
            .then(|| anonymous_channel.clone());
        Self { admitted, channel }
    }

    pub(crate) fn caller(&self) -> Option<&Caller> {
        self.admitted.caller()
    }

    pub(crate) fn id(&self) -> Option<&str> {
        self.caller().map(Caller::id)
    }

    pub(crate) fn owner(&self) -> Option<Arc<str>> {
        self.id().map(Arc::from)
    }
}

impl Endpoint {
    /// Authenticates a request, once. `connection`: the connection it came
    /// on, when `serve` accepted it (requests without a caller or session are
    /// scoped to it); without one, the request is a channel of its own.
    pub(crate) async fn authenticate(
        &self,
        parts: &Parts,
        connection: Option<&Connection>,
    ) -> Authenticated {
        if let Some(done) = parts.extensions.get::<Authenticated>() {
            return done.clone();
        }
        let result = match &self.authenticator {
            None => None,
            // A ready answer skips the boxed future.
            Some(authenticator) => Some(match authenticator.authenticate_now(parts) {
                Some(ready) => ready,
                None => authenticator.authenticate(parts).await,
            }),
        };
        let credentials = match result {
            None => Credentials::Unchecked,
            Some(result) => match result {
                Ok(Some(found)) => {
                    let step_up = found.kind() == CredentialKind::OAuth;
                    Credentials::Valid {
                        caller: Authentication::into_caller(found),
                        step_up,
                    }
                }
                Ok(None) => Credentials::Missing,
                Err(refusal) => Credentials::Refused {
                    reason: refusal.message().to_owned(),
                },
            },
        };
        let anonymous_channel = match connection {
            Some(Connection(id)) => id.clone(),
            None => Arc::from(format!("request-{}", crate::random_token(12))),
        };
        Authenticated {
            credentials,
            anonymous_channel,
        }
    }

    /// Asks the server to admit a request body; the identity to serve it as,
    /// or the HTTP answer to the refusal. `stateless`: a 2026-07-28 request,
    /// which never belongs to a session. The credentials are handed over as
    /// they are, not copied.
    pub(crate) async fn admit(
        &self,
        messages: &[&Message],
        authenticated: Authenticated,
        stateless: bool,
        id: Option<RequestId>,
    ) -> Result<Identity, Box<Response<McpBody>>> {
        let carriage = if self.sessions_on && !stateless {
            Carriage::in_session()
        } else {
            Carriage::sessionless()
        };
        let Authenticated {
            credentials,
            anonymous_channel,
        } = authenticated;
        match self.server.admit(messages, credentials, carriage).await {
            Ok(admitted) => Ok(Identity::on(admitted, &anonymous_channel)),
            Err(refusal) => Err(Box::new(self.refused(id, &refusal))),
        }
    }

    /// The HTTP answer to a refusal.
    pub(crate) fn refused(&self, id: Option<RequestId>, refusal: &Refusal) -> Response<McpBody> {
        match refusal {
            Refusal::Unauthenticated { reason, scopes } => {
                self.unauthorized(id, reason.as_deref(), &scopes.join(" "))
            }
            Refusal::InsufficientScope { tool, scopes } => {
                self.insufficient_scope(id, tool, &scopes.join(" "), refusal)
            }
            Refusal::RateLimited(status) => {
                let mut response = rpc_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    id,
                    ErrorObject::invalid_request(refusal.message()),
                );
                self.rate_headers
                    .apply(response.headers_mut(), status, true);
                response.body_mut().mark_rate_reported();
                response
            }
            Refusal::RateUnavailable { retry_after, .. } => {
                // The budget could not be checked (the limiter's shared
                // store is down or slow): nothing was done, try again soon.
                let mut response = rpc_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    id,
                    ErrorObject::internal(refusal.message()),
                );
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                response
                    .headers_mut()
                    .insert(http::header::RETRY_AFTER, seconds.max(1).into());
                response
            }
            _ => rpc_error(
                StatusCode::FORBIDDEN,
                id,
                ErrorObject::invalid_request(refusal.message()),
            ),
        }
    }

    /// 401 with a `WWW-Authenticate: Bearer` challenge.
    fn unauthorized(
        &self,
        id: Option<RequestId>,
        reason: Option<&str>,
        scopes: &str,
    ) -> Response<McpBody> {
        let mut params = Vec::new();
        match &self.metadata {
            Some(metadata) => {
                params.push(format!("resource_metadata=\"{}\"", quoted(&metadata.url)));
            }
            None => params.push("realm=\"mcp\"".to_owned()),
        }
        let scopes = Some(scopes)
            .filter(|s| !s.is_empty())
            .or_else(|| self.metadata.as_ref().map(|m| m.scopes.as_str()))
            .filter(|s| !s.is_empty());
        if let Some(scopes) = scopes {
            params.push(format!("scope=\"{}\"", quoted(scopes)));
        }
        if let Some(reason) = reason {
            params.push("error=\"invalid_token\"".to_owned());
            params.push(format!("error_description=\"{}\"", quoted(reason)));
        }
        let challenge = format!("Bearer {}", params.join(", "));
        let message = match reason {
            Some(reason) => format!("unauthorized: {reason}"),
            None => "unauthorized: this request needs credentials".to_owned(),
        };
        let mut response = rpc_error(
            StatusCode::UNAUTHORIZED,
            id,
            ErrorObject::invalid_request(message),
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    }

    /// 403 `insufficient_scope` step-up challenge.
    fn insufficient_scope(
        &self,
        id: Option<RequestId>,
        tool: &str,
        needed: &str,
        refusal: &Refusal,
    ) -> Response<McpBody> {
        let mut challenge = format!(
            "Bearer error=\"insufficient_scope\", scope=\"{}\"",
            quoted(needed)
        );
        if let Some(metadata) = &self.metadata {
            challenge.push_str(&format!(
                ", resource_metadata=\"{}\"",
                quoted(&metadata.url)
            ));
        }
        challenge.push_str(&format!(
            ", error_description=\"tool {} needs scope {}\"",
            quoted(tool),
            quoted(needed)
        ));
        let mut response = rpc_error(
            StatusCode::FORBIDDEN,
            id,
            ErrorObject::invalid_request(refusal.message()),
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    }

    /// Writes the rate headers of `status` on a response.
    pub(crate) fn with_rate(
        &self,
        mut response: Response<McpBody>,
        status: Option<RateStatus>,
    ) -> Response<McpBody> {
        if let Some(status) = status {
            self.rate_headers
                .apply(response.headers_mut(), &status, false);
            response.body_mut().mark_rate_reported();
        }
        response
    }
}
