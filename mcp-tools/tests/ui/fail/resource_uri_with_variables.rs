use mcp_tools::{RequestError, ResourceContents, ResourceContext, resource};

/// A record.
#[resource(uri = "records://{id}")]
async fn record(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), "x"))
}

fn main() {}
