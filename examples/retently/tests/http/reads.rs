//! Every read tool answers over HTTP, with data computed from the sandbox.

use mcp_tools::serde_json::{Value, json};

use crate::support::Sandbox;
use mcp_example_retently::catalog::{TOOLS, ToolKind};

/// Arguments for every read tool, with ids taken from the listings.
async fn read_calls(s: &Sandbox) -> Vec<(&'static str, Value)> {
    let t = &s.full;
    let first = |page: Value| page["Items"][0]["id"].clone();
    let feedback_id = first(s.data(t, "list_feedback", json!({})).await);
    let customer_id = first(s.data(t, "list_customers", json!({})).await);
    let company_id = first(s.data(t, "list_companies", json!({})).await);
    let campaign_id = first(s.data(t, "list_campaigns", json!({})).await);
    let digest_id = first(s.data(t, "list_digests", json!({})).await);
    let integration_id = first(s.data(t, "list_integrations", json!({})).await);
    let user_id = first(s.data(t, "list_users", json!({})).await);
    let suppression_id = first(s.data(t, "list_suppressed_emails", json!({})).await);
    let tag = s.data(t, "list_tags", json!({})).await[0]["tag"].clone();
    let example = s.data(t, "describe_filters", json!({})).await["example"].clone();
    vec![
        ("list_feedback", json!({"metric": "NPS", "top": 5})),
        ("list_recent_feedback", json!({"days": 7})),
        ("get_feedback", json!({"feedbackId": feedback_id})),
        ("get_feedback_replies", json!({"feedbackId": feedback_id})),
        ("search_feedback", json!({"metric": "NPS", "maxScore": 6})),
        ("aggregate_feedback", json!({"groupBy": "campaign"})),
        ("list_statuses", json!({})),
        ("describe_filters", json!({})),
        ("apply_filter", json!({"spec": example})),
        ("list_saved_filters", json!({})),
        ("list_recent_filters", json!({})),
        ("get_score", json!({"metric": "CSAT"})),
        ("get_monthly_stats", json!({"metric": "NPS"})),
        ("get_topic_stats", json!({})),
        ("get_report", json!({"campaignId": campaign_id})),
        ("get_trends", json!({})),
        ("get_trends_group", json!({})),
        ("list_customers", json!({"top": 3})),
        ("search_customers", json!({"tag": tag})),
        ("get_customer", json!({"customerId": customer_id})),
        ("list_companies", json!({})),
        ("get_company", json!({"companyId": company_id})),
        ("list_campaigns", json!({})),
        ("search_campaigns", json!({"enabled": true})),
        ("get_campaign", json!({"campaignId": campaign_id})),
        ("list_templates", json!({})),
        ("search_templates", json!({"channel": "email"})),
        ("list_digests", json!({"period": "monthly"})),
        ("get_digest", json!({"digestId": digest_id})),
        ("list_outbox", json!({})),
        ("get_outbox_stats", json!({})),
        ("get_queue_status", json!({})),
        ("list_suppressed_domains", json!({})),
        ("list_suppressed_emails", json!({})),
        (
            "get_suppressed_email",
            json!({"suppressionId": suppression_id}),
        ),
        ("list_integrations", json!({})),
        (
            "get_integration_status",
            json!({"integrationId": integration_id}),
        ),
        ("list_users", json!({})),
        ("get_user", json!({"userId": user_id})),
        ("get_plan_usage", json!({})),
        ("list_account_attributes", json!({})),
        ("list_tags", json!({})),
        ("list_topics", json!({})),
    ]
}

#[tokio::test]
async fn every_read_tool_answers() {
    let s = Sandbox::start().await;
    let calls = read_calls(&s).await;
    let reads: Vec<&str> = TOOLS
        .iter()
        .filter(|t| t.kind == ToolKind::Read)
        .map(|t| t.name)
        .collect();
    assert_eq!(
        calls.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        reads,
        "one call per read tool, in catalog order"
    );
    for (tool, args) in calls {
        let call = s.call(Some(&s.full), tool, args).await;
        assert_eq!(call.status, 200, "{tool}");
        let data = call.data();
        assert!(!data.is_null(), "{tool} returned no data");
    }
    // Reads are not audited; nothing was written.
    assert!(s.audit().is_empty(), "{:?}", s.audit());
}

#[tokio::test]
async fn scores_follow_the_documented_definitions() {
    let s = Sandbox::start().await;
    let nps = s
        .data(
            &s.full,
            "get_score",
            json!({"metric": "NPS", "from": "2026-01-01", "to": "2026-06-30"}),
        )
        .await;
    let responses = nps["responses"].as_f64().unwrap();
    assert!(responses > 0.0);
    let promoters = nps["positive"].as_f64().unwrap() * 100.0 / responses;
    let detractors = nps["negative"].as_f64().unwrap() * 100.0 / responses;
    let expected = ((promoters - detractors) * 10.0).round() / 10.0;
    assert!(
        (nps["score"].as_f64().unwrap() - expected).abs() < 0.051,
        "{nps}"
    );
    assert_eq!(nps["from"], "2026-01-01");
    assert!(nps["definition"].as_str().unwrap().contains("9-10"));

    let monthly = s
        .data(&s.full, "get_monthly_stats", json!({"metric": "CES"}))
        .await;
    assert_eq!(monthly["months"].as_array().unwrap().len(), 12);
    let csat = s
        .data(&s.full, "get_score", json!({"metric": "CSAT"}))
        .await;
    let score = csat["score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score), "{csat}");
}

#[tokio::test]
async fn saved_filters_replay_through_apply_filter() {
    let s = Sandbox::start().await;
    let saved = s.data(&s.full, "list_saved_filters", json!({})).await;
    let id = saved[0]["id"].clone();
    let rows = s
        .data(&s.full, "apply_filter", json!({"savedFilterId": id}))
        .await;
    let recent = s.data(&s.full, "list_recent_filters", json!({})).await;
    let recent_id = rows["recentFilterId"].clone();
    assert_eq!(recent[0]["id"], recent_id);
    let again = s
        .data(
            &s.full,
            "apply_filter",
            json!({"recentFilterId": recent_id, "output": "aggregate", "groupBy": "metric"}),
        )
        .await;
    assert_eq!(again["matched"], rows["matched"]);
}

#[tokio::test]
async fn companies_need_the_b2b_feature() {
    let s = Sandbox::start().await;
    s.account.set_b2b_feature(false);
    s.call(Some(&s.full), "list_companies", json!({}))
        .await
        .assert_refused("Forbidden", "FeatureNotEnabled");
    s.call(Some(&s.full), "get_company", json!({"companyId": 1}))
        .await
        .assert_refused("Forbidden", "B2B");
    s.account.set_b2b_feature(true);
    s.data(&s.full, "list_companies", json!({})).await;
}
