//! Contacts.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::account::Account;
use crate::contacts::{
    BulkUpsertArgs, BulkUpsertResult, ByEmailArgs, ByTokenArgs, ContactIdArgs, ContactView,
    DeletedContact, ExternalIdArgs, ListContactsArgs, SubscribeArgs, SubscribeResult, TokenOwner,
    UpdateContactArgs, UpsertContactArgs, UpsertResult,
};
use crate::imports::{ImportStarted, ImportStatus, ImportStatusArgs, UploadContactsArgs};
use crate::sending::{DeliveryView, InteractionStatusArgs};

/// Creates or updates one contact right away, matched by externalCustomerId first, then email,
/// then phone; the fields you pass are set, custom fields are merged, and addressBookIds are
/// added. Returns the contactId and whether it was created.
///
/// Errors: InvalidArguments — no identifier; InvalidParameter — malformed email, phone or
/// language code; NotFound — unknown address book (ids from get_addressbooks); Conflict — the
/// identifiers belong to two different contacts (fix them with update_contact).
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Create or update a contact"
)]
pub async fn upsert_contact(
    State(account): State<Account>,
    #[args] args: UpsertContactArgs,
) -> ToolResult<UpsertResult> {
    account.upsert_contact(args)
}

/// Creates or updates 1 to 100 contacts in one call, each matched like upsert_contact. Rows are
/// independent: a bad row fails alone and the rest are saved. The result counts created,
/// updated and failed rows and lists every row with its contactId or its error; report the
/// failures to the user. For more than 100 contacts or a CSV file use upload_contacts.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Create or update many contacts"
)]
pub async fn bulk_upsert_contacts(
    State(account): State<Account>,
    #[args] args: BulkUpsertArgs,
) -> ToolResult<BulkUpsertResult> {
    Ok(account.bulk_upsert_contacts(args))
}

/// Starts an asynchronous import of up to 5000 contacts, from a batch payload (contacts) or a
/// CSV file's text (csv, with a header line), and returns its sessionId at once with status
/// queued. Nothing is saved yet: poll get_import_status with the sessionId until it is finished,
/// then report created, updated and failed rows.
///
/// Errors: InvalidArguments — neither or both of contacts and csv; InvalidParameter — the CSV
/// has no identifier column, no rows or too many; NotFound — unknown addressBookId.
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Start a contact import"
)]
pub async fn upload_contacts(
    State(account): State<Account>,
    #[args] args: UploadContactsArgs,
) -> ToolResult<ImportStarted> {
    account.upload_contacts(args)
}

/// Shows where a contact import is: queued, processing (rows processed so far, with created,
/// updated and failed counts) or finished (with the row number and reason of each refused row,
/// the first 100). Imports take seconds to minutes; poll every few seconds rather than in a
/// tight loop.
///
/// Errors: NotFound — no import with this sessionId (use the one upload_contacts returned).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get contact import status"
)]
pub async fn get_import_status(
    State(account): State<Account>,
    #[args] args: ImportStatusArgs,
) -> ToolResult<ImportStatus> {
    account.import_status(args)
}

/// Changes fields of one contact by contactId; fields you leave out keep their value, custom
/// fields are merged and removeFields clears keys. Use it to change identifiers too.
///
/// Errors: NotFound — unknown contactId (find it with list_contacts or get_contacts_by_email);
/// InvalidParameter — malformed email, phone or language code; Conflict — another contact
/// already has that email, phone or external customer id.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Update a contact"
)]
pub async fn update_contact(
    State(account): State<Account>,
    #[args] args: UpdateContactArgs,
) -> ToolResult<ContactView> {
    account.update_contact(args)
}

/// Deletes one contact by contactId, with its segment memberships; its past deliveries stay in
/// analytics. This cannot be undone: confirm with the user first.
///
/// Errors: NotFound — unknown contactId (find it with list_contacts or get_contacts_by_email).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete a contact"
)]
pub async fn delete_contact(
    State(account): State<Account>,
    #[args] args: ContactIdArgs,
) -> ToolResult<DeletedContact> {
    account.delete_contact(args)
}

/// Deletes one contact found by the organization's own customer id (externalCustomerId),
/// with its segment memberships. This cannot be undone: confirm with the user first.
///
/// Errors: NotFound — no contact has this external customer id (check with list_contacts,
/// query).
#[tool(
    scopes("reteno:write"),
    destructive,
    closed_world,
    title = "Delete a contact by external id"
)]
pub async fn delete_contact_by_external_customer_id(
    State(account): State<Account>,
    #[args] args: ExternalIdArgs,
) -> ToolResult<DeletedContact> {
    account.delete_contact_by_external_id(args)
}

/// Records a subscription-form sign-up: creates the contact as unconfirmed (double opt-in
/// pending) and subscribed to email, or updates an existing contact with that address and keeps
/// its confirmation state. formName is kept in the contact's subscriptionSource field.
///
/// Errors: InvalidParameter — malformed email or language code.
#[tool(
    scopes("reteno:write"),
    additive,
    idempotent,
    closed_world,
    title = "Subscribe a contact from a form"
)]
pub async fn subscribe_contact(
    State(account): State<Account>,
    #[args] args: SubscribeArgs,
) -> ToolResult<SubscribeResult> {
    account.subscribe_contact(args)
}

/// Searches contacts with filters that combine: text in name, email, phone or external id
/// (query), language, address book, email subscription and creation time. Each contact comes
/// with its identifiers, subscriptions, push tokens, custom fields, address books and segments.
/// Page with top (1 to 100, default 20) and skip until HasMore is false.
///
/// Errors: InvalidParameter — malformed language code or createdAfter.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Search contacts"
)]
pub async fn list_contacts(
    State(account): State<Account>,
    #[args] args: ListContactsArgs,
) -> ToolResult<Page<ContactView>> {
    account.list_contacts(args)
}

/// Returns one contact by contactId: identifiers, names, language, subscriptions and
/// confirmation, push tokens, custom fields, address books and the segments it is in.
///
/// Errors: NotFound — unknown contactId (find it with list_contacts or get_contacts_by_email).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get a contact"
)]
pub async fn get_contact(
    State(account): State<Account>,
    #[args] args: ContactIdArgs,
) -> ToolResult<ContactView> {
    account.get_contact(args)
}

/// Returns the contact with exactly this email address (case-insensitive). This is the way to
/// a contactId when the user names a person by email.
///
/// Errors: NotFound — nobody has this address (create the contact with upsert_contact if the
/// user wants); InvalidParameter — malformed address.
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get a contact by email"
)]
pub async fn get_contacts_by_email(
    State(account): State<Account>,
    #[args] args: ByEmailArgs,
) -> ToolResult<ContactView> {
    account.get_contact_by_email(args)
}

/// Returns the contactId that owns a mobile push token, with the token's platform and whether
/// it is active. Use it when an app or a delivery report gives you only a device token.
///
/// Errors: NotFound — no contact has this token (the app may not have registered it).
#[tool(
    scopes("reteno:read"),
    read_only,
    closed_world,
    title = "Get a contact id by push token"
)]
pub async fn get_contact_id_by_token(
    State(account): State<Account>,
    #[args] args: ByTokenArgs,
) -> ToolResult<TokenOwner> {
    account.contact_id_by_token(args)
}

/// Reports what happened to a sent message on the device or in the app (delivered, opened,
/// clicked or failed), by the interactionId a send returned. Statuses only move forward;
/// returns the delivery with its status history.
///
/// Errors: NotFound — unknown interactionId; StatusCannotMoveBack — the delivery is already at
/// or past that status, or bounced or failed (nothing to do).
#[tool(
    scopes("reteno:write"),
    additive,
    closed_world,
    title = "Update interaction status"
)]
pub async fn update_interaction_status(
    State(account): State<Account>,
    #[args] args: InteractionStatusArgs,
) -> ToolResult<DeliveryView> {
    account.update_interaction_status(args)
}
