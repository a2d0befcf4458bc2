//! The tool layer: one `#[tool]` fn per tool of the catalog, each a thin
//! wrapper around an [`Account`](crate::account::Account) operation.
//!
//! Reads call the operation. Writes are declared `destructive, confirm` and run
//! in two phases: plan (no change), hand the plan to the
//! [`Confirmation`](mcp_tools::Confirmation) as the preview, and apply once
//! the call comes back with the token. Scopes are declared on each tool and
//! checked by the dispatcher before the tool runs; the personal-data rules
//! that depend on the arguments are checked in the tool.

mod account;
mod customers;
mod delivery;
mod feedback;
pub(crate) mod filters;
mod reports;

use mcp_tools::Tool;

/// Every tool of the server, in the order of the vendor's catalog.
pub fn registry() -> Vec<Tool> {
    vec![
        // Feedback
        feedback::list_feedback::tool(),
        feedback::list_recent_feedback::tool(),
        feedback::get_feedback::tool(),
        feedback::get_feedback_replies::tool(),
        feedback::search_feedback::tool(),
        feedback::aggregate_feedback::tool(),
        feedback::list_statuses::tool(),
        feedback::tag_feedback::tool(),
        feedback::set_topics::tool(),
        feedback::star_feedback::tool(),
        feedback::assign_feedback::tool(),
        feedback::resolve_feedback::tool(),
        feedback::add_note::tool(),
        feedback::reply_feedback::tool(),
        // Filters
        filters::describe_filters::tool(),
        filters::apply_filter::tool(),
        filters::list_saved_filters::tool(),
        filters::list_recent_filters::tool(),
        // Reports and scores
        reports::get_score::tool(),
        reports::get_monthly_stats::tool(),
        reports::get_topic_stats::tool(),
        reports::get_report::tool(),
        reports::get_trends::tool(),
        reports::get_trends_group::tool(),
        // Customers and companies
        customers::list_customers::tool(),
        customers::search_customers::tool(),
        customers::get_customer::tool(),
        customers::update_contact::tool(),
        customers::list_companies::tool(),
        customers::get_company::tool(),
        // Campaigns, surveys, templates
        delivery::list_campaigns::tool(),
        delivery::search_campaigns::tool(),
        delivery::get_campaign::tool(),
        delivery::send_survey::tool(),
        delivery::list_templates::tool(),
        delivery::search_templates::tool(),
        // Digests
        reports::list_digests::tool(),
        reports::get_digest::tool(),
        // Delivery and queue, suppressions
        delivery::list_outbox::tool(),
        delivery::get_outbox_stats::tool(),
        delivery::get_queue_status::tool(),
        delivery::list_suppressed_domains::tool(),
        delivery::list_suppressed_emails::tool(),
        delivery::get_suppressed_email::tool(),
        // Integrations, team, account, server
        account::list_integrations::tool(),
        account::get_integration_status::tool(),
        account::list_users::tool(),
        account::get_user::tool(),
        account::get_plan_usage::tool(),
        account::list_account_attributes::tool(),
        account::list_tags::tool(),
        account::list_topics::tool(),
        account::ping::tool(),
    ]
}

#[cfg(test)]
mod tests {
    use mcp_tools::Effect;

    use super::*;
    use crate::catalog::{TOOLS, ToolKind};

    #[test]
    fn registry_matches_the_catalog() {
        let tools = registry();
        assert_eq!(tools.len(), TOOLS.len());
        for (tool, entry) in tools.iter().zip(TOOLS) {
            assert_eq!(tool.name(), entry.name, "order follows the catalog");
            let scopes: Vec<&str> = tool.scopes().collect();
            assert_eq!(scopes, entry.scopes, "{}", entry.name);
            match entry.kind {
                ToolKind::Read => {
                    assert_eq!(tool.effect(), Some(Effect::ReadOnly), "{}", entry.name);
                    assert!(!tool.needs_confirmation(), "{}", entry.name);
                    assert!(tool.requires_auth(), "{}", entry.name);
                }
                ToolKind::Write => {
                    assert_eq!(tool.effect(), Some(Effect::Destructive), "{}", entry.name);
                    assert!(tool.needs_confirmation(), "{}", entry.name);
                    assert!(tool.requires_auth(), "{}", entry.name);
                }
                ToolKind::Meta => {
                    assert_eq!(tool.effect(), Some(Effect::ReadOnly), "{}", entry.name);
                    assert!(!tool.requires_auth(), "{}", entry.name);
                }
            }
            assert_eq!(
                tool.annotations().open_world_hint,
                entry.sends_live.then_some(true),
                "{}",
                entry.name
            );
        }
        let count = |effect| tools.iter().filter(|t| t.effect() == Some(effect)).count();
        assert_eq!(count(Effect::ReadOnly), 44, "43 reads and ping");
        assert_eq!(count(Effect::Destructive), 9);
    }
}
