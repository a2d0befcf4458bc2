//! The Retently example over real HTTP: every tool, the confirmation flow of
//! every write, scopes, personal data, the audit log, the document's own curl
//! check, OAuth bearer JWTs, sign-in with the sandbox authorization server
//! (`sign_in`), and the `tools/list` snapshot.
//!
//! Each test starts its own server in-process on an ephemeral 127.0.0.1 port,
//! with its own sandbox account and audit file (`support.rs`), and talks to it
//! with the workspace's HTTP/1.1 test client.
//!
//! The snapshot lives in `tests/snapshots/tools_list.json`; after an intended
//! change, regenerate it with
//! `UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-retently --test http snapshot`.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot set up or parse should fail loudly"
)]
#![allow(
    unreachable_pub,
    reason = "the helpers are written `pub` as a surface for the topic modules; a test crate exports nothing"
)]

// The tests, by topic.
mod access;
mod contract;
mod privacy;
mod reads;
mod sign_in;
mod snapshot;
mod support;
mod writes;
