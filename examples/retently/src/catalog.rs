//! The tool catalog: every tool's name, kind, scopes and PII rule, and a router
//! from tool names and JSON arguments to the account's operations.
//!
//! Scope choices where the vendor document leaves them open: companies, contact
//! attributes and customer tags read with `customers:read`; feedback topics and the
//! whole filter area with `feedback:read`; digests and plan usage with `reports:read`.
//!
//! At run time the server uses only [`SCOPES`]; the rest is the specification
//! the tool layer is tested against (`tools::tests`), and the router drives
//! the domain's own tests.

#![cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the catalog and router are used by tests; the tool layer serves calls"
    )
)]

use mcp_tools::serde_json::{self, Value};
use mcp_tools::{ToolError, ToolResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::account::Account;

/// Every scope a connection can hold.
pub const SCOPES: [&str; 22] = [
    "feedback:read",
    "feedback:tag",
    "feedback:topic",
    "feedback:curate",
    "feedback:delete",
    "feedback:reply",
    "feedback:import",
    "customers:read",
    "customers:write",
    "campaigns:read",
    "campaigns:write",
    "reports:read",
    "surveys:send",
    "suppressions:read",
    "suppressions:write",
    "templates:read",
    "outbox:read",
    "outbox:write",
    "integrations:read",
    "team:read",
    "pii:read",
    "pii:write",
];

/// What a tool does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    /// Reads only.
    Read,
    /// Changes data: previewed first, applied on confirmation.
    Write,
    /// About the server itself.
    Meta,
}

/// How personal data bears on a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiRule {
    /// No personal data in or out.
    None,
    /// Output holds personal data, de-identified without `pii:read`.
    MaskedWithoutRead,
    /// The tool needs `pii:read` outright (also listed in its scopes).
    RequiresRead,
    /// Searching by name or email needs `pii:read`; see `customers::searches_personal_fields`.
    ReadForPersonalSearch,
    /// Changing email, name or phone needs `pii:write`; see `customers::contains_personal_change`.
    WriteForPersonalChange,
}

/// One tool of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct ToolInfo {
    /// The tool name, exactly as published.
    pub name: &'static str,
    /// Read, write or meta.
    pub kind: ToolKind,
    /// Scopes the caller must hold, all of them.
    pub scopes: &'static [&'static str],
    /// The personal-data rule.
    pub pii: PiiRule,
    /// Whether applying it sends something to real people that cannot be recalled.
    pub sends_live: bool,
}

const fn tool(
    name: &'static str,
    kind: ToolKind,
    scopes: &'static [&'static str],
    pii: PiiRule,
) -> ToolInfo {
    ToolInfo {
        name,
        kind,
        scopes,
        pii,
        sends_live: false,
    }
}

use PiiRule::{
    MaskedWithoutRead as Masked, None as NoPii, ReadForPersonalSearch, RequiresRead,
    WriteForPersonalChange,
};
use ToolKind::{Meta, Read, Write};

const FEEDBACK_READ: &[&str] = &["feedback:read"];
const REPORTS_READ: &[&str] = &["reports:read"];
const CUSTOMERS_READ: &[&str] = &["customers:read"];

/// The 53 tools.
pub const TOOLS: &[ToolInfo] = &[
    // Feedback
    tool("list_feedback", Read, FEEDBACK_READ, Masked),
    tool("list_recent_feedback", Read, FEEDBACK_READ, Masked),
    tool("get_feedback", Read, FEEDBACK_READ, Masked),
    tool("get_feedback_replies", Read, FEEDBACK_READ, Masked),
    tool("search_feedback", Read, FEEDBACK_READ, Masked),
    tool("aggregate_feedback", Read, FEEDBACK_READ, NoPii),
    tool("list_statuses", Read, FEEDBACK_READ, NoPii),
    tool("tag_feedback", Write, &["feedback:tag"], NoPii),
    tool("set_topics", Write, &["feedback:topic"], NoPii),
    tool("star_feedback", Write, &["feedback:curate"], NoPii),
    tool("assign_feedback", Write, &["feedback:curate"], NoPii),
    tool("resolve_feedback", Write, &["feedback:curate"], NoPii),
    tool("add_note", Write, &["feedback:curate"], Masked),
    ToolInfo {
        sends_live: true,
        ..tool("reply_feedback", Write, &["feedback:reply"], Masked)
    },
    // Filters
    tool("describe_filters", Read, FEEDBACK_READ, NoPii),
    tool("apply_filter", Read, FEEDBACK_READ, Masked),
    tool("list_saved_filters", Read, FEEDBACK_READ, NoPii),
    tool("list_recent_filters", Read, FEEDBACK_READ, NoPii),
    // Reports and scores
    tool("get_score", Read, REPORTS_READ, NoPii),
    tool("get_monthly_stats", Read, REPORTS_READ, NoPii),
    tool("get_topic_stats", Read, REPORTS_READ, NoPii),
    tool("get_report", Read, REPORTS_READ, NoPii),
    tool("get_trends", Read, REPORTS_READ, NoPii),
    tool("get_trends_group", Read, REPORTS_READ, NoPii),
    // Customers
    tool("list_customers", Read, CUSTOMERS_READ, Masked),
    tool(
        "search_customers",
        Read,
        CUSTOMERS_READ,
        ReadForPersonalSearch,
    ),
    tool("get_customer", Read, CUSTOMERS_READ, Masked),
    tool(
        "update_contact",
        Write,
        &["customers:write"],
        WriteForPersonalChange,
    ),
    // Companies
    tool("list_companies", Read, CUSTOMERS_READ, NoPii),
    tool("get_company", Read, CUSTOMERS_READ, NoPii),
    // Campaigns
    tool("list_campaigns", Read, &["campaigns:read"], NoPii),
    tool("search_campaigns", Read, &["campaigns:read"], NoPii),
    tool("get_campaign", Read, &["campaigns:read"], NoPii),
    // Surveys
    ToolInfo {
        sends_live: true,
        ..tool("send_survey", Write, &["surveys:send"], Masked)
    },
    // Templates
    tool("list_templates", Read, &["templates:read"], NoPii),
    tool("search_templates", Read, &["templates:read"], NoPii),
    // Digests
    tool("list_digests", Read, REPORTS_READ, NoPii),
    tool("get_digest", Read, REPORTS_READ, NoPii),
    // Delivery and queue
    tool("list_outbox", Read, &["outbox:read"], Masked),
    tool("get_outbox_stats", Read, &["outbox:read"], NoPii),
    tool("get_queue_status", Read, &["outbox:read"], NoPii),
    // Suppressions
    tool(
        "list_suppressed_domains",
        Read,
        &["suppressions:read"],
        NoPii,
    ),
    tool(
        "list_suppressed_emails",
        Read,
        &["suppressions:read", "pii:read"],
        RequiresRead,
    ),
    tool(
        "get_suppressed_email",
        Read,
        &["suppressions:read", "pii:read"],
        RequiresRead,
    ),
    // Integrations
    tool("list_integrations", Read, &["integrations:read"], NoPii),
    tool(
        "get_integration_status",
        Read,
        &["integrations:read"],
        NoPii,
    ),
    // Team
    tool("list_users", Read, &["team:read"], Masked),
    tool("get_user", Read, &["team:read"], Masked),
    // Account
    tool("get_plan_usage", Read, REPORTS_READ, NoPii),
    tool("list_account_attributes", Read, CUSTOMERS_READ, NoPii),
    tool("list_tags", Read, CUSTOMERS_READ, NoPii),
    tool("list_topics", Read, FEEDBACK_READ, NoPii),
    // Server
    tool("ping", Meta, &[], NoPii),
];

/// The catalog entry of a tool.
pub fn find(name: &str) -> Option<&'static ToolInfo> {
    TOOLS.iter().find(|t| t.name == name)
}

/// Which phase of a write a call runs. Reads ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Compute the preview; change nothing.
    Preview,
    /// Perform the write (after confirmation).
    #[allow(
        dead_code,
        reason = "the confirmation flow of the tool layer applies writes"
    )]
    Apply,
}

/// What a caller may see once [`authorize`] let a call through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Whether personal data goes out in clear (the caller holds `pii:read`).
    pub clear_pii: bool,
}

/// Checks a call against the caller's scopes: the tool's own scopes, plus
/// `pii:read` for a customer search by name or email and `pii:write` for a
/// contact update touching email, name or phone.
pub fn authorize(name: &str, args: &Value, granted: &[&str]) -> ToolResult<Access> {
    let tool = find(name).ok_or_else(|| ToolError::not_found(format!("no tool named {name:?}")))?;
    let mut needed: Vec<&str> = tool.scopes.to_vec();
    let personal_search = tool.pii == PiiRule::ReadForPersonalSearch
        && parse::<crate::customers::SearchCustomersArgs>(args.clone())
            .is_ok_and(|a| crate::customers::searches_personal_fields(&a));
    if personal_search {
        needed.push("pii:read");
    }
    let personal_change = tool.pii == PiiRule::WriteForPersonalChange
        && parse::<crate::customers::UpdateContactArgs>(args.clone())
            .is_ok_and(|a| crate::customers::contains_personal_change(&a));
    if personal_change {
        needed.push("pii:write");
    }
    let missing: Vec<&str> = needed
        .into_iter()
        .filter(|s| !granted.contains(s))
        .collect();
    if !missing.is_empty() {
        return Err(ToolError::forbidden(format!(
            "{name} needs scope {} on this connection; an administrator can grant it under Settings, AI Connections",
            missing.join(" and ")
        )));
    }
    Ok(Access {
        clear_pii: granted.contains(&"pii:read") && SCOPES.contains(&"pii:read"),
    })
}

fn parse<A: DeserializeOwned>(args: Value) -> ToolResult<A> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args).map_err(|e| ToolError::invalid_arguments(e.to_string()))
}

fn output<R: Serialize>(result: ToolResult<R>) -> ToolResult<Value> {
    result.and_then(|r| serde_json::to_value(r).map_err(|e| ToolError::internal(e.to_string())))
}

fn read<A: DeserializeOwned, R: Serialize>(
    args: Value,
    op: impl FnOnce(A) -> ToolResult<R>,
) -> ToolResult<Value> {
    output(op(parse(args)?))
}

fn write<A: DeserializeOwned, P: Serialize, O: Serialize>(
    args: Value,
    phase: Phase,
    plan: impl FnOnce(&A) -> ToolResult<P>,
    apply: impl FnOnce(&A) -> ToolResult<O>,
) -> ToolResult<Value> {
    let args: A = parse(args)?;
    match phase {
        Phase::Preview => output(plan(&args)),
        Phase::Apply => output(apply(&args)),
    }
}

impl Account {
    /// Runs a tool by name on JSON arguments. Writes preview or apply per `phase`.
    /// Personal fields serialise according to the caller's PII mode (see `mcp_tools::pii`).
    pub fn call(&self, name: &str, args: Value, phase: Phase) -> ToolResult<Value> {
        match name {
            "list_feedback" => read(args, |a| self.list_feedback(a)),
            "list_recent_feedback" => read(args, |a| self.list_recent_feedback(a)),
            "get_feedback" => read(args, |a| self.get_feedback(a)),
            "get_feedback_replies" => read(args, |a| self.get_feedback_replies(a)),
            "search_feedback" => read(args, |a| self.search_feedback(a)),
            "aggregate_feedback" => read(args, |a| self.aggregate_feedback(a)),
            "list_statuses" => read(args, |a| self.list_statuses(a)),
            "tag_feedback" => write(
                args,
                phase,
                |a| self.plan_tag_feedback(a),
                |a| self.apply_tag_feedback(a),
            ),
            "set_topics" => write(
                args,
                phase,
                |a| self.plan_set_topics(a),
                |a| self.apply_set_topics(a),
            ),
            "star_feedback" => write(
                args,
                phase,
                |a| self.plan_star_feedback(a),
                |a| self.apply_star_feedback(a),
            ),
            "assign_feedback" => write(
                args,
                phase,
                |a| self.plan_assign_feedback(a),
                |a| self.apply_assign_feedback(a),
            ),
            "resolve_feedback" => write(
                args,
                phase,
                |a| self.plan_resolve_feedback(a),
                |a| self.apply_resolve_feedback(a),
            ),
            "add_note" => write(
                args,
                phase,
                |a| self.plan_add_note(a),
                |a| self.apply_add_note(a),
            ),
            "reply_feedback" => write(
                args,
                phase,
                |a| self.plan_reply_feedback(a),
                |a| self.apply_reply_feedback(a),
            ),
            "describe_filters" => read(args, |a| self.describe_filters(a)),
            "apply_filter" => read(args, |a| self.apply_filter(a)),
            "list_saved_filters" => read(args, |a| self.list_saved_filters(a)),
            "list_recent_filters" => read(args, |a| self.list_recent_filters(a)),
            "get_score" => read(args, |a| self.get_score(a)),
            "get_monthly_stats" => read(args, |a| self.get_monthly_stats(a)),
            "get_topic_stats" => read(args, |a| self.get_topic_stats(a)),
            "get_report" => read(args, |a| self.get_report(a)),
            "get_trends" => read(args, |a| self.get_trends(a)),
            "get_trends_group" => read(args, |a| self.get_trends_group(a)),
            "list_customers" => read(args, |a| self.list_customers(a)),
            "search_customers" => read(args, |a| self.search_customers(a)),
            "get_customer" => read(args, |a| self.get_customer(a)),
            "update_contact" => write(
                args,
                phase,
                |a| self.plan_update_contact(a),
                |a| self.apply_update_contact(a),
            ),
            "list_companies" => read(args, |a| self.list_companies(a)),
            "get_company" => read(args, |a| self.get_company(a)),
            "list_campaigns" => read(args, |a| self.list_campaigns(a)),
            "search_campaigns" => read(args, |a| self.search_campaigns(a)),
            "get_campaign" => read(args, |a| self.get_campaign(a)),
            "send_survey" => write(
                args,
                phase,
                |a| self.plan_send_survey(a),
                |a| self.apply_send_survey(a),
            ),
            "list_templates" => read(args, |a| self.list_templates(a)),
            "search_templates" => read(args, |a| self.search_templates(a)),
            "list_digests" => read(args, |a| self.list_digests(a)),
            "get_digest" => read(args, |a| self.get_digest(a)),
            "list_outbox" => read(args, |a| self.list_outbox(a)),
            "get_outbox_stats" => read(args, |a| self.get_outbox_stats(a)),
            "get_queue_status" => read(args, |a| self.get_queue_status(a)),
            "list_suppressed_domains" => read(args, |a| self.list_suppressed_domains(a)),
            "list_suppressed_emails" => read(args, |a| self.list_suppressed_emails(a)),
            "get_suppressed_email" => read(args, |a| self.get_suppressed_email(a)),
            "list_integrations" => read(args, |a| self.list_integrations(a)),
            "get_integration_status" => read(args, |a| self.get_integration_status(a)),
            "list_users" => read(args, |a| self.list_users(a)),
            "get_user" => read(args, |a| self.get_user(a)),
            "get_plan_usage" => read(args, |a| self.get_plan_usage(a)),
            "list_account_attributes" => read(args, |a| self.list_account_attributes(a)),
            "list_tags" => read(args, |a| self.list_tags(a)),
            "list_topics" => read(args, |a| self.list_topics(a)),
            "ping" => read(args, |a| self.ping(a)),
            other => Err(ToolError::not_found(format!(
                "no tool named {other:?}; the catalog lists {} tools",
                TOOLS.len()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_tools::serde_json::json;
    use std::collections::HashSet;

    #[test]
    fn catalog_matches_the_document() {
        assert_eq!(TOOLS.len(), 53);
        let count = |kind| TOOLS.iter().filter(|t| t.kind == kind).count();
        assert_eq!((count(Read), count(Write), count(Meta)), (43, 9, 1));
        let names: HashSet<&str> = TOOLS.iter().map(|t| t.name).collect();
        assert_eq!(names.len(), 53);
        for t in TOOLS {
            assert!(t.scopes.iter().all(|s| SCOPES.contains(s)), "{}", t.name);
            assert_eq!(t.scopes.is_empty(), t.name == "ping", "{}", t.name);
            assert_eq!(
                t.pii == PiiRule::RequiresRead,
                t.scopes.contains(&"pii:read"),
                "{}",
                t.name
            );
        }
        let live: Vec<&str> = TOOLS
            .iter()
            .filter(|t| t.sends_live)
            .map(|t| t.name)
            .collect();
        assert_eq!(live, ["reply_feedback", "send_survey"]);
        assert_eq!(SCOPES.iter().collect::<HashSet<_>>().len(), 22);
    }

    #[test]
    fn every_tool_is_routed() {
        let account = Account::sandbox();
        for t in TOOLS {
            let err = account.call(
                t.name,
                json!({"feedbackId": "not a number"}),
                Phase::Preview,
            );
            // Routed tools either run or refuse the arguments; never "no tool named".
            if let Err(e) = err {
                assert!(!e.message().starts_with("no tool named"), "{}", t.name);
            }
        }
        assert!(account.call("nope", Value::Null, Phase::Preview).is_err());
    }

    #[test]
    fn reads_run_with_empty_arguments() {
        let account = Account::sandbox();
        let needs_args = [
            "get_feedback",
            "get_feedback_replies",
            "aggregate_feedback",
            "apply_filter",
            "get_customer",
            "search_customers",
            "get_company",
            "get_campaign",
            "get_digest",
            "get_suppressed_email",
            "get_integration_status",
            "get_user",
        ];
        for t in TOOLS.iter().filter(|t| t.kind != Write) {
            let result = account.call(t.name, Value::Null, Phase::Preview);
            assert_eq!(
                result.is_err(),
                needs_args.contains(&t.name),
                "{}: {result:?}",
                t.name
            );
        }
        let pong = account.call("ping", json!({}), Phase::Preview).unwrap();
        assert_eq!(pong["pong"], json!(true));
        assert!(pong["timestamp"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn writes_preview_then_apply_through_the_router() {
        let account = Account::sandbox();
        let args = json!({"feedbackId": 10, "starred": true});
        let before = account.read().feedback(10).unwrap().starred;
        let preview = account
            .call("star_feedback", args.clone(), Phase::Preview)
            .unwrap();
        assert_eq!(preview["before"], json!(before));
        assert_eq!(account.read().feedback(10).unwrap().starred, before);
        account.call("star_feedback", args, Phase::Apply).unwrap();
        assert!(account.read().feedback(10).unwrap().starred);
        let bad = account
            .call("star_feedback", json!({"feedbackId": 10}), Phase::Preview)
            .unwrap_err();
        assert_eq!(bad.code().as_str(), "InvalidArguments");
    }

    #[test]
    fn authorizes_by_scope_and_personal_rules() {
        let read = ["customers:read"];
        assert!(authorize("ping", &Value::Null, &[]).is_ok());
        assert!(authorize("get_score", &Value::Null, &read).is_err());
        let by_tag = json!({"tag": "vip"});
        let by_name = json!({"name": "olivia"});
        assert!(
            !authorize("search_customers", &by_tag, &read)
                .unwrap()
                .clear_pii
        );
        let err = authorize("search_customers", &by_name, &read).unwrap_err();
        assert_eq!(err.code().as_str(), "Forbidden");
        assert!(err.message().contains("pii:read"));
        assert!(
            authorize(
                "search_customers",
                &by_name,
                &["customers:read", "pii:read"]
            )
            .unwrap()
            .clear_pii
        );
        let rename = json!({"customerId": 1, "firstName": "Ann"});
        assert!(authorize("update_contact", &rename, &["customers:write"]).is_err());
        assert!(
            authorize(
                "update_contact",
                &json!({"customerId": 1, "tags": []}),
                &["customers:write"]
            )
            .is_ok()
        );
        assert!(
            authorize(
                "list_suppressed_emails",
                &Value::Null,
                &["suppressions:read"]
            )
            .is_err()
        );
    }

    #[test]
    fn personal_data_is_masked_by_default() {
        let account = Account::sandbox();
        let email = account.read().customers[0].email.clone();
        let masked = account
            .call("get_customer", json!({"customerId": 1}), Phase::Preview)
            .unwrap();
        assert_ne!(masked["email"], json!(email));
        let clear = mcp_tools::pii::serialize_in_clear(|| {
            account.call("get_customer", json!({"customerId": 1}), Phase::Preview)
        })
        .unwrap();
        assert_eq!(clear["email"], json!(email));
    }
}
