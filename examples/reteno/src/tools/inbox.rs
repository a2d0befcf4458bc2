//! App inbox.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::email::DeleteTranslationArgs;
use crate::inbox::{CreateInboxArgs, UpdateInboxArgs};
use crate::messages::{ChannelMessage, Deleted};
use crate::push::{ListByNameArgs, MessageIdArgs, TitledTranslationArgs};

/// Searches app inbox messages by part of the name, newest first. Each has its id (the
/// messageId of the other app inbox tools and smart_send_message), title, text, image, button
/// and translations. Page with top and skip until HasMore is false.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Search app inbox messages"
)]
pub async fn list_app_inbox_messages(
    State(account): State<Account>,
    #[args] args: ListByNameArgs,
) -> ToolResult<Page<ChannelMessage>> {
    Ok(account.list_inbox_messages(args))
}

/// Creates a base app inbox message: name, title, text with optional {{placeholders}}, and
/// optionally an image URL (from upload_image) and a button (buttonText with buttonUrl). Add
/// other languages with update_app_inbox_message_translation.
///
/// Errors: InvalidArguments — a button label without its URL or the reverse; InvalidParameter —
/// buttonUrl or imageUrl is not a URL.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Create an app inbox message"
)]
pub async fn create_app_inbox_message(
    State(account): State<Account>,
    #[args] args: CreateInboxArgs,
) -> ToolResult<ChannelMessage> {
    account.create_inbox_message(args)
}

/// Returns one app inbox message by messageId with its base content and every translation.
///
/// Errors: NotFound — unknown messageId, or an id of another channel (take it from
/// list_app_inbox_messages).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get an app inbox message"
)]
pub async fn get_app_inbox_message(
    State(account): State<Account>,
    #[args] args: MessageIdArgs,
) -> ToolResult<ChannelMessage> {
    account.get_inbox_message(args)
}

/// Updates the base variant of an app inbox message; fields you leave out keep their value,
/// and translations are not touched.
///
/// Errors: NotFound — unknown messageId (from list_app_inbox_messages); InvalidParameter —
/// buttonUrl or imageUrl is not a URL.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update an app inbox message"
)]
pub async fn update_app_inbox_message(
    State(account): State<Account>,
    #[args] args: UpdateInboxArgs,
) -> ToolResult<ChannelMessage> {
    account.update_inbox_message(args)
}

/// Deletes an app inbox message with its translations. This cannot be undone: confirm with the
/// user first.
///
/// Errors: NotFound — unknown messageId (from list_app_inbox_messages).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete an app inbox message"
)]
pub async fn delete_app_inbox_message(
    State(account): State<Account>,
    #[args] args: MessageIdArgs,
) -> ToolResult<Deleted> {
    account.delete_inbox_message(args)
}

/// Creates or changes the translated variant of an app inbox message for one language. A new
/// variant needs body (its title defaults to the base title); an existing one changes only what
/// you pass.
///
/// Errors: NotFound — unknown messageId; InvalidParameter — malformed language code, or the
/// default language (edit the base instead); InvalidArguments — a new variant without body.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update an app inbox translation"
)]
pub async fn update_app_inbox_message_translation(
    State(account): State<Account>,
    #[args] args: TitledTranslationArgs,
) -> ToolResult<ChannelMessage> {
    account.update_inbox_translation(args)
}

/// Deletes the translated variant of an app inbox message for one language; contacts with that
/// language get the base variant afterwards.
///
/// Errors: NotFound — unknown messageId, or no variant in that language.
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete an app inbox translation"
)]
pub async fn delete_app_inbox_message_translation(
    State(account): State<Account>,
    #[args] args: DeleteTranslationArgs,
) -> ToolResult<Deleted> {
    account.delete_inbox_translation(args)
}
