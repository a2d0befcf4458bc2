//! Broadcasts: one prepared message to the members of static or dynamic
//! segments, now. There are no schedules; starting one goes through a dry run
//! and a confirmation token.

use std::collections::{BTreeMap, BTreeSet};

use mcp_tools::{Batch, Page, Paging, ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::messages::Channel;
use crate::sending::{DeliveryChannel, personalise};

/// How long a broadcast stays `sending` after it starts.
pub const SENDING_SECS: i64 = 300;

/// The channels a broadcast goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum BroadcastChannel {
    /// An email message, to subscribed addresses.
    Email,
    /// An SMS message, to subscribed numbers.
    Sms,
    /// A mobile push message, to active app tokens.
    MobilePush,
    /// A mobile push message's title and body, to active web push tokens.
    WebPush,
}

/// Where a broadcast is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BroadcastStatus {
    /// Messages are going out.
    Sending,
    /// Every message went out.
    Sent,
}

/// A broadcast as stored.
#[derive(Debug, Clone)]
pub struct Broadcast {
    /// Broadcast id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: BroadcastChannel,
    /// The message sent.
    pub message_id: u64,
    /// The segments it went to.
    pub segment_ids: Vec<u64>,
    /// When it started.
    pub started_at: i64,
    /// Contacts skipped (unsubscribed or no address).
    pub excluded: usize,
}

/// A broadcast as returned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastView {
    /// Broadcast id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: BroadcastChannel,
    /// The message sent.
    pub message_id: u64,
    /// Segments (ids from list_groups).
    pub segment_ids: Vec<u64>,
    /// sending or sent.
    pub status: BroadcastStatus,
    /// When it started, ISO 8601 UTC.
    pub started_at: String,
    /// Messages sent.
    pub recipients: usize,
    /// Contacts skipped (unsubscribed or no address).
    pub excluded: usize,
    /// Deliveries by current status.
    pub delivery_statuses: BTreeMap<String, usize>,
}

/// Arguments of `send_broadcast`. There is no schedule: it starts when confirmed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendBroadcastArgs {
    /// A name for the broadcast.
    #[schemars(length(max = 200))]
    pub name: String,
    /// The channel.
    pub channel: BroadcastChannel,
    /// The message: an email id (list_email_messages), an SMS id (list_sms_messages), or a mobile push id (list_mobile_push_messages) for mobilePush and webPush.
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// 1 to 20 segments (ids from list_groups); a contact in several gets one message.
    pub segment_ids: Batch<u64, 20>,
}

/// The audience of a broadcast, shown in the dry run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastPlan {
    /// Channel.
    pub channel: BroadcastChannel,
    /// The message.
    pub message_id: u64,
    /// Its name.
    pub message_name: String,
    /// Each segment with its member count.
    pub segments: Vec<SegmentCount>,
    /// Contacts who would get the message.
    pub recipients: usize,
    /// Members who would be skipped as unsubscribed.
    pub excluded_unsubscribed: usize,
    /// Members who would be skipped for lack of an address on the channel.
    pub excluded_no_address: usize,
    /// Up to five of the recipients' contact ids.
    pub sample_contact_ids: Vec<u64>,
}

/// A segment in a broadcast plan.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SegmentCount {
    /// Segment id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Members now.
    pub members: usize,
}

/// Arguments of `list_broadcasts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListBroadcastsArgs {
    /// Only this channel.
    pub channel: Option<BroadcastChannel>,
    /// Only this status.
    pub status: Option<BroadcastStatus>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments naming one broadcast.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BroadcastIdArgs {
    /// The broadcast (id from list_broadcasts).
    #[schemars(range(min = 1))]
    pub broadcast_id: u64,
}

/// A deleted broadcast.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedBroadcast {
    /// The id it had.
    pub broadcast_id: u64,
}

struct Audience {
    plan: BroadcastPlan,
    /// (contact, address, text) per recipient.
    sends: Vec<(u64, String, String)>,
    delivery_channel: DeliveryChannel,
}

impl State {
    fn audience(&self, args: &SendBroadcastArgs) -> ToolResult<Audience> {
        let (message_name, text, delivery_channel) = match args.channel {
            BroadcastChannel::Email => {
                let m = self.sendable_email(args.message_id)?;
                (m.name.clone(), m.subject.clone(), DeliveryChannel::Email)
            }
            BroadcastChannel::Sms => {
                let m = self.channel_message(Channel::Sms, args.message_id)?;
                (m.name.clone(), m.body.clone(), DeliveryChannel::Sms)
            }
            BroadcastChannel::MobilePush | BroadcastChannel::WebPush => {
                let m = self.channel_message(Channel::MobilePush, args.message_id)?;
                let ch = if args.channel == BroadcastChannel::WebPush {
                    DeliveryChannel::WebPush
                } else {
                    DeliveryChannel::MobilePush
                };
                (
                    m.name.clone(),
                    m.title.clone().unwrap_or_else(|| m.body.clone()),
                    ch,
                )
            }
        };
        let mut members = BTreeSet::new();
        let mut segments = Vec::new();
        for id in args.segment_ids.iter() {
            let g = self.group(*id)?;
            let these = self.group_members(g);
            segments.push(SegmentCount {
                id: g.id,
                name: g.name.clone(),
                members: these.len(),
            });
            members.extend(these);
        }
        let (mut unsubscribed, mut no_address) = (0, 0);
        let mut sends = Vec::new();
        for c in members.iter().filter_map(|id| self.contacts.get(id)) {
            let (address, subscribed) = match args.channel {
                BroadcastChannel::Email => (c.email.clone(), c.email_subscribed),
                BroadcastChannel::Sms => (c.phone.clone(), c.sms_subscribed),
                BroadcastChannel::MobilePush => (
                    c.push_tokens
                        .iter()
                        .find(|t| t.active && t.platform != "web")
                        .map(|t| t.token.clone()),
                    true,
                ),
                BroadcastChannel::WebPush => (
                    c.push_tokens
                        .iter()
                        .find(|t| t.active && t.platform == "web")
                        .map(|t| t.token.clone()),
                    true,
                ),
            };
            match address {
                None => no_address += 1,
                Some(_) if !subscribed => unsubscribed += 1,
                Some(a) => {
                    let values = self.placeholder_values(c.id, None);
                    sends.push((c.id, a, personalise(&text, &values)));
                }
            }
        }
        Ok(Audience {
            plan: BroadcastPlan {
                channel: args.channel,
                message_id: args.message_id,
                message_name,
                segments,
                recipients: sends.len(),
                excluded_unsubscribed: unsubscribed,
                excluded_no_address: no_address,
                sample_contact_ids: sends.iter().take(5).map(|s| s.0).collect(),
            },
            sends,
            delivery_channel,
        })
    }

    fn broadcast_view(&self, b: &Broadcast) -> BroadcastView {
        let mut delivery_statuses = BTreeMap::new();
        let mut recipients = 0;
        for d in self
            .deliveries
            .values()
            .filter(|d| d.broadcast_id == Some(b.id))
        {
            recipients += 1;
            let status = serde_json::to_value(d.status(self.now))
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            *delivery_statuses.entry(status).or_insert(0) += 1;
        }
        BroadcastView {
            id: b.id,
            name: b.name.clone(),
            channel: b.channel,
            message_id: b.message_id,
            segment_ids: b.segment_ids.clone(),
            status: broadcast_status(b, self.now),
            started_at: clock::format(b.started_at),
            recipients,
            excluded: b.excluded,
            delivery_statuses,
        }
    }

    fn broadcast(&self, id: u64) -> ToolResult<&Broadcast> {
        self.broadcasts.get(&id).ok_or_else(|| {
            ToolError::not_found(format!("no broadcast {id}; find ids with list_broadcasts"))
        })
    }
}

fn broadcast_status(b: &Broadcast, now: i64) -> BroadcastStatus {
    if now < b.started_at + SENDING_SECS {
        BroadcastStatus::Sending
    } else {
        BroadcastStatus::Sent
    }
}

impl Account {
    /// The audience `send_broadcast` would reach, changing nothing.
    pub fn plan_broadcast(&self, args: &SendBroadcastArgs) -> ToolResult<BroadcastPlan> {
        let state = self.lock();
        let audience = state.audience(args)?;
        if audience.sends.is_empty() {
            return Err(ToolError::invalid_input(
                "nobody in these segments can receive this channel (everyone is unsubscribed or has no address); nothing to send",
            ));
        }
        Ok(audience.plan)
    }

    /// Starts the broadcast: one delivery per recipient, now.
    pub fn start_broadcast(&self, args: SendBroadcastArgs) -> ToolResult<BroadcastView> {
        let mut state = self.lock();
        let audience = state.audience(&args)?;
        if audience.sends.is_empty() {
            return Err(ToolError::invalid_input(
                "nobody in these segments can receive this channel",
            ));
        }
        let id = state.next_id();
        for (contact, address, preview) in audience.sends {
            state.deliver(
                audience.delivery_channel,
                args.message_id,
                contact,
                address,
                preview,
                Some(id),
            );
        }
        let broadcast = Broadcast {
            id,
            name: args.name,
            channel: args.channel,
            message_id: args.message_id,
            segment_ids: args.segment_ids.to_vec(),
            started_at: state.now,
            excluded: audience.plan.excluded_no_address + audience.plan.excluded_unsubscribed,
        };
        let view = state.broadcast_view(&broadcast);
        state.broadcasts.insert(id, broadcast);
        Ok(view)
    }

    /// `list_broadcasts`: newest first.
    pub fn list_broadcasts(&self, args: ListBroadcastsArgs) -> Page<BroadcastView> {
        let state = self.lock();
        let hits = state.broadcasts.values().rev().filter(|b| {
            args.channel.is_none_or(|c| b.channel == c)
                && args
                    .status
                    .is_none_or(|s| broadcast_status(b, state.now) == s)
        });
        Page::from_iter(hits, args.paging).map(|b| state.broadcast_view(b))
    }

    /// `get_broadcast`.
    pub fn get_broadcast(&self, args: BroadcastIdArgs) -> ToolResult<BroadcastView> {
        let state = self.lock();
        Ok(state.broadcast_view(state.broadcast(args.broadcast_id)?))
    }

    /// `delete_broadcast`: refused while it is still sending.
    pub fn delete_broadcast(&self, args: BroadcastIdArgs) -> ToolResult<DeletedBroadcast> {
        let mut state = self.lock();
        let b = state.broadcast(args.broadcast_id)?;
        if broadcast_status(b, state.now) == BroadcastStatus::Sending {
            return Err(ToolError::conflict(format!(
                "broadcast {} is still sending until {}; delete it after that",
                b.id,
                clock::format(b.started_at + SENDING_SECS)
            )));
        }
        state.broadcasts.remove(&args.broadcast_id);
        Ok(DeletedBroadcast {
            broadcast_id: args.broadcast_id,
        })
    }
}
