//! The published schemas are exactly what the tools accept: arguments built
//! from each `inputSchema` alone are never refused as invalid, and a value
//! past a published bound is refused naming the argument.

use mcp_examples_support::contract::check_every_tool;
use mcp_tools::serde_json::{Value, json};
use mcp_tools::{Caller, Client};

use mcp_example_retently::account::Account;
use mcp_example_retently::catalog::SCOPES;
use mcp_example_retently::service::{self, Settings};
use mcp_example_retently::tokens::{AccessTokens, SANDBOX_ACCOUNT};

/// Tools with a rule across arguments, which their descriptions state in
/// words: JSON Schema could only say it with an `anyOf`/`oneOf` at the root,
/// which several MCP clients refuse. The arguments here satisfy the rule and
/// nothing more.
fn cross_field_rules() -> Vec<(&'static str, Value)> {
    vec![
        ("tag_feedback", json!({"feedbackId": 1, "add": ["x"]})),
        (
            "assign_feedback",
            json!({"feedbackId": 1, "action": "assign", "userId": 1}),
        ),
        ("apply_filter", json!({"savedFilterId": 1})),
        ("search_customers", json!({"name": "a"})),
        ("update_contact", json!({"customerId": 1, "firstName": "A"})),
        ("get_suppressed_email", json!({"email": "a@b.c"})),
    ]
}

/// The sandbox's server with an audit log of its own (remove it when done).
fn sandbox_server(test: &str) -> (mcp_tools::Server, std::path::PathBuf) {
    let audit_log = std::env::temp_dir().join(format!(
        "retently-{test}-audit-{}.jsonl",
        std::process::id()
    ));
    let settings = Settings::new(
        AccessTokens::new(),
        "http://127.0.0.1/mcp",
        audit_log.clone(),
    );
    (
        service::server(Account::sandbox(), &settings).unwrap(),
        audit_log,
    )
}

#[tokio::test]
async fn every_tool_accepts_what_its_schema_allows() {
    let (server, audit_log) = sandbox_server("contract");
    let caller = Caller::new("contract")
        .with_account(SANDBOX_ACCOUNT)
        .with_scopes(SCOPES.iter().copied());
    let client = Client::new(server).with_caller(caller);
    let breaches = check_every_tool(&client, &cross_field_rules()).await;
    let _ = std::fs::remove_file(&audit_log);
    assert!(breaches.is_empty(), "{breaches:#?}");
}

#[tokio::test]
async fn the_filter_vocabulary_is_a_resource_for_feedback_readers() {
    let (server, audit_log) = sandbox_server("vocabulary");
    let reader = Caller::new("reader")
        .with_account(SANDBOX_ACCOUNT)
        .with_scopes(["feedback:read"]);
    let client = Client::new(server.clone()).with_caller(reader.clone());
    let read = client
        .read_resource("retently://filters/vocabulary")
        .await
        .unwrap();
    assert_eq!(read["contents"][0]["mimeType"], "application/json");
    let served: Value =
        mcp_tools::serde_json::from_str(read["contents"][0]["text"].as_str().unwrap()).unwrap();
    // The resource says exactly what the tool says.
    let called = client.call("describe_filters", json!({})).await.unwrap();
    assert_eq!(Some(&served), called.data());

    let outsider = Caller::new("outsider")
        .with_account(SANDBOX_ACCOUNT)
        .with_scopes(["customers:read"]);
    let refused = Client::new(server)
        .with_caller(outsider)
        .read_resource("retently://filters/vocabulary")
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("feedback:read"),
        "{}",
        refused.message
    );
    let _ = std::fs::remove_file(&audit_log);
}
