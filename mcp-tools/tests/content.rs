//! Tools that return content blocks instead of data.
#![allow(clippy::unwrap_used, reason = "tests")]

use mcp_tools::{
    Client, Content, NoArguments, ProtocolVersion, Server, Tool, ToolContext, ToolError,
    ToolResult, tool,
};
use serde_json::json;

/// Draws a picture, or refuses to.
#[tool(read_only, content)]
async fn picture(
    /// Whether to fail.
    fail: bool,
) -> ToolResult<Vec<Content>> {
    if fail {
        return Err(ToolError::not_found("no picture today"));
    }
    Ok(vec![
        Content::text("A picture:"),
        Content::image([0u8, 1, 2], "image/png"),
    ])
}

fn server() -> Server {
    Server::builder("content", "1.0.0")
        .tool(picture::tool())
        .tool(
            Tool::builder("link")
                .description("Links a file.")
                .read_only()
                .handler_content(|_: NoArguments, _: ToolContext| async {
                    ToolResult::Ok(Content::resource_link("file:///a.txt", "a.txt"))
                }),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn content_tools_publish_no_output_schema() {
    let server = server();
    assert!(server.tool("picture").unwrap().tool().returns_content());
    assert!(server.tool("picture").unwrap().output_schema().is_null());
    let tools = Client::new(server).list_tools().await.unwrap();
    for listed in tools {
        assert!(listed.get("outputSchema").is_none(), "{listed}");
        assert_eq!(listed["inputSchema"]["type"], "object");
    }
}

#[tokio::test]
async fn content_blocks_are_the_result() {
    for version in ProtocolVersion::ALL {
        let client = Client::new(server()).with_protocol_version(version);
        let ok = client
            .call("picture", json!({"fail": false}))
            .await
            .unwrap();
        assert!(!ok.is_error());
        assert_eq!(
            ok.content(),
            [
                json!({"type": "text", "text": "A picture:"}),
                json!({"type": "image", "data": "AAEC", "mimeType": "image/png"}),
            ]
        );
        assert!(ok.result().get("structuredContent").is_none());
        assert_eq!(
            ok.result().get("resultType").is_some(),
            version.is_stateless()
        );
        let link = client.call("link", json!({})).await.unwrap();
        assert_eq!(link.content()[0]["type"], "resource_link");
    }
}

#[tokio::test]
async fn content_tool_errors_are_the_usual_envelope() {
    let client = Client::new(server());
    let refused = client.call("picture", json!({"fail": true})).await.unwrap();
    assert!(refused.is_error());
    assert_eq!(refused.error_code(), Some("NotFound"));
    assert_eq!(
        refused.result()["structuredContent"],
        json!({"Success": false, "ErrorCode": "NotFound", "ErrorMessage": "no picture today"})
    );
    let invalid = client.call("picture", json!({})).await.unwrap();
    assert_eq!(invalid.error_code(), Some("InvalidArguments"));
}

#[tokio::test]
async fn a_verbatim_input_schema_is_published_and_enforced() {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"city": {"type": "string", "minLength": 2}},
        "properties": {"city": {"$ref": "#/$defs/city"}},
        "required": ["city"],
        "additionalProperties": false
    });
    let server = Server::builder("verbatim", "1.0.0")
        .tool(
            Tool::builder("weather")
                .description("Tells the weather.")
                .read_only()
                .input_schema(schema.clone())
                .handler(|args: serde_json::Value, _: ToolContext| async move {
                    ToolResult::Ok(format!("sunny in {}", args["city"].as_str().unwrap()))
                }),
        )
        .build()
        .unwrap();
    let client = Client::new(server);
    assert_eq!(client.list_tools().await.unwrap()[0]["inputSchema"], schema);
    let ok = client
        .call("weather", json!({"city": "Oslo"}))
        .await
        .unwrap();
    assert_eq!(ok.data().unwrap(), "sunny in Oslo");
    let short = client.call("weather", json!({"city": "O"})).await.unwrap();
    assert_eq!(short.error_code(), Some("InvalidArguments"));
    let extra = client
        .call("weather", json!({"city": "Oslo", "x": 1}))
        .await
        .unwrap();
    assert_eq!(extra.error_code(), Some("InvalidArguments"));

    let not_object = Server::builder("verbatim", "1.0.0")
        .tool(
            Tool::builder("bad")
                .description("Bad.")
                .read_only()
                .input_schema(json!({"type": "string"}))
                .handler(|_: serde_json::Value, _: ToolContext| async { ToolResult::Ok(()) }),
        )
        .build()
        .unwrap_err();
    assert_eq!(not_object.kind(), mcp_tools::BuildErrorKind::InvalidSchema);
}

#[tokio::test]
async fn composition_conditionals_and_anchors_publish_intact_and_are_enforced() {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"address": {"$anchor": "addressDef", "type": "object",
                              "properties": {"city": {"type": "string"}}}},
        "properties": {
            "address": {"$ref": "#addressDef"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    });
    let server = Server::builder("verbatim", "1.0.0")
        .tool(
            Tool::builder("contact")
                .description("Records how to reach someone.")
                .read_only()
                .input_schema(schema.clone())
                .handler(
                    |_: serde_json::Value, _: ToolContext| async move { ToolResult::Ok("noted") },
                ),
        )
        .build()
        .unwrap();
    let client = Client::new(server);
    assert_eq!(client.list_tools().await.unwrap()[0]["inputSchema"], schema);
    let accepted = [
        json!({"contactMethod": "phone", "phone": "1"}),
        json!({"email": "a@b.c"}),
        json!({"email": "a@b.c", "address": {"city": "Oslo"}}),
    ];
    for args in accepted {
        let out = client.call("contact", args.clone()).await.unwrap();
        assert!(!out.is_error(), "{args}: {:?}", out.error_message());
    }
    let refused = [
        // allOf/anyOf: neither phone nor email.
        json!({}),
        // if/then: phone chosen but missing.
        json!({"contactMethod": "phone", "email": "a@b.c"}),
        // $anchor reference: the address must be an object.
        json!({"email": "a@b.c", "address": "Oslo"}),
    ];
    for args in refused {
        let out = client.call("contact", args.clone()).await.unwrap();
        assert_eq!(out.error_code(), Some("InvalidArguments"), "{args}");
    }
}
