//! Jason playbooks: named sets of selling instructions.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ApplyPatch, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::workspace::state::{Playbook, State, next_key};
use crate::workspace::{Workspace, non_blank};

/// Who can see and use a playbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PlaybookVisibility {
    /// The author's team (the default).
    Team,
    /// Everyone in the organization.
    Organization,
}

/// Arguments of `reply_list_playbooks`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListPlaybooksArgs {
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A playbook in a listing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PlaybookSummary {
    /// Playbook id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Short description.
    pub description: String,
    /// Who can see it.
    pub visibility_type: PlaybookVisibility,
}

/// A playbook in full.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PlaybookDetail {
    /// Playbook id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Short description.
    pub description: String,
    /// The instructions that tell Jason how to sell.
    pub body: String,
    /// Who can see it.
    pub visibility_type: PlaybookVisibility,
    /// Author's user id.
    pub owner_id: u64,
    /// Names of the sequences that use it.
    pub sequence_names: Vec<String>,
}

/// Arguments naming one playbook.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaybookRef {
    /// Id of the playbook, from reply_list_playbooks.
    #[schemars(range(min = 1))]
    pub playbook_id: u64,
}

/// Arguments of `reply_create_playbook`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatePlaybookArgs {
    /// Name of the playbook.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// One-line description.
    #[schemars(length(max = 1000))]
    pub description: Option<String>,
    /// The selling instructions Jason follows.
    #[schemars(length(min = 1, max = 32000))]
    pub body: String,
    /// Team (default) or Organization.
    pub visibility: Option<PlaybookVisibility>,
}

/// Arguments of `reply_update_playbook`; omitted or null fields keep their value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePlaybookArgs {
    /// Id of the playbook, from reply_list_playbooks.
    #[schemars(range(min = 1))]
    pub playbook_id: u64,
    /// New name.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// New description.
    #[schemars(length(max = 1000))]
    pub description: Option<String>,
    /// New instructions, replacing the old body.
    #[schemars(length(min = 1, max = 32000))]
    pub body: Option<String>,
    /// New visibility.
    pub visibility: Option<PlaybookVisibility>,
}

/// Arguments of `reply_duplicate_playbook`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DuplicatePlaybookArgs {
    /// Id of the playbook to copy, from reply_list_playbooks.
    #[schemars(range(min = 1))]
    pub playbook_id: u64,
    /// Name of the copy; "Copy of <original>" when omitted.
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// Visibility of the copy; Team when omitted.
    pub visibility: Option<PlaybookVisibility>,
}

fn detail(state: &State, p: &Playbook) -> PlaybookDetail {
    PlaybookDetail {
        id: p.id,
        name: p.name.clone(),
        description: p.description.clone(),
        body: p.body.clone(),
        visibility_type: p.visibility,
        owner_id: p.owner_id,
        sequence_names: state
            .sequences
            .values()
            .filter(|s| s.playbook_id == Some(p.id))
            .map(|s| s.name.clone())
            .collect(),
    }
}

fn missing(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no playbook with id {id}; list playbooks with reply_list_playbooks"
    ))
}

fn require(text: String, field: &str) -> ToolResult<String> {
    non_blank(Some(text))
        .ok_or_else(|| ToolError::invalid_arguments(format!("{field} is blank; pass some text")))
}

impl Workspace {
    /// `reply_list_playbooks`: the playbooks visible to the user.
    pub fn list_playbooks(&self, args: ListPlaybooksArgs) -> ToolResult<Page<PlaybookSummary>> {
        let state = self.read();
        let items = state.playbooks.values().map(|p| PlaybookSummary {
            id: p.id,
            name: p.name.clone(),
            description: p.description.clone(),
            visibility_type: p.visibility,
        });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_get_playbook`: one playbook in full.
    pub fn get_playbook(&self, args: PlaybookRef) -> ToolResult<PlaybookDetail> {
        let state = self.read();
        let p = state
            .playbooks
            .get(&args.playbook_id)
            .ok_or_else(|| missing(args.playbook_id))?;
        Ok(detail(&state, p))
    }

    /// `reply_create_playbook`: stores a new playbook.
    pub fn create_playbook(&self, args: CreatePlaybookArgs) -> ToolResult<PlaybookDetail> {
        let mut state = self.write();
        let playbook = Playbook {
            id: next_key(&state.playbooks),
            name: require(args.name, "name")?,
            description: non_blank(args.description).unwrap_or_default(),
            body: require(args.body, "body")?,
            visibility: args.visibility.unwrap_or(PlaybookVisibility::Team),
            owner_id: state.current_user_id,
        };
        state.tick();
        let id = playbook.id;
        state.playbooks.insert(id, playbook);
        let p = state.playbooks.get(&id).ok_or_else(|| missing(id))?;
        Ok(detail(&state, p))
    }

    /// `reply_update_playbook`: patches a playbook.
    pub fn update_playbook(&self, args: UpdatePlaybookArgs) -> ToolResult<PlaybookDetail> {
        let mut state = self.write();
        let name = args.name.map(|n| require(n, "name")).transpose()?;
        let body = args.body.map(|b| require(b, "body")).transpose()?;
        state.tick();
        let p = state
            .playbooks
            .get_mut(&args.playbook_id)
            .ok_or_else(|| missing(args.playbook_id))?;
        name.apply_to(&mut p.name);
        args.description.apply_to(&mut p.description);
        body.apply_to(&mut p.body);
        args.visibility.apply_to(&mut p.visibility);
        let p = state
            .playbooks
            .get(&args.playbook_id)
            .ok_or_else(|| missing(args.playbook_id))?;
        Ok(detail(&state, p))
    }

    /// `reply_duplicate_playbook`: copies a playbook's description and body into a new one.
    pub fn duplicate_playbook(&self, args: DuplicatePlaybookArgs) -> ToolResult<PlaybookDetail> {
        let mut state = self.write();
        let original = state
            .playbooks
            .get(&args.playbook_id)
            .ok_or_else(|| missing(args.playbook_id))?;
        let copy = Playbook {
            id: next_key(&state.playbooks),
            name: non_blank(args.name).unwrap_or_else(|| format!("Copy of {}", original.name)),
            description: original.description.clone(),
            body: original.body.clone(),
            visibility: args.visibility.unwrap_or(PlaybookVisibility::Team),
            owner_id: state.current_user_id,
        };
        state.tick();
        let id = copy.id;
        state.playbooks.insert(id, copy);
        let p = state.playbooks.get(&id).ok_or_else(|| missing(id))?;
        Ok(detail(&state, p))
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn create_update_duplicate() {
        let ws = Workspace::sandbox();
        let created = ws
            .create_playbook(args(
                json!({"name": "Short & sharp", "body": "Keep it under 60 words."}),
            ))
            .expect("create");
        assert_eq!(created.visibility_type, PlaybookVisibility::Team);
        let updated = ws
            .update_playbook(args(
                json!({"playbookId": created.id, "visibility": "Organization"}),
            ))
            .expect("update");
        assert_eq!(updated.body, "Keep it under 60 words.");
        assert_eq!(updated.visibility_type, PlaybookVisibility::Organization);
        let copy = ws
            .duplicate_playbook(args(json!({"playbookId": 1})))
            .expect("duplicate");
        let original = ws
            .get_playbook(args(json!({"playbookId": 1})))
            .expect("get");
        assert_eq!(copy.name, format!("Copy of {}", original.name));
        assert_eq!(copy.body, original.body);
        assert!(copy.sequence_names.is_empty());
        assert!(!original.sequence_names.is_empty());
        let missing = ws.duplicate_playbook(args(json!({"playbookId": 99})));
        assert_eq!(missing.expect_err("missing").code().as_str(), "NotFound");
    }
}
