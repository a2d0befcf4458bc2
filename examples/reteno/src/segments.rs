//! Segments (groups): static ones hold an explicit member list the agent may
//! change; dynamic ones are computed from a rule and are read-only here.

use std::collections::BTreeSet;

use mcp_tools::{Batch, BatchLabel, BatchOutcome, Page, Paging, ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock::{self, DAY};
use crate::account::state::State;
use crate::codes;
use crate::contacts::ContactView;

/// Whether a segment's members are listed or computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// Members are added and removed explicitly; attach/detach work.
    Static,
    /// Members follow a rule; attach/detach are refused.
    Dynamic,
}

/// The rule of a dynamic segment.
#[derive(Debug, Clone)]
pub enum SegmentRule {
    /// Contacts with this language code.
    Language(String),
    /// Contacts whose custom field has this value.
    Field(String, String),
    /// Contacts created in the last so many days.
    CreatedWithinDays(i64),
}

/// A segment as stored.
#[derive(Debug, Clone)]
pub struct Group {
    /// Segment id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// The rule of a dynamic segment; `None` for a static one.
    pub rule: Option<SegmentRule>,
    /// The members of a static segment.
    pub members: BTreeSet<u64>,
    /// Creation time.
    pub created_at: i64,
}

/// A segment as listed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SegmentView {
    /// Segment id, the groupId of the other segment tools.
    pub id: u64,
    /// Name.
    pub name: String,
    /// static or dynamic; only static segments can be changed.
    pub kind: SegmentKind,
    /// The rule of a dynamic segment, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Members now.
    pub contact_count: usize,
    /// Creation time, ISO 8601 UTC.
    pub created_at: String,
}

/// Arguments of `list_groups`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListGroupsArgs {
    /// Only segments of this kind.
    pub kind: Option<SegmentKind>,
    /// Part of the segment name, case-insensitive.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of `get_group_contacts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupContactsArgs {
    /// The segment (id from list_groups).
    #[schemars(range(min = 1))]
    pub group_id: u64,
    /// Only members whose name, email or phone contains this text.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of `attach_group_contacts` and `detach_group_contacts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembersArgs {
    /// A static segment (id from list_groups with kind static).
    #[schemars(range(min = 1))]
    pub group_id: u64,
    /// 1 to 100 contact ids (from list_contacts or get_contacts_by_email).
    pub contact_ids: Batch<u64>,
}

/// Names the affected list of segment batch results `AffectedContactIds`.
#[derive(Debug, Clone, Copy)]
pub struct Contacts;

impl BatchLabel for Contacts {
    const AFFECTED_IDS: &'static str = "AffectedContactIds";
}

impl SegmentRule {
    fn describe(&self) -> String {
        match self {
            Self::Language(l) => format!("language code is {l}"),
            Self::Field(k, v) => format!("custom field {k} is {v}"),
            Self::CreatedWithinDays(d) => format!("created in the last {d} days"),
        }
    }
}

impl State {
    /// The members of a segment now.
    pub(crate) fn group_members(&self, group: &Group) -> BTreeSet<u64> {
        match &group.rule {
            None => group.members.clone(),
            Some(rule) => self
                .contacts
                .values()
                .filter(|c| match rule {
                    SegmentRule::Language(l) => c.language.as_ref() == Some(l),
                    SegmentRule::Field(k, v) => c.fields.get(k) == Some(v),
                    SegmentRule::CreatedWithinDays(d) => c.created_at >= self.now - d * DAY,
                })
                .map(|c| c.id)
                .collect(),
        }
    }

    /// A segment by id.
    pub(crate) fn group(&self, id: u64) -> ToolResult<&Group> {
        self.groups.get(&id).ok_or_else(|| {
            ToolError::not_found(format!("no segment {id}; take groupId from list_groups"))
        })
    }

    fn segment_view(&self, g: &Group) -> SegmentView {
        SegmentView {
            id: g.id,
            name: g.name.clone(),
            kind: if g.rule.is_some() {
                SegmentKind::Dynamic
            } else {
                SegmentKind::Static
            },
            rule: g.rule.as_ref().map(SegmentRule::describe),
            contact_count: self.group_members(g).len(),
            created_at: clock::format(g.created_at),
        }
    }

    fn static_group(&mut self, id: u64, verb: &str) -> ToolResult<&mut Group> {
        let group = self.group(id)?;
        if group.rule.is_some() {
            return Err(ToolError::new(
                codes::DYNAMIC_SEGMENT,
                format!(
                    "segment {id} ({}) is dynamic: its members follow a rule, so contacts cannot be {verb}; \
                     only static segments can be changed (list_groups with kind static)",
                    group.name
                ),
            ));
        }
        self.groups
            .get_mut(&id)
            .ok_or_else(|| ToolError::internal("the segment vanished"))
    }
}

impl Account {
    /// `list_groups`.
    pub fn list_groups(&self, args: ListGroupsArgs) -> Page<SegmentView> {
        let state = self.lock();
        let query = args.query.as_deref().map(str::to_lowercase);
        let hits = state
            .groups
            .values()
            .map(|g| state.segment_view(g))
            .filter(|g| {
                args.kind.is_none_or(|k| g.kind == k)
                    && query
                        .as_deref()
                        .is_none_or(|q| g.name.to_lowercase().contains(q))
            });
        Page::from_iter(hits, args.paging)
    }

    /// `get_group_contacts`.
    pub fn group_contacts(&self, args: GroupContactsArgs) -> ToolResult<Page<ContactView>> {
        let state = self.lock();
        let members = state.group_members(state.group(args.group_id)?);
        let query = args.query.as_deref().map(str::to_lowercase);
        let hits = members
            .iter()
            .filter_map(|id| state.contacts.get(id))
            .filter(|c| {
                query.as_deref().is_none_or(|q| {
                    [&c.email, &c.phone, &c.first_name, &c.last_name]
                        .into_iter()
                        .flatten()
                        .any(|v| v.to_lowercase().contains(q))
                })
            });
        Ok(Page::from_iter(hits, args.paging).map(|c| state.contact_view(c)))
    }

    /// `attach_group_contacts`.
    pub fn attach_group_contacts(
        &self,
        args: GroupMembersArgs,
    ) -> ToolResult<BatchOutcome<u64, Contacts>> {
        let mut state = self.lock();
        state.static_group(args.group_id, "attached")?;
        let mut outcome = BatchOutcome::new();
        for id in args.contact_ids {
            if !state.contacts.contains_key(&id) {
                outcome.not_processed(id, "NotFound");
                continue;
            }
            let group = state.static_group(args.group_id, "attached")?;
            if group.members.insert(id) {
                outcome.affected(id);
            } else {
                outcome.not_processed(id, "AlreadyInSegment");
            }
        }
        Ok(outcome)
    }

    /// `detach_group_contacts`.
    pub fn detach_group_contacts(
        &self,
        args: GroupMembersArgs,
    ) -> ToolResult<BatchOutcome<u64, Contacts>> {
        let mut state = self.lock();
        let group = state.static_group(args.group_id, "detached")?;
        let mut outcome = BatchOutcome::new();
        for id in args.contact_ids {
            if group.members.remove(&id) {
                outcome.affected(id);
            } else {
                outcome.not_processed(id, "NotInSegment");
            }
        }
        Ok(outcome)
    }
}
