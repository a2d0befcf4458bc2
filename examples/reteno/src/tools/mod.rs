//! The tool layer: one `#[tool]` per tool of the vendor's list, grouped by
//! the document's areas and registered by [`all`] in the document's order,
//! which is the order of `tools/list`.
//!
//! Each doc comment is the tool's description, written for the model that
//! calls it: what it does, where its ids come from, and what each error code
//! means and what to do about it.

pub mod account;
pub mod analytics;
pub mod brandkit;
pub mod contacts;
pub mod email;
pub mod events;
pub mod inbox;
pub mod media;
pub mod push;
pub mod segments;
pub mod sending;
pub mod sms;
pub mod workflows;

use mcp_tools::Tool;

/// Every tool, in the order of the vendor's list.
pub fn all() -> Vec<Tool> {
    vec![
        account::get_account_info::tool(),
        account::get_organisation_info::tool(),
        account::get_addressbooks::tool(),
        account::list_email_interfaces::tool(),
        account::list_sms_interfaces::tool(),
        account::get_event_types::tool(),
        contacts::upsert_contact::tool(),
        contacts::bulk_upsert_contacts::tool(),
        contacts::upload_contacts::tool(),
        contacts::get_import_status::tool(),
        contacts::update_contact::tool(),
        contacts::delete_contact::tool(),
        contacts::delete_contact_by_external_customer_id::tool(),
        contacts::subscribe_contact::tool(),
        contacts::list_contacts::tool(),
        contacts::get_contact::tool(),
        contacts::get_contacts_by_email::tool(),
        contacts::get_contact_id_by_token::tool(),
        contacts::update_interaction_status::tool(),
        segments::list_groups::tool(),
        segments::get_group_contacts::tool(),
        segments::attach_group_contacts::tool(),
        segments::detach_group_contacts::tool(),
        events::create_event::tool(),
        events::create_past_events::tool(),
        events::get_contacts_activity_v2::tool(),
        events::get_contact_message_history::tool(),
        email::create_email_message::tool(),
        email::list_email_messages::tool(),
        email::update_email_message::tool(),
        email::delete_email_message::tool(),
        email::update_email_message_translation::tool(),
        email::delete_email_message_translation::tool(),
        email::get_email_message_view_link::tool(),
        email::get_email_message_export::tool(),
        email::get_email_model::tool(),
        email::prepare_email_model_upload::tool(),
        email::update_email_model::tool(),
        email::prepare_email_message_upload::tool(),
        push::list_mobile_push_messages::tool(),
        push::create_mobile_push_message::tool(),
        push::get_mobile_push_message::tool(),
        push::update_mobile_push_message::tool(),
        push::delete_mobile_push_message::tool(),
        push::update_mobile_push_message_translation::tool(),
        push::delete_mobile_push_message_translation::tool(),
        push::get_mobile_push_token_activation::tool(),
        push::update_mobile_push_token_activation::tool(),
        inbox::list_app_inbox_messages::tool(),
        inbox::create_app_inbox_message::tool(),
        inbox::get_app_inbox_message::tool(),
        inbox::update_app_inbox_message::tool(),
        inbox::delete_app_inbox_message::tool(),
        inbox::update_app_inbox_message_translation::tool(),
        inbox::delete_app_inbox_message_translation::tool(),
        sms::list_sms_messages::tool(),
        sms::create_sms_message::tool(),
        sms::get_sms_message::tool(),
        sms::update_sms_message::tool(),
        sms::delete_sms_message::tool(),
        sms::update_sms_message_translation::tool(),
        sms::delete_sms_message_translation::tool(),
        sms::get_sms_callouts::tool(),
        workflows::list_workflows::tool(),
        workflows::create_workflow::tool(),
        workflows::update_workflow::tool(),
        workflows::get_workflow_export::tool(),
        workflows::prepare_workflow_upload::tool(),
        sending::send_email_message::tool(),
        sending::send_sms_message::tool(),
        sending::smart_send_message::tool(),
        sending::get_message_status::tool(),
        sending::send_broadcast::tool(),
        sending::list_broadcasts::tool(),
        sending::get_broadcast::tool(),
        sending::delete_broadcast::tool(),
        analytics::get_messaging_analytics::tool(),
        analytics::get_events_analytics::tool(),
        analytics::get_email_deliverability_setup::tool(),
        media::prepare_image_upload::tool(),
        media::upload_image::tool(),
        brandkit::extract_brandkit::tool(),
    ]
}
