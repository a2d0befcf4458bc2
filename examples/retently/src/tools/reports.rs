//! Report tools: scores, monthly series, topic statistics, campaign reports,
//! trend groups and digests.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::digests::{DigestDetail, DigestRow, GetDigestArgs, ListDigestsArgs};
use crate::reports::{
    GetMonthlyStatsArgs, GetReportArgs, GetScoreArgs, GetTopicStatsArgs, GetTrendsArgs,
    GetTrendsGroupArgs, MonthlyStats, Report, Score, TopicStats, TrendGroupView,
};

/// Get one aggregate score computed from the responses: NPS (percent of
/// promoters 9-10 minus percent of detractors 0-6), CSAT (percent of 4-5
/// answers) or CES (mean answer, 1-7, higher is easier). Defaults: NPS, every
/// campaign, the last 90 days; narrow with metric, campaignId, from and to.
/// The result names the window, the counts per band and the definition used.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_score(
    State(account): State<Account>,
    #[args] args: GetScoreArgs,
) -> ToolResult<Score> {
    account.get_score(args)
}

/// Get a metric's score month by month over the last 12 complete months
/// (oldest first), with response counts, for every campaign of the metric or
/// one campaign. Months without responses have no score.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_monthly_stats(
    State(account): State<Account>,
    #[args] args: GetMonthlyStatsArgs,
) -> ToolResult<MonthlyStats> {
    account.get_monthly_stats(args)
}

/// Get per-topic statistics over a window (default the last 30 days): how
/// often each topic was mentioned, the positive/neutral/negative split, and
/// the change against the window of equal length just before it.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_topic_stats(
    State(account): State<Account>,
    #[args] args: GetTopicStatsArgs,
) -> ToolResult<TopicStats> {
    account.get_topic_stats(args)
}

/// Get a delivery and score report for one campaign (campaignId) or all of
/// them: surveys sent, opened, responded, bounced and opted out with their
/// rates, plus each campaign's score over the window (default the last 90
/// days) and its 12-month trend.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_report(
    State(account): State<Account>,
    #[args] args: GetReportArgs,
) -> ToolResult<Report> {
    account.get_report(args)
}

/// List the account's trend groups: named charts of one metric over a set of
/// campaigns, weekly or monthly, and which one is the default.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_trends(
    State(account): State<Account>,
    #[args] args: GetTrendsArgs,
) -> ToolResult<Vec<TrendGroupView>> {
    account.get_trends(args)
}

/// Get one trend group's configuration by trendGroupId, or the default group
/// when no id is given.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_trends_group(
    State(account): State<Account>,
    #[args] args: GetTrendsGroupArgs,
) -> ToolResult<TrendGroupView> {
    account.get_trends_group(args)
}

/// List the generated digest reports (weekly or monthly), newest first, each
/// with its period, headline scores and links to the HTML and PDF versions.
#[tool(read_only, scopes("reports:read"))]
pub async fn list_digests(
    State(account): State<Account>,
    #[args] args: ListDigestsArgs,
) -> ToolResult<Page<DigestRow>> {
    account.list_digests(args)
}

/// Get one digest by digestId: scores with their change against the previous
/// period, the leading themes, the written summary, and HTML and PDF links.
#[tool(read_only, scopes("reports:read"))]
pub async fn get_digest(
    State(account): State<Account>,
    #[args] args: GetDigestArgs,
) -> ToolResult<DigestDetail> {
    account.get_digest(args)
}
