//! Mobile push, app inbox and SMS messages: base variants with per-language
//! translations. The three channels share one record and one set of
//! operations; their tools take the fields their channel has.

use std::collections::BTreeMap;

use mcp_tools::{Page, ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::directory::check_sms_sender;
use crate::language;

/// The channel of a non-email message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Channel {
    /// Mobile push.
    MobilePush,
    /// App inbox.
    AppInbox,
    /// SMS.
    Sms,
}

impl Channel {
    fn noun(self) -> &'static str {
        match self {
            Self::MobilePush => "mobile push message",
            Self::AppInbox => "app inbox message",
            Self::Sms => "SMS message",
        }
    }

    fn lister(self) -> &'static str {
        match self {
            Self::MobilePush => "list_mobile_push_messages",
            Self::AppInbox => "list_app_inbox_messages",
            Self::Sms => "list_sms_messages",
        }
    }
}

/// One language variant's content.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    /// Title (push and app inbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Body text.
    pub body: String,
}

/// A push, inbox or SMS message as stored and returned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelMessage {
    /// Message id.
    pub id: u64,
    /// Channel.
    pub channel: Channel,
    /// Internal name.
    pub name: String,
    /// The base variant's title (push and app inbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The base variant's text.
    pub body: String,
    /// Deep link (push) or button URL (app inbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Button label (app inbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub button_text: Option<String>,
    /// Image URL (push and app inbox), e.g. from upload_image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// SMS sender id (from list_sms_interfaces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<u64>,
    /// Tags.
    pub tags: Vec<String>,
    /// Translated variants by language code.
    pub translations: BTreeMap<String, Variant>,
    /// Creation time, ISO 8601 UTC.
    pub created_at: String,
    /// Last change, ISO 8601 UTC.
    pub updated_at: String,
}

/// The fields of a create or update, whichever channel's tool took them.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub(crate) name: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) link: Option<String>,
    pub(crate) button_text: Option<String>,
    pub(crate) image_url: Option<String>,
    pub(crate) sender_id: Option<u64>,
    pub(crate) tags: Option<Vec<String>>,
}

/// A translation edit.
#[derive(Debug)]
pub(crate) struct TranslationEdit {
    pub(crate) id: u64,
    pub(crate) language: String,
    pub(crate) title: Option<String>,
    pub(crate) body: Option<String>,
}

/// What a delete removed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// The id that was deleted.
    pub id: u64,
    /// The language variant removed, for translation deletes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

fn check_url(url: &str, what: &str) -> ToolResult<()> {
    let ok = (url.starts_with("https://") || url.starts_with("http://") || url.contains("://"))
        && !url.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ToolError::invalid_parameter(format!(
            "{what} {url:?} is not a URL; write it with its scheme, such as https://shop.example/sale or myapp://cart"
        )))
    }
}

impl State {
    pub(crate) fn channel_message(&self, channel: Channel, id: u64) -> ToolResult<&ChannelMessage> {
        self.channel_messages
            .get(&id)
            .filter(|m| m.channel == channel)
            .ok_or_else(|| {
                ToolError::not_found(format!(
                    "no {} {id}; find ids with {}",
                    channel.noun(),
                    channel.lister()
                ))
            })
    }

    fn check_fields(&self, fields: &Fields) -> ToolResult<()> {
        if let Some(link) = &fields.link {
            check_url(link, "the link")?;
        }
        if let Some(image) = &fields.image_url {
            check_url(image, "imageUrl")?;
        }
        if let Some(sender) = fields.sender_id {
            check_sms_sender(&self.sms_interfaces, sender)?;
        }
        Ok(())
    }
}

fn apply(message: &mut ChannelMessage, fields: Fields) {
    let Fields {
        name,
        title,
        body,
        link,
        button_text,
        image_url,
        sender_id,
        tags,
    } = fields;
    if let Some(v) = name {
        message.name = v;
    }
    if title.is_some() {
        message.title = title;
    }
    if let Some(v) = body {
        message.body = v;
    }
    if link.is_some() {
        message.link = link;
    }
    if button_text.is_some() {
        message.button_text = button_text;
    }
    if image_url.is_some() {
        message.image_url = image_url;
    }
    if sender_id.is_some() {
        message.sender_id = sender_id;
    }
    if let Some(v) = tags {
        message.tags = v;
    }
}

impl Account {
    /// The `list_*_messages` tools of push, inbox and SMS: newest first, by
    /// part of the name (or, with `match_tags`, an exact tag).
    pub(crate) fn list_channel_messages(
        &self,
        channel: Channel,
        query: Option<&str>,
        match_tags: bool,
        top: usize,
        skip: usize,
    ) -> Page<ChannelMessage> {
        let state = self.lock();
        let query = query.map(str::to_lowercase);
        let hits: Vec<&ChannelMessage> = state
            .channel_messages
            .values()
            .rev()
            .filter(|m| {
                m.channel == channel
                    && query.as_deref().is_none_or(|q| {
                        m.name.to_lowercase().contains(q)
                            || (match_tags && m.tags.iter().any(|t| t.to_lowercase() == q))
                    })
            })
            .collect();
        Page {
            has_more: hits.len() > skip + top,
            items: hits.into_iter().skip(skip).take(top).cloned().collect(),
        }
    }

    /// The `create_*_message` tools of push, inbox and SMS.
    pub(crate) fn create_channel_message(
        &self,
        channel: Channel,
        fields: Fields,
    ) -> ToolResult<ChannelMessage> {
        let mut state = self.lock();
        state.check_fields(&fields)?;
        let now = clock::format(state.now);
        let mut message = ChannelMessage {
            id: state.next_id(),
            channel,
            name: String::new(),
            title: None,
            body: String::new(),
            link: None,
            button_text: None,
            image_url: None,
            sender_id: None,
            tags: Vec::new(),
            translations: BTreeMap::new(),
            created_at: now.clone(),
            updated_at: now,
        };
        apply(&mut message, fields);
        state.channel_messages.insert(message.id, message.clone());
        Ok(message)
    }

    /// The `get_*_message` tools.
    pub(crate) fn get_channel_message(
        &self,
        channel: Channel,
        id: u64,
    ) -> ToolResult<ChannelMessage> {
        Ok(self.lock().channel_message(channel, id)?.clone())
    }

    /// The `update_*_message` tools: only the fields given change.
    pub(crate) fn update_channel_message(
        &self,
        channel: Channel,
        id: u64,
        fields: Fields,
    ) -> ToolResult<ChannelMessage> {
        let mut state = self.lock();
        state.channel_message(channel, id)?;
        state.check_fields(&fields)?;
        let now = clock::format(state.now);
        let message = state
            .channel_messages
            .get_mut(&id)
            .ok_or_else(|| ToolError::internal("the message vanished"))?;
        apply(message, fields);
        message.updated_at = now;
        Ok(message.clone())
    }

    /// The `delete_*_message` tools.
    pub(crate) fn delete_channel_message(&self, channel: Channel, id: u64) -> ToolResult<Deleted> {
        let mut state = self.lock();
        state.channel_message(channel, id)?;
        state.channel_messages.remove(&id);
        Ok(Deleted { id, language: None })
    }

    /// The `update_*_message_translation` tools: creates the variant when the
    /// language has none yet (then the text is required), else changes it.
    pub(crate) fn update_channel_translation(
        &self,
        channel: Channel,
        edit: TranslationEdit,
    ) -> ToolResult<ChannelMessage> {
        let mut state = self.lock();
        let language = language::normalise(&edit.language)?;
        if language == state.organisation.default_language {
            return Err(ToolError::invalid_parameter(format!(
                "{language} is the base language; change the base variant with the update tool instead"
            )));
        }
        let base = state.channel_message(channel, edit.id)?;
        let existing = base.translations.get(&language).cloned();
        let variant = match existing {
            Some(mut v) => {
                if edit.title.is_some() {
                    v.title = edit.title;
                }
                if let Some(b) = edit.body {
                    v.body = b;
                }
                v
            }
            None => Variant {
                title: edit.title.or_else(|| base.title.clone()),
                body: edit.body.ok_or_else(|| {
                    ToolError::invalid_arguments(format!(
                        "the {} has no {language} variant yet; pass its text to create one",
                        channel.noun()
                    ))
                })?,
            },
        };
        let now = clock::format(state.now);
        let message = state
            .channel_messages
            .get_mut(&edit.id)
            .ok_or_else(|| ToolError::internal("the message vanished"))?;
        message.translations.insert(language, variant);
        message.updated_at = now;
        Ok(message.clone())
    }

    /// The `delete_*_message_translation` tools.
    pub(crate) fn delete_channel_translation(
        &self,
        channel: Channel,
        id: u64,
        language: &str,
    ) -> ToolResult<Deleted> {
        let mut state = self.lock();
        let language = language::normalise(language)?;
        let message = state.channel_message(channel, id)?;
        if !message.translations.contains_key(&language) {
            let have: Vec<&str> = message.translations.keys().map(String::as_str).collect();
            return Err(ToolError::not_found(format!(
                "the {} {id} has no {language} variant; it has {}",
                channel.noun(),
                if have.is_empty() {
                    "none".to_owned()
                } else {
                    have.join(", ")
                }
            )));
        }
        if let Some(m) = state.channel_messages.get_mut(&id) {
            m.translations.remove(&language);
        }
        Ok(Deleted {
            id,
            language: Some(language),
        })
    }
}
