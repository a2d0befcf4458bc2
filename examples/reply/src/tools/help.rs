//! Help and meta tools: the help center, the app map and unsupported requests.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::help::{
    AppMap, AppMapArgs, ArticleHit, ArticleView, GetArticleArgs, ReportUnsupportedArgs,
    SearchHelpArgs, UnsupportedReport,
};
use crate::workspace::Workspace;

/// Searches the Reply.io Help Center for articles that answer a product how-to or support
/// question ("how do I connect a mailbox", "what does autopilot do"), best match first, with
/// each article's slug, title, opening sentence and source URL.
///
/// Use it before telling the user something cannot be done. Read an article in full with
/// reply_get_knowledge_base_article and cite its source URL. This searches the help center,
/// not the Jason knowledge bases (those are reply_list_knowledge_bases).
/// Errors: InvalidArguments — the query has no searchable words.
#[tool(read_only, name = "reply_search_knowledge_base")]
pub async fn search_knowledge_base(
    State(ws): State<Workspace>,
    #[args] args: SearchHelpArgs,
) -> ToolResult<Page<ArticleHit>> {
    ws.search_knowledge_base(args)
}

/// Returns the full text and source URL of one Help Center article, identified by its slug.
///
/// slug comes from reply_search_knowledge_base. Quote or summarise the article and cite its
/// source URL.
/// Errors: ArticleNotFound — no article has that slug; search again with
/// reply_search_knowledge_base.
#[tool(read_only, name = "reply_get_knowledge_base_article")]
pub async fn get_knowledge_base_article(
    State(ws): State<Workspace>,
    #[args] args: GetArticleArgs,
) -> ToolResult<ArticleView> {
    ws.get_knowledge_base_article(args)
}

/// Returns the catalog of Reply.io app areas: each with a title, a short description, the
/// exact in-app navigation steps and a relative URL under the base URL.
///
/// Use it when the user wants something that is a setting or a screen in the app rather than
/// a tool (many configuration changes are UI-only): give them the steps and the link.
#[tool(read_only, name = "reply_get_app_map")]
pub async fn get_app_map(
    State(ws): State<Workspace>,
    #[args] args: AppMapArgs,
) -> ToolResult<AppMap> {
    ws.get_app_map(args)
}

/// Records, for the product team, that the user asked for a capability Reply.io does not have.
/// It changes nothing in the workspace and does not make the capability available: afterwards,
/// tell the user plainly that it cannot be done (and mention the REST API if it covers it).
///
/// Call it only after checking tools/list, reply_get_app_map and reply_search_knowledge_base.
/// requestKey is a stable kebab-case key for the need ("export-sequence-to-pdf"); reuse the
/// same key for the same need. category is one of integrations, reporting, sequences,
/// contacts, email, linkedIn, ai, other.
/// Errors: InvalidArguments — requestKey is not kebab-case or category is not in the list.
#[tool(read_only, name = "reply_report_unsupported_request")]
pub async fn report_unsupported_request(
    State(ws): State<Workspace>,
    #[args] args: ReportUnsupportedArgs,
) -> ToolResult<UnsupportedReport> {
    ws.report_unsupported_request(args)
}
