//! The Reply.io example server: the 70 tools of Reply's MCP surface over an
//! in-memory sandbox workspace.
//!
//! ```text
//! cargo run --example reply -- [--listen 127.0.0.1:8080] [--api-key KEY]… [--rate-limit N]
//! ```
//!
//! The server is the `mcp-example-reply` crate (`examples/reply/`); see its
//! README.

fn main() -> std::process::ExitCode {
    mcp_example_reply::main()
}
