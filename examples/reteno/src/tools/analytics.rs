//! Analytics and deliverability.

use mcp_tools::{State, ToolResult, tool};

use crate::account::Account;
use crate::analytics::{
    DeliverabilitySetup, EventsAnalyticsArgs, EventsReport, MessagingAnalyticsArgs, MessagingReport,
};

/// Exports aggregated messaging performance (sent, delivered, opened, clicked, bounced) for a
/// day range, grouped by organization, workflow or message, optionally for one channel. The
/// data comes from a report built once a day: the current day is not available, so dateTo is
/// yesterday at the latest, and a window covers at most 185 days.
///
/// Errors: InvalidArguments — dateTo is today or later, the window is longer than 185 days
/// (the message gives the allowed dates), a date is not YYYY-MM-DD, or dateFrom is after dateTo.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get messaging analytics"
)]
pub async fn get_messaging_analytics(
    State(account): State<Account>,
    #[args] args: MessagingAnalyticsArgs,
) -> ToolResult<MessagingReport> {
    account.messaging_analytics(args)
}

/// Exports event counts for the organization for a day range: per event type, the number of
/// events and of distinct contacts, and with daily true a count per day. From the daily
/// report: dateTo is yesterday at the latest and a window covers at most 366 days.
///
/// Errors: InvalidArguments — dateTo is today or later, the window is too long (the message
/// gives the allowed dates), a date is not YYYY-MM-DD, or dateFrom is after dateTo.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get events analytics"
)]
pub async fn get_events_analytics(
    State(account): State<Account>,
    #[args] args: EventsAnalyticsArgs,
) -> ToolResult<EventsReport> {
    account.events_analytics(args)
}

/// Returns a read-only snapshot of the email deliverability setup: sending domains with SPF,
/// DKIM and DMARC state, senders and whether they are verified, the short-link (click
/// tracking) domain, and unsubscribe handling (List-Unsubscribe, one-click, page). Use it to
/// explain deliverability problems; changes are made in Reteno by the user.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get email deliverability setup"
)]
pub async fn get_email_deliverability_setup(
    State(account): State<Account>,
) -> ToolResult<DeliverabilitySetup> {
    Ok(account.deliverability_setup())
}
