//! Everything the server must refuse, and how it says so.

use std::time::Duration;

use http::StatusCode;
use mcp_sandbox_oauth::Lifetimes;

use crate::harness::{Pkce, READ, REDIRECT, Sandbox, WRITE};

#[tokio::test]
async fn a_wrong_verifier_is_refused() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("right");
    let code = sandbox.code(&client_id, &pkce, "ada", READ).await;
    let wrong = Pkce::new("wrong");
    let reply = sandbox.exchange(&client_id, &code, &wrong.verifier).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error(), "invalid_grant");
    assert!(
        reply.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("code_verifier")
    );
    let missing = sandbox
        .post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("client_id", &client_id),
            ],
        )
        .await;
    assert_eq!(missing.error(), "invalid_request");
}

#[tokio::test]
async fn a_code_is_single_use_and_its_reuse_revokes_the_grant() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("reuse");
    let code = sandbox.code(&client_id, &pkce, "ada", READ).await;
    let first = sandbox.exchange(&client_id, &code, &pkce.verifier).await;
    assert_eq!(first.status, StatusCode::OK);
    let refresh = first.json()["refresh_token"].as_str().unwrap().to_owned();
    let second = sandbox.exchange(&client_id, &code, &pkce.verifier).await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert_eq!(second.error(), "invalid_grant");
    assert!(second.body.contains("already used"), "{}", second.body);
    let after = sandbox.refresh(&client_id, &refresh).await;
    assert_eq!(after.error(), "invalid_grant");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let sandbox = Sandbox::start_with(Lifetimes {
        code: Duration::from_millis(300),
        ..Lifetimes::default()
    })
    .await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("slow");
    let code = sandbox.code(&client_id, &pkce, "ada", READ).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let reply = sandbox.exchange(&client_id, &code, &pkce.verifier).await;
    assert_eq!(reply.error(), "invalid_grant");
    assert!(reply.body.contains("expired"), "{}", reply.body);
}

#[tokio::test]
async fn codes_and_refresh_tokens_are_bound_to_their_client() {
    let sandbox = Sandbox::start().await;
    let owner = sandbox.register(REDIRECT).await;
    let thief = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("bound");
    let code = sandbox.code(&owner, &pkce, "ada", READ).await;
    let stolen = sandbox.exchange(&thief, &code, &pkce.verifier).await;
    assert_eq!(stolen.error(), "invalid_grant");
    let tokens = sandbox.exchange(&owner, &code, &pkce.verifier).await.json();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let stolen = sandbox.refresh(&thief, refresh).await;
    assert_eq!(stolen.error(), "invalid_grant");
    let unknown = sandbox.refresh("no-such-client", refresh).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.error(), "invalid_client");
}

#[tokio::test]
async fn the_redirect_uri_must_match() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("redirect");

    // An unregistered redirect URI is never redirected to.
    for uri in ["https://evil.example/cb", "http://127.0.0.1:53682/other"] {
        let path = sandbox.authorize_path(&client_id, &pkce, &[("redirect_uri", uri)]);
        let page = sandbox.get(&path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(page.header("location").is_empty());
        assert!(page.body.contains("not registered"), "{}", page.body);
    }
    // Loopback ports may differ (RFC 8252), the rest may not.
    let other_port = "http://127.0.0.1:40000/callback";
    let path = sandbox.authorize_path(&client_id, &pkce, &[("redirect_uri", other_port)]);
    assert_eq!(sandbox.get(&path).await.status, StatusCode::OK);

    // The token request must name the same redirect URI.
    let code = sandbox.code(&client_id, &pkce, "ada", READ).await;
    let reply = sandbox
        .post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", other_port),
                ("client_id", &client_id),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await;
    assert_eq!(reply.error(), "invalid_grant");
}

#[tokio::test]
async fn unknown_clients_get_a_page_not_a_redirect() {
    let sandbox = Sandbox::start().await;
    let path = sandbox.authorize_path("no-such-client", &Pkce::new("x"), &[]);
    let page = sandbox.get(&path).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.header("location").is_empty());
    assert!(page.body.contains("register again"));
    let no_client = sandbox.get("/authorize?response_type=code").await;
    assert_eq!(no_client.status, StatusCode::BAD_REQUEST);
    let repeated = sandbox.get("/authorize?client_id=a&client_id=b").await;
    assert_eq!(repeated.status, StatusCode::BAD_REQUEST);
    assert!(repeated.body.contains("more than once"));
}

/// Requests from a known client to a known redirect URI fail back to it.
#[tokio::test]
async fn bad_authorization_requests_go_back_with_an_error() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let pkce = Pkce::new("errors");
    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[("code_challenge_method", "plain")], "invalid_request"),
        (&[("code_challenge_method", "")], "invalid_request"),
        (&[("code_challenge", "")], "invalid_request"),
        (
            &[("resource", "https://other.example/mcp")],
            "invalid_target",
        ),
        (&[("resource", "")], "invalid_request"),
        (&[("response_type", "token")], "unsupported_response_type"),
        (&[("scope", "admin:everything")], "invalid_scope"),
    ];
    for (extra, error) in cases {
        let path = sandbox.authorize_path(&client_id, &pkce, extra);
        let reply = sandbox.get(&path).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{extra:?}: {}", reply.body);
        assert!(reply.header("location").starts_with(REDIRECT));
        assert_eq!(
            reply.location_param("error").as_deref(),
            Some(error),
            "{extra:?}"
        );
        assert_eq!(reply.location_param("state").as_deref(), Some("xyz-state"));
        assert!(reply.location_param("error_description").is_some());
    }
}

#[tokio::test]
async fn a_consent_is_answered_once() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let path = sandbox.authorize_path(&client_id, &Pkce::new("once"), &[]);
    let page = sandbox.get(&path).await;
    let request = crate::harness::request_id(&page.body);
    let answer = [
        ("request", request.as_str()),
        ("user", "ada"),
        ("decision", "approve"),
    ];
    let first = sandbox.post_form("/authorize/consent", &answer).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = sandbox.post_form("/authorize/consent", &answer).await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert!(second.body.contains("already answered"));
    let forged = sandbox
        .post_form(
            "/authorize/consent",
            &[
                ("request", "made-up"),
                ("user", "ada"),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_user_who_may_grant_nothing_asked_for_is_not_offered() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let path = sandbox.authorize_path(&client_id, &Pkce::new("write-only"), &[("scope", WRITE)]);
    let page = sandbox.get(&path).await;
    assert!(
        page.body.contains("value=\"vera\" disabled"),
        "{}",
        page.body
    );
    let request = crate::harness::request_id(&page.body);
    let forced = sandbox
        .post_form(
            "/authorize/consent",
            &[
                ("request", &request),
                ("user", "vera"),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(forced.status, StatusCode::SEE_OTHER);
    assert_eq!(
        forced.location_param("error").as_deref(),
        Some("invalid_scope")
    );
    assert!(forced.location_param("code").is_none());
}

#[tokio::test]
async fn malformed_token_requests() {
    let sandbox = Sandbox::start().await;
    let client_id = sandbox.register(REDIRECT).await;
    let json = sandbox
        .post_json(
            "/token",
            &serde_json::json!({"grant_type": "authorization_code"}),
        )
        .await;
    assert_eq!(json.error(), "invalid_request");
    let grant = sandbox
        .post_form(
            "/token",
            &[("grant_type", "password"), ("client_id", &client_id)],
        )
        .await;
    assert_eq!(grant.error(), "unsupported_grant_type");
    let no_grant = sandbox
        .post_form("/token", &[("client_id", &client_id)])
        .await;
    assert_eq!(no_grant.error(), "invalid_request");
    let no_client = sandbox
        .post_form("/token", &[("grant_type", "refresh_token")])
        .await;
    assert_eq!(no_client.error(), "invalid_client");
    let unknown_code = sandbox
        .exchange(&client_id, "made-up-code", &Pkce::new("x").verifier)
        .await;
    assert_eq!(unknown_code.error(), "invalid_grant");
    let wrong_resource = sandbox
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", &client_id),
                ("resource", "https://other.example/mcp"),
            ],
        )
        .await;
    assert_eq!(wrong_resource.error(), "invalid_target");
    let huge = "a=".to_owned() + &"b".repeat(100 * 1024);
    let too_big = sandbox
        .request(
            http::Method::POST,
            "/token",
            &[("content-type", "application/x-www-form-urlencoded")],
            &huge,
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}
