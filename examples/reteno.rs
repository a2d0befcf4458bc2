//! The Reteno example server: the 82 tools of Reteno's MCP surface over an
//! in-memory sandbox account, signed in to with a sandbox OAuth server.
//!
//! ```text
//! cargo run --example reteno -- [--listen 127.0.0.1:8080] [--brandkit-seconds 6]
//! cargo run --example reteno -- --issue-token owner     # prints an access token
//! ```
//!
//! The server is the `mcp-example-reteno` crate (`examples/reteno/`); see its
//! README.

/// A server that serves many calls at once, some of them waiting on Redis,
/// interleaves their allocations; mimalloc keeps that cheap where glibc's
/// allocator slows down (`docs/deployment.md`, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mcp_example_reteno::main()
}
