//! Who may call what: the document's curl check, ping without credentials
//! (or with invalid ones), 401 without them (audited for writes), scope refusals naming the scope,
//! OAuth bearer JWTs, and the protected-resource metadata.

use mcp_tools::serde_json::{Value, json};

use crate::support::{ACCEPT, JWT_ISSUER, RESOURCE, Sandbox, jwt};
use mcp_example_retently::catalog::SCOPES;

#[tokio::test]
async fn the_documents_curl_check_works_as_printed() {
    let s = Sandbox::start().await;
    // curl -s …/mcp -H "Authorization: Bearer rtly_mcp_pat_<id>_<secret>"
    //   -H "Content-Type: application/json" -H "Accept: application/json,text/event-stream"
    //   -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_score","arguments":{}}}'
    let auth = format!("Bearer {}", s.no_pii);
    let reply = s
        .request(
            "POST",
            "/mcp",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
                ("Accept", ACCEPT),
            ],
            Some(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_score","arguments":{}}}"#,
            ),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.header("mcp-session-id").is_none());
    let response = reply.message();
    assert_eq!(response["id"], 1);
    assert_eq!(response["result"]["isError"], false);
    let text = response["result"]["content"][0]["text"].as_str().unwrap();
    let envelope: Value = mcp_tools::serde_json::from_str(text).unwrap();
    assert_eq!(envelope["Success"], true);
    assert_eq!(envelope["Data"]["metric"], "NPS");
    assert!(envelope["Data"]["score"].is_number());
}

#[tokio::test]
async fn ping_needs_no_credentials() {
    let s = Sandbox::start().await;
    let pong = s.call(None, "ping", json!({})).await.data();
    assert_eq!(pong["pong"], true);
    assert!(pong["timestamp"].as_str().unwrap().ends_with('Z'), "{pong}");
    // A client without credentials can still discover the tools.
    let listed = s
        .post(
            None,
            &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
        )
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(
        listed.message()["result"]["tools"]
            .as_array()
            .unwrap()
            .len(),
        53
    );
    // So can a connection holding none of the tool scopes.
    s.data(&s.reader, "ping", json!({})).await;
}

#[tokio::test]
async fn ping_works_even_with_an_invalid_credential() {
    let s = Sandbox::start().await;
    let expired_jwt = jwt("analyst-7", "reports:read", JWT_ISSUER, -600);
    for (bearer, why) in [
        (s.expired.as_str(), "expired"),
        ("rtly_mcp_pat_short_x", "letters and digits"),
        ("rtly_mcp_pat_nope_0123456789abcdef0123", "unknown"),
        ("not-a-jwt-or-token", "not a JWT"),
        (&expired_jwt, "expired"),
    ] {
        let pong = s.call(Some(bearer), "ping", json!({})).await.data();
        assert_eq!(pong["pong"], true, "{bearer}");
        assert!(pong["timestamp"].as_str().unwrap().ends_with('Z'), "{pong}");
        // Discovery is public too, so the stale credential can list the tools.
        let listed = s
            .post(
                Some(bearer),
                &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
            )
            .await;
        assert_eq!(listed.status, 200, "{bearer}: {}", listed.body);
        // Everything else still gets the 401 that tells the client to renew it.
        refused(&s, bearer, why).await;
    }
    assert!(s.audit().is_empty());
}

#[tokio::test]
async fn other_tools_need_valid_credentials() {
    let s = Sandbox::start().await;
    for tool in ["get_score", "list_feedback", "tag_feedback", "send_survey"] {
        let call = s
            .post(
                None,
                &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": tool, "arguments": {}}}),
            )
            .await;
        assert_eq!(call.status, 401, "{tool}");
        let challenge = call.header("www-authenticate").unwrap();
        assert!(
            challenge.contains(
                "resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource/mcp\""
            ),
            "{challenge}"
        );
    }
    refused(&s, &s.expired, "expired").await;
    refused(&s, "rtly_mcp_pat_nope_0123456789abcdef0123", "unknown").await;
    refused(&s, "rtly_mcp_pat_short_x", "letters and digits").await;
    refused(&s, "not-a-jwt-or-token", "not a JWT").await;
    // A write attempt with a refused credential is refused the same way.
    let write = s
        .post(
            Some(&s.expired),
            &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "tag_feedback", "arguments": {"feedbackId": 1, "add": ["x"]}}}),
        )
        .await;
    assert_eq!(write.status, 401);
    // Refused at the door, yet every refused write is in the audit log, with
    // no caller; refused reads are not writes, so they left no record.
    let unauthorized = || ("Refused".to_owned(), Some("Unauthorized".to_owned()));
    assert_eq!(s.audit_of("tag_feedback"), [unauthorized(), unauthorized()]);
    assert_eq!(s.audit_of("send_survey"), [unauthorized()]);
    let records = s.audit();
    assert_eq!(records.len(), 3, "{records:?}");
    for record in &records {
        assert_eq!(record["caller"], Value::Null, "{record}");
    }
    assert_eq!(records[2]["request_id"], 2);
}

/// A call of get_score with `bearer` gets 401 `invalid_token` mentioning `needle`.
async fn refused(s: &Sandbox, bearer: &str, needle: &str) {
    let reply = s
        .post(
            Some(bearer),
            &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "get_score", "arguments": {}}}),
        )
        .await;
    assert_eq!(reply.status, 401, "{bearer}");
    assert!(reply.body.contains(needle), "{bearer}: {}", reply.body);
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(challenge.contains("invalid_token"), "{challenge}");
}

#[tokio::test]
async fn missing_scopes_are_named() {
    let s = Sandbox::start().await;
    s.call(Some(&s.reader), "get_score", json!({}))
        .await
        .assert_refused("Forbidden", "reports:read");
    s.call(Some(&s.reader), "list_customers", json!({}))
        .await
        .assert_refused("Forbidden", "customers:read");
    s.call(
        Some(&s.reader),
        "tag_feedback",
        json!({"feedbackId": 1, "add": ["x"]}),
    )
    .await
    .assert_refused("Forbidden", "feedback:tag");
    s.call(Some(&s.no_pii), "list_suppressed_emails", json!({}))
        .await
        .assert_refused("Forbidden", "pii:read");
    s.call(
        Some(&s.no_pii),
        "get_suppressed_email",
        json!({"suppressionId": 1}),
    )
    .await
    .assert_refused("Forbidden", "pii:read");
    // The refused write is audited; refused reads are not writes.
    assert_eq!(
        s.audit_of("tag_feedback"),
        [("Refused".to_owned(), Some("Forbidden".to_owned()))]
    );
    assert_eq!(s.audit().len(), 1);
}

#[tokio::test]
async fn oauth_bearer_jwts_are_accepted() {
    let s = Sandbox::start().await;
    let analyst = jwt(
        "analyst-7",
        "reports:read feedback:read feedback:curate",
        JWT_ISSUER,
        300,
    );
    let score = s
        .data(&analyst, "get_score", json!({"metric": "NPS"}))
        .await;
    assert!(score["score"].is_number());

    // Writes work the same way, audited under the token's subject.
    let args = json!({"feedbackId": 5, "starred": true});
    let (_, token) = s.dry_run(&analyst, "star_feedback", &args).await;
    s.confirm(&analyst, "star_feedback", &args, &token)
        .await
        .data();
    let record = s.audit().pop().unwrap();
    assert_eq!(
        record["caller"],
        "oauth:https%3A//auth.retently.test#analyst-7"
    );
    assert_eq!(record["account"], "demo account");
    assert_eq!(record["outcome"], "Executed");

    // A JWT without a tool's scope is sent to authorize again, naming the scope.
    let reply = s
        .post(
            Some(&analyst),
            &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "list_customers", "arguments": {}}}),
        )
        .await;
    assert_eq!(reply.status, 403);
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    assert!(
        challenge.contains("scope=\"customers:read\""),
        "{challenge}"
    );

    // Other issuers and expired tokens are refused.
    for (token, needle) in [
        (
            jwt("analyst-7", "reports:read", "https://evil.test", 300),
            "unknown issuer",
        ),
        (
            jwt("analyst-7", "reports:read", JWT_ISSUER, -600),
            "expired",
        ),
    ] {
        let reply = s
            .post(
                Some(&token),
                &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": "get_score", "arguments": {}}}),
            )
            .await;
        assert_eq!(reply.status, 401);
        assert!(reply.body.contains(needle), "{}", reply.body);
    }
}

#[tokio::test]
async fn a_jwt_cannot_pass_for_an_access_token() {
    let s = Sandbox::start().await;
    // rtly_mcp_pat_<id>_<secret>: the access token's caller is `pat:<id>`.
    let id = s.full["rtly_mcp_pat_".len()..].split('_').next().unwrap();
    let args = json!({"feedbackId": 5, "starred": true});
    let (_, token) = s.dry_run(&s.full, "star_feedback", &args).await;
    // A validly signed JWT whose subject is the access token's caller id.
    let impostor = jwt(
        &format!("pat:{id}"),
        SCOPES.join(" ").as_str(),
        JWT_ISSUER,
        300,
    );
    let refused = s.confirm(&impostor, "star_feedback", &args, &token).await;
    assert!(refused.code().is_some(), "{}", refused.envelope());
    assert_ne!(refused.code().as_deref(), Some("RateLimited"));
    let record = s.audit().pop().unwrap();
    assert_eq!(
        record["caller"],
        format!("oauth:https%3A//auth.retently.test#pat%3A{id}")
    );
    assert_eq!(record["outcome"], "Refused");
    // The token was never spent: its holder still confirms with it.
    s.confirm(&s.full, "star_feedback", &args, &token)
        .await
        .data();
    let record = s.audit().pop().unwrap();
    assert_eq!(record["caller"], format!("pat:{id}"));
    assert_eq!(record["outcome"], "Executed");
}

#[tokio::test]
async fn protected_resource_metadata_is_served() {
    let s = Sandbox::start().await;
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let reply = s.request("GET", path, &[], None).await;
        assert_eq!(reply.status, 200, "{path}");
        let doc = reply.json();
        assert_eq!(doc["resource"], RESOURCE);
        assert_eq!(doc["authorization_servers"], json!([JWT_ISSUER]));
        assert_eq!(doc["scopes_supported"], json!(SCOPES));
    }
}
