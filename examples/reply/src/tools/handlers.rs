//! Jason reply-handler tools: how Jason answers a kind of prospect question.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::handlers::{
    CreateReplyHandlerArgs, ListReplyHandlersArgs, ReplyHandler, ReplyHandlerRef,
    ReplyHandlerSummary, UpdateReplyHandlerArgs,
};
use crate::knowledge::Deleted;
use crate::workspace::Workspace;

/// Lists the reply handlers of one Jason knowledge base: for each kind of prospect question
/// (pricing, timing, a competitor…), its id, question type, tone of voice and response length.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases. Read one in full with
/// reply_get_reply_handler.
/// Errors: NotFound — unknown knowledgeBaseId.
#[tool(read_only, name = "reply_list_reply_handlers")]
pub async fn list_reply_handlers(
    State(ws): State<Workspace>,
    #[args] args: ListReplyHandlersArgs,
) -> ToolResult<Page<ReplyHandlerSummary>> {
    ws.list_reply_handlers(args)
}

/// Returns one reply handler in full: question type, instructions, sample answer, tone of
/// voice, response length and links Jason may share.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, replyHandlerId from
/// reply_list_reply_handlers.
/// Errors: NotFound — unknown knowledge base, or no handler with that id in it.
#[tool(read_only, name = "reply_get_reply_handler")]
pub async fn get_reply_handler(
    State(ws): State<Workspace>,
    #[args] args: ReplyHandlerRef,
) -> ToolResult<ReplyHandler> {
    ws.get_reply_handler(args)
}

/// Adds a reply handler to a knowledge base, teaching Jason how to answer one kind of prospect
/// question: the question type, instructions, an optional sample answer, tone of voice
/// (Confident, Persuasive, Witty, Straightforward, Empathetic), response length (SuperShort,
/// Short, Medium, Long) and up to 10 links.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases.
/// Errors: NotFound — unknown knowledgeBaseId; InvalidParameter — a link is not a full
/// http(s) URL; InvalidArguments — blank text.
#[tool(destructive, name = "reply_create_reply_handler")]
pub async fn create_reply_handler(
    State(ws): State<Workspace>,
    #[args] args: CreateReplyHandlerArgs,
) -> ToolResult<ReplyHandler> {
    ws.create_reply_handler(args)
}

/// Updates a reply handler. Only the fields you pass change; links, when passed, replaces the
/// whole list.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, replyHandlerId from
/// reply_list_reply_handlers.
/// Errors: NotFound — unknown knowledge base or handler; InvalidParameter — a link is not a
/// full http(s) URL.
#[tool(destructive, idempotent, name = "reply_update_reply_handler")]
pub async fn update_reply_handler(
    State(ws): State<Workspace>,
    #[args] args: UpdateReplyHandlerArgs,
) -> ToolResult<ReplyHandler> {
    ws.update_reply_handler(args)
}

/// Removes a reply handler from a knowledge base; Jason no longer has specific guidance for
/// that kind of question.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, replyHandlerId from
/// reply_list_reply_handlers.
/// Errors: NotFound — unknown knowledge base or handler (it may already be deleted).
#[tool(destructive, idempotent, name = "reply_delete_reply_handler")]
pub async fn delete_reply_handler(
    State(ws): State<Workspace>,
    #[args] args: ReplyHandlerRef,
) -> ToolResult<Deleted> {
    ws.delete_reply_handler(args)
}
