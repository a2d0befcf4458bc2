//! Survey templates.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Channel, Metric, Template};

/// One survey template.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    /// The template id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The metric it asks about.
    pub metric: Metric,
    /// The channel it is written for.
    pub channel: Channel,
    /// The subject line or opening text.
    pub subject: String,
    /// Its language.
    pub language: String,
    /// When it was last edited, ISO 8601 UTC.
    pub updated_at: String,
}

/// Arguments of list_templates.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListTemplatesArgs {
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of search_templates. Given criteria must all match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchTemplatesArgs {
    /// Text the name must contain, ignoring case.
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
    /// Only templates of this metric.
    pub metric: Option<Metric>,
    /// Only templates for this channel.
    pub channel: Option<Channel>,
    #[serde(flatten)]
    pub paging: Paging,
}

fn view(t: &Template) -> TemplateView {
    TemplateView {
        id: t.id,
        name: t.name.clone(),
        metric: t.metric,
        channel: t.channel,
        subject: t.subject.clone(),
        language: t.language.clone(),
        updated_at: t.updated_at.iso(),
    }
}

impl Account {
    /// `list_templates`: every template, by id.
    pub fn list_templates(&self, args: ListTemplatesArgs) -> ToolResult<Page<TemplateView>> {
        let state = self.read();
        Ok(Page::from_iter(
            state.templates.iter().map(view),
            args.paging,
        ))
    }

    /// `search_templates`: templates by name, metric and channel.
    pub fn search_templates(&self, args: SearchTemplatesArgs) -> ToolResult<Page<TemplateView>> {
        let state = self.read();
        let needle = args.name.as_deref().map(|n| n.trim().to_lowercase());
        let rows = state
            .templates
            .iter()
            .filter(|t| {
                needle
                    .as_deref()
                    .is_none_or(|n| t.name.to_lowercase().contains(n))
            })
            .filter(|t| args.metric.is_none_or(|m| t.metric == m))
            .filter(|t| args.channel.is_none_or(|c| t.channel == c))
            .map(view);
        Ok(Page::from_iter(rows, args.paging))
    }
}
