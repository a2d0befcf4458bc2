//! RFC 7591 dynamic client registration.

use http::StatusCode;
use serde_json::json;

use crate::harness::{REDIRECT, Sandbox};

#[tokio::test]
async fn a_public_client_registers() {
    let sandbox = Sandbox::start().await;
    let reply = sandbox
        .post_json(
            "/register",
            &json!({
                "client_name": "Claude Code (acme)",
                "redirect_uris": ["http://localhost:61234/callback"],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
            }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), "no-store");
    let doc = reply.json();
    assert!(doc["client_id"].as_str().unwrap().len() >= 32);
    assert_eq!(doc["client_name"], "Claude Code (acme)");
    assert_eq!(doc["token_endpoint_auth_method"], "none");
    assert!(doc.get("client_secret").is_none());
    assert_eq!(
        doc["redirect_uris"],
        json!(["http://localhost:61234/callback"])
    );
}

#[tokio::test]
async fn a_confidential_client_gets_a_secret() {
    let sandbox = Sandbox::start().await;
    let doc = sandbox
        .post_json(
            "/register",
            &json!({"redirect_uris": ["https://app.example/cb"]}),
        )
        .await
        .json();
    // RFC 7591: the default method is client_secret_basic.
    assert_eq!(doc["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(doc["client_secret"].as_str().unwrap().len(), 43);
    assert_eq!(doc["grant_types"], json!(["authorization_code"]));
}

#[tokio::test]
async fn bad_redirect_uris_are_refused() {
    let sandbox = Sandbox::start().await;
    for uri in [
        "http://app.example/cb",
        "https://app.example/cb#fragment",
        "javascript:alert(1)",
        "/relative/cb",
        "https://user:pw@app.example/cb",
    ] {
        let reply = sandbox
            .post_json("/register", &json!({"redirect_uris": [uri]}))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(
            reply.error(),
            "invalid_redirect_uri",
            "{uri}: {}",
            reply.body
        );
    }
    let none = sandbox
        .post_json("/register", &json!({"client_name": "x"}))
        .await;
    assert_eq!(none.error(), "invalid_redirect_uri");
    let many: Vec<String> = (0..11).map(|i| format!("https://a.example/{i}")).collect();
    let too_many = sandbox
        .post_json("/register", &json!({"redirect_uris": many}))
        .await;
    assert_eq!(too_many.error(), "invalid_redirect_uri");
}

#[tokio::test]
async fn bad_metadata_is_refused() {
    let sandbox = Sandbox::start().await;
    let cases = [
        json!({"redirect_uris": [REDIRECT], "grant_types": ["client_credentials"]}),
        json!({"redirect_uris": [REDIRECT], "grant_types": ["refresh_token"]}),
        json!({"redirect_uris": [REDIRECT], "response_types": ["token"]}),
        json!({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt"}),
        json!({"redirect_uris": [REDIRECT], "client_name": ""}),
        json!({"redirect_uris": [REDIRECT], "client_name": "x".repeat(101)}),
        json!({"redirect_uris": [REDIRECT], "client_name": "bell\u{7}"}),
        json!({"redirect_uris": [REDIRECT], "client_name": 7}),
        json!(["not", "an", "object"]),
    ];
    for case in cases {
        let reply = sandbox.post_json("/register", &case).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{case}");
        assert_eq!(
            reply.error(),
            "invalid_client_metadata",
            "{case}: {}",
            reply.body
        );
        assert!(
            !reply.json()["error_description"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    let not_json = sandbox
        .request(
            http::Method::POST,
            "/register",
            &[("content-type", "text/plain")],
            "{}",
        )
        .await;
    assert_eq!(not_json.error(), "invalid_request");
    let garbage = sandbox
        .request(
            http::Method::POST,
            "/register",
            &[("content-type", "application/json")],
            "{\"redirect_uris\": [",
        )
        .await;
    assert_eq!(garbage.error(), "invalid_client_metadata");
}
