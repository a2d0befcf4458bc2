//! The Reply example server driven over real HTTP.
//!
//! Every test starts the example's own server in-process on an ephemeral
//! 127.0.0.1 port, with a fresh sandbox workspace, and talks to it with raw
//! HTTP/1.1 requests, reading the JSON-RPC payload from the SSE `data:` lines as
//! an agent would.
//!
//! - `surface`: all 70 tools answer, writes show up in later reads, concurrency;
//! - `errors`: every domain error code and the argument contract;
//! - `recipes`: the five workflow recipes of the vendor document, end to end,
//!   and the unsupported-request path;
//! - `access`: authentication, protected-resource metadata, rate-limit headers
//!   and 429, the vendor's own `curl` checks;
//! - `snapshot`: the `tools/list` output against `tests/snapshots/reply_tools_list.json`
//!   (run with `UPDATE_SNAPSHOTS=1` to rewrite it).
//!
//! Run with `cargo test --test reply`.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

// The example's modules, compiled into this test crate. The glob import makes
// the example's `crate::…` paths resolve here; its `main` and command line stay
// unused.
#[path = "../../examples/reply/main.rs"]
#[allow(
    dead_code,
    unreachable_pub,
    reason = "the binary's entry point is not used by the tests"
)]
mod example;
#[allow(
    unused_imports,
    reason = "the example's modules are reached through `crate::`"
)]
use example::*;

mod access;
mod errors;
mod harness;
#[path = "../support/http_client.rs"]
mod http_client;
mod recipes;
mod snapshot;
mod surface;
