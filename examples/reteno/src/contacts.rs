//! Contacts: create or update by identifiers, search, read, delete, and the
//! subscription form.

use std::collections::BTreeMap;

use mcp_tools::{Batch, Page, Paging, ToolError, ToolResult, Validate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::account::clock;
use crate::account::state::State;
use crate::language;

/// A contact as stored.
#[derive(Debug, Clone)]
pub struct Contact {
    /// Contact id.
    pub id: u64,
    /// The organization's own customer id.
    pub external_id: Option<String>,
    /// Email address, lowercase.
    pub email: Option<String>,
    /// Phone number in E.164.
    pub phone: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Preferred language code.
    pub language: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// Whether email may be sent.
    pub email_subscribed: bool,
    /// Whether SMS may be sent.
    pub sms_subscribed: bool,
    /// False until a subscription-form contact confirms (double opt-in).
    pub confirmed: bool,
    /// Mobile and web push tokens.
    pub push_tokens: Vec<PushToken>,
    /// Custom field values by key.
    pub fields: BTreeMap<String, String>,
    /// Address books the contact is filed in.
    pub addressbook_ids: Vec<u64>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// A push token of a contact's device.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PushToken {
    /// The token the device registered.
    pub token: String,
    /// ios, android or web.
    pub platform: String,
    /// Whether pushes are delivered to it.
    pub active: bool,
}

/// A contact as the tools return it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    /// Contact id, for every tool that takes contactId(s).
    pub id: u64,
    /// The organization's own customer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_customer_id: Option<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number in E.164.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Preferred language code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    /// IANA time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Whether email may be sent to the contact.
    pub email_subscribed: bool,
    /// Whether SMS may be sent to the contact.
    pub sms_subscribed: bool,
    /// False for subscription-form contacts that have not confirmed yet.
    pub confirmed: bool,
    /// Device push tokens.
    pub push_tokens: Vec<PushToken>,
    /// Custom field values by key (keys from get_organisation_info).
    pub fields: BTreeMap<String, String>,
    /// Address books (from get_addressbooks) the contact is in.
    pub address_book_ids: Vec<u64>,
    /// Static and dynamic segments (from list_groups) the contact is in.
    pub segment_ids: Vec<u64>,
    /// Creation time, ISO 8601 UTC.
    pub created_at: String,
    /// Last change, ISO 8601 UTC.
    pub updated_at: String,
}

/// A contact's identifiers and fields, as upserts, imports and forms take them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactInput {
    /// The organization's own customer id; matched first.
    #[schemars(length(min = 1, max = 100))]
    pub external_customer_id: Option<String>,
    /// Email address; matched second.
    #[schemars(length(min = 3, max = 254))]
    pub email: Option<String>,
    /// Phone number in E.164 (+ and 8 to 15 digits); matched last.
    #[schemars(length(min = 8, max = 16))]
    pub phone: Option<String>,
    /// First name.
    #[schemars(length(max = 100))]
    pub first_name: Option<String>,
    /// Last name.
    #[schemars(length(max = 100))]
    pub last_name: Option<String>,
    /// Language code such as en, de or pt-BR.
    #[schemars(length(min = 2, max = 10))]
    pub language_code: Option<String>,
    /// IANA time zone such as Europe/Kyiv.
    #[schemars(length(min = 3, max = 64))]
    pub time_zone: Option<String>,
    /// Whether email may be sent; new contacts default to true.
    pub email_subscribed: Option<bool>,
    /// Whether SMS may be sent; new contacts default to true.
    pub sms_subscribed: Option<bool>,
    /// Custom field values to set, by key (keys from get_organisation_info).
    #[schemars(length(max = 50))]
    pub fields: Option<BTreeMap<String, String>>,
    /// Address books (ids from get_addressbooks) to file the contact in; added to existing ones.
    #[schemars(length(max = 20))]
    pub address_book_ids: Option<Vec<u64>>,
}

impl Validate for ContactInput {
    fn validate(&self) -> Result<(), String> {
        if self.external_customer_id.is_none() && self.email.is_none() && self.phone.is_none() {
            return Err(
                "a contact needs an identifier: pass externalCustomerId, email or phone".into(),
            );
        }
        Ok(())
    }
}

/// Arguments of `upsert_contact`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpsertContactArgs {
    /// The contact; at least one of externalCustomerId, email and phone.
    pub contact: ContactInput,
}

impl Validate for UpsertContactArgs {
    fn validate(&self) -> Result<(), String> {
        self.contact.validate()
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpsertResult {
    /// The contact's id.
    pub contact_id: u64,
    /// True when a new contact was made, false when one was updated.
    pub created: bool,
}

/// Arguments of `bulk_upsert_contacts`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkUpsertArgs {
    /// 1 to 100 contacts, each with at least one identifier.
    pub contacts: Batch<ContactInput>,
}

/// One row of a bulk upsert.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowOutcome {
    /// Position of the row in the request, from 0.
    pub index: usize,
    /// created, updated or failed.
    pub status: String,
    /// The contact, when the row succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<u64>,
    /// Why the row failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a bulk upsert did, row by row.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkUpsertResult {
    /// New contacts.
    pub created: usize,
    /// Updated contacts.
    pub updated: usize,
    /// Rows refused; see their error.
    pub failed: usize,
    /// Every row, in request order.
    pub rows: Vec<RowOutcome>,
}

/// Arguments of `update_contact`: only the fields given change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateContactArgs {
    /// The contact (id from list_contacts, get_contacts_by_email or an upsert).
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// New external customer id.
    #[schemars(length(min = 1, max = 100))]
    pub external_customer_id: Option<String>,
    /// New email address.
    #[schemars(length(min = 3, max = 254))]
    pub email: Option<String>,
    /// New phone number in E.164.
    #[schemars(length(min = 8, max = 16))]
    pub phone: Option<String>,
    /// New first name.
    #[schemars(length(max = 100))]
    pub first_name: Option<String>,
    /// New last name.
    #[schemars(length(max = 100))]
    pub last_name: Option<String>,
    /// New language code.
    #[schemars(length(min = 2, max = 10))]
    pub language_code: Option<String>,
    /// New IANA time zone.
    #[schemars(length(min = 3, max = 64))]
    pub time_zone: Option<String>,
    /// Email subscription.
    pub email_subscribed: Option<bool>,
    /// SMS subscription.
    pub sms_subscribed: Option<bool>,
    /// Custom field values to set.
    #[schemars(length(max = 50))]
    pub fields: Option<BTreeMap<String, String>>,
    /// Custom field keys to clear.
    #[schemars(length(max = 50))]
    pub remove_fields: Option<Vec<String>>,
}

/// Arguments naming one contact.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactIdArgs {
    /// The contact (id from list_contacts or get_contacts_by_email).
    #[schemars(range(min = 1))]
    pub contact_id: u64,
}

/// Arguments of `delete_contact_by_external_customer_id`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalIdArgs {
    /// The organization's own customer id.
    #[schemars(length(max = 100))]
    pub external_customer_id: String,
}

/// A deleted contact.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedContact {
    /// The id the contact had.
    pub contact_id: u64,
    /// Static segments it was removed from.
    pub removed_from_segments: Vec<u64>,
}

/// Arguments of `subscribe_contact`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeArgs {
    /// The address the form collected.
    #[schemars(length(max = 254))]
    pub email: String,
    /// First name from the form.
    #[schemars(length(max = 100))]
    pub first_name: Option<String>,
    /// Last name from the form.
    #[schemars(length(max = 100))]
    pub last_name: Option<String>,
    /// Language code of the form.
    #[schemars(length(min = 2, max = 10))]
    pub language_code: Option<String>,
    /// The form's name, kept in the contact's `subscriptionSource` field.
    #[schemars(length(max = 100))]
    pub form_name: Option<String>,
    /// Further custom field values from the form.
    #[schemars(length(max = 50))]
    pub fields: Option<BTreeMap<String, String>>,
}

/// What `subscribe_contact` did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeResult {
    /// The contact's id.
    pub contact_id: u64,
    /// Whether the form created the contact.
    pub created: bool,
    /// False until the contact confirms; new contacts always start unconfirmed.
    pub confirmed: bool,
}

/// Arguments of `list_contacts`; filters combine with AND.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListContactsArgs {
    /// Text matched in name, email, phone and external id, case-insensitive.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Only contacts with this language code.
    #[schemars(length(min = 2, max = 10))]
    pub language_code: Option<String>,
    /// Only contacts in this address book (id from get_addressbooks).
    #[schemars(range(min = 1))]
    pub address_book_id: Option<u64>,
    /// Only contacts subscribed (true) or unsubscribed (false) from email.
    pub email_subscribed: Option<bool>,
    /// Only contacts created at or after this instant (RFC 3339).
    #[schemars(length(max = 40))]
    pub created_after: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of `get_contacts_by_email`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ByEmailArgs {
    /// The exact address, case-insensitive.
    #[schemars(length(max = 254))]
    pub email: String,
}

/// Arguments of `get_contact_id_by_token`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ByTokenArgs {
    /// The device's mobile push token.
    #[schemars(length(max = 4096))]
    pub token: String,
}

/// The contact a push token belongs to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenOwner {
    /// The contact's id.
    pub contact_id: u64,
    /// The token's platform.
    pub platform: String,
    /// Whether the token is active.
    pub active: bool,
}

/// Lowercases and checks an email address.
pub(crate) fn normalise_email(email: &str) -> ToolResult<String> {
    let email = email.trim().to_lowercase();
    let ok = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.contains(char::is_whitespace)
    });
    if ok {
        Ok(email)
    } else {
        Err(ToolError::invalid_parameter(format!(
            "email {email:?} is not a valid address; write it as name@example.com"
        )))
    }
}

/// Checks a phone number is E.164: `+` then 8 to 15 digits.
pub(crate) fn normalise_phone(phone: &str) -> ToolResult<String> {
    let compact: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or("");
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(compact)
    } else {
        Err(ToolError::invalid_parameter(format!(
            "phone {phone:?} is not in E.164 form; write it as + and the country code, e.g. +380501234567"
        )))
    }
}

impl State {
    /// The outward view of a contact.
    pub(crate) fn contact_view(&self, c: &Contact) -> ContactView {
        ContactView {
            id: c.id,
            external_customer_id: c.external_id.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            language_code: c.language.clone(),
            time_zone: c.time_zone.clone(),
            email_subscribed: c.email_subscribed,
            sms_subscribed: c.sms_subscribed,
            confirmed: c.confirmed,
            push_tokens: c.push_tokens.clone(),
            fields: c.fields.clone(),
            address_book_ids: c.addressbook_ids.clone(),
            segment_ids: self
                .groups
                .values()
                .filter(|g| self.group_members(g).contains(&c.id))
                .map(|g| g.id)
                .collect(),
            created_at: clock::format(c.created_at),
            updated_at: clock::format(c.updated_at),
        }
    }

    /// A contact by id, or an error saying where ids come from.
    pub(crate) fn contact(&self, id: u64) -> ToolResult<&Contact> {
        self.contacts.get(&id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no contact {id}; find contacts with list_contacts or get_contacts_by_email"
            ))
        })
    }

    /// The contact with this email address, if any.
    pub(crate) fn contact_by_email(&self, email: &str) -> Option<u64> {
        self.contacts
            .values()
            .find(|c| c.email.as_deref() == Some(email))
            .map(|c| c.id)
    }

    /// The contact with this phone number, if any.
    pub(crate) fn contact_by_phone(&self, phone: &str) -> Option<u64> {
        self.contacts
            .values()
            .find(|c| c.phone.as_deref() == Some(phone))
            .map(|c| c.id)
    }

    fn contact_by_external_id(&self, external_id: &str) -> Option<u64> {
        self.contacts
            .values()
            .find(|c| c.external_id.as_deref() == Some(external_id))
            .map(|c| c.id)
    }

    /// A new contact with nothing but its id and times.
    pub(crate) fn blank_contact(&mut self) -> Contact {
        Contact {
            id: self.next_id(),
            external_id: None,
            email: None,
            phone: None,
            first_name: None,
            last_name: None,
            language: None,
            time_zone: None,
            email_subscribed: true,
            sms_subscribed: true,
            confirmed: true,
            push_tokens: Vec::new(),
            fields: BTreeMap::new(),
            addressbook_ids: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
        }
    }

    /// Creates or updates one contact by its identifiers; the core of upserts,
    /// bulk upserts and imports.
    pub(crate) fn upsert(&mut self, input: &ContactInput) -> ToolResult<UpsertResult> {
        input.validate().map_err(ToolError::invalid_arguments)?;
        let email = input.email.as_deref().map(normalise_email).transpose()?;
        let phone = input.phone.as_deref().map(normalise_phone).transpose()?;
        let language = input
            .language_code
            .as_deref()
            .map(language::normalise)
            .transpose()?;
        let external = input
            .external_customer_id
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        for book in input.address_book_ids.iter().flatten() {
            if !self.addressbooks.iter().any(|b| b.id == *book) {
                return Err(ToolError::not_found(format!(
                    "no address book {book}; take ids from get_addressbooks"
                )));
            }
        }
        let matched = external
            .and_then(|e| self.contact_by_external_id(e))
            .or_else(|| email.as_deref().and_then(|e| self.contact_by_email(e)))
            .or_else(|| phone.as_deref().and_then(|p| self.contact_by_phone(p)));
        // An identifier already held by a different contact would merge two people.
        let holders = [
            external.and_then(|e| self.contact_by_external_id(e)),
            email.as_deref().and_then(|e| self.contact_by_email(e)),
            phone.as_deref().and_then(|p| self.contact_by_phone(p)),
        ];
        if let Some(other) = holders.into_iter().flatten().find(|h| Some(*h) != matched) {
            return Err(ToolError::conflict(format!(
                "the identifiers belong to two different contacts ({} and {other}); \
                 update them separately with update_contact",
                matched.unwrap_or_default()
            )));
        }
        let created = matched.is_none();
        let mut contact = match matched {
            Some(id) => self.contacts[&id].clone(),
            None => self.blank_contact(),
        };
        if let Some(e) = external {
            contact.external_id = Some(e.to_owned());
        }
        contact.email = email.or(contact.email);
        contact.phone = phone.or(contact.phone);
        set_text(&mut contact.first_name, input.first_name.as_deref());
        set_text(&mut contact.last_name, input.last_name.as_deref());
        contact.language = language.or(contact.language);
        set_text(&mut contact.time_zone, input.time_zone.as_deref());
        if let Some(s) = input.email_subscribed {
            contact.email_subscribed = s;
        }
        if let Some(s) = input.sms_subscribed {
            contact.sms_subscribed = s;
        }
        contact
            .fields
            .extend(input.fields.clone().unwrap_or_default());
        for book in input.address_book_ids.iter().flatten() {
            if !contact.addressbook_ids.contains(book) {
                contact.addressbook_ids.push(*book);
            }
        }
        contact.updated_at = self.now;
        let contact_id = contact.id;
        self.contacts.insert(contact_id, contact);
        Ok(UpsertResult {
            contact_id,
            created,
        })
    }
}

fn set_text(slot: &mut Option<String>, value: Option<&str>) {
    if let Some(v) = value {
        let v = v.trim();
        *slot = (!v.is_empty()).then(|| v.to_owned());
    }
}

impl Account {
    /// `upsert_contact`.
    pub fn upsert_contact(&self, args: UpsertContactArgs) -> ToolResult<UpsertResult> {
        self.lock().upsert(&args.contact)
    }

    /// `bulk_upsert_contacts`: every row on its own; one bad row fails alone.
    pub fn bulk_upsert_contacts(&self, args: BulkUpsertArgs) -> BulkUpsertResult {
        let mut state = self.lock();
        let rows: Vec<RowOutcome> = args
            .contacts
            .iter()
            .enumerate()
            .map(|(index, input)| row_outcome(index, state.upsert(input)))
            .collect();
        BulkUpsertResult {
            created: rows.iter().filter(|r| r.status == "created").count(),
            updated: rows.iter().filter(|r| r.status == "updated").count(),
            failed: rows.iter().filter(|r| r.status == "failed").count(),
            rows,
        }
    }

    /// `update_contact`.
    pub fn update_contact(&self, args: UpdateContactArgs) -> ToolResult<ContactView> {
        let mut state = self.lock();
        let mut contact = state.contact(args.contact_id)?.clone();
        if let Some(email) = &args.email {
            let email = normalise_email(email)?;
            if state
                .contact_by_email(&email)
                .is_some_and(|id| id != contact.id)
            {
                return Err(ToolError::conflict(format!(
                    "another contact already has {email}"
                )));
            }
            contact.email = Some(email);
        }
        if let Some(phone) = &args.phone {
            let phone = normalise_phone(phone)?;
            if state
                .contact_by_phone(&phone)
                .is_some_and(|id| id != contact.id)
            {
                return Err(ToolError::conflict(format!(
                    "another contact already has {phone}"
                )));
            }
            contact.phone = Some(phone);
        }
        if let Some(external) = &args.external_customer_id {
            let external = external.trim();
            if state
                .contact_by_external_id(external)
                .is_some_and(|id| id != contact.id)
            {
                return Err(ToolError::conflict(format!(
                    "another contact already has external customer id {external}"
                )));
            }
            contact.external_id = Some(external.to_owned());
        }
        if let Some(code) = &args.language_code {
            contact.language = Some(language::normalise(code)?);
        }
        set_text(&mut contact.first_name, args.first_name.as_deref());
        set_text(&mut contact.last_name, args.last_name.as_deref());
        set_text(&mut contact.time_zone, args.time_zone.as_deref());
        if let Some(s) = args.email_subscribed {
            contact.email_subscribed = s;
        }
        if let Some(s) = args.sms_subscribed {
            contact.sms_subscribed = s;
        }
        contact.fields.extend(args.fields.unwrap_or_default());
        for key in args.remove_fields.unwrap_or_default() {
            contact.fields.remove(&key);
        }
        contact.updated_at = state.now;
        let view = state.contact_view(&contact);
        state.contacts.insert(contact.id, contact);
        Ok(view)
    }

    /// `delete_contact`.
    pub fn delete_contact(&self, args: ContactIdArgs) -> ToolResult<DeletedContact> {
        let mut state = self.lock();
        state.contact(args.contact_id)?;
        Ok(state.remove_contact(args.contact_id))
    }

    /// `delete_contact_by_external_customer_id`.
    pub fn delete_contact_by_external_id(
        &self,
        args: ExternalIdArgs,
    ) -> ToolResult<DeletedContact> {
        let mut state = self.lock();
        let id = state
            .contact_by_external_id(args.external_customer_id.trim())
            .ok_or_else(|| {
                ToolError::not_found(format!(
                    "no contact has external customer id {:?}; check it with list_contacts (query)",
                    args.external_customer_id
                ))
            })?;
        Ok(state.remove_contact(id))
    }

    /// `subscribe_contact`: new contacts start unconfirmed.
    pub fn subscribe_contact(&self, args: SubscribeArgs) -> ToolResult<SubscribeResult> {
        let mut state = self.lock();
        let mut fields = args.fields.unwrap_or_default();
        if let Some(form) = args.form_name {
            fields.insert("subscriptionSource".into(), form);
        }
        let input = ContactInput {
            external_customer_id: None,
            email: Some(args.email),
            phone: None,
            first_name: args.first_name,
            last_name: args.last_name,
            language_code: args.language_code,
            time_zone: None,
            email_subscribed: Some(true),
            sms_subscribed: None,
            fields: Some(fields),
            address_book_ids: None,
        };
        let done = state.upsert(&input)?;
        let contact = state
            .contacts
            .get_mut(&done.contact_id)
            .ok_or_else(|| ToolError::internal("the subscribed contact vanished"))?;
        if done.created {
            contact.confirmed = false;
        }
        Ok(SubscribeResult {
            contact_id: done.contact_id,
            created: done.created,
            confirmed: contact.confirmed,
        })
    }

    /// `list_contacts`.
    pub fn list_contacts(&self, args: ListContactsArgs) -> ToolResult<Page<ContactView>> {
        let state = self.lock();
        let language = args
            .language_code
            .as_deref()
            .map(language::normalise)
            .transpose()?;
        let created_after = match args.created_after.as_deref() {
            Some(text) => Some(clock::parse_instant(text).ok_or_else(|| {
                ToolError::invalid_parameter(format!(
                    "createdAfter {text:?} is not an RFC 3339 instant such as 2026-07-01T00:00:00Z"
                ))
            })?),
            None => None,
        };
        let query = args.query.as_deref().map(str::to_lowercase);
        let hits = state.contacts.values().filter(|c| {
            query.as_deref().is_none_or(|q| {
                [
                    &c.email,
                    &c.phone,
                    &c.external_id,
                    &c.first_name,
                    &c.last_name,
                ]
                .into_iter()
                .flatten()
                .any(|v| v.to_lowercase().contains(q))
            }) && language
                .as_ref()
                .is_none_or(|l| c.language.as_ref() == Some(l))
                && args
                    .address_book_id
                    .is_none_or(|b| c.addressbook_ids.contains(&b))
                && args
                    .email_subscribed
                    .is_none_or(|s| c.email_subscribed == s)
                && created_after.is_none_or(|t| c.created_at >= t)
        });
        Ok(Page::from_iter(hits, args.paging).map(|c| state.contact_view(c)))
    }

    /// `get_contact`.
    pub fn get_contact(&self, args: ContactIdArgs) -> ToolResult<ContactView> {
        let state = self.lock();
        let contact = state.contact(args.contact_id)?;
        Ok(state.contact_view(contact))
    }

    /// `get_contacts_by_email`.
    pub fn get_contact_by_email(&self, args: ByEmailArgs) -> ToolResult<ContactView> {
        let state = self.lock();
        let email = normalise_email(&args.email)?;
        let id = state.contact_by_email(&email).ok_or_else(|| {
            ToolError::not_found(format!(
                "no contact has {email}; create one with upsert_contact if the user wants it"
            ))
        })?;
        Ok(state.contact_view(&state.contacts[&id]))
    }

    /// `get_contact_id_by_token`.
    pub fn contact_id_by_token(&self, args: ByTokenArgs) -> ToolResult<TokenOwner> {
        let state = self.lock();
        state
            .contacts
            .values()
            .find_map(|c| {
                c.push_tokens
                    .iter()
                    .find(|t| t.token == args.token.trim())
                    .map(|t| TokenOwner {
                        contact_id: c.id,
                        platform: t.platform.clone(),
                        active: t.active,
                    })
            })
            .ok_or_else(|| {
                ToolError::not_found(
                    "no contact has this push token; the app may not have registered it yet",
                )
            })
    }
}

impl State {
    fn remove_contact(&mut self, id: u64) -> DeletedContact {
        self.contacts.remove(&id);
        let mut removed_from_segments = Vec::new();
        for group in self.groups.values_mut() {
            if group.members.remove(&id) {
                removed_from_segments.push(group.id);
            }
        }
        DeletedContact {
            contact_id: id,
            removed_from_segments,
        }
    }
}

fn row_outcome(index: usize, result: ToolResult<UpsertResult>) -> RowOutcome {
    match result {
        Ok(done) => RowOutcome {
            index,
            status: if done.created { "created" } else { "updated" }.into(),
            contact_id: Some(done.contact_id),
            error: None,
        },
        Err(e) => RowOutcome {
            index,
            status: "failed".into(),
            contact_id: None,
            error: Some(format!("{}: {}", e.code(), e.message())),
        },
    }
}
