//! The suite's tool fixtures: content of every kind, logging, errors,
//! progress, sampling, elicitation, a JSON Schema 2020-12 input and a slow tool.

use std::time::Duration;

use mcp_tools::{
    Content, LogLevel, NoArguments, ServerBuilder, Tool, ToolBuilder, ToolContext, ToolError,
    ToolResult,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
struct Prompt {
    /// The prompt to send to the client's model.
    prompt: String,
}

#[derive(Deserialize, JsonSchema)]
struct Message {
    /// The message shown to the user.
    message: String,
}

#[derive(Deserialize, Serialize, JsonSchema)]
struct Address {
    street: Option<String>,
    city: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Person {
    name: Option<String>,
    address: Option<Address>,
    contact_method: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

/// A 1×1 red PNG.
const RED_PIXEL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

/// A tenth of a second of silence: 8 kHz, 8-bit mono PCM in a WAV container.
fn silent_wav() -> Vec<u8> {
    let samples = 800u32;
    let mut wav = Vec::with_capacity(44 + samples as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&8000u32.to_le_bytes()); // sample rate
    wav.extend_from_slice(&8000u32.to_le_bytes()); // byte rate
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&samples.to_le_bytes());
    wav.resize(44 + samples as usize, 128); // unsigned 8-bit silence
    wav
}

/// The input schema the `json-schema-2020-12` scenario expects to find
/// unchanged: `$defs` with an `$anchor`, composition (`allOf`/`anyOf`) and
/// conditional (`if`/`then`/`else`) keywords. The server enforces it as written.
fn person_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {
                    "street": {"type": "string"},
                    "city": {"type": "string"}
                }
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {
            "properties": {"contactMethod": {"const": "phone"}},
            "required": ["contactMethod"]
        },
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    })
}

fn content_tool(name: &'static str, description: &'static str) -> ToolBuilder {
    Tool::builder(name).description(description).read_only()
}

async fn elicit(cx: &ToolContext, params: Value) -> Result<Value, ToolError> {
    cx.request_client("elicitation/create", params)
        .await
        .map_err(|e| ToolError::internal(format!("elicitation failed: {}", e.message)))
}

/// Adds the tool fixtures to `builder`.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::builder("test_simple_text")
                .description("Returns simple text.")
                .read_only()
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok("This is a simple text response for testing.")
                }),
        )
        .tool(
            content_tool("test_image_content", "Returns a 1x1 red PNG.").handler_content(
                |_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok(Content::image_base64(RED_PIXEL_PNG, "image/png"))
                },
            ),
        )
        .tool(
            content_tool("test_audio_content", "Returns a short silent WAV.").handler_content(
                |_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok(Content::audio(silent_wav(), "audio/wav"))
                },
            ),
        )
        .tool(
            content_tool("test_embedded_resource", "Returns an embedded text resource.")
                .handler_content(|_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok(Content::resource_text(
                        "test://embedded-resource",
                        "text/plain",
                        "This is an embedded resource content.",
                    ))
                }),
        )
        .tool(
            content_tool(
                "test_multiple_content_types",
                "Returns text, an image and an embedded resource.",
            )
            .handler_content(|_: NoArguments, _cx: ToolContext| async move {
                ToolResult::Ok([
                    Content::text("Multiple content types test:"),
                    Content::image_base64(RED_PIXEL_PNG, "image/png"),
                    Content::resource_text(
                        "test://mixed-content-resource",
                        "application/json",
                        r#"{"test":"data","value":123}"#,
                    ),
                ])
            }),
        )
        .tool(
            Tool::builder("test_tool_with_logging")
                .description("Sends three log messages while it runs.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    cx.log(LogLevel::Info, "Tool execution started");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    cx.log(LogLevel::Info, "Tool processing data");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    cx.log(LogLevel::Info, "Tool execution completed");
                    ToolResult::Ok("Tool with logging executed successfully")
                }),
        )
        .tool(
            Tool::builder("test_error_handling")
                .description("Always fails.")
                .read_only()
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::<()>::Err(ToolError::internal(
                        "This tool intentionally returns an error for testing",
                    ))
                }),
        )
        .tool(
            Tool::builder("test_tool_with_progress")
                .description("Reports progress 0, 50 and 100 of 100.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    for (n, step) in [0.0, 50.0, 100.0].into_iter().enumerate() {
                        if n > 0 {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        cx.progress(step, Some(100.0), None);
                    }
                    ToolResult::Ok("Progress tool completed")
                }),
        )
        .tool(
            Tool::builder("test_sampling")
                .description("Asks the client's model to answer a prompt.")
                .read_only()
                .handler(|args: Prompt, cx: ToolContext| async move {
                    if !cx.client_supports("sampling") {
                        return Err(ToolError::internal("the client does not support sampling"));
                    }
                    let answer = cx
                        .request_client(
                            "sampling/createMessage",
                            json!({"messages": [{"role": "user", "content": {"type": "text", "text": args.prompt}}],
                                   "maxTokens": 100}),
                        )
                        .await
                        .map_err(|e| ToolError::internal(format!("sampling failed: {}", e.message)))?;
                    let text = answer["content"]["text"].as_str().unwrap_or("").to_owned();
                    ToolResult::Ok(format!("LLM response: {text}"))
                }),
        )
        .tool(
            Tool::builder("test_elicitation")
                .description("Asks the user for a username and an email address.")
                .read_only()
                .handler(|args: Message, cx: ToolContext| async move {
                    let answer = elicit(&cx, json!({
                        "message": args.message,
                        "requestedSchema": {"type": "object", "properties": {
                            "username": {"type": "string", "description": "User's response"},
                            "email": {"type": "string", "description": "User's email address"}
                        }, "required": ["username", "email"]}
                    }))
                    .await?;
                    ToolResult::Ok(format!("User response: {answer}"))
                }),
        )
        .tool(
            Tool::builder("test_elicitation_sep1034_defaults")
                .description("Asks for values that all have defaults.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = elicit(&cx, json!({
                        "message": "Please review and update the form fields with defaults",
                        "requestedSchema": {"type": "object", "properties": {
                            "name": {"type": "string", "description": "User name", "default": "John Doe"},
                            "age": {"type": "integer", "description": "User age", "default": 30},
                            "score": {"type": "number", "description": "User score", "default": 95.5},
                            "status": {"type": "string", "description": "User status",
                                       "enum": ["active", "inactive", "pending"], "default": "active"},
                            "verified": {"type": "boolean", "description": "Verification status", "default": true}
                        }}
                    }))
                    .await?;
                    ToolResult::Ok(format!("Elicitation completed: action={}, content={}", answer["action"], answer["content"]))
                }),
        )
        .tool(
            Tool::builder("test_elicitation_sep1330_enums")
                .description("Asks with every kind of enum.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = elicit(&cx, json!({
                        "message": "Please select options from the enum fields",
                        "requestedSchema": {"type": "object", "properties": {
                            "untitledSingle": {"type": "string", "description": "Select one option",
                                               "enum": ["option1", "option2", "option3"]},
                            "titledSingle": {"type": "string", "description": "Select one option with titles",
                                             "oneOf": [{"const": "value1", "title": "First Option"},
                                                       {"const": "value2", "title": "Second Option"},
                                                       {"const": "value3", "title": "Third Option"}]},
                            "legacyEnum": {"type": "string", "description": "Select one option (legacy)",
                                           "enum": ["opt1", "opt2", "opt3"],
                                           "enumNames": ["Option One", "Option Two", "Option Three"]},
                            "untitledMulti": {"type": "array", "description": "Select multiple options",
                                              "minItems": 1, "maxItems": 3,
                                              "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                            "titledMulti": {"type": "array", "description": "Select multiple options with titles",
                                            "minItems": 1, "maxItems": 3,
                                            "items": {"anyOf": [{"const": "value1", "title": "First Choice"},
                                                                {"const": "value2", "title": "Second Choice"},
                                                                {"const": "value3", "title": "Third Choice"}]}}
                        }}
                    }))
                    .await?;
                    ToolResult::Ok(format!("Elicitation completed: action={}, content={}", answer["action"], answer["content"]))
                }),
        )
        .tool(
            Tool::builder("json_schema_2020_12_tool")
                .description("Tool with JSON Schema 2020-12 features")
                .read_only()
                .input_schema(person_schema())
                .handler(|args: Person, _cx: ToolContext| async move {
                    ToolResult::Ok(json!({"name": args.name, "address": args.address,
                        "contactMethod": args.contact_method, "phone": args.phone, "email": args.email}))
                }),
        )
        .tool(
            Tool::builder("test_reconnection")
                .description("Finishes after a short pause.")
                .read_only()
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    // Outlasts the polling window of `sse.rs`, so that the stream is closed first.
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    ToolResult::Ok("Reconnection test completed successfully")
                }),
        )
}
