//! The one place a request's [`RequestContext`] is put together: caller,
//! version, channel, log level and client capabilities, from the session or,
//! on 2026-07-28, from the request's own `_meta`.

use std::sync::Arc;

use mcp_tools::LogLevel;
use mcp_tools::ProtocolVersion;
use mcp_tools::transport::{
    Cancellation, LogLevelHandle, META_CLIENT_CAPABILITIES, META_LOG_LEVEL, RequestContext,
};
use serde_json::Value;

use crate::admit::Identity;
use crate::session::Session;

/// A request's context, and whether log notifications may go out on its
/// stream (2026-07-28 needs an explicit level in `_meta`).
pub(crate) fn request_context(
    version: ProtocolVersion,
    identity: &Identity,
    session: Option<&Session>,
    params: Option<&Value>,
    cancellation: Cancellation,
) -> (RequestContext, bool) {
    let mut cx = RequestContext::new()
        .with_protocol_version(version)
        .with_cancellation(cancellation);
    if let Some(caller) = identity.caller() {
        cx = cx.with_caller(caller.clone());
    }
    let meta = params.and_then(|p| p.get("_meta"));
    let mut logs = true;
    let capabilities = match session {
        Some(session) if !version.is_stateless() => {
            cx = cx
                .with_channel(session.id.clone())
                .with_log_level(session.log_level.clone());
            session.capabilities.clone()
        }
        _ => {
            if version.is_stateless() {
                match meta
                    .and_then(|m| m.get(META_LOG_LEVEL))
                    .and_then(|l| serde_json::from_value::<LogLevel>(l.clone()).ok())
                {
                    Some(level) => cx = cx.with_log_level(LogLevelHandle::new(level)),
                    None => logs = false,
                }
            }
            if let Some(channel) = &identity.channel {
                cx = cx.with_channel(Arc::clone(channel));
            }
            // Without a session, 2025 clients declared their capabilities at an
            // `initialize` this server did not keep; a client may still state
            // them per request, in the 2026-07-28 `_meta` key.
            meta.and_then(|m| m.get(META_CLIENT_CAPABILITIES)).cloned()
        }
    };
    if let Some(capabilities) = capabilities {
        cx = cx.with_client_capabilities(capabilities);
    }
    (cx, logs)
}
