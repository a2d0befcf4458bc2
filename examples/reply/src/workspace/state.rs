//! The records the sandbox keeps: one table per kind of object, keyed by id.

use std::collections::{BTreeMap, BTreeSet};

use mcp_tools::{ToolError, ToolResult};

use crate::contacts::ActivityKind;
use crate::help::RequestCategory;
use crate::inbox::Channel;
use crate::playbooks::PlaybookVisibility;
use crate::sequences::{ContactStatus, ReplyMode, SequenceStatus, StepType};
use crate::tasks::{CallResolution, LinkedInTaskType, TaskType};
use crate::workspace::clock;

pub use crate::accounts::{EmailAccount, LinkedInAccount, Schedule};
pub use crate::handlers::ReplyHandler;
pub use crate::offers::Offer;
pub use crate::reengagement::ReengagementCard;

/// Everything the sandbox workspace knows.
#[derive(Debug, Clone)]
pub struct State {
    /// The sandbox clock; moves forward with every write.
    pub now: i64,
    /// The next id for records nested inside others (steps, variants, messages…).
    pub next_nested_id: u64,
    /// The user the tools act as.
    pub current_user_id: u64,
    /// Users of the workspace.
    pub team: BTreeMap<u64, TeamMember>,
    /// Connected mailboxes.
    pub email_accounts: BTreeMap<u64, EmailAccount>,
    /// Connected LinkedIn accounts.
    pub linkedin_accounts: BTreeMap<u64, LinkedInAccount>,
    /// Sending schedules.
    pub schedules: BTreeMap<u64, Schedule>,
    /// Contact lists.
    pub lists: BTreeMap<u64, ContactList>,
    /// Contacts.
    pub contacts: BTreeMap<u64, Contact>,
    /// Blocked addresses and domains.
    pub blacklist: Blacklist,
    /// Sequences, with their steps and enrolled contacts.
    pub sequences: BTreeMap<u64, Sequence>,
    /// Inbox threads.
    pub threads: BTreeMap<u64, Thread>,
    /// The inbox categories the workspace defines.
    pub inbox_categories: Vec<String>,
    /// Jason drafts waiting for review, at most one per sequence and contact.
    pub drafts: Vec<Draft>,
    /// Jason knowledge bases, with their sources, reply handlers and reengagement cards.
    pub knowledge_bases: BTreeMap<u64, KnowledgeBase>,
    /// Jason offers.
    pub offers: BTreeMap<u64, Offer>,
    /// Jason playbooks.
    pub playbooks: BTreeMap<u64, Playbook>,
    /// Tasks of every user.
    pub tasks: BTreeMap<u64, Task>,
    /// The per-contact activity log.
    pub activities: Vec<Activity>,
    /// Requests for capabilities the product lacks, as reported by agents.
    pub unsupported_requests: Vec<UnsupportedRequest>,
}

/// A user of the workspace.
#[derive(Debug, Clone)]
pub struct TeamMember {
    /// User id.
    pub id: u64,
    /// Full name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role in the workspace, such as `Owner` or `Member`.
    pub role: String,
}

/// A named list of contacts.
#[derive(Debug, Clone)]
pub struct ContactList {
    /// List id.
    pub id: u64,
    /// List name.
    pub name: String,
    /// Owning user.
    pub owner_id: u64,
}

/// A prospect.
#[derive(Debug, Clone)]
pub struct Contact {
    /// Contact id.
    pub id: u64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address, stored lowercase.
    pub email: Option<String>,
    /// LinkedIn profile URL.
    pub linkedin_url: Option<String>,
    /// Company name.
    pub company: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Owning user.
    pub owner_id: u64,
    /// Lists the contact belongs to.
    pub list_ids: Vec<u64>,
    /// Whether the contact unsubscribed from all outreach.
    pub opted_out: bool,
    /// Whether the contact is flagged as having replied.
    pub replied: bool,
    /// When the contact was created.
    pub created_at: i64,
}

impl Contact {
    /// First and last name joined.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// Blocked email addresses and whole domains.
#[derive(Debug, Clone, Default)]
pub struct Blacklist {
    /// Blocked addresses, lowercase.
    pub emails: BTreeSet<String>,
    /// Blocked domains, lowercase.
    pub domains: BTreeSet<String>,
}

impl Blacklist {
    /// Whether outreach to this address is blocked, by address or by domain.
    pub fn blocks(&self, email: Option<&str>) -> bool {
        let Some(email) = email else { return false };
        let email = email.to_lowercase();
        self.emails.contains(&email)
            || email_domain(&email).is_some_and(|domain| self.domains.contains(domain))
    }
}

/// The domain part of an email address.
pub fn email_domain(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, domain)| domain)
}

/// A sequence (campaign).
#[derive(Debug, Clone)]
pub struct Sequence {
    /// Sequence id.
    pub id: u64,
    /// Sequence name.
    pub name: String,
    /// Owning user.
    pub owner_id: u64,
    /// Run state.
    pub status: SequenceStatus,
    /// Whether the sequence is archived (read-only).
    pub archived: bool,
    /// When it was created.
    pub created_at: i64,
    /// Mailboxes it sends from.
    pub email_account_ids: Vec<u64>,
    /// LinkedIn account it runs LinkedIn steps from.
    pub linkedin_account_id: Option<u64>,
    /// Sending schedule.
    pub schedule_id: Option<u64>,
    /// Jason offer.
    pub offer_id: Option<u64>,
    /// Jason playbook.
    pub playbook_id: Option<u64>,
    /// Jason knowledge base.
    pub knowledge_base_id: Option<u64>,
    /// How Jason's drafts go out.
    pub reply_mode: ReplyMode,
    /// The most contacts the sequence may hold.
    pub contact_limit: usize,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// Enrolled contacts, by contact id.
    pub enrollments: BTreeMap<u64, Enrollment>,
}

impl Sequence {
    /// Whether any step sends email.
    pub fn has_email_steps(&self) -> bool {
        self.steps.iter().any(|s| s.kind == StepType::Email)
    }

    /// Whether any step runs on LinkedIn.
    pub fn has_linkedin_steps(&self) -> bool {
        self.steps.iter().any(|s| s.kind.is_linkedin())
    }
}

/// One step of a sequence.
#[derive(Debug, Clone)]
pub struct Step {
    /// Step id.
    pub id: u64,
    /// What the step does.
    pub kind: StepType,
    /// Days to wait after the previous step.
    pub delay_days: u32,
    /// A/B content variants.
    pub variants: Vec<Variant>,
}

/// One content variant of a step.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Variant id.
    pub id: u64,
    /// Email subject; empty for LinkedIn steps.
    pub subject: String,
    /// Message body.
    pub body: String,
    /// Whether the variant is in rotation.
    pub enabled: bool,
    /// Whether the variant carries attachments.
    pub has_attachments: bool,
}

/// A contact's membership of one sequence.
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// Status inside the sequence.
    pub status: ContactStatus,
    /// When the contact was added.
    pub added_at: i64,
    /// What outreach has done so far.
    pub delivery: Delivery,
}

/// Per-contact delivery counters inside one sequence, from which stats are computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Emails sent.
    pub emails_sent: u32,
    /// Emails delivered.
    pub emails_delivered: u32,
    /// Emails opened at least once.
    pub emails_opened: u32,
    /// Email replies received.
    pub emails_replied: u32,
    /// Emails bounced.
    pub emails_bounced: u32,
    /// Connection requests sent.
    pub invites_sent: u32,
    /// Connection requests accepted.
    pub invites_accepted: u32,
    /// LinkedIn messages sent.
    pub linkedin_messages_sent: u32,
    /// LinkedIn replies received.
    pub linkedin_replies: u32,
}

/// An inbox conversation with one contact on one channel.
#[derive(Debug, Clone)]
pub struct Thread {
    /// Thread id.
    pub id: u64,
    /// The contact on the other side.
    pub contact_id: u64,
    /// Email or LinkedIn.
    pub channel: Channel,
    /// Subject line (email) or a short title (LinkedIn).
    pub subject: String,
    /// The sequence the conversation started from.
    pub sequence_id: Option<u64>,
    /// Mailbox of an email thread.
    pub email_account_id: Option<u64>,
    /// LinkedIn account of a LinkedIn thread.
    pub linkedin_account_id: Option<u64>,
    /// Workspace category.
    pub category: Option<String>,
    /// Messages, oldest first.
    pub messages: Vec<Message>,
}

impl Thread {
    /// When the last message arrived or left.
    pub fn last_activity(&self) -> i64 {
        self.messages.last().map_or(0, |m| m.at)
    }
}

/// One message in a thread.
#[derive(Debug, Clone)]
pub struct Message {
    /// Message id.
    pub id: u64,
    /// Whether we sent it (true) or the contact did (false).
    pub outbound: bool,
    /// Text.
    pub body: String,
    /// When it was sent or received.
    pub at: i64,
}

/// A Jason draft waiting for review, addressed by sequence and contact.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The sequence it belongs to.
    pub sequence_id: u64,
    /// The contact it is for.
    pub contact_id: u64,
    /// Channel it will go out on.
    pub channel: Channel,
    /// Subject (email only).
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// When Jason wrote it.
    pub created_at: i64,
    /// How many times it has been regenerated.
    pub revision: u32,
}

/// A Jason knowledge base.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    /// Knowledge base id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Free-text instructions for Jason.
    pub instructions: String,
    /// Web-page sources.
    pub sources: Vec<Source>,
    /// Reply handlers.
    pub reply_handlers: Vec<ReplyHandler>,
    /// Reengagement cards.
    pub reengagement_cards: Vec<ReengagementCard>,
}

/// A web-page source of a knowledge base.
#[derive(Debug, Clone)]
pub struct Source {
    /// Source id.
    pub id: u64,
    /// Page URL.
    pub url: String,
    /// When it was added.
    pub added_at: i64,
}

/// A Jason playbook.
#[derive(Debug, Clone)]
pub struct Playbook {
    /// Playbook id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Short description.
    pub description: String,
    /// The selling instructions.
    pub body: String,
    /// Who can see it.
    pub visibility: PlaybookVisibility,
    /// Author.
    pub owner_id: u64,
}

/// A task of one user.
#[derive(Debug, Clone)]
pub struct Task {
    /// Task id.
    pub id: u64,
    /// Kind of task.
    pub task_type: TaskType,
    /// LinkedIn action, for LinkedIn tasks.
    pub linkedin_task_type: Option<LinkedInTaskType>,
    /// What to do.
    pub title: String,
    /// Extra notes.
    pub note: Option<String>,
    /// The contact it concerns.
    pub contact_id: Option<u64>,
    /// The sequence that created it.
    pub sequence_id: Option<u64>,
    /// The user it belongs to.
    pub owner_id: u64,
    /// Due time.
    pub due_at: Option<i64>,
    /// Completion time.
    pub completed_at: Option<i64>,
    /// Outcome of a completed call.
    pub call_resolution: Option<CallResolution>,
}

/// One event in a contact's history.
#[derive(Debug, Clone)]
pub struct Activity {
    /// The contact.
    pub contact_id: u64,
    /// When it happened.
    pub at: i64,
    /// What happened.
    pub kind: ActivityKind,
    /// The sequence involved.
    pub sequence_id: Option<u64>,
    /// A readable detail line.
    pub detail: String,
}

/// A capability request the product could not serve.
#[derive(Debug, Clone)]
pub struct UnsupportedRequest {
    /// Stable kebab-case key.
    pub request_key: String,
    /// Product area.
    pub category: RequestCategory,
    /// What the user asked for.
    pub description: Option<String>,
    /// When it was reported.
    pub at: i64,
}

/// The next free key of a table.
pub fn next_key<T>(table: &BTreeMap<u64, T>) -> u64 {
    table.keys().next_back().map_or(1, |last| last + 1)
}

impl State {
    /// Moves the clock forward a minute and returns the new time.
    pub fn tick(&mut self) -> i64 {
        self.now += 60;
        self.now
    }

    /// Hands out an id for a nested record.
    pub fn mint(&mut self) -> u64 {
        self.next_nested_id += 1;
        self.next_nested_id
    }

    /// Appends an event to a contact's history.
    pub fn log(
        &mut self,
        contact_id: u64,
        kind: ActivityKind,
        sequence_id: Option<u64>,
        detail: impl Into<String>,
    ) {
        let at = self.now;
        self.activities.push(Activity {
            contact_id,
            at,
            kind,
            sequence_id,
            detail: detail.into(),
        });
    }

    /// Whether outreach to a contact is blocked by the blacklist.
    pub fn is_blacklisted(&self, contact: &Contact) -> bool {
        self.blacklist.blocks(contact.email.as_deref())
    }

    /// The sequence with this id, or a `NotFound` naming the resolver.
    pub fn sequence(&self, id: u64) -> ToolResult<&Sequence> {
        self.sequences.get(&id).ok_or_else(|| missing_sequence(id))
    }

    /// The sequence with this id for writing, or a `NotFound`.
    pub fn sequence_mut(&mut self, id: u64) -> ToolResult<&mut Sequence> {
        self.sequences
            .get_mut(&id)
            .ok_or_else(|| missing_sequence(id))
    }

    /// The contact with this id, or a `NotFound` naming the resolvers.
    pub fn contact(&self, id: u64) -> ToolResult<&Contact> {
        self.contacts.get(&id).ok_or_else(|| missing_contact(id))
    }

    /// The contact with this id for writing, or a `NotFound`.
    pub fn contact_mut(&mut self, id: u64) -> ToolResult<&mut Contact> {
        self.contacts
            .get_mut(&id)
            .ok_or_else(|| missing_contact(id))
    }

    /// The team member with this id, or a `NotFound`.
    pub fn member(&self, id: u64) -> ToolResult<&TeamMember> {
        self.team.get(&id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no team member with user id {id}; resolve user ids with reply_search_team_members"
            ))
        })
    }

    /// The knowledge base with this id, or a `NotFound`.
    pub fn knowledge_base(&self, id: u64) -> ToolResult<&KnowledgeBase> {
        self.knowledge_bases
            .get(&id)
            .ok_or_else(|| missing_knowledge_base(id))
    }

    /// The knowledge base with this id for writing, or a `NotFound`.
    pub fn knowledge_base_mut(&mut self, id: u64) -> ToolResult<&mut KnowledgeBase> {
        self.knowledge_bases
            .get_mut(&id)
            .ok_or_else(|| missing_knowledge_base(id))
    }

    /// A contact's display name, or a placeholder for a deleted one.
    pub fn contact_name(&self, id: u64) -> String {
        self.contacts
            .get(&id)
            .map_or_else(|| format!("contact {id}"), Contact::full_name)
    }

    /// A user's display name.
    pub fn member_name(&self, id: u64) -> String {
        self.team
            .get(&id)
            .map_or_else(|| format!("user {id}"), |m| m.name.clone())
    }

    /// The current time as ISO 8601.
    pub fn now_text(&self) -> String {
        clock::format(self.now)
    }
}

fn missing_sequence(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no sequence with id {id}; find sequence ids with reply_search_sequences"
    ))
}

fn missing_contact(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no contact with id {id}; find contact ids with reply_search_contacts (by email or \
         LinkedIn URL) or reply_filter_contacts"
    ))
}

fn missing_knowledge_base(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no knowledge base with id {id}; find knowledge base ids with reply_list_knowledge_bases"
    ))
}
