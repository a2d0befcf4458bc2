use mcp_tools::{RequestError, ResourceContents, ResourceContext, resource};

/// The readme.
#[resource(uri = "docs://readme")]
fn readme(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), "hello"))
}

fn main() {}
