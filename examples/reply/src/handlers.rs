//! Jason reply handlers: how to answer one kind of prospect question.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ApplyPatch, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::knowledge::{Deleted, ResponseLength, ToneOfVoice, check_url};
use crate::workspace::state::KnowledgeBase;
use crate::workspace::{Workspace, non_blank};

/// A reply handler, stored and returned as is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReplyHandler {
    /// Reply handler id.
    pub id: u64,
    /// The kind of prospect message it answers, such as "Asks about pricing".
    pub question_type: String,
    /// How Jason should answer.
    pub instructions: String,
    /// An example answer in the desired style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_answer: Option<String>,
    /// Voice of the answer.
    pub tone_of_voice: ToneOfVoice,
    /// Length of the answer.
    pub response_length: ResponseLength,
    /// Links Jason may include (case studies, booking page…).
    pub links: Vec<String>,
}

/// Arguments naming the knowledge base whose handlers to list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListReplyHandlersArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A reply handler in a listing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReplyHandlerSummary {
    /// Reply handler id.
    pub id: u64,
    /// The kind of prospect message it answers.
    pub question_type: String,
    /// Voice of the answer.
    pub tone_of_voice: ToneOfVoice,
    /// Length of the answer.
    pub response_length: ResponseLength,
}

/// Arguments naming one reply handler.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplyHandlerRef {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Id of the reply handler, from reply_list_reply_handlers.
    #[schemars(range(min = 1))]
    pub reply_handler_id: u64,
}

/// Arguments of `reply_create_reply_handler`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateReplyHandlerArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// The kind of prospect message it answers, such as "Asks about pricing".
    #[schemars(length(min = 1, max = 300))]
    pub question_type: String,
    /// How Jason should answer that kind of message.
    #[schemars(length(min = 1, max = 10000))]
    pub instructions: String,
    /// An example answer in the desired style.
    #[schemars(length(max = 10000))]
    pub sample_answer: Option<String>,
    /// Voice of the answer; Straightforward when omitted.
    pub tone_of_voice: Option<ToneOfVoice>,
    /// Length of the answer; Short when omitted.
    pub response_length: Option<ResponseLength>,
    /// Links Jason may include, as http(s) URLs.
    #[schemars(length(max = 10))]
    pub links: Option<Vec<String>>,
}

/// Arguments of `reply_update_reply_handler`; omitted or null fields keep their value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateReplyHandlerArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Id of the reply handler, from reply_list_reply_handlers.
    #[schemars(range(min = 1))]
    pub reply_handler_id: u64,
    /// New question type.
    #[schemars(length(min = 1, max = 300))]
    pub question_type: Option<String>,
    /// New instructions.
    #[schemars(length(min = 1, max = 10000))]
    pub instructions: Option<String>,
    /// New sample answer.
    #[schemars(length(max = 10000))]
    pub sample_answer: Option<String>,
    /// New voice.
    pub tone_of_voice: Option<ToneOfVoice>,
    /// New length.
    pub response_length: Option<ResponseLength>,
    /// Replaces the whole list of links.
    #[schemars(length(max = 10))]
    pub links: Option<Vec<String>>,
}

fn missing(kb: &KnowledgeBase, id: u64) -> ToolError {
    ToolError::not_found(format!(
        "knowledge base {} has no reply handler with id {id}; list them with \
         reply_list_reply_handlers",
        kb.id
    ))
}

fn check_links(links: Option<Vec<String>>) -> ToolResult<Option<Vec<String>>> {
    links
        .map(|l| l.iter().map(|u| check_url(u, "links item")).collect())
        .transpose()
}

fn require_text(text: String, field: &str) -> ToolResult<String> {
    non_blank(Some(text))
        .ok_or_else(|| ToolError::invalid_arguments(format!("{field} is blank; pass some text")))
}

impl Workspace {
    /// `reply_list_reply_handlers`: the reply handlers of one knowledge base.
    pub fn list_reply_handlers(
        &self,
        args: ListReplyHandlersArgs,
    ) -> ToolResult<Page<ReplyHandlerSummary>> {
        let state = self.read();
        let kb = state.knowledge_base(args.knowledge_base_id)?;
        let items = kb.reply_handlers.iter().map(|h| ReplyHandlerSummary {
            id: h.id,
            question_type: h.question_type.clone(),
            tone_of_voice: h.tone_of_voice,
            response_length: h.response_length,
        });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_get_reply_handler`: one reply handler in full.
    pub fn get_reply_handler(&self, args: ReplyHandlerRef) -> ToolResult<ReplyHandler> {
        let state = self.read();
        let kb = state.knowledge_base(args.knowledge_base_id)?;
        kb.reply_handlers
            .iter()
            .find(|h| h.id == args.reply_handler_id)
            .cloned()
            .ok_or_else(|| missing(kb, args.reply_handler_id))
    }

    /// `reply_create_reply_handler`: adds a reply handler to a knowledge base.
    pub fn create_reply_handler(&self, args: CreateReplyHandlerArgs) -> ToolResult<ReplyHandler> {
        let mut state = self.write();
        state.knowledge_base(args.knowledge_base_id)?;
        let handler = ReplyHandler {
            id: 0,
            question_type: require_text(args.question_type, "questionType")?,
            instructions: require_text(args.instructions, "instructions")?,
            sample_answer: non_blank(args.sample_answer),
            tone_of_voice: args.tone_of_voice.unwrap_or(ToneOfVoice::Straightforward),
            response_length: args.response_length.unwrap_or(ResponseLength::Short),
            links: check_links(args.links)?.unwrap_or_default(),
        };
        state.tick();
        let handler = ReplyHandler {
            id: state.mint(),
            ..handler
        };
        state
            .knowledge_base_mut(args.knowledge_base_id)?
            .reply_handlers
            .push(handler.clone());
        Ok(handler)
    }

    /// `reply_update_reply_handler`: patches a reply handler.
    pub fn update_reply_handler(&self, args: UpdateReplyHandlerArgs) -> ToolResult<ReplyHandler> {
        let mut state = self.write();
        let links = check_links(args.links)?;
        let question_type = args
            .question_type
            .map(|t| require_text(t, "questionType"))
            .transpose()?;
        let instructions = args
            .instructions
            .map(|t| require_text(t, "instructions"))
            .transpose()?;
        state.tick();
        let kb = state.knowledge_base_mut(args.knowledge_base_id)?;
        let Some(h) = kb
            .reply_handlers
            .iter_mut()
            .find(|h| h.id == args.reply_handler_id)
        else {
            return Err(missing(kb, args.reply_handler_id));
        };
        question_type.apply_to(&mut h.question_type);
        instructions.apply_to(&mut h.instructions);
        args.sample_answer.apply_to(&mut h.sample_answer);
        args.tone_of_voice.apply_to(&mut h.tone_of_voice);
        args.response_length.apply_to(&mut h.response_length);
        links.apply_to(&mut h.links);
        Ok(h.clone())
    }

    /// `reply_delete_reply_handler`: removes a reply handler.
    pub fn delete_reply_handler(&self, args: ReplyHandlerRef) -> ToolResult<Deleted> {
        let mut state = self.write();
        state.tick();
        let kb = state.knowledge_base_mut(args.knowledge_base_id)?;
        let before = kb.reply_handlers.len();
        kb.reply_handlers.retain(|h| h.id != args.reply_handler_id);
        if kb.reply_handlers.len() == before {
            return Err(missing(kb, args.reply_handler_id));
        }
        Ok(Deleted {
            id: args.reply_handler_id,
            deleted: true,
        })
    }
}
