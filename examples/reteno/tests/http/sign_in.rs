//! The OAuth sign-in an MCP client such as Claude Code performs, end to end,
//! and the tokens the endpoint refuses.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mcp_example_reteno::access;
use mcp_tools::serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::harness::{Sandbox, form, query_param};

const REDIRECT: &str = "http://127.0.0.1:33418/callback";

/// The value of `name="request"` in a consent page's form.
fn consent_request(html: &str) -> String {
    let marker = "name=\"request\" value=\"";
    let start = html.find(marker).expect("a consent form") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

async fn post_form(s: &Sandbox, path: &str, params: &[(&str, &str)]) -> crate::harness::Response {
    s.send(
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form(params),
    )
    .await
}

/// Opens the consent page of an authorization request with PKCE for
/// `client_id`, asking for `scope`, and posts the form as `user` approving,
/// as the browser would; the code the redirect carries.
async fn consent(s: &Sandbox, client_id: &str, verifier: &str, scope: &str, user: &str) -> String {
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let resource = s.resource();
    let authorize = format!(
        "/authorize?{}",
        form(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "st-42"),
            ("scope", scope),
            ("resource", &resource),
        ])
    );
    let page = s.send("GET", &authorize, &[], "").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Reteno (sandbox)"), "{}", page.body);
    let answer = post_form(
        s,
        "/authorize/consent",
        &[
            ("request", &consent_request(&page.body)),
            ("user", user),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let location = answer.header("location").unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(query_param(location, "state").as_deref(), Some("st-42"));
    query_param(location, "code").expect("a code")
}

/// Exchanges a code at the token endpoint, as a public client.
async fn exchange(
    s: &Sandbox,
    client_id: &str,
    code: &str,
    verifier: &str,
) -> crate::harness::Response {
    post_form(
        s,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", client_id),
            ("code_verifier", verifier),
            ("resource", &s.resource()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_client_discovers_registers_signs_in_calls_and_refreshes() {
    let s = Sandbox::start().await;

    // Unauthenticated, the endpoint points at its metadata.
    let refused = s.rpc("", "tools/list", json!({})).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let challenge = refused.header("www-authenticate").unwrap();
    let metadata_url = format!("{}/.well-known/oauth-protected-resource/mcp", s.origin());
    assert!(challenge.contains(&metadata_url), "{challenge}");

    // Protected-resource metadata names this server as the issuer.
    let metadata = s
        .send("GET", "/.well-known/oauth-protected-resource/mcp", &[], "")
        .await
        .json();
    assert_eq!(metadata["resource"], s.resource());
    assert_eq!(metadata["authorization_servers"], json!([s.origin()]));
    assert_eq!(metadata["scopes_supported"], json!(access::ALL_SCOPES));
    let issuer = s
        .send("GET", "/.well-known/oauth-authorization-server", &[], "")
        .await
        .json();
    assert_eq!(issuer["issuer"], s.origin());
    assert_eq!(
        issuer["registration_endpoint"],
        format!("{}/register", s.origin())
    );

    // Dynamic registration of a public client.
    let registered = s
        .send(
            "POST",
            "/register",
            &[("Content-Type", "application/json")],
            &json!({
                "client_name": "Claude Code (test)",
                "redirect_uris": [REDIRECT],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
            })
            .to_string(),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let client_id = registered.json()["client_id"].as_str().unwrap().to_owned();

    // Authorization with PKCE, consent as the owner, and the code for tokens.
    let verifier = "reteno-test-verifier-".repeat(3);
    let resource = s.resource();
    let code = consent(
        &s,
        &client_id,
        &verifier,
        "reteno:read reteno:write",
        access::OWNER,
    )
    .await;
    let tokens = exchange(&s, &client_id, &code, &verifier).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let tokens: Value = tokens.json();
    assert_eq!(tokens["scope"], "reteno:read reteno:write");
    let access_token = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();

    // A read and a write with it; a send is beyond what was asked for.
    let groups = s.call(&access_token, "list_groups", json!({})).await.data();
    assert!(!groups["Items"].as_array().unwrap().is_empty());
    s.call(
        &access_token,
        "upsert_contact",
        json!({"contact": {"email": "signed.in@example.com", "firstName": "Signed"}}),
    )
    .await
    .data();
    let send = s
        .rpc(
            &access_token,
            "tools/call",
            json!({"name": "send_sms_message", "arguments": {"phone": "+15550100", "messageId": 1}}),
        )
        .await;
    assert_eq!(send.status, 403, "{}", send.body);

    // Refresh: a new access token that works, and the old refresh token is spent.
    let refreshed = post_form(
        &s,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", &client_id),
            ("resource", &resource),
        ],
    )
    .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let fresh = refreshed.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let found = s
        .call(
            &fresh,
            "get_contacts_by_email",
            json!({"email": "signed.in@example.com"}),
        )
        .await
        .data();
    assert!(
        found.to_string().contains("signed.in@example.com"),
        "{found}"
    );
    let replayed = post_form(
        &s,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", &client_id),
        ],
    )
    .await;
    assert_eq!(replayed.status, 400, "{}", replayed.body);
    assert_eq!(replayed.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let s = Sandbox::start().await;
    // Same issuer, same key: only the audience differs.
    let elsewhere = access::authorization_server(&s.origin(), &format!("{}/other-mcp", s.origin()))
        .unwrap()
        .issue_token(access::OWNER, access::ALL_SCOPES)
        .unwrap();
    let refused = s
        .rpc(elsewhere.access_token(), "tools/list", json!({}))
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(
        refused
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token"),
        "{:?}",
        refused.headers
    );
    // The right audience is served.
    let served = s
        .rpc(&s.token(access::OWNER), "tools/list", json!({}))
        .await;
    assert_eq!(served.status, 200, "{}", served.body);
}

#[tokio::test]
async fn a_denied_consent_sends_the_client_back_without_a_code() {
    let s = Sandbox::start().await;
    let registered = s
        .send(
            "POST",
            "/register",
            &[("Content-Type", "application/json")],
            &json!({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"}).to_string(),
        )
        .await;
    let client_id = registered.json()["client_id"].as_str().unwrap().to_owned();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(
        b"a-verifier-long-enough-for-pkce-43-characters",
    ));
    let resource = s.resource();
    let authorize = format!(
        "/authorize?{}",
        form(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "st-7"),
            ("resource", &resource),
        ])
    );
    let page = s.send("GET", &authorize, &[], "").await;
    let answer = post_form(
        &s,
        "/authorize/consent",
        &[
            ("request", &consent_request(&page.body)),
            ("user", access::ANALYST),
            ("decision", "deny"),
        ],
    )
    .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let location = answer.header("location").unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(location, "code"), None);
}

#[tokio::test]
async fn a_url_client_id_signs_in_and_a_read_only_user_gets_read_only_tokens() {
    let s = Sandbox::start().await;
    // Claude Code names itself by a client ID metadata document instead of registering.
    let client_id = "https://claude.ai/oauth/claude-code-client-metadata";
    let verifier = "analyst-verifier-".repeat(4);
    let code = consent(
        &s,
        client_id,
        &verifier,
        "reteno:read reteno:write",
        access::ANALYST,
    )
    .await;
    let tokens = exchange(&s, client_id, &code, &verifier).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let tokens = tokens.json();
    // Asked for write too, but the analyst may grant read only.
    assert_eq!(tokens["scope"], "reteno:read");
    let token = tokens["access_token"].as_str().unwrap();

    s.call(token, "get_organisation_info", json!({}))
        .await
        .data();
    let write = s
        .rpc(
            token,
            "tools/call",
            json!({"name": "upsert_contact", "arguments": {"contact": {"email": "no@example.com"}}}),
        )
        .await;
    assert_eq!(write.status, 403, "{}", write.body);
    let challenge = write.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"reteno:write\""), "{challenge}");
}
