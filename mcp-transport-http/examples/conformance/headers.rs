//! The tool of the `http-custom-header-server-validation` scenario
//! (2026-07-28, SEP-2243): arguments mirrored into `Mcp-Param-*` headers.

use mcp_tools::{ServerBuilder, Tool, ToolContext, ToolResult};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
struct Query {
    /// The region the query runs in; mirrored into `Mcp-Param-Region`.
    region: String,
    /// Scheduling priority; mirrored into `Mcp-Param-Priority`.
    priority: i64,
    /// Whether to explain the plan; mirrored into `Mcp-Param-Verbose`.
    verbose: Option<bool>,
    /// The query text; not mirrored.
    query: String,
}

/// Adds the header-mirroring fixture to `builder`.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder.tool(
        Tool::builder("test_custom_headers")
            .description(
                "Runs a query in a region; region, priority and verbose travel in headers too.",
            )
            .read_only()
            .header_param("region", "Region")
            .header_param("priority", "Priority")
            .header_param("verbose", "Verbose")
            .handler(|q: Query, _cx: ToolContext| async move {
                ToolResult::Ok(format!(
                    "ran {:?} in {} at priority {} (verbose: {})",
                    q.query,
                    q.region,
                    q.priority,
                    q.verbose.unwrap_or(false)
                ))
            }),
    )
}
