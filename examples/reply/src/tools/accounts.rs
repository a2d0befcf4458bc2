//! Workspace resolvers: mailboxes, LinkedIn accounts, schedules, lists and teammates.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::accounts::{
    EmailAccount, LinkedInAccount, ListArgs, ListSummary, Schedule, SearchListsArgs,
    SearchTeamArgs, TeamMemberView,
};
use crate::workspace::Workspace;

/// Returns the email accounts (mailboxes) of the workspace with their connection status,
/// daily send limit, default flag, tags and owner.
///
/// This is the resolver for emailAccountId (reply_assign_email_account_to_sequence). Prefer a
/// connected mailbox; a disconnected one cannot send until the user reconnects it in the app.
#[tool(read_only, name = "reply_list_email_accounts")]
pub async fn list_email_accounts(
    State(ws): State<Workspace>,
    #[args] args: ListArgs,
) -> ToolResult<Page<EmailAccount>> {
    ws.list_email_accounts(args)
}

/// Returns the LinkedIn accounts connected to the workspace with their status, session-cookie
/// health, tier (Free, Premium, SalesNavigator) and owner.
///
/// This is the resolver for linkedInAccountId (reply_assign_linkedin_account_to_sequence).
/// Warn the user about an account whose cookie is unhealthy: its LinkedIn steps will stall.
#[tool(read_only, name = "reply_list_linkedin_accounts")]
pub async fn list_linkedin_accounts(
    State(ws): State<Workspace>,
    #[args] args: ListArgs,
) -> ToolResult<Page<LinkedInAccount>> {
    ws.list_linkedin_accounts(args)
}

/// Returns every sending schedule (the business-hours windows steps may go out in) with its
/// time zone, default flag, and main and follow-up windows.
///
/// This is the resolver for scheduleId (reply_assign_schedule_to_sequence).
#[tool(read_only, name = "reply_list_schedules")]
pub async fn list_schedules(
    State(ws): State<Workspace>,
    #[args] args: ListArgs,
) -> ToolResult<Page<Schedule>> {
    ws.list_schedules(args)
}

/// Resolves contact lists (groups of contacts) by a case-insensitive name fragment, with each
/// list's id, name, size and owner; omit name to list them all.
///
/// This is the resolver for listId (reply_filter_contacts) and the listIds of
/// reply_create_contact and reply_update_contact.
#[tool(read_only, name = "reply_search_lists")]
pub async fn search_lists(
    State(ws): State<Workspace>,
    #[args] args: SearchListsArgs,
) -> ToolResult<Page<ListSummary>> {
    ws.search_lists(args)
}

/// Resolves teammates of the workspace to their numeric user id by a case-insensitive
/// fragment of their name or email; omit query to list everyone.
///
/// This is the resolver for ownerId and newOwnerId (reply_create_contact,
/// reply_change_contact_owner, reply_list_pending_approvals). If several teammates match,
/// ask the user which one they mean.
#[tool(read_only, name = "reply_search_team_members")]
pub async fn search_team_members(
    State(ws): State<Workspace>,
    #[args] args: SearchTeamArgs,
) -> ToolResult<Page<TeamMemberView>> {
    ws.search_team_members(args)
}
