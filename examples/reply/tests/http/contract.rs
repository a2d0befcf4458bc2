//! The published schemas are exactly what the tools accept: arguments built
//! from each `inputSchema` alone are never refused as invalid, and a value
//! past a published bound is refused naming the argument.

use mcp_examples_support::contract::check_every_tool;
use mcp_tools::Client;
use mcp_tools::serde_json::json;

// Every tool needs mcp:tools: the client is the sandbox's own user, as over stdio.
use mcp_example_reply::server::{server, stdio_caller};
use mcp_example_reply::workspace::Workspace;

/// Tools with a rule across arguments, which their descriptions state in
/// words: JSON Schema could only say it with an `anyOf` at the root, which
/// several MCP clients refuse. The arguments here satisfy the rule and
/// nothing more.
fn cross_field_rules() -> Vec<(&'static str, mcp_tools::serde_json::Value)> {
    vec![
        // "At least one of email or linkedInUrl".
        ("reply_search_contacts", json!({"email": "a@b.c"})),
        // "A first or last name is required".
        (
            "reply_create_contact",
            json!({"firstName": "A", "email": "a@b.c"}),
        ),
        // "InvalidArguments — the query has no searchable words".
        ("reply_search_knowledge_base", json!({"query": "mailbox"})),
    ]
}

#[tokio::test]
async fn every_tool_accepts_what_its_schema_allows() {
    let client =
        Client::new(server(Workspace::sandbox(), 1_000_000).unwrap()).with_caller(stdio_caller());
    let breaches = check_every_tool(&client, &cross_field_rules()).await;
    assert!(breaches.is_empty(), "{breaches:#?}");
}

#[tokio::test]
async fn an_integral_float_is_an_integer_and_errors_name_the_field() {
    let client =
        Client::new(server(Workspace::sandbox(), 1_000_000).unwrap()).with_caller(stdio_caller());
    let listed = client
        .call("reply_search_sequences", json!({"top": 20.0}))
        .await
        .unwrap();
    assert!(!listed.is_error(), "{:?}", listed.envelope());
    let past = client
        .call("reply_search_sequences", json!({"skip": 4_294_967_296_u64}))
        .await
        .unwrap();
    assert_eq!(past.error_code(), Some("InvalidArguments"));
    let message = past.error_message().unwrap();
    assert!(message.contains("skip"), "{message}");
    assert!(!message.contains("u32"), "{message}");
    let same = client
        .call(
            "reply_compare_sequence_performance",
            json!({"sequenceIds": [3, 3]}),
        )
        .await
        .unwrap();
    assert_eq!(same.error_code(), Some("InvalidArguments"));
    assert!(same.error_message().unwrap().contains("sequenceIds"));
}
