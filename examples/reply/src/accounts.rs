//! Workspace resolvers: mailboxes, LinkedIn accounts, schedules, lists and teammates.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolResult};
use serde::{Deserialize, Serialize};

use crate::workspace::{Workspace, contains_folded, non_blank};

/// A mailbox, stored and returned as is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EmailAccount {
    /// Email account id, for reply_assign_email_account_to_sequence.
    pub id: u64,
    /// Address.
    pub email: String,
    /// Sender name shown to recipients.
    pub sender_name: String,
    /// Whether the mailbox is connected and can send.
    pub is_connected: bool,
    /// Most emails it sends per day.
    pub daily_limit: u32,
    /// Whether new sequences use it by default.
    pub is_default: bool,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Owning user id.
    pub owner_id: u64,
}

/// A LinkedIn account, stored and returned as is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LinkedInAccount {
    /// LinkedIn account id, for reply_assign_linkedin_account_to_sequence.
    pub id: u64,
    /// Profile name.
    pub name: String,
    /// Profile URL.
    pub profile_url: String,
    /// Account status, such as Active.
    pub status: String,
    /// Whether the session cookie works; when false, LinkedIn steps and replies fail.
    pub is_cookie_healthy: bool,
    /// Subscription tier: Free, Premium or SalesNavigator.
    pub tier: String,
    /// Owning user id.
    pub owner_id: u64,
}

/// A sending schedule, stored and returned as is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Schedule {
    /// Schedule id, for reply_assign_schedule_to_sequence.
    pub id: u64,
    /// Name.
    pub name: String,
    /// IANA time zone of the windows.
    pub time_zone: String,
    /// Whether new sequences use it by default.
    pub is_default: bool,
    /// Sending windows for first messages.
    pub main_window_count: u32,
    /// Sending windows for follow-ups.
    pub follow_up_window_count: u32,
}

/// Arguments of the plain resolvers that only page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListArgs {
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of `reply_search_lists`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchListsArgs {
    /// Part of the list name, case-insensitive; omit to list all.
    #[schemars(length(max = 200))]
    pub name: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A contact list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ListSummary {
    /// List id, for reply_filter_contacts and contact listIds.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Contacts on the list.
    pub contact_count: usize,
    /// Owning user id.
    pub owner_id: u64,
}

/// Arguments of `reply_search_team_members`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchTeamArgs {
    /// Part of a teammate's name or email, case-insensitive; omit to list everyone.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A teammate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TeamMemberView {
    /// User id, for ownerId / newOwnerId arguments.
    pub user_id: u64,
    /// Full name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role in the workspace.
    pub role: String,
    /// Whether this is the user the tools act as.
    pub is_current_user: bool,
}

impl Workspace {
    /// `reply_list_email_accounts`: the workspace's mailboxes.
    pub fn list_email_accounts(&self, args: ListArgs) -> ToolResult<Page<EmailAccount>> {
        let state = self.read();
        Ok(Page::from_iter(
            state.email_accounts.values().cloned(),
            args.paging,
        ))
    }

    /// `reply_list_linkedin_accounts`: the workspace's LinkedIn accounts.
    pub fn list_linkedin_accounts(&self, args: ListArgs) -> ToolResult<Page<LinkedInAccount>> {
        let state = self.read();
        Ok(Page::from_iter(
            state.linkedin_accounts.values().cloned(),
            args.paging,
        ))
    }

    /// `reply_list_schedules`: the workspace's sending schedules.
    pub fn list_schedules(&self, args: ListArgs) -> ToolResult<Page<Schedule>> {
        let state = self.read();
        Ok(Page::from_iter(
            state.schedules.values().cloned(),
            args.paging,
        ))
    }

    /// `reply_search_lists`: contact lists by name substring.
    pub fn search_lists(&self, args: SearchListsArgs) -> ToolResult<Page<ListSummary>> {
        let state = self.read();
        let name = non_blank(args.name);
        let items = state
            .lists
            .values()
            .filter(|l| name.as_deref().is_none_or(|n| contains_folded(&l.name, n)))
            .map(|l| ListSummary {
                id: l.id,
                name: l.name.clone(),
                contact_count: state
                    .contacts
                    .values()
                    .filter(|c| c.list_ids.contains(&l.id))
                    .count(),
                owner_id: l.owner_id,
            });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_search_team_members`: teammates by name or email substring.
    pub fn search_team_members(&self, args: SearchTeamArgs) -> ToolResult<Page<TeamMemberView>> {
        let state = self.read();
        let query = non_blank(args.query);
        let items = state
            .team
            .values()
            .filter(|m| {
                query
                    .as_deref()
                    .is_none_or(|q| contains_folded(&m.name, q) || contains_folded(&m.email, q))
            })
            .map(|m| TeamMemberView {
                user_id: m.id,
                name: m.name.clone(),
                email: m.email.clone(),
                role: m.role.clone(),
                is_current_user: m.id == state.current_user_id,
            });
        Ok(Page::from_iter(items, args.paging))
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn resolvers_expose_health_and_ids() {
        let ws = Workspace::sandbox();
        let mailboxes = ws.list_email_accounts(args(json!({}))).expect("mailboxes");
        assert!(mailboxes.items.iter().any(|m| !m.is_connected));
        assert_eq!(mailboxes.items.iter().filter(|m| m.is_default).count(), 1);
        let linkedin = ws
            .list_linkedin_accounts(args(json!({})))
            .expect("linkedin");
        assert!(linkedin.items.iter().any(|a| !a.is_cookie_healthy));
        let schedules = ws.list_schedules(args(json!({}))).expect("schedules");
        assert_eq!(schedules.items.iter().filter(|s| s.is_default).count(), 1);
        let lists = ws
            .search_lists(args(json!({"name": "founders"})))
            .expect("lists");
        assert_eq!(lists.items.len(), 1);
        assert!(lists.items[0].contact_count > 0);
        let me = ws
            .search_team_members(args(json!({"query": "maya"})))
            .expect("team");
        assert!(me.items[0].is_current_user);
        let by_email = ws
            .search_team_members(args(json!({"query": "daniel@"})))
            .expect("team");
        assert_eq!(by_email.items[0].user_id, 2);
    }
}
