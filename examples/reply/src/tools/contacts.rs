//! Contact tools: lookup, filtering, create/update, history, ownership, blacklist.

use mcp_tools::{BatchOutcome, Page, State, ToolResult, tool};

use crate::contacts::{
    ActivityEntry, BlacklistContactArgs, BlacklistResult, ChangeOwnerArgs, ContactActivityArgs,
    ContactSummary, CreateContactArgs, FilterContactsArgs, MarkRepliedArgs, SearchContactsArgs,
    UpdateContactArgs,
};
use crate::sequences::Contacts;
use crate::workspace::Workspace;

/// Looks up contacts by exact email address (case-insensitive) or exact LinkedIn profile URL
/// (scheme, www and a trailing slash do not matter). This is the resolver for a contactId
/// when the user names a specific person.
///
/// It cannot search by name or company: with only a name, ask the user for the person's email
/// address or LinkedIn URL, or browse with reply_filter_contacts (term). An empty Items list
/// means no such contact; create one with reply_create_contact if the user confirms.
/// Errors: InvalidArguments — neither email nor linkedInUrl was given.
#[tool(read_only, name = "reply_search_contacts")]
pub async fn search_contacts(
    State(ws): State<Workspace>,
    #[args] args: SearchContactsArgs,
) -> ToolResult<Page<ContactSummary>> {
    ws.search_contacts(args)
}

/// Lists contacts narrowed by list membership (listId from reply_search_lists), sequence
/// membership (sequenceId from reply_search_sequences) and/or a free-text term matched
/// against name, email and company. With no filter it lists every contact.
///
/// Use it to browse or to collect ids for a batch; for one known person prefer
/// reply_search_contacts. Page with top (default 20, max 100) and skip until HasMore is false.
/// Errors: NotFound — unknown listId or sequenceId.
#[tool(read_only, name = "reply_filter_contacts")]
pub async fn filter_contacts(
    State(ws): State<Workspace>,
    #[args] args: FilterContactsArgs,
) -> ToolResult<Page<ContactSummary>> {
    ws.filter_contacts(args)
}

/// Creates a contact. It needs a name (firstName and/or lastName) and a way to reach the
/// person (email and/or linkedInUrl); company, title, phone, location, owner and lists are
/// optional. Search first with reply_search_contacts so you do not create a duplicate, and
/// confirm the details with the user.
///
/// ownerId comes from reply_search_team_members (default: the current user), listIds from
/// reply_search_lists. A contact on a blacklisted domain is created but flagged IsBlacklisted
/// and cannot be enrolled.
/// Errors: InvalidArguments — no name, or neither email nor LinkedIn URL; InvalidParameter —
/// malformed email or LinkedIn URL; Conflict — another contact already has that email or
/// LinkedIn URL (update it instead); NotFound — unknown ownerId or listId.
#[tool(destructive, name = "reply_create_contact")]
pub async fn create_contact(
    State(ws): State<Workspace>,
    #[args] args: CreateContactArgs,
) -> ToolResult<ContactSummary> {
    ws.create_contact(args)
}

/// Updates fields of an existing contact. Only the fields you pass change; omitted or null
/// fields keep their value. listIds replaces the contact's whole list membership.
///
/// contactId comes from reply_search_contacts or reply_filter_contacts.
/// Errors: NotFound — unknown contactId or listId; InvalidParameter — malformed email or
/// LinkedIn URL; Conflict — another contact already has that email or LinkedIn URL.
#[tool(destructive, idempotent, name = "reply_update_contact")]
pub async fn update_contact(
    State(ws): State<Workspace>,
    #[args] args: UpdateContactArgs,
) -> ToolResult<ContactSummary> {
    ws.update_contact(args)
}

/// Returns one contact's history, newest first: emails sent, opened, replied and bounced,
/// LinkedIn invites and messages, calls, sequence enrollments and status changes, owner
/// changes, blacklisting and manual flags.
///
/// Use it to understand a prospect before replying and to verify that a change (an
/// enrollment, a status change) happened. contactId comes from reply_search_contacts or
/// reply_filter_contacts. Page with top and skip.
/// Errors: NotFound — unknown contactId.
#[tool(read_only, name = "reply_get_contact_activity")]
pub async fn get_contact_activity(
    State(ws): State<Workspace>,
    #[args] args: ContactActivityArgs,
) -> ToolResult<Page<ActivityEntry>> {
    ws.get_contact_activity(args)
}

/// Flags 1 to 100 contacts as having replied (replied true, the default), which finishes them
/// in the sequences they are active in, or clears the flag (replied false). Same as flagging a
/// reply by hand in Reply.io.
///
/// contactIds come from reply_search_contacts or reply_filter_contacts. The result is per
/// item: AffectedContactIds were changed, NotProcessed lists ids skipped with a reason
/// (NotFound). Report exact counts.
#[tool(destructive, idempotent, name = "reply_mark_contacts_as_replied")]
pub async fn mark_contacts_as_replied(
    State(ws): State<Workspace>,
    #[args] args: MarkRepliedArgs,
) -> ToolResult<BatchOutcome<u64, Contacts>> {
    ws.mark_contacts_as_replied(args)
}

/// Reassigns 1 to 100 contacts to another user of the workspace, which changes who sees and
/// works them. Confirm with the user first.
///
/// newOwnerId comes from reply_search_team_members, contactIds from reply_search_contacts or
/// reply_filter_contacts. The result is per item: trust only AffectedContactIds when reporting
/// what changed ("reassigned 48 of 50"); NotProcessed lists skipped ids with a reason
/// (NotFound, AlreadyOwnedByUser).
/// Errors: NotFound — unknown newOwnerId (nothing changed).
#[tool(destructive, idempotent, name = "reply_change_contact_owner")]
pub async fn change_contact_owner(
    State(ws): State<Workspace>,
    #[args] args: ChangeOwnerArgs,
) -> ToolResult<BatchOutcome<u64, Contacts>> {
    ws.change_contact_owner(args)
}

/// Adds a contact's email address to the workspace blacklist, or with blockEntireDomain true
/// the whole email domain, so no outreach reaches it: their active sequence memberships become
/// Inactive, their pending Jason drafts are dropped, and a blocked domain also blocks contacts
/// added later. There is no unblock tool; confirm with the user first.
///
/// contactId comes from reply_search_contacts. The result lists AffectedContactIds and how
/// many enrollments were stopped.
/// Errors: InvalidInput — the contact has no email address, or the domain is a public mail
/// provider such as gmail.com (block only the address instead); NotFound — unknown contactId.
#[tool(destructive, idempotent, name = "reply_blacklist_contact")]
pub async fn blacklist_contact(
    State(ws): State<Workspace>,
    #[args] args: BlacklistContactArgs,
) -> ToolResult<BlacklistResult> {
    ws.blacklist_contact(args)
}
