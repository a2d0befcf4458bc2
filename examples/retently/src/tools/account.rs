//! Account tools: integrations, the team, plan usage, the attribute, tag and
//! topic vocabularies, and the liveness probe.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::integrations::{GetIntegrationStatusArgs, IntegrationView, ListIntegrationsArgs};
use crate::server::{PingArgs, Pong};
use crate::settings::{AttributeView, NoArgs, PlanUsage, TagView, TopicView};
use crate::team::{GetUserArgs, ListUsersArgs, UserView};

/// List the account's integrations (CRMs, help desks, messaging) with what
/// each is used for, whether it is connected, its sync health and last sync.
/// Credentials are never returned.
#[tool(read_only, scopes("integrations:read"))]
pub async fn list_integrations(
    State(account): State<Account>,
    #[args] args: ListIntegrationsArgs,
) -> ToolResult<Page<IntegrationView>> {
    account.list_integrations(args)
}

/// Get one integration's health by integrationId: connection, sync health,
/// last sync time and last error, records synced. Credentials are never
/// returned.
#[tool(read_only, scopes("integrations:read"))]
pub async fn get_integration_status(
    State(account): State<Account>,
    #[args] args: GetIntegrationStatusArgs,
) -> ToolResult<IntegrationView> {
    account.get_integration_status(args)
}

/// List team members with role, status, whether feedback can be assigned to
/// them, and their open assignments; narrow by role or status. Names and
/// emails are de-identified unless the connection holds pii:read. The ids are
/// the userId of assign_feedback.
#[tool(read_only, scopes("team:read"))]
pub async fn list_users(
    State(account): State<Account>,
    #[args] args: ListUsersArgs,
) -> ToolResult<Page<UserView>> {
    account.list_users(args)
}

/// Get one team member by userId with role, status and open assignments. Name
/// and email are de-identified unless the connection holds pii:read.
#[tool(read_only, scopes("team:read"))]
pub async fn get_user(
    State(account): State<Account>,
    #[args] args: GetUserArgs,
) -> ToolResult<UserView> {
    account.get_user(args)
}

/// Get the account's plan and billing period with usage against the limit
/// for each metered dimension (surveys sent, contacts, team seats, …). Check
/// it before a large send_survey.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_plan_usage(
    State(account): State<Account>,
    #[args] args: NoArgs,
) -> ToolResult<PlanUsage> {
    account.get_plan_usage(args)
}

/// List the custom contact attributes: each key (as update_contact properties
/// expect it), label, value type, allowed values for choices, and how many
/// customers have a value.
#[tool(read_only, scopes("customers:read"))]
pub async fn list_account_attributes(
    State(account): State<Account>,
    #[args] args: NoArgs,
) -> ToolResult<Vec<AttributeView>> {
    account.list_account_attributes(args)
}

/// List the customer tags in use, with how many customers carry each.
#[tool(read_only, scopes("customers:read"))]
pub async fn list_tags(
    State(account): State<Account>,
    #[args] args: NoArgs,
) -> ToolResult<Vec<TagView>> {
    account.list_tags(args)
}

/// List the feedback topics defined for the account, with what each covers
/// and how many responses mention it. These are the names set_topics and
/// filters accept.
#[tool(read_only, scopes("feedback:read"))]
pub async fn list_topics(
    State(account): State<Account>,
    #[args] args: NoArgs,
) -> ToolResult<Vec<TopicView>> {
    account.list_topics(args)
}

/// Check that the server answers. Needs no credentials and touches no data;
/// returns pong: true and the server's clock. If ping works but other tools
/// say the call is not authenticated, the credential is the problem.
#[tool(read_only, idempotent, no_auth)]
pub async fn ping(State(account): State<Account>, #[args] args: PingArgs) -> ToolResult<Pong> {
    account.ping(args)
}
