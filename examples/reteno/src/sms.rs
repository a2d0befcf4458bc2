//! SMS messages.

use mcp_tools::{Page, ToolResult};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::account::Account;
use crate::email::{DeleteTranslationArgs, MAX_SEARCH_PAGE};
use crate::messages::{Channel, ChannelMessage, Deleted, Fields, TranslationEdit};
use crate::push::MessageIdArgs;

/// Arguments of `list_sms_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListSmsArgs {
    /// Part of the name, or an exact tag, case-insensitive.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// How many results, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub top: Option<u32>,
    /// How many results to skip; page on with skip += top.
    pub skip: Option<u32>,
}

/// Arguments of `create_sms_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateSmsArgs {
    /// Internal name.
    #[schemars(length(max = 200))]
    pub name: String,
    /// Sender id from list_sms_interfaces.
    #[schemars(range(min = 1))]
    pub sender_id: u64,
    /// Text; {{placeholders}} are filled per contact. Over 160 characters it goes as several parts.
    #[schemars(length(max = 1600))]
    pub text: String,
    /// Tags.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

/// Arguments of `update_sms_message`: only the fields given change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateSmsArgs {
    /// The message (id from list_sms_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// New internal name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New sender id from list_sms_interfaces.
    #[schemars(range(min = 1))]
    pub sender_id: Option<u64>,
    /// New text.
    #[schemars(length(min = 1, max = 1600))]
    pub text: Option<String>,
    /// New tags, replacing the old ones.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

/// Arguments of `update_sms_message_translation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmsTranslationArgs {
    /// The message (id from list_sms_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// Language code of the variant, such as de or pt-BR.
    #[schemars(length(max = 10))]
    pub language: String,
    /// Translated text.
    #[schemars(length(max = 1600))]
    pub text: String,
}

impl Account {
    /// `list_sms_messages`: up to 500 per request.
    pub fn list_sms_messages(&self, args: ListSmsArgs) -> Page<ChannelMessage> {
        let top = args
            .top
            .map_or(100, |t| t as usize)
            .clamp(1, MAX_SEARCH_PAGE);
        self.list_channel_messages(
            Channel::Sms,
            args.query.as_deref(),
            true,
            top,
            args.skip.unwrap_or(0) as usize,
        )
    }

    /// `create_sms_message`.
    pub fn create_sms_message(&self, args: CreateSmsArgs) -> ToolResult<ChannelMessage> {
        self.create_channel_message(
            Channel::Sms,
            Fields {
                name: Some(args.name),
                body: Some(args.text),
                sender_id: Some(args.sender_id),
                tags: args.tags,
                ..Fields::default()
            },
        )
    }

    /// `get_sms_message`.
    pub fn get_sms_message(&self, args: MessageIdArgs) -> ToolResult<ChannelMessage> {
        self.get_channel_message(Channel::Sms, args.message_id)
    }

    /// `update_sms_message`.
    pub fn update_sms_message(&self, args: UpdateSmsArgs) -> ToolResult<ChannelMessage> {
        self.update_channel_message(
            Channel::Sms,
            args.message_id,
            Fields {
                name: args.name,
                body: args.text,
                sender_id: args.sender_id,
                tags: args.tags,
                ..Fields::default()
            },
        )
    }

    /// `delete_sms_message`.
    pub fn delete_sms_message(&self, args: MessageIdArgs) -> ToolResult<Deleted> {
        self.delete_channel_message(Channel::Sms, args.message_id)
    }

    /// `update_sms_message_translation`.
    pub fn update_sms_translation(&self, args: SmsTranslationArgs) -> ToolResult<ChannelMessage> {
        self.update_channel_translation(
            Channel::Sms,
            TranslationEdit {
                id: args.message_id,
                language: args.language,
                title: None,
                body: Some(args.text),
            },
        )
    }

    /// `delete_sms_message_translation`.
    pub fn delete_sms_translation(&self, args: DeleteTranslationArgs) -> ToolResult<Deleted> {
        self.delete_channel_translation(Channel::Sms, args.message_id, &args.language)
    }
}
