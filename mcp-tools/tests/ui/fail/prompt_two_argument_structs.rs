use mcp_tools::{Content, PromptMessage, RequestError, prompt};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
struct A {
    a: String,
}

#[derive(Deserialize, JsonSchema)]
struct B {
    b: String,
}

/// Two structs.
#[prompt(nmae = "x")]
async fn two(a: A, b: B) -> Result<PromptMessage, RequestError> {
    Ok(PromptMessage::user(Content::text(a.a + &b.b)))
}

fn main() {}
