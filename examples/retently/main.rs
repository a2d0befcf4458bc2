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
mod feedback;
mod filters;
mod outbox;
mod reports;
mod scores;

use account::Account;

fn main() {
    let account = Account::sandbox();
    let state = account.read();
    println!(
        "retently sandbox: {} responses, {} customers, {} campaigns",
        state.feedback.len(),
        state.customers.len(),
        state.campaigns.len()
    );
}
