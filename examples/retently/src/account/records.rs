//! The stored records of the sandbox account and the closed value sets they use.

use std::collections::BTreeMap;

use mcp_tools::schemars::JsonSchema;
use mcp_tools::serde_json::Value;
use serde::{Deserialize, Serialize};

use crate::calendar::{Date, Timestamp};
use crate::filters::FilterSpec;

/// The survey metric a campaign measures.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Metric {
    /// Net Promoter Score: "how likely are you to recommend us", answered 0–10.
    #[serde(rename = "NPS")]
    Nps,
    /// Customer Satisfaction: "how satisfied were you", answered 1–5.
    #[serde(rename = "CSAT")]
    Csat,
    /// Customer Effort Score: "how easy was it", answered 1–7.
    #[serde(rename = "CES")]
    Ces,
}

impl Metric {
    /// Every metric, in display order.
    pub const ALL: [Metric; 3] = [Metric::Nps, Metric::Csat, Metric::Ces];

    /// The lowest and highest answer on this metric's scale.
    pub fn scale(self) -> (u8, u8) {
        match self {
            Metric::Nps => (0, 10),
            Metric::Csat => (1, 5),
            Metric::Ces => (1, 7),
        }
    }

    /// The wire name: `NPS`, `CSAT` or `CES`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Nps => "NPS",
            Metric::Csat => "CSAT",
            Metric::Ces => "CES",
        }
    }
}

/// How a campaign reaches people.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// An emailed survey.
    Email,
    /// A text-message survey.
    Sms,
    /// An in-app or website widget.
    Web,
}

impl Channel {
    /// Every channel, in display order.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Web];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Web => "web",
        }
    }
}

/// The tone of a topic mention in a comment.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Praise.
    Positive,
    /// Neither praise nor complaint.
    Neutral,
    /// A complaint.
    Negative,
}

/// Where one response sits on its metric's scale.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// NPS 9–10, CSAT 4–5, CES 5–7.
    Positive,
    /// NPS 7–8, CSAT 3, CES 4.
    Neutral,
    /// NPS 0–6, CSAT 1–2, CES 1–3.
    Negative,
}

impl Category {
    /// The band a score falls into on the given metric.
    pub fn of(metric: Metric, score: u8) -> Self {
        let (positive_from, neutral_from) = match metric {
            Metric::Nps => (9, 7),
            Metric::Csat => (4, 3),
            Metric::Ces => (5, 4),
        };
        if score >= positive_from {
            Category::Positive
        } else if score >= neutral_from {
            Category::Neutral
        } else {
            Category::Negative
        }
    }

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Positive => "positive",
            Category::Neutral => "neutral",
            Category::Negative => "negative",
        }
    }
}

/// A survey campaign.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: u64,
    pub name: String,
    pub metric: Metric,
    pub channel: Channel,
    pub enabled: bool,
    pub is_default: bool,
    pub template_id: u64,
    pub question: String,
    pub language: String,
    pub throttle_days: u32,
    pub created_at: Timestamp,
}

/// One survey response.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub id: u64,
    pub campaign_id: u64,
    pub customer_id: u64,
    pub score: u8,
    pub comment: String,
    pub tags: Vec<String>,
    pub topics: Vec<TopicMention>,
    pub status: String,
    pub starred: bool,
    pub assignee_id: Option<u64>,
    pub notes: Vec<Note>,
    pub replies: Vec<Reply>,
    pub created_at: Timestamp,
}

/// A topic found in a comment, with its tone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicMention {
    /// The topic name, as listed by list_topics.
    pub topic: String,
    /// How the comment speaks about the topic.
    pub sentiment: Sentiment,
}

/// An internal note on a response; customers never see it.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: u64,
    pub author_id: u64,
    pub text: String,
    pub created_at: Timestamp,
}

/// Which way a message of a reply thread went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the team to the customer.
    Outbound,
    /// From the customer back to the team.
    Inbound,
}

/// One message of a response's reply thread.
#[derive(Debug, Clone)]
pub struct Reply {
    pub id: u64,
    pub direction: Direction,
    /// The team member who wrote an outbound message.
    pub author_id: Option<u64>,
    pub subject: String,
    pub body: String,
    pub sent_at: Timestamp,
    pub outbox_id: Option<u64>,
}

/// A workflow status a response can be in.
#[derive(Debug, Clone)]
pub struct Status {
    pub key: String,
    pub label: String,
    pub resolved: bool,
    pub built_in: bool,
}

/// A person the account surveys.
#[derive(Debug, Clone)]
pub struct Customer {
    pub id: u64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub company_id: Option<u64>,
    pub tags: Vec<String>,
    pub properties: BTreeMap<String, Value>,
    pub created_at: Timestamp,
}

impl Customer {
    /// First and last name joined.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A business the account's customers work for.
#[derive(Debug, Clone)]
pub struct Company {
    pub id: u64,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub employees: u32,
    pub annual_revenue_usd: u64,
    pub country: String,
    pub tier: String,
    pub created_at: Timestamp,
}

/// A survey template.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: u64,
    pub name: String,
    pub metric: Metric,
    pub channel: Channel,
    pub subject: String,
    pub language: String,
    pub updated_at: Timestamp,
}

/// How long a digest period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DigestPeriod {
    /// Seven days, Monday to Sunday.
    Weekly,
    /// One calendar month.
    Monthly,
}

/// A generated digest report, frozen when it was produced.
#[derive(Debug, Clone)]
pub struct Digest {
    pub id: u64,
    pub period: DigestPeriod,
    pub from: Date,
    pub to: Date,
    pub generated_at: Timestamp,
    pub scores: Vec<DigestScore>,
    pub themes: Vec<DigestTheme>,
    pub summary: String,
}

/// One metric's score in a digest, against the period before.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DigestScore {
    /// The metric.
    pub metric: Metric,
    /// The score over the digest period; absent without responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The score over the period before; absent without responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_score: Option<f64>,
    /// score minus previousScore; absent when either is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
    /// Responses in the digest period.
    pub responses: u32,
}

/// A recurring topic of a digest period.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DigestTheme {
    /// The topic.
    pub topic: String,
    /// How many responses mentioned it.
    pub mentions: u32,
    /// The tone most of those mentions had.
    pub dominant_sentiment: Sentiment,
}

/// Where an outbound message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryState {
    /// Waiting in the queue.
    Queued,
    /// Handed to the provider.
    Sent,
    /// Accepted by the recipient's server.
    Delivered,
    /// Opened by the recipient.
    Opened,
    /// Answered by the recipient.
    Responded,
    /// Refused by the recipient's server.
    Bounced,
    /// The recipient unsubscribed from it.
    OptedOut,
    /// The provider gave up on it.
    Failed,
}

/// What an outbound message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OutboxKind {
    /// A survey invitation.
    Survey,
    /// A reply to a feedback response.
    Reply,
}

/// One outbound message.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub id: u64,
    pub kind: OutboxKind,
    pub campaign_id: Option<u64>,
    pub customer_id: Option<u64>,
    pub feedback_id: Option<u64>,
    pub email: String,
    pub channel: Channel,
    pub subject: String,
    pub state: DeliveryState,
    pub queued_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// How a suppressed-domain entry matches addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// Every address at the domain or one of its subdomains.
    Domain,
    /// A whole-address pattern where `*` stands for any run of characters.
    Pattern,
}

/// A suppressed domain or address pattern.
#[derive(Debug, Clone)]
pub struct SuppressedDomain {
    pub id: u64,
    pub value: String,
    pub kind: SuppressionKind,
    pub reason: String,
    pub created_at: Timestamp,
}

/// Why an address is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionReason {
    /// The person unsubscribed.
    Unsubscribed,
    /// Mail to the address bounced hard.
    Bounced,
    /// The person marked a survey as spam.
    Complaint,
    /// A team member added it by hand.
    Manual,
}

/// A suppressed email address.
#[derive(Debug, Clone)]
pub struct SuppressedEmail {
    pub id: u64,
    pub email: String,
    pub reason: SuppressionReason,
    pub created_at: Timestamp,
}

/// Whether an integration is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionState {
    /// Connected and syncing.
    Connected,
    /// Not connected.
    Disconnected,
    /// Connected once, now failing to authenticate or sync.
    Error,
}

/// How well an integration is syncing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Health {
    /// Syncing without errors.
    Healthy,
    /// Syncing, with some records rejected.
    Degraded,
    /// Not syncing.
    Failing,
    /// Nothing to judge: the integration is off.
    Unknown,
}

/// A connection to another system. Credentials are never held here.
#[derive(Debug, Clone)]
pub struct Integration {
    pub id: u64,
    pub provider: String,
    pub purpose: String,
    pub state: ConnectionState,
    pub health: Health,
    pub last_sync_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub records_synced: u64,
}

/// A team member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// Owns the account and its billing.
    Owner,
    /// Manages settings, users and integrations.
    Admin,
    /// Manages campaigns and feedback.
    Manager,
    /// Works the feedback inbox.
    Agent,
    /// Reads only.
    Viewer,
}

/// Whether a team member can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum UserStatus {
    /// Signed up and enabled.
    Active,
    /// Invited, not signed up yet.
    Invited,
    /// Disabled by an administrator.
    Deactivated,
}

/// A team member.
#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    pub last_active_at: Option<Timestamp>,
}

impl User {
    /// First and last name joined.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The value type of a custom contact attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AttributeType {
    /// Free text.
    Text,
    /// A JSON number.
    Number,
    /// true or false.
    Boolean,
    /// A date written YYYY-MM-DD.
    Date,
    /// One of a fixed list of options.
    Choice,
}

/// One custom contact attribute of the account's schema.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub key: String,
    pub label: String,
    pub kind: AttributeType,
    pub options: Vec<String>,
}

/// A feedback topic the account tracks.
#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub description: String,
}

/// A metered plan dimension and its limit.
#[derive(Debug, Clone)]
pub struct PlanLimit {
    pub key: &'static str,
    pub label: &'static str,
    pub limit: u64,
}

/// The account's subscription.
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub billing: String,
    pub period_start: Date,
    pub period_end: Date,
    pub limits: Vec<PlanLimit>,
}

/// A named filter saved on the account.
#[derive(Debug, Clone)]
pub struct SavedFilter {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub spec: FilterSpec,
    pub created_by: u64,
    pub created_at: Timestamp,
}

/// A filter applied lately.
#[derive(Debug, Clone)]
pub struct RecentFilter {
    pub id: u64,
    pub spec: FilterSpec,
    pub applied_at: Timestamp,
}

/// The bucket size of a trend chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// One point per week.
    Week,
    /// One point per month.
    Month,
}

/// A saved trend chart configuration.
#[derive(Debug, Clone)]
pub struct TrendGroup {
    pub id: u64,
    pub name: String,
    pub metric: Metric,
    pub campaign_ids: Vec<u64>,
    pub interval: Interval,
    pub is_default: bool,
    pub compare_previous: bool,
}
