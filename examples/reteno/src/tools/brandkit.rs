//! Brand kit (AI).

use mcp_tools::{State, ToolContext, ToolResult, tool};

use crate::account::Account;
use crate::brandkit::{BrandKit, ExtractBrandkitArgs};

/// Extracts a brand kit from a public storefront URL: brand name, colour palette (primary,
/// secondary, accent, background, text), typography (heading and body fonts, base size) and
/// tone of voice. It runs long (minutes on the hosted service) and reports progress as it goes;
/// tell the user it is working and do not call it again for the same URL meanwhile. A client
/// that speaks the tasks extension gets a task to poll instead of a request held open.
///
/// Errors: InvalidParameter — not an http(s) URL with a host name; StorefrontUnreachable — a
/// local name or IP address rather than a public storefront; Cancelled — the call was
/// cancelled.
#[tool(
    scopes("reteno:read"),
    read_only,
    open_world,
    timeout_secs = 900,
    task = "optional",
    title = "Extract a brand kit"
)]
pub async fn extract_brandkit(
    State(account): State<Account>,
    cx: ToolContext,
    #[args] args: ExtractBrandkitArgs,
) -> ToolResult<BrandKit> {
    account.extract_brandkit(&cx, args).await
}
