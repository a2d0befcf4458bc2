//! The liveness probe.

use mcp_tools::ToolResult;
use mcp_tools::schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::calendar::Timestamp;

/// Arguments of ping (none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PingArgs {}

/// The answer to ping.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Pong {
    /// Always true.
    pub pong: bool,
    /// The server's clock, ISO 8601 UTC.
    pub timestamp: String,
}

impl Account {
    /// `ping`: proves the server answers. Reads the real clock, not the sandbox's.
    pub fn ping(&self, _args: PingArgs) -> ToolResult<Pong> {
        Ok(Pong {
            pong: true,
            timestamp: Timestamp::system_now().iso(),
        })
    }
}
