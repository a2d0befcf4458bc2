//! Account-wide settings: plan usage, the contact-attribute schema, tags and topics.

use std::collections::BTreeMap;

use mcp_tools::ToolResult;
use mcp_tools::schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::{Account, AttributeType, ConnectionState, OutboxKind, State, UserStatus};
use crate::calendar::Window;
use crate::scores::round;

/// Arguments of a tool that takes none.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NoArgs {}

/// One metered dimension of the plan.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageLine {
    /// The dimension's key, such as "surveysSent".
    pub key: String,
    /// What it measures.
    pub label: String,
    /// How much is used.
    pub used: u64,
    /// How much the plan allows.
    pub limit: u64,
    /// used as a percent of limit.
    pub used_percent: f64,
}

/// The plan and its usage.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanUsage {
    /// The plan name.
    pub plan: String,
    /// How it is billed.
    pub billing: String,
    /// The first day of the billing period.
    pub period_start: String,
    /// The last day of the billing period.
    pub period_end: String,
    /// Usage per metered dimension.
    pub usage: Vec<UsageLine>,
}

/// One custom contact attribute.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttributeView {
    /// The key to use in update_contact properties.
    pub key: String,
    /// The label shown in the app.
    pub label: String,
    /// The value type.
    #[serde(rename = "type")]
    pub value_type: AttributeType,
    /// For choice attributes, the allowed values.
    pub options: Vec<String>,
    /// How many customers have a value for it.
    pub customers_with_value: usize,
}

/// A customer tag in use.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    /// The tag.
    pub tag: String,
    /// How many customers carry it.
    pub customers: usize,
}

/// A feedback topic.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicView {
    /// The topic name, as set_topics and filters expect it.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// How many responses mention it.
    pub responses: usize,
}

impl State {
    /// The plan's limit for a dimension (0 when the plan has no such dimension).
    pub fn plan_limit(&self, key: &str) -> u64 {
        self.plan
            .limits
            .iter()
            .find(|l| l.key == key)
            .map_or(0, |l| l.limit)
    }

    /// Current usage of a metered dimension.
    pub fn usage(&self, key: &str) -> u64 {
        let period = Window {
            from: self.plan.period_start,
            to: self.plan.period_end,
        };
        let count = match key {
            "surveysSent" => self
                .outbox
                .iter()
                .filter(|e| e.kind == OutboxKind::Survey && period.contains(e.queued_at))
                .count(),
            "contacts" => self.customers.len(),
            "teamSeats" => self
                .users
                .iter()
                .filter(|u| u.status != UserStatus::Deactivated)
                .count(),
            "integrations" => self
                .integrations
                .iter()
                .filter(|i| i.state != ConnectionState::Disconnected)
                .count(),
            _ => 0,
        };
        count as u64
    }
}

impl Account {
    /// `get_plan_usage`: the plan with usage against each limit.
    pub fn get_plan_usage(&self, _args: NoArgs) -> ToolResult<PlanUsage> {
        let state = self.read();
        Ok(PlanUsage {
            plan: state.plan.name.clone(),
            billing: state.plan.billing.clone(),
            period_start: state.plan.period_start.to_string(),
            period_end: state.plan.period_end.to_string(),
            usage: state
                .plan
                .limits
                .iter()
                .map(|l| {
                    let used = state.usage(l.key);
                    UsageLine {
                        key: l.key.into(),
                        label: l.label.into(),
                        used,
                        limit: l.limit,
                        used_percent: if l.limit == 0 {
                            0.0
                        } else {
                            round(used as f64 * 100.0 / l.limit as f64, 1)
                        },
                    }
                })
                .collect(),
        })
    }

    /// `list_account_attributes`: the custom contact-attribute schema.
    pub fn list_account_attributes(&self, _args: NoArgs) -> ToolResult<Vec<AttributeView>> {
        let state = self.read();
        Ok(state
            .attributes
            .iter()
            .map(|a| AttributeView {
                key: a.key.clone(),
                label: a.label.clone(),
                value_type: a.kind,
                options: a.options.clone(),
                customers_with_value: state
                    .customers
                    .iter()
                    .filter(|c| c.properties.contains_key(&a.key))
                    .count(),
            })
            .collect())
    }

    /// `list_tags`: customer tags in use, most used first.
    pub fn list_tags(&self, _args: NoArgs) -> ToolResult<Vec<TagView>> {
        let state = self.read();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for tag in state.customers.iter().flat_map(|c| &c.tags) {
            *counts.entry(tag.as_str()).or_default() += 1;
        }
        let mut tags: Vec<TagView> = counts
            .into_iter()
            .map(|(tag, customers)| TagView {
                tag: tag.into(),
                customers,
            })
            .collect();
        tags.sort_by(|a, b| {
            b.customers
                .cmp(&a.customers)
                .then_with(|| a.tag.cmp(&b.tag))
        });
        Ok(tags)
    }

    /// `list_topics`: the feedback topics of the account.
    pub fn list_topics(&self, _args: NoArgs) -> ToolResult<Vec<TopicView>> {
        let state = self.read();
        Ok(state
            .topics
            .iter()
            .map(|t| TopicView {
                name: t.name.clone(),
                description: t.description.clone(),
                responses: state
                    .feedback
                    .iter()
                    .filter(|f| f.topics.iter().any(|m| m.topic == t.name))
                    .count(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_live() {
        let account = Account::sandbox();
        let usage = account.get_plan_usage(NoArgs {}).unwrap();
        let contacts = usage.usage.iter().find(|u| u.key == "contacts").unwrap();
        assert_eq!(contacts.used, 300);
        assert_eq!(contacts.used_percent, 12.0);
        let seats = usage.usage.iter().find(|u| u.key == "teamSeats").unwrap();
        assert_eq!(seats.used, 8);
    }

    #[test]
    fn lists_attributes_tags_and_topics() {
        let account = Account::sandbox();
        assert_eq!(account.list_account_attributes(NoArgs {}).unwrap().len(), 6);
        let tags = account.list_tags(NoArgs {}).unwrap();
        assert!(tags.windows(2).all(|w| w[0].customers >= w[1].customers));
        let topics = account.list_topics(NoArgs {}).unwrap();
        assert_eq!(topics.len(), 10);
        assert!(topics.iter().all(|t| t.responses > 0));
    }
}
