//! Jason reengagement cards: how to win back a prospect who went quiet.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ApplyPatch, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::knowledge::{Deleted, ResponseLength, ToneOfVoice};
use crate::workspace::state::KnowledgeBase;
use crate::workspace::{Workspace, non_blank};

/// A reengagement card, stored and returned as is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReengagementCard {
    /// Card id.
    pub id: u64,
    /// Name of the card.
    pub name: String,
    /// What Jason should say to restart the conversation.
    pub instructions: String,
    /// An example message in the desired style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_answer: Option<String>,
    /// Days of silence after which Jason sends it.
    pub send_after_days: u32,
    /// Voice of the message.
    pub tone_of_voice: ToneOfVoice,
    /// Length of the message.
    pub response_length: ResponseLength,
}

/// Arguments naming the knowledge base whose cards to list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListReengagementCardsArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A reengagement card in a listing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReengagementCardSummary {
    /// Card id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Days of silence after which it is sent.
    pub send_after_days: u32,
}

/// Arguments naming one reengagement card.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReengagementCardRef {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Id of the card, from reply_list_reengagement_cards.
    #[schemars(range(min = 1))]
    pub card_id: u64,
}

/// Arguments of `reply_create_reengagement_card`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateReengagementCardArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Name of the card.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// What Jason should say to restart the conversation.
    #[schemars(length(min = 1, max = 10000))]
    pub instructions: String,
    /// An example message in the desired style.
    #[schemars(length(max = 10000))]
    pub sample_answer: Option<String>,
    /// Days of silence (1 to 90) after which Jason sends it.
    #[schemars(range(min = 1, max = 90))]
    pub send_after_days: u32,
    /// Voice of the message; Empathetic when omitted.
    pub tone_of_voice: Option<ToneOfVoice>,
    /// Length of the message; Short when omitted.
    pub response_length: Option<ResponseLength>,
}

/// Arguments of `reply_update_reengagement_card`; omitted or null fields keep their value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateReengagementCardArgs {
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
    /// Id of the card, from reply_list_reengagement_cards.
    #[schemars(range(min = 1))]
    pub card_id: u64,
    /// New name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New instructions.
    #[schemars(length(min = 1, max = 10000))]
    pub instructions: Option<String>,
    /// New sample message.
    #[schemars(length(max = 10000))]
    pub sample_answer: Option<String>,
    /// New delay in days (1 to 90).
    #[schemars(range(min = 1, max = 90))]
    pub send_after_days: Option<u32>,
    /// New voice.
    pub tone_of_voice: Option<ToneOfVoice>,
    /// New length.
    pub response_length: Option<ResponseLength>,
}

fn missing(kb: &KnowledgeBase, id: u64) -> ToolError {
    ToolError::not_found(format!(
        "knowledge base {} has no reengagement card with id {id}; list them with \
         reply_list_reengagement_cards",
        kb.id
    ))
}

fn require_text(text: String, field: &str) -> ToolResult<String> {
    non_blank(Some(text))
        .ok_or_else(|| ToolError::invalid_arguments(format!("{field} is blank; pass some text")))
}

impl Workspace {
    /// `reply_list_reengagement_cards`: the cards of one knowledge base.
    pub fn list_reengagement_cards(
        &self,
        args: ListReengagementCardsArgs,
    ) -> ToolResult<Page<ReengagementCardSummary>> {
        let state = self.read();
        let kb = state.knowledge_base(args.knowledge_base_id)?;
        let items = kb
            .reengagement_cards
            .iter()
            .map(|c| ReengagementCardSummary {
                id: c.id,
                name: c.name.clone(),
                send_after_days: c.send_after_days,
            });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_get_reengagement_card`: one card in full.
    pub fn get_reengagement_card(&self, args: ReengagementCardRef) -> ToolResult<ReengagementCard> {
        let state = self.read();
        let kb = state.knowledge_base(args.knowledge_base_id)?;
        kb.reengagement_cards
            .iter()
            .find(|c| c.id == args.card_id)
            .cloned()
            .ok_or_else(|| missing(kb, args.card_id))
    }

    /// `reply_create_reengagement_card`: adds a card to a knowledge base.
    pub fn create_reengagement_card(
        &self,
        args: CreateReengagementCardArgs,
    ) -> ToolResult<ReengagementCard> {
        let mut state = self.write();
        state.knowledge_base(args.knowledge_base_id)?;
        let name = require_text(args.name, "name")?;
        let instructions = require_text(args.instructions, "instructions")?;
        state.tick();
        let card = ReengagementCard {
            id: state.mint(),
            name,
            instructions,
            sample_answer: non_blank(args.sample_answer),
            send_after_days: args.send_after_days,
            tone_of_voice: args.tone_of_voice.unwrap_or(ToneOfVoice::Empathetic),
            response_length: args.response_length.unwrap_or(ResponseLength::Short),
        };
        state
            .knowledge_base_mut(args.knowledge_base_id)?
            .reengagement_cards
            .push(card.clone());
        Ok(card)
    }

    /// `reply_update_reengagement_card`: patches a card.
    pub fn update_reengagement_card(
        &self,
        args: UpdateReengagementCardArgs,
    ) -> ToolResult<ReengagementCard> {
        let mut state = self.write();
        let name = args.name.map(|t| require_text(t, "name")).transpose()?;
        let instructions = args
            .instructions
            .map(|t| require_text(t, "instructions"))
            .transpose()?;
        state.tick();
        let kb = state.knowledge_base_mut(args.knowledge_base_id)?;
        let Some(c) = kb
            .reengagement_cards
            .iter_mut()
            .find(|c| c.id == args.card_id)
        else {
            return Err(missing(kb, args.card_id));
        };
        name.apply_to(&mut c.name);
        instructions.apply_to(&mut c.instructions);
        args.sample_answer.apply_to(&mut c.sample_answer);
        args.send_after_days.apply_to(&mut c.send_after_days);
        args.tone_of_voice.apply_to(&mut c.tone_of_voice);
        args.response_length.apply_to(&mut c.response_length);
        Ok(c.clone())
    }

    /// `reply_delete_reengagement_card`: removes a card.
    pub fn delete_reengagement_card(&self, args: ReengagementCardRef) -> ToolResult<Deleted> {
        let mut state = self.write();
        state.tick();
        let kb = state.knowledge_base_mut(args.knowledge_base_id)?;
        let before = kb.reengagement_cards.len();
        kb.reengagement_cards.retain(|c| c.id != args.card_id);
        if kb.reengagement_cards.len() == before {
            return Err(missing(kb, args.card_id));
        }
        Ok(Deleted {
            id: args.card_id,
            deleted: true,
        })
    }
}
