//! The Reply.io example server: an in-memory sandbox workspace behind the 70 Reply tools.
//!
//! This binary only builds the sandbox and prints a summary for now; the MCP tool layer
//! wraps the [`workspace::Workspace`] operations defined in the area modules.

pub mod accounts;
pub mod approvals;
pub mod catalog;
pub mod contacts;
pub mod handlers;
pub mod help;
pub mod inbox;
pub mod knowledge;
pub mod offers;
pub mod performance;
pub mod playbooks;
pub mod reengagement;
pub mod sequences;
pub mod tasks;
pub mod workspace;

fn main() {
    let workspace = workspace::Workspace::sandbox();
    println!(
        "reply sandbox: {} ({} tools)",
        workspace.census(),
        catalog::TOOLS.len()
    );
}
