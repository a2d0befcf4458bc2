//! Reply threads of feedback responses, and replying to a customer by email.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Pii, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{
    Account, Channel, DeliveryState, Direction, OutboxEntry, OutboxKind, Reply, State,
};
use crate::feedback::FeedbackIdArgs;

/// One message of a reply thread.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplyView {
    /// The message id.
    pub id: u64,
    /// outbound (team to customer) or inbound (customer to team).
    pub direction: Direction,
    /// Who sent it; de-identified without pii:read.
    pub sender_name: Pii,
    /// Their address; de-identified without pii:read.
    pub sender_email: Pii,
    /// The subject line.
    pub subject: String,
    /// The message.
    pub body: String,
    /// When it was sent, ISO 8601 UTC.
    pub sent_at: String,
    /// For outbound messages, the outbox entry carrying it (see list_outbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbox_id: Option<u64>,
    /// For outbound messages, its delivery state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_state: Option<DeliveryState>,
}

/// A response's reply thread.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplyThread {
    /// The response.
    pub feedback_id: u64,
    /// The messages, oldest first.
    pub messages: Vec<ReplyView>,
}

/// Arguments of reply_feedback.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplyFeedbackArgs {
    /// The response to answer, from list_feedback, search_feedback or apply_filter.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// The subject line; defaults to "Re: your feedback".
    #[schemars(length(min = 1, max = 200))]
    pub subject: Option<String>,
    /// The message to the customer, plain text, 1 to 5000 characters.
    #[schemars(length(min = 1, max = 5000))]
    pub body: String,
}

/// The email reply_feedback would queue, or queued.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplyPreview {
    /// The response answered.
    pub feedback_id: u64,
    /// The recipient's address; de-identified without pii:read.
    pub to_email: Pii,
    /// The recipient's name; de-identified without pii:read.
    pub to_name: Pii,
    /// The sender (the team member the connection acts as); de-identified without pii:read.
    pub from_name: Pii,
    /// The sender's address; de-identified without pii:read.
    pub from_email: Pii,
    /// The subject line.
    pub subject: String,
    /// The message.
    pub body: String,
    /// The outbox entry that carries it.
    pub outbox_id: u64,
    /// The id of the message in the thread.
    pub reply_id: u64,
    /// How many messages the thread holds with this one.
    pub thread_length: usize,
}

/// The domain error code when the customer's address is suppressed.
pub const RECIPIENT_SUPPRESSED: &str = "RecipientSuppressed";

fn plan_reply(state: &State, args: &ReplyFeedbackArgs) -> ToolResult<ReplyPreview> {
    let body = args.body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(ToolError::invalid_parameter(
            "body must be 1 to 5000 characters and not blank",
        ));
    }
    let subject = args
        .subject
        .as_deref()
        .map_or("Re: your feedback", str::trim);
    if subject.is_empty() || subject.chars().count() > 200 {
        return Err(ToolError::invalid_parameter(
            "subject must be 1 to 200 characters and not blank, or omitted",
        ));
    }
    let f = state.feedback(args.feedback_id)?;
    let customer = state.customer_of(f).ok_or_else(|| {
        ToolError::not_found(format!(
            "the customer behind response {} is no longer on file, so there is nobody to reply to",
            f.id
        ))
    })?;
    if let Some(reason) = state.suppression_of(&customer.email) {
        return Err(ToolError::new(
            RECIPIENT_SUPPRESSED,
            format!(
                "customer {} cannot be emailed: {reason}; add an internal note with add_note instead",
                customer.id
            ),
        ));
    }
    let sender = state.user(state.acting_user_id)?;
    let reply_id = state
        .feedback
        .iter()
        .flat_map(|f| f.replies.iter().map(|r| r.id))
        .max()
        .unwrap_or(0)
        + 1;
    Ok(ReplyPreview {
        feedback_id: f.id,
        to_email: Pii::email(customer.email.clone()),
        to_name: Pii::name(customer.full_name()),
        from_name: Pii::name(sender.full_name()),
        from_email: Pii::email(sender.email.clone()),
        subject: subject.to_string(),
        body: body.to_string(),
        outbox_id: State::next_id(&state.outbox, |e| e.id),
        reply_id,
        thread_length: f.replies.len() + 1,
    })
}

fn commit_reply(
    state: &mut State,
    args: &ReplyFeedbackArgs,
    plan: &ReplyPreview,
) -> ToolResult<()> {
    let index = state.feedback_index(args.feedback_id)?;
    let (now, acting) = (state.now, state.acting_user_id);
    let customer_id = state.feedback[index].customer_id;
    let campaign_id = state.feedback[index].campaign_id;
    state.outbox.push(OutboxEntry {
        id: plan.outbox_id,
        kind: OutboxKind::Reply,
        campaign_id: Some(campaign_id),
        customer_id: Some(customer_id),
        feedback_id: Some(args.feedback_id),
        email: plan.to_email.expose().clone(),
        channel: Channel::Email,
        subject: plan.subject.clone(),
        state: DeliveryState::Queued,
        queued_at: now,
        sent_at: None,
    });
    state.feedback[index].replies.push(Reply {
        id: plan.reply_id,
        direction: Direction::Outbound,
        author_id: Some(acting),
        subject: plan.subject.clone(),
        body: plan.body.clone(),
        sent_at: now,
        outbox_id: Some(plan.outbox_id),
    });
    Ok(())
}

impl Account {
    /// `get_feedback_replies`: the reply thread of a response.
    pub fn get_feedback_replies(&self, args: FeedbackIdArgs) -> ToolResult<ReplyThread> {
        let state = self.read();
        let f = state.feedback(args.feedback_id)?;
        let customer = state.customer_of(f);
        let messages = f
            .replies
            .iter()
            .map(|r| {
                let (name, email) = match (r.direction, r.author_id) {
                    (Direction::Outbound, Some(id)) => (
                        state.user_name(id),
                        state
                            .user(id)
                            .map_or_else(|_| String::new(), |u| u.email.clone()),
                    ),
                    _ => (
                        customer.map_or_else(String::new, |c| c.full_name()),
                        customer.map_or_else(String::new, |c| c.email.clone()),
                    ),
                };
                let outbox = r
                    .outbox_id
                    .and_then(|id| state.outbox.iter().find(|e| e.id == id));
                ReplyView {
                    id: r.id,
                    direction: r.direction,
                    sender_name: Pii::name(name),
                    sender_email: Pii::email(email),
                    subject: r.subject.clone(),
                    body: r.body.clone(),
                    sent_at: r.sent_at.iso(),
                    outbox_id: r.outbox_id,
                    delivery_state: outbox.map(|e| e.state),
                }
            })
            .collect();
        Ok(ReplyThread {
            feedback_id: f.id,
            messages,
        })
    }

    /// `reply_feedback`, first phase: the email that would be queued. Sends nothing.
    pub fn plan_reply_feedback(&self, args: &ReplyFeedbackArgs) -> ToolResult<ReplyPreview> {
        plan_reply(&self.read(), args)
    }

    /// `reply_feedback`, second phase: queues the email and appends it to the thread.
    pub fn apply_reply_feedback(&self, args: &ReplyFeedbackArgs) -> ToolResult<ReplyPreview> {
        self.apply_planned(args, plan_reply, commit_reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    #[test]
    fn a_reply_is_previewed_then_queued_and_threaded() {
        let account = Account::sandbox();
        let id = {
            let state = account.read();
            state
                .feedback
                .iter()
                .find(|f| {
                    state
                        .customer_of(f)
                        .is_some_and(|c| state.suppression_of(&c.email).is_none())
                })
                .map(|f| f.id)
                .unwrap()
        };
        let args: ReplyFeedbackArgs =
            from_value(json!({"feedbackId": id, "body": "Thanks, we are on it."})).unwrap();
        let outbox_len = account.read().outbox.len();
        let plan = account.plan_reply_feedback(&args).unwrap();
        assert_eq!(
            account.read().outbox.len(),
            outbox_len,
            "a plan sends nothing"
        );
        let done = account.apply_reply_feedback(&args).unwrap();
        assert_eq!(done.outbox_id, plan.outbox_id);
        let thread = account
            .get_feedback_replies(FeedbackIdArgs { feedback_id: id })
            .unwrap();
        let last = thread.messages.last().unwrap();
        assert_eq!(last.body, "Thanks, we are on it.");
        assert_eq!(last.delivery_state, Some(DeliveryState::Queued));
        assert_eq!(account.read().outbox.len(), outbox_len + 1);
    }

    #[test]
    fn suppressed_customers_are_not_emailed() {
        let account = Account::sandbox();
        let id = {
            let state = account.read();
            state
                .feedback
                .iter()
                .find(|f| {
                    state
                        .customer_of(f)
                        .is_some_and(|c| state.suppression_of(&c.email).is_some())
                })
                .map(|f| f.id)
                .unwrap()
        };
        let args: ReplyFeedbackArgs =
            from_value(json!({"feedbackId": id, "body": "Hello"})).unwrap();
        let err = account.plan_reply_feedback(&args).unwrap_err();
        assert_eq!(err.code().as_str(), RECIPIENT_SUPPRESSED);
    }
}
