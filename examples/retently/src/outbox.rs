//! Outbound surveys and replies, their delivery state, and the send queue.

use std::collections::BTreeMap;

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, Pii, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Channel, DeliveryState, OutboxEntry, OutboxKind, State};
use crate::calendar::Window;
use crate::scores::round;

/// How many queued messages the sandbox sends per minute.
pub const SEND_RATE_PER_MINUTE: u32 = 60;

/// Delivery totals of survey invitations.
///
/// Each count includes the invitations that went further: a response was also
/// sent, delivered and opened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryStats {
    /// Handed to the provider.
    pub sent: u32,
    /// Accepted by the recipient's server.
    pub delivered: u32,
    /// Opened.
    pub opened: u32,
    /// Answered.
    pub responded: u32,
    /// Refused by the recipient's server.
    pub bounced: u32,
    /// The recipient unsubscribed.
    pub opted_out: u32,
    /// The provider gave up before sending.
    pub failed: u32,
    /// Still waiting in the queue.
    pub queued: u32,
    /// responded as a percent of sent.
    pub response_rate: f64,
    /// opened as a percent of delivered.
    pub open_rate: f64,
}

impl DeliveryStats {
    fn count(&mut self, state: DeliveryState) {
        use DeliveryState::*;
        match state {
            Queued => self.queued += 1,
            Failed => self.failed += 1,
            _ => self.sent += 1,
        }
        if matches!(state, Delivered | Opened | Responded | OptedOut) {
            self.delivered += 1;
        }
        if matches!(state, Opened | Responded | OptedOut) {
            self.opened += 1;
        }
        match state {
            Responded => self.responded += 1,
            Bounced => self.bounced += 1,
            OptedOut => self.opted_out += 1,
            _ => {}
        }
    }

    /// Adds another set of counts (call [`DeliveryStats::finish`] after).
    pub fn add(&mut self, other: &DeliveryStats) {
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.opened += other.opened;
        self.responded += other.responded;
        self.bounced += other.bounced;
        self.opted_out += other.opted_out;
        self.failed += other.failed;
        self.queued += other.queued;
    }

    /// Computes the rates from the counts.
    pub fn finish(&mut self) {
        let percent = |part: u32, whole: u32| {
            if whole == 0 {
                0.0
            } else {
                round(f64::from(part) * 100.0 / f64::from(whole), 1)
            }
        };
        self.response_rate = percent(self.responded, self.sent);
        self.open_rate = percent(self.opened, self.delivered);
    }
}

impl State {
    /// Delivery totals of survey invitations, optionally for one campaign and window
    /// (by the day they were queued).
    pub fn delivery(&self, campaign_id: Option<u64>, window: Option<&Window>) -> DeliveryStats {
        let mut stats = DeliveryStats::default();
        for e in self
            .outbox
            .iter()
            .filter(|e| e.kind == OutboxKind::Survey)
            .filter(|e| campaign_id.is_none_or(|id| e.campaign_id == Some(id)))
            .filter(|e| window.is_none_or(|w| w.contains(e.queued_at)))
        {
            stats.count(e.state);
        }
        stats.finish();
        stats
    }
}

/// One outbound message.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboxView {
    /// The message id.
    pub id: u64,
    /// A survey invitation or a reply.
    pub kind: OutboxKind,
    /// The campaign it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<u64>,
    /// The customer it goes to, if on file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<u64>,
    /// For a reply, the response it answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback_id: Option<u64>,
    /// The recipient's address; de-identified without pii:read.
    pub recipient_email: Pii,
    /// How it is delivered.
    pub channel: Channel,
    /// Its subject line.
    pub subject: String,
    /// Where it is in delivery.
    pub state: DeliveryState,
    /// When it was queued, ISO 8601 UTC.
    pub queued_at: String,
    /// When it left the queue; absent while queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

impl From<&OutboxEntry> for OutboxView {
    fn from(e: &OutboxEntry) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            campaign_id: e.campaign_id,
            customer_id: e.customer_id,
            feedback_id: e.feedback_id,
            recipient_email: Pii::email(e.email.clone()),
            channel: e.channel,
            subject: e.subject.clone(),
            state: e.state,
            queued_at: e.queued_at.iso(),
            sent_at: e.sent_at.map(|t| t.iso()),
        }
    }
}

/// Arguments of list_outbox.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListOutboxArgs {
    /// Only messages in this delivery state.
    pub state: Option<DeliveryState>,
    /// Only survey invitations or only replies.
    pub kind: Option<OutboxKind>,
    /// Only messages of this campaign (ids from list_campaigns).
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_outbox_stats.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetOutboxStatsArgs {
    /// Only invitations of this campaign.
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    /// The first day invitations were queued, YYYY-MM-DD. Omit both from and to for all time.
    pub from: Option<String>,
    /// The last day invitations were queued, YYYY-MM-DD.
    pub to: Option<String>,
}

/// Arguments of get_queue_status (none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct GetQueueStatusArgs {}

/// Delivery totals and the window they cover.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboxStats {
    /// The campaign, or absent for all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<u64>,
    /// The first day counted; absent for all time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last day counted; absent for all time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The totals.
    pub totals: DeliveryStats,
}

/// Queued messages of one campaign.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueuedByCampaign {
    /// The campaign.
    pub campaign_id: u64,
    /// Messages waiting.
    pub queued: u32,
}

/// The transactional-survey queue.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueStatus {
    /// Messages waiting to be sent.
    pub depth: u32,
    /// When the oldest waiting message was queued, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_queued_at: Option<String>,
    /// How long the oldest one has waited, in minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_wait_minutes: Option<i64>,
    /// Minutes until the queue is empty at the current send rate.
    pub estimated_drain_minutes: u32,
    /// Messages sent per minute.
    pub send_rate_per_minute: u32,
    /// The waiting messages per campaign.
    pub by_campaign: Vec<QueuedByCampaign>,
}

impl Account {
    /// `list_outbox`: outbound messages, newest first.
    pub fn list_outbox(&self, args: ListOutboxArgs) -> ToolResult<Page<OutboxView>> {
        let state = self.read();
        if let Some(id) = args.campaign_id {
            state.campaign(id)?;
        }
        let rows = state
            .outbox
            .iter()
            .rev()
            .filter(|e| args.state.is_none_or(|s| e.state == s))
            .filter(|e| args.kind.is_none_or(|k| e.kind == k))
            .filter(|e| args.campaign_id.is_none_or(|id| e.campaign_id == Some(id)))
            .map(OutboxView::from);
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_outbox_stats`: delivery totals of survey invitations.
    pub fn get_outbox_stats(&self, args: GetOutboxStatsArgs) -> ToolResult<OutboxStats> {
        let state = self.read();
        if let Some(id) = args.campaign_id {
            state.campaign(id)?;
        }
        let window = Window::optional(args.from.as_deref(), args.to.as_deref(), state.today)?;
        Ok(OutboxStats {
            campaign_id: args.campaign_id,
            from: window.map(|w| w.from.to_string()),
            to: window.map(|w| w.to.to_string()),
            totals: state.delivery(args.campaign_id, window.as_ref()),
        })
    }

    /// `get_queue_status`: how many messages wait to be sent.
    pub fn get_queue_status(&self, _args: GetQueueStatusArgs) -> ToolResult<QueueStatus> {
        let state = self.read();
        let queued: Vec<&OutboxEntry> = state
            .outbox
            .iter()
            .filter(|e| e.state == DeliveryState::Queued)
            .collect();
        let oldest = queued.iter().map(|e| e.queued_at).min();
        let mut by_campaign: BTreeMap<u64, u32> = BTreeMap::new();
        for e in &queued {
            *by_campaign.entry(e.campaign_id.unwrap_or(0)).or_default() += 1;
        }
        let depth = queued.len() as u32;
        Ok(QueueStatus {
            depth,
            oldest_queued_at: oldest.map(|t| t.iso()),
            oldest_wait_minutes: oldest.map(|t| (state.now.0 - t.0).max(0) / 60),
            estimated_drain_minutes: depth.div_ceil(SEND_RATE_PER_MINUTE),
            send_rate_per_minute: SEND_RATE_PER_MINUTE,
            by_campaign: by_campaign
                .into_iter()
                .map(|(campaign_id, queued)| QueuedByCampaign {
                    campaign_id,
                    queued,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    #[test]
    fn delivery_counts_are_cumulative() {
        let mut stats = DeliveryStats::default();
        for s in [
            DeliveryState::Responded,
            DeliveryState::Opened,
            DeliveryState::Bounced,
            DeliveryState::Queued,
            DeliveryState::Failed,
        ] {
            stats.count(s);
        }
        stats.finish();
        assert_eq!((stats.sent, stats.delivered, stats.opened), (3, 2, 2));
        assert_eq!(
            (stats.responded, stats.bounced, stats.queued, stats.failed),
            (1, 1, 1, 1)
        );
        assert_eq!(stats.response_rate, 33.3);
        assert_eq!(stats.open_rate, 100.0);
    }

    #[test]
    fn outbox_lists_filter_and_queue_reports() {
        let account = Account::sandbox();
        let queued = account
            .list_outbox(from_value(json!({"state": "queued", "top": 100})).unwrap())
            .unwrap();
        let status = account.get_queue_status(GetQueueStatusArgs {}).unwrap();
        assert_eq!(queued.items.len() as u32, status.depth);
        assert!(status.depth > 0);
        let replies = account
            .list_outbox(from_value(json!({"kind": "reply", "top": 5})).unwrap())
            .unwrap();
        assert!(replies.items.iter().all(|r| r.feedback_id.is_some()));
        let stats = account
            .get_outbox_stats(GetOutboxStatsArgs::default())
            .unwrap();
        assert!(stats.totals.responded > 0 && stats.totals.bounced > 0);
    }
}
