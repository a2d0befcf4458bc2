//! The tool catalog: every tool name of the Reply surface and whether it is read-only.

/// Every tool, as `(name, read_only)`: `true` is annotated `readOnlyHint`, `false`
/// is annotated `destructiveHint`. Grouped as the vendor's tool index groups them.
pub const TOOLS: &[(&str, bool)] = &[
    // Sequences: discover and inspect.
    ("reply_search_sequences", true),
    ("reply_get_sequence_steps", true),
    ("reply_get_sequence_step_variants", true),
    ("reply_get_sequence_stats", true),
    ("reply_compare_sequence_performance", true),
    // Sequences: control and configuration.
    ("reply_start_sequence", false),
    ("reply_pause_sequence", false),
    ("reply_add_contact_to_sequence", false),
    ("reply_change_status_in_sequence", false),
    ("reply_assign_email_account_to_sequence", false),
    ("reply_assign_linkedin_account_to_sequence", false),
    ("reply_assign_schedule_to_sequence", false),
    ("reply_attach_offer_to_sequence", false),
    ("reply_attach_playbook_to_sequence", false),
    ("reply_attach_knowledge_base_to_sequence", false),
    ("reply_set_sequence_reply_mode", false),
    // Contacts.
    ("reply_search_contacts", true),
    ("reply_filter_contacts", true),
    ("reply_create_contact", false),
    ("reply_update_contact", false),
    ("reply_get_contact_activity", true),
    ("reply_mark_contacts_as_replied", false),
    ("reply_change_contact_owner", false),
    ("reply_blacklist_contact", false),
    // Inbox.
    ("reply_get_inbox_emails", true),
    ("reply_send_inbox_reply", false),
    ("reply_change_inbox_category", false),
    // Jason: approvals.
    ("reply_list_pending_approvals", true),
    ("reply_approve_message", false),
    ("reply_bulk_approve_messages", false),
    ("reply_reject_message", false),
    ("reply_regenerate_message", false),
    // Jason: knowledge bases.
    ("reply_list_knowledge_bases", true),
    ("reply_get_knowledge_base", true),
    ("reply_create_knowledge_base", false),
    ("reply_update_knowledge_base", false),
    ("reply_add_knowledge_base_source", false),
    ("reply_delete_knowledge_base_source", false),
    // Jason: reply handlers.
    ("reply_list_reply_handlers", true),
    ("reply_get_reply_handler", true),
    ("reply_create_reply_handler", false),
    ("reply_update_reply_handler", false),
    ("reply_delete_reply_handler", false),
    // Jason: reengagement cards.
    ("reply_list_reengagement_cards", true),
    ("reply_get_reengagement_card", true),
    ("reply_create_reengagement_card", false),
    ("reply_update_reengagement_card", false),
    ("reply_delete_reengagement_card", false),
    // Jason: offers.
    ("reply_list_offers", true),
    ("reply_get_offer", true),
    ("reply_create_offer", false),
    ("reply_update_offer", false),
    ("reply_generate_offer_from_website", true),
    // Jason: playbooks.
    ("reply_list_playbooks", true),
    ("reply_get_playbook", true),
    ("reply_create_playbook", false),
    ("reply_update_playbook", false),
    ("reply_duplicate_playbook", false),
    // Tasks.
    ("reply_list_my_tasks", true),
    ("reply_create_task", false),
    ("reply_complete_task", false),
    // Workspace resolvers and accounts.
    ("reply_list_email_accounts", true),
    ("reply_list_linkedin_accounts", true),
    ("reply_list_schedules", true),
    ("reply_search_lists", true),
    ("reply_search_team_members", true),
    // Help and meta.
    ("reply_search_knowledge_base", true),
    ("reply_get_knowledge_base_article", true),
    ("reply_get_app_map", true),
    ("reply_report_unsupported_request", true),
];

#[cfg(test)]
mod tests {
    use super::TOOLS;
    use std::collections::BTreeSet;

    #[test]
    fn seventy_tools_split_31_read_39_write() {
        assert_eq!(TOOLS.len(), 70);
        assert_eq!(TOOLS.iter().filter(|(_, ro)| *ro).count(), 31);
        assert_eq!(TOOLS.iter().filter(|(_, ro)| !*ro).count(), 39);
    }

    #[test]
    fn names_are_unique_and_prefixed() {
        let names: BTreeSet<&str> = TOOLS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), TOOLS.len());
        assert!(
            names.iter().all(|n| n.starts_with("reply_")
                && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
    }
}
