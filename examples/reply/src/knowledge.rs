//! Jason knowledge bases and their web-page sources.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ApplyPatch, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::workspace::state::{KnowledgeBase, Source, State, next_key};
use crate::workspace::{Workspace, clock, non_blank};

/// The voice Jason writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ToneOfVoice {
    /// Assured and direct.
    Confident,
    /// Argues for the next step.
    Persuasive,
    /// Light and clever.
    Witty,
    /// Plain, no frills.
    Straightforward,
    /// Acknowledges the prospect's situation first.
    Empathetic,
}

/// How long Jason's answers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ResponseLength {
    /// One or two sentences.
    SuperShort,
    /// A short paragraph.
    Short,
    /// Two or three paragraphs.
    Medium,
    /// A full, detailed answer.
    Long,
}

/// The most sources one knowledge base holds.
pub const MAX_SOURCES: usize = 50;

/// Arguments of `reply_list_knowledge_bases`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListKnowledgeBasesArgs {
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A knowledge base in a listing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct KnowledgeBaseSummary {
    /// Knowledge base id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Web-page sources.
    pub source_count: usize,
    /// Reply handlers.
    pub reply_handler_count: usize,
    /// Reengagement cards.
    pub reengagement_card_count: usize,
    /// Sequences it is attached to.
    pub attached_sequence_ids: Vec<u64>,
}

/// Arguments naming one knowledge base.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeBaseRef {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
}

/// A knowledge base in full.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct KnowledgeBaseDetail {
    /// Knowledge base id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Free-text instructions Jason follows when using it.
    pub instructions: String,
    /// Its web-page sources.
    pub sources: Vec<SourceView>,
    /// Reply handlers it holds; list them with reply_list_reply_handlers.
    pub reply_handler_count: usize,
    /// Reengagement cards it holds; list them with reply_list_reengagement_cards.
    pub reengagement_card_count: usize,
    /// Sequences it is attached to.
    pub attached_sequence_ids: Vec<u64>,
}

/// One web-page source.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SourceView {
    /// Source id, for reply_delete_knowledge_base_source.
    pub id: u64,
    /// Page URL.
    pub url: String,
    /// When it was added, ISO 8601 UTC.
    pub added: String,
}

/// Arguments of `reply_create_knowledge_base`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateKnowledgeBaseArgs {
    /// Name, unique in the workspace.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// Instructions for Jason: what the company does, what to stress, what to avoid.
    #[schemars(length(max = 20000))]
    pub instructions: Option<String>,
    /// Web pages to add as sources right away (http or https URLs).
    #[schemars(length(max = 50))]
    pub source_urls: Option<Vec<String>>,
}

/// Arguments of `reply_update_knowledge_base`; omitted or null fields keep their value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateKnowledgeBaseArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// New name, unique in the workspace.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New instructions, replacing the old text.
    #[schemars(length(max = 20000))]
    pub instructions: Option<String>,
}

/// Arguments of `reply_add_knowledge_base_source`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddSourceArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Public http or https URL of the page to learn from.
    #[schemars(length(min = 1, max = 2000))]
    pub url: String,
}

/// Arguments of `reply_delete_knowledge_base_source`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteSourceArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Id of the source, from reply_get_knowledge_base.
    #[schemars(range(min = 1))]
    pub source_id: u64,
}

/// The outcome of a delete.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Deleted {
    /// Id of the removed item.
    pub id: u64,
    /// Always true: the item is gone.
    pub deleted: bool,
}

/// Checks that a URL is an absolute http(s) URL with a host, returning it trimmed.
pub fn check_url(url: &str, field: &str) -> ToolResult<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest
        .and_then(|r| r.split(['/', '?', '#']).next())
        .unwrap_or_default();
    if host.contains('.') && !host.contains(char::is_whitespace) && !host.starts_with('.') {
        Ok(url.to_owned())
    } else {
        Err(ToolError::invalid_parameter(format!(
            "{field} '{url}' is not a usable web address; pass a full URL such as \
             https://example.com/pricing"
        )))
    }
}

fn attached(state: &State, id: u64) -> Vec<u64> {
    state
        .sequences
        .values()
        .filter(|s| s.knowledge_base_id == Some(id))
        .map(|s| s.id)
        .collect()
}

fn detail(state: &State, kb: &KnowledgeBase) -> KnowledgeBaseDetail {
    KnowledgeBaseDetail {
        id: kb.id,
        name: kb.name.clone(),
        instructions: kb.instructions.clone(),
        sources: kb
            .sources
            .iter()
            .map(|s| SourceView {
                id: s.id,
                url: s.url.clone(),
                added: clock::format(s.added_at),
            })
            .collect(),
        reply_handler_count: kb.reply_handlers.len(),
        reengagement_card_count: kb.reengagement_cards.len(),
        attached_sequence_ids: attached(state, kb.id),
    }
}

fn ensure_unique_name(state: &State, name: &str, except: Option<u64>) -> ToolResult<()> {
    match state
        .knowledge_bases
        .values()
        .find(|kb| Some(kb.id) != except && kb.name.eq_ignore_ascii_case(name))
    {
        Some(kb) => Err(ToolError::conflict(format!(
            "knowledge base {} is already named '{}'; pick another name or update that one",
            kb.id, kb.name
        ))),
        None => Ok(()),
    }
}

impl Workspace {
    /// `reply_list_knowledge_bases`: the workspace's knowledge bases.
    pub fn list_knowledge_bases(
        &self,
        args: ListKnowledgeBasesArgs,
    ) -> ToolResult<Page<KnowledgeBaseSummary>> {
        let state = self.read();
        let items = state
            .knowledge_bases
            .values()
            .map(|kb| KnowledgeBaseSummary {
                id: kb.id,
                name: kb.name.clone(),
                source_count: kb.sources.len(),
                reply_handler_count: kb.reply_handlers.len(),
                reengagement_card_count: kb.reengagement_cards.len(),
                attached_sequence_ids: attached(&state, kb.id),
            });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_get_knowledge_base`: one knowledge base in full.
    pub fn get_knowledge_base(&self, args: KnowledgeBaseRef) -> ToolResult<KnowledgeBaseDetail> {
        let state = self.read();
        Ok(detail(
            &state,
            state.knowledge_base(args.knowledge_base_id)?,
        ))
    }

    /// `reply_create_knowledge_base`: a new knowledge base, optionally with sources.
    pub fn create_knowledge_base(
        &self,
        args: CreateKnowledgeBaseArgs,
    ) -> ToolResult<KnowledgeBaseDetail> {
        let mut state = self.write();
        let name = non_blank(Some(args.name)).ok_or_else(|| {
            ToolError::invalid_arguments("name is blank; pass a name for the knowledge base")
        })?;
        ensure_unique_name(&state, &name, None)?;
        let urls = args
            .source_urls
            .unwrap_or_default()
            .iter()
            .map(|u| check_url(u, "sourceUrls item"))
            .collect::<ToolResult<Vec<_>>>()?;
        let now = state.tick();
        let mut sources: Vec<Source> = Vec::new();
        for url in urls {
            if !sources.iter().any(|s| s.url == url) {
                sources.push(Source {
                    id: state.mint(),
                    url,
                    added_at: now,
                });
            }
        }
        let id = next_key(&state.knowledge_bases);
        state.knowledge_bases.insert(
            id,
            KnowledgeBase {
                id,
                name,
                instructions: non_blank(args.instructions).unwrap_or_default(),
                sources,
                reply_handlers: Vec::new(),
                reengagement_cards: Vec::new(),
            },
        );
        Ok(detail(&state, state.knowledge_base(id)?))
    }

    /// `reply_update_knowledge_base`: patches name and instructions.
    pub fn update_knowledge_base(
        &self,
        args: UpdateKnowledgeBaseArgs,
    ) -> ToolResult<KnowledgeBaseDetail> {
        let mut state = self.write();
        state.knowledge_base(args.knowledge_base_id)?;
        let name = non_blank(args.name);
        if let Some(name) = &name {
            ensure_unique_name(&state, name, Some(args.knowledge_base_id))?;
        }
        state.tick();
        let kb = state.knowledge_base_mut(args.knowledge_base_id)?;
        name.apply_to(&mut kb.name);
        args.instructions.apply_to(&mut kb.instructions);
        Ok(detail(
            &state,
            state.knowledge_base(args.knowledge_base_id)?,
        ))
    }

    /// `reply_add_knowledge_base_source`: adds a web page as a source.
    pub fn add_knowledge_base_source(
        &self,
        args: AddSourceArgs,
    ) -> ToolResult<KnowledgeBaseDetail> {
        let mut state = self.write();
        let url = check_url(&args.url, "url")?;
        let kb = state.knowledge_base(args.knowledge_base_id)?;
        if let Some(existing) = kb.sources.iter().find(|s| s.url.eq_ignore_ascii_case(&url)) {
            return Err(ToolError::conflict(format!(
                "knowledge base {} already has this URL as source {}",
                kb.id, existing.id
            )));
        }
        if kb.sources.len() >= MAX_SOURCES {
            return Err(ToolError::invalid_input(format!(
                "knowledge base {} already has the maximum of {MAX_SOURCES} sources; remove one \
                 with reply_delete_knowledge_base_source first",
                kb.id
            )));
        }
        let now = state.tick();
        let id = state.mint();
        state
            .knowledge_base_mut(args.knowledge_base_id)?
            .sources
            .push(Source {
                id,
                url,
                added_at: now,
            });
        Ok(detail(
            &state,
            state.knowledge_base(args.knowledge_base_id)?,
        ))
    }

    /// `reply_delete_knowledge_base_source`: removes one source.
    pub fn delete_knowledge_base_source(&self, args: DeleteSourceArgs) -> ToolResult<Deleted> {
        let mut state = self.write();
        state.tick();
        let kb = state.knowledge_base_mut(args.knowledge_base_id)?;
        let before = kb.sources.len();
        kb.sources.retain(|s| s.id != args.source_id);
        if kb.sources.len() == before {
            return Err(ToolError::not_found(format!(
                "knowledge base {} has no source with id {}; see its source ids with \
                 reply_get_knowledge_base",
                args.knowledge_base_id, args.source_id
            )));
        }
        Ok(Deleted {
            id: args.source_id,
            deleted: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn knowledge_base_lifecycle() {
        let ws = Workspace::sandbox();
        let kb = ws
            .create_knowledge_base(args(
                json!({"name": "Pricing FAQ", "sourceUrls": ["https://brightloop.io/faq"]}),
            ))
            .expect("create");
        assert_eq!(kb.sources.len(), 1);
        let dup = ws.create_knowledge_base(args(json!({"name": "pricing faq"})));
        assert_eq!(dup.expect_err("dup").code().as_str(), "Conflict");
        let added = ws
            .add_knowledge_base_source(args(
                json!({"knowledgeBaseId": kb.id, "url": "https://brightloop.io/plans"}),
            ))
            .expect("add");
        assert_eq!(added.sources.len(), 2);
        let again = ws.add_knowledge_base_source(args(
            json!({"knowledgeBaseId": kb.id, "url": "https://brightloop.io/plans"}),
        ));
        assert_eq!(again.expect_err("dup").code().as_str(), "Conflict");
        let bad =
            ws.add_knowledge_base_source(args(json!({"knowledgeBaseId": kb.id, "url": "ftp://x"})));
        assert_eq!(bad.expect_err("bad").code().as_str(), "InvalidParameter");
        let source = added.sources[0].id;
        ws.delete_knowledge_base_source(args(
            json!({"knowledgeBaseId": kb.id, "sourceId": source}),
        ))
        .expect("delete");
        let gone = ws.delete_knowledge_base_source(args(
            json!({"knowledgeBaseId": kb.id, "sourceId": source}),
        ));
        assert_eq!(gone.expect_err("gone").code().as_str(), "NotFound");
        let renamed = ws
            .update_knowledge_base(args(
                json!({"knowledgeBaseId": kb.id, "instructions": "Be exact."}),
            ))
            .expect("update");
        assert_eq!(renamed.name, "Pricing FAQ");
        assert_eq!(renamed.instructions, "Be exact.");
        let listed = ws.list_knowledge_bases(args(json!({}))).expect("list");
        assert_eq!(listed.items.len(), 4);
    }

    #[test]
    fn handlers_and_cards_lifecycle() {
        let ws = Workspace::sandbox();
        let h = ws
            .create_reply_handler(args(json!({
                "knowledgeBaseId": 3, "questionType": "Asks for a demo",
                "instructions": "Offer two slots.", "toneOfVoice": "Witty"
            })))
            .expect("create handler");
        assert_eq!(h.response_length, ResponseLength::Short);
        let h2 = ws
            .update_reply_handler(args(json!({"knowledgeBaseId": 3, "replyHandlerId": h.id, "responseLength": "Long", "links": ["https://brightloop.io/demo"]})))
            .expect("update handler");
        assert_eq!(h2.tone_of_voice, ToneOfVoice::Witty);
        assert_eq!(h2.links.len(), 1);
        let listed = ws
            .list_reply_handlers(args(json!({"knowledgeBaseId": 3})))
            .expect("list");
        assert_eq!(listed.items.len(), 1);
        ws.delete_reply_handler(args(json!({"knowledgeBaseId": 3, "replyHandlerId": h.id})))
            .expect("delete");
        let gone =
            ws.get_reply_handler(args(json!({"knowledgeBaseId": 3, "replyHandlerId": h.id})));
        assert_eq!(gone.expect_err("gone").code().as_str(), "NotFound");

        let c = ws
            .create_reengagement_card(args(json!({
                "knowledgeBaseId": 3, "name": "Quiet after demo", "instructions": "Recap the demo.",
                "sendAfterDays": 10
            })))
            .expect("create card");
        let c2 = ws
            .update_reengagement_card(args(
                json!({"knowledgeBaseId": 3, "cardId": c.id, "sendAfterDays": 21}),
            ))
            .expect("update card");
        assert_eq!(
            (c2.send_after_days, c2.name.as_str()),
            (21, "Quiet after demo")
        );
        assert_eq!(
            ws.get_reengagement_card(args(json!({"knowledgeBaseId": 3, "cardId": c.id})))
                .expect("get")
                .send_after_days,
            21
        );
        ws.delete_reengagement_card(args(json!({"knowledgeBaseId": 3, "cardId": c.id})))
            .expect("delete");
        let wrong_kb =
            ws.get_reengagement_card(args(json!({"knowledgeBaseId": 1, "cardId": c.id})));
        assert_eq!(wrong_kb.expect_err("gone").code().as_str(), "NotFound");
        let kb = ws
            .get_knowledge_base(args(json!({"knowledgeBaseId": 1})))
            .expect("kb");
        assert_eq!(kb.reply_handler_count, 4);
    }
}
