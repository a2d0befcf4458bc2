//! Authentication, protected-resource metadata, rate-limit headers, and the
//! vendor's own `curl` checks (section 10), exactly as printed.

use mcp_tools::serde_json::{Value, json};

use crate::harness::{KEY, OTHER_KEY, Sandbox, VERSION, rate};

fn tools_list(id: u64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": {}})
}

/// The vendor's `initialize` payload.
fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": version, "capabilities": {},
                   "clientInfo": {"name": "probe", "version": "0.1"}}
    })
}

#[tokio::test]
async fn the_vendor_curl_checks_work_as_printed() {
    let sandbox = Sandbox::start().await;
    // Only the headers of the vendor's curl lines: no session, no version header.
    let headers = [("x-api-key", KEY)];
    let init = sandbox.post(&headers, &initialize("2025-06-18")).await;
    assert_eq!(init.status, 200);
    assert!(
        init.header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    assert!(init.body.contains("data: "), "SSE frames: {}", init.body);
    assert!(
        init.header("mcp-session-id").is_none(),
        "no session is needed"
    );
    let result = &init.message()["result"];
    assert_eq!(result["protocolVersion"], "2025-06-18");
    assert_eq!(result["serverInfo"]["name"], "Reply.Mcp.Sandbox");
    // Tools, and the guidance as resources, prompts and a skill.
    assert_eq!(
        result["capabilities"],
        json!({"tools": {"listChanged": false}, "logging": {},
               "resources": {"listChanged": false, "subscribe": true},
               "prompts": {"listChanged": false},
               "extensions": {"io.modelcontextprotocol/skills": {"directoryRead": true}}})
    );
    assert!(result["capabilities"].get("completions").is_none());

    let listed = sandbox.post(&headers, &tools_list(2)).await;
    assert_eq!(listed.status, 200);
    assert!(
        listed
            .header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    let tools = listed.message()["result"]["tools"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(tools.len(), 70);
    let read_only = tools
        .iter()
        .filter(|t| t["annotations"]["readOnlyHint"] == true)
        .count();
    let destructive = tools
        .iter()
        .filter(|t| t["annotations"]["destructiveHint"] == true)
        .count();
    assert_eq!((read_only, destructive), (31, 39));
    for tool in &tools {
        assert_eq!(
            tool["inputSchema"]["additionalProperties"], false,
            "{}",
            tool["name"]
        );
    }
}

#[tokio::test]
async fn newer_protocol_versions_are_negotiated() {
    let sandbox = Sandbox::start().await;
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let init = sandbox
            .post(&[("x-api-key", KEY)], &initialize(version))
            .await;
        assert_eq!(init.message()["result"]["protocolVersion"], version);
    }
    let older = sandbox
        .post(&[("x-api-key", KEY)], &initialize("2024-11-05"))
        .await;
    assert_eq!(older.message()["result"]["protocolVersion"], "2025-11-25");
    // The stateless revision needs no initialize at all.
    let listed = sandbox
        .post(
            &[
                ("x-api-key", KEY),
                ("MCP-Protocol-Version", "2026-07-28"),
                ("Mcp-Method", "tools/list"),
            ],
            &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list",
                    "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                         "io.modelcontextprotocol/clientCapabilities": {}}}}),
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(
        listed.message()["result"]["tools"]
            .as_array()
            .unwrap()
            .len(),
        70
    );
}

#[tokio::test]
async fn missing_credentials_get_a_challenge_and_metadata() {
    let sandbox = Sandbox::start().await;
    let refused = sandbox.post(&[], &tools_list(1)).await;
    assert_eq!(refused.status, 401);
    let challenge = refused.header("www-authenticate").unwrap();
    let metadata_url = format!("{}/.well-known/oauth-protected-resource", sandbox.origin());
    assert!(
        challenge.starts_with(&format!("Bearer resource_metadata=\"{metadata_url}\"")),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"reply-web-api mcp:tools\""),
        "{challenge}"
    );

    // The metadata document the challenge points at.
    let path = metadata_url.trim_start_matches(&sandbox.origin());
    let document = sandbox.send("GET", path, &[], "").await;
    assert_eq!(document.status, 200);
    let metadata: Value = mcp_tools::serde_json::from_str(&document.body).unwrap();
    assert_eq!(metadata["resource"], sandbox.origin());
    assert_eq!(metadata["bearer_methods_supported"], json!(["header"]));
    assert_eq!(
        metadata["scopes_supported"],
        json!(["reply-web-api", "mcp:tools"])
    );
    // The sandbox authorization server, served by the same process.
    assert_eq!(metadata["authorization_servers"], json!([sandbox.origin()]));
    // The vendor's own form, with a trailing slash, serves the same document.
    let slashed = sandbox.send("GET", &format!("{path}/"), &[], "").await;
    assert_eq!(slashed.status, 200);
    assert_eq!(slashed.body, document.body);

    // Even initialize needs a key, as on the vendor's server.
    let init = sandbox.post(&[], &initialize(VERSION)).await;
    assert_eq!(init.status, 401);
}

#[tokio::test]
async fn unknown_keys_are_refused() {
    let sandbox = Sandbox::start().await;
    for headers in [
        [("x-api-key", "not-a-key")],
        [("Authorization", "Bearer not-a-key")],
    ] {
        let refused = sandbox.post(&headers, &tools_list(1)).await;
        assert_eq!(refused.status, 401);
        assert!(
            refused
                .header("www-authenticate")
                .unwrap()
                .contains("error=\"invalid_token\"")
        );
    }
}

#[tokio::test]
async fn api_key_header_and_bearer_are_equivalent() {
    let sandbox = Sandbox::start().await;
    let bearer = format!("Bearer {KEY}");
    for headers in [
        vec![("x-api-key", KEY)],
        vec![("Authorization", bearer.as_str())],
        vec![("x-api-key", OTHER_KEY)],
    ] {
        let mut all = headers.clone();
        all.push(("MCP-Protocol-Version", VERSION));
        let response = sandbox
            .post(
                &all,
                &json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                        "params": {"name": "reply_search_team_members", "arguments": {"query": "maya"}}}),
            )
            .await;
        assert_eq!(response.status, 200, "{headers:?}");
        let result = &response.message()["result"];
        assert_eq!(result["isError"], false);
        assert_eq!(
            result["structuredContent"]["Data"]["Items"][0]["Name"],
            "Maya Chen"
        );
    }
}

#[tokio::test]
async fn every_response_carries_rate_headers() {
    let sandbox = Sandbox::start().await;
    let headers = [("x-api-key", KEY), ("MCP-Protocol-Version", VERSION)];
    let mut remaining = Vec::new();
    let bodies = [
        initialize(VERSION),
        tools_list(2),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                "params": {"name": "reply_get_app_map", "arguments": {}}}),
        // A tool failure is still a 200 response with the headers.
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
                "params": {"name": "reply_get_offer", "arguments": {"offerId": 99}}}),
    ];
    for body in &bodies {
        let response = sandbox.post(&headers, body).await;
        assert_eq!(response.status, 200);
        let (limit, left, reset) = rate(&response);
        // The vendor's format: the window as the limit, the reset as an RFC 3339 time.
        assert_eq!(limit, "1h");
        assert!(
            reset.len() == 20 && reset.ends_with('Z') && reset.as_bytes()[10] == b'T',
            "reset is an RFC 3339 UTC time: {reset}"
        );
        remaining.push(left);
    }
    assert!(
        remaining.windows(2).all(|w| w[1] + 1 == w[0]),
        "each request spends one: {remaining:?}"
    );
    // A notification is answered 202, with the headers, without spending.
    let note = sandbox
        .post(
            &headers,
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        )
        .await;
    assert_eq!(note.status, 202);
    assert_eq!(rate(&note).1, *remaining.last().unwrap());

    // Refusals and the metadata document carry them too: a missing key's 401
    // and an unknown key's 401 report the same unauthenticated budget.
    let missing = sandbox.post(&[], &tools_list(5)).await;
    let unknown = sandbox
        .post(&[("x-api-key", "not-a-key")], &tools_list(6))
        .await;
    assert_eq!(missing.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(rate(&unknown).0, rate(&missing).0);
    let metadata = sandbox
        .send("GET", "/.well-known/oauth-protected-resource", &[], "")
        .await;
    assert_eq!(metadata.status, 200);
    rate(&metadata);
    let keyed_metadata = sandbox
        .send(
            "GET",
            "/.well-known/oauth-protected-resource",
            &[("x-api-key", KEY)],
            "",
        )
        .await;
    assert_eq!(rate(&keyed_metadata).0, "1h");
}

#[tokio::test]
async fn an_exhausted_budget_gets_429() {
    let sandbox = Sandbox::with_rate_limit(3).await;
    let headers = [("x-api-key", KEY), ("MCP-Protocol-Version", VERSION)];
    for left in [2, 1, 0] {
        let response = sandbox.post(&headers, &tools_list(1)).await;
        assert_eq!(response.status, 200);
        assert_eq!(rate(&response).1, left);
    }
    let refused = sandbox.post(&headers, &tools_list(1)).await;
    assert_eq!(refused.status, 429);
    assert_eq!(rate(&refused).1, 0);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600);
    assert!(
        refused.message()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rate limit")
    );
    // Each key has its own budget.
    let other = sandbox
        .post(
            &[("x-api-key", OTHER_KEY), ("MCP-Protocol-Version", VERSION)],
            &tools_list(1),
        )
        .await;
    assert_eq!(other.status, 200);
}
