//! The Reteno example served over real sockets, as its binary serves it.
//!
//! Every test starts the example's own service (`http::service`) on an
//! ephemeral 127.0.0.1 port with a fresh sandbox account on a manual clock,
//! and talks to it with the workspace's HTTP/1.1 test client.
//!
//! - `sign_in`: the OAuth flow end to end (discovery, registration, consent
//!   with PKCE, token, a call, refresh) and the tokens it refuses;
//! - `scopes`: what each sandbox user may do, 403 `insufficient_scope` for the rest;
//! - `files`: upload sessions with raw, curl-style PUTs, download links and
//!   stored images;
//! - `every_tool`: all 82 tools called with an OAuth token, arguments made
//!   from their schemas;
//! - `surface`: `tools/list` over HTTP, and the brand kit's progress on an
//!   SSE stream.
//!
//! Run with `cargo test -p mcp-example-reteno --test http`.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod every_tool;
mod files;
mod harness;
mod scopes;
mod sign_in;
mod surface;
