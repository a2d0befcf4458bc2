//! What each sandbox user's token may do: reads for everyone, writes for the
//! owner and the editor, sends for the owner only; the rest is 403
//! `insufficient_scope`, the step-up challenge.

use mcp_example_reteno::access;
use mcp_tools::serde_json::json;

use crate::harness::{Response, Sandbox};

/// The `scope` a 403 step-up challenge asks for.
fn challenged_scope(response: &Response) -> String {
    assert_eq!(response.status, 403, "{}", response.body);
    let challenge = response.header("www-authenticate").unwrap();
    assert!(
        challenge.starts_with("Bearer error=\"insufficient_scope\""),
        "{challenge}"
    );
    let start = challenge.find("scope=\"").unwrap() + "scope=\"".len();
    let end = start + challenge[start..].find('"').unwrap();
    challenge[start..end].to_owned()
}

#[tokio::test]
async fn the_read_only_user_reads_and_is_refused_a_write_with_403() {
    let s = Sandbox::start().await;
    let analyst = s.token(access::ANALYST);
    let contacts = s
        .call(&analyst, "list_contacts", json!({"top": 5}))
        .await
        .data();
    assert_eq!(contacts["Items"].as_array().unwrap().len(), 5);
    s.call(&analyst, "get_account_info", json!({})).await.data();

    let write = s
        .rpc(
            &analyst,
            "tools/call",
            json!({"name": "create_workflow", "arguments": {"name": "Not allowed"}}),
        )
        .await;
    assert_eq!(challenged_scope(&write), access::WRITE);
    // Nothing was created.
    let flows = s
        .ok("list_workflows", json!({"query": "Not allowed"}))
        .await;
    assert_eq!(flows["Items"], json!([]), "{flows}");
}

#[tokio::test]
async fn only_the_owner_may_send() {
    let s = Sandbox::start().await;
    let sms = s.ok("list_sms_messages", json!({})).await["Items"][0]["id"].clone();
    let send = json!({"name": "send_sms_message", "arguments": {"messageId": sms, "phone": "+380501112299"}});

    let editor = s.token(access::EDITOR);
    s.call(
        &editor,
        "upsert_contact",
        json!({"contact": {"email": "ed@example.com"}}),
    )
    .await
    .data();
    let refused = s.rpc(&editor, "tools/call", send.clone()).await;
    assert_eq!(challenged_scope(&refused), access::SEND);
    let analyst = s
        .rpc(&s.token(access::ANALYST), "tools/call", send.clone())
        .await;
    assert_eq!(challenged_scope(&analyst), access::SEND);

    let sent = s
        .call(
            &s.token(access::OWNER),
            "send_sms_message",
            send["arguments"].clone(),
        )
        .await;
    assert_eq!(sent.data()["status"], "queued");
}
