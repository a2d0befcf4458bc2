//! Jason knowledge-base tools: the bundles of company facts Jason answers from.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::knowledge::{
    AddSourceArgs, CreateKnowledgeBaseArgs, DeleteSourceArgs, Deleted, KnowledgeBaseDetail,
    KnowledgeBaseRef, KnowledgeBaseSummary, ListKnowledgeBasesArgs, UpdateKnowledgeBaseArgs,
};
use crate::workspace::Workspace;

/// Lists the Jason (AI SDR) knowledge bases of the workspace: the bundles of company
/// information Jason uses to answer prospects, with their source, reply-handler and
/// reengagement-card counts and the sequences they are attached to.
///
/// This is the resolver for knowledgeBaseId (reply_attach_knowledge_base_to_sequence, the
/// reply-handler and reengagement-card tools). Page with top and skip.
#[tool(read_only, name = "reply_list_knowledge_bases")]
pub async fn list_knowledge_bases(
    State(ws): State<Workspace>,
    #[args] args: ListKnowledgeBasesArgs,
) -> ToolResult<Page<KnowledgeBaseSummary>> {
    ws.list_knowledge_bases(args)
}

/// Returns one knowledge base in full: name, free-text Instructions, its web-page sources
/// (each with the source id reply_delete_knowledge_base_source needs), how many reply handlers
/// and reengagement cards it has, and the sequences it is attached to.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases.
/// Errors: NotFound — unknown knowledgeBaseId.
#[tool(read_only, name = "reply_get_knowledge_base")]
pub async fn get_knowledge_base(
    State(ws): State<Workspace>,
    #[args] args: KnowledgeBaseRef,
) -> ToolResult<KnowledgeBaseDetail> {
    ws.get_knowledge_base(args)
}

/// Creates a knowledge base with a name, optional Instructions for Jason and optional source
/// page URLs. Attach it to a sequence afterwards with reply_attach_knowledge_base_to_sequence.
///
/// Errors: Conflict — a knowledge base already has that name (case-insensitive);
/// InvalidParameter — a source URL is not a full http(s) address; InvalidArguments — blank
/// name.
#[tool(destructive, name = "reply_create_knowledge_base")]
pub async fn create_knowledge_base(
    State(ws): State<Workspace>,
    #[args] args: CreateKnowledgeBaseArgs,
) -> ToolResult<KnowledgeBaseDetail> {
    ws.create_knowledge_base(args)
}

/// Renames a knowledge base and/or replaces its Instructions. Only the fields you pass
/// change; sources are managed with reply_add_knowledge_base_source and
/// reply_delete_knowledge_base_source.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases.
/// Errors: NotFound — unknown knowledgeBaseId; Conflict — another knowledge base has that name.
#[tool(destructive, idempotent, name = "reply_update_knowledge_base")]
pub async fn update_knowledge_base(
    State(ws): State<Workspace>,
    #[args] args: UpdateKnowledgeBaseArgs,
) -> ToolResult<KnowledgeBaseDetail> {
    ws.update_knowledge_base(args)
}

/// Adds a web page (a full http or https URL) as a source of a knowledge base, so Jason can
/// use that page's content when answering prospects.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases.
/// Errors: InvalidParameter — not a usable URL; Conflict — the URL is already a source;
/// InvalidInput — the knowledge base is full, remove a source first; NotFound — unknown
/// knowledgeBaseId.
#[tool(destructive, name = "reply_add_knowledge_base_source")]
pub async fn add_knowledge_base_source(
    State(ws): State<Workspace>,
    #[args] args: AddSourceArgs,
) -> ToolResult<KnowledgeBaseDetail> {
    ws.add_knowledge_base_source(args)
}

/// Removes one URL source from a knowledge base; Jason stops using that page.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, sourceId from
/// reply_get_knowledge_base.
/// Errors: NotFound — unknown knowledge base, or it has no source with that id.
#[tool(destructive, idempotent, name = "reply_delete_knowledge_base_source")]
pub async fn delete_knowledge_base_source(
    State(ws): State<Workspace>,
    #[args] args: DeleteSourceArgs,
) -> ToolResult<Deleted> {
    ws.delete_knowledge_base_source(args)
}
