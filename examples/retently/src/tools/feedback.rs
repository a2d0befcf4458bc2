//! Feedback tools: reading responses and their reply threads, and the seven
//! feedback writes (tags, topics, star, assignment, status, notes, replies).

use mcp_tools::{Confirmation, Page, State, ToolResult, tool};

use crate::account::{Account, TopicMention};
use crate::feedback::{
    Aggregate, AggregateFeedbackArgs, FeedbackDetail, FeedbackIdArgs, FeedbackRow,
    ListFeedbackArgs, ListRecentFeedbackArgs, ListStatusesArgs, SearchFeedbackArgs, StatusView,
};
use crate::replies::{ReplyFeedbackArgs, ReplyPreview, ReplyThread};
use crate::triage::{
    AddNoteArgs, AssignFeedbackArgs, FeedbackChange, NoteAddition, ResolveFeedbackArgs,
    SetTopicsArgs, StarFeedbackArgs, TagFeedbackArgs,
};

/// List survey responses, newest first, one page at a time. Each row has the
/// score, the comment, tags, topics, status and the campaign it answered.
/// Narrow by campaignId or metric; for text or score filters use
/// search_feedback, for anything richer apply_filter. Customer names and emails
/// are de-identified unless the connection holds pii:read.
#[tool(read_only, scopes("feedback:read"))]
pub async fn list_feedback(
    State(account): State<Account>,
    #[args] args: ListFeedbackArgs,
) -> ToolResult<Page<FeedbackRow>> {
    account.list_feedback(args)
}

/// List the latest responses, newest first, optionally only those from the
/// last N days (days, today included). Good for "what came in this week".
#[tool(read_only, scopes("feedback:read"))]
pub async fn list_recent_feedback(
    State(account): State<Account>,
    #[args] args: ListRecentFeedbackArgs,
) -> ToolResult<Page<FeedbackRow>> {
    account.list_recent_feedback(args)
}

/// Get one response by feedbackId with everything known about it: score,
/// comment, tags, topics with sentiment, status, assignee, star and notes.
/// Who left it (name, email) is de-identified unless the connection holds
/// pii:read.
#[tool(read_only, scopes("feedback:read"))]
pub async fn get_feedback(
    State(account): State<Account>,
    #[args] args: FeedbackIdArgs,
) -> ToolResult<FeedbackDetail> {
    account.get_feedback(args)
}

/// Get the reply thread of one response: every reply sent to the customer,
/// oldest first, with sender, subject, body and delivery state. Sender and
/// recipient identities are de-identified unless the connection holds pii:read.
#[tool(read_only, scopes("feedback:read"))]
pub async fn get_feedback_replies(
    State(account): State<Account>,
    #[args] args: FeedbackIdArgs,
) -> ToolResult<ReplyThread> {
    account.get_feedback_replies(args)
}

/// Search responses by words in the comment, campaign, metric, score range
/// (on the metric's own scale) and date range. All given criteria must match;
/// results are newest first.
#[tool(read_only, scopes("feedback:read"))]
pub async fn search_feedback(
    State(account): State<Account>,
    #[args] args: SearchFeedbackArgs,
) -> ToolResult<Page<FeedbackRow>> {
    account.search_feedback(args)
}

/// Count responses and average their scores, grouped by campaign, metric,
/// channel, score, topic, tag or company, optionally within a date range.
/// Pass metric when grouping by anything else than metric or campaign, so
/// that scores on different scales are not mixed.
#[tool(read_only, scopes("feedback:read"))]
pub async fn aggregate_feedback(
    State(account): State<Account>,
    #[args] args: AggregateFeedbackArgs,
) -> ToolResult<Aggregate> {
    account.aggregate_feedback(args)
}

/// List the account's feedback workflow statuses (the keys resolve_feedback
/// accepts for setStatus), with how many responses are in each.
#[tool(read_only, scopes("feedback:read"))]
pub async fn list_statuses(
    State(account): State<Account>,
    #[args] args: ListStatusesArgs,
) -> ToolResult<Vec<StatusView>> {
    account.list_statuses(args)
}

/// Add and/or remove tags on one response. The first call changes nothing: it
/// returns the tags before and after plus a confirmationToken; call again with
/// the same arguments and that token to apply the change.
#[tool(destructive, idempotent, confirm, scopes("feedback:tag"))]
pub async fn tag_feedback(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: TagFeedbackArgs,
) -> ToolResult<FeedbackChange<Vec<String>>> {
    let plan = account.plan_tag_feedback(&args)?;
    confirm.preview(&plan).await?;
    account.apply_tag_feedback(&args)
}

/// Replace the whole topic list of one response (each topic with its
/// sentiment); topics not listed are removed, [] clears them. Topic names come
/// from list_topics. Previewed first; confirm with the returned token and the
/// same arguments.
#[tool(destructive, idempotent, confirm, scopes("feedback:topic"))]
pub async fn set_topics(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: SetTopicsArgs,
) -> ToolResult<FeedbackChange<Vec<TopicMention>>> {
    let plan = account.plan_set_topics(&args)?;
    confirm.preview(&plan).await?;
    account.apply_set_topics(&args)
}

/// Star (starred: true) or unstar (false) one response to mark it for
/// follow-up. Previewed first; confirm with the returned token and the same
/// arguments.
#[tool(destructive, idempotent, confirm, scopes("feedback:curate"))]
pub async fn star_feedback(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: StarFeedbackArgs,
) -> ToolResult<FeedbackChange<bool>> {
    let plan = account.plan_star_feedback(&args)?;
    confirm.preview(&plan).await?;
    account.apply_star_feedback(&args)
}

/// Assign one response to a team member (action assign with a userId from
/// list_users) or take the assignment away (action unassign). Previewed first;
/// confirm with the returned token and the same arguments.
#[tool(destructive, idempotent, confirm, scopes("feedback:curate"))]
pub async fn assign_feedback(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: AssignFeedbackArgs,
) -> ToolResult<FeedbackChange<Option<u64>>> {
    let plan = account.plan_assign_feedback(&args)?;
    confirm.preview(&plan).await?;
    account.apply_assign_feedback(&args)
}

/// Resolve or reopen one response, or move it to a custom status (action
/// setStatus with a status key from list_statuses). Previewed first; confirm
/// with the returned token and the same arguments.
#[tool(destructive, idempotent, confirm, scopes("feedback:curate"))]
pub async fn resolve_feedback(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: ResolveFeedbackArgs,
) -> ToolResult<FeedbackChange<String>> {
    let plan = account.plan_resolve_feedback(&args)?;
    confirm.preview(&plan).await?;
    account.apply_resolve_feedback(&args)
}

/// Append an internal note to one response. Only the team sees notes; the
/// customer never does. Previewed first; confirm with the returned token and
/// the same arguments.
#[tool(destructive, confirm, scopes("feedback:curate"))]
pub async fn add_note(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: AddNoteArgs,
) -> ToolResult<NoteAddition> {
    let plan = account.plan_add_note(&args)?;
    confirm.preview(&plan).await?;
    account.apply_add_note(&args)
}

/// Email a reply to the customer who left a response. Once confirmed the email
/// is really sent and cannot be recalled; it shows in get_feedback_replies and
/// in the outbox. The first call only previews the message and recipient and
/// returns a confirmationToken; show the preview to the user before confirming.
#[tool(destructive, confirm, open_world, scopes("feedback:reply"))]
pub async fn reply_feedback(
    State(account): State<Account>,
    confirm: Confirmation,
    #[args] args: ReplyFeedbackArgs,
) -> ToolResult<ReplyPreview> {
    let plan = account.plan_reply_feedback(&args)?;
    confirm.preview(&plan).await?;
    account.apply_reply_feedback(&args)
}
