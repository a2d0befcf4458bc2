//! Inbox tools: thread previews, replies and categories.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::inbox::{
    ChangeCategoryArgs, InboxArgs, SendReplyArgs, SentReply, ThreadCategory, ThreadPreview,
};
use crate::workspace::Workspace;

/// Returns inbox threads on both channels (email and LinkedIn), most recent activity first,
/// each with its ThreadId, Channel, contact, subject, a short preview of the latest message
/// (not the full body), message count and category.
///
/// This is the resolver for threadId and the thread's channel, which reply_send_inbox_reply
/// must repeat. Only paging is supported (top, default 20, max 100; skip); there are no
/// filters, so page until you find the thread.
#[tool(read_only, name = "reply_get_inbox_emails")]
pub async fn get_inbox_emails(
    State(ws): State<Workspace>,
    #[args] args: InboxArgs,
) -> ToolResult<Page<ThreadPreview>> {
    ws.get_inbox_emails(args)
}

/// Sends a plain-text reply on an existing inbox thread, right away, to a real person. Show
/// the user the text and get approval first; never retry a send without checking the thread
/// with reply_get_inbox_emails, because a timed-out send may have gone out.
///
/// Takes only threadId and channel (both from reply_get_inbox_emails) and message (at most
/// 32,000 characters): no Cc/Bcc, attachments or scheduling.
/// Errors: ChannelMismatch — channel differs from the thread's; call again with the thread's
/// channel; ContactOptedOut — the contact unsubscribed or is blacklisted, nothing can be sent;
/// ThreadSendFailed — the thread's mailbox is disconnected or its LinkedIn session expired,
/// ask the user to reconnect the account; NotFound — unknown threadId; InvalidArguments —
/// empty or too long message.
#[tool(destructive, open_world, name = "reply_send_inbox_reply")]
pub async fn send_inbox_reply(
    State(ws): State<Workspace>,
    #[args] args: SendReplyArgs,
) -> ToolResult<SentReply> {
    ws.send_inbox_reply(args)
}

/// Sets the workspace category of one inbox thread (Interested, Not interested, Meeting
/// booked, Out of office, Referral, Do not contact, Follow up later; case-insensitive), or
/// clears it when category is omitted.
///
/// threadId comes from reply_get_inbox_emails.
/// Errors: InvalidParameter — not a category of this workspace (the message lists them);
/// NotFound — unknown threadId.
#[tool(destructive, idempotent, name = "reply_change_inbox_category")]
pub async fn change_inbox_category(
    State(ws): State<Workspace>,
    #[args] args: ChangeCategoryArgs,
) -> ToolResult<ThreadCategory> {
    ws.change_inbox_category(args)
}
