//! The Retently example server: an in-memory sandbox account behind the 53 tools
//! of Retently's MCP surface.
//!
//! For now this builds the sandbox and prints a one-line summary; the MCP tool layer
//! wraps the operations of [`account::Account`] later.

// The domain modules are written as the surface the tool layer wraps; inside a
// binary every `pub` item is crate-wide anyway.
#![allow(unreachable_pub)]

mod account;
mod calendar;
mod campaigns;
mod catalog;
mod companies;
mod customers;
mod digests;
mod feedback;
mod filters;
mod integrations;
mod outbox;
mod replies;
mod reports;
mod scores;
mod server;
mod settings;
mod suppressions;
mod surveys;
mod team;
mod templates;
mod triage;

use account::Account;
use catalog::{Phase, SCOPES, TOOLS};
use mcp_tools::serde_json::json;

fn main() {
    let account = Account::sandbox();
    let args = json!({"metric": "NPS"});
    let nps = catalog::authorize("get_score", &args, &SCOPES)
        .and_then(|_| account.call("get_score", args, Phase::Preview))
        .map(|score| score["score"].to_string())
        .unwrap_or_else(|e| e.to_string());
    let writes = TOOLS.iter().filter(|t| t.kind == catalog::ToolKind::Write);
    let live = writes.clone().filter(|t| t.sends_live).count();
    let state = account.read();
    println!(
        "retently sandbox: {} tools ({} writes, {live} sending live), {} responses, {} customers, {} campaigns, NPS (last 90 days) {nps}",
        TOOLS.len(),
        writes.count(),
        state.feedback.len(),
        state.customers.len(),
        state.campaigns.len()
    );
}
