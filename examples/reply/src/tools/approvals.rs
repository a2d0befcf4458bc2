//! Jason approval tools: the review queue of AI SDR drafts.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::approvals::{
    ApproveArgs, BulkApproval, BulkApproveArgs, DraftRef, ListApprovalsArgs, PendingDraft,
    RegenerateArgs, RejectedDraft, SentDraft,
};
use crate::workspace::Workspace;

/// Returns the Jason (AI SDR) drafts waiting for approval before they are sent, newest first
/// by default (sortMode OldestFirst reverses it), optionally only for one sequence, one
/// sequence owner or one channel (Email, LinkedIn).
///
/// Drafts exist for sequences in Review mode. Each draft is addressed by its sequenceId and
/// contactId pair; there is no separate draft id. Use the pair with reply_approve_message,
/// reply_regenerate_message, reply_reject_message and reply_bulk_approve_messages.
/// Errors: NotFound — unknown sequenceId or ownerId.
#[tool(read_only, name = "reply_list_pending_approvals")]
pub async fn list_pending_approvals(
    State(ws): State<Workspace>,
    #[args] args: ListApprovalsArgs,
) -> ToolResult<Page<PendingDraft>> {
    ws.list_pending_approvals(args)
}

/// Approves one Jason draft and sends it to the contact immediately, optionally with your own
/// body and/or subject instead of Jason's. Show the draft to the user and confirm first; to
/// change the wording without sending, use reply_regenerate_message.
///
/// sequenceId and contactId come from reply_list_pending_approvals.
/// Errors: NotFound — no pending draft for that pair (already sent, rejected or regenerated
/// away); reload the queue; ContactOptedOut — the contact unsubscribed or is blacklisted;
/// ThreadSendFailed — the sending account is disconnected.
#[tool(destructive, open_world, name = "reply_approve_message")]
pub async fn approve_message(
    State(ws): State<Workspace>,
    #[args] args: ApproveArgs,
) -> ToolResult<SentDraft> {
    ws.approve_message(args)
}

/// Approves 1 to 100 Jason drafts at once and sends them all immediately. The batch is
/// atomic: if any pair is stale (no longer pending), listed twice or cannot be sent, the
/// whole batch is rejected and nothing is sent. Only use it after every draft in the batch
/// was reviewed, and confirm with the user first.
///
/// Each item is a sequenceId and contactId pair from reply_list_pending_approvals.
/// Errors: Conflict — the batch was refused; the message names every bad pair and why;
/// reload the queue and send only current drafts.
#[tool(destructive, open_world, name = "reply_bulk_approve_messages")]
pub async fn bulk_approve_messages(
    State(ws): State<Workspace>,
    #[args] args: BulkApproveArgs,
) -> ToolResult<BulkApproval> {
    ws.bulk_approve_messages(args)
}

/// Rejects one Jason draft. This does more than discard it: the contact is also removed from
/// the sequence, irreversibly. Use it only when the contact should leave the sequence; to get
/// a better draft, use reply_regenerate_message instead. Confirm with the user first.
///
/// sequenceId and contactId come from reply_list_pending_approvals.
/// Errors: NotFound — no pending draft for that pair, or unknown sequence.
#[tool(destructive, name = "reply_reject_message")]
pub async fn reject_message(
    State(ws): State<Workspace>,
    #[args] args: DraftRef,
) -> ToolResult<RejectedDraft> {
    ws.reject_message(args)
}

/// Asks Jason to rewrite one pending draft, optionally guided by feedback in plain words
/// ("shorter", "more formal", "end with a question"). The draft stays in the queue with a
/// higher Revision; nothing is sent.
///
/// sequenceId and contactId come from reply_list_pending_approvals.
/// Errors: NotFound — no pending draft for that pair, or unknown sequence.
#[tool(destructive, name = "reply_regenerate_message")]
pub async fn regenerate_message(
    State(ws): State<Workspace>,
    #[args] args: RegenerateArgs,
) -> ToolResult<PendingDraft> {
    ws.regenerate_message(args)
}
