//! Account, organization and directories: who the account is and the
//! address books, senders and event types other tools refer to.

use mcp_tools::{ToolError, ToolResult};
use schemars::JsonSchema;
use serde::Serialize;

use crate::account::Account;

/// The account the connection acts for.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// Account id.
    pub account_id: u64,
    /// Account name.
    pub name: String,
    /// The signed-in user's email.
    pub user_email: String,
    /// The user's role in the account.
    pub role: String,
    /// Pricing plan.
    pub plan: String,
    /// Contacts the plan allows.
    pub contact_limit: u64,
    /// Contacts in the account now.
    pub contact_count: u64,
    /// Whether this is the sandbox rather than a live account.
    pub sandbox: bool,
}

/// Organization-level configuration.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationInfo {
    /// Organization id.
    pub organisation_id: u64,
    /// Organization name.
    pub name: String,
    /// IANA time zone reports and schedules use.
    pub time_zone: String,
    /// Currency of revenue figures.
    pub currency: String,
    /// Language of base message variants.
    pub default_language: String,
    /// Languages translations may use.
    pub languages: Vec<String>,
    /// Channels enabled for the organization.
    pub channels: Vec<String>,
    /// Custom contact fields, by key.
    pub custom_fields: Vec<CustomField>,
}

/// A custom contact field.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    /// The key used in contact `fields`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Value type: string, number, date or boolean.
    pub r#type: String,
}

/// An address book: a named collection contacts are filed in.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddressBook {
    /// Address book id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Contacts filed in it.
    pub contact_count: usize,
}

/// An email sender (interface).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailInterface {
    /// Sender id, the senderId of email messages.
    pub id: u64,
    /// Display name of the sender.
    pub from_name: String,
    /// Sending address.
    pub from_email: String,
    /// Reply-to address.
    pub reply_to: String,
    /// Whether the sending domain is verified; unverified senders cannot send.
    pub verified: bool,
}

/// An SMS sender (interface).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmsInterface {
    /// Sender id, the senderId of SMS messages.
    pub id: u64,
    /// Alphanumeric sender name or number recipients see.
    pub sender_name: String,
    /// SMS provider.
    pub provider: String,
    /// Countries (ISO 3166 alpha-2) it can deliver to.
    pub countries: Vec<String>,
}

/// A kind of event contacts can have.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    /// The key events are created with, such as `cart_updated`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Parameter names the event carries.
    pub parameters: Vec<String>,
    /// Whether the type is one of Reteno's own rather than the organization's.
    pub system: bool,
}

/// A list of directory entries.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Listing<T> {
    /// The entries.
    pub items: Vec<T>,
    /// How many there are.
    pub total: usize,
}

impl<T> From<Vec<T>> for Listing<T> {
    fn from(items: Vec<T>) -> Self {
        Self {
            total: items.len(),
            items,
        }
    }
}

impl Account {
    /// `get_account_info`.
    pub fn account_info(&self) -> AccountInfo {
        let state = self.lock();
        let mut info = state.account.clone();
        info.contact_count = state.contacts.len() as u64;
        info
    }

    /// `get_organisation_info`.
    pub fn organisation_info(&self) -> OrganisationInfo {
        self.lock().organisation.clone()
    }

    /// `get_addressbooks`.
    pub fn addressbooks(&self) -> Listing<AddressBook> {
        let state = self.lock();
        state
            .addressbooks
            .iter()
            .map(|book| AddressBook {
                contact_count: state
                    .contacts
                    .values()
                    .filter(|c| c.addressbook_ids.contains(&book.id))
                    .count(),
                ..book.clone()
            })
            .collect::<Vec<_>>()
            .into()
    }

    /// `list_email_interfaces`.
    pub fn email_interfaces(&self) -> Listing<EmailInterface> {
        self.lock().email_interfaces.clone().into()
    }

    /// `list_sms_interfaces`.
    pub fn sms_interfaces(&self) -> Listing<SmsInterface> {
        self.lock().sms_interfaces.clone().into()
    }

    /// `get_event_types`.
    pub fn event_types(&self) -> Listing<EventType> {
        self.lock().event_types.clone().into()
    }
}

/// Checks an email sender id.
pub(crate) fn check_email_sender(
    senders: &[EmailInterface],
    id: u64,
) -> ToolResult<&EmailInterface> {
    senders.iter().find(|s| s.id == id).ok_or_else(|| {
        ToolError::not_found(format!(
            "no email sender {id}; take senderId from list_email_interfaces"
        ))
    })
}

/// Checks an SMS sender id.
pub(crate) fn check_sms_sender(senders: &[SmsInterface], id: u64) -> ToolResult<&SmsInterface> {
    senders.iter().find(|s| s.id == id).ok_or_else(|| {
        ToolError::not_found(format!(
            "no SMS sender {id}; take senderId from list_sms_interfaces"
        ))
    })
}
