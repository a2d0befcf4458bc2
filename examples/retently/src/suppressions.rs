//! Suppressed domains, patterns and addresses, and the check every send goes through.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, Pii, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, State, SuppressionKind, SuppressionReason};

/// A suppressed domain or pattern.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuppressedDomainView {
    /// The entry id.
    pub id: u64,
    /// The domain (matches it and its subdomains) or the address pattern (`*` is a wildcard).
    pub value: String,
    /// Whether value is a domain or a pattern.
    pub kind: SuppressionKind,
    /// Why it is suppressed.
    pub reason: String,
    /// When it was added, ISO 8601 UTC.
    pub created_at: String,
}

/// A suppressed email address.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuppressedEmailView {
    /// The entry id.
    pub id: u64,
    /// The address; de-identified without pii:read.
    pub email: Pii,
    /// Why it is suppressed.
    pub reason: SuppressionReason,
    /// The customer with this address, if on file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<u64>,
    /// When it was added, ISO 8601 UTC.
    pub created_at: String,
}

/// Arguments of list_suppressed_domains and list_suppressed_emails.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListSuppressionsArgs {
    #[serde(flatten)]
    pub paging: Paging,
}

/// Arguments of get_suppressed_email.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetSuppressedEmailArgs {
    /// The entry id from list_suppressed_emails. Pass this or email.
    #[schemars(range(min = 1))]
    pub suppression_id: Option<u64>,
    /// The address to look up, ignoring case. Pass this or suppressionId.
    #[schemars(length(min = 3, max = 254))]
    pub email: Option<String>,
}

impl mcp_tools::Validate for GetSuppressedEmailArgs {
    fn validate(&self) -> Result<(), String> {
        if self.suppression_id.is_some() == self.email.is_some() {
            return Err("pass exactly one of suppressionId and email".into());
        }
        Ok(())
    }
}

/// Whether `text` matches a pattern where `*` stands for any run of characters.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

impl State {
    /// Why an address must not be contacted, or `None` when it may be.
    pub fn suppression_of(&self, email: &str) -> Option<String> {
        let email = email.trim().to_lowercase();
        if let Some(entry) = self
            .suppressed_emails
            .iter()
            .find(|s| s.email.eq_ignore_ascii_case(&email))
        {
            return Some(format!("suppressed address ({:?})", entry.reason).to_lowercase());
        }
        let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
        self.suppressed_domains.iter().find_map(|s| {
            let value = s.value.to_lowercase();
            let hit = match s.kind {
                SuppressionKind::Domain => {
                    domain == value || domain.ends_with(&format!(".{value}"))
                }
                SuppressionKind::Pattern => wildcard_match(&value, &email),
            };
            hit.then(|| match s.kind {
                SuppressionKind::Domain => format!("suppressed domain {}", s.value),
                SuppressionKind::Pattern => format!("suppressed pattern {}", s.value),
            })
        })
    }

    fn suppressed_email_view(&self, s: &crate::account::SuppressedEmail) -> SuppressedEmailView {
        SuppressedEmailView {
            id: s.id,
            email: Pii::email(s.email.clone()),
            reason: s.reason,
            customer_id: self
                .customers
                .iter()
                .find(|c| c.email.eq_ignore_ascii_case(&s.email))
                .map(|c| c.id),
            created_at: s.created_at.iso(),
        }
    }
}

impl Account {
    /// `list_suppressed_domains`: suppressed domains and patterns.
    pub fn list_suppressed_domains(
        &self,
        args: ListSuppressionsArgs,
    ) -> ToolResult<Page<SuppressedDomainView>> {
        let state = self.read();
        let rows = state
            .suppressed_domains
            .iter()
            .map(|s| SuppressedDomainView {
                id: s.id,
                value: s.value.clone(),
                kind: s.kind,
                reason: s.reason.clone(),
                created_at: s.created_at.iso(),
            });
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `list_suppressed_emails`: suppressed addresses, newest first.
    pub fn list_suppressed_emails(
        &self,
        args: ListSuppressionsArgs,
    ) -> ToolResult<Page<SuppressedEmailView>> {
        let state = self.read();
        let mut rows: Vec<_> = state.suppressed_emails.iter().collect();
        rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let rows = rows.into_iter().map(|s| state.suppressed_email_view(s));
        Ok(Page::from_iter(rows, args.paging))
    }

    /// `get_suppressed_email`: one suppressed address, by entry id or by address.
    pub fn get_suppressed_email(
        &self,
        args: GetSuppressedEmailArgs,
    ) -> ToolResult<SuppressedEmailView> {
        crate::account::validated(&args)?;
        let state = self.read();
        let found = match (&args.suppression_id, &args.email) {
            (Some(id), _) => state.suppressed_emails.iter().find(|s| s.id == *id),
            (_, Some(email)) => state
                .suppressed_emails
                .iter()
                .find(|s| s.email.eq_ignore_ascii_case(email.trim())),
            _ => None,
        };
        found.map(|s| state.suppressed_email_view(s)).ok_or_else(|| {
            ToolError::not_found(
                "no suppressed address matches; list_suppressed_emails lists them (a domain or pattern may still block it, see list_suppressed_domains)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_whole_addresses() {
        assert!(wildcard_match("noreply@*", "noreply@shop.example"));
        assert!(wildcard_match("*@*.test", "ann@qa.test"));
        assert!(!wildcard_match("*@*.test", "ann@qa.testing.example"));
        assert!(!wildcard_match("billing@*", "ann.billing@x.example"));
        assert!(wildcard_match("*", ""));
    }

    #[test]
    fn suppression_checks_addresses_domains_and_patterns() {
        let account = Account::sandbox();
        let state = account.read();
        let listed = state.suppressed_emails[0].email.to_uppercase();
        assert!(state.suppression_of(&listed).unwrap().contains("address"));
        assert!(
            state
                .suppression_of("x@competitor.example")
                .unwrap()
                .contains("domain")
        );
        assert!(state.suppression_of("x@eu.competitor.example").is_some());
        assert!(state.suppression_of("x@notcompetitor.example").is_none());
        assert!(
            state
                .suppression_of("noreply@a.example")
                .unwrap()
                .contains("pattern")
        );
        assert!(state.suppression_of("new.person@inbox.example").is_none());
    }

    #[test]
    fn looks_up_one_address() {
        let account = Account::sandbox();
        let email = account.read().suppressed_emails[2].email.clone();
        let by_email = account
            .get_suppressed_email(GetSuppressedEmailArgs {
                suppression_id: None,
                email: Some(email),
            })
            .unwrap();
        assert_eq!(by_email.id, 3);
        let err = account
            .get_suppressed_email(GetSuppressedEmailArgs {
                suppression_id: None,
                email: None,
            })
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidArguments");
    }
}
