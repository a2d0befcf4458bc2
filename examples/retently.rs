//! The Retently example server: the 53 tools of Retently's MCP surface over an
//! in-memory sandbox account, with confirmation of every write, scopes, PII
//! de-identification and an audit log.
//!
//! ```text
//! cargo run --example retently -- [--listen 127.0.0.1:8080] [--pat TOKEN=SCOPE,SCOPE…]…
//!     [--pat-days N] [--audit-log PATH] [--jwt-issuer URL --jwt-secret SECRET]
//! ```
//!
//! The server is the `mcp-example-retently` crate (`examples/retently/`); see
//! its README.

/// A server that serves many calls at once, some of them waiting on Redis,
/// interleaves their allocations; mimalloc keeps that cheap where glibc's
/// allocator slows down (`docs/deployment.md`, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mcp_example_retently::main()
}
