//! Account, organization and directories.

use mcp_tools::{State, ToolResult, tool};

use crate::account::Account;
use crate::directory::{
    AccountInfo, AddressBook, EmailInterface, EventType, Listing, OrganisationInfo, SmsInterface,
};

/// Returns the Reteno account this connection acts for: its id and name, the signed-in user's
/// email and role, the plan, and how many contacts the account holds against the plan's limit.
/// Call it first to confirm which account you are working in. It takes no arguments and has no
/// error cases of its own.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get account information"
)]
pub async fn get_account_info(State(account): State<Account>) -> ToolResult<AccountInfo> {
    Ok(account.account_info())
}

/// Returns the organization's configuration: time zone and currency used in reports, the
/// default language of base message variants, the languages translations may use, the enabled
/// channels, and the custom contact fields (their keys are what contact `fields` take). Read it
/// before writing translations or custom fields.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get organization configuration"
)]
pub async fn get_organisation_info(State(account): State<Account>) -> ToolResult<OrganisationInfo> {
    Ok(account.organisation_info())
}

/// Lists the account's address books (named collections contacts are filed in) with their
/// contact counts. Their ids are the addressBookIds of upsert_contact, bulk_upsert_contacts and
/// upload_contacts, and the addressBookId filter of list_contacts. Address books are not
/// segments: for audiences use list_groups.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List address books"
)]
pub async fn get_addressbooks(State(account): State<Account>) -> ToolResult<Listing<AddressBook>> {
    Ok(account.addressbooks())
}

/// Lists the email senders (interfaces): from name, from address, reply-to and whether the
/// sending domain is verified. Their ids are the senderId of create_email_message and
/// update_email_message. Prefer verified senders; an unverified one hurts deliverability
/// (see get_email_deliverability_setup).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List email senders"
)]
pub async fn list_email_interfaces(
    State(account): State<Account>,
) -> ToolResult<Listing<EmailInterface>> {
    Ok(account.email_interfaces())
}

/// Lists the SMS senders (interfaces): the sender name or number recipients see, the provider,
/// and the countries each can deliver to. Their ids are the senderId of create_sms_message and
/// update_sms_message; pick one that covers the recipients' country.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List SMS senders"
)]
pub async fn list_sms_interfaces(
    State(account): State<Account>,
) -> ToolResult<Listing<SmsInterface>> {
    Ok(account.sms_interfaces())
}

/// Lists the event types of the organization: each type's key (the eventTypeKey of
/// create_event, create_past_events, get_contacts_activity_v2 and get_events_analytics), its
/// name, the parameter names it carries, and whether it is a built-in system type. Events can
/// only be created for types listed here.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "List event types"
)]
pub async fn get_event_types(State(account): State<Account>) -> ToolResult<Listing<EventType>> {
    Ok(account.event_types())
}
