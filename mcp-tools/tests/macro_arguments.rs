//! The two argument forms of `#[tool]`, as published and as called: `#[args]`
//! makes a struct's fields the arguments; a documented parameter is one
//! property, whatever its type.

use mcp_tools::{Client, Server, ToolResult, tool};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// A window of days.
#[derive(Deserialize, JsonSchema)]
struct Window {
    /// First day, as YYYY-MM-DD.
    from: String,
    /// Last day, as YYYY-MM-DD.
    to: String,
}

/// Whether the window is in order, with its fields as the arguments.
#[tool(read_only)]
async fn fields(#[args] window: Window) -> ToolResult<bool> {
    Ok(window.from <= window.to)
}

/// Whether the window is in order, with the window as one argument.
#[tool(read_only)]
async fn nested(
    /// The days to check.
    window: Window,
) -> ToolResult<bool> {
    Ok(window.from <= window.to)
}

/// Whether the window is in order; the window may be left out.
#[tool(read_only)]
async fn defaulted(
    #[serde(default = "whole_year")]
    #[schemars(default = "whole_year")]
    window: Window,
) -> ToolResult<bool> {
    Ok(window.from <= window.to)
}

fn whole_year() -> Window {
    Window {
        from: "2026-01-01".into(),
        to: "2026-12-31".into(),
    }
}

/// How many ids there are; a lone `Box<[_]>` is a plain value.
#[tool(read_only)]
async fn count(ids: Box<[u64]>) -> ToolResult<usize> {
    Ok(ids.len())
}

fn client() -> Client {
    let server = Server::builder("forms", "1.0.0")
        .tools([
            fields::tool(),
            nested::tool(),
            defaulted::tool(),
            count::tool(),
        ])
        .build()
        .expect("valid tools");
    Client::new(server)
}

async fn input_schema(name: &str) -> Value {
    let tools = client().list_tools().await.expect("tools/list");
    tools
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))["inputSchema"]
        .clone()
}

#[tokio::test]
async fn args_publishes_the_fields_of_its_type() {
    let schema = input_schema("fields").await;
    let properties = schema["properties"].as_object().expect("properties");
    assert_eq!(
        properties.keys().collect::<Vec<_>>(),
        ["from", "to"],
        "{schema}"
    );
    assert_eq!(
        properties["from"]["description"],
        "First day, as YYYY-MM-DD."
    );
    assert_eq!(schema["required"], json!(["from", "to"]));

    let called = client()
        .call("fields", json!({"from": "2026-01-01", "to": "2026-02-01"}))
        .await
        .expect("a tool result");
    assert_eq!(called.data(), Some(&json!(true)));
}

#[tokio::test]
async fn a_documented_parameter_is_one_property_whatever_its_type() {
    let schema = input_schema("nested").await;
    let properties = schema["properties"].as_object().expect("properties");
    assert_eq!(
        properties.keys().collect::<Vec<_>>(),
        ["window"],
        "{schema}"
    );
    assert_eq!(properties["window"]["description"], "The days to check.");
    assert_eq!(schema["required"], json!(["window"]));

    let client = client();
    let called = client
        .call(
            "nested",
            json!({"window": {"from": "2026-03-01", "to": "2026-02-01"}}),
        )
        .await
        .expect("a tool result");
    assert_eq!(called.data(), Some(&json!(false)));
    // The fields alone are not this tool's arguments.
    let refused = client
        .call("nested", json!({"from": "2026-01-01", "to": "2026-02-01"}))
        .await
        .expect("a tool result");
    assert_eq!(refused.error_code(), Some("InvalidArguments"));
}

#[tokio::test]
async fn serde_attributes_also_make_a_property() {
    let schema = input_schema("defaulted").await;
    let properties = schema["properties"].as_object().expect("properties");
    assert_eq!(
        properties.keys().collect::<Vec<_>>(),
        ["window"],
        "{schema}"
    );
    assert!(schema.get("required").is_none_or(|r| r == &json!([])));
    let called = client()
        .call("defaulted", json!({}))
        .await
        .expect("a tool result");
    assert_eq!(called.data(), Some(&json!(true)));
}

#[tokio::test]
async fn a_lone_plain_value_is_one_property() {
    let schema = input_schema("count").await;
    assert_eq!(schema["properties"]["ids"]["type"], "array", "{schema}");
    let called = client()
        .call("count", json!({"ids": [1, 2, 3]}))
        .await
        .expect("a tool result");
    assert_eq!(called.data(), Some(&json!(3)));
}
