use mcp_tools::tool;

/// Says hello.
#[tool(read_only)]
async fn hello() -> String {
    "hello".into()
}

fn main() {}
