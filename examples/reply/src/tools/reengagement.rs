//! Jason reengagement-card tools: how Jason wins back prospects who went quiet.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::knowledge::Deleted;
use crate::reengagement::{
    CreateReengagementCardArgs, ListReengagementCardsArgs, ReengagementCard, ReengagementCardRef,
    ReengagementCardSummary, UpdateReengagementCardArgs,
};
use crate::workspace::Workspace;

/// Lists the reengagement cards of one Jason knowledge base: each card's id, name, how many
/// days of silence trigger it, tone of voice and response length.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases. Read one in full with
/// reply_get_reengagement_card.
/// Errors: NotFound — unknown knowledgeBaseId.
#[tool(read_only, name = "reply_list_reengagement_cards")]
pub async fn list_reengagement_cards(
    State(ws): State<Workspace>,
    #[args] args: ListReengagementCardsArgs,
) -> ToolResult<Page<ReengagementCardSummary>> {
    ws.list_reengagement_cards(args)
}

/// Returns one reengagement card in full: name, instructions, sample answer, send-after days,
/// tone of voice and response length.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, cardId from
/// reply_list_reengagement_cards.
/// Errors: NotFound — unknown knowledge base, or no card with that id in it.
#[tool(read_only, name = "reply_get_reengagement_card")]
pub async fn get_reengagement_card(
    State(ws): State<Workspace>,
    #[args] args: ReengagementCardRef,
) -> ToolResult<ReengagementCard> {
    ws.get_reengagement_card(args)
}

/// Adds a reengagement card to a knowledge base, telling Jason how to follow up with a prospect
/// who stopped answering: a name, instructions, an optional sample answer, after how many days
/// of silence (1 to 90), tone of voice and response length.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases.
/// Errors: NotFound — unknown knowledgeBaseId; InvalidArguments — blank text or days out of
/// range.
#[tool(destructive, name = "reply_create_reengagement_card")]
pub async fn create_reengagement_card(
    State(ws): State<Workspace>,
    #[args] args: CreateReengagementCardArgs,
) -> ToolResult<ReengagementCard> {
    ws.create_reengagement_card(args)
}

/// Updates a reengagement card. Only the fields you pass change.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, cardId from
/// reply_list_reengagement_cards.
/// Errors: NotFound — unknown knowledge base or card.
#[tool(destructive, idempotent, name = "reply_update_reengagement_card")]
pub async fn update_reengagement_card(
    State(ws): State<Workspace>,
    #[args] args: UpdateReengagementCardArgs,
) -> ToolResult<ReengagementCard> {
    ws.update_reengagement_card(args)
}

/// Removes a reengagement card from a knowledge base.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, cardId from
/// reply_list_reengagement_cards.
/// Errors: NotFound — unknown knowledge base or card (it may already be deleted).
#[tool(destructive, idempotent, name = "reply_delete_reengagement_card")]
pub async fn delete_reengagement_card(
    State(ws): State<Workspace>,
    #[args] args: ReengagementCardRef,
) -> ToolResult<Deleted> {
    ws.delete_reengagement_card(args)
}
