//! Every one of the 82 tools called over the real HTTP endpoint with an OAuth
//! access token, with arguments made from its published schema: each answers
//! 200 with a well-formed envelope, and none refuses what its schema allows.

use mcp_example_reteno::access;
use mcp_examples_support::contract::minimal_with;
use mcp_tools::serde_json::{Map, Value, json};

use crate::harness::Sandbox;

#[path = "../common/given.rs"]
mod given;

#[tokio::test]
async fn every_tool_answers_over_http() {
    let s = Sandbox::start().await;
    let token = s.token(access::OWNER);
    let mut tools: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let params = cursor.map_or_else(|| json!({}), |c| json!({"cursor": c}));
        let listed = s.rpc(&token, "tools/list", params).await.message()["result"].clone();
        tools.extend(listed["tools"].as_array().unwrap().iter().cloned());
        match listed["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(tools.len(), 82);
    let given = given::given();
    let mut refused = Vec::new();
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        let fixed: Map<String, Value> = given
            .iter()
            .find(|(t, _)| *t == name)
            .and_then(|(_, args)| args.as_object().cloned())
            .unwrap_or_default();
        let arguments = minimal_with(&tool["inputSchema"], &fixed)
            .unwrap_or_else(|| panic!("{name}: the generator cannot read its schema"));
        // `call` asserts the 200 and the envelope's shape.
        let outcome = s.call(&token, name, arguments.clone()).await;
        if outcome.code() == "InvalidArguments" {
            refused.push(format!("{name} {arguments}: {}", outcome.envelope));
        }
    }
    assert!(
        refused.is_empty(),
        "valid by the schema, refused:\n{}",
        refused.join("\n")
    );
}
