//! mcp-tools-redis against a real `redis-server` that each test starts on a
//! free loopback port (see `server.rs`). `MCP_TOOLS_SKIP_REDIS=1` skips the
//! tests that need one, loudly; otherwise a missing `redis-server` fails them.

#![allow(clippy::unwrap_used)]

mod app;
mod confirm;
mod connect;
#[cfg(feature = "http")]
mod events;
#[cfg(feature = "http")]
mod http;
mod marking;
#[cfg(feature = "http")]
mod nginx;
mod outage;
#[cfg(feature = "http")]
mod plugged;
mod rate;
mod replay;
#[cfg(feature = "http")]
mod replica_rate;
#[cfg(feature = "http")]
mod replica_tasks;
#[cfg(feature = "http")]
mod replicas;
mod server;
#[cfg(feature = "http")]
mod sessions;
mod tasks;
