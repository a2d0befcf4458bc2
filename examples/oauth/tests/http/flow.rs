//! The sign-in an MCP client performs, from consent to refresh.

use http::StatusCode;
use mcp_transport_http::auth::OAuthResourceServer;

use crate::harness::{Pkce, READ, REDIRECT, Sandbox, WRITE};

#[tokio::test]
async fn authorization_code_with_pkce_then_refresh() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("full-flow");
    let path = sandbox.authorize_path(&client_id, &pkce, &[("scope", &format!("{READ} {WRITE}"))]);

    let page = sandbox.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(
        page.header("content-security-policy")
            .contains("frame-ancestors 'none'")
    );
    assert!(page.body.contains("Test client"));
    assert!(page.body.contains("Ada Admin") && page.body.contains("Vera Viewer"));
    assert!(page.body.contains(REDIRECT));

    let request = crate::harness::request_id(&page.body);
    let back = sandbox
        .post_form(
            "/authorize/consent",
            &[
                ("request", &request),
                ("user", "ada"),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert!(back.header("location").starts_with(&format!("{REDIRECT}?")));
    assert_eq!(back.location_param("state").as_deref(), Some("xyz-state"));
    assert_eq!(
        back.location_param("iss").as_deref(),
        Some(sandbox.origin.as_str())
    );
    let code = back.location_param("code").unwrap();

    let tokens = sandbox.exchange(&client_id, &code, &pkce.verifier).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    assert_eq!(tokens.header("cache-control"), "no-store");
    let tokens = tokens.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], format!("{READ} {WRITE}"));

    // The transport's resource server accepts it as Ada of Acme.
    let access = tokens["access_token"].as_str().unwrap();
    let auth = sandbox.oauth.resource_server().validate(access).unwrap();
    // The issuer's subject, in the namespace of OAuth callers.
    let id = auth.caller().id();
    assert!(id.starts_with("oauth:http") && id.ends_with("#ada"), "{id}");
    assert_eq!(auth.caller().account(), Some("acme"));
    assert!(auth.caller().has_scope(READ) && auth.caller().has_scope(WRITE));

    // Refresh rotates: a new pair, and the old refresh token is spent.
    let first = tokens["refresh_token"].as_str().unwrap();
    let refreshed = sandbox.refresh(&client_id, first).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let refreshed = refreshed.json();
    let second = refreshed["refresh_token"].as_str().unwrap();
    assert_ne!(first, second);
    let again = sandbox
        .oauth
        .resource_server()
        .validate(refreshed["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(again.caller().id(), id);

    let reused = sandbox.refresh(&client_id, first).await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert_eq!(reused.error(), "invalid_grant");
    // Reuse means the token leaked: the token it was rotated into dies too.
    let revoked = sandbox.refresh(&client_id, second).await;
    assert_eq!(revoked.error(), "invalid_grant", "{}", revoked.body);
}

#[tokio::test]
async fn a_read_only_user_grants_only_read() {
    let sandbox = Sandbox::start().await;
    let (_, tokens) = sandbox.sign_in("vera", &format!("{READ} {WRITE}")).await;
    assert_eq!(tokens["scope"], READ);
    let auth = sandbox
        .oauth
        .resource_server()
        .validate(tokens["access_token"].as_str().unwrap())
        .unwrap();
    assert!(auth.caller().has_scope(READ));
    assert!(!auth.caller().has_scope(WRITE));
}

#[tokio::test]
async fn without_a_scope_the_user_grants_everything_they_may() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("no-scope");
    let path = sandbox.authorize_path(&client_id, &pkce, &[]);
    let back = sandbox.consent(&path, "ada", "approve").await;
    let code = back.location_param("code").unwrap();
    let tokens = sandbox
        .exchange(&client_id, &code, &pkce.verifier)
        .await
        .json();
    assert_eq!(tokens["scope"], format!("{READ} {WRITE}"));
}

#[tokio::test]
async fn a_refresh_may_narrow_but_not_widen() {
    let sandbox = Sandbox::start().await;
    let (client_id, tokens) = sandbox.sign_in("ada", READ).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let wider = sandbox
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", &client_id),
                ("scope", &format!("{READ} {WRITE}")),
            ],
        )
        .await;
    assert_eq!(wider.error(), "invalid_scope", "{}", wider.body);
    // The refused request did not spend the token.
    let ok = sandbox.refresh(&client_id, refresh).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["scope"], READ);
}

#[tokio::test]
async fn the_person_may_deny() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let path = sandbox.authorize_path(&client_id, &Pkce::new("deny"), &[]);
    let back = sandbox.consent(&path, "ada", "deny").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(
        back.location_param("error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(back.location_param("state").as_deref(), Some("xyz-state"));
    assert!(back.location_param("code").is_none());
}

#[tokio::test]
async fn a_token_for_another_resource_is_refused_by_the_resource_server() {
    let sandbox = Sandbox::start().await;
    let (_, tokens) = sandbox.sign_in("ada", READ).await;
    let access = tokens["access_token"].as_str().unwrap();
    let key = sandbox.oauth.signing_key();
    let elsewhere = OAuthResourceServer::new("https://other.example/mcp")
        .issuer(sandbox.oauth.issuer())
        .key(
            mcp_transport_http::auth::Algorithm::EdDSA,
            key.decoding_key(),
            Some(key.key_id()),
        );
    let refused = elsewhere.validate(access).unwrap_err();
    assert_eq!(refused.message(), "the token is for another resource");
}

#[tokio::test]
async fn a_confidential_client_authenticates_with_basic() {
    let sandbox = Sandbox::start().await;
    let registration = sandbox
        .post_json(
            "/register",
            &serde_json::json!({
                "client_name": "Web app",
                "redirect_uris": [REDIRECT],
                "grant_types": ["authorization_code"],
            }),
        )
        .await
        .json();
    let id = registration["client_id"].as_str().unwrap();
    let secret = registration["client_secret"].as_str().unwrap();
    let pkce = Pkce::new("basic");
    let code = sandbox.code(id, &pkce, "ada", READ).await;
    let form = crate::harness::form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &pkce.verifier),
    ]);
    let basic = |secret: &str| {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
        )
    };
    let wrong = basic("not-the-secret");
    let refused = sandbox
        .request(
            http::Method::POST,
            "/token",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("authorization", &wrong),
            ],
            &form,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.error(), "invalid_client");
    assert!(refused.header("www-authenticate").starts_with("Basic"));
    let right = basic(secret);
    let ok = sandbox
        .request(
            http::Method::POST,
            "/token",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("authorization", &right),
            ],
            &form,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // It did not register the refresh_token grant, so it gets no refresh token.
    assert!(ok.json().get("refresh_token").is_none());
}

#[tokio::test]
async fn a_metadata_document_client_signs_in_on_loopback() {
    let sandbox = Sandbox::start().await;
    let client_id = "https://app.example/oauth/client.json";
    let pkce = Pkce::new("cimd");
    let path = sandbox.authorize_path(client_id, &pkce, &[("scope", READ)]);
    let page = sandbox.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("has not been verified"));
    assert!(page.body.contains(client_id));
    let code = sandbox.code(client_id, &pkce, "vera", READ).await;
    let tokens = sandbox.exchange(client_id, &code, &pkce.verifier).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    let claims = sandbox
        .oauth
        .resource_server()
        .validate(tokens.json()["access_token"].as_str().unwrap())
        .unwrap();
    // The issuer's subject, in the namespace of OAuth callers.
    let id = claims.caller().id();
    assert!(
        id.starts_with("oauth:http") && id.ends_with("#vera"),
        "{id}"
    );

    // Codes for an unverified client never leave this machine.
    let elsewhere = sandbox.authorize_path(
        client_id,
        &pkce,
        &[("redirect_uri", "https://app.example/callback")],
    );
    let refused = sandbox.get(&elsewhere).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.header("location").is_empty());
}

#[tokio::test]
async fn direct_tokens_for_scripts() {
    let sandbox = Sandbox::start().await;
    let token = sandbox.oauth.issue_token("vera", [READ]).unwrap();
    assert_eq!(token.scopes(), [READ]);
    let auth = sandbox
        .oauth
        .resource_server()
        .validate(token.access_token())
        .unwrap();
    // The issuer's subject, in the namespace of OAuth callers.
    let id = auth.caller().id();
    assert!(
        id.starts_with("oauth:http") && id.ends_with("#vera"),
        "{id}"
    );
    let err = sandbox.oauth.issue_token("vera", [WRITE]).unwrap_err();
    assert_eq!(err.kind(), mcp_sandbox_oauth::ErrorKind::Scope);
    assert!(err.message().contains("may grant: contacts:read"), "{err}");
    let err = sandbox.oauth.issue_token("nobody", [READ]).unwrap_err();
    assert_eq!(err.kind(), mcp_sandbox_oauth::ErrorKind::UnknownUser);
    assert!(err.message().contains("ada, vera"), "{err}");
}
