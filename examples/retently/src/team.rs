//! Team members.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, Pii, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Role, State, User, UserStatus};

/// One team member.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    /// The member id (use it as userId in assign_feedback).
    pub id: u64,
    /// Their name; de-identified without pii:read.
    pub name: Pii,
    /// Their email; de-identified without pii:read.
    pub email: Pii,
    /// Their role.
    pub role: Role,
    /// Whether they can sign in.
    pub status: UserStatus,
    /// Whether feedback can be assigned to them (active and not a viewer).
    pub assignable: bool,
    /// Open responses assigned to them.
    pub open_assignments: usize,
    /// When they were last active, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_active_at: Option<String>,
}

/// Arguments of list_users.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListUsersArgs {
    /// Only members with this role.
    pub role: Option<Role>,
    /// Only members with this status.
    pub status: Option<UserStatus>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_user.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetUserArgs {
    /// The member id, from list_users.
    #[schemars(range(min = 1))]
    pub user_id: u64,
}

impl State {
    fn user_view(&self, u: &User) -> UserView {
        let resolved: Vec<&str> = self
            .statuses
            .iter()
            .filter(|s| s.resolved)
            .map(|s| s.key.as_str())
            .collect();
        UserView {
            id: u.id,
            name: Pii::name(u.full_name()),
            email: Pii::email(u.email.clone()),
            role: u.role,
            status: u.status,
            assignable: u.status == UserStatus::Active && u.role != Role::Viewer,
            open_assignments: self
                .feedback
                .iter()
                .filter(|f| f.assignee_id == Some(u.id) && !resolved.contains(&f.status.as_str()))
                .count(),
            last_active_at: u.last_active_at.map(|t| t.iso()),
        }
    }
}

impl Account {
    /// `list_users`: team members, by id.
    pub fn list_users(&self, args: ListUsersArgs) -> ToolResult<Page<UserView>> {
        let state = self.read();
        let rows = state
            .users
            .iter()
            .filter(|u| args.role.is_none_or(|r| u.role == r))
            .filter(|u| args.status.is_none_or(|s| u.status == s))
            .map(|u| state.user_view(u));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_user`: one team member.
    pub fn get_user(&self, args: GetUserArgs) -> ToolResult<UserView> {
        let state = self.read();
        let u = state.user(args.user_id)?;
        Ok(state.user_view(u))
    }
}
