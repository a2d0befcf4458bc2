//! Authentication, authorization challenges, protected-resource metadata and
//! rate-limit headers, over real sockets.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use common::*;
use http::StatusCode;
use jsonwebtoken::{EncodingKey, Header, encode};
use mcp_tools::Caller;
use mcp_transport_http::McpHttp;
use mcp_transport_http::auth::{
    Algorithm, ApiKeys, BasicAuth, DecodingKey, FirstOf, OAuthResourceServer, ProtectedResource,
};
use mcp_transport_http::rate::HourlyWindow;
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
        McpHttp::builder(server(&Flags::default()))
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
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let reply = send(s.local_addr(), "GET", path, &h(), "").await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let doc = reply.json();
        assert_eq!(doc["resource"], RESOURCE);
        assert_eq!(doc["authorization_servers"], json!(["https://as.example"]));
        assert_eq!(doc["scopes_supported"], json!(["tools", "admin"]));
        assert_eq!(doc["bearer_methods_supported"], json!(["header"]));
    }
}

#[tokio::test]
async fn rate_limit_headers_and_429() {
    let s = start(
        McpHttp::builder(server(&Flags::default()))
            .authenticator(ApiKeys::new().key("key-1", Caller::new("bot")))
            .rate_limit(HourlyWindow::new(2, Duration::from_secs(3600))),
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
async fn rate_limit_header_names_are_configurable() {
    let s = start(
        McpHttp::builder(server(&Flags::default()))
            .rate_limit(HourlyWindow::per_hour(10))
            .rate_limit_headers(
                http::HeaderName::from_static("ratelimit-limit"),
                http::HeaderName::from_static("ratelimit-remaining"),
                http::HeaderName::from_static("ratelimit-reset"),
            ),
    )
    .await;
    let reply = post(
        s.local_addr(),
        &h(),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.header("ratelimit-limit"), Some("10"));
    assert_eq!(reply.header("ratelimit-remaining"), Some("9"));
}

#[tokio::test]
async fn public_discovery_lets_anonymous_clients_connect() {
    let s = start(
        McpHttp::builder(server(&Flags::default()))
            .authenticator(ApiKeys::new().key("key-1", Caller::new("bot")))
            .public_discovery(true),
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
