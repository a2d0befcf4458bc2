//! The tool layer: one `#[tool]` per operation of the sandbox, grouped by area.
//!
//! Each tool's doc comment is its description, written for the model that calls it:
//! what it does, when to use it, where its ids come from, and what each error code
//! means. Names and annotations follow the vendor's tool index ([`crate::catalog`]);
//! [`all`] registers the tools in the index's order, which is the order of `tools/list`.

pub mod accounts;
pub mod approvals;
pub mod contacts;
pub mod handlers;
pub mod help;
pub mod inbox;
pub mod knowledge;
pub mod offers;
pub mod performance;
pub mod playbooks;
pub mod reengagement;
pub mod sequences;
pub mod tasks;

use mcp_tools::Tool;

/// Every tool, in the order of the vendor's tool index.
pub fn all() -> Vec<Tool> {
    vec![
        sequences::search_sequences::tool(),
        sequences::get_sequence_steps::tool(),
        sequences::get_sequence_step_variants::tool(),
        performance::get_sequence_stats::tool(),
        performance::compare_sequence_performance::tool(),
        sequences::start_sequence::tool(),
        sequences::pause_sequence::tool(),
        sequences::add_contact_to_sequence::tool(),
        sequences::change_status_in_sequence::tool(),
        sequences::assign_email_account_to_sequence::tool(),
        sequences::assign_linkedin_account_to_sequence::tool(),
        sequences::assign_schedule_to_sequence::tool(),
        sequences::attach_offer_to_sequence::tool(),
        sequences::attach_playbook_to_sequence::tool(),
        sequences::attach_knowledge_base_to_sequence::tool(),
        sequences::set_sequence_reply_mode::tool(),
        contacts::search_contacts::tool(),
        contacts::filter_contacts::tool(),
        contacts::create_contact::tool(),
        contacts::update_contact::tool(),
        contacts::get_contact_activity::tool(),
        contacts::mark_contacts_as_replied::tool(),
        contacts::change_contact_owner::tool(),
        contacts::blacklist_contact::tool(),
        inbox::get_inbox_emails::tool(),
        inbox::send_inbox_reply::tool(),
        inbox::change_inbox_category::tool(),
        approvals::list_pending_approvals::tool(),
        approvals::approve_message::tool(),
        approvals::bulk_approve_messages::tool(),
        approvals::reject_message::tool(),
        approvals::regenerate_message::tool(),
        knowledge::list_knowledge_bases::tool(),
        knowledge::get_knowledge_base::tool(),
        knowledge::create_knowledge_base::tool(),
        knowledge::update_knowledge_base::tool(),
        knowledge::add_knowledge_base_source::tool(),
        knowledge::delete_knowledge_base_source::tool(),
        handlers::list_reply_handlers::tool(),
        handlers::get_reply_handler::tool(),
        handlers::create_reply_handler::tool(),
        handlers::update_reply_handler::tool(),
        handlers::delete_reply_handler::tool(),
        reengagement::list_reengagement_cards::tool(),
        reengagement::get_reengagement_card::tool(),
        reengagement::create_reengagement_card::tool(),
        reengagement::update_reengagement_card::tool(),
        reengagement::delete_reengagement_card::tool(),
        offers::list_offers::tool(),
        offers::get_offer::tool(),
        offers::create_offer::tool(),
        offers::update_offer::tool(),
        offers::generate_offer_from_website::tool(),
        playbooks::list_playbooks::tool(),
        playbooks::get_playbook::tool(),
        playbooks::create_playbook::tool(),
        playbooks::update_playbook::tool(),
        playbooks::duplicate_playbook::tool(),
        tasks::list_my_tasks::tool(),
        tasks::create_task::tool(),
        tasks::complete_task::tool(),
        accounts::list_email_accounts::tool(),
        accounts::list_linkedin_accounts::tool(),
        accounts::list_schedules::tool(),
        accounts::search_lists::tool(),
        accounts::search_team_members::tool(),
        help::search_knowledge_base::tool(),
        help::get_knowledge_base_article::tool(),
        help::get_app_map::tool(),
        help::report_unsupported_request::tool(),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use mcp_tools::Effect;

    use super::all;
    use crate::catalog::TOOLS;

    #[test]
    fn registry_matches_the_catalog_in_order() {
        let tools = all();
        let names: Vec<&str> = tools.iter().map(|t| t.name()).collect();
        let expected: Vec<&str> = TOOLS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn annotations_match_the_catalog() {
        for (tool, (name, read_only)) in all().iter().zip(TOOLS) {
            let hints = tool.annotations();
            if *read_only {
                assert_eq!(tool.effect(), Some(Effect::ReadOnly), "{name}");
                assert_eq!(hints.read_only_hint, Some(true), "{name}");
                assert_ne!(hints.destructive_hint, Some(true), "{name}");
            } else {
                assert_eq!(tool.effect(), Some(Effect::Destructive), "{name}");
                assert_eq!(hints.destructive_hint, Some(true), "{name}");
                assert_ne!(hints.read_only_hint, Some(true), "{name}");
            }
        }
    }

    #[test]
    fn every_description_names_its_purpose_and_is_unique() {
        let tools = all();
        let descriptions: BTreeSet<&str> = tools.iter().map(|t| t.description()).collect();
        assert_eq!(descriptions.len(), tools.len());
        for tool in &tools {
            assert!(
                tool.description().len() > 120,
                "{} is described too briefly",
                tool.name()
            );
        }
    }
}
