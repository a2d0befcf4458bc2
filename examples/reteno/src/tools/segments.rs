//! Segments.

use mcp_tools::{BatchOutcome, Page, State, ToolResult, tool};

use crate::account::Account;
use crate::contacts::ContactView;
use crate::segments::{Contacts, GroupContactsArgs, GroupMembersArgs, ListGroupsArgs, SegmentView};

/// Lists the account's segments with their kind (static or dynamic), the rule of dynamic ones,
/// and member counts. Only static segments can be changed with attach_group_contacts and
/// detach_group_contacts; dynamic ones follow their rule. Filter by kind or part of the name;
/// page with top and skip until HasMore is false.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List segments"
)]
pub async fn list_groups(
    State(account): State<Account>,
    #[args] args: ListGroupsArgs,
) -> ToolResult<Page<SegmentView>> {
    Ok(account.list_groups(args))
}

/// Lists the contacts in one segment (static members, or the contacts a dynamic segment's
/// rule matches now), optionally narrowed by text in name, email or phone. Page with top and
/// skip until HasMore is false.
///
/// Errors: NotFound — unknown groupId (take it from list_groups).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List segment contacts"
)]
pub async fn get_group_contacts(
    State(account): State<Account>,
    #[args] args: GroupContactsArgs,
) -> ToolResult<Page<ContactView>> {
    account.group_contacts(args)
}

/// Adds 1 to 100 contacts to a static segment. The result is per item: AffectedContactIds were
/// added; NotProcessed lists ids skipped with a reason (NotFound, AlreadyInSegment). Report
/// exact counts.
///
/// Errors: DynamicSegmentNotSupported — the segment is dynamic and its members follow a rule
/// (pick a static segment from list_groups with kind static); NotFound — unknown groupId.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Add contacts to a static segment"
)]
pub async fn attach_group_contacts(
    State(account): State<Account>,
    #[args] args: GroupMembersArgs,
) -> ToolResult<BatchOutcome<u64, Contacts>> {
    account.attach_group_contacts(args)
}

/// Removes 1 to 100 contacts from a static segment; the contacts themselves stay. The result
/// is per item: AffectedContactIds were removed; NotProcessed lists ids that were not members
/// (NotInSegment).
///
/// Errors: DynamicSegmentNotSupported — the segment is dynamic; only static segments can be
/// changed; NotFound — unknown groupId (take it from list_groups).
#[tool(
    scopes("reteno:write"),
    destructive,
    idempotent,
    closed_world,
    title = "Remove contacts from a segment"
)]
pub async fn detach_group_contacts(
    State(account): State<Account>,
    #[args] args: GroupMembersArgs,
) -> ToolResult<BatchOutcome<u64, Contacts>> {
    account.detach_group_contacts(args)
}
