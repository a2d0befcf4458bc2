//! Mobile push.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::contacts::ByTokenArgs;
use crate::email::DeleteTranslationArgs;
use crate::messages::{ChannelMessage, Deleted};
use crate::push::{
    CreatePushArgs, ListByNameArgs, MessageIdArgs, TitledTranslationArgs, TokenActivation,
    TokenActivationArgs, UpdatePushArgs,
};

/// Searches mobile push messages by part of the name, newest first. Each has its id (the
/// messageId of the other push tools, smart_send_message and send_broadcast), title, text,
/// deep link, image and translations. Page with top and skip until HasMore is false.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Search mobile push messages"
)]
pub async fn list_mobile_push_messages(
    State(account): State<Account>,
    #[args] args: ListByNameArgs,
) -> ToolResult<Page<ChannelMessage>> {
    Ok(account.list_push_messages(args))
}

/// Creates a base mobile push message: name, title, text with optional {{placeholders}}, and
/// optionally a deep link opened on tap and an image URL (from upload_image). Add other
/// languages with update_mobile_push_message_translation.
///
/// Errors: InvalidParameter — deepLink or imageUrl is not a URL.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Create a mobile push message"
)]
pub async fn create_mobile_push_message(
    State(account): State<Account>,
    #[args] args: CreatePushArgs,
) -> ToolResult<ChannelMessage> {
    account.create_push_message(args)
}

/// Returns one mobile push message by messageId with its base content and every translation.
///
/// Errors: NotFound — unknown messageId, or an id of another channel (take it from
/// list_mobile_push_messages).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get a mobile push message"
)]
pub async fn get_mobile_push_message(
    State(account): State<Account>,
    #[args] args: MessageIdArgs,
) -> ToolResult<ChannelMessage> {
    account.get_push_message(args)
}

/// Updates the base variant of a mobile push message; fields you leave out keep their value,
/// and translations are not touched.
///
/// Errors: NotFound — unknown messageId (from list_mobile_push_messages); InvalidParameter —
/// deepLink or imageUrl is not a URL.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update a mobile push message"
)]
pub async fn update_mobile_push_message(
    State(account): State<Account>,
    #[args] args: UpdatePushArgs,
) -> ToolResult<ChannelMessage> {
    account.update_push_message(args)
}

/// Deletes a mobile push message with its translations. This cannot be undone: confirm with
/// the user first.
///
/// Errors: NotFound — unknown messageId (from list_mobile_push_messages).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete a mobile push message"
)]
pub async fn delete_mobile_push_message(
    State(account): State<Account>,
    #[args] args: MessageIdArgs,
) -> ToolResult<Deleted> {
    account.delete_push_message(args)
}

/// Creates or changes the translated variant of a mobile push message for one language. A new
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
    title = "Update a push translation"
)]
pub async fn update_mobile_push_message_translation(
    State(account): State<Account>,
    #[args] args: TitledTranslationArgs,
) -> ToolResult<ChannelMessage> {
    account.update_push_translation(args)
}

/// Deletes the translated variant of a mobile push message for one language; contacts with
/// that language get the base variant afterwards.
///
/// Errors: NotFound — unknown messageId, or no variant in that language (the message lists its
/// translations).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete a push translation"
)]
pub async fn delete_mobile_push_message_translation(
    State(account): State<Account>,
    #[args] args: DeleteTranslationArgs,
) -> ToolResult<Deleted> {
    account.delete_push_translation(args)
}

/// Returns whether a mobile push token is active (receives pushes), with its contact and
/// platform. Tokens are listed on contacts (get_contact).
///
/// Errors: NotFound — no contact has this token.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get push token activation"
)]
pub async fn get_mobile_push_token_activation(
    State(account): State<Account>,
    #[args] args: ByTokenArgs,
) -> ToolResult<TokenActivation> {
    account.token_activation(args)
}

/// Turns pushes to one device token on (active true) or off (active false), for example when
/// the user reports a lost device. Other tokens of the contact are not touched.
///
/// Errors: NotFound — no contact has this token.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update push token activation"
)]
pub async fn update_mobile_push_token_activation(
    State(account): State<Account>,
    #[args] args: TokenActivationArgs,
) -> ToolResult<TokenActivation> {
    account.set_token_activation(args)
}
