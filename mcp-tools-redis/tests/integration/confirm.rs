//! The whole confirmation flow on three "replicas": servers that share a
//! signing secret and a Redis, each with a connection of its own.

use std::sync::{Arc, Mutex};

use mcp_tools::{
    Caller, Client, Confirmation, FromToolContext, Server, State, Tool, ToolContext, ToolResult,
};
use mcp_tools_redis::RedisReplayStore;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::redis_or_skip;

/// What the tool did, on every replica: stands for the vendor's backend.
#[derive(Clone, Default)]
struct Deleted(Arc<Mutex<Vec<String>>>);

#[derive(Deserialize, JsonSchema)]
struct DeleteTag {
    /// The tag to delete.
    tag: String,
}

async fn replica(url: &str, deleted: &Deleted) -> Client {
    let redis = mcp_tools_redis::connect(url).await.unwrap();
    let delete_tag = Tool::builder("delete_tag")
        .description("Deletes a tag. Dry run first; confirm with the token it returns.")
        .destructive()
        .confirm()
        .uses::<State<Deleted>>()
        .uses::<Confirmation>()
        .handler(|args: DeleteTag, cx: ToolContext| async move {
            let State(deleted) = State::<Deleted>::from_tool_context(&cx)?;
            Confirmation::from_tool_context(&cx)?
                .preview(&json!({"WouldDelete": args.tag}))
                .await?;
            deleted.0.lock().unwrap().push(args.tag.clone());
            ToolResult::Ok(json!({"Deleted": args.tag}))
        });
    let server = Server::builder("crm", "1.0.0")
        .confirmation_secret(*b"a shared secret of 32 bytes!!!!!")
        .replay_store(RedisReplayStore::new(&redis))
        .state(deleted.clone())
        .tool(delete_tag)
        .build()
        .unwrap();
    Client::new(server).with_caller(Caller::new("alice").with_account("acme"))
}

fn with_token(token: &str) -> Value {
    json!({"tag": "vip", "confirmationToken": token})
}

#[tokio::test]
async fn a_dry_run_on_one_replica_is_confirmed_on_another_and_replayed_on_none() {
    let server = redis_or_skip!();
    let deleted = Deleted::default();
    let a = replica(&server.url(), &deleted).await;
    let b = replica(&server.url(), &deleted).await;
    let c = replica(&server.url(), &deleted).await;

    let dry = a.call("delete_tag", json!({"tag": "vip"})).await.unwrap();
    assert!(!dry.is_error(), "{:?}", dry.envelope());
    let token = dry.data().unwrap()["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(deleted.0.lock().unwrap().is_empty());

    let done = b.call("delete_tag", with_token(&token)).await.unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(done.data().unwrap(), &json!({"Deleted": "vip"}));

    for replica in [&c, &a, &b] {
        let replayed = replica
            .call("delete_tag", with_token(&token))
            .await
            .unwrap();
        assert_eq!(replayed.error_code(), Some("ConfirmationAlreadyUsed"));
    }
    assert_eq!(*deleted.0.lock().unwrap(), ["vip"]);
}

#[tokio::test]
async fn a_confirmation_while_redis_is_gone_does_nothing_and_can_be_retried() {
    let mut server = redis_or_skip!();
    let deleted = Deleted::default();
    let a = replica(&server.url(), &deleted).await;
    let b = replica(&server.url(), &deleted).await;
    let dry = a.call("delete_tag", json!({"tag": "vip"})).await.unwrap();
    let token = dry.data().unwrap()["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned();

    server.kill();
    let refused = b.call("delete_tag", with_token(&token)).await.unwrap();
    assert_eq!(refused.error_code(), Some("ServiceUnavailable"));
    assert!(
        refused
            .error_message()
            .unwrap()
            .contains("Nothing was done"),
        "{:?}",
        refused.envelope()
    );
    assert!(deleted.0.lock().unwrap().is_empty());

    server.restart();
    let mut outcome = None;
    for _ in 0..50 {
        let answer = b.call("delete_tag", with_token(&token)).await.unwrap();
        if answer.error_code() != Some("ServiceUnavailable") {
            outcome = Some(answer);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let done = outcome.expect("the replica did not recover");
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(*deleted.0.lock().unwrap(), ["vip"]);
}
