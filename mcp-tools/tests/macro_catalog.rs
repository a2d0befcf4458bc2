//! `#[resource]` and `#[prompt]` end to end through the in-process client.
#![allow(clippy::unwrap_used, reason = "tests")]

use mcp_tools::{
    Client, Completion, CompletionRequest, Content, PromptContext, PromptMessage, PromptResult,
    ProtocolVersion, RequestError, ResourceContents, ResourceContext, Server, prompt, resource,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

/// The house rules.
///
/// Read them first.
#[resource(uri = "house://rules", mime_type = "text/plain", audience = ["user", "assistant"], priority = 0.9)]
async fn rules(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), "no shoes").with_mime_type("text/plain"))
}

#[derive(Deserialize, JsonSchema)]
struct Room {
    floor: u8,
    name: String,
}

async fn room_names(request: CompletionRequest) -> Result<Completion, RequestError> {
    let floor = request.context.get("floor").cloned().unwrap_or_default();
    Ok(Completion::from_values([format!(
        "{}{floor}",
        request.value
    )]))
}

/// One room.
#[resource(template = "house://{floor}/{name}", name = "room", complete(name = room_names, floor = ["0", "1"]))]
async fn room(cx: ResourceContext, room: Room) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(
        cx.uri(),
        format!("{} on floor {}", room.name, room.floor),
    ))
}

#[derive(Deserialize, JsonSchema)]
struct Tour {
    /// Where the tour starts.
    start: String,
    /// How long it lasts, in minutes.
    minutes: Option<u32>,
}

/// Plans a tour of the house.
#[prompt(name = "plan_tour", title = "Tour", complete(start = ["hall", "kitchen"]))]
async fn tour(cx: PromptContext, args: Tour) -> Result<PromptResult, RequestError> {
    Ok(PromptResult::new([PromptMessage::user(Content::text(
        format!(
            "{}: start in the {} for {} minutes",
            cx.name(),
            args.start,
            args.minutes.unwrap_or(10)
        ),
    ))]))
}

/// Greets.
#[prompt]
async fn greet() -> Result<PromptMessage, RequestError> {
    Ok(PromptMessage::user(Content::text("hi")))
}

fn client() -> Client {
    let server = Server::builder("house", "1.0.0")
        .resource(rules::resource())
        .resource_template(room::resource_template())
        .prompt(tour::prompt())
        .prompt(greet::prompt())
        .build()
        .unwrap();
    Client::new(server).with_protocol_version(ProtocolVersion::V2025_11_25)
}

#[tokio::test]
async fn macro_resources_are_listed_and_read() {
    let client = client();
    let listed = client.list_resources().await.unwrap();
    assert_eq!(
        listed[0],
        json!({"uri": "house://rules", "name": "rules", "description": "The house rules.\n\nRead them first.",
               "mimeType": "text/plain", "annotations": {"audience": ["user", "assistant"], "priority": 0.9}})
    );
    let templates = client.list_resource_templates().await.unwrap();
    assert_eq!(templates[0]["name"], "room");
    assert_eq!(templates[0]["description"], "One room.");
    let read = client.read_resource("house://1/attic").await.unwrap();
    assert_eq!(read["contents"][0]["text"], "attic on floor 1");
    // The fns stay callable as written.
    assert!(greet().await.is_ok());
}

#[tokio::test]
async fn macro_prompts_take_typed_arguments_and_complete() {
    let client = client();
    let prompts = client.list_prompts().await.unwrap();
    assert_eq!(prompts[0]["title"], "Tour");
    assert_eq!(
        prompts[0]["arguments"][0]["description"],
        "Where the tour starts."
    );
    assert_eq!(
        prompts[1],
        json!({"name": "greet", "description": "Greets.", "arguments": []})
    );
    let got = client
        .get_prompt("plan_tour", json!({"start": "hall", "minutes": "5"}))
        .await
        .unwrap();
    assert_eq!(
        got["messages"][0]["content"]["text"],
        "plan_tour: start in the hall for 5 minutes"
    );
    let refused = client
        .get_prompt("plan_tour", json!({"minutes": "5"}))
        .await
        .unwrap_err();
    assert!(refused.message.contains("\"start\""), "{}", refused.message);
    let starts = client
        .complete(
            json!({"type": "ref/prompt", "name": "plan_tour"}),
            "start",
            "k",
        )
        .await
        .unwrap();
    assert_eq!(starts["values"], json!(["kitchen"]));
    let names = client
        .request(
            "completion/complete",
            json!({"ref": {"type": "ref/resource", "uri": "house://{floor}/{name}"},
                   "argument": {"name": "name", "value": "room-"}, "context": {"arguments": {"floor": "2"}}}),
        )
        .await
        .unwrap();
    assert_eq!(names["completion"]["values"], json!(["room-2"]));
}
