//! The tools of the `input-required-result-*` scenarios (2026-07-28,
//! SEP-2322): questions to the client under the keys the suite expects,
//! answered through `inputResponses` and a signed `requestState`.

use mcp_tools::{NoArguments, ServerBuilder, Tool, ToolContext, ToolError, ToolResult};
use serde_json::{Value, json};

fn ask_name(message: &str) -> Value {
    json!({"message": message, "requestedSchema": {"type": "object",
           "properties": {"name": {"type": "string"}}, "required": ["name"]}})
}

fn sampling(text: &str, max_tokens: u32) -> Value {
    json!({"messages": [{"role": "user", "content": {"type": "text", "text": text}}],
           "maxTokens": max_tokens})
}

fn failed(e: mcp_tools::transport::jsonrpc::ErrorObject) -> ToolError {
    ToolError::internal(format!("the client's answer failed: {}", e.message))
}

fn tool(name: &'static str, description: &'static str) -> mcp_tools::ToolBuilder {
    Tool::builder(name).description(description).read_only()
}

/// Adds the input-required fixtures to `builder`.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            tool("test_input_required_result_elicitation", "Asks the user's name, then greets them.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client_keyed("user_name", "elicitation/create", ask_name("What is your name?"))
                        .await
                        .map_err(failed)?;
                    ToolResult::Ok(format!("Hello, {}!", answer["content"]["name"].as_str().unwrap_or("stranger")))
                }),
        )
        .tool(
            tool("test_input_required_result_sampling", "Asks the client's model a question.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client_keyed(
                            "capital_question",
                            "sampling/createMessage",
                            sampling("What is the capital of France?", 100),
                        )
                        .await
                        .map_err(failed)?;
                    ToolResult::Ok(format!("The model answered: {}", answer["content"]["text"]))
                }),
        )
        .tool(
            tool("test_input_required_result_list_roots", "Lists the client's roots.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client_keyed("client_roots", "roots/list", json!({}))
                        .await
                        .map_err(failed)?;
                    ToolResult::Ok(format!("Roots: {}", answer["roots"]))
                }),
        )
        .tool(
            tool("test_input_required_result_request_state", "Asks for a confirmation carried in signed state.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    cx.request_client_keyed(
                        "confirm",
                        "elicitation/create",
                        json!({"message": "Please confirm", "requestedSchema": {"type": "object",
                               "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}),
                    )
                    .await
                    .map_err(failed)?;
                    ToolResult::Ok("state-ok: the request state was verified")
                }),
        )
        .tool(
            tool("test_input_required_result_tampered_state", "Asks for a confirmation; refuses tampered state.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    cx.request_client_keyed(
                        "confirm",
                        "elicitation/create",
                        json!({"message": "Please confirm", "requestedSchema": {"type": "object",
                               "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}),
                    )
                    .await
                    .map_err(failed)?;
                    ToolResult::Ok("confirmed")
                }),
        )
        .tool(
            tool("test_input_required_result_multiple_inputs", "Asks three questions at once.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let name = cx.request_client_keyed("user_name", "elicitation/create", ask_name("What is your name?"));
                    let greeting = cx.request_client_keyed(
                        "greeting",
                        "sampling/createMessage",
                        sampling("Generate a greeting", 50),
                    );
                    let roots = cx.request_client_keyed("client_roots", "roots/list", json!({}));
                    let (name, greeting, roots) = futures::join!(name, greeting, roots);
                    let (name, greeting, roots) = (name.map_err(failed)?, greeting.map_err(failed)?, roots.map_err(failed)?);
                    ToolResult::Ok(format!(
                        "{} {} (roots: {})",
                        greeting["content"]["text"], name["content"]["name"], roots["roots"]
                    ))
                }),
        )
        .tool(
            tool("test_input_required_result_multi_round", "Asks two questions, one round each.")
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let name = cx
                        .request_client_keyed("step1", "elicitation/create", ask_name("Step 1: What is your name?"))
                        .await
                        .map_err(failed)?;
                    let color = cx
                        .request_client_keyed(
                            "step2",
                            "elicitation/create",
                            json!({"message": "Step 2: What is your favorite color?", "requestedSchema": {
                                   "type": "object", "properties": {"color": {"type": "string"}},
                                   "required": ["color"]}}),
                        )
                        .await
                        .map_err(failed)?;
                    ToolResult::Ok(format!("{} likes {}", name["content"]["name"], color["content"]["color"]))
                }),
        )
        .tool(
            tool(
                "test_input_required_result_capabilities",
                "Asks only what the client declared it can answer.",
            )
            .handler(|_: NoArguments, cx: ToolContext| async move {
                let mut answers = Vec::new();
                if cx.client_supports("elicitation") {
                    answers.push(cx.request_client_keyed("user_name", "elicitation/create", ask_name("What is your name?")));
                }
                if cx.client_supports("sampling") {
                    answers.push(cx.request_client_keyed(
                        "greeting",
                        "sampling/createMessage",
                        sampling("Generate a greeting", 50),
                    ));
                }
                let answers = futures::future::join_all(answers).await;
                let answered = answers.into_iter().filter(Result::is_ok).count();
                ToolResult::Ok(format!("{answered} answers"))
            }),
        )
}
