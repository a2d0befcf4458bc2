//! Analytics from the daily report (nothing for the current day), SMS callout
//! statistics, and the deliverability snapshot.

use std::collections::BTreeMap;

use mcp_tools::{ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::account::Account;
use crate::account::clock::{self, DAY};
use crate::account::state::State;
use crate::sending::{Delivery, DeliveryChannel, DeliveryStatus};

/// The longest messaging-analytics window, in days.
pub const MAX_MESSAGING_DAYS: i64 = 185;
/// The longest events-analytics window, in days.
pub const MAX_EVENTS_DAYS: i64 = 366;

/// How messaging analytics are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One row for the whole organization.
    Organization,
    /// One row per workflow (messages sent outside workflows are left out).
    Workflow,
    /// One row per message.
    Message,
}

/// Arguments of `get_messaging_analytics`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagingAnalyticsArgs {
    /// First day, YYYY-MM-DD.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_from: String,
    /// Last day, YYYY-MM-DD: yesterday at the latest, at most 185 days after dateFrom counting both.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_to: String,
    /// How rows are grouped.
    pub group_by: GroupBy,
    /// Only this channel.
    pub channel: Option<DeliveryChannel>,
}

/// Counts of one group.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagingRow {
    /// organization, the workflow id or the message id.
    pub key: String,
    /// The channel, for rows per message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<DeliveryChannel>,
    /// Messages sent.
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages opened (clicks count as opens).
    pub opened: u64,
    /// Messages clicked.
    pub clicked: u64,
    /// Messages bounced or failed.
    pub bounced: u64,
}

/// What `get_messaging_analytics` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagingReport {
    /// First day covered.
    pub date_from: String,
    /// Last day covered.
    pub date_to: String,
    /// The rows, busiest first.
    pub rows: Vec<MessagingRow>,
}

/// Arguments of `get_events_analytics`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventsAnalyticsArgs {
    /// First day, YYYY-MM-DD.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_from: String,
    /// Last day, YYYY-MM-DD: yesterday at the latest, at most 366 days after dateFrom.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_to: String,
    /// Only these event types (keys from get_event_types).
    #[schemars(length(min = 1, max = 20))]
    pub event_type_keys: Option<Vec<String>>,
    /// true adds a count per day to every row.
    pub daily: Option<bool>,
}

/// One event type's counts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventsRow {
    /// Event type key.
    pub event_type_key: String,
    /// Events in the window.
    pub total: u64,
    /// Distinct contacts with the event.
    pub contacts: u64,
    /// Events per day (YYYY-MM-DD), when daily was true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_day: Option<BTreeMap<String, u64>>,
}

/// What `get_events_analytics` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventsReport {
    /// First day covered.
    pub date_from: String,
    /// Last day covered.
    pub date_to: String,
    /// One row per event type with events, busiest first.
    pub rows: Vec<EventsRow>,
}

/// Arguments of `get_sms_callouts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmsCalloutsArgs {
    /// First day, YYYY-MM-DD; default 30 days before dateTo.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_from: Option<String>,
    /// Last day, YYYY-MM-DD, today at the latest; default today.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_to: Option<String>,
    /// Only this SMS message (id from list_sms_messages).
    #[schemars(range(min = 1))]
    pub message_id: Option<u64>,
}

/// SMS statistics of one message.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmsCallout {
    /// The SMS message.
    pub message_id: u64,
    /// Messages sent.
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages that bounced or failed.
    pub failed: u64,
    /// Messages still queued or in flight.
    pub pending: u64,
}

/// What `get_sms_callouts` returns.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmsCallouts {
    /// First day covered.
    pub date_from: String,
    /// Last day covered.
    pub date_to: String,
    /// One row per SMS message with sends.
    pub messages: Vec<SmsCallout>,
}

/// The email deliverability setup, read-only.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverabilitySetup {
    /// Sending domains and their DNS authentication.
    pub domains: Vec<SendingDomain>,
    /// Senders (as list_email_interfaces).
    pub senders: Vec<crate::directory::EmailInterface>,
    /// Short-link (click-tracking) domain.
    pub short_links: ShortLinks,
    /// Unsubscribe handling.
    pub unsubscribe: Unsubscribe,
}

/// A sending domain.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendingDomain {
    /// Domain.
    pub domain: String,
    /// SPF record valid.
    pub spf: bool,
    /// DKIM record valid.
    pub dkim: bool,
    /// DMARC policy, such as none, quarantine or reject; absent when missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dmarc_policy: Option<String>,
    /// Whether mail may be sent from it.
    pub verified: bool,
}

/// The short-link setup.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShortLinks {
    /// Custom tracking domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether links are rewritten for click tracking.
    pub enabled: bool,
}

/// The unsubscribe setup.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Unsubscribe {
    /// Whether a List-Unsubscribe header is added.
    pub list_unsubscribe_header: bool,
    /// Whether one-click unsubscribe (RFC 8058) is on.
    pub one_click: bool,
    /// The unsubscribe page.
    pub page_url: String,
}

/// Reads and checks a daily-report window: it ends yesterday at the latest and
/// spans at most `max_days` days.
fn report_window(state: &State, from: &str, to: &str, max_days: i64) -> ToolResult<(Date, Date)> {
    let yesterday = clock::date_of(state.now - DAY);
    let parse = |text: &str, name: &str| {
        clock::parse_date(text).ok_or_else(|| {
            ToolError::invalid_arguments(format!(
                "{name} {text:?} is not a date written YYYY-MM-DD"
            ))
        })
    };
    let (from, to) = (parse(from, "dateFrom")?, parse(to, "dateTo")?);
    if to > yesterday {
        return Err(ToolError::invalid_arguments(format!(
            "analytics come from a report built once a day, so the current day is not available yet: \
             dateTo may be {} (yesterday) at the latest",
            clock::format_date(yesterday)
        )));
    }
    if from > to {
        return Err(ToolError::invalid_arguments("dateFrom is after dateTo"));
    }
    let days = (to - from).whole_days() + 1;
    if days > max_days {
        let earliest = to - time::Duration::days(max_days - 1);
        return Err(ToolError::invalid_arguments(format!(
            "the window is {days} days; at most {max_days} days are allowed, so for dateTo {} \
             dateFrom may be {} at the earliest",
            clock::format_date(to),
            clock::format_date(earliest)
        )));
    }
    Ok((from, to))
}

fn count(row: &mut MessagingRow, d: &Delivery, now: i64) {
    row.sent += 1;
    match d.status(now) {
        DeliveryStatus::Delivered => row.delivered += 1,
        DeliveryStatus::Opened => {
            row.delivered += 1;
            row.opened += 1;
        }
        DeliveryStatus::Clicked => {
            row.delivered += 1;
            row.opened += 1;
            row.clicked += 1;
        }
        DeliveryStatus::Bounced | DeliveryStatus::Failed => row.bounced += 1,
        DeliveryStatus::Queued | DeliveryStatus::Sent => {}
    }
}

impl Account {
    /// `get_messaging_analytics`.
    pub fn messaging_analytics(&self, args: MessagingAnalyticsArgs) -> ToolResult<MessagingReport> {
        let state = self.lock();
        let (from, to) = report_window(&state, &args.date_from, &args.date_to, MAX_MESSAGING_DAYS)?;
        let (start, end) = (clock::start_of(from), clock::start_of(to) + DAY);
        let mut rows: BTreeMap<(String, Option<DeliveryChannel>), MessagingRow> = BTreeMap::new();
        for d in state.deliveries.values().filter(|d| {
            d.created_at >= start
                && d.created_at < end
                && args.channel.is_none_or(|c| d.channel == c)
        }) {
            let key = match args.group_by {
                GroupBy::Organization => ("organization".to_owned(), None),
                GroupBy::Workflow => match d.workflow_id {
                    Some(w) => (w.to_string(), None),
                    None => continue,
                },
                GroupBy::Message => (d.message_id.to_string(), Some(d.channel)),
            };
            let row = rows.entry(key.clone()).or_insert_with(|| MessagingRow {
                key: key.0,
                channel: key.1,
                ..MessagingRow::default()
            });
            count(row, d, state.now);
        }
        let mut rows: Vec<MessagingRow> = rows.into_values().collect();
        if rows.is_empty() && args.group_by == GroupBy::Organization {
            rows.push(MessagingRow {
                key: "organization".into(),
                ..MessagingRow::default()
            });
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.sent));
        Ok(MessagingReport {
            date_from: clock::format_date(from),
            date_to: clock::format_date(to),
            rows,
        })
    }

    /// `get_events_analytics`.
    pub fn events_analytics(&self, args: EventsAnalyticsArgs) -> ToolResult<EventsReport> {
        let state = self.lock();
        let (from, to) = report_window(&state, &args.date_from, &args.date_to, MAX_EVENTS_DAYS)?;
        let (start, end) = (clock::start_of(from), clock::start_of(to) + DAY);
        let daily = args.daily.unwrap_or(false);
        let mut rows: BTreeMap<&str, (EventsRow, std::collections::BTreeSet<u64>)> =
            BTreeMap::new();
        for e in state.events.iter().filter(|e| {
            e.occurred_at >= start
                && e.occurred_at < end
                && args
                    .event_type_keys
                    .as_ref()
                    .is_none_or(|k| k.contains(&e.type_key))
        }) {
            let (row, contacts) = rows.entry(&e.type_key).or_insert_with(|| {
                (
                    EventsRow {
                        event_type_key: e.type_key.clone(),
                        total: 0,
                        contacts: 0,
                        per_day: daily.then(BTreeMap::new),
                    },
                    Default::default(),
                )
            });
            row.total += 1;
            contacts.insert(e.contact_id);
            if let Some(days) = &mut row.per_day {
                *days
                    .entry(clock::format_date(clock::date_of(e.occurred_at)))
                    .or_insert(0) += 1;
            }
        }
        let mut rows: Vec<EventsRow> = rows
            .into_values()
            .map(|(mut row, contacts)| {
                row.contacts = contacts.len() as u64;
                row
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.total));
        Ok(EventsReport {
            date_from: clock::format_date(from),
            date_to: clock::format_date(to),
            rows,
        })
    }

    /// `get_sms_callouts`.
    pub fn sms_callouts(&self, args: SmsCalloutsArgs) -> ToolResult<SmsCallouts> {
        let state = self.lock();
        let today = clock::date_of(state.now);
        let parse = |text: &Option<String>, name: &str| {
            text.as_deref()
                .map(|t| {
                    clock::parse_date(t).ok_or_else(|| {
                        ToolError::invalid_arguments(format!(
                            "{name} {t:?} is not a date written YYYY-MM-DD"
                        ))
                    })
                })
                .transpose()
        };
        let to = parse(&args.date_to, "dateTo")?.unwrap_or(today);
        let from = parse(&args.date_from, "dateFrom")?.unwrap_or(to - time::Duration::days(30));
        if to > today {
            return Err(ToolError::invalid_arguments(format!(
                "dateTo is in the future; today is {}",
                clock::format_date(today)
            )));
        }
        if from > to {
            return Err(ToolError::invalid_arguments("dateFrom is after dateTo"));
        }
        if let Some(id) = args.message_id {
            state.channel_message(crate::messages::Channel::Sms, id)?;
        }
        let (start, end) = (clock::start_of(from), clock::start_of(to) + DAY);
        let mut messages: BTreeMap<u64, SmsCallout> = BTreeMap::new();
        for d in state.deliveries.values().filter(|d| {
            d.channel == DeliveryChannel::Sms
                && d.created_at >= start
                && d.created_at < end
                && args.message_id.is_none_or(|m| d.message_id == m)
        }) {
            let row = messages.entry(d.message_id).or_insert(SmsCallout {
                message_id: d.message_id,
                sent: 0,
                delivered: 0,
                failed: 0,
                pending: 0,
            });
            row.sent += 1;
            match d.status(state.now) {
                s if s.reached() => row.delivered += 1,
                DeliveryStatus::Bounced | DeliveryStatus::Failed => row.failed += 1,
                _ => row.pending += 1,
            }
        }
        Ok(SmsCallouts {
            date_from: clock::format_date(from),
            date_to: clock::format_date(to),
            messages: messages.into_values().collect(),
        })
    }

    /// `get_email_deliverability_setup`.
    pub fn deliverability_setup(&self) -> DeliverabilitySetup {
        let state = self.lock();
        let mut setup = state.deliverability.clone();
        setup.senders = state.email_interfaces.clone();
        setup
    }
}
