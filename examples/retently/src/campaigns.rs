//! Survey campaigns.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Campaign, Channel, Metric, State};
use crate::calendar::Window;
use crate::reports::{DEFAULT_SCORE_DAYS, Score};

/// One campaign as listed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignRow {
    /// The campaign id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The metric it measures.
    pub metric: Metric,
    /// How it reaches people.
    pub channel: Channel,
    /// Whether it is enabled; send_survey only works through enabled campaigns.
    pub enabled: bool,
    /// Whether it is the account's default campaign.
    pub is_default: bool,
}

/// One campaign with its configuration and latest score.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignDetail {
    /// The campaign fields.
    #[serde(flatten)]
    pub campaign: CampaignRow,
    /// The question asked.
    pub question: String,
    /// The survey template it uses (see list_templates).
    pub template_id: u64,
    /// The survey language.
    pub language: String,
    /// The least number of days between two surveys to the same person.
    pub throttle_days: u32,
    /// When it was created, ISO 8601 UTC.
    pub created_at: String,
    /// Its score over the last 90 days.
    pub latest_score: Score,
}

/// Arguments of list_campaigns.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListCampaignsArgs {
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of search_campaigns. Given criteria must all match; none lists every campaign.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchCampaignsArgs {
    /// Text the name must contain, ignoring case.
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
    /// Only campaigns of this metric.
    pub metric: Option<Metric>,
    /// Only enabled (true) or disabled (false) campaigns.
    pub enabled: Option<bool>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_campaign.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetCampaignArgs {
    /// The campaign id, from list_campaigns or search_campaigns.
    #[schemars(range(min = 1))]
    pub campaign_id: u64,
}

fn row(c: &Campaign) -> CampaignRow {
    CampaignRow {
        id: c.id,
        name: c.name.clone(),
        metric: c.metric,
        channel: c.channel,
        enabled: c.enabled,
        is_default: c.is_default,
    }
}

impl Account {
    /// `list_campaigns`: every campaign, by id.
    pub fn list_campaigns(&self, args: ListCampaignsArgs) -> ToolResult<Page<CampaignRow>> {
        let state = self.read();
        Ok(Page::from_iter(
            state.campaigns.iter().map(row),
            args.paging,
        ))
    }

    /// `search_campaigns`: campaigns by name, metric and enabled state.
    pub fn search_campaigns(&self, args: SearchCampaignsArgs) -> ToolResult<Page<CampaignRow>> {
        let state = self.read();
        let needle = args.name.as_deref().map(|n| n.trim().to_lowercase());
        let rows = state
            .campaigns
            .iter()
            .filter(|c| {
                needle
                    .as_deref()
                    .is_none_or(|n| c.name.to_lowercase().contains(n))
            })
            .filter(|c| args.metric.is_none_or(|m| c.metric == m))
            .filter(|c| args.enabled.is_none_or(|e| c.enabled == e))
            .map(row);
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_campaign`: one campaign with its configuration and latest score.
    pub fn get_campaign(&self, args: GetCampaignArgs) -> ToolResult<CampaignDetail> {
        let state: std::sync::RwLockReadGuard<'_, State> = self.read();
        let c = state.campaign(args.campaign_id)?;
        let window = Window {
            from: state.today.plus_days(1 - DEFAULT_SCORE_DAYS),
            to: state.today,
        };
        Ok(CampaignDetail {
            campaign: row(c),
            question: c.question.clone(),
            template_id: c.template_id,
            language: c.language.clone(),
            throttle_days: c.throttle_days,
            created_at: c.created_at.iso(),
            latest_score: state.score(c.metric, Some(c.id), &window),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    #[test]
    fn campaigns_list_search_and_detail() {
        let account = Account::sandbox();
        let all = account
            .list_campaigns(from_value(json!({})).unwrap())
            .unwrap();
        assert_eq!(all.items.len(), 8);
        assert_eq!(all.items.iter().filter(|c| c.is_default).count(), 1);
        let disabled = account
            .search_campaigns(from_value(json!({"enabled": false})).unwrap())
            .unwrap();
        assert_eq!(disabled.items.len(), 3);
        let csat = account
            .search_campaigns(from_value(json!({"metric": "CSAT", "name": "support"})).unwrap())
            .unwrap();
        assert_eq!(csat.items.len(), 1);
        let detail = account
            .get_campaign(GetCampaignArgs { campaign_id: 1 })
            .unwrap();
        assert!(detail.latest_score.score.is_some());
    }
}
