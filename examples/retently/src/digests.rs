//! Generated digest reports.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Digest, DigestPeriod, DigestScore, DigestTheme};

/// Where the sandbox serves digest documents.
pub const DIGEST_BASE_URL: &str = "https://sandbox.retently.example/digests";

/// A digest as listed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DigestRow {
    /// The digest id.
    pub id: u64,
    /// weekly or monthly.
    pub period: DigestPeriod,
    /// The first day covered.
    pub from: String,
    /// The last day covered.
    pub to: String,
    /// When it was generated, ISO 8601 UTC.
    pub generated_at: String,
    /// Each metric's score and change against the period before.
    pub scores: Vec<DigestScore>,
    /// The HTML report.
    pub html_url: String,
    /// The PDF report.
    pub pdf_url: String,
}

/// A digest with its themes and summary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DigestDetail {
    /// The digest fields.
    #[serde(flatten)]
    pub digest: DigestRow,
    /// The most discussed topics of the period.
    pub themes: Vec<DigestTheme>,
    /// A generated summary of the period.
    pub summary: String,
}

/// Arguments of list_digests.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListDigestsArgs {
    /// Only weekly or only monthly digests.
    pub period: Option<DigestPeriod>,
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_digest.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetDigestArgs {
    /// The digest id, from list_digests.
    #[schemars(range(min = 1))]
    pub digest_id: u64,
}

fn row(d: &Digest) -> DigestRow {
    DigestRow {
        id: d.id,
        period: d.period,
        from: d.from.to_string(),
        to: d.to.to_string(),
        generated_at: d.generated_at.iso(),
        scores: d.scores.clone(),
        html_url: format!("{DIGEST_BASE_URL}/{}/report.html", d.id),
        pdf_url: format!("{DIGEST_BASE_URL}/{}/report.pdf", d.id),
    }
}

impl Account {
    /// `list_digests`: digests, newest first.
    pub fn list_digests(&self, args: ListDigestsArgs) -> ToolResult<Page<DigestRow>> {
        let state = self.read();
        let rows = state
            .digests
            .iter()
            .rev()
            .filter(|d| args.period.is_none_or(|p| d.period == p))
            .map(row);
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_digest`: one digest with its themes and summary.
    pub fn get_digest(&self, args: GetDigestArgs) -> ToolResult<DigestDetail> {
        let state = self.read();
        let d = state
            .digests
            .iter()
            .find(|d| d.id == args.digest_id)
            .ok_or_else(|| {
                ToolError::not_found(format!(
                    "no digest with id {}; list_digests gives valid ids",
                    args.digest_id
                ))
            })?;
        Ok(DigestDetail {
            digest: row(d),
            themes: d.themes.clone(),
            summary: d.summary.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    #[test]
    fn digests_are_newest_first_with_links() {
        let account = Account::sandbox();
        let page = account
            .list_digests(from_value(json!({"top": 100})).unwrap())
            .unwrap();
        assert_eq!(page.items.len(), 14);
        assert!(page.items.windows(2).all(|w| w[0].to >= w[1].to));
        let monthly = account
            .list_digests(from_value(json!({"period": "monthly"})).unwrap())
            .unwrap();
        assert_eq!(monthly.items.len(), 6);
        assert_eq!(monthly.items[0].from, "2026-10-01");
        let detail = account
            .get_digest(GetDigestArgs {
                digest_id: monthly.items[0].id,
            })
            .unwrap();
        assert!(detail.summary.contains("NPS"));
        assert_eq!(detail.themes.len(), 3);
        assert!(detail.digest.pdf_url.ends_with(".pdf"));
        let nps = &detail.digest.scores[0];
        assert_eq!(
            nps.delta,
            crate::scores::delta(nps.score, nps.previous_score)
        );
    }
}
