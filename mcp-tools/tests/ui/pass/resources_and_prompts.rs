#![deny(warnings)]

use mcp_tools::{
    Completion, CompletionRequest, Content, PromptContext, PromptMessage, PromptResult,
    RequestError, ResourceContents, ResourceContext, Server, prompt, resource,
};
use schemars::JsonSchema;
use serde::Deserialize;

/// The readme.
#[resource(uri = "docs://readme", mime_type = "text/markdown", size = 7, audience = ["user"], priority = 0.2)]
async fn readme(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), "# Hello"))
}

#[derive(Deserialize, JsonSchema)]
struct Chapter {
    number: u32,
}

async fn chapters(request: CompletionRequest) -> Result<Completion, RequestError> {
    Ok(Completion::from_values([request.value]))
}

/// A chapter.
#[resource(template = "docs://chapter/{number}", name = "chapter", scopes = ["docs:read"], complete(number = chapters))]
async fn chapter(args: Chapter) -> Result<Vec<ResourceContents>, RequestError> {
    Ok(vec![ResourceContents::text(format!("docs://chapter/{}", args.number), "text")])
}

/// Says hello.
#[prompt(title = "Hello")]
async fn hello(cx: PromptContext) -> Result<PromptResult, RequestError> {
    Ok(PromptResult::new([PromptMessage::user(Content::text(cx.name()))]))
}

fn main() {
    let _ = Server::builder("ui", "1.0.0")
        .resource(readme::resource())
        .resource_template(chapter::resource_template())
        .prompt(hello::prompt())
        .build();
}
