//! Email messages (templates): create, search, edit, translate, preview,
//! export, and edit content through the structured editor model.

use std::collections::BTreeMap;

use mcp_tools::{Page, ToolError, ToolResult, Validate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::codes;
use crate::directory::check_email_sender;
use crate::downloads::DownloadLink;
use crate::email_model;
use crate::language;
use crate::messages::Deleted;
use crate::uploads::{UploadKind, UploadTicket, UploadedFile};

/// The most results one `list_email_messages` or `list_sms_messages` call returns.
pub const MAX_SEARCH_PAGE: usize = 500;

/// An email message as stored.
#[derive(Debug, Clone)]
pub struct EmailMessage {
    /// Message id.
    pub id: u64,
    /// Internal name.
    pub name: String,
    /// Subject line.
    pub subject: String,
    /// Preheader text.
    pub preheader: Option<String>,
    /// Sender id.
    pub sender_id: u64,
    /// Tags.
    pub tags: Vec<String>,
    /// Body HTML.
    pub html: String,
    /// Stylesheet.
    pub css: Option<String>,
    /// The editor model, for messages built in the editor.
    pub model: Option<Value>,
    /// Translated variants by language.
    pub translations: BTreeMap<String, EmailVariant>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// A translated email variant.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailVariant {
    /// Subject line.
    pub subject: String,
    /// Preheader text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preheader: Option<String>,
    /// Body HTML.
    pub html: String,
}

/// An email message as returned (without its HTML; export it to read that).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailMessageView {
    /// Message id, the messageId of the other email tools.
    pub id: u64,
    /// Internal name.
    pub name: String,
    /// Subject line.
    pub subject: String,
    /// Preheader text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preheader: Option<String>,
    /// Sender id (from list_email_interfaces).
    pub sender_id: u64,
    /// Tags.
    pub tags: Vec<String>,
    /// Whether it was built in the editor; its content then changes through get_email_model and update_email_model.
    pub has_editor_model: bool,
    /// Size of the base HTML in bytes.
    pub html_size: usize,
    /// Languages with a translated variant.
    pub translation_languages: Vec<String>,
    /// Creation time, ISO 8601 UTC.
    pub created_at: String,
    /// Last change, ISO 8601 UTC.
    pub updated_at: String,
}

/// Arguments of `create_email_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateEmailArgs {
    /// Internal name.
    #[schemars(length(max = 200))]
    pub name: String,
    /// Subject line.
    #[schemars(length(max = 300))]
    pub subject: String,
    /// Sender id from list_email_interfaces.
    #[schemars(range(min = 1))]
    pub sender_id: u64,
    /// Body HTML, up to 100 000 characters; for larger bodies use uploadSessionId.
    #[schemars(length(min = 1, max = 100_000))]
    pub html: Option<String>,
    /// Stylesheet to go with html.
    #[schemars(length(min = 1, max = 50_000))]
    pub css: Option<String>,
    /// A completed prepare_email_message_upload session holding the HTML (and CSS).
    #[schemars(length(min = 1, max = 100))]
    pub upload_session_id: Option<String>,
    /// Preheader text.
    #[schemars(length(max = 300))]
    pub preheader: Option<String>,
    /// Tags.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
}

impl Validate for CreateEmailArgs {
    fn validate(&self) -> Result<(), String> {
        match (&self.html, &self.upload_session_id) {
            (Some(_), Some(_)) | (None, None) => Err(
                "pass the body either inline as html or as uploadSessionId from prepare_email_message_upload, exactly one"
                    .into(),
            ),
            (None, Some(_)) if self.css.is_some() => {
                Err("css goes into the upload session with the HTML, not next to uploadSessionId".into())
            }
            _ => Ok(()),
        }
    }
}

/// Arguments of `list_email_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListEmailArgs {
    /// Part of the name, or an exact tag, case-insensitive.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// How many results, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub top: Option<u32>,
    /// How many results to skip; page on with skip += top.
    pub skip: Option<u32>,
}

/// Arguments of `update_email_message`: only the fields given change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateEmailArgs {
    /// The message (id from list_email_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// New internal name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New subject line.
    #[schemars(length(min = 1, max = 300))]
    pub subject: Option<String>,
    /// New preheader text.
    #[schemars(length(max = 300))]
    pub preheader: Option<String>,
    /// New sender id from list_email_interfaces.
    #[schemars(range(min = 1))]
    pub sender_id: Option<u64>,
    /// New tags, replacing the old ones.
    #[schemars(length(max = 20))]
    pub tags: Option<Vec<String>>,
    /// New body HTML (messages without an editor model only).
    #[schemars(length(min = 1, max = 100_000))]
    pub html: Option<String>,
    /// New stylesheet (messages without an editor model only).
    #[schemars(length(min = 1, max = 50_000))]
    pub css: Option<String>,
    /// A completed prepare_email_message_upload session with new HTML and CSS.
    #[schemars(length(min = 1, max = 100))]
    pub upload_session_id: Option<String>,
}

impl Validate for UpdateEmailArgs {
    fn validate(&self) -> Result<(), String> {
        if self.upload_session_id.is_some() && (self.html.is_some() || self.css.is_some()) {
            return Err("pass new HTML inline (html, css) or as uploadSessionId, not both".into());
        }
        Ok(())
    }
}

/// Arguments naming one email message.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailIdArgs {
    /// The message (id from list_email_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
}

/// Arguments of `update_email_message_translation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailTranslationArgs {
    /// The message (id from list_email_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// Language code of the variant, such as de or pt-BR (languages from get_organisation_info).
    #[schemars(length(max = 10))]
    pub language: String,
    /// Translated subject; required when the variant is new.
    #[schemars(length(min = 1, max = 300))]
    pub subject: Option<String>,
    /// Translated preheader.
    #[schemars(length(max = 300))]
    pub preheader: Option<String>,
    /// Translated body HTML; required when the variant is new.
    #[schemars(length(min = 1, max = 100_000))]
    pub html: Option<String>,
}

/// Arguments of the translation deletes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTranslationArgs {
    /// The message (id from its channel's list tool).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// Language code of the variant to delete.
    #[schemars(length(max = 10))]
    pub language: String,
}

/// Arguments of `get_email_message_view_link`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewLinkArgs {
    /// The message (id from list_email_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// Preview this translated variant instead of the base one.
    #[schemars(length(min = 2, max = 10))]
    pub language: Option<String>,
}

/// The files of one email variant.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VariantExport {
    /// The variant's language; the base variant has the organization's default.
    pub language: String,
    /// Whether this is the base variant.
    pub base: bool,
    /// HTML, CSS (when the message has a stylesheet) and JSON (subject, preheader, model).
    pub files: Vec<DownloadLink>,
}

/// What `get_email_message_export` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailExport {
    /// The message.
    pub message_id: u64,
    /// The base variant first, then each translation.
    pub variants: Vec<VariantExport>,
}

/// What `get_email_model` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailModelLink {
    /// The message.
    pub message_id: u64,
    /// Where to download the model JSON.
    pub download: DownloadLink,
    /// The blocks, in order: edit values inside their content only.
    pub blocks: Vec<BlockSummary>,
}

/// One block of an email model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlockSummary {
    /// Block id.
    pub id: String,
    /// Block type.
    pub r#type: String,
}

/// Arguments of `update_email_model`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateModelArgs {
    /// The message (id from list_email_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// The completed session from prepare_email_model_upload.
    #[schemars(length(max = 100))]
    pub upload_session_id: String,
}

/// What `update_email_model` changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelUpdate {
    /// The message.
    pub message_id: u64,
    /// Blocks whose content changed.
    pub changed_block_ids: Vec<String>,
    /// Size of the re-rendered HTML in bytes.
    pub html_size: usize,
}

/// Arguments of `prepare_email_message_upload`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrepareEmailUploadArgs {
    /// The message the HTML is for, when updating one; leave out for a new message.
    #[schemars(range(min = 1))]
    pub message_id: Option<u64>,
}

impl State {
    pub(crate) fn email(&self, id: u64) -> ToolResult<&EmailMessage> {
        self.email_messages.get(&id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no email message {id}; find ids with list_email_messages"
            ))
        })
    }

    /// An email message that may go out now: its sender's domain is verified.
    pub(crate) fn sendable_email(&self, id: u64) -> ToolResult<&EmailMessage> {
        let message = self.email(id)?;
        let sender = check_email_sender(&self.email_interfaces, message.sender_id)?;
        if !sender.verified {
            return Err(ToolError::new(
                codes::SENDER_NOT_VERIFIED,
                format!(
                    "email message {id} uses sender {} <{}>, whose domain is not verified, so nothing was sent; \
                     switch it to a verified sender (list_email_interfaces) with update_email_message, \
                     or ask the user to verify the domain (get_email_deliverability_setup)",
                    sender.from_name, sender.from_email
                ),
            ));
        }
        Ok(message)
    }

    fn email_view(&self, m: &EmailMessage) -> EmailMessageView {
        EmailMessageView {
            id: m.id,
            name: m.name.clone(),
            subject: m.subject.clone(),
            preheader: m.preheader.clone(),
            sender_id: m.sender_id,
            tags: m.tags.clone(),
            has_editor_model: m.model.is_some(),
            html_size: m.html.len(),
            translation_languages: m.translations.keys().cloned().collect(),
            created_at: clock::format(m.created_at),
            updated_at: clock::format(m.updated_at),
        }
    }
}

fn file_text(
    files: &mut std::collections::HashMap<&'static str, UploadedFile>,
    name: &str,
) -> ToolResult<Option<String>> {
    files
        .remove(name)
        .map(|f| {
            String::from_utf8(f.bytes).map_err(|_| {
                ToolError::new(
                    codes::INVALID_FILE,
                    format!("the uploaded {name} is not UTF-8 text; upload it again as UTF-8"),
                )
            })
        })
        .transpose()
}

impl Account {
    fn uploaded_html(
        &self,
        session: &str,
        target: Option<u64>,
    ) -> ToolResult<(String, Option<String>)> {
        let mut files = self
            .uploads()
            .consume(session, UploadKind::EmailMessage, target)?;
        let html = file_text(&mut files, "html")?.unwrap_or_default();
        Ok((html, file_text(&mut files, "css")?))
    }

    /// `create_email_message`.
    pub fn create_email_message(&self, args: CreateEmailArgs) -> ToolResult<EmailMessageView> {
        args.validate().map_err(ToolError::invalid_arguments)?;
        check_email_sender(&self.lock().email_interfaces, args.sender_id)?;
        let (html, css) = match (&args.upload_session_id, args.html) {
            (Some(session), _) => self.uploaded_html(session, None)?,
            (None, Some(html)) => (html, args.css),
            (None, None) => {
                return Err(ToolError::invalid_arguments("pass html or uploadSessionId"));
            }
        };
        let mut state = self.lock();
        let message = EmailMessage {
            id: state.next_id(),
            name: args.name,
            subject: args.subject,
            preheader: args.preheader,
            sender_id: args.sender_id,
            tags: args.tags.unwrap_or_default(),
            html,
            css,
            model: None,
            translations: BTreeMap::new(),
            created_at: state.now,
            updated_at: state.now,
        };
        let view = state.email_view(&message);
        state.email_messages.insert(message.id, message);
        Ok(view)
    }

    /// `list_email_messages`: newest first, by part of the name or an exact tag.
    pub fn list_email_messages(&self, args: ListEmailArgs) -> Page<EmailMessageView> {
        let state = self.lock();
        let query = args.query.as_deref().map(str::to_lowercase);
        let hits: Vec<&EmailMessage> = state
            .email_messages
            .values()
            .rev()
            .filter(|m| {
                query.as_deref().is_none_or(|q| {
                    m.name.to_lowercase().contains(q)
                        || m.tags.iter().any(|t| t.to_lowercase() == q)
                })
            })
            .collect();
        let top = args
            .top
            .map_or(100, |t| t as usize)
            .clamp(1, MAX_SEARCH_PAGE);
        let skip = args.skip.unwrap_or(0) as usize;
        Page {
            has_more: hits.len() > skip + top,
            items: hits
                .into_iter()
                .skip(skip)
                .take(top)
                .map(|m| state.email_view(m))
                .collect(),
        }
    }

    /// `update_email_message`.
    pub fn update_email_message(&self, args: UpdateEmailArgs) -> ToolResult<EmailMessageView> {
        args.validate().map_err(ToolError::invalid_arguments)?;
        {
            let state = self.lock();
            let message = state.email(args.message_id)?;
            let body_change =
                args.html.is_some() || args.css.is_some() || args.upload_session_id.is_some();
            if body_change && message.model.is_some() {
                return Err(ToolError::new(
                    codes::EDITOR_MODEL_REQUIRED,
                    format!(
                        "email message {} was built in the editor, so its HTML comes from the model and \
                         its layout cannot change; edit the content with get_email_model, \
                         prepare_email_model_upload and update_email_model",
                        args.message_id
                    ),
                ));
            }
            if let Some(sender) = args.sender_id {
                check_email_sender(&state.email_interfaces, sender)?;
            }
        }
        let uploaded = match &args.upload_session_id {
            Some(session) => Some(self.uploaded_html(session, Some(args.message_id))?),
            None => None,
        };
        let mut state = self.lock();
        let now = state.now;
        let message = state
            .email_messages
            .get_mut(&args.message_id)
            .ok_or_else(|| ToolError::not_found("the email message was deleted meanwhile"))?;
        if let Some(v) = args.name {
            message.name = v;
        }
        if let Some(v) = args.subject {
            message.subject = v;
        }
        if args.preheader.is_some() {
            message.preheader = args.preheader;
        }
        if let Some(v) = args.sender_id {
            message.sender_id = v;
        }
        if let Some(v) = args.tags {
            message.tags = v;
        }
        if let Some(v) = args.html {
            message.html = v;
        }
        if args.css.is_some() {
            message.css = args.css;
        }
        if let Some((html, css)) = uploaded {
            message.html = html;
            message.css = css;
        }
        message.updated_at = now;
        let message = message.clone();
        Ok(state.email_view(&message))
    }

    /// `delete_email_message`.
    pub fn delete_email_message(&self, args: EmailIdArgs) -> ToolResult<Deleted> {
        let mut state = self.lock();
        state.email(args.message_id)?;
        state.email_messages.remove(&args.message_id);
        Ok(Deleted {
            id: args.message_id,
            language: None,
        })
    }

    /// `update_email_message_translation`.
    pub fn update_email_translation(
        &self,
        args: EmailTranslationArgs,
    ) -> ToolResult<EmailMessageView> {
        let mut state = self.lock();
        let language = language::normalise(&args.language)?;
        if language == state.organisation.default_language {
            return Err(ToolError::invalid_parameter(format!(
                "{language} is the base language; change the base variant with update_email_message"
            )));
        }
        let message = state.email(args.message_id)?;
        let variant = match message.translations.get(&language).cloned() {
            Some(mut v) => {
                if let Some(s) = args.subject {
                    v.subject = s;
                }
                if args.preheader.is_some() {
                    v.preheader = args.preheader;
                }
                if let Some(h) = args.html {
                    v.html = h;
                }
                v
            }
            None => match (args.subject, args.html) {
                (Some(subject), Some(html)) => EmailVariant {
                    subject,
                    preheader: args.preheader,
                    html,
                },
                _ => {
                    return Err(ToolError::invalid_arguments(format!(
                        "email message {} has no {language} variant yet; pass subject and html to create it",
                        args.message_id
                    )));
                }
            },
        };
        let now = state.now;
        let message = state
            .email_messages
            .get_mut(&args.message_id)
            .ok_or_else(|| ToolError::internal("the email message vanished"))?;
        message.translations.insert(language, variant);
        message.updated_at = now;
        let message = message.clone();
        Ok(state.email_view(&message))
    }

    /// `delete_email_message_translation`.
    pub fn delete_email_translation(&self, args: DeleteTranslationArgs) -> ToolResult<Deleted> {
        let mut state = self.lock();
        let language = language::normalise(&args.language)?;
        let message = state.email(args.message_id)?;
        if !message.translations.contains_key(&language) {
            return Err(ToolError::not_found(format!(
                "email message {} has no {language} variant; its languages are listed in translationLanguages",
                args.message_id
            )));
        }
        if let Some(m) = state.email_messages.get_mut(&args.message_id) {
            m.translations.remove(&language);
        }
        Ok(Deleted {
            id: args.message_id,
            language: Some(language),
        })
    }

    /// `get_email_message_view_link`.
    pub fn email_view_link(&self, args: ViewLinkArgs) -> ToolResult<DownloadLink> {
        let state = self.lock();
        let message = state.email(args.message_id)?;
        let html = match &args.language {
            Some(l) => {
                let l = language::normalise(l)?;
                message
                    .translations
                    .get(&l)
                    .map(|v| v.html.clone())
                    .ok_or_else(|| {
                        ToolError::not_found(format!(
                            "email message {} has no {l} variant",
                            args.message_id
                        ))
                    })?
            }
            None => message.html.clone(),
        };
        Ok(self.downloads().publish(
            format!("email-{}-preview.html", message.id),
            "text/html",
            html.into_bytes(),
        ))
    }

    /// `get_email_message_export`.
    pub fn email_export(&self, args: EmailIdArgs) -> ToolResult<EmailExport> {
        let state = self.lock();
        let m = state.email(args.message_id)?;
        let base = state.organisation.default_language.clone();
        let mut variants = Vec::new();
        let mut export = |language: &str,
                          is_base: bool,
                          subject: &str,
                          preheader: &Option<String>,
                          html: &str| {
            let stem = format!("email-{}-{language}", m.id);
            let mut files = vec![self.downloads().publish(
                format!("{stem}.html"),
                "text/html",
                html.as_bytes().to_vec(),
            )];
            if let Some(css) = &m.css {
                files.push(self.downloads().publish(
                    format!("{stem}.css"),
                    "text/css",
                    css.as_bytes().to_vec(),
                ));
            }
            let json = serde_json::json!({
                "messageId": m.id, "name": m.name, "language": language, "subject": subject,
                "preheader": preheader, "senderId": m.sender_id, "tags": m.tags,
                "model": if is_base { m.model.clone() } else { None },
            });
            files.push(self.downloads().publish(
                format!("{stem}.json"),
                "application/json",
                json.to_string().into_bytes(),
            ));
            variants.push(VariantExport {
                language: language.to_owned(),
                base: is_base,
                files,
            });
        };
        export(&base, true, &m.subject, &m.preheader, &m.html);
        for (language, v) in &m.translations {
            export(language, false, &v.subject, &v.preheader, &v.html);
        }
        Ok(EmailExport {
            message_id: m.id,
            variants,
        })
    }

    /// `get_email_model`.
    pub fn email_model(&self, args: EmailIdArgs) -> ToolResult<EmailModelLink> {
        let state = self.lock();
        let m = state.email(args.message_id)?;
        let model = m.model.as_ref().ok_or_else(|| {
            ToolError::not_found(format!(
                "email message {} was created from HTML and has no editor model; \
                 change its HTML with update_email_message instead",
                m.id
            ))
        })?;
        let mut blocks = Vec::new();
        for row in model["rows"].as_array().into_iter().flatten() {
            for column in row["columns"].as_array().into_iter().flatten() {
                for block in column["blocks"].as_array().into_iter().flatten() {
                    blocks.push(BlockSummary {
                        id: block["id"].as_str().unwrap_or_default().to_owned(),
                        r#type: block["type"].as_str().unwrap_or_default().to_owned(),
                    });
                }
            }
        }
        Ok(EmailModelLink {
            message_id: m.id,
            download: self.downloads().publish(
                format!("email-{}-model.json", m.id),
                "application/json",
                serde_json::to_vec_pretty(model).unwrap_or_default(),
            ),
            blocks,
        })
    }

    /// `prepare_email_model_upload`.
    pub fn prepare_email_model_upload(&self, args: EmailIdArgs) -> ToolResult<UploadTicket> {
        let state = self.lock();
        if state.email(args.message_id)?.model.is_none() {
            return Err(ToolError::not_found(format!(
                "email message {} has no editor model to replace; use prepare_email_message_upload for HTML",
                args.message_id
            )));
        }
        Ok(self
            .uploads()
            .create(UploadKind::EmailModel, Some(args.message_id)))
    }

    /// `update_email_model`: only content may differ from the current model.
    pub fn update_email_model(&self, args: UpdateModelArgs) -> ToolResult<ModelUpdate> {
        let current = {
            let state = self.lock();
            state.email(args.message_id)?.model.clone().ok_or_else(|| {
                ToolError::not_found(format!(
                    "email message {} has no editor model",
                    args.message_id
                ))
            })?
        };
        let mut files = self.uploads().consume(
            &args.upload_session_id,
            UploadKind::EmailModel,
            Some(args.message_id),
        )?;
        let bytes = files.remove("model").map(|f| f.bytes).unwrap_or_default();
        let edited: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ToolError::new(codes::INVALID_FILE, format!("the uploaded model is not valid JSON ({e}); download it again with get_email_model, edit only content values, and upload it in a new session"))
        })?;
        email_model::check_shape(&edited).map_err(|e| {
            ToolError::new(
                codes::INVALID_FILE,
                format!("the uploaded model is not an editor model: {e}"),
            )
        })?;
        let changes = email_model::structural_changes(&current, &edited, 5);
        if !changes.is_empty() {
            return Err(ToolError::new(
                codes::BLOCK_STRUCTURE_CHANGED,
                format!(
                    "layout and block structure of email templates cannot be changed, only the values inside each block's content; \
                     nothing was saved. Changed: {}. Start again from get_email_model and a new upload session",
                    changes.join("; ")
                ),
            ));
        }
        let changed_block_ids = email_model::changed_blocks(&current, &edited);
        let html = email_model::render(&edited);
        let mut state = self.lock();
        let now = state.now;
        let message = state
            .email_messages
            .get_mut(&args.message_id)
            .ok_or_else(|| ToolError::not_found("the email message was deleted meanwhile"))?;
        message.html = html;
        message.model = Some(edited);
        message.updated_at = now;
        Ok(ModelUpdate {
            message_id: args.message_id,
            changed_block_ids,
            html_size: message.html.len(),
        })
    }

    /// `prepare_email_message_upload`.
    pub fn prepare_email_upload(&self, args: PrepareEmailUploadArgs) -> ToolResult<UploadTicket> {
        if let Some(id) = args.message_id {
            let state = self.lock();
            if state.email(id)?.model.is_some() {
                return Err(ToolError::new(
                    codes::EDITOR_MODEL_REQUIRED,
                    format!(
                        "email message {id} was built in the editor; its HTML cannot be replaced, edit its model instead"
                    ),
                ));
            }
        }
        Ok(self
            .uploads()
            .create(UploadKind::EmailMessage, args.message_id))
    }
}
