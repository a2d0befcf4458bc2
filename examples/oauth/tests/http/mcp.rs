//! The tokens at work on the MCP endpoint served beside the server.

use http::{Method, StatusCode};

use crate::harness::{READ, Sandbox, WRITE};

async fn call(sandbox: &Sandbox, token: &str, tool: &str) -> crate::harness::Reply {
    let auth = format!("Bearer {token}");
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"{tool}","arguments":{{}}}}}}"#
    );
    sandbox
        .request(
            Method::POST,
            "/mcp",
            &[
                ("content-type", "application/json"),
                ("accept", "application/json, text/event-stream"),
                ("mcp-protocol-version", "2025-11-25"),
                ("authorization", &auth),
            ],
            &body,
        )
        .await
}

#[tokio::test]
async fn a_signed_in_client_calls_tools_within_its_scopes() {
    let sandbox = Sandbox::start().await;
    let (_, tokens) = sandbox.sign_in("vera", &format!("{READ} {WRITE}")).await;
    let token = tokens["access_token"].as_str().unwrap();

    let whoami = call(&sandbox, token, "whoami").await;
    assert_eq!(whoami.status, StatusCode::OK, "{}", whoami.body);
    assert!(whoami.body.contains("vera@acme"), "{}", whoami.body);

    // Vera may not write: the step-up challenge names the missing scope.
    let touch = call(&sandbox, token, "touch").await;
    assert_eq!(touch.status, StatusCode::FORBIDDEN, "{}", touch.body);
    let www = touch.header("www-authenticate");
    assert!(
        www.contains("insufficient_scope") && www.contains(WRITE),
        "{www}"
    );

    let (_, ada) = sandbox.sign_in("ada", &format!("{READ} {WRITE}")).await;
    let touch = call(&sandbox, ada["access_token"].as_str().unwrap(), "touch").await;
    assert_eq!(touch.status, StatusCode::OK, "{}", touch.body);
}

#[tokio::test]
async fn a_forged_token_is_refused() {
    let sandbox = Sandbox::start().await;
    let other = mcp_sandbox_oauth::SandboxOAuth::builder(&sandbox.origin, &sandbox.resource)
        .user(mcp_sandbox_oauth::SandboxUser::new("ada").scopes([READ]))
        .build()
        .unwrap();
    // Same issuer, audience and user, but another (generated) key.
    let forged = other.issue_token("ada", [READ]).unwrap();
    let reply = call(&sandbox, forged.access_token(), "whoami").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
}
