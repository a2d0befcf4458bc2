//! The MCP server over a sandbox account.

use mcp_tools::{BuildError, Server};

use crate::account::Account;
use crate::tools;

/// The name the server reports in `initialize`.
pub const SERVER_NAME: &str = "Reteno.Mcp.Sandbox";

/// The version the server reports in `initialize`.
pub const SERVER_VERSION: &str = "0.1.0";

/// Guidance every client receives in `initialize`.
const INSTRUCTIONS: &str = "Reteno sandbox account: contacts, segments, events, email, mobile push, \
app inbox and SMS messages, workflows, sending, analytics, media and brand kits. Every result is \
{\"Success\":true,\"Data\":...} or {\"Success\":false,\"ErrorCode\":...,\"ErrorMessage\":...}; branch \
on ErrorCode. Find ids with the list_*/get_* tools; never invent one. Confirm with the user before \
anything that reaches contacts (send_*, smart_send_message, send_broadcast) or deletes. Only static \
segments can be changed. Analytics cover days up to yesterday. File edits (email models, workflow \
graphs, email HTML, images) go through a prepare_*_upload session: upload the files to the URLs it \
returns, then call the finishing tool with uploadSessionId.";

/// The MCP server: the 82 Reteno tools over `account`.
pub fn build_server(account: Account) -> Result<Server, BuildError> {
    Server::builder(SERVER_NAME, SERVER_VERSION)
        .title("Reteno (sandbox)")
        .instructions(INSTRUCTIONS)
        .state(account)
        .tools(tools::all())
        .build()
}
