//! Admission: the one decision a transport asks of the server before it hands
//! over a request, for every method. Who may make it (and anonymously?),
//! whether an OAuth caller must authorize again for a tool's scopes, and
//! whether the caller's rate budget allows it. Refusals are audited here, so
//! a transport only maps a [`Refusal`] to its wire (401/403/429 over HTTP).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::call::{carries_token, rate_class};
use crate::confirm::CONFIRMATION_TOKEN_ARGUMENT;
use crate::context::{Caller, RequestContext};
use crate::error::ErrorCode;
use crate::jsonrpc::{Message, Request, member};
use crate::policy::{Denial, Policy};
use crate::protocol::method;
use crate::rate::{RateClass, RateLedger, RateRefusal, RateStatus};
use crate::registry::{RegisteredTool, Registry};

/// What the transport learned of a request's credentials.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// The transport does not authenticate: every request is served as no
    /// caller (a local, trusted deployment).
    Unchecked,
    /// The transport authenticates, and the request presented none.
    Missing,
    /// Valid credentials.
    Valid {
        /// Who they identify.
        caller: Caller,
        /// Whether the credential can be re-issued with more scopes (OAuth):
        /// a call of a tool whose scopes it lacks is then refused with
        /// [`Refusal::InsufficientScope`], so the client authorizes again.
        step_up: bool,
    },
    /// Credentials were presented and refused.
    Refused {
        /// Why, for the client.
        reason: String,
    },
}

/// How the transport carries the request.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Carriage {
    /// The request belongs to a session that a caller opened: refused
    /// credentials are then never served anonymously, so that a client whose
    /// token expired hears it and keeps its session.
    pub in_session: bool,
}

impl Carriage {
    /// A request carried without a session.
    pub fn sessionless() -> Self {
        Self { in_session: false }
    }

    /// A request of a session.
    pub fn in_session() -> Self {
        Self { in_session: true }
    }
}

/// Why a request was not admitted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Refusal {
    /// No caller, or refused credentials, for a request that needs one.
    Unauthenticated {
        /// Why the credentials were refused; `None` when there were none.
        reason: Option<String>,
        /// The scopes the request needs (a tool's), for the challenge.
        scopes: Vec<String>,
    },
    /// A caller that can authorize again lacks a tool's scopes.
    InsufficientScope {
        /// The tool.
        tool: String,
        /// Every scope the tool needs.
        scopes: Vec<String>,
    },
    /// The caller's rate budget is spent.
    RateLimited(RateStatus),
    /// The rate budget could not be checked: the limiter's shared store
    /// (Redis) is unreachable or slow. Nothing was done; a transport answers
    /// HTTP 503 with `Retry-After`.
    RateUnavailable {
        /// What failed and what to do, for the client.
        message: String,
        /// When to try again.
        retry_after: Duration,
    },
}

impl Refusal {
    /// The refusal as the message a client reads.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated {
                reason: Some(reason),
                ..
            } => format!("unauthorized: {reason}"),
            Self::Unauthenticated { reason: None, .. } => {
                "unauthorized: this request needs credentials".to_owned()
            }
            Self::InsufficientScope { tool, scopes } => format!(
                "forbidden: tool {tool:?} needs the scope(s) {}; authorize again with them",
                scopes.join(" ")
            ),
            Self::RateLimited(status) => format!(
                "rate limit exceeded: {} requests per window; retry in {} s",
                status.limit,
                status.reset_after_secs().max(1)
            ),
            Self::RateUnavailable { message, .. } => message.clone(),
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated { .. } => ErrorCode::UNAUTHORIZED,
            Self::InsufficientScope { .. } => ErrorCode::FORBIDDEN,
            Self::RateLimited(_) => ErrorCode::RATE_LIMITED,
            Self::RateUnavailable { .. } => ErrorCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Refusal {}

/// An admitted request: the caller to serve it as, and its rate budget.
///
/// Hand it to the request's context with [`RequestContext::with_admitted`]:
/// for a body holding one `tools/call`, admission has already taken the
/// call from the budget.
#[derive(Debug, Clone)]
pub struct Admitted {
    caller: Option<Caller>,
    rate: Option<RateStatus>,
    calls_tools: bool,
    ledger: Option<Arc<RateLedger>>,
}

impl Admitted {
    /// The caller to serve the request as; `None` for anonymous requests.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// The rate budget as admission left it.
    pub fn rate(&self) -> Option<&RateStatus> {
        self.rate.as_ref()
    }
}

impl RequestContext {
    /// Serves the request as admission decided: as its caller, and drawing
    /// on the rate budget admission already took for it.
    ///
    /// A transport that asked [`crate::Server::admit`] passes what it
    /// admitted here, rather than only the caller: for a body holding one
    /// `tools/call`, admission takes the call from the budget itself, and the
    /// call must not be counted a second time.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use mcp_tools::transport::jsonrpc;
    /// use mcp_tools::transport::{Carriage, Credentials, RequestContext};
    /// use mcp_tools::{Caller, Server};
    ///
    /// let server = Server::builder("demo", "1.0.0").build().unwrap();
    /// let ping = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    /// let ping = jsonrpc::from_value(ping).unwrap();
    /// let credentials = Credentials::Valid { caller: Caller::new("alice"), step_up: false };
    /// let admitted = server.admit(&[&ping], credentials, Carriage::sessionless()).await.unwrap();
    /// let cx = RequestContext::new().with_admitted(&admitted);
    /// assert_eq!(cx.caller().map(Caller::id), Some("alice"));
    /// assert!(server.handle(ping, cx).await.is_some());
    /// # });
    /// ```
    pub fn with_admitted(mut self, admitted: &Admitted) -> Self {
        self.caller = admitted.caller().cloned();
        self.rate_ledger = admitted.ledger.clone();
        self
    }
}

/// The name of the tool a `tools/call` request names.
pub(crate) fn called_tool(request: &Request) -> Option<&str> {
    if request.method != method::TOOLS_CALL {
        return None;
    }
    member(request.params.as_ref()?, "name")?.as_str()
}

pub(crate) struct Admission<'a> {
    pub(crate) registry: &'a Registry,
    pub(crate) policy: &'a Policy,
}

impl Admission<'_> {
    /// Admits `messages` (one request body: a message or a batch) as a whole.
    pub(crate) async fn admit(
        &self,
        messages: &[&Message],
        credentials: Credentials,
        carriage: Carriage,
    ) -> Result<Admitted, Refusal> {
        let caller = match credentials {
            Credentials::Unchecked => None,
            Credentials::Valid { caller, step_up } => {
                if step_up {
                    self.step_up(messages, &caller)?;
                }
                Some(caller)
            }
            Credentials::Missing if self.open_to_anyone(messages) => None,
            Credentials::Refused { .. }
                if !carriage.in_session && self.open_to_anyone(messages) =>
            {
                None
            }
            Credentials::Missing => {
                return Err(self.refuse(messages, None, self.unauthenticated(None, messages)));
            }
            Credentials::Refused { reason } => {
                let refusal = self.unauthenticated(Some(reason), messages);
                return Err(self.refuse(messages, None, refusal));
            }
        };
        let (rate, ledger) = match messages {
            [Message::Request(request)] if request.method == method::TOOLS_CALL => {
                self.prepay(messages, request, caller.as_ref()).await?
            }
            _ => (self.rate(messages, caller.as_ref()).await?, None),
        };
        let calls_tools = messages
            .iter()
            .any(|m| matches!(m, Message::Request(r) if r.method == method::TOOLS_CALL));
        Ok(Admitted {
            caller,
            rate,
            calls_tools,
            ledger,
        })
    }

    /// Admits a request that carries no message: opening or ending a
    /// session's event stream. Like a notification: open to anyone only with
    /// public discovery. Takes nothing from the rate budget.
    pub(crate) async fn admit_stream(&self, credentials: Credentials) -> Result<Admitted, Refusal> {
        let caller = match credentials {
            Credentials::Unchecked => None,
            Credentials::Valid { caller, .. } => Some(caller),
            Credentials::Missing if self.policy.public_discovery => None,
            Credentials::Missing => return Err(self.unauthenticated(None, &[])),
            Credentials::Refused { reason } => return Err(self.unauthenticated(Some(reason), &[])),
        };
        let rate = self.policy.rate_status(caller.as_ref()).await;
        Ok(Admitted {
            caller,
            rate,
            calls_tools: false,
            ledger: None,
        })
    }

    /// The rate budget to report with the answer. A lone tool call reports
    /// the status its latest take returned. Otherwise the budget is read
    /// again after tool calls, which the dispatcher counted; when the answer
    /// leaves while a call may still run (`still_running`, a streamed
    /// answer), the call is reported as counted.
    pub(crate) async fn rate_after(
        &self,
        admitted: &Admitted,
        still_running: bool,
    ) -> Option<RateStatus> {
        if !admitted.calls_tools {
            return admitted.rate;
        }
        if let Some(latest) = admitted.ledger.as_ref().and_then(|l| l.latest()) {
            return Some(latest);
        }
        let mut after = self.policy.rate_status(admitted.caller.as_ref()).await?;
        if still_running && let Some(before) = admitted.rate {
            after.remaining = after.remaining.min(before.remaining.saturating_sub(1));
        }
        Some(after)
    }

    fn unauthenticated(&self, reason: Option<String>, messages: &[&Message]) -> Refusal {
        let scopes = self
            .tool_calls(messages)
            .next()
            .map(|(_, t)| t.tool.scopes().map(str::to_owned).collect())
            .unwrap_or_default();
        Refusal::Unauthenticated { reason, scopes }
    }

    /// Whether every message may be served without credentials: calls of
    /// `no_auth` tools, answers to our own requests, and, with public
    /// discovery, the handshake, `ping`, `tools/list` and notifications.
    fn open_to_anyone(&self, messages: &[&Message]) -> bool {
        messages.iter().all(|message| match message {
            Message::Request(request) => match request.method.as_str() {
                method::TOOLS_CALL => called_tool(request)
                    .and_then(|name| self.registry.get(name))
                    .is_some_and(|t| !t.tool.requires_auth),
                method::INITIALIZE
                | method::PING
                | method::TOOLS_LIST
                | method::DISCOVER
                | method::RESOURCES_LIST
                | method::RESOURCE_TEMPLATES_LIST
                | method::PROMPTS_LIST
                | method::SKILLS_LIST => self.policy.public_discovery,
                _ => false,
            },
            Message::Notification(_) => self.policy.public_discovery,
            Message::Response(_) => true,
        })
    }

    /// The `tools/call` requests among `messages` that name a registered tool.
    fn tool_calls<'m>(
        &'m self,
        messages: &'m [&'m Message],
    ) -> impl Iterator<Item = (&'m Request, &'m RegisteredTool)> + 'm {
        messages.iter().filter_map(|message| match message {
            Message::Request(request) => called_tool(request)
                .and_then(|name| self.registry.get(name))
                .map(|registered| (request, registered)),
            _ => None,
        })
    }

    /// Refuses a caller that can authorize again for a tool whose scopes it lacks.
    fn step_up(&self, messages: &[&Message], caller: &Caller) -> Result<(), Refusal> {
        for (_, registered) in self.tool_calls(messages) {
            if let Err(Denial::MissingScopes(_)) =
                self.policy.permission(&registered.tool, Some(caller))
            {
                let refusal = Refusal::InsufficientScope {
                    tool: registered.tool.name.to_string(),
                    scopes: registered.tool.scopes().map(str::to_owned).collect(),
                };
                return Err(self.refuse(messages, Some(caller), refusal));
            }
        }
        Ok(())
    }

    /// Admits a body holding one `tools/call` against the caller's budget by
    /// taking the call's budget now, with the class the call pipeline would
    /// take: one question to the limiter instead of a reading here, a take in
    /// the pipeline and a reading for the answer's headers. The answer waits
    /// in the returned ledger for the pipeline.
    ///
    /// A spent general budget refuses the request here (HTTP 429), as a
    /// reading would. Other refusals (the destructive or refused-token
    /// budget, a store that cannot answer) are left for the pipeline to
    /// report as the call's `RateLimited` or `ServiceUnavailable` result, at
    /// the point where it checks the budget. A call the pipeline refuses
    /// before its budget (no permission, a malformed token) is not taken
    /// from; it is only refused here when the budget is spent. A call
    /// carrying a confirmation token is charged by the pipeline once the
    /// token is checked, with its write, in one question.
    async fn prepay(
        &self,
        messages: &[&Message],
        request: &Request,
        caller: Option<&Caller>,
    ) -> Result<(Option<RateStatus>, Option<Arc<RateLedger>>), Refusal> {
        let Some(limiter) = &self.policy.rate_limiter else {
            return Ok((None, None));
        };
        let class = match self.class_of(request, caller) {
            None => return Ok((self.rate(messages, caller).await?, None)),
            // Charged with its write once its token is checked: nothing to
            // take or read here; the headers report the pipeline's take.
            Some(RateClass::Confirmation) => {
                return Ok((None, Some(Arc::new(RateLedger::default()))));
            }
            Some(class) => class,
        };
        let acquired = limiter.acquire(caller, class).await;
        let status = match &acquired {
            Ok(status) => *status,
            Err(RateRefusal::Exceeded(exceeded)) if exceeded.class == RateClass::Call => {
                let refusal = Refusal::RateLimited(exceeded.status);
                return Err(self.refuse(messages, caller, refusal));
            }
            // Nothing was taken from the general budget: report it as it is.
            Err(_) => limiter.status(caller).await,
        };
        let ledger = RateLedger::prepaid(class, acquired, status);
        Ok((status, Some(Arc::new(ledger))))
    }

    /// The class the call pipeline will take a `tools/call` with, when it
    /// will reach its budget: the tool exists, the caller may call it, and
    /// a confirmation token, if any, has a token's shape.
    fn class_of(&self, request: &Request, caller: Option<&Caller>) -> Option<RateClass> {
        let registered = self.registry.get(called_tool(request)?)?;
        let tool = &registered.tool;
        self.policy.permission(tool, caller).ok()?;
        let token = match tool.confirm {
            true => request
                .params
                .as_ref()
                .and_then(|params| member(params, "arguments"))
                .and_then(|arguments| member(arguments, CONFIRMATION_TOKEN_ARGUMENT)),
            false => None,
        };
        Some(rate_class(tool, carries_token(token)?))
    }

    /// Admits the messages against the caller's budget, in order. Requests
    /// other than `tools/call` are counted here ([`RateClass::Request`]); a tool
    /// call is counted once, by the call pipeline, so here it is only refused
    /// when nothing is left.
    async fn rate(
        &self,
        messages: &[&Message],
        caller: Option<&Caller>,
    ) -> Result<Option<RateStatus>, Refusal> {
        let Some(limiter) = &self.policy.rate_limiter else {
            return Ok(None);
        };
        // Read lazily: a single tool call reads the budget once.
        let mut status = None;
        for message in messages {
            status = match message {
                Message::Request(request) if request.method == method::TOOLS_CALL => {
                    match limiter.status(caller).await {
                        Some(spent) if spent.remaining == 0 => {
                            return Err(self.refuse(messages, caller, Refusal::RateLimited(spent)));
                        }
                        other => other,
                    }
                }
                Message::Request(_) => match limiter.acquire(caller, RateClass::Request).await {
                    Ok(status) => status,
                    Err(RateRefusal::Exceeded(exceeded)) => {
                        return Err(self.refuse(
                            messages,
                            caller,
                            Refusal::RateLimited(exceeded.status),
                        ));
                    }
                    Err(RateRefusal::Unavailable { error, retry_after }) => {
                        let refusal = Refusal::RateUnavailable {
                            message: error.message().to_owned(),
                            retry_after,
                        };
                        return Err(self.refuse(messages, caller, refusal));
                    }
                },
                Message::Notification(_) | Message::Response(_) => match status {
                    Some(status) => Some(status),
                    None => limiter.status(caller).await,
                },
            };
        }
        match status {
            Some(status) => Ok(Some(status)),
            None => Ok(limiter.status(caller).await),
        }
    }

    /// Audits the refused tool calls among `messages` and passes the refusal on.
    fn refuse(&self, messages: &[&Message], caller: Option<&Caller>, refusal: Refusal) -> Refusal {
        let code = refusal.code();
        for (request, registered) in self.tool_calls(messages) {
            self.audit(registered, request, caller, code.clone());
        }
        refusal
    }

    fn audit(
        &self,
        registered: &RegisteredTool,
        request: &Request,
        caller: Option<&Caller>,
        code: ErrorCode,
    ) {
        let arguments = request
            .params
            .as_ref()
            .and_then(|p| p.get("arguments"))
            .filter(|a| !a.is_null());
        self.policy.audit_refusal(
            registered,
            arguments.map(|a: &Value| a),
            &request.id,
            caller,
            code,
        );
    }
}
