//! Customer and company tools, with the personal-data rules of search and update.

use mcp_tools::{Confirmation, Page, State, ToolContext, ToolError, ToolResult, tool};

use crate::account::Account;
use crate::companies::{CompanyView, GetCompanyArgs, ListCompaniesArgs};
use crate::customers::{
    ContactUpdate, CustomerIdArgs, CustomerView, ListCustomersArgs, SearchCustomersArgs,
    UpdateContactArgs, contains_personal_change, searches_personal_fields,
};
use crate::service::PII_READ_SCOPE;

/// List customers, newest first, one page at a time: company, tags, custom
/// properties, number of responses and latest score. Emails, names and phone
/// numbers are de-identified unless the connection holds pii:read.
#[tool(read_only, scopes("customers:read"))]
pub async fn list_customers(
    State(account): State<Account>,
    #[args] args: ListCustomersArgs,
) -> ToolResult<Page<CustomerView>> {
    account.list_customers(args)
}

/// Find customers by company (companyId or part of companyName), by tag, or by
/// part of their name or email. All given criteria must match. Searching by
/// name or email matches personal data and needs pii:read; company and tag
/// searches work without it (results are then de-identified).
#[tool(read_only, scopes("customers:read"))]
pub async fn search_customers(
    State(account): State<Account>,
    cx: ToolContext,
    #[args] args: SearchCustomersArgs,
) -> ToolResult<Page<CustomerView>> {
    if searches_personal_fields(&args) && !cx.may_read_pii() {
        return Err(ToolError::forbidden(format!(
            "Tool 'search_customers' matches on names and emails only with the scope {PII_READ_SCOPE}, \
             which this connection does not have; search by companyId, companyName or tag instead, \
             or ask an administrator to grant {PII_READ_SCOPE}"
        )));
    }
    account.search_customers(args)
}

/// Get one customer by customerId: profile, company, tags, custom properties
/// and how many responses they left. Email, name and phone are de-identified
/// unless the connection holds pii:read.
#[tool(read_only, scopes("customers:read"))]
pub async fn get_customer(
    State(account): State<Account>,
    #[args] args: CustomerIdArgs,
) -> ToolResult<CustomerView> {
    account.get_customer(args)
}

/// Update one customer's profile: email, first and last name, phone, company,
/// the full tag list, and custom properties (keys from
/// list_account_attributes; null removes one). Fields left out stay as they
/// are. Changing email, name or phone needs pii:write. The first call changes
/// nothing and returns each field's before and after plus a confirmationToken;
/// call again with the same arguments and the token to apply.
#[tool(destructive, idempotent, confirm, scopes("customers:write"))]
pub async fn update_contact(
    State(account): State<Account>,
    cx: ToolContext,
    confirm: Confirmation,
    #[args] args: UpdateContactArgs,
) -> ToolResult<ContactUpdate> {
    if contains_personal_change(&args) {
        cx.require_pii_write()?;
    }
    let plan = account.plan_update_contact(&args)?;
    confirm.preview(&plan).await?;
    account.apply_update_contact(&args)
}

/// List companies (accounts of a B2B customer base) with firmographics and
/// their customer-experience numbers. Needs the B2B Account-CX feature on the
/// account; without it the call is refused with FeatureNotEnabled.
#[tool(read_only, scopes("customers:read"))]
pub async fn list_companies(
    State(account): State<Account>,
    #[args] args: ListCompaniesArgs,
) -> ToolResult<Page<CompanyView>> {
    account.list_companies(args)
}

/// Get one company by companyId with firmographics and customer-experience
/// numbers. Needs the B2B Account-CX feature on the account.
#[tool(read_only, scopes("customers:read"))]
pub async fn get_company(
    State(account): State<Account>,
    #[args] args: GetCompanyArgs,
) -> ToolResult<CompanyView> {
    account.get_company(args)
}
