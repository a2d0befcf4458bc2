//! What a client reads before it signs in.

use http::{Method, StatusCode};

use crate::harness::{READ, Sandbox, WRITE};

#[tokio::test]
async fn metadata_at_both_well_known_paths() {
    let sandbox = Sandbox::start().await;
    let oauth = sandbox.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(oauth.status, StatusCode::OK);
    assert_eq!(oauth.header("content-type"), "application/json");
    let doc = oauth.json();
    let origin = &sandbox.origin;
    assert_eq!(doc["issuer"], origin.as_str());
    assert_eq!(doc["authorization_endpoint"], format!("{origin}/authorize"));
    assert_eq!(doc["token_endpoint"], format!("{origin}/token"));
    assert_eq!(doc["registration_endpoint"], format!("{origin}/register"));
    assert_eq!(doc["jwks_uri"], format!("{origin}/jwks"));
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(doc["scopes_supported"], serde_json::json!([READ, WRITE]));
    assert_eq!(doc["client_id_metadata_document_supported"], true);
    let openid = sandbox.get("/.well-known/openid-configuration").await;
    assert_eq!(openid.status, StatusCode::OK);
    assert_eq!(openid.json(), doc);
}

#[tokio::test]
async fn an_issuer_with_a_path_serves_below_it() {
    let sandbox = Sandbox::start_full(mcp_sandbox_oauth::Lifetimes::default(), "/auth").await;
    let issuer = format!("{}/auth", sandbox.origin);
    // RFC 8414 path insertion for both names, and OpenID path appending.
    for path in [
        "/.well-known/oauth-authorization-server/auth",
        "/.well-known/openid-configuration/auth",
        "/auth/.well-known/openid-configuration",
    ] {
        let reply = sandbox.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let doc = reply.json();
        assert_eq!(doc["issuer"], issuer.as_str());
        assert_eq!(doc["token_endpoint"], format!("{issuer}/token"));
    }
    let token = sandbox
        .post_form("/auth/token", &[("grant_type", "refresh_token")])
        .await;
    assert_eq!(token.error(), "invalid_client");
    let prm = sandbox
        .get("/.well-known/oauth-protected-resource/mcp")
        .await
        .json();
    assert_eq!(prm["authorization_servers"], serde_json::json!([issuer]));
}

#[tokio::test]
async fn the_protected_resource_names_this_server() {
    let sandbox = Sandbox::start().await;
    let challenge = sandbox
        .request(
            Method::POST,
            "/mcp",
            &[
                ("content-type", "application/json"),
                ("accept", "application/json, text/event-stream"),
            ],
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
        )
        .await;
    assert_eq!(challenge.status, StatusCode::UNAUTHORIZED);
    let www = challenge.header("www-authenticate");
    assert!(www.contains("resource_metadata="), "{www}");
    let prm = sandbox
        .get("/.well-known/oauth-protected-resource/mcp")
        .await
        .json();
    assert_eq!(prm["resource"], sandbox.resource.as_str());
    assert_eq!(
        prm["authorization_servers"],
        serde_json::json!([sandbox.origin])
    );
}

#[tokio::test]
async fn jwks_publishes_the_signing_key() {
    let sandbox = Sandbox::start().await;
    let jwks = sandbox.get("/jwks").await.json();
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    assert_eq!(key["kid"], sandbox.oauth.signing_key().key_id());
    // A resource server elsewhere can verify tokens from the JWKS alone.
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.clone()).unwrap();
    let token = sandbox.oauth.issue_token("ada", [READ]).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    validation.set_audience(&[&sandbox.resource]);
    validation.set_issuer(&[&sandbox.origin]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(
        token.access_token(),
        &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
        &validation,
    )
    .unwrap()
    .claims;
    assert_eq!(claims["sub"], "ada");
    assert_eq!(claims["tenant"], "acme");
    assert_eq!(claims["client_id"], "sandbox-direct");
}

#[tokio::test]
async fn browsers_may_call_the_json_endpoints() {
    let sandbox = Sandbox::start().await;
    let preflight = sandbox
        .request(
            Method::OPTIONS,
            "/token",
            &[
                ("origin", "http://localhost:6274"),
                ("access-control-request-method", "POST"),
            ],
            "",
        )
        .await;
    assert!(preflight.status.is_success(), "{:?}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), "*");
    let metadata = sandbox.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(metadata.header("access-control-allow-origin"), "*");
    // The consent page is for the person, not for scripts of other origins.
    let page = sandbox.get("/authorize").await;
    assert_eq!(page.header("access-control-allow-origin"), "");
}
