//! The tasks extension's fixtures (SEP-2663 scenarios `tasks-*`): a
//! synchronous tool, a slow computation, a tool error, a server fault, input
//! requests during a task, and input gathered before a task is created.

use std::time::Duration;

use mcp_tools::task::TaskSupport;
use mcp_tools::{
    Content, ErrorCode, NoArguments, ServerBuilder, Tool, ToolContext, ToolError, ToolResult,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
struct Greeting {
    /// Who to greet.
    name: String,
}

#[derive(Deserialize, JsonSchema)]
struct Computation {
    /// How many seconds the computation takes; 0 answers at once.
    #[schemars(range(max = 600))]
    seconds: u32,
    /// A label echoed in the result.
    label: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
struct Deletion {
    /// The file to delete once the user confirms.
    filename: String,
}

fn confirm_schema(message: &str) -> Value {
    json!({
        "message": message,
        "requestedSchema": {"type": "object", "properties": {
            "confirm": {"type": "boolean", "description": "Go ahead"},
            "name": {"type": "string", "description": "A name"}
        }}
    })
}

async fn ask(cx: &ToolContext, message: &str) -> Result<Value, ToolError> {
    cx.request_client("elicitation/create", confirm_schema(message))
        .await
        .map_err(|e| ToolError::invalid_input(format!("the client did not answer: {}", e.message)))
}

/// Adds the tasks fixtures to `builder`.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::builder("greet")
                .description("Greets someone; never a task.")
                .read_only()
                .handler_content(|args: Greeting, _cx: ToolContext| async move {
                    ToolResult::Ok(Content::text(format!("Hello, {}!", args.name)))
                }),
        )
        .tool(
            Tool::builder("slow_compute")
                .description("Computes for `seconds` seconds, reporting progress each second.")
                .read_only()
                .task(TaskSupport::Optional)
                .timeout(Duration::from_secs(660))
                .handler(|args: Computation, cx: ToolContext| async move {
                    let total = f64::from(args.seconds);
                    for second in 0..args.seconds {
                        tokio::select! {
                            () = tokio::time::sleep(Duration::from_secs(1)) => {}
                            () = cx.cancelled() => return Err(ToolError::new(
                                ErrorCode::CANCELLED,
                                "the computation was cancelled",
                            )),
                        }
                        cx.progress(f64::from(second + 1), Some(total), Some("computing"));
                    }
                    let label = args.label.unwrap_or_else(|| "computation".into());
                    ToolResult::Ok(format!("{label}: done after {} s", args.seconds))
                }),
        )
        .tool(
            Tool::builder("failing_job")
                .description("Runs for a second, then reports that the job failed.")
                .read_only()
                .task(TaskSupport::Required)
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    ToolResult::<()>::Err(ToolError::new(
                        ErrorCode::UPSTREAM_FAILURE,
                        "the job failed on purpose; this fixture always fails",
                    ))
                }),
        )
        .tool(
            Tool::builder("protocol_error_job")
                .description("Runs briefly, then fails inside the server (a panic).")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    if std::hint::black_box(true) {
                        panic!("protocol_error_job fails on purpose");
                    }
                    ToolResult::Ok("unreachable")
                }),
        )
        .tool(
            Tool::builder("confirm_delete")
                .description("Asks the user to confirm, then deletes the file.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(|args: Deletion, cx: ToolContext| async move {
                    let answer = ask(&cx, &format!("Delete {}?", args.filename)).await?;
                    let confirmed = answer["action"] == "accept"
                        && answer["content"]["confirm"].as_bool() != Some(false);
                    ToolResult::Ok(if confirmed {
                        format!("Deleted {}", args.filename)
                    } else {
                        format!("Kept {}", args.filename)
                    })
                }),
        )
        .tool(
            Tool::builder("multi_input")
                .description("Asks two questions at once, then combines the answers.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let (first, second) =
                        tokio::join!(ask(&cx, "First name?"), ask(&cx, "Second name?"));
                    let (first, second) = (first?, second?);
                    ToolResult::Ok(format!(
                        "got {} and {}",
                        first["content"]["name"].as_str().unwrap_or("?"),
                        second["content"]["name"].as_str().unwrap_or("?")
                    ))
                }),
        )
        .tool(
            Tool::builder("test_tool_with_task")
                .description("Asks for a name before it starts, then works as a task.")
                .read_only()
                .task(TaskSupport::Required)
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client_before_task(
                            "elicitation/create",
                            json!({"message": "What is your name?", "requestedSchema": {
                                "type": "object",
                                "properties": {"name": {"type": "string"}},
                                "required": ["name"]
                            }}),
                        )
                        .await
                        .map_err(|e| ToolError::invalid_input(format!("no name: {}", e.message)))?;
                    let name = answer["content"]["name"]
                        .as_str()
                        .or_else(|| answer["content"]["user_name"].as_str())
                        .unwrap_or("stranger")
                        .to_owned();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    ToolResult::Ok(format!("Hello, {name}! (gathered before the task)"))
                }),
        )
}
