//! Companies with firmographics and CX metrics (B2B Account-CX feature).

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Company, Metric, State};
use crate::scores::Tally;

/// One company.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompanyView {
    /// The company id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its web domain.
    pub domain: String,
    /// Its industry.
    pub industry: String,
    /// Its head count.
    pub employees: u32,
    /// Its yearly revenue in US dollars.
    pub annual_revenue_usd: u64,
    /// Its country, ISO 3166 alpha-2.
    pub country: String,
    /// The account's segment for it: strategic, growth or long-tail.
    pub tier: String,
    /// Customers of the account who work there.
    pub customers: usize,
    /// Feedback responses from those customers.
    pub responses: u32,
    /// NPS over all of its NPS responses; absent without any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nps: Option<f64>,
    /// CSAT over all of its CSAT responses; absent without any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    /// CES over all of its CES responses; absent without any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ces: Option<f64>,
    /// When its last response arrived, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_response_at: Option<String>,
    /// When it was added, ISO 8601 UTC.
    pub created_at: String,
}

/// Arguments of list_companies.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListCompaniesArgs {
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_company.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetCompanyArgs {
    /// The company id, from list_companies or a customer's companyId.
    #[schemars(range(min = 1))]
    pub company_id: u64,
}

impl State {
    fn company_view(&self, c: &Company) -> CompanyView {
        let people: Vec<u64> = self
            .customers
            .iter()
            .filter(|p| p.company_id == Some(c.id))
            .map(|p| p.id)
            .collect();
        let mut tallies = [Tally::default(); 3];
        let mut last = None;
        for f in self
            .feedback
            .iter()
            .filter(|f| people.contains(&f.customer_id))
        {
            let metric = self.metric_of(f);
            tallies[metric as usize].add(metric, f.score);
            last = Some(f.created_at);
        }
        CompanyView {
            id: c.id,
            name: c.name.clone(),
            domain: c.domain.clone(),
            industry: c.industry.clone(),
            employees: c.employees,
            annual_revenue_usd: c.annual_revenue_usd,
            country: c.country.clone(),
            tier: c.tier.clone(),
            customers: people.len(),
            responses: tallies.iter().map(Tally::count).sum(),
            nps: tallies[Metric::Nps as usize].score(Metric::Nps),
            csat: tallies[Metric::Csat as usize].score(Metric::Csat),
            ces: tallies[Metric::Ces as usize].score(Metric::Ces),
            last_response_at: last.map(|t| t.iso()),
            created_at: c.created_at.iso(),
        }
    }
}

impl Account {
    /// `list_companies`: companies by name.
    pub fn list_companies(&self, args: ListCompaniesArgs) -> ToolResult<Page<CompanyView>> {
        let state = self.read();
        state.require_b2b()?;
        let mut all: Vec<&Company> = state.companies.iter().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Page::from_iter(
            all.into_iter().map(|c| state.company_view(c)),
            args.paging,
        ))
    }

    /// `get_company`: one company.
    pub fn get_company(&self, args: GetCompanyArgs) -> ToolResult<CompanyView> {
        let state = self.read();
        let c = state.company(args.company_id)?;
        Ok(state.company_view(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::{from_value, json};

    #[test]
    fn companies_need_the_b2b_feature() {
        let account = Account::sandbox();
        let page = account
            .list_companies(from_value(json!({"top": 100})).unwrap())
            .unwrap();
        assert_eq!(page.items.len(), 40);
        let one = account
            .get_company(GetCompanyArgs { company_id: 1 })
            .unwrap();
        assert!(one.customers > 0 && one.nps.is_some());
        account.set_b2b_feature(false);
        let err = account
            .get_company(GetCompanyArgs { company_id: 1 })
            .unwrap_err();
        assert_eq!(err.code().as_str(), "Forbidden");
        assert!(err.message().contains("FeatureNotEnabled"));
        assert!(
            account
                .list_companies(from_value(json!({})).unwrap())
                .is_err()
        );
    }
}
