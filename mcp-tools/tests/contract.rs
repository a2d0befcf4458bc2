//! The published schema is exactly what a tool accepts: integer types publish
//! their true bounds, integral floats are integers, and what the argument type
//! cannot read is refused naming the argument, in JSON terms.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use mcp_tools::{Client, Server, Tool, ToolContext, ToolResult};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, JsonSchema)]
struct Page {
    /// How many.
    top: u32,
    /// A small number.
    level: Option<u8>,
    /// Published as a string, read as a number: a mismatch only
    /// deserialisation can find.
    #[schemars(with = "Option<String>")]
    code: Option<u32>,
}

fn client() -> Client {
    let server = Server::builder("contract", "1.0.0")
        .tool(
            Tool::builder("page")
                .description("Pages.")
                .read_only()
                .handler(|args: Page, _: ToolContext| async move {
                    ToolResult::Ok(json!({"top": args.top, "level": args.level, "code": args.code}))
                }),
        )
        .build()
        .unwrap();
    Client::new(server)
}

#[tokio::test]
async fn integers_publish_the_bounds_of_their_type() {
    let tools = client().list_tools().await.unwrap();
    let properties = &tools[0]["inputSchema"]["properties"];
    assert_eq!(
        properties["top"],
        json!({"type": "integer", "minimum": 0, "maximum": 4_294_967_295_u64, "description": "How many."})
    );
    assert_eq!(properties["level"]["maximum"], json!(255));
    assert_eq!(properties["level"]["minimum"], json!(0));
    assert!(properties["top"].get("format").is_none());
}

#[tokio::test]
async fn an_integral_float_is_read_as_an_integer() {
    let done = client().call("page", json!({"top": 20.0})).await.unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(done.data().unwrap()["top"], 20);
    let fraction = client().call("page", json!({"top": 20.5})).await.unwrap();
    assert_eq!(fraction.error_code(), Some("InvalidArguments"));
    assert!(fraction.error_message().unwrap().contains("top"));
}

#[tokio::test]
async fn values_past_a_bound_are_refused_naming_the_argument() {
    for (args, field) in [
        (json!({"top": 4_294_967_296_u64}), "top"),
        (json!({"top": -1}), "top"),
        (json!({"top": 1, "level": 256}), "level"),
    ] {
        let refused = client().call("page", args.clone()).await.unwrap();
        assert_eq!(refused.error_code(), Some("InvalidArguments"), "{args}");
        let message = refused.error_message().unwrap();
        assert!(message.contains(field), "{args}: {message}");
        assert!(
            !message.contains("u32") && !message.contains("u8"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn what_only_deserialisation_refuses_names_the_argument_in_json_terms() {
    let refused = client()
        .call("page", json!({"top": 1, "code": "abc"}))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("InvalidArguments"));
    let message: &str = refused.error_message().unwrap();
    assert!(message.contains("'code'"), "{message}");
    assert!(!message.contains("u32"), "{message}");
    assert!(message.contains("whole number"), "{message}");
}
