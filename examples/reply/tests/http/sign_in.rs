//! OAuth sign-in: the protected-resource metadata names the sandbox
//! authorization server the example serves itself, a client signs in through
//! it (discovery, registration or a URL client id, consent with PKCE, the code
//! for tokens) and calls tools with the token; a token without `mcp:tools` is
//! sent to authorize again; API keys keep working beside it.

use mcp_example_reply::guidance::RULES_URI;
use mcp_example_reply::server::{ENDPOINT_PATH, SCOPES};
use mcp_example_reply::sign_in::{MCP_TOOLS, OWNER, WEB_API};
use mcp_test_client::sign_in::{ClientId, SignIn};
use mcp_tools::serde_json::{self, Value, json};

use crate::harness::{KEY, Response, Sandbox, VERSION, rate};

/// What Claude Code names itself by instead of registering.
const CLAUDE_CODE: &str = "https://claude.ai/oauth/claude-code-client-metadata";

/// POSTs a JSON-RPC request with `Authorization: Bearer TOKEN`.
async fn with_bearer(s: &Sandbox, token: &str, method: &str, params: Value) -> Response {
    let bearer = format!("Bearer {token}");
    s.post(
        &[
            ("Authorization", &bearer),
            ("MCP-Protocol-Version", VERSION),
        ],
        &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
    )
    .await
}

/// The envelope of a `tools/call` answered 200.
fn envelope(response: &Response) -> Value {
    assert_eq!(response.status, 200, "{}", response.body);
    let text = response.message()["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn a_client_discovers_registers_signs_in_and_calls_tools() {
    let s = Sandbox::start().await;
    let sign_in = SignIn::new(s.addr, ENDPOINT_PATH);

    // The 401 leads to metadata naming the sandbox, on the same origin.
    let found = sign_in.discover().await;
    assert_eq!(found.resource, s.origin());
    assert_eq!(found.issuer, s.origin());
    assert_eq!(found.scopes_supported, SCOPES);
    assert_eq!(
        found.metadata["registration_endpoint"],
        format!("{}/register", s.origin())
    );

    let client_id = sign_in.register(&found).await;
    let (code, verifier) = sign_in
        .authorize(&found, &client_id, "reply-web-api mcp:tools", OWNER)
        .await;
    let tokens = sign_in.exchange(&found, &client_id, &code, &verifier).await;
    assert_eq!(tokens.scope, "reply-web-api mcp:tools");

    let called = with_bearer(
        &s,
        &tokens.access_token,
        "tools/call",
        json!({"name": "reply_list_playbooks", "arguments": {}}),
    )
    .await;
    let playbooks = envelope(&called);
    assert_eq!(playbooks["Success"], true, "{playbooks}");
    // The signed-in caller has a rate budget of its own, reported as for keys.
    let (window, remaining, _) = rate(&called);
    assert_eq!(window, "1h");
    assert!(remaining > 0);
    let listed = with_bearer(&s, &tokens.access_token, "tools/list", json!({})).await;
    assert_eq!(
        listed.message()["result"]["tools"]
            .as_array()
            .unwrap()
            .len(),
        70
    );
}

#[tokio::test]
async fn a_token_without_mcp_tools_is_sent_to_authorize_again() {
    let s = Sandbox::start().await;
    let sign_in = SignIn::new(s.addr, ENDPOINT_PATH);
    let tokens = sign_in.run(ClientId::Register, WEB_API, OWNER).await;
    assert_eq!(tokens.scope, WEB_API);

    let refused = with_bearer(
        &s,
        &tokens.access_token,
        "tools/call",
        json!({"name": "reply_list_playbooks", "arguments": {}}),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let challenge = refused.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!("scope=\"{MCP_TOOLS}\"")),
        "{challenge}"
    );

    // The guidance is not a tool: the same token reads it.
    let rules = with_bearer(
        &s,
        &tokens.access_token,
        "resources/read",
        json!({"uri": RULES_URI}),
    )
    .await;
    assert_eq!(rules.status, 200, "{}", rules.body);
    assert!(
        rules.message()["result"]["contents"][0]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{}",
        rules.body
    );
}

#[tokio::test]
async fn claude_codes_url_client_id_signs_in_with_both_scopes() {
    let s = Sandbox::start().await;
    let sign_in = SignIn::new(s.addr, ENDPOINT_PATH);
    let tokens = sign_in
        .run(ClientId::Url(CLAUDE_CODE.to_owned()), "", OWNER)
        .await;
    assert_eq!(tokens.scope, "reply-web-api mcp:tools");
    let called = with_bearer(
        &s,
        &tokens.access_token,
        "tools/call",
        json!({"name": "reply_list_playbooks", "arguments": {}}),
    )
    .await;
    assert_eq!(envelope(&called)["Success"], true);
}

#[tokio::test]
async fn api_keys_work_as_before_beside_sign_in() {
    let s = Sandbox::start().await;
    let call = json!({"name": "reply_list_playbooks", "arguments": {}});
    // As x-api-key, and as a bearer token: both still the key's caller.
    let keyed = s
        .post(
            &[("x-api-key", KEY), ("MCP-Protocol-Version", VERSION)],
            &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": call}),
        )
        .await;
    assert_eq!(envelope(&keyed)["Success"], true);
    let bearer = with_bearer(&s, KEY, "tools/call", call.clone()).await;
    assert_eq!(envelope(&bearer)["Success"], true);
    // An unknown key is still refused as one.
    let unknown = with_bearer(&s, "not-a-key", "tools/call", call).await;
    assert_eq!(unknown.status, 401, "{}", unknown.body);
}
