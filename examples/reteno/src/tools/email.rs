//! Email messages (templates).

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::downloads::DownloadLink;
use crate::email::{
    CreateEmailArgs, DeleteTranslationArgs, EmailExport, EmailIdArgs, EmailMessageView,
    EmailModelLink, EmailTranslationArgs, ListEmailArgs, ModelUpdate, PrepareEmailUploadArgs,
    UpdateEmailArgs, UpdateModelArgs, ViewLinkArgs,
};
use crate::messages::Deleted;
use crate::uploads::UploadTicket;

/// Creates a reusable email message: name, subject, sender (senderId from
/// list_email_interfaces), optional preheader and tags, and the body either inline (html, css)
/// or from a completed prepare_email_message_upload session (uploadSessionId) for large
/// bodies. Use {{firstName}} or {{customField}} placeholders for personalisation.
///
/// Errors: InvalidArguments — neither or both of html and uploadSessionId; NotFound — unknown
/// senderId; UploadSessionNotFound, UploadSessionExpired, UploadSessionAlreadyUsed,
/// UploadSessionIncomplete, UploadSessionWrongKind — the session cannot be used (prepare a new
/// one and upload again).
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Create an email message"
)]
pub async fn create_email_message(
    State(account): State<Account>,
    #[args] args: CreateEmailArgs,
) -> ToolResult<EmailMessageView> {
    account.create_email_message(args)
}

/// Searches email messages by part of the name or an exact tag, newest first, up to 500
/// results per request (top, default 100; page on with skip). Each result has its id (the
/// messageId of the other email tools), subject, sender, tags, whether it was built in the
/// editor, and its translation languages.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Search email messages"
)]
pub async fn list_email_messages(
    State(account): State<Account>,
    #[args] args: ListEmailArgs,
) -> ToolResult<Page<EmailMessageView>> {
    Ok(account.list_email_messages(args))
}

/// Updates an email message by messageId; fields you leave out keep their value. The HTML of
/// a message built in the editor comes from its model, whose layout and block structure cannot
/// change: change its text, images and links with get_email_model and update_email_model.
///
/// Errors: NotFound — unknown messageId (from list_email_messages) or senderId;
/// EditorModelRequired — html, css or uploadSessionId given for an editor-built message;
/// InvalidArguments — inline HTML and uploadSessionId together; UploadSession* — the upload
/// session cannot be used.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update an email message"
)]
pub async fn update_email_message(
    State(account): State<Account>,
    #[args] args: UpdateEmailArgs,
) -> ToolResult<EmailMessageView> {
    account.update_email_message(args)
}

/// Deletes an email message and its translations by messageId. Workflows or broadcasts that
/// used it keep their history. This cannot be undone: confirm with the user first.
///
/// Errors: NotFound — unknown messageId (from list_email_messages).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete an email message"
)]
pub async fn delete_email_message(
    State(account): State<Account>,
    #[args] args: EmailIdArgs,
) -> ToolResult<Deleted> {
    account.delete_email_message(args)
}

/// Creates or changes the translated variant of an email message for one language (codes from
/// get_organisation_info). A new variant needs subject and html; an existing one changes only
/// the fields you pass. Contacts with that language get the variant.
///
/// Errors: NotFound — unknown messageId; InvalidParameter — malformed language code, or the
/// organization's default language (edit the base with update_email_message);
/// InvalidArguments — a new variant without subject and html.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update an email translation"
)]
pub async fn update_email_message_translation(
    State(account): State<Account>,
    #[args] args: EmailTranslationArgs,
) -> ToolResult<EmailMessageView> {
    account.update_email_translation(args)
}

/// Deletes the translated variant of an email message for one language; contacts with that
/// language get the base variant afterwards.
///
/// Errors: NotFound — unknown messageId, or the message has no variant in that language (see
/// translationLanguages in list_email_messages).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete an email translation"
)]
pub async fn delete_email_message_translation(
    State(account): State<Account>,
    #[args] args: DeleteTranslationArgs,
) -> ToolResult<Deleted> {
    account.delete_email_translation(args)
}

/// Returns a link to a hosted preview of an email message (the base variant, or one
/// translation with language) to show the user. The link works for an hour.
///
/// Errors: NotFound — unknown messageId, or no variant in that language.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get an email preview link"
)]
pub async fn get_email_message_view_link(
    State(account): State<Account>,
    #[args] args: ViewLinkArgs,
) -> ToolResult<DownloadLink> {
    account.email_view_link(args)
}

/// Returns download links for an email message: for the base variant and each translation, its
/// HTML, its CSS when it has a stylesheet, and a JSON file with subject, preheader, sender, tags
/// and (for the base) the editor model. Links work for an hour.
///
/// Errors: NotFound — unknown messageId (from list_email_messages).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Export an email message"
)]
pub async fn get_email_message_export(
    State(account): State<Account>,
    #[args] args: EmailIdArgs,
) -> ToolResult<EmailExport> {
    account.email_export(args)
}

/// Returns a download link for the structured editor model of an email message, and its blocks
/// in order. To change the email's content: download the model, change only values inside
/// blocks' content objects (texts, image src and alt, button labels and links), then upload it
/// through prepare_email_model_upload and save with update_email_model.
///
/// Errors: NotFound — unknown messageId, or the message was created from HTML and has no model
/// (change its HTML with update_email_message).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get an email's editor model"
)]
pub async fn get_email_model(
    State(account): State<Account>,
    #[args] args: EmailIdArgs,
) -> ToolResult<EmailModelLink> {
    account.email_model(args)
}

/// Opens a short-lived, single-use upload session for one edited editor model (JSON, up to
/// 1 MB) of an email message. PUT the file to the returned uploadUrl with Content-Type
/// application/json, then call update_email_model with the messageId and uploadSessionId
/// before expiresAt (15 minutes).
///
/// Errors: NotFound — unknown messageId, or the message has no editor model.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Prepare an email model upload"
)]
pub async fn prepare_email_model_upload(
    State(account): State<Account>,
    #[args] args: EmailIdArgs,
) -> ToolResult<UploadTicket> {
    account.prepare_email_model_upload(args)
}

/// Saves an edited editor model from a completed upload session and re-renders the email's
/// HTML. Only content may differ from the current model; layout and block structure cannot
/// change. Returns the ids of blocks whose content changed.
///
/// Errors: BlockStructureChanged — rows, columns or blocks were added, removed, moved or
/// restyled (the message names what; nothing was saved: start again from get_email_model);
/// InvalidUploadedFile — not JSON or not an editor model; UploadSessionNotFound,
/// UploadSessionExpired, UploadSessionAlreadyUsed, UploadSessionIncomplete,
/// UploadSessionWrongKind — prepare a new session and upload again; NotFound — unknown
/// messageId.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Save an edited email model"
)]
pub async fn update_email_model(
    State(account): State<Account>,
    #[args] args: UpdateModelArgs,
) -> ToolResult<ModelUpdate> {
    account.update_email_model(args)
}

/// Opens a short-lived, single-use upload session for an email's HTML (required, text/html, up
/// to 2 MB) and CSS (optional, text/css, up to 512 KB). PUT each file to its uploadUrl, then pass
/// uploadSessionId to create_email_message, or to update_email_message for the messageId given
/// here, before expiresAt (15 minutes).
///
/// Errors: NotFound — unknown messageId; EditorModelRequired — the message was built in the
/// editor, whose HTML cannot be replaced.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Prepare an email HTML upload"
)]
pub async fn prepare_email_message_upload(
    State(account): State<Account>,
    #[args] args: PrepareEmailUploadArgs,
) -> ToolResult<UploadTicket> {
    account.prepare_email_upload(args)
}
