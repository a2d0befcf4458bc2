//! The suite's prompt fixtures: a simple prompt, one with arguments (and
//! their completion), one embedding a resource, one with an image, and one
//! that asks the user for context first.

use std::time::Duration;

use mcp_tools::{
    CacheHints, Completer, Completion, CompletionRequest, Content, NoArguments, Prompt,
    PromptContext, PromptMessage, PromptResult, RequestError, ServerBuilder,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use crate::resources::PIXEL_PNG;

#[derive(Deserialize, JsonSchema)]
struct TwoArgs {
    /// First test argument
    arg1: String,
    /// Second test argument
    arg2: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Embed {
    /// URI of the resource to embed
    resource_uri: String,
}

fn text(text: impl Into<String>) -> PromptMessage {
    PromptMessage::user(Content::text(text))
}

pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .prompt_list_cache(CacheHints::public(Duration::from_secs(3600)))
        .prompt(
            Prompt::builder("test_simple_prompt")
                .description("A simple prompt without arguments.")
                .handler(|_: NoArguments, _: PromptContext| async {
                    Ok(text("This is a simple prompt for testing."))
                }),
        )
        .prompt(
            Prompt::builder("test_prompt_with_arguments")
                .description("A prompt with two required arguments.")
                .complete(
                    "arg1",
                    Completer::with(|request: CompletionRequest| async move {
                        let words = ["paris", "park", "party", "test", "testing", "tested"];
                        Ok(Completion::from_values(
                            words.into_iter().filter(|w| w.starts_with(&request.value)),
                        ))
                    }),
                )
                .complete("arg2", Completer::values(["world", "wide"]))
                .handler(|args: TwoArgs, _: PromptContext| async move {
                    Ok(text(format!(
                        "Prompt with arguments: arg1='{}', arg2='{}'",
                        args.arg1, args.arg2
                    )))
                }),
        )
        .prompt(
            Prompt::builder("test_prompt_with_embedded_resource")
                .description("A prompt that embeds the resource it is given.")
                .handler(|args: Embed, _: PromptContext| async move {
                    Ok(PromptResult::new([
                        PromptMessage::user(Content::resource_text(
                            args.resource_uri,
                            "text/plain",
                            "Embedded resource content for testing.",
                        )),
                        text("Please process the embedded resource above."),
                    ]))
                }),
        )
        .prompt(
            Prompt::builder("test_prompt_with_image")
                .description("A prompt with an image.")
                .handler(|_: NoArguments, _: PromptContext| async {
                    Ok(PromptResult::new([
                        PromptMessage::user(Content::image_base64(PIXEL_PNG, "image/png")),
                        text("Please analyze the image above."),
                    ]))
                }),
        )
        .prompt(
            Prompt::builder("test_input_required_result_prompt")
                .description("Asks the user for context before it renders (SEP-2322).")
                .handler(|_: NoArguments, cx: PromptContext| async move {
                    let answer = cx
                        .request_client_keyed(
                            "user_context",
                            "elicitation/create",
                            json!({
                                "message": "What context should the prompt use?",
                                "requestedSchema": {
                                    "type": "object",
                                    "properties": {"context": {"type": "string"}},
                                    "required": ["context"]
                                }
                            }),
                        )
                        .await
                        .map_err(|e| RequestError::internal(e.message))?;
                    let context = answer["content"]["context"].as_str().unwrap_or("none");
                    Ok(PromptResult::new([text(format!(
                        "Use this context: {context}"
                    ))]))
                }),
        )
}
