#![doc = include_str!("../README.md")]

mod builder;
mod connection;
mod error;
#[cfg(feature = "http")]
mod events;
mod pubsub;
mod replay;
#[cfg(feature = "http")]
mod sessions;
mod tasks;

pub mod rate;

pub use builder::{
    DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEY_PREFIX, RedisBuilder, connect,
};
pub use connection::Redis;
pub use error::{Error, ErrorKind};
#[cfg(feature = "http")]
pub use events::RedisEventStore;
pub use pubsub::RedisNotificationBus;
pub use rate::{Outage, RedisRateLimiter};
pub use replay::{DEFAULT_CLOCK_SKEW_ALLOWANCE, RedisReplayStore};
#[cfg(feature = "http")]
pub use sessions::RedisSessionStore;
pub use tasks::RedisTaskStore;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
