//! The tool layer: one `#[tool]` per tool of the vendor's list, grouped by
//! the document's areas, registered by [`all`] in the document's order.

use mcp_tools::Tool;

/// Every tool, in the order of the vendor's list.
pub fn all() -> Vec<Tool> {
    vec![]
}
