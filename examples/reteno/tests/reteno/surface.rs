//! The registered surface: the document's 82 names, titles, annotations and scopes.

use std::collections::BTreeSet;

use mcp_example_reteno::{access, tools};
use mcp_tools::Effect;

/// Every tool the vendor's document lists, by area, in its order.
const DOCUMENT: &[&str] = &[
    // Account, Organization and Directories
    "get_account_info",
    "get_organisation_info",
    "get_addressbooks",
    "list_email_interfaces",
    "list_sms_interfaces",
    "get_event_types",
    // Contacts
    "upsert_contact",
    "bulk_upsert_contacts",
    "upload_contacts",
    "get_import_status",
    "update_contact",
    "delete_contact",
    "delete_contact_by_external_customer_id",
    "subscribe_contact",
    "list_contacts",
    "get_contact",
    "get_contacts_by_email",
    "get_contact_id_by_token",
    "update_interaction_status",
    // Segments
    "list_groups",
    "get_group_contacts",
    "attach_group_contacts",
    "detach_group_contacts",
    // Events and Behavior Tracking
    "create_event",
    "create_past_events",
    "get_contacts_activity_v2",
    "get_contact_message_history",
    // Email Messages (Templates)
    "create_email_message",
    "list_email_messages",
    "update_email_message",
    "delete_email_message",
    "update_email_message_translation",
    "delete_email_message_translation",
    "get_email_message_view_link",
    "get_email_message_export",
    "get_email_model",
    "prepare_email_model_upload",
    "update_email_model",
    "prepare_email_message_upload",
    // Mobile Push
    "list_mobile_push_messages",
    "create_mobile_push_message",
    "get_mobile_push_message",
    "update_mobile_push_message",
    "delete_mobile_push_message",
    "update_mobile_push_message_translation",
    "delete_mobile_push_message_translation",
    "get_mobile_push_token_activation",
    "update_mobile_push_token_activation",
    // App Inbox
    "list_app_inbox_messages",
    "create_app_inbox_message",
    "get_app_inbox_message",
    "update_app_inbox_message",
    "delete_app_inbox_message",
    "update_app_inbox_message_translation",
    "delete_app_inbox_message_translation",
    // SMS
    "list_sms_messages",
    "create_sms_message",
    "get_sms_message",
    "update_sms_message",
    "delete_sms_message",
    "update_sms_message_translation",
    "delete_sms_message_translation",
    "get_sms_callouts",
    // Workflows
    "list_workflows",
    "create_workflow",
    "update_workflow",
    "get_workflow_export",
    "prepare_workflow_upload",
    // Sending and Broadcasts
    "send_email_message",
    "send_sms_message",
    "smart_send_message",
    "get_message_status",
    "send_broadcast",
    "list_broadcasts",
    "get_broadcast",
    "delete_broadcast",
    // Analytics and Deliverability
    "get_messaging_analytics",
    "get_events_analytics",
    "get_email_deliverability_setup",
    // Media
    "prepare_image_upload",
    "upload_image",
    // Brand Kit (AI)
    "extract_brandkit",
];

#[test]
fn registers_exactly_the_documents_82_tools_in_its_order() {
    assert_eq!(DOCUMENT.len(), 82);
    let tools = tools::all();
    let names: Vec<&str> = tools.iter().map(|t| t.name()).collect();
    assert_eq!(names, DOCUMENT);
}

#[tokio::test]
async fn the_server_lists_the_same_82() {
    let sandbox = crate::harness::Sandbox::new();
    let listed = sandbox.client.list_tools().await.expect("tools/list");
    let names: BTreeSet<&str> = listed.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, DOCUMENT.iter().copied().collect());
}

fn verb(name: &str) -> &str {
    name.split('_').next().unwrap_or_default()
}

#[test]
fn annotations_follow_what_each_tool_does() {
    for tool in tools::all() {
        let name = tool.name();
        let hints = tool.annotations();
        assert!(
            hints.title.as_deref().is_some_and(|t| !t.is_empty()),
            "{name} has no title"
        );
        let reaches_contacts = name.starts_with("send_") || name == "smart_send_message";
        let expected = match verb(name) {
            "get" | "list" => Effect::ReadOnly,
            "extract" => Effect::ReadOnly,
            "delete" | "detach" => Effect::Destructive,
            _ if reaches_contacts => Effect::Destructive,
            _ => Effect::Additive,
        };
        assert_eq!(tool.effect(), Some(expected), "{name}");
        assert_eq!(
            hints.open_world_hint,
            Some(reaches_contacts || name == "extract_brandkit"),
            "{name}"
        );
        assert_eq!(
            tool.needs_confirmation(),
            name == "send_broadcast",
            "{name}"
        );
    }
}

#[test]
fn descriptions_are_distinct_and_say_enough() {
    let tools = tools::all();
    let descriptions: BTreeSet<&str> = tools.iter().map(|t| t.description()).collect();
    assert_eq!(descriptions.len(), tools.len());
    for tool in &tools {
        assert!(
            tool.description().len() >= 150,
            "{} is described too briefly",
            tool.name()
        );
    }
}

#[test]
fn each_tool_declares_the_scope_its_effect_calls_for() {
    for tool in tools::all() {
        let name = tool.name();
        let reaches_contacts = name.starts_with("send_") || name == "smart_send_message";
        let expected = if tool.effect() == Some(Effect::ReadOnly) {
            access::READ
        } else if reaches_contacts {
            access::SEND
        } else {
            access::WRITE
        };
        let scopes: Vec<&str> = tool.scopes().collect();
        assert_eq!(scopes, [expected], "{name}");
    }
}
