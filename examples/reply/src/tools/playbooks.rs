//! Jason playbook tools: the selling instructions Jason follows.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::playbooks::{
    CreatePlaybookArgs, DuplicatePlaybookArgs, ListPlaybooksArgs, PlaybookDetail, PlaybookRef,
    PlaybookSummary, UpdatePlaybookArgs,
};
use crate::workspace::Workspace;

/// Lists the Jason (AI SDR) playbooks: named sets of selling instructions, with each
/// playbook's id, name, description and visibility (Team or Organization).
///
/// This is the resolver for playbookId (reply_get_playbook, reply_update_playbook,
/// reply_duplicate_playbook, reply_attach_playbook_to_sequence). Page with top and skip.
#[tool(read_only, name = "reply_list_playbooks")]
pub async fn list_playbooks(
    State(ws): State<Workspace>,
    #[args] args: ListPlaybooksArgs,
) -> ToolResult<Page<PlaybookSummary>> {
    ws.list_playbooks(args)
}

/// Returns one playbook in full, including its instruction Body (the prompt that tells Jason
/// how to sell), its visibility and the names of the sequences that use it.
///
/// playbookId comes from reply_list_playbooks.
/// Errors: NotFound — unknown playbookId.
#[tool(read_only, name = "reply_get_playbook")]
pub async fn get_playbook(
    State(ws): State<Workspace>,
    #[args] args: PlaybookRef,
) -> ToolResult<PlaybookDetail> {
    ws.get_playbook(args)
}

/// Creates a playbook: a name, an optional description, the instruction body Jason follows,
/// and a visibility (Team, the default, or Organization). Attach it with
/// reply_attach_playbook_to_sequence.
///
/// Errors: InvalidArguments — blank name or body.
#[tool(destructive, name = "reply_create_playbook")]
pub async fn create_playbook(
    State(ws): State<Workspace>,
    #[args] args: CreatePlaybookArgs,
) -> ToolResult<PlaybookDetail> {
    ws.create_playbook(args)
}

/// Updates a playbook. Only the fields you pass change. Sequences that use the playbook follow
/// the new instructions from now on.
///
/// playbookId comes from reply_list_playbooks.
/// Errors: NotFound — unknown playbookId.
#[tool(destructive, idempotent, name = "reply_update_playbook")]
pub async fn update_playbook(
    State(ws): State<Workspace>,
    #[args] args: UpdatePlaybookArgs,
) -> ToolResult<PlaybookDetail> {
    ws.update_playbook(args)
}

/// Copies a playbook into a new one with the same description and instruction body, under a
/// new name (default "Copy of …") and visibility (default Team). Use it to adapt a playbook
/// without changing the sequences that use the original.
///
/// playbookId comes from reply_list_playbooks.
/// Errors: NotFound — unknown playbookId.
#[tool(destructive, name = "reply_duplicate_playbook")]
pub async fn duplicate_playbook(
    State(ws): State<Workspace>,
    #[args] args: DuplicatePlaybookArgs,
) -> ToolResult<PlaybookDetail> {
    ws.duplicate_playbook(args)
}
