//! OAuth sign-in, as the vendor recommends: the sandbox authorization server
//! served beside the endpoint, the whole flow an MCP client runs (discovery,
//! registration or a URL client id, consent with PKCE, the code for tokens),
//! the scopes each role may grant, and the personal access tokens still
//! accepted beside the signed-in tokens.

use mcp_example_retently::catalog::SCOPES;
use mcp_example_retently::sign_in::{AGENT, MANAGER, OWNER, VIEWER};
use mcp_test_client::sign_in::{ClientId, SignIn};
use mcp_tools::serde_json::json;

use crate::support::Sandbox;

/// What Claude Code names itself by instead of registering.
const CLAUDE_CODE: &str = "https://claude.ai/oauth/claude-code-client-metadata";

fn flow(s: &Sandbox) -> SignIn {
    SignIn::new(s.addr, mcp_example_retently::service::MCP_PATH)
}

#[tokio::test]
async fn a_client_discovers_registers_signs_in_and_writes_under_its_user() {
    let s = Sandbox::start_signing_in().await;
    let sign_in = flow(&s);

    // The endpoint's 401 leads to metadata naming the sandbox as issuer.
    let found = sign_in.discover().await;
    let origin = format!("http://{}", s.addr);
    assert_eq!(found.resource, s.resource());
    assert_eq!(found.issuer, origin);
    assert_eq!(found.scopes_supported, SCOPES);
    assert_eq!(found.metadata["scopes_supported"], json!(SCOPES));
    assert_eq!(
        found.metadata["code_challenge_methods_supported"],
        json!(["S256"])
    );

    // Registration, consent as the manager for two scopes, and the exchange.
    let client_id = sign_in.register(&found).await;
    let (code, verifier) = sign_in
        .authorize(&found, &client_id, "feedback:read feedback:curate", MANAGER)
        .await;
    let tokens = sign_in.exchange(&found, &client_id, &code, &verifier).await;
    assert_eq!(tokens.scope, "feedback:read feedback:curate");
    assert!(!tokens.refresh_token.is_empty());
    let token = tokens.access_token.as_str();

    // A read, and a write through its dry run and confirmation, audited
    // under the signed-in user on the sandbox account.
    let statuses = s.data(token, "list_statuses", json!({})).await;
    assert!(!statuses.to_string().is_empty());
    let args = json!({"feedbackId": 5, "starred": true});
    let (_, confirmation) = s.dry_run(token, "star_feedback", &args).await;
    s.confirm(token, "star_feedback", &args, &confirmation)
        .await
        .data();
    let record = s.audit().pop().unwrap();
    let caller = record["caller"].as_str().unwrap();
    assert!(
        caller.starts_with("oauth:http%3A//127.0.0.1%3A"),
        "{caller}"
    );
    assert!(caller.ends_with("#manager"), "{caller}");
    assert_eq!(record["account"], "demo account");
    assert_eq!(record["outcome"], "Executed");

    // A tool whose scope the client did not ask for: sign in again for it.
    let refused = s
        .post(
            Some(token),
            &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "get_score", "arguments": {"metric": "NPS"}}}),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let challenge = refused.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"reports:read\""), "{challenge}");
}

#[tokio::test]
async fn roles_cap_what_a_sign_in_grants() {
    let s = Sandbox::start_signing_in().await;
    let sign_in = flow(&s);

    // Claude Code's URL client id, asking for nothing in particular: the
    // agent gets all it may grant, which is no survey sending.
    let agent = sign_in
        .run(ClientId::Url(CLAUDE_CODE.to_owned()), "", AGENT)
        .await;
    let granted: Vec<&str> = agent.scope.split(' ').collect();
    assert!(granted.contains(&"feedback:reply"), "{granted:?}");
    assert!(!granted.contains(&"surveys:send"), "{granted:?}");
    assert!(!granted.contains(&"pii:read"), "{granted:?}");

    // A viewer asking for a write gets the read only; the write is refused.
    let viewer = sign_in
        .run(ClientId::Register, "feedback:read feedback:tag", VIEWER)
        .await;
    assert_eq!(viewer.scope, "feedback:read");
    let write = s
        .post(
            Some(&viewer.access_token),
            &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "tag_feedback",
                           "arguments": {"feedbackId": 5, "add": ["pricing"]}}}),
        )
        .await;
    assert_eq!(write.status, 403, "{}", write.body);
    let challenge = write.header("www-authenticate").unwrap();
    assert!(challenge.contains("scope=\"feedback:tag\""), "{challenge}");
}

#[tokio::test]
async fn personal_data_is_clear_only_for_a_user_with_pii_access() {
    let s = Sandbox::start_signing_in().await;
    let sign_in = flow(&s);
    let customer = s.account.read().customers[0].clone();
    let args = json!({"customerId": customer.id});

    let owner = sign_in
        .run(ClientId::Register, "customers:read pii:read", OWNER)
        .await;
    assert_eq!(owner.scope, "customers:read pii:read");
    let clear = s
        .data(&owner.access_token, "get_customer", args.clone())
        .await;
    assert_eq!(clear["email"], customer.email.as_str());

    // The manager may not grant pii:read: the same read comes back de-identified.
    let manager = sign_in
        .run(ClientId::Register, "customers:read pii:read", MANAGER)
        .await;
    assert_eq!(manager.scope, "customers:read");
    let masked = s.data(&manager.access_token, "get_customer", args).await;
    let email = masked["email"].as_str().unwrap();
    assert!(email.contains("***@"), "{email}");
    assert_ne!(email, customer.email);
}

#[tokio::test]
async fn personal_access_tokens_still_work_beside_sign_in() {
    let s = Sandbox::start_signing_in().await;
    // The tokens the example prints, on the same endpoint.
    let statuses = s.data(&s.full, "list_statuses", json!({})).await;
    assert!(!statuses.to_string().is_empty());
    s.call(Some(&s.reader), "get_score", json!({"metric": "NPS"}))
        .await
        .assert_refused("Forbidden", "reports:read");
    // And ping needs nothing.
    let pong = s.call(None, "ping", json!({})).await.data();
    assert_eq!(pong["pong"], true);
}
