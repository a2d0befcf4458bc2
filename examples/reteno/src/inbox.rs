//! App inbox messages.

use mcp_tools::{Page, ToolResult};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::account::Account;
use crate::email::DeleteTranslationArgs;
use crate::messages::{Channel, ChannelMessage, Deleted, Fields};
use crate::push::{ListByNameArgs, MessageIdArgs, TitledTranslationArgs, titled};

/// Arguments of `create_app_inbox_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateInboxArgs {
    /// Internal name.
    #[schemars(length(max = 200))]
    pub name: String,
    /// Title shown in the inbox.
    #[schemars(length(max = 150))]
    pub title: String,
    /// Text; {{placeholders}} are filled per contact.
    #[schemars(length(max = 4000))]
    pub body: String,
    /// Image URL (from upload_image).
    #[schemars(length(min = 1, max = 2000))]
    pub image_url: Option<String>,
    /// Button label; needs buttonUrl.
    #[schemars(length(min = 1, max = 50))]
    pub button_text: Option<String>,
    /// URL or deep link the button opens.
    #[schemars(length(min = 1, max = 2000))]
    pub button_url: Option<String>,
    /// Tags.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

impl mcp_tools::Validate for CreateInboxArgs {
    fn validate(&self) -> Result<(), String> {
        if self.button_text.is_some() != self.button_url.is_some() {
            return Err("a button needs both buttonText and buttonUrl".into());
        }
        Ok(())
    }
}

/// Arguments of `update_app_inbox_message`: only the fields given change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInboxArgs {
    /// The message (id from list_app_inbox_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// New internal name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New title.
    #[schemars(length(min = 1, max = 150))]
    pub title: Option<String>,
    /// New text.
    #[schemars(length(min = 1, max = 4000))]
    pub body: Option<String>,
    /// New image URL.
    #[schemars(length(min = 1, max = 2000))]
    pub image_url: Option<String>,
    /// New button label.
    #[schemars(length(min = 1, max = 50))]
    pub button_text: Option<String>,
    /// New button URL.
    #[schemars(length(min = 1, max = 2000))]
    pub button_url: Option<String>,
    /// New tags, replacing the old ones.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

impl Account {
    /// `list_app_inbox_messages`.
    pub fn list_inbox_messages(&self, args: ListByNameArgs) -> Page<ChannelMessage> {
        self.list_channel_messages(
            Channel::AppInbox,
            args.query.as_deref(),
            false,
            args.paging.top as usize,
            args.paging.skip as usize,
        )
    }

    /// `create_app_inbox_message`.
    pub fn create_inbox_message(&self, args: CreateInboxArgs) -> ToolResult<ChannelMessage> {
        self.create_channel_message(
            Channel::AppInbox,
            Fields {
                name: Some(args.name),
                title: Some(args.title),
                body: Some(args.body),
                link: args.button_url,
                button_text: args.button_text,
                image_url: args.image_url,
                tags: args.tags,
                ..Fields::default()
            },
        )
    }

    /// `get_app_inbox_message`.
    pub fn get_inbox_message(&self, args: MessageIdArgs) -> ToolResult<ChannelMessage> {
        self.get_channel_message(Channel::AppInbox, args.message_id)
    }

    /// `update_app_inbox_message`.
    pub fn update_inbox_message(&self, args: UpdateInboxArgs) -> ToolResult<ChannelMessage> {
        self.update_channel_message(
            Channel::AppInbox,
            args.message_id,
            Fields {
                name: args.name,
                title: args.title,
                body: args.body,
                link: args.button_url,
                button_text: args.button_text,
                image_url: args.image_url,
                tags: args.tags,
                ..Fields::default()
            },
        )
    }

    /// `delete_app_inbox_message`.
    pub fn delete_inbox_message(&self, args: MessageIdArgs) -> ToolResult<Deleted> {
        self.delete_channel_message(Channel::AppInbox, args.message_id)
    }

    /// `update_app_inbox_message_translation`.
    pub fn update_inbox_translation(
        &self,
        args: TitledTranslationArgs,
    ) -> ToolResult<ChannelMessage> {
        self.update_channel_translation(Channel::AppInbox, titled(args))
    }

    /// `delete_app_inbox_message_translation`.
    pub fn delete_inbox_translation(&self, args: DeleteTranslationArgs) -> ToolResult<Deleted> {
        self.delete_channel_translation(Channel::AppInbox, args.message_id, &args.language)
    }
}
