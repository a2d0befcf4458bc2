//! Workflows.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::uploads::UploadTicket;
use crate::workflows::{
    CreateWorkflowArgs, ListWorkflowsArgs, UpdateWorkflowArgs, WorkflowExport, WorkflowIdArgs,
    WorkflowSaved, WorkflowView,
};

/// Lists the account's workflows (automations) with their status (active or inactive) and
/// node counts, filtered by status or part of the name. Page with top and skip until HasMore is
/// false. Read a workflow's structure with get_workflow_export.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List workflows"
)]
pub async fn list_workflows(
    State(account): State<Account>,
    #[args] args: ListWorkflowsArgs,
) -> ToolResult<Page<WorkflowView>> {
    Ok(account.list_workflows(args))
}

/// Creates a new, inactive workflow shell: a name, an optional description and a graph with a
/// lone start node. Build its graph with prepare_workflow_upload and update_workflow; the agent
/// cannot activate workflows, the user does that in Reteno.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Create a workflow"
)]
pub async fn create_workflow(
    State(account): State<Account>,
    #[args] args: CreateWorkflowArgs,
) -> ToolResult<WorkflowView> {
    Ok(account.create_workflow(args))
}

/// Saves an edited workflow graph (and optional start/stop configs) from a completed
/// prepare_workflow_upload session, after checking it: nodes with unique ids and known types
/// (start, send_email, send_sms, send_push, send_app_inbox, wait, condition, exit), exactly one
/// start node, edges between existing nodes, every node reachable from the start, and message
/// ids that exist.
///
/// Errors: InvalidWorkflowGraph — the graph or configs break a rule (the message says which;
/// nothing was saved); InvalidUploadedFile — not JSON; WorkflowActive — only inactive workflows
/// can be edited; UploadSession* — prepare a new session and upload again; NotFound — unknown
/// workflowId.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Save a workflow graph"
)]
pub async fn update_workflow(
    State(account): State<Account>,
    #[args] args: UpdateWorkflowArgs,
) -> ToolResult<WorkflowSaved> {
    account.update_workflow(args)
}

/// Exports a workflow's structure as JSON: the graph (nodes with their settings and message
/// ids, edges with optional branches) and the start/stop configuration (what brings contacts in
/// and what takes them out). Start from this when editing a graph.
///
/// Errors: NotFound — unknown workflowId (from list_workflows).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Export a workflow"
)]
pub async fn get_workflow_export(
    State(account): State<Account>,
    #[args] args: WorkflowIdArgs,
) -> ToolResult<WorkflowExport> {
    account.workflow_export(args)
}

/// Opens a short-lived, single-use upload session for one workflow: the graph JSON (required,
/// up to 1 MB) and an optional configs JSON with start and stop (up to 256 KB). PUT each file to
/// its uploadUrl with Content-Type application/json, then call update_workflow with the
/// workflowId and uploadSessionId before expiresAt (15 minutes).
///
/// Errors: NotFound — unknown workflowId (from list_workflows).
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Prepare a workflow upload"
)]
pub async fn prepare_workflow_upload(
    State(account): State<Account>,
    #[args] args: WorkflowIdArgs,
) -> ToolResult<UploadTicket> {
    account.prepare_workflow_upload(args)
}
