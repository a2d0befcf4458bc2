use mcp_tools::{RequestError, ResourceContents, ResourceContext, resource};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
struct Vars {
    id: String,
}

/// A record.
#[resource(template = "records://all")]
async fn record(vars: Vars, cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), vars.id))
}

fn main() {}
