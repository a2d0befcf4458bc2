//! The `#[tool]` attribute macro of [mcp-tools](https://docs.rs/mcp-tools).
//!
//! Use it through `mcp_tools::tool` (default feature `macros`): the generated
//! code targets `mcp_tools`' private API, which is why `mcp-tools` pins this
//! crate to an exact version. The full guide is on [`macro@tool`].

mod attr;
mod check;
mod ctxt;
mod description;
mod expand;
mod signature;

use proc_macro::TokenStream;

/// Declares an MCP tool as an annotated async fn.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::tool(args.into(), item.into()).into()
}
