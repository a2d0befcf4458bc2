//! Feedback curation writes: tags, topics, stars, assignees, statuses and notes.
//!
//! Each write has a `plan_*` (what would change; changes nothing) and an `apply_*`
//! (re-plans under the write lock and commits).

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Pii, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Role, Sentiment, State, TopicMention, UserStatus, validated};
use crate::customers::normalize_tags;

/// A before/after preview of one field of one response.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackChange<T> {
    /// The response.
    pub feedback_id: u64,
    /// The field that changes.
    pub field: String,
    /// Its value now.
    pub before: T,
    /// Its value after the write.
    pub after: T,
    /// False when the write would leave the field as it is.
    pub changed: bool,
}

impl<T: PartialEq> FeedbackChange<T> {
    fn new(feedback_id: u64, field: &str, before: T, after: T) -> Self {
        let changed = before != after;
        Self {
            feedback_id,
            field: field.into(),
            before,
            after,
            changed,
        }
    }
}

/// Arguments of tag_feedback.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagFeedbackArgs {
    /// The response, from list_feedback, search_feedback or apply_filter.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// Tags to add (1 to 50 characters each); ones already present are ignored.
    #[schemars(length(max = 20))]
    pub add: Option<Vec<String>>,
    /// Tags to remove, ignoring case; ones not present are ignored.
    #[schemars(length(max = 20))]
    pub remove: Option<Vec<String>>,
}

impl Validate for TagFeedbackArgs {
    fn validate(&self) -> Result<(), String> {
        let add = self.add.as_deref().unwrap_or_default();
        let remove = self.remove.as_deref().unwrap_or_default();
        if add.is_empty() && remove.is_empty() {
            return Err("pass tags in add, remove or both".into());
        }
        if let Some(both) = add.iter().find(|a| {
            remove
                .iter()
                .any(|r| r.trim().eq_ignore_ascii_case(a.trim()))
        }) {
            return Err(format!(
                "tag {both:?} is in both add and remove; keep it in one"
            ));
        }
        Ok(())
    }
}

/// Arguments of set_topics.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetTopicsArgs {
    /// The response.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// The complete new topic list; it replaces the current one. Pass [] (or
    /// leave it out) to remove every topic.
    // Optional in the schema: the SDK publishes required lists with
    // minItems 1, and [] must stay expressible here.
    #[serde(default)]
    #[schemars(length(max = 10))]
    pub topics: Vec<TopicAssignment>,
}

/// One topic to put on a response.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicAssignment {
    /// A topic name from list_topics, matched ignoring case.
    #[schemars(length(min = 1, max = 100))]
    pub topic: String,
    /// The tone of the mention. Defaults to the current tone if the topic is already on the response, else neutral.
    pub sentiment: Option<Sentiment>,
}

/// Arguments of star_feedback.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StarFeedbackArgs {
    /// The response.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// true to star, false to unstar.
    pub starred: bool,
}

/// Whether to assign or unassign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AssignAction {
    /// Give the response to userId.
    Assign,
    /// Take the response away from whoever has it.
    Unassign,
}

/// Arguments of assign_feedback.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignFeedbackArgs {
    /// The response.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// assign or unassign.
    pub action: AssignAction,
    /// The team member to assign (ids from list_users); required for assign, refused for unassign.
    #[schemars(range(min = 1))]
    pub user_id: Option<u64>,
}

impl Validate for AssignFeedbackArgs {
    fn validate(&self) -> Result<(), String> {
        match (self.action, self.user_id) {
            (AssignAction::Assign, None) => {
                Err("assign needs userId; list_users gives team member ids".into())
            }
            (AssignAction::Unassign, Some(_)) => Err("unassign takes no userId; drop it".into()),
            _ => Ok(()),
        }
    }
}

/// What resolve_feedback does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ResolveAction {
    /// Set the status to resolved.
    Resolve,
    /// Set the status back to open.
    Reopen,
    /// Set the custom status named in status.
    SetStatus,
}

/// Arguments of resolve_feedback.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResolveFeedbackArgs {
    /// The response.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// resolve, reopen or setStatus.
    pub action: ResolveAction,
    /// A status key from list_statuses; required for setStatus, refused otherwise.
    #[schemars(length(min = 1, max = 64))]
    pub status: Option<String>,
}

impl Validate for ResolveFeedbackArgs {
    fn validate(&self) -> Result<(), String> {
        match (self.action, &self.status) {
            (ResolveAction::SetStatus, None) => {
                Err("setStatus needs status; list_statuses gives the keys".into())
            }
            (ResolveAction::Resolve | ResolveAction::Reopen, Some(_)) => {
                Err("status only goes with action setStatus; drop it or use setStatus".into())
            }
            _ => Ok(()),
        }
    }
}

/// Arguments of add_note.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddNoteArgs {
    /// The response.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
    /// The note, 1 to 2000 characters. Only the team sees it.
    #[schemars(length(min = 1, max = 2000))]
    pub text: String,
}

/// The note add_note would append, or appended.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteAddition {
    /// The response.
    pub feedback_id: u64,
    /// The note's id.
    pub note_id: u64,
    /// The team member the connection acts as.
    pub author_id: u64,
    /// Their name; de-identified without pii:read.
    pub author_name: Pii,
    /// The note.
    pub text: String,
    /// How many notes the response has with this one.
    pub note_count: usize,
}

fn plan_tags(state: &State, args: &TagFeedbackArgs) -> ToolResult<FeedbackChange<Vec<String>>> {
    validated(args)?;
    let f = state.feedback(args.feedback_id)?;
    let add = normalize_tags(args.add.as_deref().unwrap_or_default())?;
    let remove = normalize_tags(args.remove.as_deref().unwrap_or_default())?;
    let mut after: Vec<String> = f
        .tags
        .iter()
        .filter(|t| !remove.iter().any(|r| r.eq_ignore_ascii_case(t)))
        .cloned()
        .collect();
    for tag in add {
        if !after.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            after.push(tag);
        }
    }
    Ok(FeedbackChange::new(f.id, "tags", f.tags.clone(), after))
}

fn plan_topics(
    state: &State,
    args: &SetTopicsArgs,
) -> ToolResult<FeedbackChange<Vec<TopicMention>>> {
    let f = state.feedback(args.feedback_id)?;
    let mut after: Vec<TopicMention> = Vec::new();
    for wanted in &args.topics {
        let topic = state
            .topics
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(wanted.topic.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = state.topics.iter().map(|t| t.name.as_str()).collect();
                ToolError::invalid_parameter(format!(
                    "unknown topic {:?}; the account's topics are {} (see list_topics)",
                    wanted.topic,
                    names.join(", ")
                ))
            })?;
        if after.iter().any(|t| t.topic == topic.name) {
            return Err(ToolError::invalid_arguments(format!(
                "topic {} is listed twice; list each topic once",
                topic.name
            )));
        }
        let current = f
            .topics
            .iter()
            .find(|t| t.topic == topic.name)
            .map(|t| t.sentiment);
        after.push(TopicMention {
            topic: topic.name.clone(),
            sentiment: wanted.sentiment.or(current).unwrap_or(Sentiment::Neutral),
        });
    }
    Ok(FeedbackChange::new(f.id, "topics", f.topics.clone(), after))
}

fn plan_star(state: &State, args: &StarFeedbackArgs) -> ToolResult<FeedbackChange<bool>> {
    let f = state.feedback(args.feedback_id)?;
    Ok(FeedbackChange::new(
        f.id,
        "starred",
        f.starred,
        args.starred,
    ))
}

fn plan_assign(
    state: &State,
    args: &AssignFeedbackArgs,
) -> ToolResult<FeedbackChange<Option<u64>>> {
    validated(args)?;
    let f = state.feedback(args.feedback_id)?;
    if let Some(id) = args.user_id {
        let user = state.user(id)?;
        if user.status != UserStatus::Active {
            return Err(ToolError::conflict(
                format!(
                    "team member {id} is {:?}, not active; assign an active member from list_users",
                    user.status
                )
                .to_lowercase(),
            ));
        }
        if user.role == Role::Viewer {
            return Err(ToolError::conflict(format!(
                "team member {id} is a viewer and cannot work feedback; pick an agent, manager, admin or owner from list_users"
            )));
        }
    }
    Ok(FeedbackChange::new(
        f.id,
        "assigneeId",
        f.assignee_id,
        args.user_id,
    ))
}

fn plan_status(state: &State, args: &ResolveFeedbackArgs) -> ToolResult<FeedbackChange<String>> {
    validated(args)?;
    let f = state.feedback(args.feedback_id)?;
    let wanted = match args.action {
        ResolveAction::Resolve => "resolved",
        ResolveAction::Reopen => "open",
        ResolveAction::SetStatus => args.status.as_deref().unwrap_or_default().trim(),
    };
    let status = state
        .statuses
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            let keys: Vec<&str> = state.statuses.iter().map(|s| s.key.as_str()).collect();
            ToolError::invalid_parameter(format!(
                "unknown status {wanted:?}; the account's statuses are {} (see list_statuses)",
                keys.join(", ")
            ))
        })?;
    Ok(FeedbackChange::new(
        f.id,
        "status",
        f.status.clone(),
        status.key.clone(),
    ))
}

fn plan_note(state: &State, args: &AddNoteArgs) -> ToolResult<NoteAddition> {
    let text = args.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(ToolError::invalid_parameter(
            "text must be 1 to 2000 characters and not blank",
        ));
    }
    let f = state.feedback(args.feedback_id)?;
    let author = state.user(state.acting_user_id)?;
    let note_id = state
        .feedback
        .iter()
        .flat_map(|f| f.notes.iter().map(|n| n.id))
        .max()
        .unwrap_or(0)
        + 1;
    Ok(NoteAddition {
        feedback_id: f.id,
        note_id,
        author_id: author.id,
        author_name: Pii::name(author.full_name()),
        text: text.to_string(),
        note_count: f.notes.len() + 1,
    })
}

/// The stored response a plan targets; the plan was made under the same lock.
fn target(state: &mut State, id: u64) -> ToolResult<&mut crate::account::Feedback> {
    let index = state.feedback_index(id)?;
    Ok(&mut state.feedback[index])
}

impl Account {
    /// `tag_feedback`, first phase: the tags before and after.
    pub fn plan_tag_feedback(
        &self,
        args: &TagFeedbackArgs,
    ) -> ToolResult<FeedbackChange<Vec<String>>> {
        plan_tags(&self.read(), args)
    }

    /// `tag_feedback`, second phase.
    pub fn apply_tag_feedback(
        &self,
        args: &TagFeedbackArgs,
    ) -> ToolResult<FeedbackChange<Vec<String>>> {
        self.apply_planned(args, plan_tags, |state, args, plan| {
            target(state, args.feedback_id)?.tags = plan.after.clone();
            Ok(())
        })
    }

    /// `set_topics`, first phase: the topics before and after.
    pub fn plan_set_topics(
        &self,
        args: &SetTopicsArgs,
    ) -> ToolResult<FeedbackChange<Vec<TopicMention>>> {
        plan_topics(&self.read(), args)
    }

    /// `set_topics`, second phase.
    pub fn apply_set_topics(
        &self,
        args: &SetTopicsArgs,
    ) -> ToolResult<FeedbackChange<Vec<TopicMention>>> {
        self.apply_planned(args, plan_topics, |state, args, plan| {
            target(state, args.feedback_id)?.topics = plan.after.clone();
            Ok(())
        })
    }

    /// `star_feedback`, first phase.
    pub fn plan_star_feedback(&self, args: &StarFeedbackArgs) -> ToolResult<FeedbackChange<bool>> {
        plan_star(&self.read(), args)
    }

    /// `star_feedback`, second phase.
    pub fn apply_star_feedback(&self, args: &StarFeedbackArgs) -> ToolResult<FeedbackChange<bool>> {
        self.apply_planned(args, plan_star, |state, args, plan| {
            target(state, args.feedback_id)?.starred = plan.after;
            Ok(())
        })
    }

    /// `assign_feedback`, first phase: the assignee before and after.
    pub fn plan_assign_feedback(
        &self,
        args: &AssignFeedbackArgs,
    ) -> ToolResult<FeedbackChange<Option<u64>>> {
        plan_assign(&self.read(), args)
    }

    /// `assign_feedback`, second phase.
    pub fn apply_assign_feedback(
        &self,
        args: &AssignFeedbackArgs,
    ) -> ToolResult<FeedbackChange<Option<u64>>> {
        self.apply_planned(args, plan_assign, |state, args, plan| {
            target(state, args.feedback_id)?.assignee_id = plan.after;
            Ok(())
        })
    }

    /// `resolve_feedback`, first phase: the status before and after.
    pub fn plan_resolve_feedback(
        &self,
        args: &ResolveFeedbackArgs,
    ) -> ToolResult<FeedbackChange<String>> {
        plan_status(&self.read(), args)
    }

    /// `resolve_feedback`, second phase.
    pub fn apply_resolve_feedback(
        &self,
        args: &ResolveFeedbackArgs,
    ) -> ToolResult<FeedbackChange<String>> {
        self.apply_planned(args, plan_status, |state, args, plan| {
            target(state, args.feedback_id)?.status = plan.after.clone();
            Ok(())
        })
    }

    /// `add_note`, first phase: the note that would be appended.
    pub fn plan_add_note(&self, args: &AddNoteArgs) -> ToolResult<NoteAddition> {
        plan_note(&self.read(), args)
    }

    /// `add_note`, second phase.
    pub fn apply_add_note(&self, args: &AddNoteArgs) -> ToolResult<NoteAddition> {
        self.apply_planned(args, plan_note, |state, args, plan| {
            let now = state.now;
            target(state, args.feedback_id)?
                .notes
                .push(crate::account::Note {
                    id: plan.note_id,
                    author_id: plan.author_id,
                    text: plan.text.clone(),
                    created_at: now,
                });
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    fn args<T: serde::de::DeserializeOwned>(value: mcp_tools::serde_json::Value) -> T {
        from_value(value).expect("valid arguments")
    }

    #[test]
    fn tagging_plans_then_applies() {
        let account = Account::sandbox();
        let id = 100;
        let before = account.read().feedback(id).unwrap().tags.clone();
        let a: TagFeedbackArgs = args(
            json!({"feedbackId": id, "add": ["Escalate-Q4", "escalate-q4"], "remove": ["bug"]}),
        );
        let plan = account.plan_tag_feedback(&a).unwrap();
        assert!(plan.changed);
        assert_eq!(
            account.read().feedback(id).unwrap().tags,
            before,
            "a plan changes nothing"
        );
        let done = account.apply_tag_feedback(&a).unwrap();
        assert_eq!(done, plan);
        let tags = account.read().feedback(id).unwrap().tags.clone();
        assert!(tags.contains(&"Escalate-Q4".to_string()) && !tags.contains(&"bug".to_string()));
        assert!(!account.plan_tag_feedback(&a).unwrap().changed);
        let err = account
            .plan_tag_feedback(&args(
                json!({"feedbackId": id, "add": ["x"], "remove": ["X"]}),
            ))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidArguments");
    }

    #[test]
    fn topics_are_replaced_and_checked() {
        let account = Account::sandbox();
        let a: SetTopicsArgs = args(
            json!({"feedbackId": 7, "topics": [{"topic": "pricing", "sentiment": "negative"}, {"topic": "Support"}]}),
        );
        account.apply_set_topics(&a).unwrap();
        let topics = account.read().feedback(7).unwrap().topics.clone();
        assert_eq!(topics.len(), 2);
        assert_eq!(topics[0].topic, "Pricing");
        assert_eq!(topics[0].sentiment, Sentiment::Negative);
        let err = account
            .plan_set_topics(&args(
                json!({"feedbackId": 7, "topics": [{"topic": "Weather"}]}),
            ))
            .unwrap_err();
        assert!(err.message().contains("list_topics"));
        let cleared = account
            .apply_set_topics(&args(json!({"feedbackId": 7, "topics": []})))
            .unwrap();
        assert!(cleared.after.is_empty());
    }

    #[test]
    fn star_assign_resolve_and_note() {
        let account = Account::sandbox();
        account
            .apply_star_feedback(&args(json!({"feedbackId": 3, "starred": true})))
            .unwrap();
        assert!(account.read().feedback(3).unwrap().starred);

        let err = account
            .plan_assign_feedback(&args(
                json!({"feedbackId": 3, "action": "assign", "userId": 99}),
            ))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "NotFound");
        let err = account
            .plan_assign_feedback(&args(
                json!({"feedbackId": 3, "action": "assign", "userId": 7}),
            ))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "Conflict");
        account
            .apply_assign_feedback(&args(
                json!({"feedbackId": 3, "action": "assign", "userId": 5}),
            ))
            .unwrap();
        assert_eq!(account.read().feedback(3).unwrap().assignee_id, Some(5));
        account
            .apply_assign_feedback(&args(json!({"feedbackId": 3, "action": "unassign"})))
            .unwrap();
        assert_eq!(account.read().feedback(3).unwrap().assignee_id, None);

        account
            .apply_resolve_feedback(&args(
                json!({"feedbackId": 3, "action": "setStatus", "status": "escalated"}),
            ))
            .unwrap();
        assert_eq!(account.read().feedback(3).unwrap().status, "escalated");
        account
            .apply_resolve_feedback(&args(json!({"feedbackId": 3, "action": "resolve"})))
            .unwrap();
        assert_eq!(account.read().feedback(3).unwrap().status, "resolved");
        let err = account
            .plan_resolve_feedback(&args(
                json!({"feedbackId": 3, "action": "setStatus", "status": "snoozed"}),
            ))
            .unwrap_err();
        assert!(err.message().contains("list_statuses"));

        let count = account.read().feedback(3).unwrap().notes.len();
        let plan = account
            .plan_add_note(&args(json!({"feedbackId": 3, "text": "Called them."})))
            .unwrap();
        assert_eq!(account.read().feedback(3).unwrap().notes.len(), count);
        let done = account
            .apply_add_note(&args(json!({"feedbackId": 3, "text": "Called them."})))
            .unwrap();
        assert_eq!(done.note_id, plan.note_id);
        assert_eq!(account.read().feedback(3).unwrap().notes.len(), count + 1);
    }
}
