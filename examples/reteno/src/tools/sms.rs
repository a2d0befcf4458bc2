//! SMS.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::analytics::{SmsCallouts, SmsCalloutsArgs};
use crate::email::DeleteTranslationArgs;
use crate::messages::{ChannelMessage, Deleted};
use crate::push::MessageIdArgs;
use crate::sms::{CreateSmsArgs, ListSmsArgs, SmsTranslationArgs, UpdateSmsArgs};

/// Searches SMS messages by part of the name or an exact tag, newest first, up to 500 results
/// per request (top, default 100; page on with skip). Each has its id (the messageId of the
/// other SMS tools, send_sms_message and send_broadcast), sender, text and translations.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Search SMS messages"
)]
pub async fn list_sms_messages(
    State(account): State<Account>,
    #[args] args: ListSmsArgs,
) -> ToolResult<Page<ChannelMessage>> {
    Ok(account.list_sms_messages(args))
}

/// Creates a base SMS message: name, sender (senderId from list_sms_interfaces) and text with
/// optional {{placeholders}}. Add other languages with update_sms_message_translation.
///
/// Errors: NotFound — unknown senderId.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Create an SMS message"
)]
pub async fn create_sms_message(
    State(account): State<Account>,
    #[args] args: CreateSmsArgs,
) -> ToolResult<ChannelMessage> {
    account.create_sms_message(args)
}

/// Returns one SMS message by its internal id: name, sender, text (the body field), tags and
/// every translation.
///
/// Errors: NotFound — unknown messageId, or an id of another channel (take it from
/// list_sms_messages).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get an SMS message"
)]
pub async fn get_sms_message(
    State(account): State<Account>,
    #[args] args: MessageIdArgs,
) -> ToolResult<ChannelMessage> {
    account.get_sms_message(args)
}

/// Updates the base variant of an SMS message; fields you leave out keep their value, and
/// translations are not touched.
///
/// Errors: NotFound — unknown messageId (from list_sms_messages) or senderId (from
/// list_sms_interfaces).
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update an SMS message"
)]
pub async fn update_sms_message(
    State(account): State<Account>,
    #[args] args: UpdateSmsArgs,
) -> ToolResult<ChannelMessage> {
    account.update_sms_message(args)
}

/// Deletes an SMS message with its translations. This cannot be undone: confirm with the user
/// first.
///
/// Errors: NotFound — unknown messageId (from list_sms_messages).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete an SMS message"
)]
pub async fn delete_sms_message(
    State(account): State<Account>,
    #[args] args: MessageIdArgs,
) -> ToolResult<Deleted> {
    account.delete_sms_message(args)
}

/// Creates or replaces the translated text of an SMS message for one language (codes from
/// get_organisation_info); contacts with that language get it.
///
/// Errors: NotFound — unknown messageId; InvalidParameter — malformed language code, or the
/// default language (edit the base with update_sms_message).
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update an SMS translation"
)]
pub async fn update_sms_message_translation(
    State(account): State<Account>,
    #[args] args: SmsTranslationArgs,
) -> ToolResult<ChannelMessage> {
    account.update_sms_translation(args)
}

/// Deletes the translated variant of an SMS message for one language; contacts with that
/// language get the base text afterwards.
///
/// Errors: NotFound — unknown messageId, or no variant in that language.
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete an SMS translation"
)]
pub async fn delete_sms_message_translation(
    State(account): State<Account>,
    #[args] args: DeleteTranslationArgs,
) -> ToolResult<Deleted> {
    account.delete_sms_translation(args)
}

/// Returns SMS sending statistics per message for a day range (default: the last 30 days up to
/// today): sent, delivered, failed and still pending, optionally for one messageId. Unlike the
/// analytics tools it includes today.
///
/// Errors: InvalidArguments — a date is not YYYY-MM-DD, dateTo is in the future or dateFrom is
/// after dateTo; NotFound — unknown SMS messageId.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get SMS callout statistics"
)]
pub async fn get_sms_callouts(
    State(account): State<Account>,
    #[args] args: SmsCalloutsArgs,
) -> ToolResult<SmsCallouts> {
    account.sms_callouts(args)
}
