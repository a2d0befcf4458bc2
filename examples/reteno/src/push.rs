//! Mobile push messages and push-token activation.

use mcp_tools::{Page, Paging, ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::contacts::ByTokenArgs;
use crate::email::DeleteTranslationArgs;
use crate::messages::{Channel, ChannelMessage, Deleted, Fields, TranslationEdit};

/// Arguments of `list_mobile_push_messages` and `list_app_inbox_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListByNameArgs {
    /// Part of the message name, case-insensitive.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments naming one message.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageIdArgs {
    /// The message (id from its channel's list tool).
    #[schemars(range(min = 1))]
    pub message_id: u64,
}

/// Arguments of `create_mobile_push_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatePushArgs {
    /// Internal name.
    #[schemars(length(max = 200))]
    pub name: String,
    /// Notification title.
    #[schemars(length(max = 100))]
    pub title: String,
    /// Notification text; {{placeholders}} are filled per contact.
    #[schemars(length(max = 1000))]
    pub body: String,
    /// Deep link or URL opened on tap, such as myapp://cart.
    #[schemars(length(min = 1, max = 2000))]
    pub deep_link: Option<String>,
    /// Image URL (from upload_image).
    #[schemars(length(min = 1, max = 2000))]
    pub image_url: Option<String>,
    /// Tags.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

/// Arguments of `update_mobile_push_message`: only the fields given change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePushArgs {
    /// The message (id from list_mobile_push_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// New internal name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New title.
    #[schemars(length(min = 1, max = 100))]
    pub title: Option<String>,
    /// New text.
    #[schemars(length(min = 1, max = 1000))]
    pub body: Option<String>,
    /// New deep link.
    #[schemars(length(min = 1, max = 2000))]
    pub deep_link: Option<String>,
    /// New image URL.
    #[schemars(length(min = 1, max = 2000))]
    pub image_url: Option<String>,
    /// New tags, replacing the old ones.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

/// Arguments of the push and app inbox translation updates.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TitledTranslationArgs {
    /// The message (id from its channel's list tool).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// Language code of the variant, such as de or pt-BR.
    #[schemars(length(max = 10))]
    pub language: String,
    /// Translated title; the base title is used when a new variant has none.
    #[schemars(length(min = 1, max = 100))]
    pub title: Option<String>,
    /// Translated text; required when the variant is new.
    #[schemars(length(min = 1, max = 1000))]
    pub body: Option<String>,
}

impl Account {
    /// `list_mobile_push_messages`.
    pub fn list_push_messages(&self, args: ListByNameArgs) -> Page<ChannelMessage> {
        self.list_channel_messages(
            Channel::MobilePush,
            args.query.as_deref(),
            false,
            args.paging.top as usize,
            args.paging.skip as usize,
        )
    }

    /// `create_mobile_push_message`.
    pub fn create_push_message(&self, args: CreatePushArgs) -> ToolResult<ChannelMessage> {
        self.create_channel_message(
            Channel::MobilePush,
            Fields {
                name: Some(args.name),
                title: Some(args.title),
                body: Some(args.body),
                link: args.deep_link,
                image_url: args.image_url,
                tags: args.tags,
                ..Fields::default()
            },
        )
    }

    /// `get_mobile_push_message`.
    pub fn get_push_message(&self, args: MessageIdArgs) -> ToolResult<ChannelMessage> {
        self.get_channel_message(Channel::MobilePush, args.message_id)
    }

    /// `update_mobile_push_message`.
    pub fn update_push_message(&self, args: UpdatePushArgs) -> ToolResult<ChannelMessage> {
        self.update_channel_message(
            Channel::MobilePush,
            args.message_id,
            Fields {
                name: args.name,
                title: args.title,
                body: args.body,
                link: args.deep_link,
                image_url: args.image_url,
                tags: args.tags,
                ..Fields::default()
            },
        )
    }

    /// `delete_mobile_push_message`.
    pub fn delete_push_message(&self, args: MessageIdArgs) -> ToolResult<Deleted> {
        self.delete_channel_message(Channel::MobilePush, args.message_id)
    }

    /// `update_mobile_push_message_translation`.
    pub fn update_push_translation(
        &self,
        args: TitledTranslationArgs,
    ) -> ToolResult<ChannelMessage> {
        self.update_channel_translation(Channel::MobilePush, titled(args))
    }

    /// `delete_mobile_push_message_translation`.
    pub fn delete_push_translation(&self, args: DeleteTranslationArgs) -> ToolResult<Deleted> {
        self.delete_channel_translation(Channel::MobilePush, args.message_id, &args.language)
    }
}

/// A titled translation edit for push and app inbox messages.
pub(crate) fn titled(args: TitledTranslationArgs) -> TranslationEdit {
    TranslationEdit {
        id: args.message_id,
        language: args.language,
        title: args.title,
        body: args.body,
    }
}

/// Arguments of `update_mobile_push_token_activation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenActivationArgs {
    /// The device's push token.
    #[schemars(length(max = 4096))]
    pub token: String,
    /// true delivers pushes to the token again; false stops them.
    pub active: bool,
}

/// A push token's activation state.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenActivation {
    /// The token.
    pub token: String,
    /// The contact it belongs to.
    pub contact_id: u64,
    /// ios, android or web.
    pub platform: String,
    /// Whether pushes are delivered to it.
    pub active: bool,
}

impl Account {
    fn token_slot(&self, token: &str) -> ToolResult<(u64, usize)> {
        let state = self.lock();
        state
            .contacts
            .values()
            .find_map(|c| {
                c.push_tokens
                    .iter()
                    .position(|t| t.token == token.trim())
                    .map(|i| (c.id, i))
            })
            .ok_or_else(|| {
                ToolError::not_found(
                    "no contact has this push token; check the token, or find the contact's tokens with get_contact",
                )
            })
    }

    /// `get_mobile_push_token_activation`.
    pub fn token_activation(&self, args: ByTokenArgs) -> ToolResult<TokenActivation> {
        let (contact_id, i) = self.token_slot(&args.token)?;
        let state = self.lock();
        let t = &state.contact(contact_id)?.push_tokens[i];
        Ok(TokenActivation {
            token: t.token.clone(),
            contact_id,
            platform: t.platform.clone(),
            active: t.active,
        })
    }

    /// `update_mobile_push_token_activation`.
    pub fn set_token_activation(&self, args: TokenActivationArgs) -> ToolResult<TokenActivation> {
        let (contact_id, i) = self.token_slot(&args.token)?;
        let mut state = self.lock();
        let now = state.now;
        let contact = state
            .contacts
            .get_mut(&contact_id)
            .ok_or_else(|| ToolError::not_found("the contact was deleted meanwhile"))?;
        let t = contact
            .push_tokens
            .get_mut(i)
            .ok_or_else(|| ToolError::not_found("the token was removed meanwhile"))?;
        t.active = args.active;
        let out = TokenActivation {
            token: t.token.clone(),
            contact_id,
            platform: t.platform.clone(),
            active: t.active,
        };
        contact.updated_at = now;
        Ok(out)
    }
}
