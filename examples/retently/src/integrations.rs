//! Integrations and their health. Credentials are never stored here nor returned.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, ConnectionState, Health, Integration};

/// One integration's connection and health.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationView {
    /// The integration id.
    pub id: u64,
    /// The other system, such as HubSpot.
    pub provider: String,
    /// What the account uses it for.
    pub purpose: String,
    /// Whether it is connected.
    pub state: ConnectionState,
    /// How well it syncs.
    pub health: Health,
    /// When it last synced, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sync_at: Option<String>,
    /// The last sync error, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Records synced so far.
    pub records_synced: u64,
}

/// Arguments of list_integrations.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListIntegrationsArgs {
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_integration_status.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetIntegrationStatusArgs {
    /// The integration id, from list_integrations.
    #[schemars(range(min = 1))]
    pub integration_id: u64,
}

fn view(i: &Integration) -> IntegrationView {
    IntegrationView {
        id: i.id,
        provider: i.provider.clone(),
        purpose: i.purpose.clone(),
        state: i.state,
        health: i.health,
        last_sync_at: i.last_sync_at.map(|t| t.iso()),
        last_error: i.last_error.clone(),
        records_synced: i.records_synced,
    }
}

impl Account {
    /// `list_integrations`: every integration with its health.
    pub fn list_integrations(
        &self,
        args: ListIntegrationsArgs,
    ) -> ToolResult<Page<IntegrationView>> {
        let state = self.read();
        Ok(Page::from_iter(
            state.integrations.iter().map(view),
            args.paging,
        ))
    }

    /// `get_integration_status`: one integration's health and last sync.
    pub fn get_integration_status(
        &self,
        args: GetIntegrationStatusArgs,
    ) -> ToolResult<IntegrationView> {
        let state = self.read();
        state
            .integrations
            .iter()
            .find(|i| i.id == args.integration_id)
            .map(view)
            .ok_or_else(|| {
                ToolError::not_found(format!(
                    "no integration with id {}; list_integrations gives valid ids",
                    args.integration_id
                ))
            })
    }
}
