//! Events and behavior tracking.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::events::{
    ActivityArgs, CreateEventArgs, CreatePastEventsArgs, EventView, PastEventsResult,
};
use crate::sending::{DeliveryView, HistoryArgs};

/// Records an event that happens now for one contact, named by exactly one of contactId,
/// email, phone or externalCustomerId, with optional parameters. Events feed workflows, dynamic
/// segments and events analytics.
///
/// Errors: NotFound — unknown eventTypeKey (take it from get_event_types) or no such contact
/// (create it with upsert_contact first); InvalidArguments — not exactly one contact
/// identifier.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Create an event"
)]
pub async fn create_event(
    State(account): State<Account>,
    #[args] args: CreateEventArgs,
) -> ToolResult<EventView> {
    account.create_event(args)
}

/// Uploads 1 to 100 historical events, each with its own occurredAt in the past (at most two
/// years back). Rows are independent: the result counts accepted and rejected rows and lists
/// each with its eventId or its error (unknown event type, unknown contact, time in the future
/// or too old). For something happening now use create_event.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Upload historical events"
)]
pub async fn create_past_events(
    State(account): State<Account>,
    #[args] args: CreatePastEventsArgs,
) -> ToolResult<PastEventsResult> {
    Ok(account.create_past_events(args))
}

/// Returns contacts' events, newest first, narrowed by contacts, event types and a day range
/// (dateFrom and dateTo as YYYY-MM-DD, both inclusive). Use it to see what a contact did before
/// messaging them. Page with top and skip until HasMore is false.
///
/// Errors: NotFound — unknown contactId; InvalidParameter — a date is not YYYY-MM-DD or
/// dateFrom is after dateTo.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get contacts activity"
)]
pub async fn get_contacts_activity_v2(
    State(account): State<Account>,
    #[args] args: ActivityArgs,
) -> ToolResult<Page<EventView>> {
    account.contacts_activity(args)
}

/// Returns the messages sent to one contact, newest first, on every channel or one: each with
/// its interactionId, message, address, personalised preview and current delivery status
/// history. Page with top and skip until HasMore is false.
///
/// Errors: NotFound — unknown contactId (find it with list_contacts or get_contacts_by_email).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get contact message history"
)]
pub async fn get_contact_message_history(
    State(account): State<Account>,
    #[args] args: HistoryArgs,
) -> ToolResult<Page<DeliveryView>> {
    account.message_history(args)
}
