//! The MCP server over a sandbox account.

use mcp_tools::{BuildError, Server, ServerBuilder};

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

/// The server's builder with the 82 Reteno tools over `account`, for a caller
/// that adds more (authentication, rate limits) before building.
pub fn builder(account: Account) -> ServerBuilder {
    Server::builder(SERVER_NAME, SERVER_VERSION)
        .title("Reteno (sandbox)")
        .instructions(INSTRUCTIONS)
        .state(account)
        .tools(tools::all())
        .resource_template(crate::resources::workflow_export::resource_template())
}

/// The MCP server: the 82 Reteno tools over `account`.
///
/// Each tool declares one of the [`access`](crate::access) scopes, so a
/// caller needs it: an in-process client passes a
/// [`Caller`](mcp_tools::Caller) holding them.
pub fn build_server(account: Account) -> Result<Server, BuildError> {
    builder(account).build()
}
