//! Sending and broadcasts.

use mcp_tools::{Confirmation, Page, State, ToolResult, tool};

use crate::account::Account;
use crate::broadcasts::{
    BroadcastIdArgs, BroadcastView, DeletedBroadcast, ListBroadcastsArgs, SendBroadcastArgs,
};
use crate::sending::{
    DeliveryView, InteractionArgs, SendEmailArgs, SendResult, SendSmsArgs, SmartSendArgs,
    SmartSendResult,
};

/// Sends an email message (messageId from list_email_messages) to one address now, in the
/// contact's language or the one given, with optional {{placeholder}} values. An address no
/// contact has becomes a new contact. Real mail goes out: confirm with the user first. Follow
/// the delivery with get_message_status.
///
/// Errors: NotFound — unknown messageId; InvalidParameter — malformed address or language;
/// ContactUnsubscribed — the contact opted out of email (nothing sent); SenderNotVerified — the
/// message's sender domain is not verified (switch senders with update_email_message).
#[tool(
    scopes("reteno:send"),
    destructive,
    open_world,
    title = "Send an email"
)]
pub async fn send_email_message(
    State(account): State<Account>,
    #[args] args: SendEmailArgs,
) -> ToolResult<SendResult> {
    account.send_email(args)
}

/// Sends an SMS message (messageId from list_sms_messages) to one number now (E.164), in the
/// contact's language or the one given, with optional {{placeholder}} values. A number no
/// contact has becomes a new contact. A real SMS goes out: confirm with the user first.
///
/// Errors: NotFound — unknown messageId; InvalidParameter — the number is not E.164 or the
/// language is malformed; ContactUnsubscribed — the contact opted out of SMS (nothing sent).
#[tool(scopes("reteno:send"), destructive, open_world, title = "Send an SMS")]
pub async fn send_sms_message(
    State(account): State<Account>,
    #[args] args: SendSmsArgs,
) -> ToolResult<SendResult> {
    account.send_sms(args)
}

/// Sends one prepared message (email, SMS, mobile push or app inbox) to 1 to 100 existing
/// contacts now, each named by one identifier and with its own {{placeholder}} values. Each
/// recipient gets their language's variant. Recipients are independent: the result lists each
/// with its interactionId or why it was skipped (no such contact, unsubscribed, no address or
/// active token). Confirm the audience with the user first; for whole segments use
/// send_broadcast.
///
/// Errors: NotFound — unknown messageId for that channel; InvalidArguments — a recipient with
/// not exactly one identifier.
#[tool(
    scopes("reteno:send"),
    destructive,
    open_world,
    title = "Send a prepared message"
)]
pub async fn smart_send_message(
    State(account): State<Account>,
    #[args] args: SmartSendArgs,
) -> ToolResult<SmartSendResult> {
    account.smart_send(args)
}

/// Returns the delivery status of one sent message by interactionId, with every step reached
/// and when: queued, sent, delivered, opened, clicked, or bounced or failed. Statuses move on
/// over minutes; check again later rather than in a loop.
///
/// Errors: NotFound — unknown interactionId (use the one a send returned, or one from
/// get_contact_message_history).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get message delivery status"
)]
pub async fn get_message_status(
    State(account): State<Account>,
    #[args] args: InteractionArgs,
) -> ToolResult<DeliveryView> {
    account.message_status(args)
}

/// Starts a broadcast now: one email, SMS, mobile push or web push message to every member of
/// 1 to 20 segments (ids from list_groups), once per contact, skipping unsubscribed contacts and
/// those without an address. Broadcasts cannot be scheduled. The first call sends nothing: it
/// returns the audience (recipients per segment, exclusions, sample contacts) and a
/// confirmationToken; show it to the user, then call again with the same arguments and the
/// token to start.
///
/// Errors: NotFound — unknown messageId for the channel (webPush uses a mobile push message) or
/// groupId; InvalidInput — nobody in the segments can receive the channel; SenderNotVerified —
/// the email's sender domain is not verified; Confirmation* — the
/// token is expired, used, or for other arguments (run the dry run again).
#[tool(
    scopes("reteno:send"),
    destructive,
    confirm,
    open_world,
    title = "Start a broadcast"
)]
pub async fn send_broadcast(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: SendBroadcastArgs,
) -> ToolResult<BroadcastView> {
    let plan = account.plan_broadcast(&args)?;
    confirm.preview(&plan).await?;
    account.start_broadcast(args)
}

/// Lists broadcasts, newest first, with their channel, message, segments, status (sending or
/// sent), recipient count and deliveries by status; filter by channel or status. Page with top
/// and skip until HasMore is false.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List broadcasts"
)]
pub async fn list_broadcasts(
    State(account): State<Account>,
    #[args] args: ListBroadcastsArgs,
) -> ToolResult<Page<BroadcastView>> {
    Ok(account.list_broadcasts(args))
}

/// Returns one broadcast by broadcastId: channel, message, segments, status, recipients,
/// exclusions and how many of its deliveries are in each status now.
///
/// Errors: NotFound — unknown broadcastId (from list_broadcasts).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get a broadcast"
)]
pub async fn get_broadcast(
    State(account): State<Account>,
    #[args] args: BroadcastIdArgs,
) -> ToolResult<BroadcastView> {
    account.get_broadcast(args)
}

/// Deletes a finished broadcast from the list; messages already delivered stay delivered and
/// in analytics. Confirm with the user first.
///
/// Errors: NotFound — unknown broadcastId (from list_broadcasts); Conflict — it is still
/// sending (the message says until when; try after that).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete a broadcast"
)]
pub async fn delete_broadcast(
    State(account): State<Account>,
    #[args] args: BroadcastIdArgs,
) -> ToolResult<DeletedBroadcast> {
    account.delete_broadcast(args)
}
