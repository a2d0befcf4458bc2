//! The authorization server over real HTTP on a loopback port, beside a real
//! MCP endpoint, driven the way an MCP client drives it.

#![allow(clippy::unwrap_used)]

mod harness;

mod discovery;
mod flow;
mod interop;
mod mcp;
mod refusals;
mod registration;
