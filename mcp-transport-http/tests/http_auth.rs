//! Authentication, authorization challenges, protected-resource metadata and
//! rate-limit headers, over real sockets.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use common::*;
use http::StatusCode;
use jsonwebtoken::{EncodingKey, Header, encode};
use mcp_test_client::{Response, send};
use mcp_tools::audit::{AuditOutcome, AuditRecord, MemoryAuditSink};
use mcp_tools::rate::WindowRateLimiter;
use mcp_tools::transport::jsonrpc::RequestId;
use mcp_tools::{Caller, Server, Tool, ToolContext, ToolResult};
use mcp_transport_http::McpService;
use mcp_transport_http::auth::{
    Algorithm, ApiKeys, BasicAuth, DecodingKey, FirstOf, OAuthResourceServer, ProtectedResource,
};
use mcp_transport_http::rate_headers::{RateHeaders, RateValue};
use serde_json::{Value, json};

const RESOURCE: &str = "http://127.0.0.1/mcp";
const SECRET: &[u8] = b"test secret of at least 32 bytes!!";

fn resource() -> ProtectedResource {
    ProtectedResource::new(RESOURCE)
        .authorization_server("https://as.example")
        .scopes(["tools", "admin"])
}

fn token(claims: Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn secured() -> mcp_transport_http::Serving {
    let auth = FirstOf::new()
        .with(ApiKeys::new().key("key-1", Caller::new("bot").with_scopes(["tools"])))
        .with(BasicAuth::new().user("ada", "pw", Caller::new("ada").with_scopes(["admin"])))
        .with(
            OAuthResourceServer::new(RESOURCE)
                .issuer("https://as.example")
                .key(Algorithm::HS256, DecodingKey::from_secret(SECRET), None),
        );
    start(
        McpService::builder(server(&Flags::default()))
            .authenticator(auth)
            .protected_resource(resource()),
    )
    .await
}

fn h() -> Vec<(String, String)> {
    mcp_headers(Some("2025-11-25"))
}

#[tokio::test]
async fn no_credentials_get_401_with_a_challenge() {
    let s = secured().await;
    let reply = post(
        s.local_addr(),
        &h(),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(
            r#"resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp""#
        ),
        "{challenge}"
    );
    assert!(challenge.contains(r#"scope="tools admin""#), "{challenge}");
    assert!(!challenge.contains("error="), "{challenge}");
    // A tool's own scopes are what the challenge asks for.
    let reply = post(s.local_addr(), &h(), &call(2, "admin", json!({}))).await;
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains(r#"scope="admin""#)
    );
    // Listing needs credentials too (public discovery is off).
    let reply = post(
        s.local_addr(),
        &h(),
        &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_credentials_get_401_invalid_token() {
    let s = secured().await;
    let body = call(1, "echo", json!({"text": "hi"}));
    for (name, value) in [
        ("x-api-key", "wrong".to_owned()),
        ("authorization", "Bearer not-a-jwt".to_owned()),
        (
            "authorization",
            format!(
                "Bearer {}",
                token(
                    json!({"sub": "u", "aud": RESOURCE, "iss": "https://as.example", "exp": now() - 600})
                )
            ),
        ),
        (
            "authorization",
            format!(
                "Bearer {}",
                token(
                    json!({"sub": "u", "aud": "https://other", "iss": "https://as.example", "exp": now() + 600})
                )
            ),
        ),
    ] {
        let reply = post(s.local_addr(), &with(h(), name, &value), &body).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{value}");
        assert!(
            reply
                .header("www-authenticate")
                .unwrap()
                .contains(r#"error="invalid_token""#),
            "{value}"
        );
    }
}

#[tokio::test]
async fn no_auth_tools_work_without_credentials() {
    let s = secured().await;
    let reply = post(s.local_addr(), &h(), &call(1, "public", json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"],
        "public"
    );
}

/// Credentials that every authenticator of [`secured`] refuses.
fn refused_credentials() -> Vec<(&'static str, String)> {
    vec![
        ("x-api-key", "wrong".to_owned()),
        ("authorization", "Bearer not-a-jwt".to_owned()),
        ("authorization", "Basic !!not base64!!".to_owned()),
        (
            "authorization",
            format!(
                "Bearer {}",
                token(
                    json!({"sub": "u", "aud": RESOURCE, "iss": "https://as.example", "exp": now() - 600})
                )
            ),
        ),
    ]
}

#[tokio::test]
async fn no_auth_tools_work_with_refused_credentials() {
    let s = secured().await;
    for (name, value) in refused_credentials() {
        let headers = with(h(), name, &value);
        let reply = post(s.local_addr(), &headers, &call(1, "public", json!({}))).await;
        assert_eq!(reply.status, StatusCode::OK, "{value}: {}", reply.body);
        assert_eq!(
            reply.json()["result"]["structuredContent"]["Data"],
            "public",
            "{value}"
        );
        // The same credentials on any other tool are still refused.
        let reply = post(
            s.local_addr(),
            &headers,
            &call(2, "echo", json!({"text": "hi"})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{value}");
        assert!(
            reply
                .header("www-authenticate")
                .unwrap()
                .contains(r#"error="invalid_token""#),
            "{value}"
        );
    }
    // A 2025-03-26 batch is served anonymously only when every message may be.
    let headers = with(mcp_headers(Some("2025-03-26")), "x-api-key", "wrong");
    let batch = json!([call(1, "public", json!({})), call(2, "public", json!({}))]);
    let reply = post(s.local_addr(), &headers, &batch).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json().as_array().unwrap().len(), 2);
    let batch = json!([call(1, "public", json!({})), call(2, "admin", json!({}))]);
    let reply = post(s.local_addr(), &headers, &batch).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn public_discovery_works_with_refused_credentials() {
    let s = start(
        McpService::builder(
            server_builder(&Flags::default())
                .public_discovery(true)
                .build()
                .unwrap(),
        )
        .authenticator(ApiKeys::new().key("key-1", Caller::new("bot"))),
    )
    .await;
    let wrong = with(h(), "x-api-key", "wrong");
    let reply = post(
        s.local_addr(),
        &wrong,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        !reply.json()["result"]["tools"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let reply = post(
        s.local_addr(),
        &wrong,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "ping"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = post(
        s.local_addr(),
        &wrong,
        &call(3, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn with_sessions_refused_credentials_keep_their_401() {
    let s = start(
        McpService::builder(
            server_builder(&Flags::default())
                .public_discovery(true)
                .build()
                .unwrap(),
        )
        .authenticator(ApiKeys::new().key("key-1", Caller::new("bot")))
        .sessions(true),
    )
    .await;
    let wrong = with(h(), "x-api-key", "wrong");
    // A client whose key went stale hears 401 (and refreshes it) instead of
    // being given a session that belongs to nobody.
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}});
    let reply = post(s.local_addr(), &wrong, &initialize).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = post(s.local_addr(), &wrong, &call(2, "public", json!({}))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // 2026-07-28 requests have no sessions: the no_auth tool is served.
    let modern = with(
        with(
            with(wrong, "mcp-protocol-version", "2026-07-28"),
            "mcp-method",
            "tools/call",
        ),
        "mcp-name",
        "public",
    );
    let body = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "public", "arguments": {},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    let reply = post(s.local_addr(), &modern, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"],
        "public"
    );
}

#[tokio::test]
async fn api_keys_basic_and_jwts_authenticate() {
    let s = secured().await;
    let body = call(1, "echo", json!({"text": "hi"}));
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("ada:pw")
    );
    let jwt = format!(
        "Bearer {}",
        token(
            json!({"sub": "u", "aud": RESOURCE, "iss": "https://as.example",
                     "exp": now() + 600, "scope": "tools"})
        )
    );
    for (name, value) in [
        ("x-api-key", "key-1".to_owned()),
        ("authorization", "Bearer key-1".to_owned()),
        ("authorization", basic),
        ("authorization", jwt),
    ] {
        let reply = post(s.local_addr(), &with(h(), name, &value), &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{value}: {}", reply.body);
    }
}

#[tokio::test]
async fn missing_scopes_forbidden_envelope_or_step_up() {
    let s = secured().await;
    let body = call(1, "admin", json!({}));
    // An API-key caller gets the Forbidden envelope.
    let reply = post(s.local_addr(), &with(h(), "x-api-key", "key-1"), &body).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["result"]["structuredContent"]["ErrorCode"],
        "Forbidden"
    );
    // An OAuth caller gets the step-up challenge.
    let jwt = token(
        json!({"sub": "u", "aud": RESOURCE, "iss": "https://as.example",
                           "exp": now() + 600, "scope": "tools"}),
    );
    let reply = post(
        s.local_addr(),
        &with(h(), "authorization", &format!("Bearer {jwt}")),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(challenge.contains(r#"scope="admin""#), "{challenge}");
    assert!(challenge.contains("resource_metadata="), "{challenge}");
    // With the scope, the call runs.
    let jwt = token(
        json!({"sub": "u", "aud": RESOURCE, "iss": "https://as.example",
                           "exp": now() + 600, "scope": "tools admin"}),
    );
    let reply = post(
        s.local_addr(),
        &with(h(), "authorization", &format!("Bearer {jwt}")),
        &body,
    )
    .await;
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"],
        "secret"
    );
}

#[tokio::test]
async fn protected_resource_metadata_is_served() {
    let s = secured().await;
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/",
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource/mcp/",
    ] {
        let reply = send(s.local_addr(), "GET", path, &h(), "").await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let doc = reply.json();
        assert_eq!(doc["resource"], RESOURCE);
        assert_eq!(doc["authorization_servers"], json!(["https://as.example"]));
        assert_eq!(doc["scopes_supported"], json!(["tools", "admin"]));
        assert_eq!(doc["bearer_methods_supported"], json!(["header"]));
    }
    // Only one trailing slash, and only on the metadata paths.
    for path in [
        "/.well-known/oauth-protected-resource//",
        "/.well-known/oauth-protected-resource/other",
        "/.well-known/oauth-protected-resource/mcp/x",
    ] {
        let reply = send(s.local_addr(), "GET", path, &h(), "").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn metadata_of_a_root_resource_is_served_with_a_trailing_slash() {
    let s = start(
        McpService::builder(server(&Flags::default()))
            .path("/")
            .authenticator(ApiKeys::new().key("key-1", Caller::new("bot")))
            .protected_resource(ProtectedResource::new("http://127.0.0.1:9")),
    )
    .await;
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/",
    ] {
        let reply = send(s.local_addr(), "GET", path, &h(), "").await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.json()["resource"], "http://127.0.0.1:9");
    }
}

fn limited(limiter: WindowRateLimiter) -> Server {
    server_builder(&Flags::default())
        .rate_limiter(limiter)
        .build()
        .unwrap()
}

#[tokio::test]
async fn rate_limit_headers_and_429() {
    let s = start(
        McpService::builder(limited(WindowRateLimiter::new(
            2,
            Duration::from_secs(3600),
        )))
        .authenticator(ApiKeys::new().key("key-1", Caller::new("bot"))),
    )
    .await;
    let headers = with(h(), "x-api-key", "key-1");
    let body = call(1, "echo", json!({"text": "hi"}));
    let first = post(s.local_addr(), &headers, &body).await;
    assert_eq!(first.header("x-rate-limit-limit"), Some("2"));
    assert_eq!(first.header("x-rate-limit-remaining"), Some("1"));
    let reset: u64 = first.header("x-rate-limit-reset").unwrap().parse().unwrap();
    assert!(reset > 3500 && reset <= 3600, "{reset}");
    let second = post(s.local_addr(), &headers, &body).await;
    assert_eq!(second.header("x-rate-limit-remaining"), Some("0"));
    let third = post(s.local_addr(), &headers, &body).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.header("retry-after").unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(third.header("x-rate-limit-remaining"), Some("0"));
    // Other requests draw on the same budget.
    let list = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list"}),
    )
    .await;
    assert_eq!(list.status, StatusCode::TOO_MANY_REQUESTS);
    // Notifications do not count but still carry the headers.
    let note = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!(note.status, StatusCode::ACCEPTED);
    assert_eq!(note.header("x-rate-limit-limit"), Some("2"));
}

#[tokio::test]
async fn one_budget_counts_each_request_once() {
    let server = limited(
        WindowRateLimiter::new(10, Duration::from_secs(3600))
            .destructive_budget(1, Duration::from_secs(3600)),
    );
    let s = start(
        McpService::builder(server.clone())
            .authenticator(ApiKeys::new().key("key-1", Caller::new("bot"))),
    )
    .await;
    let headers = with(h(), "x-api-key", "key-1");
    let remaining = |reply: &Response| reply.header("x-rate-limit-remaining").map(str::to_owned);
    // A tool call is counted once, by the dispatcher.
    let echo = post(
        s.local_addr(),
        &headers,
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(remaining(&echo).as_deref(), Some("9"));
    // Other requests are counted by the transport, against the same budget.
    let list = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    )
    .await;
    assert_eq!(remaining(&list).as_deref(), Some("8"));
    // A streamed call reports itself counted.
    let mut progress = call(3, "progress", json!({}));
    progress["params"]["_meta"] = json!({"progressToken": "p"});
    let streamed = post(s.local_addr(), &headers, &progress).await;
    assert_eq!(streamed.header("content-type"), Some("text/event-stream"));
    assert_eq!(remaining(&streamed).as_deref(), Some("7"));
    // The destructive budget refuses with the tool's RateLimited envelope.
    let wiped = post(s.local_addr(), &headers, &call(4, "wipe", json!({}))).await;
    assert_eq!(wiped.json()["result"]["isError"], false);
    let refused = post(s.local_addr(), &headers, &call(5, "wipe", json!({}))).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(
        refused.json()["result"]["structuredContent"]["ErrorCode"],
        "RateLimited"
    );
    assert_eq!(remaining(&refused).as_deref(), Some("6"));
    // What the server reports is what the headers said.
    let status = server
        .rate_status(Some(&Caller::new("key:bot")))
        .await
        .unwrap();
    assert_eq!(status.remaining, 6);
}

#[tokio::test]
async fn rate_limit_header_names_and_formats_are_configurable() {
    let s = start(
        McpService::builder(limited(WindowRateLimiter::new(
            3000,
            Duration::from_secs(3600),
        )))
        .rate_headers(
            RateHeaders::new()
                .header("x-rate-limit-limit", RateValue::Window)
                .header("x-rate-limit-remaining", RateValue::Remaining)
                .header("x-rate-limit-reset", RateValue::ResetAt)
                .header("ratelimit-limit", RateValue::Limit),
        ),
    )
    .await;
    let reply = post(
        s.local_addr(),
        &h(),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.header("x-rate-limit-limit"), Some("1h"));
    assert_eq!(reply.header("x-rate-limit-remaining"), Some("2999"));
    let reset = reply.header("x-rate-limit-reset").unwrap();
    assert!(
        reset.len() == 20 && reset.ends_with('Z') && reset.as_bytes()[10] == b'T',
        "{reset}"
    );
    assert_eq!(reply.header("ratelimit-limit"), Some("3000"));
}

#[tokio::test]
async fn no_rate_limiter_no_headers() {
    let s = start(McpService::builder(server(&Flags::default()))).await;
    let reply = post(
        s.local_addr(),
        &h(),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-rate-limit-limit"), None);
}

#[tokio::test]
async fn public_discovery_lets_anonymous_clients_connect() {
    let s = start(
        McpService::builder(
            server_builder(&Flags::default())
                .public_discovery(true)
                .build()
                .unwrap(),
        )
        .authenticator(ApiKeys::new().key("key-1", Caller::new("bot"))),
    )
    .await;
    let reply = post(
        s.local_addr(),
        &h(),
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = post(
        s.local_addr(),
        &h(),
        &call(2, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_answer_carries_rate_headers() {
    let s = start(
        McpService::builder(limited(WindowRateLimiter::new(
            5,
            Duration::from_secs(3600),
        )))
        .authenticator(ApiKeys::new().key("key-1", Caller::new("bot")))
        .protected_resource(resource())
        .sessions(true)
        .body_limit(1024),
    )
    .await;
    let addr = s.local_addr();
    let keyed = with(h(), "x-api-key", "key-1");
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();
    let cases = [
        (
            "PUT",
            with(keyed.clone(), "mcp-session-id", "x"),
            list.clone(),
            405,
        ),
        (
            "POST",
            with(keyed.clone(), "accept", "text/html"),
            list.clone(),
            406,
        ),
        (
            "POST",
            with(keyed.clone(), "content-type", "text/plain"),
            list.clone(),
            415,
        ),
        (
            "POST",
            keyed.clone(),
            format!("{{\"pad\":\"{}\"}}", "x".repeat(2048)),
            413,
        ),
        (
            "POST",
            with(keyed.clone(), "origin", "https://evil.example"),
            list.clone(),
            403,
        ),
        (
            "POST",
            with(keyed.clone(), "mcp-session-id", "no-such-session"),
            list.clone(),
            404,
        ),
        // No credentials: the anonymous budget.
        ("POST", h(), list.clone(), 401),
    ];
    for (method, headers, body, status) in cases {
        let reply = send(addr, method, "/mcp", &headers, &body).await;
        assert_eq!(reply.status.as_u16(), status, "{method} {headers:?}");
        assert_eq!(
            reply.header("x-rate-limit-limit"),
            Some("5"),
            "{status} carries the rate headers"
        );
    }
    // Refused credentials: no caller is known, so the unauthenticated
    // budget is reported, as for missing ones.
    let refused = send(
        addr,
        "POST",
        "/mcp",
        &with(h(), "x-api-key", "wrong"),
        &list,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.header("x-rate-limit-limit"), Some("5"));
    assert!(refused.header("x-rate-limit-remaining").is_some());
    // The protected-resource metadata and unknown paths carry them too.
    for path in ["/.well-known/oauth-protected-resource/mcp", "/nowhere"] {
        for headers in [h(), keyed.clone()] {
            let reply = send(addr, "GET", path, &headers, "").await;
            assert_eq!(reply.header("x-rate-limit-limit"), Some("5"), "{path}");
        }
    }
}

/// A server whose `purge` tool (destructive, scope `admin`) and `wipe` tool
/// (destructive) are audited into `sink`, behind API keys and OAuth, with a
/// budget of two calls per caller.
async fn audited(sink: &MemoryAuditSink) -> mcp_transport_http::Serving {
    let server = server_builder(&Flags::default())
        .audit_sink(sink.clone())
        .rate_limiter(WindowRateLimiter::new(2, Duration::from_secs(3600)))
        .tool(
            Tool::builder("purge")
                .description("Purges one cache.")
                .destructive()
                .scopes(["admin"])
                .handler(|args: Text, _cx: ToolContext| async move { ToolResult::Ok(args.text) }),
        )
        .build()
        .unwrap();
    let auth = FirstOf::new()
        .with(ApiKeys::new().key("key-1", Caller::new("bot").with_scopes(["admin"])))
        .with(
            OAuthResourceServer::new(RESOURCE)
                .issuer("https://as.example")
                .key(Algorithm::HS256, DecodingKey::from_secret(SECRET), None),
        );
    start(
        McpService::builder(server)
            .authenticator(auth)
            .protected_resource(resource()),
    )
    .await
}

#[track_caller]
fn assert_refused(record: &AuditRecord, id: i64, caller: Option<&str>, code: &str) {
    assert_eq!(record.outcome, AuditOutcome::Refused, "{record:?}");
    assert_eq!(record.error_code.as_deref(), Some(code), "{record:?}");
    assert_eq!(record.caller.as_deref(), caller, "{record:?}");
    assert_eq!(record.request_id, RequestId::Number(id), "{record:?}");
}

#[tokio::test]
async fn write_calls_refused_by_the_transport_are_audited() {
    let sink = MemoryAuditSink::new();
    let s = audited(&sink).await;
    let addr = s.local_addr();
    let args = json!({"text": "sessions"});

    // 401, without credentials and with refused ones: the caller is unknown.
    let reply = post(addr, &h(), &call(1, "purge", args.clone())).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = post(
        addr,
        &with(h(), "x-api-key", "wrong"),
        &call(2, "wipe", json!({})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = post(addr, &h(), &call(3, "echo", json!({"text": "hi"}))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let records = sink.take();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_refused(&records[0], 1, None, "Unauthorized");
    assert_eq!(records[0].tool, "purge");
    assert_refused(&records[1], 2, None, "Unauthorized");
    assert_eq!(records[1].tool, "wipe");
    let unauthorized_digest = records[0].args_digest.clone();

    // 403 step-up of an OAuth caller without the scope; read-only `admin`
    // gets the same challenge and no record.
    let bearer = |scope: &str| {
        let jwt = token(
            json!({"sub": "u", "aud": RESOURCE, "iss": "https://as.example",
                               "exp": now() + 600, "scope": scope}),
        );
        with(h(), "authorization", &format!("Bearer {jwt}"))
    };
    let reply = post(addr, &bearer("tools"), &call(4, "purge", args.clone())).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = post(addr, &bearer("tools"), &call(5, "admin", json!({}))).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let records = sink.take();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_refused(
        &records[0],
        4,
        Some("oauth:https%3A//as.example#u"),
        "Forbidden",
    );
    // With the scope the same arguments run, and the records match.
    let reply = post(addr, &bearer("admin"), &call(6, "purge", args.clone())).await;
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"],
        "sessions"
    );
    let records = sink.take();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].outcome, AuditOutcome::Executed);
    assert_eq!(records[0].args_digest, unauthorized_digest);

    // 429 once the caller's budget is spent.
    let keyed = with(h(), "x-api-key", "key-1");
    for id in [7, 8] {
        let reply = post(addr, &keyed, &call(id, "purge", args.clone())).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    assert_eq!(sink.take().len(), 2);
    let reply = post(addr, &keyed, &call(9, "purge", args.clone())).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let reply = post(addr, &keyed, &call(10, "echo", json!({"text": "hi"}))).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let records = sink.take();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_refused(&records[0], 9, Some("key:bot"), "RateLimited");
    assert_eq!(records[0].args_digest, unauthorized_digest);
}

#[tokio::test]
async fn refused_batches_audit_each_write_call() {
    let sink = MemoryAuditSink::new();
    let s = audited(&sink).await;
    let addr = s.local_addr();
    let headers = mcp_headers(Some("2025-03-26"));
    let batch = json!([
        call(1, "purge", json!({"text": "a"})),
        call(2, "echo", json!({"text": "hi"})),
        call(3, "wipe", json!({})),
        {"jsonrpc": "2.0", "id": 4, "method": "tools/list"},
    ]);
    let reply = post(addr, &headers, &batch).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let records = sink.take();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_refused(&records[0], 1, None, "Unauthorized");
    assert_refused(&records[1], 3, None, "Unauthorized");

    let keyed = with(headers, "x-api-key", "key-1");
    for id in [5, 6] {
        let reply = post(addr, &keyed, &call(id, "echo", json!({"text": "hi"}))).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let reply = post(addr, &keyed, &batch).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let records = sink.take();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_refused(&records[0], 1, Some("key:bot"), "RateLimited");
    assert_refused(&records[1], 3, Some("key:bot"), "RateLimited");
}
