//! Rate-limit headers: the state of the server's rate policy, on every response.
//!
//! The policy is the server's own [`mcp_tools::rate::RateLimiter`], set with
//! [`ServerBuilder::rate_limiter`](mcp_tools::ServerBuilder::rate_limiter);
//! the transport has none of its own. With a limiter set, the transport
//!
//! - counts every JSON-RPC request other than `tools/call` as
//!   [`RateClass::Request`](mcp_tools::rate::RateClass::Request) against the
//!   caller's general budget (the dispatcher counts each tool call itself, once);
//! - answers a request over the budget with `429 Too Many Requests` and
//!   `Retry-After`, before dispatching it;
//! - writes the budget's state into the headers [`RateHeaders`] names, in the
//!   formats it chooses, on every response to a known (or anonymous) caller.
//!
//! Notifications, answers to server requests, `GET` and `DELETE` are not counted.
//!
//! ```
//! use std::time::Duration;
//! use mcp_tools::Server;
//! use mcp_tools::rate::WindowRateLimiter;
//! use mcp_transport_http::McpService;
//! use mcp_transport_http::rate_headers::{RateHeaders, RateValue};
//!
//! let server = Server::builder("demo", "1.0.0")
//!     .rate_limiter(WindowRateLimiter::new(3000, Duration::from_secs(3600)))
//!     .build()
//!     .unwrap();
//! // The form some vendors use: the window, the calls left, and the reset
//! // time in RFC 3339 with seven fractional digits.
//! let headers = RateHeaders::new()
//!     .header("x-rate-limit-limit", RateValue::Window)
//!     .header("x-rate-limit-remaining", RateValue::Remaining)
//!     .header(
//!         "x-rate-limit-reset",
//!         RateValue::custom(|status| {
//!             let whole = status.reset_at_rfc3339();
//!             format!("{}.0000000Z", whole.trim_end_matches('Z'))
//!         }),
//!     );
//! let service = McpService::builder(server).rate_headers(headers).build();
//! # let _ = service;
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::{BufMut, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue};
use mcp_tools::rate::RateStatus;

/// What one rate-limit header carries.
#[derive(Clone)]
#[non_exhaustive]
pub enum RateValue {
    /// Requests allowed per window: `3000`.
    Limit,
    /// The window's length: `1h`, `15m`, `30s`, `1d` (the limit when the
    /// policy has no fixed window).
    Window,
    /// Requests left in the current window: `2997`.
    Remaining,
    /// Whole seconds until the budget is whole again: `1800`.
    ResetSeconds,
    /// When the budget is whole again, RFC 3339 in UTC: `2026-07-05T00:00:00Z`.
    ResetAt,
    /// Seconds since the Unix epoch when the budget is whole again: `1783209600`.
    ResetUnix,
    /// Any other format.
    Custom(Arc<dyn Fn(&RateStatus) -> String + Send + Sync>),
}

impl RateValue {
    /// A value computed by `format`.
    pub fn custom(format: impl Fn(&RateStatus) -> String + Send + Sync + 'static) -> Self {
        Self::Custom(Arc::new(format))
    }

    /// The header value for `status`, or `None` when the rendering is not a
    /// valid header value.
    fn value(&self, status: &RateStatus) -> Option<HeaderValue> {
        match self {
            Self::Remaining => Some(HeaderValue::from(status.remaining)),
            _ => HeaderValue::try_from(self.render(status)).ok(),
        }
    }

    fn render(&self, status: &RateStatus) -> String {
        match self {
            Self::Limit => status.limit.to_string(),
            Self::Window => status
                .window
                .map_or_else(|| status.limit.to_string(), compact_duration),
            Self::Remaining => status.remaining.to_string(),
            Self::ResetSeconds => status.reset_after_secs().to_string(),
            Self::ResetAt => status.reset_at_rfc3339(),
            Self::ResetUnix => reset_unix(status).to_string(),
            Self::Custom(format) => format(status),
        }
    }

    /// The number a value that stays the same from call to call (the limit,
    /// the time to the reset) is rendered from, to reuse its last rendering.
    fn steady_number(&self, status: &RateStatus) -> Option<u64> {
        match self {
            Self::Limit => Some(u64::from(status.limit)),
            Self::ResetSeconds => Some(status.reset_after_secs()),
            Self::ResetUnix => Some(reset_unix(status)),
            _ => None,
        }
    }
}

/// Seconds since the Unix epoch when the budget is whole again, rounded up.
fn reset_unix(status: &RateStatus) -> u64 {
    status
        .reset_at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
}

impl fmt::Debug for RateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Limit => f.write_str("Limit"),
            Self::Window => f.write_str("Window"),
            Self::Remaining => f.write_str("Remaining"),
            Self::ResetSeconds => f.write_str("ResetSeconds"),
            Self::ResetAt => f.write_str("ResetAt"),
            Self::ResetUnix => f.write_str("ResetUnix"),
            Self::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// `1h`, `15m`, `30s`, `1d`: the largest unit that divides the duration.
fn compact_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        s if s.is_multiple_of(86_400) => format!("{}d", s / 86_400),
        s if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        s if s.is_multiple_of(60) => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// The rate-limit headers of every response: their names and what each carries.
///
/// The default is `X-Rate-Limit-Limit` (the count), `X-Rate-Limit-Remaining`
/// and `X-Rate-Limit-Reset` (seconds). A header whose value is not a valid
/// header value is left out.
#[derive(Debug, Clone)]
pub struct RateHeaders {
    headers: Vec<RateHeader>,
    /// What responses share to render their values; one lock, taken once
    /// per response.
    rendering: Arc<Mutex<Rendering>>,
}

/// A steady number and its header value.
type Rendered = (u64, HeaderValue);

/// What the values of successive responses are rendered with.
#[derive(Debug, Default)]
struct Rendering {
    /// The last value of each header whose value is a steady number, by
    /// position: a response usually carries the same limit and reset as the
    /// one before, and the value is then shared instead of formatted and
    /// allocated again.
    steady: Vec<Option<Rendered>>,
    /// Where the calls left (a new number on nearly every response) are
    /// written: each value is a slice of this buffer, which costs a
    /// reference count instead of an allocation of its own.
    digits: BytesMut,
}

/// The size of each buffer [`Rendering::digits`] takes: room for the
/// values of a few hundred responses.
const DIGITS_BUFFER: usize = 1024;

/// The most digits a `u64` has.
const MAX_DIGITS: usize = 20;

impl Rendering {
    /// The header value of the steady number `number` at position `at`.
    fn steady(&mut self, at: usize, number: u64) -> HeaderValue {
        match self.steady.get_mut(at) {
            Some(Some((last, value))) if *last == number => value.clone(),
            Some(slot) => {
                let value = HeaderValue::from(number);
                *slot = Some((number, value.clone()));
                value
            }
            None => HeaderValue::from(number),
        }
    }

    /// `number`'s header value, written into the shared buffer.
    fn number(&mut self, number: u64) -> HeaderValue {
        if self.digits.capacity() < MAX_DIGITS {
            self.digits = BytesMut::with_capacity(DIGITS_BUFFER);
        }
        // serde_json writes an integer as its decimal digits (with `itoa`, as
        // `HeaderValue::from` does); writing into a `BytesMut` cannot fail.
        let _ = serde_json::to_writer((&mut self.digits).writer(), &number);
        let digits = self.digits.split().freeze();
        HeaderValue::from_maybe_shared(digits).unwrap_or_else(|_| HeaderValue::from(number))
    }
}

#[derive(Debug, Clone)]
struct RateHeader {
    name: HeaderName,
    value: RateValue,
}

/// The default headers' names, made once: a name made at run time is
/// reference-counted, and every response would count it up and down.
const LIMIT: HeaderName = HeaderName::from_static("x-rate-limit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-rate-limit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-rate-limit-reset");

impl Default for RateHeaders {
    fn default() -> Self {
        Self::new()
            .header("x-rate-limit-limit", RateValue::Limit)
            .header("x-rate-limit-remaining", RateValue::Remaining)
            .header("x-rate-limit-reset", RateValue::ResetSeconds)
    }
}

impl RateHeaders {
    /// No headers; add them with [`header`](Self::header).
    pub fn new() -> Self {
        Self {
            headers: Vec::new(),
            rendering: Arc::default(),
        }
    }

    /// Adds a header.
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name (a configuration mistake).
    pub fn header(mut self, name: &str, value: RateValue) -> Self {
        let name = [LIMIT, REMAINING, RESET]
            .into_iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(name))
            .unwrap_or_else(|| {
                HeaderName::try_from(name)
                    .unwrap_or_else(|_| panic!("{name:?} is not a valid header name"))
            });
        self.headers.push(RateHeader { name, value });
        // Not shared yet with any response: a cache of the new length.
        self.rendering = Arc::new(Mutex::new(Rendering {
            steady: vec![None; self.headers.len()],
            digits: BytesMut::new(),
        }));
        self
    }

    /// Whether a response already carries these headers (or there are none).
    pub(crate) fn written(&self, headers: &HeaderMap) -> bool {
        self.headers
            .first()
            .is_none_or(|header| headers.contains_key(&header.name))
    }

    /// Writes the headers for `status`, and `Retry-After` when nothing is left.
    pub(crate) fn apply(&self, headers: &mut HeaderMap, status: &RateStatus, refused: bool) {
        // Locked at the first value that needs it, once for the response.
        let mut rendering = None;
        let lock = || {
            self.rendering
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        for (at, header) in self.headers.iter().enumerate() {
            let value = match (&header.value, header.value.steady_number(status)) {
                (_, Some(number)) => Some(rendering.get_or_insert_with(lock).steady(at, number)),
                (RateValue::Remaining, None) => Some(
                    rendering
                        .get_or_insert_with(lock)
                        .number(u64::from(status.remaining)),
                ),
                (value, None) => value.value(status),
            };
            if let Some(value) = value {
                headers.insert(header.name.clone(), value);
            }
        }
        drop(rendering);
        if refused {
            headers.insert(
                http::header::RETRY_AFTER,
                HeaderValue::from(status.reset_after_secs().max(1)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_render_in_each_format() {
        let status = RateStatus::new(3000, 2997, Duration::from_millis(1_800_500))
            .with_window(Duration::from_secs(3600));
        let mut headers = HeaderMap::new();
        RateHeaders::new()
            .header("a", RateValue::Limit)
            .header("b", RateValue::Window)
            .header("c", RateValue::Remaining)
            .header("d", RateValue::ResetSeconds)
            .header("e", RateValue::ResetAt)
            .header(
                "f",
                RateValue::custom(|s| format!("{}/{}", s.remaining, s.limit)),
            )
            .apply(&mut headers, &status, true);
        let get = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_owned();
        assert_eq!(get("a"), "3000");
        assert_eq!(get("b"), "1h");
        assert_eq!(get("c"), "2997");
        assert_eq!(get("d"), "1801");
        assert!(
            get("e").ends_with('Z') && get("e").len() == 20,
            "{}",
            get("e")
        );
        assert_eq!(get("f"), "2997/3000");
        assert_eq!(get("retry-after"), "1801");
        // A steady value is rendered again when its number changes.
        let headers_of = RateHeaders::new()
            .header("a", RateValue::Limit)
            .header("d", RateValue::ResetSeconds);
        for (limit, reset) in [(10, 5), (10, 5), (20, 5), (20, 4)] {
            let mut out = HeaderMap::new();
            let status = RateStatus::new(limit, 1, Duration::from_secs(reset));
            headers_of.apply(&mut out, &status, false);
            assert_eq!(out.get("a").unwrap(), limit.to_string().as_str());
            assert_eq!(out.get("d").unwrap(), reset.to_string().as_str());
        }
        for number in [0, 7, 10, 2997, 1_000_000, u64::MAX] {
            assert_eq!(HeaderValue::from(number), number.to_string().as_str());
        }
        // Calls left are written into shared buffers, each value a slice of
        // one: the same digits as a value of its own, across buffer refills.
        let mut rendering = Rendering::default();
        let values: Vec<(u64, HeaderValue)> = (0..3 * DIGITS_BUFFER as u64)
            .map(|n| n * 7919)
            .chain([u64::MAX, 0])
            .map(|n| (n, rendering.number(n)))
            .collect();
        for (number, value) in &values {
            assert_eq!(value, number.to_string().as_str());
        }
        // The default names, however they are spelled, are the constants.
        let spelled = RateHeaders::new().header("X-Rate-Limit-Remaining", RateValue::Remaining);
        assert_eq!(spelled.headers[0].name, REMAINING);
        assert_eq!(compact_duration(Duration::from_secs(86_400)), "1d");
        assert_eq!(compact_duration(Duration::from_secs(900)), "15m");
        assert_eq!(compact_duration(Duration::from_secs(90)), "90s");
    }
}
