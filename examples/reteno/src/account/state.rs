//! The records the sandbox keeps: one table per kind of object.

use std::collections::BTreeMap;

use crate::analytics::DeliverabilitySetup;
use crate::broadcasts::Broadcast;
use crate::contacts::Contact;
use crate::directory::{
    AccountInfo, AddressBook, EmailInterface, EventType, OrganisationInfo, SmsInterface,
};
use crate::email::EmailMessage;
use crate::events::Event;
use crate::imports::Import;
use crate::media::StoredImage;
use crate::messages::ChannelMessage;
use crate::segments::Group;
use crate::sending::Delivery;
use crate::workflows::Workflow;

/// Everything the sandbox account knows.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// Sandbox time of the operation in progress.
    pub(crate) now: i64,
    /// The next id; ids are unique across every table.
    pub(crate) next_id: u64,
    pub(crate) account: AccountInfo,
    pub(crate) organisation: OrganisationInfo,
    pub(crate) addressbooks: Vec<AddressBook>,
    pub(crate) email_interfaces: Vec<EmailInterface>,
    pub(crate) sms_interfaces: Vec<SmsInterface>,
    pub(crate) event_types: Vec<EventType>,
    pub(crate) contacts: BTreeMap<u64, Contact>,
    pub(crate) groups: BTreeMap<u64, Group>,
    pub(crate) imports: BTreeMap<String, Import>,
    pub(crate) events: Vec<Event>,
    pub(crate) email_messages: BTreeMap<u64, EmailMessage>,
    /// Mobile push, app inbox and SMS messages.
    pub(crate) channel_messages: BTreeMap<u64, ChannelMessage>,
    pub(crate) workflows: BTreeMap<u64, Workflow>,
    pub(crate) deliveries: BTreeMap<u64, Delivery>,
    pub(crate) broadcasts: BTreeMap<u64, Broadcast>,
    pub(crate) images: BTreeMap<u64, StoredImage>,
    pub(crate) deliverability: DeliverabilitySetup,
}

impl State {
    /// Hands out the next id.
    pub(crate) fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Brings time-driven work up to `now`.
    pub(crate) fn settle(&mut self) {
        self.settle_imports();
    }
}
