//! Rate budgets shared by every replica.
//!
//! [`RedisRateLimiter`] keeps the budgets of
//! [`mcp_tools::rate::WindowRateLimiter`] in Redis and is the core's
//! asynchronous [`RateLimiter`](mcp_tools::rate::RateLimiter): give it to
//! [`ServerBuilder::rate_limiter`](mcp_tools::ServerBuilder::rate_limiter).
//! When Redis cannot answer, [`Outage`] decides; a refused call gets a
//! [`RateRefusal::Unavailable`] (a retryable `ServiceUnavailable` error, or
//! HTTP 503 with `Retry-After` at admission).

mod window;

pub use mcp_tools::rate::RateRefusal;
pub(crate) use window::Marker;
pub use window::{Outage, RETRY_AFTER_OUTAGE, RedisRateLimiter};
