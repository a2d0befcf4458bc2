//! Sending: single sends that create unknown contacts, prepared sends to many
//! contacts with personalisation, and delivery statuses that move on with
//! sandbox time.

use std::collections::BTreeMap;

use mcp_tools::{Batch, Page, Paging, ToolError, ToolResult, Validate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::codes;
use crate::contacts::{normalise_email, normalise_phone};
use crate::events::ContactRef;
use crate::language;
use crate::messages::Channel;

/// The channel a delivery went out on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryChannel {
    /// Email.
    Email,
    /// SMS.
    Sms,
    /// Mobile push.
    MobilePush,
    /// App inbox.
    AppInbox,
    /// Web push.
    WebPush,
}

impl std::fmt::Display for DeliveryChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::MobilePush => "mobilePush",
            Self::AppInbox => "appInbox",
            Self::WebPush => "webPush",
        })
    }
}

/// Where a delivery is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Accepted, waiting to go out.
    Queued,
    /// Handed to the provider.
    Sent,
    /// Accepted by the recipient's server or device.
    Delivered,
    /// Opened by the contact.
    Opened,
    /// A link in it was clicked.
    Clicked,
    /// Refused by the recipient's server; final.
    Bounced,
    /// Could not be delivered; final.
    Failed,
}

impl DeliveryStatus {
    /// Whether a delivery in this status reached the contact.
    pub fn reached(self) -> bool {
        matches!(self, Self::Delivered | Self::Opened | Self::Clicked)
    }
}

/// How a delivery will end, fixed when it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Stops at delivered.
    Delivered,
    /// Opened, never clicked.
    Opened,
    /// Opened, then clicked.
    Clicked,
    /// Bounces instead of being delivered.
    Bounced,
}

impl Fate {
    /// The fate of a delivery, drawn from its id: about 5% bounce, a third stop
    /// at delivered, the rest are opened and about half of those clicked.
    pub(crate) fn of(id: u64) -> Self {
        match id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58 {
            0..=2 => Self::Bounced,
            3..=24 => Self::Delivered,
            25..=44 => Self::Opened,
            _ => Self::Clicked,
        }
    }
}

/// One message sent to one contact.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Interaction id.
    pub id: u64,
    /// Channel.
    pub channel: DeliveryChannel,
    /// The message sent.
    pub message_id: u64,
    /// The contact.
    pub contact_id: u64,
    /// The address, number or token it went to.
    pub address: String,
    /// The personalised subject, title or text.
    pub preview: String,
    /// The broadcast it belongs to.
    pub broadcast_id: Option<u64>,
    /// The workflow that sent it.
    pub workflow_id: Option<u64>,
    /// When it was accepted.
    pub created_at: i64,
    /// How it will end.
    pub fate: Fate,
    /// A status reported with update_interaction_status, and when.
    pub reported: Option<(DeliveryStatus, i64)>,
}

/// Seconds after acceptance each step happens.
const SENT_AFTER: i64 = 30;
const DELIVERED_AFTER: i64 = 120;
const OPENED_AFTER: i64 = 600;
const CLICKED_AFTER: i64 = 1800;

impl Delivery {
    /// The steps reached by `now`, oldest first.
    pub fn history(&self, now: i64) -> Vec<(DeliveryStatus, i64)> {
        let t = self.created_at;
        let mut steps = vec![(DeliveryStatus::Queued, t)];
        let opens = self.channel != DeliveryChannel::Sms;
        let plan = [
            (DeliveryStatus::Sent, t + SENT_AFTER, true),
            (
                if self.fate == Fate::Bounced {
                    DeliveryStatus::Bounced
                } else {
                    DeliveryStatus::Delivered
                },
                t + DELIVERED_AFTER,
                true,
            ),
            (
                DeliveryStatus::Opened,
                t + OPENED_AFTER,
                opens && matches!(self.fate, Fate::Opened | Fate::Clicked),
            ),
            (
                DeliveryStatus::Clicked,
                t + CLICKED_AFTER,
                opens && self.fate == Fate::Clicked,
            ),
        ];
        steps.extend(
            plan.into_iter()
                .filter(|(_, at, on)| *on && *at <= now)
                .map(|(s, at, _)| (s, at)),
        );
        let Some((reported, at)) = self.reported else {
            return steps;
        };
        // The app's report wins over the schedule: steps it makes moot go, and
        // a delivery the app saw cannot bounce afterwards.
        steps.retain(|&(s, t)| {
            (t <= at || s > reported) && !(s == DeliveryStatus::Bounced && reported.reached())
        });
        steps.push((reported, at));
        steps.sort_by_key(|&(s, t)| (t, s));
        let mut history: Vec<(DeliveryStatus, i64)> = Vec::with_capacity(steps.len());
        for step in steps {
            if history.last().is_none_or(|last| step.0 > last.0) {
                history.push(step);
            }
        }
        history
    }

    /// The status at `now`.
    pub fn status(&self, now: i64) -> DeliveryStatus {
        self.history(now)
            .last()
            .map_or(DeliveryStatus::Queued, |s| s.0)
    }
}

/// A delivery as returned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// Interaction id, for get_message_status and update_interaction_status.
    pub interaction_id: u64,
    /// Channel.
    pub channel: DeliveryChannel,
    /// The message sent.
    pub message_id: u64,
    /// The contact.
    pub contact_id: u64,
    /// Where it went.
    pub address: String,
    /// The personalised subject, title or text.
    pub preview: String,
    /// The broadcast it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broadcast_id: Option<u64>,
    /// Status now.
    pub status: DeliveryStatus,
    /// Every status reached, oldest first.
    pub history: Vec<StatusStep>,
}

/// One step of a delivery.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusStep {
    /// The status.
    pub status: DeliveryStatus,
    /// When it was reached, ISO 8601 UTC.
    pub at: String,
}

/// Arguments of `send_email_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendEmailArgs {
    /// The email message (id from list_email_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// The recipient's address; an unknown address becomes a new contact.
    #[schemars(length(max = 254))]
    pub email: String,
    /// Send this translated variant instead of the contact's language or the base one.
    #[schemars(length(min = 2, max = 10))]
    pub language: Option<String>,
    /// Values for {{placeholders}} in the message, by name.
    #[schemars(length(max = 50))]
    pub params: Option<BTreeMap<String, String>>,
}

/// Arguments of `send_sms_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendSmsArgs {
    /// The SMS message (id from list_sms_messages).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// The recipient's number in E.164; an unknown number becomes a new contact.
    #[schemars(length(max = 16))]
    pub phone: String,
    /// Send this translated variant.
    #[schemars(length(min = 2, max = 10))]
    pub language: Option<String>,
    /// Values for {{placeholders}} in the text, by name.
    #[schemars(length(max = 50))]
    pub params: Option<BTreeMap<String, String>>,
}

/// What a single send did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendResult {
    /// The delivery; follow it with get_message_status.
    pub interaction_id: u64,
    /// The recipient contact.
    pub contact_id: u64,
    /// Whether the send created the contact.
    pub contact_created: bool,
    /// queued: it goes out within a minute.
    pub status: DeliveryStatus,
}

/// One recipient of `smart_send_message`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recipient {
    /// The contact; must exist.
    pub contact: ContactRef,
    /// Values for {{placeholders}} for this contact only.
    #[schemars(length(max = 50))]
    pub params: Option<BTreeMap<String, String>>,
}

/// Arguments of `smart_send_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmartSendArgs {
    /// The channel of the prepared message.
    pub channel: SmartChannel,
    /// The prepared message (id from that channel's list tool).
    #[schemars(range(min = 1))]
    pub message_id: u64,
    /// 1 to 100 recipients; each succeeds or fails on its own.
    pub recipients: Batch<Recipient>,
}

impl Validate for SmartSendArgs {
    fn validate(&self) -> Result<(), String> {
        self.recipients.iter().enumerate().try_for_each(|(i, r)| {
            r.contact
                .validate()
                .map_err(|e| format!("recipients[{i}]: {e}"))
        })
    }
}

/// The channels `smart_send_message` sends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SmartChannel {
    /// An email message.
    Email,
    /// An SMS message.
    Sms,
    /// A mobile push message, to the contact's active tokens.
    MobilePush,
    /// An app inbox message.
    AppInbox,
}

/// One recipient's outcome.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipientOutcome {
    /// Position in recipients, from 0.
    pub index: usize,
    /// The contact, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<u64>,
    /// The delivery, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<u64>,
    /// Why it was not sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What `smart_send_message` did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmartSendResult {
    /// Recipients queued.
    pub sent: usize,
    /// Recipients skipped; see their error.
    pub skipped: usize,
    /// Every recipient, in request order.
    pub recipients: Vec<RecipientOutcome>,
}

/// Arguments naming one delivery.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InteractionArgs {
    /// The interaction id a send returned (or from get_contact_message_history).
    #[schemars(range(min = 1))]
    pub interaction_id: u64,
}

/// Arguments of `update_interaction_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InteractionStatusArgs {
    /// The interaction id.
    #[schemars(range(min = 1))]
    pub interaction_id: u64,
    /// The status the device or app observed.
    pub status: ReportedStatus,
}

/// Statuses an app may report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportedStatus {
    /// Shown on the device.
    Delivered,
    /// Opened by the contact.
    Opened,
    /// Clicked by the contact.
    Clicked,
    /// Could not be shown.
    Failed,
}

/// Arguments of `get_contact_message_history`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryArgs {
    /// The contact (id from list_contacts).
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// Only this channel.
    pub channel: Option<DeliveryChannel>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Replaces `{{name}}` placeholders with values; unknown ones stay visible.
pub(crate) fn personalise(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out
            .replace(&format!("{{{{{k}}}}}"), v)
            .replace(&format!("{{{{ {k} }}}}"), v);
    }
    out
}

impl State {
    /// The values placeholders see for a contact: its names and fields, then `params`.
    pub(crate) fn placeholder_values(
        &self,
        contact_id: u64,
        params: Option<&BTreeMap<String, String>>,
    ) -> BTreeMap<String, String> {
        let mut values = BTreeMap::new();
        if let Some(c) = self.contacts.get(&contact_id) {
            values.extend(c.fields.clone());
            if let Some(f) = &c.first_name {
                values.insert("firstName".into(), f.clone());
            }
            if let Some(l) = &c.last_name {
                values.insert("lastName".into(), l.clone());
            }
        }
        values.extend(params.cloned().unwrap_or_default());
        values
    }

    /// Records a delivery, with its fate drawn from its id.
    pub(crate) fn deliver(
        &mut self,
        channel: DeliveryChannel,
        message_id: u64,
        contact_id: u64,
        address: String,
        preview: String,
        broadcast_id: Option<u64>,
    ) -> u64 {
        let id = self.next_id();
        let fate = Fate::of(id);
        self.deliveries.insert(
            id,
            Delivery {
                id,
                channel,
                message_id,
                contact_id,
                address,
                preview,
                broadcast_id,
                workflow_id: None,
                created_at: self.now,
                fate,
                reported: None,
            },
        );
        id
    }

    pub(crate) fn delivery_view(&self, d: &Delivery) -> DeliveryView {
        DeliveryView {
            interaction_id: d.id,
            channel: d.channel,
            message_id: d.message_id,
            contact_id: d.contact_id,
            address: d.address.clone(),
            preview: d.preview.clone(),
            broadcast_id: d.broadcast_id,
            status: d.status(self.now),
            history: d
                .history(self.now)
                .into_iter()
                .map(|(status, at)| StatusStep {
                    status,
                    at: clock::format(at),
                })
                .collect(),
        }
    }

    /// The subject, title or text of a message in a language, for one contact.
    fn message_text(
        &self,
        channel: SmartChannel,
        message_id: u64,
        language: Option<&str>,
    ) -> ToolResult<String> {
        if channel == SmartChannel::Email {
            let m = self.sendable_email(message_id)?;
            return Ok(match language.and_then(|l| m.translations.get(l)) {
                Some(v) => v.subject.clone(),
                None => m.subject.clone(),
            });
        }
        let ch = match channel {
            SmartChannel::Sms => Channel::Sms,
            SmartChannel::MobilePush => Channel::MobilePush,
            _ => Channel::AppInbox,
        };
        let m = self.channel_message(ch, message_id)?;
        let v = language.and_then(|l| m.translations.get(l));
        Ok(match (ch, v) {
            (Channel::Sms, Some(v)) => v.body.clone(),
            (Channel::Sms, None) => m.body.clone(),
            (_, Some(v)) => v.title.clone().unwrap_or_else(|| v.body.clone()),
            (_, None) => m.title.clone().unwrap_or_else(|| m.body.clone()),
        })
    }

    /// Sends one prepared message to one existing contact.
    fn send_to(
        &mut self,
        channel: SmartChannel,
        message_id: u64,
        contact_id: u64,
        language: Option<String>,
        params: Option<&BTreeMap<String, String>>,
    ) -> ToolResult<u64> {
        let c = self.contact(contact_id)?;
        let (address, subscribed, delivery_channel) = match channel {
            SmartChannel::Email => (c.email.clone(), c.email_subscribed, DeliveryChannel::Email),
            SmartChannel::Sms => (c.phone.clone(), c.sms_subscribed, DeliveryChannel::Sms),
            SmartChannel::MobilePush => (
                c.push_tokens
                    .iter()
                    .find(|t| t.active && t.platform != "web")
                    .map(|t| t.token.clone()),
                true,
                DeliveryChannel::MobilePush,
            ),
            SmartChannel::AppInbox => (
                Some(format!("inbox:{contact_id}")),
                true,
                DeliveryChannel::AppInbox,
            ),
        };
        let address = address.ok_or_else(|| {
            ToolError::new(
                codes::NO_ADDRESS,
                format!("contact {contact_id} has no address for {delivery_channel} (no email, phone or active push token)"),
            )
        })?;
        if !subscribed {
            return Err(ToolError::new(
                codes::CONTACT_UNSUBSCRIBED,
                format!(
                    "contact {contact_id} unsubscribed from {delivery_channel}; nothing was sent"
                ),
            ));
        }
        let language = language.or_else(|| c.language.clone());
        let text = self.message_text(channel, message_id, language.as_deref())?;
        let values = self.placeholder_values(contact_id, params);
        let preview = personalise(&text, &values);
        Ok(self.deliver(
            delivery_channel,
            message_id,
            contact_id,
            address,
            preview,
            None,
        ))
    }

    /// Finds the contact behind an address, creating it when unknown.
    fn contact_for_address(&mut self, email: Option<String>, phone: Option<String>) -> (u64, bool) {
        let found = email
            .as_deref()
            .and_then(|e| self.contact_by_email(e))
            .or_else(|| phone.as_deref().and_then(|p| self.contact_by_phone(p)));
        if let Some(id) = found {
            return (id, false);
        }
        let mut contact = self.blank_contact();
        contact.email = email;
        contact.phone = phone;
        let id = contact.id;
        self.contacts.insert(id, contact);
        (id, true)
    }

    fn check_language(&self, language: Option<&str>) -> ToolResult<Option<String>> {
        language.map(language::normalise).transpose()
    }
}

impl Account {
    /// `send_email_message`.
    pub fn send_email(&self, args: SendEmailArgs) -> ToolResult<SendResult> {
        let mut state = self.lock();
        state.sendable_email(args.message_id)?;
        let email = normalise_email(&args.email)?;
        let language = state.check_language(args.language.as_deref())?;
        let (contact_id, contact_created) = state.contact_for_address(Some(email), None);
        let sent = state.send_to(
            SmartChannel::Email,
            args.message_id,
            contact_id,
            language,
            args.params.as_ref(),
        );
        finish_single(&mut state, sent, contact_id, contact_created)
    }

    /// `send_sms_message`.
    pub fn send_sms(&self, args: SendSmsArgs) -> ToolResult<SendResult> {
        let mut state = self.lock();
        state.channel_message(Channel::Sms, args.message_id)?;
        let phone = normalise_phone(&args.phone)?;
        let language = state.check_language(args.language.as_deref())?;
        let (contact_id, contact_created) = state.contact_for_address(None, Some(phone));
        let sent = state.send_to(
            SmartChannel::Sms,
            args.message_id,
            contact_id,
            language,
            args.params.as_ref(),
        );
        finish_single(&mut state, sent, contact_id, contact_created)
    }

    /// `smart_send_message`.
    pub fn smart_send(&self, args: SmartSendArgs) -> ToolResult<SmartSendResult> {
        let mut state = self.lock();
        state.message_text(args.channel, args.message_id, None)?;
        let recipients: Vec<RecipientOutcome> = args
            .recipients
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let contact_id = state.resolve(&r.contact);
                let sent = contact_id.clone().and_then(|id| {
                    state.send_to(args.channel, args.message_id, id, None, r.params.as_ref())
                });
                RecipientOutcome {
                    index,
                    contact_id: contact_id.ok(),
                    interaction_id: sent.as_ref().ok().copied(),
                    error: sent.err().map(|e| format!("{}: {}", e.code(), e.message())),
                }
            })
            .collect();
        Ok(SmartSendResult {
            sent: recipients
                .iter()
                .filter(|r| r.interaction_id.is_some())
                .count(),
            skipped: recipients
                .iter()
                .filter(|r| r.interaction_id.is_none())
                .count(),
            recipients,
        })
    }

    /// `get_message_status`.
    pub fn message_status(&self, args: InteractionArgs) -> ToolResult<DeliveryView> {
        let state = self.lock();
        let d = state
            .deliveries
            .get(&args.interaction_id)
            .ok_or_else(|| not_sent(args.interaction_id))?;
        Ok(state.delivery_view(d))
    }

    /// `update_interaction_status`: statuses only move forward.
    pub fn update_interaction_status(
        &self,
        args: InteractionStatusArgs,
    ) -> ToolResult<DeliveryView> {
        let mut state = self.lock();
        let now = state.now;
        let d = state
            .deliveries
            .get_mut(&args.interaction_id)
            .ok_or_else(|| not_sent(args.interaction_id))?;
        let status = match args.status {
            ReportedStatus::Delivered => DeliveryStatus::Delivered,
            ReportedStatus::Opened => DeliveryStatus::Opened,
            ReportedStatus::Clicked => DeliveryStatus::Clicked,
            ReportedStatus::Failed => DeliveryStatus::Failed,
        };
        let current = d.status(now);
        let final_already = matches!(current, DeliveryStatus::Bounced | DeliveryStatus::Failed);
        // Failing is only news before delivery; afterwards it would rewrite history.
        let backwards = if status == DeliveryStatus::Failed {
            current.reached()
        } else {
            status <= current
        };
        if final_already || backwards {
            return Err(ToolError::new(
                codes::STATUS_REGRESSION,
                format!(
                    "interaction {} is already {current:?}; a status can only move forward (queued, sent, delivered, opened, clicked), failed can only be reported before delivery, and bounced or failed are final",
                    d.id
                ),
            ));
        }
        d.reported = Some((status, now));
        let d = d.clone();
        Ok(state.delivery_view(&d))
    }

    /// `get_contact_message_history`: newest first.
    pub fn message_history(&self, args: HistoryArgs) -> ToolResult<Page<DeliveryView>> {
        let state = self.lock();
        state.contact(args.contact_id)?;
        let hits = state.deliveries.values().rev().filter(|d| {
            d.contact_id == args.contact_id && args.channel.is_none_or(|c| d.channel == c)
        });
        Ok(Page::from_iter(hits, args.paging).map(|d| state.delivery_view(d)))
    }
}

fn finish_single(
    state: &mut State,
    sent: ToolResult<u64>,
    contact_id: u64,
    contact_created: bool,
) -> ToolResult<SendResult> {
    match sent {
        Ok(interaction_id) => Ok(SendResult {
            interaction_id,
            contact_id,
            contact_created,
            status: DeliveryStatus::Queued,
        }),
        Err(e) => {
            // A send refused after the contact was made leaves no stray contact.
            if contact_created {
                state.contacts.remove(&contact_id);
            }
            Err(e)
        }
    }
}

fn not_sent(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no interaction {id}; use the interactionId a send returned or one from get_contact_message_history"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(fate: Fate, reported: Option<(DeliveryStatus, i64)>) -> Delivery {
        Delivery {
            id: 1,
            channel: DeliveryChannel::Email,
            message_id: 2,
            contact_id: 3,
            address: "a@example.com".into(),
            preview: String::new(),
            broadcast_id: None,
            workflow_id: None,
            created_at: 0,
            fate,
            reported,
        }
    }

    fn statuses(d: &Delivery, now: i64) -> Vec<DeliveryStatus> {
        d.history(now).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn statuses_follow_the_schedule_and_the_fate() {
        use DeliveryStatus::*;
        let clicked = delivery(Fate::Clicked, None);
        assert_eq!(statuses(&clicked, 0), [Queued]);
        assert_eq!(statuses(&clicked, 119), [Queued, Sent]);
        assert_eq!(
            statuses(&clicked, 3600),
            [Queued, Sent, Delivered, Opened, Clicked]
        );
        assert_eq!(
            statuses(&delivery(Fate::Bounced, None), 3600),
            [Queued, Sent, Bounced]
        );
        let mut sms = delivery(Fate::Clicked, None);
        sms.channel = DeliveryChannel::Sms;
        assert_eq!(sms.status(3600), Delivered);
    }

    #[test]
    fn a_report_wins_over_the_schedule_without_going_back() {
        use DeliveryStatus::*;
        // Opened early by the app's report; the scheduled open later adds nothing.
        let early = delivery(Fate::Opened, Some((Opened, 150)));
        assert_eq!(statuses(&early, 3600), [Queued, Sent, Delivered, Opened]);
        assert_eq!(early.history(3600)[3], (Opened, 150));
        // A delivery the app saw does not bounce afterwards.
        let seen = delivery(Fate::Bounced, Some((Delivered, 100)));
        assert_eq!(statuses(&seen, 3600), [Queued, Sent, Delivered]);
        // Failed before delivery is final.
        let failed = delivery(Fate::Clicked, Some((Failed, 60)));
        assert_eq!(failed.status(3600), Failed);
    }
}
