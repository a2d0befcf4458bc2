//! Key rotation: confirmation tokens and `requestState` values signed with a
//! previous secret stay valid until they expire, while new ones are signed
//! with the current secret.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::time::Duration;

use mcp_tools::{
    BuildErrorKind, Caller, Client, Confirmation, FromToolContext, NoArguments, ProtocolVersion,
    Server, ServerBuilder, Tool, ToolContext, ToolResult,
};
use serde_json::{Value, json};

const OLD: &[u8; 32] = b"the secret being rotated out 32!";
const NEW: &[u8; 32] = b"the secret rotated in, 32 bytes!";
const OTHER: &[u8; 32] = b"a secret no replica was given 32";

fn writer() -> ServerBuilder {
    Server::builder("crm", "1.0.0").tool(
        Tool::builder("archive")
            .description("Archives the workspace. Dry run first; confirm with the token.")
            .destructive()
            .confirm()
            .uses::<Confirmation>()
            .handler(|_: NoArguments, cx: ToolContext| async move {
                let confirm = Confirmation::from_tool_context(&cx)?;
                confirm.preview(&json!({"archive": true})).await?;
                ToolResult::Ok("archived")
            }),
    )
}

fn client(server: Server) -> Client {
    Client::new(server).with_caller(Caller::new("alice").with_account("acme"))
}

async fn token_from(client: &Client) -> String {
    let dry = client.call("archive", json!({})).await.unwrap();
    assert!(!dry.is_error(), "{:?}", dry.envelope());
    dry.data().unwrap()["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn confirm(client: &Client, token: &str) -> Option<String> {
    let outcome = client
        .call("archive", json!({"confirmationToken": token}))
        .await
        .unwrap();
    outcome.error_code().map(str::to_owned)
}

#[tokio::test]
async fn a_token_of_the_previous_secret_confirms_once_and_new_tokens_use_the_current_one() {
    let before = client(writer().confirmation_secret(*OLD).build().unwrap());
    let rotated = client(
        writer()
            .confirmation_secret(*NEW)
            .previous_confirmation_secret(*OLD)
            .build()
            .unwrap(),
    );
    let after = client(writer().confirmation_secret(*NEW).build().unwrap());

    // Issued before the rotation, confirmed on a replica that rotated.
    let old_token = token_from(&before).await;
    assert_eq!(confirm(&rotated, &old_token).await, None);
    // Still single use: the replay store saw it.
    assert_eq!(
        confirm(&rotated, &old_token).await.as_deref(),
        Some("ConfirmationAlreadyUsed")
    );

    // Once the previous secret is dropped, an old token no longer verifies.
    let old_token = token_from(&before).await;
    assert_eq!(
        confirm(&after, &old_token).await.as_deref(),
        Some("ConfirmationInvalid")
    );

    // The rotated replica signs with the current secret: a replica that knows
    // only the current secret accepts its tokens, one that knows only the old
    // secret does not.
    let new_token = token_from(&rotated).await;
    assert_eq!(
        confirm(&before, &new_token).await.as_deref(),
        Some("ConfirmationInvalid")
    );
    assert_eq!(confirm(&after, &new_token).await, None);

    // A secret that is neither current nor previous is refused.
    let stranger = client(writer().confirmation_secret(*OTHER).build().unwrap());
    let foreign = token_from(&stranger).await;
    assert_eq!(
        confirm(&rotated, &foreign).await.as_deref(),
        Some("ConfirmationInvalid")
    );
}

#[tokio::test]
async fn a_token_of_the_previous_secret_still_expires() {
    let before = client(
        writer()
            .confirmation_secret(*OLD)
            .confirmation_lifetime(Duration::from_millis(1))
            .build()
            .unwrap(),
    );
    let rotated = client(
        writer()
            .confirmation_secret(*NEW)
            .previous_confirmation_secret(*OLD)
            .build()
            .unwrap(),
    );
    let token = token_from(&before).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        confirm(&rotated, &token).await.as_deref(),
        Some("ConfirmationExpired")
    );
}

#[test]
fn previous_secrets_need_a_current_one_and_enough_bytes() {
    let err = writer()
        .previous_confirmation_secret(*OLD)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::InvalidConfiguration);
    assert!(
        err.to_string().contains("without confirmation_secret"),
        "{err}"
    );

    let err = writer()
        .confirmation_secret(*NEW)
        .previous_confirmation_secret(*b"short")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("previous confirmation secret has 5 bytes"),
        "{err}"
    );

    let err = Server::builder("s", "1")
        .previous_request_state_secret(*OLD)
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("without request_state_secret"),
        "{err}"
    );
}

/// A tool that asks the client one question (a 2026-07-28 input round).
fn asking(state_secret: &[u8], previous: Option<&[u8]>) -> Client {
    let mut builder = Server::builder("s", "1")
        .tool(
            Tool::builder("greet")
                .description("Asks for a name, then greets.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let name = cx
                        .request_client_keyed(
                            "name",
                            "elicitation/create",
                            json!({"message": "Name?", "requestedSchema": {"type": "object"}}),
                        )
                        .await
                        .unwrap();
                    ToolResult::Ok(format!("hello {}", name["content"]["v"]))
                }),
        )
        .request_state_secret(state_secret)
        // A call stopped for input answers at once; no grace period applies.
        .cancellation_grace(Duration::from_secs(24 * 3600));
    if let Some(previous) = previous {
        builder = builder.previous_request_state_secret(previous);
    }
    Client::new(builder.build().unwrap())
        .with_caller(Caller::new("alice"))
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"elicitation": {}}))
}

async fn ask(client: &Client) -> Value {
    let first = tokio::time::timeout(
        Duration::from_secs(120),
        client.request("tools/call", json!({"name": "greet", "arguments": {}})),
    )
    .await
    .expect("an input_required answer does not wait")
    .unwrap();
    assert_eq!(first["resultType"], "input_required", "{first}");
    first["requestState"].clone()
}

async fn answer(client: &Client, state: &Value) -> Result<Value, String> {
    client
        .request(
            "tools/call",
            json!({"name": "greet", "arguments": {}, "requestState": state,
                   "inputResponses": {"name": {"action": "accept", "content": {"v": "Ada"}}}}),
        )
        .await
        .map_err(|e| format!("{e:?}"))
}

#[tokio::test]
async fn a_request_state_of_the_previous_secret_is_accepted_and_new_ones_use_the_current() {
    let before = asking(OLD, None);
    let rotated = asking(NEW, Some(OLD));
    let after = asking(NEW, None);

    let old_state = ask(&before).await;
    let done = answer(&rotated, &old_state).await.unwrap();
    assert_eq!(done["structuredContent"]["Data"], "hello \"Ada\"", "{done}");
    let refused = answer(&after, &old_state).await.unwrap_err();
    assert!(refused.contains("failed verification"), "{refused}");

    let new_state = ask(&rotated).await;
    assert!(answer(&after, &new_state).await.is_ok());
    let refused = answer(&before, &new_state).await.unwrap_err();
    assert!(refused.contains("failed verification"), "{refused}");
}
