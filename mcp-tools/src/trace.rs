//! W3C Trace Context: the trace a client's request belongs to, so the
//! server's span for it joins the client's trace.
//!
//! A client names its trace in the request's `_meta` (`traceparent`, and
//! optionally `tracestate`; reserved there by the 2026-07-28 specification,
//! SEP-414), or, over HTTP, in the `traceparent` and `tracestate` headers.
//! The server opens one `tracing` span per JSON-RPC request, named
//! [`REQUEST_SPAN`], at `DEBUG` level (as tower-http's request spans are: a
//! server logging at `info` does not pay for it; `RUST_LOG=info,mcp_tools=debug`
//! turns it on), with these fields:
//!
//! | field | what it holds |
//! |---|---|
//! | `method` | the JSON-RPC method |
//! | `id` | the request id |
//! | `tool` | the tool's name, on `tools/call` |
//! | `caller` | the authenticated caller's id |
//! | `version` | the protocol version the request speaks |
//! | `trace_id` | the client's trace id, 32 lowercase hex digits |
//! | `parent_span_id` | the client's span id, 16 lowercase hex digits: this span's parent |
//!
//! `_meta` wins over the headers when both carry a valid `traceparent`. A
//! malformed one is never an error to the client: it is ignored, and logged
//! at `debug`.
//!
//! The span costs next to nothing when no subscriber is interested in it (the
//! fields are computed only for a span that is enabled). Log lines written
//! inside a request carry its fields, with any subscriber that prints span
//! fields (`tracing-subscriber`'s `fmt`, text or JSON).
//!
//! This crate does not depend on OpenTelemetry. To export spans with the
//! client's span as their remote parent, install a [`RemoteParentHook`] with
//! [`set_remote_parent_hook`]: it is called with each request span that
//! carries a valid trace context, before the span is first entered, and can
//! set the parent (for example with `tracing-opentelemetry`'s
//! `OpenTelemetrySpanExt::set_parent`).
//!
//! ```
//! use mcp_tools::trace::TraceContext;
//!
//! let parent: TraceContext = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01".parse()?;
//! assert_eq!(parent.trace_id().to_string(), "0af7651916cd43dd8448eb211c80319c");
//! assert_eq!(parent.parent_span_id().to_string(), "00f067aa0ba902b7");
//! assert!(parent.sampled());
//!
//! let all_zero = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
//! assert!(all_zero.parse::<TraceContext>().is_err());
//! # Ok::<(), mcp_tools::trace::TraceparentError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// The name of the span the server opens for each JSON-RPC request.
pub const REQUEST_SPAN: &str = "mcp.request";

/// The `_meta` key, and HTTP header, of the W3C trace parent.
pub const TRACEPARENT: &str = "traceparent";

/// The `_meta` key, and HTTP header, of the W3C vendor trace state.
pub const TRACESTATE: &str = "tracestate";

/// The longest `tracestate` kept (W3C: 32 members; 512 characters is what
/// every party must pass on). A longer one is dropped.
const MAX_TRACESTATE: usize = 512;

/// The most members a `tracestate` may list (W3C Trace Context).
const MAX_TRACESTATE_MEMBERS: usize = 32;

/// A trace id: 16 bytes, never all zero. Displays as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceId([u8; 16]);

impl TraceId {
    /// The id's bytes, most significant first.
    pub fn to_bytes(self) -> [u8; 16] {
        self.0
    }
}

/// A span id: 8 bytes, never all zero. Displays as 16 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpanId([u8; 8]);

impl SpanId {
    /// The id's bytes, most significant first.
    pub fn to_bytes(self) -> [u8; 8] {
        self.0
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

/// A client's trace context, parsed from a W3C `traceparent` (and
/// `tracestate`): the trace the request belongs to and the client's span
/// that is its parent.
///
/// Parsing follows W3C Trace Context level 1: `version-traceid-parentid-flags`
/// in lowercase hex, version `00` exactly 55 characters, a later version at
/// least that with anything past it after a `-`, version `ff` refused, trace
/// and parent ids not all zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: TraceId,
    parent_span_id: SpanId,
    flags: u8,
    tracestate: Option<String>,
}

impl TraceContext {
    /// Parses a `traceparent` value.
    pub fn parse(traceparent: &str) -> Result<Self, TraceparentError> {
        let bytes = traceparent.as_bytes();
        if bytes.len() < 55 {
            return Err(TraceparentError(TraceparentErrorKind::Format));
        }
        let version =
            hex::<1>(&bytes[0..2]).ok_or(TraceparentError(TraceparentErrorKind::Format))?;
        match version[0] {
            0xff => return Err(TraceparentError(TraceparentErrorKind::Version)),
            0 if bytes.len() != 55 => return Err(TraceparentError(TraceparentErrorKind::Format)),
            // A later version starts like 00; what follows is its own, after a dash.
            _ if bytes.len() > 55 && bytes[55] != b'-' => {
                return Err(TraceparentError(TraceparentErrorKind::Format));
            }
            _ => {}
        }
        if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
            return Err(TraceparentError(TraceparentErrorKind::Format));
        }
        let trace_id = hex::<16>(&bytes[3..35])
            .filter(|id| id.iter().any(|&b| b != 0))
            .ok_or(TraceparentError(TraceparentErrorKind::TraceId))?;
        let parent = hex::<8>(&bytes[36..52])
            .filter(|id| id.iter().any(|&b| b != 0))
            .ok_or(TraceparentError(TraceparentErrorKind::ParentId))?;
        let flags =
            hex::<1>(&bytes[53..55]).ok_or(TraceparentError(TraceparentErrorKind::Flags))?;
        Ok(Self {
            trace_id: TraceId(trace_id),
            parent_span_id: SpanId(parent),
            flags: flags[0],
            tracestate: None,
        })
    }

    /// Adds the vendor `tracestate` that came with the `traceparent`, when it
    /// is well formed (W3C list members `key=value`, at most 32, at most 512
    /// characters); a malformed one is dropped, as the W3C rules say, and the
    /// trace parent kept.
    pub fn with_tracestate(mut self, tracestate: &str) -> Self {
        self.tracestate = valid_tracestate(tracestate).then(|| tracestate.to_owned());
        self
    }

    /// The trace the request belongs to.
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// The client's span: the parent of the server's span for the request.
    pub fn parent_span_id(&self) -> SpanId {
        self.parent_span_id
    }

    /// The trace flags byte.
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the client sampled (records) this trace: flag bit `01`.
    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The vendor trace state, when one came and was well formed.
    pub fn tracestate(&self) -> Option<&str> {
        self.tracestate.as_deref()
    }
}

/// The `traceparent` form, version `00`.
impl fmt::Display for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{}-{}-{:02x}",
            self.trace_id, self.parent_span_id, self.flags
        )
    }
}

impl FromStr for TraceContext {
    type Err = TraceparentError;

    fn from_str(traceparent: &str) -> Result<Self, Self::Err> {
        Self::parse(traceparent)
    }
}

/// `N` bytes from `2 * N` lowercase hex digits.
fn hex<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    fn nibble(d: u8) -> Option<u8> {
        match d {
            b'0'..=b'9' => Some(d - b'0'),
            b'a'..=b'f' => Some(d - b'a' + 10),
            _ => None,
        }
    }
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// A W3C `tracestate`: comma-separated `key=value` members (blank members
/// allowed), keys `[a-z0-9_\-*/@]` starting with a letter or digit (with an
/// optional `tenant@system` form), values printable ASCII without `,` and `=`
/// and not ending in a space.
fn valid_tracestate(tracestate: &str) -> bool {
    if tracestate.len() > MAX_TRACESTATE {
        return false;
    }
    let mut members = 0;
    for member in tracestate.split(',') {
        let member = member.trim_matches([' ', '\t']);
        if member.is_empty() {
            continue;
        }
        members += 1;
        let Some((key, value)) = member.split_once('=') else {
            return false;
        };
        let key_ok = key.len() <= 256
            && key
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-*/@".contains(&b))
            && key.bytes().filter(|&b| b == b'@').count() <= 1;
        let value_ok = !value.is_empty()
            && value.len() <= 256
            && value
                .bytes()
                .all(|b| (0x20..=0x7e).contains(&b) && b != b',' && b != b'=')
            && !value.ends_with(' ');
        if !key_ok || !value_ok {
            return false;
        }
    }
    members <= MAX_TRACESTATE_MEMBERS
}

/// Why a `traceparent` was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceparentError(TraceparentErrorKind);

/// What was wrong with a `traceparent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceparentErrorKind {
    /// Not `version-traceid-parentid-flags` in lowercase hex of the right lengths.
    Format,
    /// Version `ff`, which W3C forbids.
    Version,
    /// The trace id is not 32 lowercase hex digits, or is all zero.
    TraceId,
    /// The parent id is not 16 lowercase hex digits, or is all zero.
    ParentId,
    /// The flags are not 2 lowercase hex digits.
    Flags,
}

impl TraceparentError {
    /// What was wrong.
    pub fn kind(&self) -> TraceparentErrorKind {
        self.0
    }
}

impl fmt::Display for TraceparentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            TraceparentErrorKind::Format => {
                "traceparent is not version-traceid-parentid-flags in lowercase hex (55 characters for version 00)"
            }
            TraceparentErrorKind::Version => "traceparent version ff is invalid",
            TraceparentErrorKind::TraceId => {
                "traceparent trace id must be 32 lowercase hex digits, not all zero"
            }
            TraceparentErrorKind::ParentId => {
                "traceparent parent id must be 16 lowercase hex digits, not all zero"
            }
            TraceparentErrorKind::Flags => "traceparent flags must be 2 lowercase hex digits",
        })
    }
}

impl std::error::Error for TraceparentError {}

/// The trace headers a transport received outside the message, as they came.
#[derive(Clone)]
pub(crate) struct TraceHeaders {
    pub(crate) traceparent: Box<str>,
    pub(crate) tracestate: Option<Box<str>>,
}

/// Called with each request span that carries a client's valid trace
/// context, before the span is first entered. See [`set_remote_parent_hook`].
pub type RemoteParentHook = fn(&tracing::Span, &TraceContext);

static REMOTE_PARENT_HOOK: OnceLock<RemoteParentHook> = OnceLock::new();

/// Installs, once per process, what to do with a request span that carries a
/// client's trace context: typically, make the client's span its remote
/// parent in a tracing backend such as OpenTelemetry. Returns `false`, and
/// changes nothing, when a hook is already installed.
///
/// Like the `tracing` subscriber it serves, the hook is global: set it where
/// the subscriber is set up.
///
/// ```
/// use mcp_tools::trace::{TraceContext, set_remote_parent_hook};
///
/// fn join(span: &tracing::Span, parent: &TraceContext) {
///     // With tracing-opentelemetry: build a remote `SpanContext` from
///     // `parent` and call `span.set_parent(...)`.
///     let _ = (span, parent);
/// }
/// set_remote_parent_hook(join);
/// ```
pub fn set_remote_parent_hook(hook: RemoteParentHook) -> bool {
    REMOTE_PARENT_HOOK.set(hook).is_ok()
}

/// The installed hook, if any.
pub(crate) fn remote_parent_hook() -> Option<RemoteParentHook> {
    REMOTE_PARENT_HOOK.get().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";

    fn kind(traceparent: &str) -> TraceparentErrorKind {
        TraceContext::parse(traceparent).unwrap_err().kind()
    }

    #[test]
    fn a_valid_traceparent_round_trips() {
        let parsed = TraceContext::parse(VALID).unwrap();
        assert_eq!(
            parsed.trace_id().to_string(),
            "0af7651916cd43dd8448eb211c80319c"
        );
        assert_eq!(parsed.parent_span_id().to_string(), "00f067aa0ba902b7");
        assert_eq!(parsed.flags(), 1);
        assert!(parsed.sampled());
        assert_eq!(parsed.to_string(), VALID);
        let unsampled = TraceContext::parse(&VALID.replace("-01", "-00")).unwrap();
        assert!(!unsampled.sampled());
        assert_eq!(parsed.trace_id().to_bytes()[0], 0x0a);
        assert_eq!(parsed.parent_span_id().to_bytes()[7], 0xb7);
    }

    #[test]
    fn malformed_traceparents_say_what_is_wrong() {
        assert_eq!(kind(""), TraceparentErrorKind::Format);
        assert_eq!(kind(&VALID[..54]), TraceparentErrorKind::Format);
        assert_eq!(kind(&format!("{VALID}-")), TraceparentErrorKind::Format);
        assert_eq!(kind(&VALID.replace('-', "_")), TraceparentErrorKind::Format);
        assert_eq!(
            kind(&VALID.replacen("00", "ff", 1)),
            TraceparentErrorKind::Version
        );
        assert_eq!(
            kind(&VALID.replacen("00", "0g", 1)),
            TraceparentErrorKind::Format
        );
        assert_eq!(
            kind("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
            TraceparentErrorKind::TraceId
        );
        assert_eq!(kind(&VALID.to_uppercase()), TraceparentErrorKind::TraceId);
        assert_eq!(
            kind("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"),
            TraceparentErrorKind::ParentId
        );
        assert_eq!(
            kind("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902bz-01"),
            TraceparentErrorKind::ParentId
        );
        assert_eq!(
            kind(&VALID.replace("-01", "-0x")),
            TraceparentErrorKind::Flags
        );
        assert!(
            TraceContext::parse("")
                .unwrap_err()
                .to_string()
                .contains("version-traceid-parentid-flags")
        );
    }

    #[test]
    fn a_later_version_is_read_as_version_00() {
        let later = format!("cc{}-what-comes-next", &VALID[2..]);
        let parsed = TraceContext::parse(&later).unwrap();
        assert_eq!(
            parsed.trace_id().to_string(),
            "0af7651916cd43dd8448eb211c80319c"
        );
        assert_eq!(
            kind(&format!("cc{}x", &VALID[2..])),
            TraceparentErrorKind::Format
        );
        assert!(TraceContext::parse(&format!("cc{}", &VALID[2..])).is_ok());
    }

    #[test]
    fn tracestate_is_kept_only_when_well_formed() {
        let parsed = TraceContext::parse(VALID).unwrap();
        let kept = parsed
            .clone()
            .with_tracestate("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7");
        assert_eq!(
            kept.tracestate(),
            Some("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7")
        );
        assert_eq!(
            parsed
                .clone()
                .with_tracestate("tenant@vendor=x")
                .tracestate(),
            Some("tenant@vendor=x")
        );
        for bad in [
            "novalue", "Upper=1", "a=b=c", "a=", "a=\u{7f}", "=x", "a@b@c=1",
        ] {
            assert_eq!(
                parsed.clone().with_tracestate(bad).tracestate(),
                None,
                "{bad}"
            );
        }
        let too_many = (0..33)
            .map(|n| format!("k{n}=v"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(parsed.clone().with_tracestate(&too_many).tracestate(), None);
        let too_long = format!("k={}", "v".repeat(600));
        assert_eq!(parsed.with_tracestate(&too_long).tracestate(), None);
    }
}
