//! The Reply example server driven over real HTTP.
//!
//! Every test starts the example's own server in-process on an ephemeral
//! 127.0.0.1 port, with a fresh sandbox workspace, and talks to it with the
//! workspace's HTTP/1.1 test client, reading the JSON-RPC payload from the SSE
//! `data:` lines as an agent would.
//!
//! - `surface`: all 70 tools answer, writes show up in later reads, concurrency;
//! - `errors`: every domain error code and the argument contract;
//! - `guidance`: the agent rules and recipes as resources and prompts;
//! - `recipes`: the five workflow recipes of the vendor document, end to end,
//!   and the unsupported-request path;
//! - `contract`: arguments built from each published schema are accepted, and bounds are enforced naming the field;
//! - `access`: authentication, protected-resource metadata, rate-limit headers
//!   and 429, the vendor's own `curl` checks;
//! - `sign_in`: OAuth sign-in through the sandbox authorization server the
//!   metadata names, `mcp:tools` needed for tools, API keys beside it;
//! - `snapshot`: the `tools/list` output against `tests/snapshots/tools_list.json`
//!   (run with `UPDATE_SNAPSHOTS=1` to rewrite it).
//!
//! Run with `cargo test -p mcp-example-reply --test http`.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod access;
mod contract;
mod errors;
mod guidance;
mod harness;
mod recipes;
mod sign_in;
mod snapshot;
mod surface;
