//! What both contract tests (in process and over HTTP) give the argument
//! generator.

use mcp_tools::serde_json::{Value, json};

/// Arguments the generator cannot make from the schema alone: dates (a
/// `pattern`), and rules across arguments that the descriptions state in
/// words, which JSON Schema could only say with an `anyOf`/`oneOf` many MCP
/// clients refuse. The rest of each call is generated.
pub(crate) fn given() -> Vec<(&'static str, Value)> {
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
