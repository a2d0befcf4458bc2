use mcp_tools::{RequestError, ResourceContents, ResourceContext, resource};

/// The readme.
#[resource(uri = "docs://readme", complete(lang = ["en"]))]
async fn readme(lang: String, cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    Ok(ResourceContents::text(cx.uri(), lang))
}

fn main() {}
