//! What the document offers as exports, also served as MCP resources a
//! client can attach to its model's context: a workflow's structure as JSON.

use mcp_tools::{ErrorCode, RequestError, ResourceContents, ResourceContext, resource};

use crate::account::Account;
use crate::workflows::WorkflowIdArgs;

/// A workflow's structure as JSON, as get_workflow_export returns it: the
/// graph (nodes, settings, message ids, edges) and the start and stop
/// configuration. The ids come from list_workflows.
#[resource(template = "reteno://workflows/{workflowId}/export", name = "workflow-export", title = "Workflow export", mime_type = "application/json", scopes = ["reteno:read"])]
pub async fn workflow_export(
    cx: ResourceContext,
    args: WorkflowIdArgs,
) -> Result<ResourceContents, RequestError> {
    let account: Account = cx
        .state()
        .ok_or_else(|| RequestError::internal("the server has no account"))?;
    let export = account.workflow_export(args).map_err(|e| {
        if e.code() == &ErrorCode::NOT_FOUND {
            RequestError::not_found(e.message())
        } else {
            RequestError::internal(e.message())
        }
    })?;
    let json = mcp_tools::serde_json::to_string_pretty(&export)
        .map_err(|e| RequestError::internal(format!("the export did not serialise: {e}")))?;
    Ok(ResourceContents::text(cx.uri(), json).with_mime_type("application/json"))
}
