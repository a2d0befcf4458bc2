//! Sequence tools: discovery, run control, enrollment and configuration.

use mcp_tools::{BatchOutcome, Page, State, ToolResult, tool};

use crate::sequences::{
    AddContactsArgs, AssignEmailAccountArgs, AssignLinkedInAccountArgs, AssignScheduleArgs,
    AttachKnowledgeBaseArgs, AttachOfferArgs, AttachPlaybookArgs, ChangeStatusArgs, Contacts,
    EnrollmentStatus, ReplyModeChange, SearchSequencesArgs, SequenceRef, SequenceRunState,
    SequenceSetup, SequenceSteps, SequenceSummary, SetReplyModeArgs, StepVariants,
    StepVariantsArgs,
};
use crate::workspace::Workspace;

/// Lists the sequences (outreach campaigns) of the workspace, newest first, optionally
/// narrowed by a case-insensitive name fragment, a run status (New, Active, Paused) and the
/// archive flag (archived sequences are hidden unless archived is true).
///
/// This is the resolver for every sequenceId: when the user names a sequence, search by
/// name, and if more than one matches, show the candidates and let the user choose.
/// Returns Items and HasMore; page with top (default 20, max 100) and skip.
#[tool(read_only, name = "reply_search_sequences")]
pub async fn search_sequences(
    State(ws): State<Workspace>,
    #[args] args: SearchSequencesArgs,
) -> ToolResult<Page<SequenceSummary>> {
    ws.search_sequences(args)
}

/// Returns the steps of one sequence in the order they run: each step's id, type (Email,
/// LinkedInConnect, LinkedInMessage, LinkedInViewProfile, Call), delay in days and number of
/// A/B content variants.
///
/// Use it before starting a sequence to see which channels it needs (email steps need a
/// mailbox, LinkedIn steps a LinkedIn account), and to get the stepId for
/// reply_get_sequence_step_variants. sequenceId comes from reply_search_sequences.
/// Errors: NotFound when no sequence has that id.
#[tool(read_only, name = "reply_get_sequence_steps")]
pub async fn get_sequence_steps(
    State(ws): State<Workspace>,
    #[args] args: SequenceRef,
) -> ToolResult<SequenceSteps> {
    ws.get_sequence_steps(args)
}

/// Returns the content variants (A/B versions) of one step of a sequence: subject, body
/// with its {{placeholders}}, whether the variant is enabled and whether it has attachments.
///
/// sequenceId comes from reply_search_sequences, stepId from reply_get_sequence_steps.
/// Errors: NotFound when the sequence does not exist or has no step with that id.
#[tool(read_only, name = "reply_get_sequence_step_variants")]
pub async fn get_sequence_step_variants(
    State(ws): State<Workspace>,
    #[args] args: StepVariantsArgs,
) -> ToolResult<StepVariants> {
    ws.get_sequence_step_variants(args)
}

/// Starts a New sequence or resumes a Paused one: from now on it sends its steps to every
/// contact whose per-sequence status is Active. This reaches prospects, so confirm with the
/// user first ("Start X? This begins outreach to N contacts") and never retry blindly; check
/// with reply_search_sequences whether it is already Active.
///
/// Configure before starting: a mailbox for email steps (reply_assign_email_account_to_sequence),
/// a LinkedIn account for LinkedIn steps, a schedule, and contacts. Warnings in the result
/// (such as an unhealthy LinkedIn account) must be passed on to the user.
/// Errors: NoEmailAccounts — link a mailbox, then start again; NoContacts — enroll contacts
/// with reply_add_contact_to_sequence first; InvalidInput — LinkedIn steps without a LinkedIn
/// account; Archived — archived sequences cannot run, pick a live one;
/// InvalidStatusTransition — the sequence is already Active; NotFound — unknown sequenceId.
#[tool(destructive, open_world, name = "reply_start_sequence")]
pub async fn start_sequence(
    State(ws): State<Workspace>,
    #[args] args: SequenceRef,
) -> ToolResult<SequenceRunState> {
    ws.start_sequence(args)
}

/// Pauses an Active sequence so it stops sending; contacts keep their place and
/// reply_start_sequence resumes it. Confirm with the user first: it affects live outreach.
///
/// sequenceId comes from reply_search_sequences.
/// Errors: InvalidStatusTransition — only an Active sequence can be paused (it is New or
/// already Paused; nothing to do); Archived — archived sequences cannot change;
/// NotFound — unknown sequenceId.
#[tool(destructive, idempotent, name = "reply_pause_sequence")]
pub async fn pause_sequence(
    State(ws): State<Workspace>,
    #[args] args: SequenceRef,
) -> ToolResult<SequenceRunState> {
    ws.pause_sequence(args)
}

/// Enrolls existing contacts (1 to 100 ids) in a sequence so they start receiving its steps
/// once it runs. Confirm with the user before enrolling: it commits people to outreach.
///
/// Resolve contactIds with reply_search_contacts (exact email or LinkedIn URL) or
/// reply_filter_contacts, and the sequenceId with reply_search_sequences. The call succeeds
/// per item: AffectedContactIds lists who was enrolled, NotProcessed lists each skipped id
/// with its reason (ContactAlreadyInSequence, ContactInBlackList, ContactOptedOut, NotFound).
/// Report exact counts from those lists ("enrolled 8 of 10") and verify with
/// reply_get_contact_activity.
/// Errors: ContactLimitExceeded — the sequence would exceed its capacity, nothing was added;
/// send fewer ids or use another sequence; Archived — the sequence is archived;
/// NotFound — unknown sequenceId.
#[tool(destructive, open_world, name = "reply_add_contact_to_sequence")]
pub async fn add_contact_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AddContactsArgs,
) -> ToolResult<BatchOutcome<u64, Contacts>> {
    ws.add_contact_to_sequence(args)
}

/// Sets the per-sequence status of one contact inside one sequence: Active (receives steps),
/// Paused (held), Finished (done), Inactive (stopped for good) or OutOfOffice (resumes later).
/// The contact's other sequences are untouched.
///
/// sequenceId comes from reply_search_sequences, contactId from reply_search_contacts or
/// reply_filter_contacts (with sequenceId to list the sequence's contacts).
/// Errors: NotFound — unknown sequence or contact, or the contact is not enrolled in that
/// sequence; Archived — the sequence is archived.
#[tool(destructive, idempotent, name = "reply_change_status_in_sequence")]
pub async fn change_status_in_sequence(
    State(ws): State<Workspace>,
    #[args] args: ChangeStatusArgs,
) -> ToolResult<EnrollmentStatus> {
    ws.change_status_in_sequence(args)
}

/// Links a mailbox to a sequence so its email steps can be sent from it; a sequence may send
/// from several mailboxes. Needed before starting a sequence that has email steps.
///
/// emailAccountId comes from reply_list_email_accounts (prefer a connected one; the result's
/// Warnings flag a disconnected mailbox), sequenceId from reply_search_sequences.
/// Errors: NotFound — unknown mailbox or sequence; Archived — the sequence is archived.
#[tool(
    destructive,
    idempotent,
    name = "reply_assign_email_account_to_sequence"
)]
pub async fn assign_email_account_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AssignEmailAccountArgs,
) -> ToolResult<SequenceSetup> {
    ws.assign_email_account_to_sequence(args)
}

/// Sets the LinkedIn account a sequence runs its LinkedIn steps from, replacing any
/// previous one. Needed before starting a sequence that has LinkedIn steps.
///
/// linkedInAccountId comes from reply_list_linkedin_accounts; warn the user when its cookie
/// is unhealthy (the result's Warnings say so). sequenceId comes from reply_search_sequences.
/// Errors: NotFound — unknown LinkedIn account or sequence; Archived — the sequence is archived.
#[tool(
    destructive,
    idempotent,
    name = "reply_assign_linkedin_account_to_sequence"
)]
pub async fn assign_linkedin_account_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AssignLinkedInAccountArgs,
) -> ToolResult<SequenceSetup> {
    ws.assign_linkedin_account_to_sequence(args)
}

/// Sets the sending schedule (the days and hours steps may go out, in a time zone) of a
/// sequence, replacing the previous one.
///
/// scheduleId comes from reply_list_schedules, sequenceId from reply_search_sequences.
/// Errors: NotFound — unknown schedule or sequence; Archived — the sequence is archived.
#[tool(destructive, idempotent, name = "reply_assign_schedule_to_sequence")]
pub async fn assign_schedule_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AssignScheduleArgs,
) -> ToolResult<SequenceSetup> {
    ws.assign_schedule_to_sequence(args)
}

/// Attaches a Jason offer (what the AI SDR pitches) to a sequence, replacing the previous
/// one. Review the offer with reply_get_offer before relying on it in Autonomous mode.
///
/// offerId comes from reply_list_offers, sequenceId from reply_search_sequences.
/// Errors: NotFound — unknown offer or sequence; Archived — the sequence is archived.
#[tool(destructive, idempotent, name = "reply_attach_offer_to_sequence")]
pub async fn attach_offer_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AttachOfferArgs,
) -> ToolResult<SequenceSetup> {
    ws.attach_offer_to_sequence(args)
}

/// Attaches a Jason playbook (the selling instructions the AI SDR follows) to a sequence,
/// replacing the previous one.
///
/// playbookId comes from reply_list_playbooks, sequenceId from reply_search_sequences.
/// Errors: NotFound — unknown playbook or sequence; Archived — the sequence is archived.
#[tool(destructive, idempotent, name = "reply_attach_playbook_to_sequence")]
pub async fn attach_playbook_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AttachPlaybookArgs,
) -> ToolResult<SequenceSetup> {
    ws.attach_playbook_to_sequence(args)
}

/// Attaches a Jason knowledge base (the company facts the AI SDR answers prospects from) to
/// a sequence, replacing the previous one.
///
/// knowledgeBaseId comes from reply_list_knowledge_bases, sequenceId from
/// reply_search_sequences.
/// Errors: NotFound — unknown knowledge base or sequence; Archived — the sequence is archived.
#[tool(
    destructive,
    idempotent,
    name = "reply_attach_knowledge_base_to_sequence"
)]
pub async fn attach_knowledge_base_to_sequence(
    State(ws): State<Workspace>,
    #[args] args: AttachKnowledgeBaseArgs,
) -> ToolResult<SequenceSetup> {
    ws.attach_knowledge_base_to_sequence(args)
}

/// Sets how Jason (the AI SDR) handles its drafts for one sequence: Review queues every
/// draft for approval (see reply_list_pending_approvals); Autonomous sends them without
/// review. With Autonomous, sendExistingDrafts true also sends the drafts already queued
/// for this sequence at once.
///
/// Switching to Autonomous lets Jason write to prospects unsupervised: first check that an
/// offer, a playbook and a knowledge base are attached and reviewed, then get the user's
/// explicit confirmation. Switching to Review needs no confirmation.
/// sequenceId comes from reply_search_sequences.
/// Errors: NotFound — unknown sequenceId; Archived — the sequence is archived.
#[tool(destructive, open_world, name = "reply_set_sequence_reply_mode")]
pub async fn set_sequence_reply_mode(
    State(ws): State<Workspace>,
    #[args] args: SetReplyModeArgs,
) -> ToolResult<ReplyModeChange> {
    ws.set_sequence_reply_mode(args)
}
