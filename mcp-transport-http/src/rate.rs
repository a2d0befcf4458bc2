//! Rate limits: a policy per caller whose state goes out in headers.
//!
//! [`RateLimit`] is the seam: [`HourlyWindow`] is a simple in-memory policy,
//! and any other limiter (a shared store, the server's own policy) plugs in by
//! implementing the trait.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::HeaderName;

/// The state of one caller's budget after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStatus {
    /// Requests allowed per window.
    pub limit: u64,
    /// Requests left in the current window.
    pub remaining: u64,
    /// Time until the window resets.
    pub reset: Duration,
    /// Whether this request is allowed; `false` answers 429.
    pub allowed: bool,
}

/// A rate policy keyed by caller.
///
/// `key` is the caller's id, or `anonymous` (plus the client address when
/// known) for requests without credentials.
pub trait RateLimit: Send + Sync + 'static {
    /// Counts one request against `key` (when `consume`) and reports the budget.
    fn check(&self, key: &str, consume: bool) -> RateStatus;
}

/// The names of the three rate-limit headers.
#[derive(Debug, Clone)]
pub(crate) struct RateLimitHeaderNames {
    pub(crate) limit: HeaderName,
    pub(crate) remaining: HeaderName,
    pub(crate) reset: HeaderName,
}

impl Default for RateLimitHeaderNames {
    fn default() -> Self {
        Self {
            limit: HeaderName::from_static("x-rate-limit-limit"),
            remaining: HeaderName::from_static("x-rate-limit-remaining"),
            reset: HeaderName::from_static("x-rate-limit-reset"),
        }
    }
}

/// An in-memory fixed window per caller: `limit` requests per `window`
/// (an hour with [`HourlyWindow::per_hour`]).
///
/// ```
/// use mcp_transport_http::rate::{HourlyWindow, RateLimit};
///
/// let policy = HourlyWindow::per_hour(2);
/// assert!(policy.check("alice", true).allowed);
/// assert!(policy.check("alice", true).allowed);
/// let third = policy.check("alice", true);
/// assert!(!third.allowed);
/// assert_eq!(third.remaining, 0);
/// assert!(policy.check("bob", true).allowed);
/// ```
pub struct HourlyWindow {
    limit: u64,
    window: Duration,
    counters: Mutex<HashMap<Box<str>, (Instant, u64)>>,
}

impl fmt::Debug for HourlyWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HourlyWindow")
            .field("limit", &self.limit)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl HourlyWindow {
    /// `limit` requests per caller per hour.
    pub fn per_hour(limit: u64) -> Self {
        Self::new(limit, Duration::from_secs(3600))
    }

    /// `limit` requests per caller per `window`.
    pub fn new(limit: u64, window: Duration) -> Self {
        Self {
            limit,
            window,
            counters: Mutex::default(),
        }
    }
}

impl RateLimit for HourlyWindow {
    fn check(&self, key: &str, consume: bool) -> RateStatus {
        let now = Instant::now();
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if counters.len() > 10_000 {
            counters.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = match counters.get_mut(key) {
            Some(entry) => entry,
            None if !consume => {
                return RateStatus {
                    limit: self.limit,
                    remaining: self.limit,
                    reset: self.window,
                    allowed: true,
                };
            }
            None => counters.entry(key.into()).or_insert((now, 0)),
        };
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        let allowed = entry.1 < self.limit;
        if consume && allowed {
            entry.1 += 1;
        }
        RateStatus {
            limit: self.limit,
            remaining: self.limit.saturating_sub(entry.1),
            reset: self.window.saturating_sub(now.duration_since(entry.0)),
            allowed: allowed || !consume,
        }
    }
}
