//! Events and behavior tracking: current and historical events, and the
//! per-contact activity they make up.

use std::collections::BTreeMap;

use mcp_tools::{Batch, Page, Paging, ToolError, ToolResult, Validate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock::{self, DAY};
use crate::account::state::State;
use crate::contacts::{normalise_email, normalise_phone};

/// How far back a historical event may go: two years.
pub const MAX_PAST_DAYS: i64 = 730;

/// An event as stored.
#[derive(Debug, Clone)]
pub struct Event {
    /// Event id.
    pub id: u64,
    /// The contact it happened to.
    pub contact_id: u64,
    /// The event type key.
    pub type_key: String,
    /// Parameters.
    pub params: BTreeMap<String, String>,
    /// When it happened.
    pub occurred_at: i64,
}

/// Which contact an event or message is for: exactly one identifier.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactRef {
    /// The contact's id (from list_contacts).
    #[schemars(range(min = 1))]
    pub contact_id: Option<u64>,
    /// The contact's email address.
    #[schemars(length(min = 3, max = 254))]
    pub email: Option<String>,
    /// The contact's phone number in E.164.
    #[schemars(length(min = 8, max = 16))]
    pub phone: Option<String>,
    /// The organization's own customer id.
    #[schemars(length(min = 1, max = 100))]
    pub external_customer_id: Option<String>,
}

impl Validate for ContactRef {
    fn validate(&self) -> Result<(), String> {
        let given = usize::from(self.contact_id.is_some())
            + usize::from(self.email.is_some())
            + usize::from(self.phone.is_some())
            + usize::from(self.external_customer_id.is_some());
        if given != 1 {
            return Err(
                "name the contact with exactly one of contactId, email, phone or externalCustomerId"
                    .into(),
            );
        }
        Ok(())
    }
}

/// An event as returned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// Event id.
    pub id: u64,
    /// The contact it happened to.
    pub contact_id: u64,
    /// The event type key (see get_event_types).
    pub event_type_key: String,
    /// Parameters.
    pub params: BTreeMap<String, String>,
    /// When it happened, ISO 8601 UTC.
    pub occurred_at: String,
}

/// Arguments of `create_event`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateEventArgs {
    /// The event type key, from get_event_types.
    #[schemars(length(max = 100))]
    pub event_type_key: String,
    /// Who the event happened to.
    pub contact: ContactRef,
    /// Event parameters by name (names from get_event_types).
    #[schemars(length(max = 50))]
    pub params: Option<BTreeMap<String, String>>,
}

impl Validate for CreateEventArgs {
    fn validate(&self) -> Result<(), String> {
        self.contact.validate()
    }
}

/// One historical event of `create_past_events`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastEventInput {
    /// The event type key, from get_event_types.
    #[schemars(length(min = 1, max = 100))]
    pub event_type_key: String,
    /// Who the event happened to.
    pub contact: ContactRef,
    /// When it happened (RFC 3339), in the past and at most two years ago.
    #[schemars(length(min = 1, max = 40))]
    pub occurred_at: String,
    /// Event parameters by name.
    #[schemars(length(max = 50))]
    pub params: Option<BTreeMap<String, String>>,
}

/// Arguments of `create_past_events`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatePastEventsArgs {
    /// 1 to 100 historical events; each succeeds or fails on its own.
    pub events: Batch<PastEventInput>,
}

/// One row of `create_past_events`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PastEventOutcome {
    /// Position in the request, from 0.
    pub index: usize,
    /// The new event, when the row was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<u64>,
    /// Why the row was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What `create_past_events` did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PastEventsResult {
    /// Rows stored.
    pub accepted: usize,
    /// Rows refused.
    pub rejected: usize,
    /// Every row, in request order.
    pub rows: Vec<PastEventOutcome>,
}

/// Arguments of `get_contacts_activity_v2`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityArgs {
    /// Only these contacts (ids from list_contacts); all when left out.
    #[schemars(length(min = 1, max = 100))]
    pub contact_ids: Option<Vec<u64>>,
    /// Only these event types.
    #[schemars(length(min = 1, max = 20))]
    pub event_type_keys: Option<Vec<String>>,
    /// First day, YYYY-MM-DD.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[schemars(
        length(min = 10, max = 10),
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub date_to: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

impl State {
    /// Resolves a contact reference to an id.
    pub(crate) fn resolve(&self, who: &ContactRef) -> ToolResult<u64> {
        who.validate().map_err(ToolError::invalid_arguments)?;
        let found = if let Some(id) = who.contact_id {
            self.contacts.contains_key(&id).then_some(id)
        } else if let Some(email) = &who.email {
            self.contact_by_email(&normalise_email(email)?)
        } else if let Some(phone) = &who.phone {
            self.contact_by_phone(&normalise_phone(phone)?)
        } else {
            who.external_customer_id.as_deref().and_then(|e| {
                self.contacts
                    .values()
                    .find(|c| c.external_id.as_deref() == Some(e.trim()))
                    .map(|c| c.id)
            })
        };
        found.ok_or_else(|| {
            ToolError::not_found(
                "no such contact; check it with list_contacts or create it with upsert_contact",
            )
        })
    }

    fn check_event_type(&self, key: &str) -> ToolResult<()> {
        if self.event_types.iter().any(|t| t.key == key) {
            Ok(())
        } else {
            Err(ToolError::not_found(format!(
                "no event type {key:?}; take eventTypeKey from get_event_types"
            )))
        }
    }

    fn record_event(
        &mut self,
        contact_id: u64,
        key: &str,
        params: BTreeMap<String, String>,
        at: i64,
    ) -> u64 {
        let id = self.next_id();
        self.events.push(Event {
            id,
            contact_id,
            type_key: key.to_owned(),
            params,
            occurred_at: at,
        });
        id
    }

    fn past_event(&mut self, input: &PastEventInput) -> ToolResult<u64> {
        self.check_event_type(&input.event_type_key)?;
        let contact_id = self.resolve(&input.contact)?;
        let at = clock::parse_instant(&input.occurred_at).ok_or_else(|| {
            ToolError::invalid_parameter(format!(
                "occurredAt {:?} is not an RFC 3339 instant such as 2026-05-01T10:00:00Z",
                input.occurred_at
            ))
        })?;
        if at > self.now {
            return Err(ToolError::invalid_parameter(
                "occurredAt is in the future; report current events with create_event",
            ));
        }
        if at < self.now - MAX_PAST_DAYS * DAY {
            return Err(ToolError::invalid_parameter(format!(
                "occurredAt is more than {MAX_PAST_DAYS} days ago; older history is not accepted"
            )));
        }
        Ok(self.record_event(
            contact_id,
            &input.event_type_key,
            input.params.clone().unwrap_or_default(),
            at,
        ))
    }
}

fn event_view(e: &Event) -> EventView {
    EventView {
        id: e.id,
        contact_id: e.contact_id,
        event_type_key: e.type_key.clone(),
        params: e.params.clone(),
        occurred_at: clock::format(e.occurred_at),
    }
}

fn day_bound(text: Option<&str>, name: &str) -> ToolResult<Option<time::Date>> {
    text.map(|t| {
        clock::parse_date(t).ok_or_else(|| {
            ToolError::invalid_parameter(format!("{name} {t:?} is not a date written YYYY-MM-DD"))
        })
    })
    .transpose()
}

impl Account {
    /// `create_event`.
    pub fn create_event(&self, args: CreateEventArgs) -> ToolResult<EventView> {
        let mut state = self.lock();
        state.check_event_type(&args.event_type_key)?;
        let contact_id = state.resolve(&args.contact)?;
        let now = state.now;
        let id = state.record_event(
            contact_id,
            &args.event_type_key,
            args.params.unwrap_or_default(),
            now,
        );
        let event = state.events.iter().rev().find(|e| e.id == id);
        event
            .map(event_view)
            .ok_or_else(|| ToolError::internal("the new event vanished"))
    }

    /// `create_past_events`.
    pub fn create_past_events(&self, args: CreatePastEventsArgs) -> PastEventsResult {
        let mut state = self.lock();
        let rows: Vec<PastEventOutcome> = args
            .events
            .iter()
            .enumerate()
            .map(|(index, input)| match state.past_event(input) {
                Ok(id) => PastEventOutcome {
                    index,
                    event_id: Some(id),
                    error: None,
                },
                Err(e) => PastEventOutcome {
                    index,
                    event_id: None,
                    error: Some(format!("{}: {}", e.code(), e.message())),
                },
            })
            .collect();
        PastEventsResult {
            accepted: rows.iter().filter(|r| r.event_id.is_some()).count(),
            rejected: rows.iter().filter(|r| r.event_id.is_none()).count(),
            rows,
        }
    }

    /// `get_contacts_activity_v2`: newest first.
    pub fn contacts_activity(&self, args: ActivityArgs) -> ToolResult<Page<EventView>> {
        let state = self.lock();
        let from = day_bound(args.date_from.as_deref(), "dateFrom")?.map(clock::start_of);
        let to = day_bound(args.date_to.as_deref(), "dateTo")?.map(|d| clock::start_of(d) + DAY);
        if let (Some(f), Some(t)) = (from, to)
            && f >= t
        {
            return Err(ToolError::invalid_parameter("dateFrom is after dateTo"));
        }
        for id in args.contact_ids.iter().flatten() {
            state.contact(*id)?;
        }
        let mut hits: Vec<&Event> = state
            .events
            .iter()
            .filter(|e| {
                args.contact_ids
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&e.contact_id))
                    && args
                        .event_type_keys
                        .as_ref()
                        .is_none_or(|keys| keys.contains(&e.type_key))
                    && from.is_none_or(|f| e.occurred_at >= f)
                    && to.is_none_or(|t| e.occurred_at < t)
            })
            .collect();
        hits.sort_by_key(|e| std::cmp::Reverse((e.occurred_at, e.id)));
        Ok(Page::from_iter(hits, args.paging).map(event_view))
    }
}
