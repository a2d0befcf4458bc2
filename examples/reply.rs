//! The Reply.io example server: the 70 tools of Reply's MCP surface over an
//! in-memory sandbox workspace.
//!
//! ```text
//! cargo run --example reply -- [--listen 127.0.0.1:8080] [--api-key KEY]… [--rate-limit N]
//! ```
//!
//! The server is the `mcp-example-reply` crate (`examples/reply/`); see its
//! README.

/// A server that serves many calls at once, some of them waiting on Redis,
/// interleaves their allocations; mimalloc keeps that cheap where glibc's
/// allocator slows down (`docs/deployment.md`, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mcp_example_reply::main()
}
