//! The published schemas are exactly what the tools accept: arguments built
//! from each `inputSchema` alone are never refused as invalid, and a value
//! past a published bound is refused naming the argument.

use mcp_examples_support::contract::check_every_tool;
use mcp_tools::serde_json::{Value, json};

use crate::harness::Sandbox;

/// Arguments the generator cannot make from the schema alone: dates (a
/// `pattern`), and rules across arguments that the descriptions state in
/// words, which JSON Schema could only say with an `anyOf`/`oneOf` many MCP
/// clients refuse. The rest of each call is generated.
fn given() -> Vec<(&'static str, Value)> {
    let days = json!({"dateFrom": "2025-01-01", "dateTo": "2025-01-02"});
    let contact = json!({"email": "a@b.c"});
    vec![
        ("upsert_contact", json!({"contact": contact})),
        ("upload_contacts", json!({"contacts": [contact]})),
        ("create_event", json!({"contact": contact})),
        ("create_email_message", json!({"html": "<p>a</p>"})),
        (
            "smart_send_message",
            json!({"recipients": [{"contact": contact}]}),
        ),
        ("get_messaging_analytics", days.clone()),
        ("get_events_analytics", days),
    ]
}

#[tokio::test]
async fn every_tool_accepts_what_its_schema_allows() {
    let sandbox = Sandbox::new();
    let breaches = check_every_tool(&sandbox.client, &given()).await;
    assert!(breaches.is_empty(), "{breaches:#?}");
}
