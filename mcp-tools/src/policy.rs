//! What a server decides about a caller, whatever the transport: whether it
//! may call a tool, whether it sees personal data in clear, what its calls
//! cost against the rate budget, and which calls are audited.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::audit::{self, AuditGuard, AuditSink};
use crate::confirm::{Confirmer, take_confirmation_token};
use crate::context::{Caller, StateMap};
use crate::error::{ErrorCode, ToolError};
use crate::jsonrpc::RequestId;
use crate::rate::{RateLimiter, RateStatus};
use crate::registry::RegisteredTool;
use crate::signing;
use crate::tool::Tool;

/// The server-wide settings every call is judged by.
pub(crate) struct Policy {
    pub(crate) authentication_required: bool,
    pub(crate) public_discovery: bool,
    pub(crate) pii_read_scope: Option<String>,
    pub(crate) default_timeout: Duration,
    /// How long a cancelled tool may run on to wind down before it is dropped.
    pub(crate) cancellation_grace: Duration,
    pub(crate) state: Arc<StateMap>,
    /// Present when some tool is declared `confirm()`.
    pub(crate) confirmer: Option<Confirmer>,
    pub(crate) audit_sink: Option<Arc<dyn AuditSink>>,
    pub(crate) rate_limiter: Option<Arc<dyn RateLimiter>>,
}

/// Why a caller may not call a tool.
pub(crate) enum Denial<'t> {
    /// The server requires a caller and there is none.
    Unauthenticated,
    /// The caller lacks these scopes.
    MissingScopes(Vec<&'t str>),
}

impl Denial<'_> {
    /// The tool result that tells the model.
    pub(crate) fn to_tool_error(&self, tool: &str) -> ToolError {
        match self {
            Self::Unauthenticated => ToolError::unauthorized(format!(
                "Tool '{tool}' needs an authenticated caller; send credentials with the request"
            )),
            Self::MissingScopes(missing) => ToolError::forbidden(format!(
                "Tool '{tool}' needs the scope(s) {}, which this connection does not have; \
                 reconnect with credentials that grant them, or ask an administrator",
                missing.join(", ")
            )),
        }
    }
}

impl Policy {
    /// Whether `caller` may call `tool`: authenticated when the server requires
    /// it, and holding every scope the tool declares.
    pub(crate) fn permission<'t>(
        &self,
        tool: &'t Tool,
        caller: Option<&Caller>,
    ) -> Result<(), Denial<'t>> {
        if !tool.requires_auth {
            return Ok(());
        }
        if caller.is_none() && self.authentication_required {
            return Err(Denial::Unauthenticated);
        }
        let missing: Vec<&str> = tool
            .scopes()
            .filter(|s| !caller.is_some_and(|c| c.has_scope(s)))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Denial::MissingScopes(missing))
        }
    }

    /// Whether personal data goes out in clear to `caller`.
    pub(crate) fn pii_clear(&self, caller: Option<&Caller>) -> bool {
        match &self.pii_read_scope {
            None => true,
            Some(scope) => caller.is_some_and(|c| c.has_scope(scope)),
        }
    }

    /// The caller's general rate budget, taking nothing.
    pub(crate) async fn rate_status(&self, caller: Option<&Caller>) -> Option<RateStatus> {
        self.rate_limiter.as_ref()?.status(caller).await
    }

    /// An audit record for a call of `registered`, when the server audits it;
    /// it is written when the guard drops. `digest` runs only then: most
    /// calls are not audited and should not pay for hashing their arguments.
    pub(crate) fn audit(
        &self,
        registered: &RegisteredTool,
        caller: Option<&Caller>,
        request_id: &RequestId,
        digest: impl FnOnce() -> [u8; 32],
    ) -> Option<AuditGuard> {
        let sink = self.audit_sink.as_ref()?;
        audit::is_audited(&registered.tool).then(|| {
            AuditGuard::new(
                sink.clone(),
                caller.cloned(),
                registered.name.clone(),
                request_id.clone(),
                digest(),
            )
        })
    }

    /// Audits a call refused before it reached the call pipeline, digesting its
    /// arguments as the pipeline does: without the confirmation token, and
    /// normalised by the argument contract when they satisfy it, so that a
    /// refused attempt and a later call with the same arguments carry the same
    /// digest.
    pub(crate) fn audit_refusal(
        &self,
        registered: &RegisteredTool,
        arguments: Option<&Value>,
        request_id: &RequestId,
        caller: Option<&Caller>,
        code: ErrorCode,
    ) {
        if self.audit_sink.is_none() || !audit::is_audited(&registered.tool) {
            return;
        }
        let mut args = match arguments {
            None | Some(Value::Null) => Value::Object(serde_json::Map::new()),
            Some(args) => args.clone(),
        };
        take_confirmation_token(&registered.tool, &mut args);
        let raw = signing::digest(&args);
        let digest = match registered.contract.check(&mut args) {
            Ok(()) => signing::digest(&args),
            Err(_) => raw,
        };
        if let Some(mut guard) = self.audit(registered, caller, request_id, || digest) {
            guard.refuse(code);
        }
    }
}
