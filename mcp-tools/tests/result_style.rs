//! Plain results (`ResultStyle::Plain`) through the in-process client: the
//! data is the structured content, errors are `isError` text naming the code,
//! the `outputSchema` describes exactly what is sent, and confirmation still
//! works; and the envelope stays the default.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::{Arc, Mutex};

use mcp_tools::{
    Caller, Client, Confirmation, FromToolContext, NoArguments, ProtocolVersion, ResultStyle,
    Server, State, Tool, ToolContext, ToolError, ToolResult, schema_findings,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
struct Lookup {
    /// The note's id.
    #[schemars(range(min = 1))]
    id: u32,
}

#[derive(Serialize, JsonSchema)]
struct Note {
    id: u32,
    text: String,
    /// Left out when the note has no tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    /// Written as null when the note was never edited.
    edited_at: Option<String>,
    /// Whatever the vendor attached.
    extra: Value,
}

#[derive(Deserialize, JsonSchema)]
struct Forget {
    /// The note to delete.
    id: u32,
}

#[derive(Serialize, JsonSchema)]
struct Forgotten {
    id: u32,
    left: usize,
}

#[derive(Clone)]
struct Notes(Arc<Mutex<Vec<u32>>>);

fn tools() -> Vec<Tool> {
    let get = Tool::builder("get_note")
        .description("Reads one note.")
        .read_only()
        .handler(|args: Lookup, _: ToolContext| async move {
            if args.id > 2 {
                return Err(ToolError::not_found(format!(
                    "no note {}; ids 1 and 2 exist",
                    args.id
                )));
            }
            ToolResult::Ok(Note {
                id: args.id,
                text: "buy milk".into(),
                tag: (args.id == 2).then(|| "home".into()),
                edited_at: None,
                extra: json!({"pinned": true}),
            })
        });
    let ids = Tool::builder("note_ids")
        .description("Lists the note ids.")
        .read_only()
        .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(vec![1_u32, 2]) });
    let forget = Tool::builder("forget_note")
        .description("Deletes a note after a dry run.")
        .destructive()
        .confirm()
        .uses::<State<Notes>>()
        .handler(|args: Forget, cx: ToolContext| async move {
            let State(notes) = State::<Notes>::from_tool_context(&cx)?;
            let confirm = Confirmation::from_tool_context(&cx)?;
            if !notes.0.lock().unwrap().contains(&args.id) {
                return Err(ToolError::not_found(format!("no note {}", args.id)));
            }
            confirm.preview(&json!({"WouldDelete": args.id})).await?;
            let mut notes = notes.0.lock().unwrap();
            notes.retain(|n| *n != args.id);
            ToolResult::Ok(Forgotten {
                id: args.id,
                left: notes.len(),
            })
        });
    vec![get, ids, forget]
}

fn server(style: ResultStyle) -> Server {
    Server::builder("notes", "1.0.0")
        .result_style(style)
        .state(Notes(Arc::new(Mutex::new(vec![1, 2]))))
        .tools(tools())
        .build()
        .unwrap()
}

fn plain_client() -> Client {
    Client::new(server(ResultStyle::Plain)).with_caller(Caller::new("alice"))
}

async fn output_schema(client: &Client, tool: &str) -> Value {
    let tools = client.list_tools().await.unwrap();
    tools.iter().find(|t| t["name"] == tool).unwrap()["outputSchema"].clone()
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap()
}

#[tokio::test]
async fn a_success_is_the_data_itself_and_validates_against_the_output_schema() {
    let client = plain_client();
    let schema = output_schema(&client, "get_note").await;
    assert_eq!(schema["type"], "object");
    assert!(schema["properties"].get("Success").is_none(), "{schema:#}");
    assert_eq!(schema_findings(&schema), Vec::<String>::new(), "{schema:#}");
    let validator = jsonschema::validator_for(&schema).unwrap();
    for id in [1, 2] {
        let called = client.call("get_note", json!({"id": id})).await.unwrap();
        let result = called.result();
        assert_eq!(result["isError"], false);
        let structured = &result["structuredContent"];
        assert_eq!(structured["id"], id);
        assert_eq!(structured["extra"], json!({"pinned": true}));
        assert!(structured.get("Success").is_none(), "{structured}");
        assert_eq!(
            serde_json::from_str::<Value>(text(result)).unwrap(),
            *structured
        );
        let errors: Vec<String> = validator
            .iter_errors(structured)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{structured} against {schema:#}: {errors:?}"
        );
        assert_eq!(called.data(), Some(structured));
    }
}

#[tokio::test]
async fn data_that_is_not_an_object_is_wrapped_under_result() {
    let client = plain_client();
    let schema = output_schema(&client, "note_ids").await;
    assert_eq!(schema["required"], json!(["result"]));
    let called = client.call("note_ids", json!({})).await.unwrap();
    let structured = &called.result()["structuredContent"];
    assert_eq!(*structured, json!({"result": [1, 2]}));
    assert!(jsonschema::is_valid(&schema, structured));
    assert!(!jsonschema::is_valid(&schema, &json!([1, 2])));
}

#[tokio::test]
async fn a_tool_error_is_error_text_naming_the_code() {
    let client = plain_client();
    let called = client.call("get_note", json!({"id": 9})).await.unwrap();
    let result = called.result();
    assert_eq!(result["isError"], true);
    assert!(result.get("structuredContent").is_none(), "{result}");
    assert_eq!(text(result), "NotFound: no note 9; ids 1 and 2 exist");
    assert_eq!(called.error_code(), Some("NotFound"));
    assert_eq!(called.error_message(), Some("no note 9; ids 1 and 2 exist"));
}

#[tokio::test]
async fn invalid_arguments_are_error_text_naming_the_argument() {
    let client = plain_client();
    let called = client.call("get_note", json!({"id": 0})).await.unwrap();
    let result = called.result();
    assert_eq!(result["isError"], true);
    let said = text(result);
    assert!(said.starts_with("InvalidArguments: "), "{said}");
    assert!(said.contains("id"), "{said}");
    assert_eq!(called.error_code(), Some("InvalidArguments"));
}

#[tokio::test]
async fn the_confirmation_flow_works_and_its_dry_run_validates() {
    let client = plain_client();
    let schema = output_schema(&client, "forget_note").await;
    assert_eq!(schema_findings(&schema), Vec::<String>::new(), "{schema:#}");
    let validator = jsonschema::validator_for(&schema).unwrap();

    let dry = client.call("forget_note", json!({"id": 1})).await.unwrap();
    let structured = dry.result()["structuredContent"].clone();
    assert_eq!(dry.result()["isError"], false);
    assert_eq!(structured["Confirmed"], false);
    assert_eq!(structured["Preview"], json!({"WouldDelete": 1}));
    assert!(validator.is_valid(&structured), "{structured}");
    let token = structured["ConfirmationToken"].as_str().unwrap();

    let done = client
        .call("forget_note", json!({"id": 1, "confirmationToken": token}))
        .await
        .unwrap();
    let structured = &done.result()["structuredContent"];
    assert_eq!(*structured, json!({"id": 1, "left": 1}));
    assert!(validator.is_valid(structured), "{structured}");

    let again = client
        .call("forget_note", json!({"id": 2, "confirmationToken": token}))
        .await
        .unwrap();
    assert_eq!(again.result()["isError"], true);
    assert!(
        text(again.result()).starts_with(&format!("{}: ", again.error_code().unwrap())),
        "{}",
        again.result()
    );
}

#[tokio::test]
async fn versions_without_structured_content_get_the_data_as_text() {
    let client = plain_client().with_protocol_version(ProtocolVersion::V2025_03_26);
    let called = client.call("get_note", json!({"id": 1})).await.unwrap();
    let result = called.result();
    assert!(result.get("structuredContent").is_none());
    assert_eq!(
        serde_json::from_str::<Value>(text(result)).unwrap()["id"],
        1
    );
    assert_eq!(called.data().unwrap()["text"], "buy milk");
}

#[tokio::test]
async fn the_envelope_stays_the_default() {
    let client = Client::new(
        Server::builder("notes", "1.0.0")
            .state(Notes(Arc::new(Mutex::new(vec![1]))))
            .tools(tools())
            .build()
            .unwrap(),
    );
    let schema = output_schema(&client, "get_note").await;
    assert_eq!(schema_findings(&schema), Vec::<String>::new(), "{schema:#}");
    let called = client.call("get_note", json!({"id": 1})).await.unwrap();
    let structured = &called.result()["structuredContent"];
    assert_eq!(structured["Success"], true);
    assert_eq!(structured["Data"]["id"], 1);
    assert!(jsonschema::is_valid(&schema, structured));
    let failed = client.call("get_note", json!({"id": 9})).await.unwrap();
    assert_eq!(
        failed.result()["structuredContent"]["ErrorCode"],
        "NotFound"
    );
    assert!(jsonschema::is_valid(
        &schema,
        &failed.result()["structuredContent"]
    ));
}
