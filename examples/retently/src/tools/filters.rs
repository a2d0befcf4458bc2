//! Filter tools: the vocabulary, applying a spec, and replaying saved or
//! recent filters.

use mcp_tools::{
    RequestError, ResourceContents, ResourceContext, State, ToolResult, resource, tool,
};

use crate::account::Account;
use crate::filters::{
    ApplyFilterArgs, DescribeFiltersArgs, FilterResult, FilterVocabulary, ListFiltersArgs,
    RecentFilterView, SavedFilterView,
};

/// Describe how to build a filter spec for apply_filter: the fields a
/// condition can test (with their types and, where closed, their values), the
/// operators, how conditions combine, what an aggregate can group by, and a
/// working example spec to start from. Call this before writing a spec.
#[tool(read_only, idempotent, scopes("feedback:read"))]
pub async fn describe_filters(
    State(account): State<Account>,
    #[args] args: DescribeFiltersArgs,
) -> ToolResult<FilterVocabulary> {
    account.describe_filters(args)
}

/// The filter vocabulary, as describe_filters returns it: fields, operators,
/// combinations, aggregates and a working example spec. A client can attach
/// it to its model's context once instead of calling the tool.
#[resource(uri = "retently://filters/vocabulary", name = "filter-vocabulary", title = "Filter vocabulary", mime_type = "application/json", audience = ["assistant"], scopes = ["feedback:read"])]
pub async fn filter_vocabulary(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
    let account: Account = cx
        .state()
        .ok_or_else(|| RequestError::internal("the server has no account"))?;
    let vocabulary = account
        .describe_filters(DescribeFiltersArgs {})
        .map_err(|e| RequestError::internal(e.message()))?;
    let json = mcp_tools::serde_json::to_string_pretty(&vocabulary)
        .map_err(|e| RequestError::internal(format!("the vocabulary did not serialise: {e}")))?;
    Ok(ResourceContents::text(cx.uri(), json).with_mime_type("application/json"))
}

/// Run a filter over the account's feedback and return the matching rows
/// (output rows, paged, newest first) or counts and scores (output aggregate
/// with groupBy). Pass exactly one of spec (built from describe_filters),
/// savedFilterId or recentFilterId. The filter that ran is remembered in
/// list_recent_filters.
#[tool(read_only, scopes("feedback:read"))]
pub async fn apply_filter(
    State(account): State<Account>,
    #[args] args: ApplyFilterArgs,
) -> ToolResult<FilterResult> {
    account.apply_filter(args)
}

/// List the account's named saved filters with their specs. Replay one with
/// apply_filter and savedFilterId.
#[tool(read_only, scopes("feedback:read"))]
pub async fn list_saved_filters(
    State(account): State<Account>,
    #[args] args: ListFiltersArgs,
) -> ToolResult<Vec<SavedFilterView>> {
    account.list_saved_filters(args)
}

/// List the filters applied most recently on this account, newest first, with
/// their specs. Replay one with apply_filter and recentFilterId.
#[tool(read_only, scopes("feedback:read"))]
pub async fn list_recent_filters(
    State(account): State<Account>,
    #[args] args: ListFiltersArgs,
) -> ToolResult<Vec<RecentFilterView>> {
    account.list_recent_filters(args)
}
