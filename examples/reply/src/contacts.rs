//! Contacts: lookup, filtering, create/update, history, ownership and the blacklist.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ApplyPatch, Batch, BatchOutcome, Page, Paging, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::sequences::{ContactStatus, Contacts};
use crate::workspace::state::{Contact, State, email_domain, next_key};
use crate::workspace::{Workspace, check, clock, contains_folded, non_blank};

/// What happened in a contact's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ActivityKind {
    /// The contact was created.
    ContactCreated,
    /// Contact fields were changed.
    ContactUpdated,
    /// An email went out.
    EmailSent,
    /// An email was opened.
    EmailOpened,
    /// The contact replied by email.
    EmailReplied,
    /// An email bounced.
    EmailBounced,
    /// A LinkedIn connection request went out.
    LinkedInInviteSent,
    /// The contact accepted a connection request.
    LinkedInInviteAccepted,
    /// A LinkedIn message went out.
    LinkedInMessageSent,
    /// The contact replied on LinkedIn.
    LinkedInReplied,
    /// A call was logged.
    CallLogged,
    /// A task about the contact was completed.
    TaskCompleted,
    /// The contact was enrolled in a sequence.
    AddedToSequence,
    /// The contact left a sequence.
    RemovedFromSequence,
    /// The per-sequence status changed.
    StatusChanged,
    /// Flagged as replied by hand.
    MarkedAsReplied,
    /// The replied flag was cleared by hand.
    ReplyFlagCleared,
    /// Ownership moved to another user.
    OwnerChanged,
    /// The address or domain was blacklisted.
    Blacklisted,
}

/// A contact as the contact tools return it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ContactSummary {
    /// Contact id, for every tool that takes contactId(s).
    pub id: u64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// LinkedIn profile URL.
    #[serde(rename = "LinkedInUrl", skip_serializing_if = "Option::is_none")]
    pub linkedin_url: Option<String>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Owning user id.
    pub owner_id: u64,
    /// Lists the contact belongs to.
    pub list_ids: Vec<u64>,
    /// Sequences the contact is enrolled in.
    pub sequence_ids: Vec<u64>,
    /// Whether the contact unsubscribed; no outreach reaches them.
    pub is_opted_out: bool,
    /// Whether the address or its domain is blacklisted; no outreach reaches them.
    pub is_blacklisted: bool,
    /// Whether the contact is flagged as having replied.
    pub has_replied: bool,
    /// Creation time, ISO 8601 UTC.
    pub created: String,
}

/// Builds the outward view of a contact.
pub fn summary(state: &State, c: &Contact) -> ContactSummary {
    ContactSummary {
        id: c.id,
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.email.clone(),
        linkedin_url: c.linkedin_url.clone(),
        company: c.company.clone(),
        title: c.title.clone(),
        phone: c.phone.clone(),
        city: c.city.clone(),
        country: c.country.clone(),
        owner_id: c.owner_id,
        list_ids: c.list_ids.clone(),
        sequence_ids: state
            .sequences
            .values()
            .filter(|s| s.enrollments.contains_key(&c.id))
            .map(|s| s.id)
            .collect(),
        is_opted_out: c.opted_out,
        is_blacklisted: state.is_blacklisted(c),
        has_replied: c.replied,
        created: clock::format(c.created_at),
    }
}

/// Lowercases a LinkedIn URL and drops its scheme, `www.` and trailing slash, so that
/// two spellings of one profile compare equal.
pub fn canonical_linkedin(url: &str) -> String {
    let url = url.trim().to_lowercase();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(&url);
    let url = url.strip_prefix("www.").unwrap_or(url);
    url.split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .to_owned()
}

fn check_email(email: &str) -> ToolResult<String> {
    let email = email.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(ToolError::invalid_parameter(format!(
            "email '{email}' is not a valid address; pass it as name@company.com"
        )))
    }
}

fn check_linkedin(url: &str) -> ToolResult<String> {
    let canonical = canonical_linkedin(url);
    if canonical.starts_with("linkedin.com/in/") && canonical.len() > "linkedin.com/in/".len() {
        Ok(format!("https://www.{canonical}"))
    } else {
        Err(ToolError::invalid_parameter(format!(
            "linkedInUrl '{url}' is not a LinkedIn profile URL; pass it as \
             https://www.linkedin.com/in/<profile>"
        )))
    }
}

/// Arguments of `reply_search_contacts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchContactsArgs {
    /// Exact email address to look up (case-insensitive).
    #[schemars(length(max = 320))]
    pub email: Option<String>,
    /// Exact LinkedIn profile URL to look up; scheme, www and a trailing slash are ignored.
    #[schemars(length(max = 500))]
    pub linked_in_url: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Validate for SearchContactsArgs {
    fn validate(&self) -> Result<(), String> {
        if non_blank(self.email.clone()).is_none()
            && non_blank(self.linked_in_url.clone()).is_none()
        {
            return Err(
                "At least one of email or linkedInUrl must be provided; this tool cannot \
                 search by name or company. If the user gave only a name, ask them for an \
                 email address or LinkedIn URL, or browse with reply_filter_contacts (term)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Arguments of `reply_filter_contacts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterContactsArgs {
    /// Only contacts on this list, from reply_search_lists.
    #[schemars(range(min = 1))]
    pub list_id: Option<u64>,
    /// Only contacts enrolled in this sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: Option<u64>,
    /// Free text matched against name, email and company, case-insensitive.
    #[schemars(length(max = 200))]
    pub term: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of `reply_create_contact`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateContactArgs {
    /// First name. A first or last name is required.
    #[schemars(length(max = 100))]
    pub first_name: Option<String>,
    /// Last name. A first or last name is required.
    #[schemars(length(max = 100))]
    pub last_name: Option<String>,
    /// Email address. An email or a LinkedIn URL is required.
    #[schemars(length(max = 320))]
    pub email: Option<String>,
    /// LinkedIn profile URL. An email or a LinkedIn URL is required.
    #[schemars(length(max = 500))]
    pub linked_in_url: Option<String>,
    /// Company name.
    #[schemars(length(max = 200))]
    pub company: Option<String>,
    /// Job title.
    #[schemars(length(max = 200))]
    pub title: Option<String>,
    /// Phone number.
    #[schemars(length(max = 50))]
    pub phone: Option<String>,
    /// City.
    #[schemars(length(max = 100))]
    pub city: Option<String>,
    /// Country.
    #[schemars(length(max = 100))]
    pub country: Option<String>,
    /// Owning user id, from reply_search_team_members; omitted means the current user.
    #[schemars(range(min = 1))]
    pub owner_id: Option<u64>,
    /// Lists to put the contact on, from reply_search_lists.
    #[schemars(length(max = 50))]
    pub list_ids: Option<Vec<u64>>,
}

impl Validate for CreateContactArgs {
    fn validate(&self) -> Result<(), String> {
        if non_blank(self.first_name.clone()).is_none()
            && non_blank(self.last_name.clone()).is_none()
        {
            return Err("a contact needs a name: pass firstName and/or lastName".into());
        }
        if non_blank(self.email.clone()).is_none()
            && non_blank(self.linked_in_url.clone()).is_none()
        {
            return Err(
                "a contact needs a way to reach them: pass email and/or linkedInUrl".into(),
            );
        }
        Ok(())
    }
}

/// Arguments of `reply_update_contact`; omitted or null fields keep their value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateContactArgs {
    /// Id of the contact, from reply_search_contacts or reply_filter_contacts.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// New first name.
    #[schemars(length(min = 1, max = 100))]
    pub first_name: Option<String>,
    /// New last name.
    #[schemars(length(min = 1, max = 100))]
    pub last_name: Option<String>,
    /// New email address.
    #[schemars(length(min = 3, max = 320))]
    pub email: Option<String>,
    /// New LinkedIn profile URL.
    #[schemars(length(min = 1, max = 500))]
    pub linked_in_url: Option<String>,
    /// New company name.
    #[schemars(length(max = 200))]
    pub company: Option<String>,
    /// New job title.
    #[schemars(length(max = 200))]
    pub title: Option<String>,
    /// New phone number.
    #[schemars(length(max = 50))]
    pub phone: Option<String>,
    /// New city.
    #[schemars(length(max = 100))]
    pub city: Option<String>,
    /// New country.
    #[schemars(length(max = 100))]
    pub country: Option<String>,
    /// Replaces the contact's list memberships with exactly these lists.
    #[schemars(length(max = 50))]
    pub list_ids: Option<Vec<u64>>,
}

/// Arguments naming one contact, with paging.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactActivityArgs {
    /// Id of the contact, from reply_search_contacts or reply_filter_contacts.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// One event in a contact's history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ActivityEntry {
    /// When it happened, ISO 8601 UTC.
    pub date: String,
    /// What happened.
    pub r#type: ActivityKind,
    /// The sequence involved, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_id: Option<u64>,
    /// A readable description.
    pub details: String,
}

/// Arguments of `reply_mark_contacts_as_replied`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkRepliedArgs {
    /// Ids of the contacts (1 to 100).
    pub contact_ids: Batch<u64>,
    /// true (the default) flags them as replied and finishes them in their sequences;
    /// false clears the flag.
    pub replied: Option<bool>,
}

/// Arguments of `reply_change_contact_owner`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeOwnerArgs {
    /// Ids of the contacts to reassign (1 to 100).
    pub contact_ids: Batch<u64>,
    /// User id of the new owner, from reply_search_team_members.
    #[schemars(range(min = 1))]
    pub new_owner_id: u64,
}

/// Arguments of `reply_blacklist_contact`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlacklistContactArgs {
    /// Id of the contact whose address (or domain) to block.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// true blocks every address on the contact's email domain, including contacts added
    /// later; false or omitted blocks only this address.
    pub block_entire_domain: Option<bool>,
}

/// What `reply_blacklist_contact` blocked.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct BlacklistResult {
    /// The contact named in the call.
    pub contact_id: u64,
    /// The address now blocked.
    pub blocked_email: String,
    /// The domain now blocked, when blockEntireDomain was true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_domain: Option<String>,
    /// Existing contacts now suppressed by this entry.
    pub affected_contact_ids: Vec<u64>,
    /// Sequence memberships set to Inactive because of it.
    pub stopped_enrollments: usize,
}

/// Email domains shared by the public; blocking one would block unrelated people.
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "aol.com",
];

impl Workspace {
    /// `reply_search_contacts`: contacts with exactly this email or LinkedIn URL.
    pub fn search_contacts(&self, args: SearchContactsArgs) -> ToolResult<Page<ContactSummary>> {
        check(&args)?;
        let state = self.read();
        let email = non_blank(args.email).map(|e| e.to_lowercase());
        let linkedin = non_blank(args.linked_in_url).map(|u| canonical_linkedin(&u));
        let hits = state
            .contacts
            .values()
            .filter(|c| {
                let by_email = email
                    .as_deref()
                    .is_some_and(|e| c.email.as_deref() == Some(e));
                let by_url = linkedin.as_deref().is_some_and(|u| {
                    c.linkedin_url.as_deref().map(canonical_linkedin).as_deref() == Some(u)
                });
                by_email || by_url
            })
            .map(|c| summary(&state, c));
        Ok(Page::from_iter(hits, args.paging))
    }

    /// `reply_filter_contacts`: contacts by list, sequence and free-text term.
    pub fn filter_contacts(&self, args: FilterContactsArgs) -> ToolResult<Page<ContactSummary>> {
        let state = self.read();
        if let Some(list_id) = args.list_id
            && !state.lists.contains_key(&list_id)
        {
            return Err(ToolError::not_found(format!(
                "no contact list with id {list_id}; find list ids with reply_search_lists"
            )));
        }
        let sequence = args.sequence_id.map(|id| state.sequence(id)).transpose()?;
        let term = non_blank(args.term);
        let hits = state
            .contacts
            .values()
            .filter(|c| args.list_id.is_none_or(|l| c.list_ids.contains(&l)))
            .filter(|c| sequence.is_none_or(|s| s.enrollments.contains_key(&c.id)))
            .filter(|c| {
                term.as_deref().is_none_or(|t| {
                    contains_folded(&c.full_name(), t)
                        || c.email.as_deref().is_some_and(|e| contains_folded(e, t))
                        || c.company
                            .as_deref()
                            .is_some_and(|co| contains_folded(co, t))
                })
            })
            .map(|c| summary(&state, c));
        Ok(Page::from_iter(hits, args.paging))
    }

    /// `reply_create_contact`: adds a contact; blacklist entries apply to it at once.
    pub fn create_contact(&self, args: CreateContactArgs) -> ToolResult<ContactSummary> {
        check(&args)?;
        let mut state = self.write();
        let email = non_blank(args.email).map(|e| check_email(&e)).transpose()?;
        let linkedin_url = non_blank(args.linked_in_url)
            .map(|u| check_linkedin(&u))
            .transpose()?;
        ensure_unique(&state, None, email.as_deref(), linkedin_url.as_deref())?;
        let owner_id = match args.owner_id {
            Some(id) => state.member(id)?.id,
            None => state.current_user_id,
        };
        let list_ids = args.list_ids.unwrap_or_default();
        check_lists(&state, &list_ids)?;
        let now = state.tick();
        let id = next_key(&state.contacts);
        let contact = Contact {
            id,
            first_name: non_blank(args.first_name).unwrap_or_default(),
            last_name: non_blank(args.last_name).unwrap_or_default(),
            email,
            linkedin_url,
            company: non_blank(args.company),
            title: non_blank(args.title),
            phone: non_blank(args.phone),
            city: non_blank(args.city),
            country: non_blank(args.country),
            owner_id,
            list_ids,
            opted_out: false,
            replied: false,
            created_at: now,
        };
        state.contacts.insert(id, contact);
        state.log(id, ActivityKind::ContactCreated, None, "contact created");
        Ok(summary(&state, state.contact(id)?))
    }

    /// `reply_update_contact`: patches the fields passed; a passed list replaces the old one.
    pub fn update_contact(&self, args: UpdateContactArgs) -> ToolResult<ContactSummary> {
        let mut state = self.write();
        state.contact(args.contact_id)?;
        let email = args.email.map(|e| check_email(&e)).transpose()?;
        let linkedin_url = args.linked_in_url.map(|u| check_linkedin(&u)).transpose()?;
        ensure_unique(
            &state,
            Some(args.contact_id),
            email.as_deref(),
            linkedin_url.as_deref(),
        )?;
        if let Some(list_ids) = &args.list_ids {
            check_lists(&state, list_ids)?;
        }
        state.tick();
        let c = state.contact_mut(args.contact_id)?;
        let mut changed = Vec::new();
        let mut note = |done: bool, field: &'static str| {
            if done {
                changed.push(field);
            }
        };
        note(args.first_name.apply_to(&mut c.first_name), "firstName");
        note(args.last_name.apply_to(&mut c.last_name), "lastName");
        note(email.apply_to(&mut c.email), "email");
        note(linkedin_url.apply_to(&mut c.linkedin_url), "linkedInUrl");
        note(args.company.apply_to(&mut c.company), "company");
        note(args.title.apply_to(&mut c.title), "title");
        note(args.phone.apply_to(&mut c.phone), "phone");
        note(args.city.apply_to(&mut c.city), "city");
        note(args.country.apply_to(&mut c.country), "country");
        note(args.list_ids.apply_to(&mut c.list_ids), "listIds");
        if !changed.is_empty() {
            let detail = format!("updated {}", changed.join(", "));
            state.log(args.contact_id, ActivityKind::ContactUpdated, None, detail);
        }
        Ok(summary(&state, state.contact(args.contact_id)?))
    }

    /// `reply_get_contact_activity`: one contact's history, newest first.
    pub fn get_contact_activity(
        &self,
        args: ContactActivityArgs,
    ) -> ToolResult<Page<ActivityEntry>> {
        let state = self.read();
        state.contact(args.contact_id)?;
        let mut events: Vec<_> = state
            .activities
            .iter()
            .enumerate()
            .filter(|(_, a)| a.contact_id == args.contact_id)
            .collect();
        events.sort_by(|(i, a), (j, b)| b.at.cmp(&a.at).then(j.cmp(i)));
        let entries = events.into_iter().map(|(_, a)| ActivityEntry {
            date: clock::format(a.at),
            r#type: a.kind,
            sequence_id: a.sequence_id,
            details: a.detail.clone(),
        });
        Ok(Page::from_iter(entries, args.paging))
    }

    /// `reply_mark_contacts_as_replied`: sets or clears the replied flag, per contact.
    pub fn mark_contacts_as_replied(
        &self,
        args: MarkRepliedArgs,
    ) -> ToolResult<BatchOutcome<u64, Contacts>> {
        let mut state = self.write();
        state.tick();
        let replied = args.replied.unwrap_or(true);
        let mut outcome = BatchOutcome::<u64, Contacts>::new();
        for &id in args.contact_ids.iter() {
            let Some(contact) = state.contacts.get_mut(&id) else {
                outcome.not_processed(id, "NotFound");
                continue;
            };
            if outcome.affected_ids().contains(&id) {
                continue;
            }
            contact.replied = replied;
            if replied {
                for sequence in state.sequences.values_mut() {
                    if let Some(e) = sequence.enrollments.get_mut(&id)
                        && matches!(
                            e.status,
                            ContactStatus::Active
                                | ContactStatus::Paused
                                | ContactStatus::OutOfOffice
                        )
                    {
                        e.status = ContactStatus::Finished;
                    }
                }
                state.log(
                    id,
                    ActivityKind::MarkedAsReplied,
                    None,
                    "marked as replied by hand",
                );
            } else {
                state.log(
                    id,
                    ActivityKind::ReplyFlagCleared,
                    None,
                    "replied flag cleared",
                );
            }
            outcome.affected(id);
        }
        Ok(outcome)
    }

    /// `reply_change_contact_owner`: reassigns contacts to another user, per contact.
    pub fn change_contact_owner(
        &self,
        args: ChangeOwnerArgs,
    ) -> ToolResult<BatchOutcome<u64, Contacts>> {
        let mut state = self.write();
        let new_owner = state.member(args.new_owner_id)?.name.clone();
        state.tick();
        let mut outcome = BatchOutcome::<u64, Contacts>::new();
        for &id in args.contact_ids.iter() {
            let Some(contact) = state.contacts.get_mut(&id) else {
                outcome.not_processed(id, "NotFound");
                continue;
            };
            if contact.owner_id == args.new_owner_id {
                if !outcome.affected_ids().contains(&id) {
                    outcome.not_processed(id, "AlreadyOwnedByUser");
                }
                continue;
            }
            let previous = contact.owner_id;
            contact.owner_id = args.new_owner_id;
            let detail = format!(
                "owner changed from {} to {new_owner}",
                state.member_name(previous)
            );
            state.log(id, ActivityKind::OwnerChanged, None, detail);
            outcome.affected(id);
        }
        Ok(outcome)
    }

    /// `reply_blacklist_contact`: blocks the contact's address or whole domain.
    pub fn blacklist_contact(&self, args: BlacklistContactArgs) -> ToolResult<BlacklistResult> {
        let mut state = self.write();
        let contact = state.contact(args.contact_id)?;
        let Some(email) = contact.email.clone() else {
            return Err(ToolError::invalid_input(format!(
                "contact {} has no email address, so there is nothing to blacklist; add one with \
                 reply_update_contact first, or set the contact Inactive in its sequences with \
                 reply_change_status_in_sequence",
                contact.id
            )));
        };
        let domain = email_domain(&email).unwrap_or_default().to_owned();
        let whole_domain = args.block_entire_domain.unwrap_or(false);
        if whole_domain && PUBLIC_MAIL_DOMAINS.contains(&domain.as_str()) {
            return Err(ToolError::invalid_input(format!(
                "{domain} is a public mail provider; blocking it would block unrelated people. \
                 Call again with blockEntireDomain false to block only {email}"
            )));
        }
        state.tick();
        state.blacklist.emails.insert(email.clone());
        if whole_domain {
            state.blacklist.domains.insert(domain.clone());
        }
        let affected: Vec<u64> = state
            .contacts
            .values()
            .filter(|c| state.is_blacklisted(c))
            .filter(|c| {
                c.id == args.contact_id
                    || (whole_domain && c.email.as_deref().and_then(email_domain) == Some(&domain))
            })
            .map(|c| c.id)
            .collect();
        let mut stopped = 0;
        for sequence in state.sequences.values_mut() {
            for id in &affected {
                if let Some(e) = sequence.enrollments.get_mut(id)
                    && matches!(
                        e.status,
                        ContactStatus::Active | ContactStatus::Paused | ContactStatus::OutOfOffice
                    )
                {
                    e.status = ContactStatus::Inactive;
                    stopped += 1;
                }
            }
        }
        state.drafts.retain(|d| !affected.contains(&d.contact_id));
        let detail = if whole_domain {
            format!("domain {domain} blacklisted")
        } else {
            format!("address {email} blacklisted")
        };
        for &id in &affected {
            state.log(id, ActivityKind::Blacklisted, None, detail.clone());
        }
        Ok(BlacklistResult {
            contact_id: args.contact_id,
            blocked_email: email,
            blocked_domain: whole_domain.then_some(domain),
            affected_contact_ids: affected,
            stopped_enrollments: stopped,
        })
    }
}

fn ensure_unique(
    state: &State,
    except: Option<u64>,
    email: Option<&str>,
    linkedin_url: Option<&str>,
) -> ToolResult<()> {
    let linkedin = linkedin_url.map(canonical_linkedin);
    for c in state.contacts.values().filter(|c| Some(c.id) != except) {
        if email.is_some() && c.email.as_deref() == email {
            return Err(ToolError::conflict(format!(
                "contact {} already has the email {}; update it with reply_update_contact \
                 instead of creating a duplicate",
                c.id,
                email.unwrap_or_default()
            )));
        }
        if linkedin.is_some() && c.linkedin_url.as_deref().map(canonical_linkedin) == linkedin {
            return Err(ToolError::conflict(format!(
                "contact {} already has this LinkedIn URL; update it with reply_update_contact \
                 instead of creating a duplicate",
                c.id
            )));
        }
    }
    Ok(())
}

fn check_lists(state: &State, list_ids: &[u64]) -> ToolResult<()> {
    match list_ids.iter().find(|id| !state.lists.contains_key(id)) {
        Some(id) => Err(ToolError::not_found(format!(
            "no contact list with id {id}; find list ids with reply_search_lists"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::{self, json};

    use super::*;
    use crate::workspace::args;

    fn code<T: std::fmt::Debug>(r: ToolResult<T>) -> String {
        r.expect_err("call should fail").code().to_string()
    }

    #[test]
    fn search_needs_an_exact_email_or_linkedin_url() {
        let ws = Workspace::sandbox();
        let err = ws
            .search_contacts(args(json!({})))
            .expect_err("nothing to search by");
        assert_eq!(err.code().as_str(), "InvalidArguments");
        assert!(err.message().contains("email or linkedInUrl"));
        let (email, url) = {
            let state = ws.read();
            let c = state.contact(3).expect("seeded");
            (c.email.clone().expect("email"), c.linkedin_url.clone())
        };
        let hit = ws
            .search_contacts(args(json!({"email": email.to_uppercase()})))
            .expect("search");
        assert_eq!(hit.items.len(), 1);
        assert_eq!(hit.items[0].id, 3);
        let partial = ws
            .search_contacts(args(json!({"email": &email[1..]})))
            .expect("search");
        assert!(partial.items.is_empty(), "substrings do not match");
        if let Some(url) = url {
            let loose = url.replace("https://www.", "http://") + "/";
            let by_url = ws
                .search_contacts(args(json!({"linkedInUrl": loose})))
                .expect("search");
            assert_eq!(by_url.items[0].id, 3);
        }
    }

    #[test]
    fn filter_by_list_sequence_and_term() {
        let ws = Workspace::sandbox();
        let founders = ws
            .filter_contacts(args(json!({"listId": 1, "top": 100})))
            .expect("filter");
        assert!(founders.items.iter().all(|c| c.list_ids.contains(&1)));
        let acme = ws
            .filter_contacts(args(json!({"term": "acme robotics", "top": 100})))
            .expect("filter");
        assert!(!acme.items.is_empty());
        assert!(
            acme.items
                .iter()
                .all(|c| c.company.as_deref() == Some("Acme Robotics"))
        );
        let in_seq = ws
            .filter_contacts(args(json!({"sequenceId": 4, "term": "acme"})))
            .expect("filter");
        assert!(in_seq.items.iter().all(|c| c.sequence_ids.contains(&4)));
        assert_eq!(
            code(ws.filter_contacts(args(json!({"listId": 99})))),
            "NotFound"
        );
    }

    #[test]
    fn create_validates_and_refuses_duplicates() {
        let ws = Workspace::sandbox();
        let nameless = ws.create_contact(args(json!({"email": "x@y.com"})));
        assert_eq!(code(nameless), "InvalidArguments");
        let unreachable = ws.create_contact(args(json!({"firstName": "Al"})));
        assert_eq!(code(unreachable), "InvalidArguments");
        let bad = ws.create_contact(args(json!({"firstName": "Al", "email": "not-an-email"})));
        assert_eq!(code(bad), "InvalidParameter");
        let created = ws
            .create_contact(args(json!({
                "firstName": "Ada", "lastName": "Byron", "email": "Ada@Engines.io",
                "company": "Engines", "listIds": [1]
            })))
            .expect("create");
        assert_eq!(created.email.as_deref(), Some("ada@engines.io"));
        assert_eq!(created.owner_id, 1);
        let again = ws.create_contact(args(json!({"firstName": "Ada", "email": "ada@engines.io"})));
        assert_eq!(code(again), "Conflict");
        let found = ws
            .search_contacts(args(json!({"email": "ada@engines.io"})))
            .expect("search");
        assert_eq!(found.items[0].id, created.id);
    }

    #[test]
    fn update_patches_only_passed_fields() {
        let ws = Workspace::sandbox();
        let before = ws
            .search_contacts(args(
                json!({"email": ws.read().contact(5).expect("c").email.clone()}),
            ))
            .expect("s")
            .items[0]
            .clone();
        let after = ws
            .update_contact(args(json!({"contactId": 5, "title": "Chief Revenue Officer", "listIds": [6], "city": null})))
            .expect("update");
        assert_eq!(after.title.as_deref(), Some("Chief Revenue Officer"));
        assert_eq!(after.list_ids, [6]);
        assert_eq!(after.city, before.city);
        assert_eq!(after.email, before.email);
        let taken = ws.update_contact(args(json!({"contactId": 5, "email": before.email.clone().map(|_| ws.read().contact(6).expect("c").email.clone())})));
        assert_eq!(code(taken), "Conflict");
        let activity = ws
            .get_contact_activity(args(json!({"contactId": 5, "top": 1})))
            .expect("activity");
        assert_eq!(activity.items[0].r#type, ActivityKind::ContactUpdated);
    }

    #[test]
    fn an_update_that_changes_nothing_logs_no_activity() {
        let ws = Workspace::sandbox();
        let history = |ws: &Workspace| ws.read().activities.len();
        let update = json!({"contactId": 5, "title": "Chief Revenue Officer", "listIds": [6]});
        ws.update_contact(args(update.clone())).expect("update");
        let logged = history(&ws);
        // An agent retrying the same update: the same answer, no second entry.
        let again = ws.update_contact(args(update)).expect("update again");
        assert_eq!(again.title.as_deref(), Some("Chief Revenue Officer"));
        assert_eq!(history(&ws), logged);
        ws.update_contact(args(json!({"contactId": 5, "title": "CRO"})))
            .expect("a real change");
        assert_eq!(history(&ws), logged + 1);
    }

    #[test]
    fn domain_blacklist_blocks_existing_and_future_contacts() {
        let ws = Workspace::sandbox();
        // Contact 1 works at Acme Robotics (acmerobotics.com).
        let result = ws
            .blacklist_contact(args(json!({"contactId": 1, "blockEntireDomain": true})))
            .expect("blacklist");
        assert_eq!(result.blocked_domain.as_deref(), Some("acmerobotics.com"));
        assert!(result.affected_contact_ids.len() > 1);
        let stats = ws
            .get_sequence_stats(args(json!({"sequenceId": 1})))
            .expect("stats");
        assert!(stats.contacts_by_status.inactive >= 1);
        let newcomer = ws
            .create_contact(args(json!({"firstName": "New", "lastName": "Hire", "email": "new.hire@acmerobotics.com"})))
            .expect("create");
        assert!(newcomer.is_blacklisted);
        let enrolled = ws
            .add_contact_to_sequence(args(json!({"sequenceId": 12, "contactIds": [newcomer.id]})))
            .expect("batch");
        assert_eq!(enrolled.skipped()[0].reason, "ContactInBlackList");
        assert!(enrolled.affected_ids().is_empty());
        let queue = ws
            .list_pending_approvals(args(json!({"top": 100})))
            .expect("queue");
        assert!(
            queue
                .items
                .iter()
                .all(|d| !result.affected_contact_ids.contains(&d.contact_id))
        );
    }

    #[test]
    fn blacklist_edge_cases() {
        let ws = Workspace::sandbox();
        // Contact 6 uses a personal gmail.com address.
        let public = ws.blacklist_contact(args(json!({"contactId": 6, "blockEntireDomain": true})));
        assert_eq!(code(public), "InvalidInput");
        let single = ws
            .blacklist_contact(args(json!({"contactId": 6})))
            .expect("address only");
        assert_eq!(single.affected_contact_ids, [6]);
        let no_email = ws.blacklist_contact(args(json!({"contactId": 321})));
        assert_eq!(code(no_email), "InvalidInput");
        assert_eq!(
            code(ws.blacklist_contact(args(json!({"contactId": 9999})))),
            "NotFound"
        );
    }

    #[test]
    fn owner_change_reports_per_contact() {
        let ws = Workspace::sandbox();
        let outcome = ws
            .change_contact_owner(args(json!({"contactIds": [1, 7, 424242], "newOwnerId": 2})))
            .expect("reassign");
        let value = serde_json::to_value(&outcome).expect("serialise");
        // Contact 7 is already owned by user 2.
        assert_eq!(value["AffectedContactIds"], json!([1]));
        assert_eq!(value["NotProcessed"][0]["Reason"], "AlreadyOwnedByUser");
        assert_eq!(value["NotProcessed"][1]["Reason"], "NotFound");
        let bad_user = ws.change_contact_owner(args(json!({"contactIds": [1], "newOwnerId": 99})));
        assert_eq!(code(bad_user), "NotFound");
    }

    #[test]
    fn marking_replied_finishes_enrollments_and_can_be_cleared() {
        let ws = Workspace::sandbox();
        let active_in_seq1 = {
            let state = ws.read();
            let seq = state.sequence(1).expect("seq");
            *seq.enrollments
                .iter()
                .find(|(_, e)| e.status == ContactStatus::Active)
                .map(|(id, _)| id)
                .expect("an active contact")
        };
        let outcome = ws
            .mark_contacts_as_replied(args(json!({"contactIds": [active_in_seq1, 555_555]})))
            .expect("mark");
        assert_eq!(outcome.affected_ids(), [active_in_seq1]);
        assert_eq!(outcome.skipped()[0].reason, "NotFound");
        let status = ws.read().sequence(1).expect("seq").enrollments[&active_in_seq1].status;
        assert_eq!(status, ContactStatus::Finished);
        ws.mark_contacts_as_replied(args(
            json!({"contactIds": [active_in_seq1], "replied": false}),
        ))
        .expect("clear");
        let history = ws
            .get_contact_activity(args(json!({"contactId": active_in_seq1})))
            .expect("activity");
        assert_eq!(history.items[0].r#type, ActivityKind::ReplyFlagCleared);
        assert_eq!(history.items[1].r#type, ActivityKind::MarkedAsReplied);
    }
}
