//! Reading feedback: listings, one response, search, aggregates and statuses.

use std::collections::BTreeMap;

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, Pii, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::account::{
    Account, Category, Channel, Feedback, Metric, State, TopicMention, validated,
};
use crate::calendar::Window;
use crate::scores::Tally;

/// One feedback response as listed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackRow {
    /// The response id.
    pub id: u64,
    /// The campaign it answered.
    pub campaign_id: u64,
    /// That campaign's name.
    pub campaign_name: String,
    /// The metric of the campaign.
    pub metric: Metric,
    /// The channel of the campaign.
    pub channel: Channel,
    /// The answer on the metric's scale (NPS 0-10, CSAT 1-5, CES 1-7).
    pub score: u8,
    /// The band the answer falls into.
    pub category: Category,
    /// The customer's comment; empty when they left none.
    pub comment: String,
    /// Tags on the response.
    pub tags: Vec<String>,
    /// Topics found in the comment, each with its tone.
    pub topics: Vec<TopicMention>,
    /// The workflow status key (see list_statuses).
    pub status: String,
    /// Whether it is starred for follow-up.
    pub starred: bool,
    /// The team member it is assigned to, if any (see list_users).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<u64>,
    /// The customer who answered.
    pub customer_id: u64,
    /// The customer's email; de-identified without pii:read.
    pub customer_email: Pii,
    /// The customer's name; de-identified without pii:read.
    pub customer_name: Pii,
    /// The customer's company, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    /// How many internal notes it has.
    pub note_count: usize,
    /// How many messages its reply thread has.
    pub reply_count: usize,
    /// When it was received, ISO 8601 UTC.
    pub created_at: String,
}

/// One feedback response with its notes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackDetail {
    /// The response fields.
    #[serde(flatten)]
    pub response: FeedbackRow,
    /// The question the customer answered.
    pub question: String,
    /// The label of the status.
    pub status_label: String,
    /// Internal notes, oldest first.
    pub notes: Vec<NoteView>,
}

/// An internal note.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteView {
    /// The note id.
    pub id: u64,
    /// The team member who wrote it.
    pub author_id: u64,
    /// Their name; de-identified without pii:read.
    pub author_name: Pii,
    /// The note.
    pub text: String,
    /// When it was written, ISO 8601 UTC.
    pub created_at: String,
}

/// A workflow status responses can be in.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// The key to pass to resolve_feedback.
    pub key: String,
    /// The label shown in the app.
    pub label: String,
    /// Whether the status counts as resolved.
    pub resolved: bool,
    /// Whether it is one of the two built-in statuses (open, resolved).
    pub built_in: bool,
    /// How many responses are in it now.
    pub responses: usize,
}

/// Arguments of list_feedback.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListFeedbackArgs {
    /// Only responses to this campaign (ids from list_campaigns).
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    /// Only responses to campaigns of this metric.
    pub metric: Option<Metric>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of list_recent_feedback.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListRecentFeedbackArgs {
    /// Only responses from the last this many days, today included (1 to 365). Omit for no limit.
    #[schemars(range(min = 1, max = 365))]
    pub days: Option<u32>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments naming one feedback response.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackIdArgs {
    /// The response id, from list_feedback, search_feedback or apply_filter.
    #[schemars(range(min = 1))]
    pub feedback_id: u64,
}

/// Arguments of search_feedback.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchFeedbackArgs {
    /// Words the comment must contain, matched case-insensitively as one phrase.
    #[schemars(length(min = 1, max = 200))]
    pub text: Option<String>,
    /// Only responses to this campaign.
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    /// Only responses to campaigns of this metric.
    pub metric: Option<Metric>,
    /// The lowest answer to include, on the metric's own scale.
    #[schemars(range(min = 0, max = 10))]
    pub min_score: Option<u8>,
    /// The highest answer to include, on the metric's own scale.
    #[schemars(range(min = 0, max = 10))]
    pub max_score: Option<u8>,
    /// The first day to include, YYYY-MM-DD.
    pub from: Option<String>,
    /// The last day to include, YYYY-MM-DD.
    pub to: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

impl Validate for SearchFeedbackArgs {
    fn validate(&self) -> Result<(), String> {
        if let (Some(min), Some(max)) = (self.min_score, self.max_score)
            && min > max
        {
            return Err(format!(
                "minScore {min} is above maxScore {max}; pass a range with minScore <= maxScore"
            ));
        }
        if self.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err("text is blank; pass words to look for or omit text".into());
        }
        Ok(())
    }
}

/// What aggregate_feedback and apply_filter group responses by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum GroupBy {
    /// One group per campaign.
    Campaign,
    /// One group per metric (NPS, CSAT, CES).
    Metric,
    /// One group per channel (email, sms, web).
    Channel,
    /// One group per metric and answer, such as "NPS 9".
    Score,
    /// One group per topic; a response counts once in each of its topics.
    Topic,
    /// One group per tag; a response counts once in each of its tags.
    Tag,
    /// One group per customer company (needs the B2B Account-CX feature).
    Company,
}

/// Arguments of aggregate_feedback.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AggregateFeedbackArgs {
    /// What to group responses by.
    pub group_by: GroupBy,
    /// Only responses to campaigns of this metric. Recommended when grouping by
    /// anything other than metric or campaign, since averages of different scales do not mix.
    pub metric: Option<Metric>,
    /// Only responses to this campaign.
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    /// The first day to include, YYYY-MM-DD. Omit both from and to for all time.
    pub from: Option<String>,
    /// The last day to include, YYYY-MM-DD.
    pub to: Option<String>,
}

/// Arguments of list_statuses (none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ListStatusesArgs {}

/// One group of an aggregate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// A stable key for the group (an id, a name or "none").
    pub key: String,
    /// A readable name for the group.
    pub label: String,
    /// How many responses fall in the group.
    pub responses: u32,
    /// The mean raw answer of the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_score: Option<f64>,
    /// The metric's score for the group, when all its responses share one metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    /// That score (NPS, CSAT percent or CES mean; see get_score for definitions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// Counts and scores of responses grouped one way.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Aggregate {
    /// What the responses are grouped by.
    pub group_by: GroupBy,
    /// How many responses matched before grouping.
    pub total_responses: u32,
    /// The groups, largest first.
    pub groups: Vec<Group>,
}

impl State {
    /// A response as listed.
    pub fn feedback_row(&self, f: &Feedback) -> FeedbackRow {
        let campaign = self.campaign_of(f);
        let metric = campaign.map_or(Metric::Nps, |c| c.metric);
        let customer = self.customer_of(f);
        FeedbackRow {
            id: f.id,
            campaign_id: f.campaign_id,
            campaign_name: campaign.map_or_else(String::new, |c| c.name.clone()),
            metric,
            channel: campaign.map_or(Channel::Email, |c| c.channel),
            score: f.score,
            category: Category::of(metric, f.score),
            comment: f.comment.clone(),
            tags: f.tags.clone(),
            topics: f.topics.clone(),
            status: f.status.clone(),
            starred: f.starred,
            assignee_id: f.assignee_id,
            customer_id: f.customer_id,
            customer_email: Pii::email(customer.map_or("", |c| c.email.as_str())),
            customer_name: Pii::name(customer.map_or_else(String::new, |c| c.full_name())),
            company_id: customer.and_then(|c| c.company_id),
            note_count: f.notes.len(),
            reply_count: f.replies.len(),
            created_at: f.created_at.iso(),
        }
    }

    /// A team member's name, or a placeholder for one no longer on file.
    pub fn user_name(&self, id: u64) -> String {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("former user {id}"), |u| u.full_name())
    }

    /// Groups responses and scores each group.
    pub fn aggregate<'a>(
        &'a self,
        responses: impl Iterator<Item = &'a Feedback>,
        group_by: GroupBy,
    ) -> ToolResult<Aggregate> {
        if group_by == GroupBy::Company {
            self.require_b2b()?;
        }
        // key -> (label, per-metric tallies)
        let mut groups: BTreeMap<String, (String, BTreeMap<Metric, Tally>)> = BTreeMap::new();
        let mut total = 0;
        for f in responses {
            total += 1;
            let metric = self.metric_of(f);
            let mut keys: Vec<(String, String)> = Vec::new();
            match group_by {
                GroupBy::Campaign => {
                    let name = self
                        .campaign_of(f)
                        .map_or_else(String::new, |c| c.name.clone());
                    keys.push((f.campaign_id.to_string(), name));
                }
                GroupBy::Metric => keys.push((metric.name().into(), metric.name().into())),
                GroupBy::Channel => {
                    let channel = self.campaign_of(f).map_or(Channel::Email, |c| c.channel);
                    keys.push((channel.name().into(), channel.name().into()));
                }
                GroupBy::Score => {
                    let key = format!("{} {}", metric.name(), f.score);
                    keys.push((key.clone(), key));
                }
                GroupBy::Topic => {
                    keys.extend(f.topics.iter().map(|t| (t.topic.clone(), t.topic.clone())));
                    if keys.is_empty() {
                        keys.push(("none".into(), "(no topic)".into()));
                    }
                }
                GroupBy::Tag => {
                    keys.extend(f.tags.iter().map(|t| (t.clone(), t.clone())));
                    if keys.is_empty() {
                        keys.push(("none".into(), "(no tag)".into()));
                    }
                }
                GroupBy::Company => {
                    let company = self
                        .customer_of(f)
                        .and_then(|c| c.company_id)
                        .and_then(|id| self.companies.iter().find(|c| c.id == id));
                    keys.push(company.map_or_else(
                        || ("none".into(), "(no company)".into()),
                        |c| (c.id.to_string(), c.name.clone()),
                    ));
                }
            }
            for (key, label) in keys {
                let slot = groups
                    .entry(key)
                    .or_insert_with(|| (label, BTreeMap::new()));
                slot.1.entry(metric).or_default().add(metric, f.score);
            }
        }
        let mut groups: Vec<Group> = groups
            .into_iter()
            .map(|(key, (label, tallies))| {
                let responses = tallies.values().map(Tally::count).sum::<u32>();
                let sum: u64 = tallies.values().map(|t| t.sum).sum();
                let single = (tallies.len() == 1)
                    .then(|| tallies.iter().next().map(|(m, t)| (*m, t.score(*m))))
                    .flatten();
                Group {
                    key,
                    label,
                    responses,
                    average_score: (responses > 0)
                        .then(|| crate::scores::round(sum as f64 / f64::from(responses), 2)),
                    metric: single.map(|s| s.0),
                    score: single.and_then(|s| s.1),
                }
            })
            .collect();
        groups.sort_by(|a, b| {
            b.responses
                .cmp(&a.responses)
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(Aggregate {
            group_by,
            total_responses: total,
            groups,
        })
    }

    fn check_campaign_filter(&self, campaign_id: Option<u64>) -> ToolResult<()> {
        if let Some(id) = campaign_id {
            self.campaign(id)?;
        }
        Ok(())
    }
}

impl Account {
    /// `list_feedback`: responses, newest first.
    pub fn list_feedback(&self, args: ListFeedbackArgs) -> ToolResult<Page<FeedbackRow>> {
        let state = self.read();
        state.check_campaign_filter(args.campaign_id)?;
        let rows = state
            .feedback
            .iter()
            .rev()
            .filter(|f| args.campaign_id.is_none_or(|id| f.campaign_id == id))
            .filter(|f| args.metric.is_none_or(|m| state.metric_of(f) == m))
            .map(|f| state.feedback_row(f));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `list_recent_feedback`: the newest responses, optionally from the last N days.
    pub fn list_recent_feedback(
        &self,
        args: ListRecentFeedbackArgs,
    ) -> ToolResult<Page<FeedbackRow>> {
        if args.days == Some(0) || args.days.is_some_and(|d| d > 365) {
            return Err(ToolError::invalid_parameter(
                "days must be between 1 and 365; omit it for no limit",
            ));
        }
        let state = self.read();
        let since = args
            .days
            .map(|d| state.today.plus_days(1 - i64::from(d)).start());
        let rows = state
            .feedback
            .iter()
            .rev()
            .take_while(|f| since.is_none_or(|s| f.created_at >= s))
            .map(|f| state.feedback_row(f));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_feedback`: one response with its notes.
    pub fn get_feedback(&self, args: FeedbackIdArgs) -> ToolResult<FeedbackDetail> {
        let state = self.read();
        let f = state.feedback(args.feedback_id)?;
        let status_label = state
            .statuses
            .iter()
            .find(|s| s.key == f.status)
            .map_or_else(|| f.status.clone(), |s| s.label.clone());
        Ok(FeedbackDetail {
            response: state.feedback_row(f),
            question: state
                .campaign_of(f)
                .map_or_else(String::new, |c| c.question.clone()),
            status_label,
            notes: f
                .notes
                .iter()
                .map(|n| NoteView {
                    id: n.id,
                    author_id: n.author_id,
                    author_name: Pii::name(state.user_name(n.author_id)),
                    text: n.text.clone(),
                    created_at: n.created_at.iso(),
                })
                .collect(),
        })
    }

    /// `search_feedback`: responses by comment text, campaign, metric, score range and dates.
    pub fn search_feedback(&self, args: SearchFeedbackArgs) -> ToolResult<Page<FeedbackRow>> {
        validated(&args)?;
        let state = self.read();
        state.check_campaign_filter(args.campaign_id)?;
        let window = Window::optional(args.from.as_deref(), args.to.as_deref(), state.today)?;
        let needle = args.text.as_deref().map(|t| t.trim().to_lowercase());
        let rows = state
            .feedback
            .iter()
            .rev()
            .filter(|f| args.campaign_id.is_none_or(|id| f.campaign_id == id))
            .filter(|f| args.metric.is_none_or(|m| state.metric_of(f) == m))
            .filter(|f| args.min_score.is_none_or(|min| f.score >= min))
            .filter(|f| args.max_score.is_none_or(|max| f.score <= max))
            .filter(|f| window.is_none_or(|w| w.contains(f.created_at)))
            .filter(|f| {
                needle
                    .as_deref()
                    .is_none_or(|n| f.comment.to_lowercase().contains(n))
            })
            .map(|f| state.feedback_row(f));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `aggregate_feedback`: counts and scores grouped one way.
    pub fn aggregate_feedback(&self, args: AggregateFeedbackArgs) -> ToolResult<Aggregate> {
        let state = self.read();
        state.check_campaign_filter(args.campaign_id)?;
        let window = Window::optional(args.from.as_deref(), args.to.as_deref(), state.today)?;
        let matching = state
            .feedback
            .iter()
            .filter(|f| args.campaign_id.is_none_or(|id| f.campaign_id == id))
            .filter(|f| args.metric.is_none_or(|m| state.metric_of(f) == m))
            .filter(|f| window.is_none_or(|w| w.contains(f.created_at)));
        state.aggregate(matching, args.group_by)
    }

    /// `list_statuses`: the workflow statuses, with how many responses each holds.
    pub fn list_statuses(&self, _args: ListStatusesArgs) -> ToolResult<Vec<StatusView>> {
        let state = self.read();
        Ok(state
            .statuses
            .iter()
            .map(|s| StatusView {
                key: s.key.clone(),
                label: s.label.clone(),
                resolved: s.resolved,
                built_in: s.built_in,
                responses: state.feedback.iter().filter(|f| f.status == s.key).count(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::json;

    fn parse<T: serde::de::DeserializeOwned>(value: mcp_tools::serde_json::Value) -> T {
        mcp_tools::serde_json::from_value(value).expect("valid arguments")
    }

    #[test]
    fn lists_newest_first_and_pages() {
        let account = Account::sandbox();
        let first = account.list_feedback(parse(json!({"top": 5}))).unwrap();
        assert_eq!(first.items.len(), 5);
        assert!(first.has_more);
        assert!(first.items.windows(2).all(|w| w[0].id > w[1].id));
        let second = account
            .list_feedback(parse(json!({"top": 5, "skip": 5})))
            .unwrap();
        assert!(second.items[0].id < first.items[4].id);
    }

    #[test]
    fn recent_feedback_respects_days() {
        let account = Account::sandbox();
        let page = account
            .list_recent_feedback(parse(json!({"days": 3, "top": 100})))
            .unwrap();
        assert!(!page.items.is_empty());
        assert!(
            page.items
                .iter()
                .all(|r| r.created_at.as_str() >= "2026-10-30")
        );
    }

    #[test]
    fn search_checks_ranges_and_campaigns() {
        let account = Account::sandbox();
        let err = account
            .search_feedback(parse(json!({"minScore": 9, "maxScore": 3})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidArguments");
        let err = account
            .search_feedback(parse(json!({"campaignId": 999})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "NotFound");
        let hits = account
            .search_feedback(parse(
                json!({"text": "SUPPORT", "metric": "NPS", "maxScore": 6, "top": 100}),
            ))
            .unwrap();
        assert!(!hits.items.is_empty());
        assert!(hits.items.iter().all(|r| r.score <= 6
            && r.metric == Metric::Nps
            && r.comment.to_lowercase().contains("support")));
    }

    #[test]
    fn aggregates_add_up() {
        let account = Account::sandbox();
        let by_metric = account
            .aggregate_feedback(parse(json!({"groupBy": "metric"})))
            .unwrap();
        let sum: u32 = by_metric.groups.iter().map(|g| g.responses).sum();
        assert_eq!(sum, by_metric.total_responses);
        assert_eq!(
            by_metric.total_responses as usize,
            account.read().feedback.len()
        );
        assert!(by_metric.groups.iter().all(|g| g.score.is_some()));
        let by_channel = account
            .aggregate_feedback(parse(json!({"groupBy": "channel", "metric": "CSAT"})))
            .unwrap();
        assert_eq!(by_channel.groups.len(), 3);
        assert!(
            by_channel
                .groups
                .iter()
                .all(|g| g.metric == Some(Metric::Csat))
        );
        account.set_b2b_feature(false);
        let err = account
            .aggregate_feedback(parse(json!({"groupBy": "company"})))
            .unwrap_err();
        assert_eq!(err.code().as_str(), "Forbidden");
    }
}
