//! Campaign, survey, template, outbox and suppression tools: everything about
//! reaching customers.

use mcp_tools::{Confirmation, Page, State, ToolResult, tool};

use crate::account::Account;
use crate::campaigns::{
    CampaignDetail, CampaignRow, GetCampaignArgs, ListCampaignsArgs, SearchCampaignsArgs,
};
use crate::outbox::{
    GetOutboxStatsArgs, GetQueueStatusArgs, ListOutboxArgs, OutboxStats, OutboxView, QueueStatus,
};
use crate::suppressions::{
    GetSuppressedEmailArgs, ListSuppressionsArgs, SuppressedDomainView, SuppressedEmailView,
};
use crate::surveys::{SendSurveyArgs, SurveySend};
use crate::templates::{ListTemplatesArgs, SearchTemplatesArgs, TemplateView};

/// List the account's campaigns: name, metric (NPS, CSAT, CES), channel
/// (email, sms, web), whether each is enabled and which is the default.
#[tool(read_only, scopes("campaigns:read"))]
pub async fn list_campaigns(
    State(account): State<Account>,
    #[args] args: ListCampaignsArgs,
) -> ToolResult<Page<CampaignRow>> {
    account.list_campaigns(args)
}

/// Find campaigns by part of their name, by metric, or by enabled state.
#[tool(read_only, scopes("campaigns:read"))]
pub async fn search_campaigns(
    State(account): State<Account>,
    #[args] args: SearchCampaignsArgs,
) -> ToolResult<Page<CampaignRow>> {
    account.search_campaigns(args)
}

/// Get one campaign by campaignId: its question, template, language,
/// throttling, and its score over the last 90 days.
#[tool(read_only, scopes("campaigns:read"))]
pub async fn get_campaign(
    State(account): State<Account>,
    #[args] args: GetCampaignArgs,
) -> ToolResult<CampaignDetail> {
    account.get_campaign(args)
}

/// Queue a transactional survey to 1 to 100 people through an enabled email or
/// SMS campaign (web widgets cannot be sent). Once confirmed, real surveys go
/// to real people and cannot be recalled; use a test address while trying it.
/// Invalid, duplicate and suppressed addresses are dropped, SMS recipients
/// need a phone number, and unknown addresses become new customers. The first
/// call changes nothing: it lists who would get the survey and who is
/// dropped, and returns a confirmationToken; show that to the user, then call
/// again with the same arguments and the token.
#[tool(destructive, confirm, open_world, scopes("surveys:send"))]
pub async fn send_survey(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: SendSurveyArgs,
) -> ToolResult<SurveySend> {
    let plan = account.plan_send_survey(&args)?;
    confirm.preview(&plan).await?;
    account.apply_send_survey(&args)
}

/// List survey templates: name, metric, channel and email subject.
#[tool(read_only, scopes("templates:read"))]
pub async fn list_templates(
    State(account): State<Account>,
    #[args] args: ListTemplatesArgs,
) -> ToolResult<Page<TemplateView>> {
    account.list_templates(args)
}

/// Find survey templates by part of their name, by metric, or by channel.
#[tool(read_only, scopes("templates:read"))]
pub async fn search_templates(
    State(account): State<Account>,
    #[args] args: SearchTemplatesArgs,
) -> ToolResult<Page<TemplateView>> {
    account.search_templates(args)
}

/// List outbound messages (survey invitations and replies), newest first,
/// with their delivery state; narrow by state, kind or campaignId. Recipient
/// addresses are de-identified unless the connection holds pii:read.
#[tool(read_only, scopes("outbox:read"))]
pub async fn list_outbox(
    State(account): State<Account>,
    #[args] args: ListOutboxArgs,
) -> ToolResult<Page<OutboxView>> {
    account.list_outbox(args)
}

/// Get survey delivery totals: sent, delivered, opened, responded, bounced
/// and opted out, with rates, for one campaign or all, optionally within a
/// date range.
#[tool(read_only, scopes("outbox:read"))]
pub async fn get_outbox_stats(
    State(account): State<Account>,
    #[args] args: GetOutboxStatsArgs,
) -> ToolResult<OutboxStats> {
    account.get_outbox_stats(args)
}

/// Get the transactional-survey queue: how many messages wait, how long the
/// oldest has waited, when the queue should be empty, and the split per
/// campaign.
#[tool(read_only, scopes("outbox:read"))]
pub async fn get_queue_status(
    State(account): State<Account>,
    #[args] args: GetQueueStatusArgs,
) -> ToolResult<QueueStatus> {
    account.get_queue_status(args)
}

/// List suppressed email domains and patterns: surveys are never sent to
/// matching addresses.
#[tool(read_only, scopes("suppressions:read"))]
pub async fn list_suppressed_domains(
    State(account): State<Account>,
    #[args] args: ListSuppressionsArgs,
) -> ToolResult<Page<SuppressedDomainView>> {
    account.list_suppressed_domains(args)
}

/// List individually suppressed email addresses, newest first, with the
/// reason and the matching customer. The addresses are personal data, so
/// this needs pii:read as well as suppressions:read.
#[tool(read_only, scopes("suppressions:read", "pii:read"))]
pub async fn list_suppressed_emails(
    State(account): State<Account>,
    #[args] args: ListSuppressionsArgs,
) -> ToolResult<Page<SuppressedEmailView>> {
    account.list_suppressed_emails(args)
}

/// Get one suppressed address, by suppressionId or by exact email, with its
/// reason and date. NotFound means the address is not suppressed on its own
/// (a domain or pattern from list_suppressed_domains may still block it).
/// Needs pii:read as well as suppressions:read.
#[tool(read_only, scopes("suppressions:read", "pii:read"))]
pub async fn get_suppressed_email(
    State(account): State<Account>,
    #[args] args: GetSuppressedEmailArgs,
) -> ToolResult<SuppressedEmailView> {
    account.get_suppressed_email(args)
}
