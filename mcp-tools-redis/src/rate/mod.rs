//! Rate budgets shared by every replica, and the asynchronous limiter trait
//! they need from the core.
//!
//! [`RedisRateLimiter`] keeps the budgets of
//! [`mcp_tools::rate::WindowRateLimiter`] in Redis. Asking Redis is I/O, and
//! the core's [`RateLimiter`](mcp_tools::rate::RateLimiter) is synchronous,
//! so this module carries the trait the core's should become,
//! [`AsyncRateLimiter`], with [`RateRefusal`] for a store that cannot answer
//! and [`Immediate`] to keep today's synchronous limiters working under it.

mod limiter;
mod window;

pub use limiter::{AsyncRateLimiter, Immediate, RateRefusal};
pub use window::{Outage, RedisRateLimiter};
