//! Sequences: discovery, run control, enrollment and configuration.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Batch, BatchLabel, BatchOutcome, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::contacts::ActivityKind;
use crate::inbox::Channel;
use crate::workspace::state::{Delivery, Enrollment, Sequence, State};
use crate::workspace::{Workspace, clock, contains_folded, non_blank};

/// Run state of a sequence; also the values `reply_search_sequences` filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SequenceStatus {
    /// Created but never started.
    New,
    /// Sending outreach.
    Active,
    /// Stopped; can be resumed.
    Paused,
}

/// Status of one contact inside one sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ContactStatus {
    /// Receiving the sequence's steps.
    Active,
    /// Held; no steps go out until set back to Active.
    Paused,
    /// Went through the sequence or replied.
    Finished,
    /// Stopped for good (bounced, blacklisted, removed from outreach).
    Inactive,
    /// Away; steps resume when the contact is back.
    OutOfOffice,
}

/// How Jason's drafts for a sequence go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ReplyMode {
    /// Every draft waits in the approval queue.
    Review,
    /// Drafts are sent without approval.
    Autonomous,
}

/// What a sequence step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum StepType {
    /// Sends an email.
    Email,
    /// Sends a LinkedIn connection request.
    LinkedInConnect,
    /// Sends a LinkedIn message.
    LinkedInMessage,
    /// Visits the contact's LinkedIn profile.
    LinkedInViewProfile,
    /// Creates a call task.
    Call,
}

impl StepType {
    /// Whether the step runs on LinkedIn.
    pub fn is_linkedin(self) -> bool {
        matches!(
            self,
            Self::LinkedInConnect | Self::LinkedInMessage | Self::LinkedInViewProfile
        )
    }
}

/// The default capacity of a sequence, in contacts.
pub const DEFAULT_CONTACT_LIMIT: usize = 1_000;

/// Names the affected list of contact batches `AffectedContactIds`.
#[derive(Debug, Clone, Copy)]
pub struct Contacts;

impl BatchLabel for Contacts {
    const AFFECTED_IDS: &'static str = "AffectedContactIds";
}

/// Arguments of `reply_search_sequences`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchSequencesArgs {
    /// Part of the sequence name to look for, case-insensitive. Omit to list all.
    #[schemars(length(max = 200))]
    pub name: Option<String>,
    /// Only sequences in this run state.
    pub status: Option<SequenceStatus>,
    /// true lists only archived sequences; false or omitted lists only live ones.
    pub archived: Option<bool>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// One sequence in a search result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceSummary {
    /// Sequence id, for every other sequence tool.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Run state.
    pub status: SequenceStatus,
    /// Whether the sequence is archived.
    pub is_archived: bool,
    /// Owning user id.
    pub owner_id: u64,
    /// Owning user's name.
    pub owner_name: String,
    /// Contacts enrolled, in any per-sequence status.
    pub contact_count: usize,
    /// Number of steps.
    pub step_count: usize,
    /// Jason reply mode.
    pub reply_mode: ReplyMode,
    /// Creation time, ISO 8601 UTC.
    pub created: String,
}

/// Arguments naming one sequence.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SequenceRef {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
}

/// The ordered steps of a sequence.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceSteps {
    /// The sequence.
    pub sequence_id: u64,
    /// Steps in the order they run.
    pub steps: Vec<StepSummary>,
}

/// One step of a sequence.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct StepSummary {
    /// Step id, for reply_get_sequence_step_variants.
    pub id: u64,
    /// 1-based position in the flow.
    pub position: usize,
    /// What the step does.
    pub r#type: StepType,
    /// Days waited after the previous step (0 for the first step: same day as enrollment).
    pub delay_days: u32,
    /// Number of content variants (A/B versions).
    pub variant_count: usize,
}

/// Arguments of `reply_get_sequence_step_variants`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepVariantsArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the step, from reply_get_sequence_steps.
    #[schemars(range(min = 1))]
    pub step_id: u64,
}

/// One content variant of a step.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct VariantView {
    /// Variant id.
    pub id: u64,
    /// Variant letter in the A/B test (A, B, C…).
    pub label: String,
    /// Email subject; empty for LinkedIn steps.
    pub subject: String,
    /// Message body, with {{placeholders}} unresolved.
    pub body: String,
    /// Whether the variant is in rotation.
    pub is_enabled: bool,
    /// Whether the variant carries attachments.
    pub has_attachments: bool,
}

/// The variants of one step.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct StepVariants {
    /// The sequence.
    pub sequence_id: u64,
    /// The step.
    pub step_id: u64,
    /// The step's type.
    pub step_type: StepType,
    /// Its variants.
    pub variants: Vec<VariantView>,
}

/// The run state of a sequence after a start or pause.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceRunState {
    /// The sequence.
    pub sequence_id: u64,
    /// Its name.
    pub name: String,
    /// State before the call.
    pub previous_status: SequenceStatus,
    /// State now.
    pub status: SequenceStatus,
    /// Contacts that will receive steps (per-sequence status Active).
    pub active_contacts: usize,
    /// Notes the caller should pass on, such as an unhealthy LinkedIn account.
    pub warnings: Vec<String>,
}

/// Arguments of `reply_add_contact_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddContactsArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Ids of existing contacts (1 to 100), from reply_search_contacts or reply_filter_contacts.
    pub contact_ids: Batch<u64>,
}

/// Arguments of `reply_change_status_in_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeStatusArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of a contact enrolled in that sequence.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// The new per-sequence status.
    pub status: ContactStatus,
}

/// A contact's per-sequence status after a change.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EnrollmentStatus {
    /// The sequence.
    pub sequence_id: u64,
    /// The contact.
    pub contact_id: u64,
    /// Status before the call.
    pub previous_status: ContactStatus,
    /// Status now.
    pub status: ContactStatus,
}

/// Arguments of `reply_assign_email_account_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignEmailAccountArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the mailbox, from reply_list_email_accounts.
    #[schemars(range(min = 1))]
    pub email_account_id: u64,
}

/// Arguments of `reply_assign_linkedin_account_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignLinkedInAccountArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the LinkedIn account, from reply_list_linkedin_accounts.
    #[schemars(range(min = 1))]
    pub linked_in_account_id: u64,
}

/// Arguments of `reply_assign_schedule_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignScheduleArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the schedule, from reply_list_schedules.
    #[schemars(range(min = 1))]
    pub schedule_id: u64,
}

/// Arguments of `reply_attach_offer_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachOfferArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the offer, from reply_list_offers.
    #[schemars(range(min = 1))]
    pub offer_id: u64,
}

/// Arguments of `reply_attach_playbook_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachPlaybookArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the playbook, from reply_list_playbooks.
    #[schemars(range(min = 1))]
    pub playbook_id: u64,
}

/// Arguments of `reply_attach_knowledge_base_to_sequence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachKnowledgeBaseArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the knowledge base, from reply_list_knowledge_bases.
    #[schemars(range(min = 1))]
    pub knowledge_base_id: u64,
}

/// Arguments of `reply_set_sequence_reply_mode`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetReplyModeArgs {
    /// Id of the sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Review queues every Jason draft for approval; Autonomous sends without approval.
    pub reply_mode: ReplyMode,
    /// With Autonomous: true also sends the drafts already waiting in the queue for this
    /// sequence; false or omitted leaves them for review.
    pub send_existing_drafts: Option<bool>,
}

/// How a sequence is wired after an assign or attach call.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceSetup {
    /// The sequence.
    pub sequence_id: u64,
    /// Its name.
    pub name: String,
    /// Mailboxes it sends from.
    pub email_account_ids: Vec<u64>,
    /// LinkedIn account for LinkedIn steps.
    #[serde(rename = "LinkedInAccountId", skip_serializing_if = "Option::is_none")]
    pub linkedin_account_id: Option<u64>,
    /// Sending schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<u64>,
    /// Jason offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<u64>,
    /// Jason playbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub playbook_id: Option<u64>,
    /// Jason knowledge base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knowledge_base_id: Option<u64>,
    /// Jason reply mode.
    pub reply_mode: ReplyMode,
    /// Problems to pass on to the user, such as a disconnected mailbox.
    pub warnings: Vec<String>,
}

/// The outcome of `reply_set_sequence_reply_mode`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ReplyModeChange {
    /// The sequence.
    pub sequence_id: u64,
    /// Mode before the call.
    pub previous_reply_mode: ReplyMode,
    /// Mode now.
    pub reply_mode: ReplyMode,
    /// Queued drafts sent by this call.
    pub drafts_sent: usize,
    /// Drafts of this sequence still waiting for review.
    pub drafts_pending: usize,
}

fn archived_error(sequence: &Sequence, action: &str) -> ToolError {
    ToolError::new(
        "Archived",
        format!(
            "sequence {} ('{}') is archived and cannot {action}; pick a live sequence with \
             reply_search_sequences (archived: false)",
            sequence.id, sequence.name
        ),
    )
}

fn summary(state: &State, s: &Sequence) -> SequenceSummary {
    SequenceSummary {
        id: s.id,
        name: s.name.clone(),
        status: s.status,
        is_archived: s.archived,
        owner_id: s.owner_id,
        owner_name: state.member_name(s.owner_id),
        contact_count: s.enrollments.len(),
        step_count: s.steps.len(),
        reply_mode: s.reply_mode,
        created: clock::format(s.created_at),
    }
}

fn setup(state: &State, s: &Sequence) -> SequenceSetup {
    SequenceSetup {
        sequence_id: s.id,
        name: s.name.clone(),
        email_account_ids: s.email_account_ids.clone(),
        linkedin_account_id: s.linkedin_account_id,
        schedule_id: s.schedule_id,
        offer_id: s.offer_id,
        playbook_id: s.playbook_id,
        knowledge_base_id: s.knowledge_base_id,
        reply_mode: s.reply_mode,
        warnings: account_warnings(state, s),
    }
}

/// Health problems of the accounts a sequence sends from.
fn account_warnings(state: &State, s: &Sequence) -> Vec<String> {
    let mut warnings = Vec::new();
    for id in &s.email_account_ids {
        if let Some(account) = state.email_accounts.get(id).filter(|a| !a.is_connected) {
            warnings.push(format!(
                "email account {} ({}) is disconnected; emails from it will fail until it is \
                 reconnected in Settings > Email Accounts",
                account.id, account.email
            ));
        }
    }
    if let Some(account) = s
        .linkedin_account_id
        .and_then(|id| state.linkedin_accounts.get(&id))
        .filter(|a| !a.is_cookie_healthy)
    {
        warnings.push(format!(
            "LinkedIn account {} ({}) has an unhealthy session cookie; LinkedIn steps will stall \
             until it is reconnected in Settings > LinkedIn Accounts",
            account.id, account.name
        ));
    }
    warnings
}

/// Checks that a sequence may be reconfigured and returns it for writing.
fn configurable(state: &mut State, id: u64) -> ToolResult<&mut Sequence> {
    let sequence = state.sequence_mut(id)?;
    if sequence.archived {
        return Err(archived_error(sequence, "be reconfigured"));
    }
    Ok(sequence)
}

impl Workspace {
    /// `reply_search_sequences`: sequences by name substring, status and archive flag.
    pub fn search_sequences(&self, args: SearchSequencesArgs) -> ToolResult<Page<SequenceSummary>> {
        let state = self.read();
        let name = non_blank(args.name);
        let archived = args.archived.unwrap_or(false);
        let hits = state
            .sequences
            .values()
            .rev()
            .filter(|s| s.archived == archived)
            .filter(|s| args.status.is_none_or(|status| s.status == status))
            .filter(|s| name.as_deref().is_none_or(|n| contains_folded(&s.name, n)))
            .map(|s| summary(&state, s));
        Ok(Page::from_iter(hits, args.paging))
    }

    /// `reply_get_sequence_steps`: the ordered steps of one sequence.
    pub fn get_sequence_steps(&self, args: SequenceRef) -> ToolResult<SequenceSteps> {
        let state = self.read();
        let sequence = state.sequence(args.sequence_id)?;
        Ok(SequenceSteps {
            sequence_id: sequence.id,
            steps: sequence
                .steps
                .iter()
                .enumerate()
                .map(|(i, step)| StepSummary {
                    id: step.id,
                    position: i + 1,
                    r#type: step.kind,
                    delay_days: step.delay_days,
                    variant_count: step.variants.len(),
                })
                .collect(),
        })
    }

    /// `reply_get_sequence_step_variants`: the A/B content variants of one step.
    pub fn get_sequence_step_variants(&self, args: StepVariantsArgs) -> ToolResult<StepVariants> {
        let state = self.read();
        let sequence = state.sequence(args.sequence_id)?;
        let step = sequence
            .steps
            .iter()
            .find(|s| s.id == args.step_id)
            .ok_or_else(|| {
                ToolError::not_found(format!(
                    "sequence {} has no step with id {}; list its step ids with \
                     reply_get_sequence_steps",
                    sequence.id, args.step_id
                ))
            })?;
        Ok(StepVariants {
            sequence_id: sequence.id,
            step_id: step.id,
            step_type: step.kind,
            variants: step
                .variants
                .iter()
                .zip('A'..='Z')
                .map(|(v, label)| VariantView {
                    id: v.id,
                    label: label.to_string(),
                    subject: v.subject.clone(),
                    body: v.body.clone(),
                    is_enabled: v.enabled,
                    has_attachments: v.has_attachments,
                })
                .collect(),
        })
    }

    /// `reply_start_sequence`: starts a new sequence or resumes a paused one.
    pub fn start_sequence(&self, args: SequenceRef) -> ToolResult<SequenceRunState> {
        let mut state = self.write();
        let sequence = state.sequence(args.sequence_id)?;
        if sequence.archived {
            return Err(archived_error(sequence, "be started"));
        }
        if sequence.status == SequenceStatus::Active {
            return Err(ToolError::new(
                "InvalidStatusTransition",
                format!(
                    "sequence {} ('{}') is already Active; only New or Paused sequences can be \
                     started",
                    sequence.id, sequence.name
                ),
            ));
        }
        if sequence.has_email_steps() && sequence.email_account_ids.is_empty() {
            return Err(ToolError::new(
                "NoEmailAccounts",
                format!(
                    "sequence {} has email steps but no mailbox; pick one with \
                     reply_list_email_accounts and link it with \
                     reply_assign_email_account_to_sequence, then start again",
                    sequence.id
                ),
            ));
        }
        if sequence.has_linkedin_steps() && sequence.linkedin_account_id.is_none() {
            return Err(ToolError::invalid_input(format!(
                "sequence {} has LinkedIn steps but no LinkedIn account; pick one with \
                 reply_list_linkedin_accounts and link it with \
                 reply_assign_linkedin_account_to_sequence, then start again",
                sequence.id
            )));
        }
        if sequence.enrollments.is_empty() {
            return Err(ToolError::new(
                "NoContacts",
                format!(
                    "sequence {} has no contacts; enroll some with reply_add_contact_to_sequence, \
                     then start again",
                    sequence.id
                ),
            ));
        }
        let warnings = account_warnings(&state, sequence);
        state.tick();
        let sequence = state.sequence_mut(args.sequence_id)?;
        let previous_status = sequence.status;
        sequence.status = SequenceStatus::Active;
        Ok(run_state(sequence, previous_status, warnings))
    }

    /// `reply_pause_sequence`: stops an active sequence from sending.
    pub fn pause_sequence(&self, args: SequenceRef) -> ToolResult<SequenceRunState> {
        let mut state = self.write();
        state.tick();
        let sequence = state.sequence_mut(args.sequence_id)?;
        if sequence.archived {
            return Err(archived_error(sequence, "be paused"));
        }
        if sequence.status != SequenceStatus::Active {
            return Err(ToolError::new(
                "InvalidStatusTransition",
                format!(
                    "sequence {} ('{}') is {:?}; only an Active sequence can be paused",
                    sequence.id, sequence.name, sequence.status
                ),
            ));
        }
        sequence.status = SequenceStatus::Paused;
        Ok(run_state(sequence, SequenceStatus::Active, Vec::new()))
    }

    /// `reply_add_contact_to_sequence`: enrolls up to 100 contacts, item by item.
    ///
    /// Skips are reported per contact (`NotFound`, `ContactAlreadyInSequence`,
    /// `ContactInBlackList`, `ContactOptedOut`); if the enrollable contacts would
    /// take the sequence past its capacity, the whole call fails with
    /// `ContactLimitExceeded` and nobody is added.
    pub fn add_contact_to_sequence(
        &self,
        args: AddContactsArgs,
    ) -> ToolResult<BatchOutcome<u64, Contacts>> {
        let mut state = self.write();
        let sequence = state.sequence(args.sequence_id)?;
        if sequence.archived {
            return Err(archived_error(sequence, "take new contacts"));
        }
        let mut outcome = BatchOutcome::<u64, Contacts>::new();
        let mut accepted: Vec<u64> = Vec::new();
        for &id in args.contact_ids.iter() {
            let reason = match state.contacts.get(&id) {
                None => Some("NotFound"),
                Some(_) if sequence.enrollments.contains_key(&id) || accepted.contains(&id) => {
                    Some("ContactAlreadyInSequence")
                }
                Some(contact) if state.is_blacklisted(contact) => Some("ContactInBlackList"),
                Some(contact) if contact.opted_out => Some("ContactOptedOut"),
                Some(_) => None,
            };
            match reason {
                Some(reason) => outcome.not_processed(id, reason),
                None => accepted.push(id),
            }
        }
        let total = sequence.enrollments.len() + accepted.len();
        if total > sequence.contact_limit {
            return Err(ToolError::new(
                "ContactLimitExceeded",
                format!(
                    "sequence {} holds at most {} contacts and has {}; adding {} would make {}. \
                     Nothing was added; send at most {} contact ids or use another sequence",
                    sequence.id,
                    sequence.contact_limit,
                    sequence.enrollments.len(),
                    accepted.len(),
                    total,
                    sequence.contact_limit - sequence.enrollments.len()
                ),
            ));
        }
        let now = state.tick();
        let sequence = state.sequence_mut(args.sequence_id)?;
        for &id in &accepted {
            sequence.enrollments.insert(
                id,
                Enrollment {
                    status: ContactStatus::Active,
                    added_at: now,
                    delivery: Delivery::default(),
                },
            );
        }
        let name = sequence.name.clone();
        for &id in &accepted {
            state.log(
                id,
                ActivityKind::AddedToSequence,
                Some(args.sequence_id),
                format!("added to sequence '{name}'"),
            );
            outcome.affected(id);
        }
        Ok(outcome)
    }

    /// `reply_change_status_in_sequence`: sets one contact's per-sequence status.
    pub fn change_status_in_sequence(
        &self,
        args: ChangeStatusArgs,
    ) -> ToolResult<EnrollmentStatus> {
        let mut state = self.write();
        state.contact(args.contact_id)?;
        state.tick();
        let sequence = state.sequence_mut(args.sequence_id)?;
        if sequence.archived {
            return Err(archived_error(sequence, "change contact statuses"));
        }
        let enrollment = sequence
            .enrollments
            .get_mut(&args.contact_id)
            .ok_or_else(|| {
                ToolError::not_found(format!(
                    "contact {} is not in sequence {}; enroll it with \
                     reply_add_contact_to_sequence or check reply_get_contact_activity",
                    args.contact_id, args.sequence_id
                ))
            })?;
        let previous_status = enrollment.status;
        enrollment.status = args.status;
        let name = sequence.name.clone();
        state.log(
            args.contact_id,
            ActivityKind::StatusChanged,
            Some(args.sequence_id),
            format!(
                "status in '{name}' changed from {previous_status:?} to {:?}",
                args.status
            ),
        );
        Ok(EnrollmentStatus {
            sequence_id: args.sequence_id,
            contact_id: args.contact_id,
            previous_status,
            status: args.status,
        })
    }

    /// `reply_assign_email_account_to_sequence`: adds a mailbox to a sequence.
    pub fn assign_email_account_to_sequence(
        &self,
        args: AssignEmailAccountArgs,
    ) -> ToolResult<SequenceSetup> {
        let mut state = self.write();
        if !state.email_accounts.contains_key(&args.email_account_id) {
            return Err(ToolError::not_found(format!(
                "no email account with id {}; list mailboxes with reply_list_email_accounts",
                args.email_account_id
            )));
        }
        let sequence = configurable(&mut state, args.sequence_id)?;
        if !sequence.email_account_ids.contains(&args.email_account_id) {
            sequence.email_account_ids.push(args.email_account_id);
        }
        state.tick();
        Ok(setup(&state, state.sequence(args.sequence_id)?))
    }

    /// `reply_assign_linkedin_account_to_sequence`: sets the LinkedIn account of a sequence.
    pub fn assign_linkedin_account_to_sequence(
        &self,
        args: AssignLinkedInAccountArgs,
    ) -> ToolResult<SequenceSetup> {
        let mut state = self.write();
        if !state
            .linkedin_accounts
            .contains_key(&args.linked_in_account_id)
        {
            return Err(ToolError::not_found(format!(
                "no LinkedIn account with id {}; list them with reply_list_linkedin_accounts",
                args.linked_in_account_id
            )));
        }
        configurable(&mut state, args.sequence_id)?.linkedin_account_id =
            Some(args.linked_in_account_id);
        state.tick();
        Ok(setup(&state, state.sequence(args.sequence_id)?))
    }

    /// `reply_assign_schedule_to_sequence`: sets the sending schedule of a sequence.
    pub fn assign_schedule_to_sequence(
        &self,
        args: AssignScheduleArgs,
    ) -> ToolResult<SequenceSetup> {
        let mut state = self.write();
        if !state.schedules.contains_key(&args.schedule_id) {
            return Err(ToolError::not_found(format!(
                "no schedule with id {}; list schedules with reply_list_schedules",
                args.schedule_id
            )));
        }
        configurable(&mut state, args.sequence_id)?.schedule_id = Some(args.schedule_id);
        state.tick();
        Ok(setup(&state, state.sequence(args.sequence_id)?))
    }

    /// `reply_attach_offer_to_sequence`: sets the Jason offer of a sequence.
    pub fn attach_offer_to_sequence(&self, args: AttachOfferArgs) -> ToolResult<SequenceSetup> {
        let mut state = self.write();
        if !state.offers.contains_key(&args.offer_id) {
            return Err(ToolError::not_found(format!(
                "no offer with id {}; list offers with reply_list_offers",
                args.offer_id
            )));
        }
        configurable(&mut state, args.sequence_id)?.offer_id = Some(args.offer_id);
        state.tick();
        Ok(setup(&state, state.sequence(args.sequence_id)?))
    }

    /// `reply_attach_playbook_to_sequence`: sets the Jason playbook of a sequence.
    pub fn attach_playbook_to_sequence(
        &self,
        args: AttachPlaybookArgs,
    ) -> ToolResult<SequenceSetup> {
        let mut state = self.write();
        if !state.playbooks.contains_key(&args.playbook_id) {
            return Err(ToolError::not_found(format!(
                "no playbook with id {}; list playbooks with reply_list_playbooks",
                args.playbook_id
            )));
        }
        configurable(&mut state, args.sequence_id)?.playbook_id = Some(args.playbook_id);
        state.tick();
        Ok(setup(&state, state.sequence(args.sequence_id)?))
    }

    /// `reply_attach_knowledge_base_to_sequence`: sets the Jason knowledge base of a sequence.
    pub fn attach_knowledge_base_to_sequence(
        &self,
        args: AttachKnowledgeBaseArgs,
    ) -> ToolResult<SequenceSetup> {
        let mut state = self.write();
        state.knowledge_base(args.knowledge_base_id)?;
        configurable(&mut state, args.sequence_id)?.knowledge_base_id =
            Some(args.knowledge_base_id);
        state.tick();
        Ok(setup(&state, state.sequence(args.sequence_id)?))
    }

    /// `reply_set_sequence_reply_mode`: switches Jason between Review and Autonomous.
    pub fn set_sequence_reply_mode(&self, args: SetReplyModeArgs) -> ToolResult<ReplyModeChange> {
        let mut state = self.write();
        state.tick();
        let sequence = configurable(&mut state, args.sequence_id)?;
        let previous_reply_mode = sequence.reply_mode;
        sequence.reply_mode = args.reply_mode;
        let mut drafts_sent = 0;
        if args.reply_mode == ReplyMode::Autonomous && args.send_existing_drafts == Some(true) {
            let queued: Vec<u64> = state
                .drafts
                .iter()
                .filter(|d| d.sequence_id == args.sequence_id)
                .map(|d| d.contact_id)
                .collect();
            for contact_id in queued {
                if crate::approvals::send_draft(
                    &mut state,
                    args.sequence_id,
                    contact_id,
                    None,
                    None,
                )
                .is_ok()
                {
                    drafts_sent += 1;
                }
            }
        }
        let drafts_pending = state
            .drafts
            .iter()
            .filter(|d| d.sequence_id == args.sequence_id)
            .count();
        Ok(ReplyModeChange {
            sequence_id: args.sequence_id,
            previous_reply_mode,
            reply_mode: args.reply_mode,
            drafts_sent,
            drafts_pending,
        })
    }
}

fn run_state(
    sequence: &Sequence,
    previous_status: SequenceStatus,
    warnings: Vec<String>,
) -> SequenceRunState {
    SequenceRunState {
        sequence_id: sequence.id,
        name: sequence.name.clone(),
        previous_status,
        status: sequence.status,
        active_contacts: sequence
            .enrollments
            .values()
            .filter(|e| e.status == ContactStatus::Active)
            .count(),
        warnings,
    }
}

/// The channel a sequence's next outreach would use for a contact.
pub fn primary_channel(sequence: &Sequence) -> Channel {
    if sequence.has_email_steps() {
        Channel::Email
    } else {
        Channel::LinkedIn
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
    fn search_filters_and_pages() {
        let ws = Workspace::sandbox();
        let live = ws.search_sequences(args(json!({}))).expect("search");
        assert!(live.items.iter().all(|s| !s.is_archived));
        let archived = ws
            .search_sequences(args(json!({"archived": true})))
            .expect("search");
        assert_eq!(archived.items.len(), 2);
        let new = ws
            .search_sequences(args(json!({"status": "New"})))
            .expect("search");
        assert!(new.items.iter().all(|s| s.status == SequenceStatus::New));
        let named = ws
            .search_sequences(args(json!({"name": "q3 outbound"})))
            .expect("search");
        assert_eq!(named.items.len(), 2);
        let first = ws
            .search_sequences(args(json!({"top": 3})))
            .expect("page 1");
        assert_eq!(first.items.len(), 3);
        assert!(first.has_more);
        let rest = ws
            .search_sequences(args(json!({"top": 100, "skip": 3})))
            .expect("page 2");
        assert!(!rest.has_more);
        assert_eq!(rest.items.len() + 3, live.items.len());
    }

    #[test]
    fn steps_and_variants() {
        let ws = Workspace::sandbox();
        let steps = ws
            .get_sequence_steps(args(json!({"sequenceId": 1})))
            .expect("steps");
        assert!(steps.steps.iter().any(|s| s.r#type == StepType::Email));
        assert!(steps.steps.iter().any(|s| s.r#type.is_linkedin()));
        let first = &steps.steps[0];
        let variants = ws
            .get_sequence_step_variants(args(json!({"sequenceId": 1, "stepId": first.id})))
            .expect("variants");
        assert_eq!(variants.variants.len(), first.variant_count);
        assert!(variants.variants.iter().any(|v| !v.is_enabled));
        let wrong =
            ws.get_sequence_step_variants(args(json!({"sequenceId": 2, "stepId": first.id})));
        assert_eq!(code(wrong), "NotFound");
        assert_eq!(
            code(ws.get_sequence_steps(args(json!({"sequenceId": 999})))),
            "NotFound"
        );
    }

    #[test]
    fn start_and_pause_enforce_the_rules() {
        let ws = Workspace::sandbox();
        let start = |id: u64| ws.start_sequence(args(json!({"sequenceId": id})));
        assert_eq!(code(start(5)), "NoEmailAccounts");
        assert_eq!(code(start(6)), "NoContacts");
        assert_eq!(code(start(9)), "Archived");
        assert_eq!(code(start(1)), "InvalidStatusTransition");
        let pause = |id: u64| ws.pause_sequence(args(json!({"sequenceId": id})));
        assert_eq!(code(pause(12)), "InvalidStatusTransition");
        assert_eq!(code(pause(3)), "InvalidStatusTransition");

        let started = start(12).expect("New sequence with mailbox and contacts starts");
        assert_eq!(started.previous_status, SequenceStatus::New);
        assert_eq!(started.status, SequenceStatus::Active);
        let resumed = start(3).expect("Paused sequence resumes");
        assert_eq!(resumed.previous_status, SequenceStatus::Paused);
        let paused = pause(1).expect("Active sequence pauses");
        assert_eq!(paused.status, SequenceStatus::Paused);
        let seen = ws
            .search_sequences(args(json!({"status": "Paused"})))
            .expect("search");
        assert!(seen.items.iter().any(|s| s.id == 1));

        // Fixing the configuration makes the failing start succeed.
        ws.assign_email_account_to_sequence(args(json!({"sequenceId": 5, "emailAccountId": 1})))
            .expect("assign");
        start(5).expect("configured sequence starts");
    }

    #[test]
    fn enrollment_reports_each_contact() {
        let ws = Workspace::sandbox();
        // 80 is on the blacklisted rivalreach.io domain, 8 opted out, 1 is new here.
        let outcome = ws
            .add_contact_to_sequence(args(json!({
                "sequenceId": 6,
                "contactIds": [1, 80, 8, 999_999, 1]
            })))
            .expect("batch");
        let value = serde_json::to_value(&outcome).expect("serialise");
        assert_eq!(value["Affected"], 1);
        assert_eq!(value["AffectedContactIds"], json!([1]));
        let reasons: Vec<_> = value["NotProcessed"]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["Reason"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            reasons,
            [
                "ContactInBlackList",
                "ContactOptedOut",
                "NotFound",
                "ContactAlreadyInSequence"
            ]
        );
        let again = ws
            .add_contact_to_sequence(args(json!({"sequenceId": 6, "contactIds": [1]})))
            .expect("batch");
        assert_eq!(again.skipped()[0].reason, "ContactAlreadyInSequence");
        let members = ws
            .filter_contacts(args(json!({"sequenceId": 6})))
            .expect("filter");
        assert_eq!(members.items.len(), 1);
    }

    #[test]
    fn capacity_is_enforced_for_the_whole_batch() {
        let ws = Workspace::sandbox();
        let err = ws
            .add_contact_to_sequence(args(json!({"sequenceId": 8, "contactIds": [1, 2]})))
            .expect_err("25-contact cap with 24 enrolled");
        assert_eq!(err.code().as_str(), "ContactLimitExceeded");
        assert_eq!(
            ws.get_sequence_stats(args(json!({"sequenceId": 8})))
                .expect("stats")
                .total_contacts,
            24
        );
        ws.add_contact_to_sequence(args(json!({"sequenceId": 8, "contactIds": [1]})))
            .expect("one more fits");
    }

    #[test]
    fn per_sequence_status_changes() {
        let ws = Workspace::sandbox();
        let changed = ws
            .change_status_in_sequence(args(
                json!({"sequenceId": 1, "contactId": 2, "status": "OutOfOffice"}),
            ))
            .expect("change");
        assert_eq!(changed.status, ContactStatus::OutOfOffice);
        let back = ws
            .change_status_in_sequence(args(
                json!({"sequenceId": 1, "contactId": 2, "status": "Active"}),
            ))
            .expect("change");
        assert_eq!(back.previous_status, ContactStatus::OutOfOffice);
        let outsider = ws.change_status_in_sequence(args(
            json!({"sequenceId": 1, "contactId": 200, "status": "Paused"}),
        ));
        assert_eq!(code(outsider), "NotFound");
    }

    #[test]
    fn configuration_validates_ids_and_flags_unhealthy_accounts() {
        let ws = Workspace::sandbox();
        let setup = ws
            .assign_linkedin_account_to_sequence(args(
                json!({"sequenceId": 12, "linkedInAccountId": 2}),
            ))
            .expect("assign");
        assert_eq!(setup.linkedin_account_id, Some(2));
        assert!(setup.warnings.iter().any(|w| w.contains("cookie")));
        let missing = [
            code(ws.assign_linkedin_account_to_sequence(args(
                json!({"sequenceId": 12, "linkedInAccountId": 77}),
            ))),
            code(ws.assign_email_account_to_sequence(args(
                json!({"sequenceId": 12, "emailAccountId": 77}),
            ))),
            code(ws.assign_schedule_to_sequence(args(json!({"sequenceId": 12, "scheduleId": 77})))),
            code(ws.attach_offer_to_sequence(args(json!({"sequenceId": 12, "offerId": 77})))),
            code(ws.attach_playbook_to_sequence(args(json!({"sequenceId": 12, "playbookId": 77})))),
            code(ws.attach_knowledge_base_to_sequence(args(
                json!({"sequenceId": 12, "knowledgeBaseId": 77}),
            ))),
        ];
        assert!(missing.iter().all(|c| c == "NotFound"));
        let wired = ws
            .attach_knowledge_base_to_sequence(args(
                json!({"sequenceId": 12, "knowledgeBaseId": 2}),
            ))
            .expect("attach");
        assert_eq!(wired.knowledge_base_id, Some(2));
        let kb = ws
            .get_knowledge_base(args(json!({"knowledgeBaseId": 2})))
            .expect("kb");
        assert!(kb.attached_sequence_ids.contains(&12));
        let archived = ws.attach_offer_to_sequence(args(json!({"sequenceId": 9, "offerId": 1})));
        assert_eq!(code(archived), "Archived");
    }

    #[test]
    fn autonomous_mode_can_flush_the_queue() {
        let ws = Workspace::sandbox();
        let pending = |id: u64| {
            ws.list_pending_approvals(args(json!({"sequenceId": id, "top": 100})))
                .expect("queue")
                .items
                .len()
        };
        let before = pending(1);
        assert!(before > 0);
        let kept = ws
            .set_sequence_reply_mode(args(json!({"sequenceId": 3, "replyMode": "Autonomous"})))
            .expect("mode");
        assert_eq!(kept.drafts_sent, 0);
        assert_eq!(kept.drafts_pending, pending(3));
        let sent_before = ws
            .get_sequence_stats(args(json!({"sequenceId": 1})))
            .expect("stats")
            .emails_sent;
        let flushed = ws
            .set_sequence_reply_mode(args(json!({
                "sequenceId": 1, "replyMode": "Autonomous", "sendExistingDrafts": true
            })))
            .expect("mode");
        assert_eq!(flushed.previous_reply_mode, ReplyMode::Review);
        assert_eq!(flushed.drafts_sent, before);
        assert_eq!(pending(1), 0);
        let sent_after = ws
            .get_sequence_stats(args(json!({"sequenceId": 1})))
            .expect("stats")
            .emails_sent;
        assert_eq!(sent_after, sent_before + before as u32);
    }
}
