//! Write safety: confirmation tokens, scopes, PII, audit log and rate policy,
//! driven through the dispatcher with the in-process client.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_tools::audit::{AuditOutcome, AuditRecord, JsonLinesAuditSink, MemoryAuditSink};
use mcp_tools::rate::{RateKey, WindowRateLimiter};
use mcp_tools::transport::jsonrpc::{Message, Request, RequestId};
use mcp_tools::transport::{Carriage, Credentials, Refusal};
use mcp_tools::{
    BuildErrorKind, CallOutcome, Caller, Client, Confirmation, FromToolContext, NoArguments, Page,
    Paging, Pii, Server, ServerBuilder, State, Tool, ToolBuilder, ToolContext, ToolError,
    ToolListing, ToolResult,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// A small survey domain with shared state.

#[derive(Clone, Default)]
struct Outbox(Arc<Mutex<Vec<String>>>);

impl Outbox {
    fn sent(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// Makes the next confirmed send fail before its preview, once.
#[derive(Clone, Default)]
struct Flaky(Arc<Mutex<bool>>);

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct SendSurvey {
    /// Recipients' email addresses.
    recipients: Vec<String>,
    /// The campaign to send through.
    campaign: u32,
    /// When to send.
    timing: Option<Timing>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Timing {
    Now,
    Tomorrow,
}

#[derive(Serialize, JsonSchema)]
struct Sent {
    queued: usize,
}

#[derive(Serialize)]
struct SendPlan {
    recipients: Vec<Pii>,
    campaign: u32,
    timing: Option<Timing>,
}

fn send_survey(name: &'static str) -> Tool {
    Tool::builder(name)
        .description("Queues a survey to recipients. Dry run first; confirm with the token.")
        .destructive()
        .confirm()
        .uses::<State<Outbox>>()
        .uses::<State<Flaky>>()
        .uses::<Confirmation>()
        .handler(|args: SendSurvey, cx: ToolContext| async move {
            let State(outbox) = State::<Outbox>::from_tool_context(&cx)?;
            let State(flaky) = State::<Flaky>::from_tool_context(&cx)?;
            let confirm = Confirmation::from_tool_context(&cx)?;
            if confirm.is_confirmed() && std::mem::take(&mut *flaky.0.lock().unwrap()) {
                return Err(ToolError::upstream_failure(
                    "the survey service is down; retry",
                ));
            }
            let plan = SendPlan {
                recipients: args.recipients.iter().map(Pii::email).collect(),
                campaign: args.campaign,
                timing: args.timing,
            };
            confirm.preview(&plan).await?;
            let mut sent = outbox.0.lock().unwrap();
            sent.extend(args.recipients.iter().cloned());
            ToolResult::Ok(Sent {
                queued: args.recipients.len(),
            })
        })
}

fn survey_server() -> (ServerBuilder, Outbox, Flaky) {
    let outbox = Outbox::default();
    let flaky = Flaky::default();
    let builder = Server::builder("surveys", "1.0.0")
        .state(outbox.clone())
        .state(flaky.clone())
        .confirmation_secret(*b"an example secret of 32 bytes!!!")
        .tool(send_survey("send_survey"))
        .tool(send_survey("send_reminder"));
    (builder, outbox, flaky)
}

fn alice() -> Caller {
    Caller::new("alice").with_account("acme")
}

fn survey_args() -> Value {
    json!({"recipients": ["jane@example.com", "joe@example.com"], "campaign": 7})
}

fn with_token(mut args: Value, token: &str) -> Value {
    args["confirmationToken"] = token.into();
    args
}

async fn dry_run(client: &Client, tool: &str, args: Value) -> String {
    let outcome = client.call(tool, args).await.unwrap();
    assert!(!outcome.is_error(), "{:?}", outcome.envelope());
    let data = outcome.data().unwrap();
    assert_eq!(data["Confirmed"], false);
    data["ConfirmationToken"].as_str().unwrap().to_owned()
}

// ---------------------------------------------------------------------------
// Confirmation flow.

#[tokio::test]
async fn dry_run_writes_nothing_and_the_token_executes() {
    let (builder, outbox, _) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());

    let dry = client.call("send_survey", survey_args()).await.unwrap();
    assert!(!dry.is_error());
    let data = dry.data().unwrap();
    assert_eq!(data["Confirmed"], false);
    assert_eq!(data["Preview"]["campaign"], 7);
    // Personal data in the preview follows the PII policy (no read scope configured: clear).
    assert_eq!(data["Preview"]["recipients"][0], "jane@example.com");
    let token = data["ConfirmationToken"].as_str().unwrap();
    assert!(token.starts_with("v1."));
    let expires = data["ExpiresAt"].as_str().unwrap();
    assert_eq!(expires.len(), "2025-06-18T09:30:00Z".len());
    assert!(expires.ends_with('Z') && expires.as_bytes()[10] == b'T');
    assert!(
        data["Instructions"]
            .as_str()
            .unwrap()
            .contains("confirmationToken")
    );
    assert!(outbox.sent().is_empty(), "a dry run must not write");

    let done = client
        .call("send_survey", with_token(survey_args(), token))
        .await
        .unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(done.data().unwrap(), &json!({"queued": 2}));
    assert_eq!(outbox.sent(), ["jane@example.com", "joe@example.com"]);
}

#[tokio::test]
async fn previews_follow_the_pii_read_scope() {
    let (builder, _, _) = survey_server();
    let server = builder.pii_read_scope("pii:read").build().unwrap();
    let plain = Client::new(server.clone()).with_caller(alice());
    let dry = plain.call("send_survey", survey_args()).await.unwrap();
    assert_eq!(
        dry.data().unwrap()["Preview"]["recipients"][0],
        "j***@example.com"
    );
    let reader = Client::new(server).with_caller(alice().with_scopes(["pii:read"]));
    let dry = reader.call("send_survey", survey_args()).await.unwrap();
    assert_eq!(
        dry.data().unwrap()["Preview"]["recipients"][0],
        "jane@example.com"
    );
}

#[tokio::test]
async fn changed_arguments_are_refused_and_leave_the_token_usable() {
    let (builder, outbox, _) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;

    let changed =
        json!({"recipients": ["mallory@example.com"], "campaign": 7, "confirmationToken": token});
    let refused = client.call("send_survey", changed).await.unwrap();
    assert!(refused.is_error());
    assert_eq!(refused.error_code(), Some("ConfirmationArgumentsChanged"));
    assert!(
        refused
            .error_message()
            .unwrap()
            .contains("nothing was executed")
    );
    assert!(outbox.sent().is_empty());

    // Refusals do not use the token up.
    let done = client
        .call("send_survey", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert!(!done.is_error());
}

#[tokio::test]
async fn the_same_arguments_in_another_spelling_still_match() {
    let (builder, outbox, _) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());
    let token = dry_run(
        &client,
        "send_survey",
        json!({"recipients": ["a@example.com"], "campaign": 1, "timing": "now"}),
    )
    .await;
    // Other key order, enum case and a null optional that was not there before.
    let respelled = json!({
        "confirmationToken": token,
        "timing": "NOW",
        "campaign": 1,
        "recipients": ["a@example.com"],
    });
    let done = client.call("send_survey", respelled).await.unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());

    let token = dry_run(
        &client,
        "send_survey",
        json!({"recipients": ["b@example.com"], "campaign": 2}),
    )
    .await;
    let with_null = json!({"recipients": ["b@example.com"], "campaign": 2, "timing": null, "confirmationToken": token});
    assert!(
        !client
            .call("send_survey", with_null)
            .await
            .unwrap()
            .is_error()
    );
    assert_eq!(outbox.sent().len(), 2);
}

#[tokio::test]
async fn another_caller_cannot_use_the_token() {
    let (builder, outbox, _) = survey_server();
    let server = builder.build().unwrap();
    let token = dry_run(
        &Client::new(server.clone()).with_caller(alice()),
        "send_survey",
        survey_args(),
    )
    .await;
    for other in [
        Caller::new("bob").with_account("acme"),
        Caller::new("alice").with_account("globex"),
        Caller::new("alice"),
    ] {
        let client = Client::new(server.clone()).with_caller(other);
        let refused = client
            .call("send_survey", with_token(survey_args(), &token))
            .await
            .unwrap();
        assert_eq!(refused.error_code(), Some("ConfirmationWrongCaller"));
    }
    // Nor can an anonymous one.
    let anonymous = Client::new(server);
    let refused = anonymous
        .call("send_survey", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("ConfirmationWrongCaller"));
    assert!(outbox.sent().is_empty());
}

#[tokio::test]
async fn another_tool_cannot_use_the_token() {
    let (builder, outbox, _) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;
    let refused = client
        .call("send_reminder", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("ConfirmationWrongTool"));
    assert!(refused.error_message().unwrap().contains("send_reminder"));
    assert!(outbox.sent().is_empty());
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let (builder, outbox, _) = survey_server();
    let server = builder
        .confirmation_lifetime(Duration::from_millis(1))
        .build()
        .unwrap();
    let client = Client::new(server).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let refused = client
        .call("send_survey", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("ConfirmationExpired"));
    assert!(refused.error_message().unwrap().contains("expired at"));
    assert!(outbox.sent().is_empty());
}

#[tokio::test]
async fn a_token_confirms_once() {
    let (builder, outbox, _) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;
    let args = with_token(survey_args(), &token);
    assert!(
        !client
            .call("send_survey", args.clone())
            .await
            .unwrap()
            .is_error()
    );
    let replay = client.call("send_survey", args).await.unwrap();
    assert_eq!(replay.error_code(), Some("ConfirmationAlreadyUsed"));
    assert_eq!(outbox.sent().len(), 2, "executed exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_replays_execute_once() {
    let (builder, outbox, _) = survey_server();
    let client = Arc::new(Client::new(builder.build().unwrap()).with_caller(alice()));
    let token = dry_run(&client, "send_survey", survey_args()).await;
    let args = with_token(survey_args(), &token);
    let calls = (0..8).map(|_| {
        let client = client.clone();
        let args = args.clone();
        tokio::spawn(async move { client.call("send_survey", args).await.unwrap() })
    });
    let outcomes = futures::future::join_all(calls).await;
    let executed = outcomes
        .iter()
        .filter(|o| !o.as_ref().unwrap().is_error())
        .count();
    assert_eq!(executed, 1);
    assert_eq!(outbox.sent().len(), 2);
}

#[tokio::test]
async fn a_failure_before_execution_leaves_the_token_usable() {
    let (builder, outbox, flaky) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;
    *flaky.0.lock().unwrap() = true;
    let args = with_token(survey_args(), &token);
    let failed = client.call("send_survey", args.clone()).await.unwrap();
    assert_eq!(failed.error_code(), Some("UpstreamFailure"));
    let retried = client.call("send_survey", args).await.unwrap();
    assert!(!retried.is_error(), "{:?}", retried.envelope());
    assert_eq!(outbox.sent().len(), 2);
}

#[tokio::test]
async fn forged_and_malformed_tokens_are_invalid() {
    let (builder, outbox, _) = survey_server();
    let client = Client::new(builder.build().unwrap()).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;

    // Signed with another secret: same server name, tool and caller.
    let (forger, _, _) = survey_server();
    let forger = Client::new(
        forger
            .confirmation_secret(*b"a different secret of 32 bytes!!")
            .build()
            .unwrap(),
    )
    .with_caller(alice());
    let forged = dry_run(&forger, "send_survey", survey_args()).await;

    // Payload edited (the mac no longer matches).
    let (head, mac) = token.rsplit_once('.').unwrap();
    let mut payload = head.as_bytes().to_vec();
    payload[4] = if payload[4] == b'A' { b'B' } else { b'A' };
    let edited = format!("{}.{mac}", String::from_utf8(payload).unwrap());

    for bad in [
        forged.as_str(),
        edited.as_str(),
        "not-a-token",
        "v1.abc.def",
        "v9.AAAA.BBBB",
        &token[..token.len() - 4],
    ] {
        let refused = client
            .call("send_survey", with_token(survey_args(), bad))
            .await
            .unwrap();
        assert_eq!(refused.error_code(), Some("ConfirmationInvalid"), "{bad}");
        assert!(
            refused
                .error_message()
                .unwrap()
                .contains("without confirmationToken")
        );
    }

    // Not a string at all: the argument contract refuses it.
    let mut args = survey_args();
    args["confirmationToken"] = json!(42);
    let refused = client.call("send_survey", args).await.unwrap();
    assert_eq!(refused.error_code(), Some("InvalidArguments"));
    assert!(outbox.sent().is_empty());
}

#[tokio::test]
async fn replicas_sharing_the_secret_accept_each_others_tokens() {
    let (one, _, _) = survey_server();
    let (two, outbox_two, _) = survey_server();
    let one = Client::new(one.build().unwrap()).with_caller(alice());
    let two = Client::new(two.build().unwrap()).with_caller(alice());
    let token = dry_run(&one, "send_survey", survey_args()).await;
    let done = two
        .call("send_survey", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert!(!done.is_error());
    assert_eq!(outbox_two.sent().len(), 2);
}

#[test]
fn confirm_tools_publish_the_token_argument_and_both_result_shapes() {
    let (builder, _, _) = survey_server();
    let server = builder.build().unwrap();
    let info = server.tool("send_survey").unwrap();
    let token = &info.input_schema()["properties"]["confirmationToken"];
    assert_eq!(token["type"], "string");
    assert!(token["description"].as_str().unwrap().contains("dry run"));
    assert!(
        !info.input_schema()["required"]
            .as_array()
            .unwrap()
            .contains(&json!("confirmationToken"))
    );
    let data = &info.output_schema()["properties"]["Data"];
    let shapes = data["anyOf"].as_array().unwrap();
    assert_eq!(shapes.len(), 2);
    assert_eq!(shapes[0]["properties"]["queued"]["type"], "integer");
    assert_eq!(shapes[1]["properties"]["Confirmed"]["const"], false);
    assert!(
        shapes[1]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("ConfirmationToken"))
    );
}

#[test]
fn short_confirmation_secrets_are_refused_at_build() {
    let (builder, _, _) = survey_server();
    let err = builder
        .confirmation_secret(b"too short".to_vec())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::InvalidConfiguration);
}

#[tokio::test]
async fn confirm_tools_that_skip_the_preview_get_no_result() {
    let server = Server::builder("bad", "1.0.0")
        .tool(
            Tool::builder("wipe")
                .description("Wipes everything without previewing.")
                .destructive()
                .confirm()
                .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("wiped") }),
        )
        .tool(
            Tool::builder("touch")
                .description("Not a confirm tool, yet asks for a Confirmation.")
                .additive()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    Confirmation::from_tool_context(&cx)?;
                    ToolResult::Ok(())
                }),
        )
        .build()
        .unwrap();
    let client = Client::new(server);
    let wipe = client.call("wipe", json!({})).await.unwrap();
    assert_eq!(wipe.error_code(), Some("InternalError"));
    assert!(
        wipe.error_message()
            .unwrap()
            .contains("never called Confirmation::preview")
    );
    let touch = client.call("touch", json!({})).await.unwrap();
    assert_eq!(touch.error_code(), Some("InternalError"));
    assert!(
        touch
            .error_message()
            .unwrap()
            .contains("not declared confirm()")
    );
}

// ---------------------------------------------------------------------------
// Scopes and identity.

fn noop(name: &'static str) -> Tool {
    noop_with(name, |b| b)
}

fn noop_with(name: &'static str, configure: impl FnOnce(ToolBuilder) -> ToolBuilder) -> Tool {
    configure(Tool::builder(name).description("Does nothing.").read_only())
        .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(true) })
}

fn scoped_server(listing: ToolListing) -> Server {
    Server::builder("scoped", "1.0.0")
        .require_authentication()
        .tool_listing(listing)
        .tool(noop_with("ping", |b| b.no_auth()))
        .tool(noop_with("list_feedback", |b| b.scopes(["feedback:read"])))
        .tool(noop_with("delete_feedback", |b| {
            b.scopes(["feedback:read", "feedback:delete"])
        }))
        .tool(noop("whoami"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn missing_scopes_are_named_in_a_forbidden_envelope() {
    let client = Client::new(scoped_server(ToolListing::All))
        .with_caller(Caller::new("u").with_scopes(["feedback:read"]));
    assert!(
        !client
            .call("list_feedback", json!({}))
            .await
            .unwrap()
            .is_error()
    );
    let refused = client.call("delete_feedback", json!({})).await.unwrap();
    assert!(refused.is_error());
    assert_eq!(refused.error_code(), Some("Forbidden"));
    let message = refused.error_message().unwrap();
    assert!(message.contains("feedback:delete"), "{message}");
    assert!(
        !message.contains("feedback:read"),
        "only the missing scopes: {message}"
    );
}

#[tokio::test]
async fn no_auth_tools_work_without_a_caller() {
    let client = Client::new(scoped_server(ToolListing::All));
    assert!(!client.call("ping", json!({})).await.unwrap().is_error());
    let refused = client.call("whoami", json!({})).await.unwrap();
    assert_eq!(refused.error_code(), Some("Unauthorized"));
}

#[tokio::test]
async fn permitted_listing_shows_only_callable_tools() {
    let names = |tools: Vec<Value>| -> Vec<String> {
        tools
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let server = scoped_server(ToolListing::Permitted);
    let anonymous = Client::new(server.clone());
    assert_eq!(names(anonymous.list_tools().await.unwrap()), ["ping"]);
    let reader =
        Client::new(server.clone()).with_caller(Caller::new("u").with_scopes(["feedback:read"]));
    assert_eq!(
        names(reader.list_tools().await.unwrap()),
        ["ping", "list_feedback", "whoami"]
    );
    let everything = Client::new(scoped_server(ToolListing::All))
        .with_caller(Caller::new("u").with_scopes(["feedback:read"]));
    assert_eq!(everything.list_tools().await.unwrap().len(), 4);
}

// ---------------------------------------------------------------------------
// PII.

#[derive(Serialize, JsonSchema)]
struct Contact {
    email: Pii,
    name: Option<Pii>,
}

#[derive(Serialize, JsonSchema)]
struct Company {
    contacts: Vec<Contact>,
}

#[derive(Serialize, JsonSchema)]
struct Directory {
    companies: Page<Company>,
    owner: Option<Contact>,
}

fn pii_server() -> Server {
    Server::builder("crm", "1.0.0")
        .pii_read_scope("pii:read")
        .pii_write_scope("pii:write")
        .tool(
            Tool::builder("directory")
                .description("Lists companies and their contacts.")
                .read_only()
                .handler(|_: NoArguments, _: ToolContext| async {
                    let contact = |email: &str, name: &str| Contact {
                        email: Pii::email(email),
                        name: Some(Pii::name(name)),
                    };
                    let companies = vec![Company {
                        contacts: vec![contact("jane@example.com", "Jane Roe")],
                    }];
                    ToolResult::Ok(Directory {
                        companies: Page::from_iter(companies, Paging::new(10, 0)),
                        owner: Some(contact("olga@example.com", "Olga Owner")),
                    })
                }),
        )
        .tool(update_contact())
        .build()
        .unwrap()
}

#[derive(Deserialize, JsonSchema)]
struct UpdateContact {
    /// The contact's id.
    id: u32,
    /// A new email address (personal data).
    email: Option<String>,
    /// Tags to set.
    tags: Option<Vec<String>>,
}

fn update_contact() -> Tool {
    Tool::builder("update_contact")
        .description("Updates a contact's fields and tags.")
        .additive()
        .handler(|args: UpdateContact, cx: ToolContext| async move {
            if args.email.is_some() {
                cx.require_pii_write()?;
            }
            ToolResult::Ok(json!({"id": args.id, "tags": args.tags.unwrap_or_default()}))
        })
}

#[tokio::test]
async fn personal_data_is_deidentified_at_any_depth_without_the_scope() {
    let client = Client::new(pii_server()).with_caller(Caller::new("u"));
    let outcome = client.call("directory", json!({})).await.unwrap();
    let data = outcome.data().unwrap();
    let deep = &data["companies"]["Items"][0]["contacts"][0];
    assert_eq!(deep["email"], "j***@example.com");
    let pseudonym = deep["name"].as_str().unwrap();
    assert!(pseudonym.starts_with("Person "), "{pseudonym}");
    assert_eq!(data["owner"]["email"], "o***@example.com");
    let text = outcome.result().to_string();
    for secret in ["jane@", "Jane", "olga@", "Olga"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[tokio::test]
async fn personal_data_is_clear_at_any_depth_with_the_scope() {
    let client = Client::new(pii_server()).with_caller(Caller::new("u").with_scopes(["pii:read"]));
    let outcome = client.call("directory", json!({})).await.unwrap();
    let data = outcome.data().unwrap();
    let deep = &data["companies"]["Items"][0]["contacts"][0];
    assert_eq!(deep["email"], "jane@example.com");
    assert_eq!(deep["name"], "Jane Roe");
    assert_eq!(data["owner"]["name"], "Olga Owner");
}

#[tokio::test]
async fn changing_personal_fields_needs_the_pii_write_scope() {
    let server = pii_server();
    let without = Client::new(server.clone()).with_caller(Caller::new("u"));
    let tags_only = without
        .call("update_contact", json!({"id": 1, "tags": ["vip"]}))
        .await
        .unwrap();
    assert!(!tags_only.is_error());
    let refused = without
        .call(
            "update_contact",
            json!({"id": 1, "email": "new@example.com"}),
        )
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("Forbidden"));
    assert!(refused.error_message().unwrap().contains("pii:write"));

    let with = Client::new(server).with_caller(Caller::new("u").with_scopes(["pii:write"]));
    let allowed = with
        .call(
            "update_contact",
            json!({"id": 1, "email": "new@example.com"}),
        )
        .await
        .unwrap();
    assert!(!allowed.is_error());
}

// ---------------------------------------------------------------------------
// Audit log.

#[derive(Deserialize, JsonSchema)]
struct Purge {
    /// What to purge.
    target: String,
}

fn audited_builder(sink: MemoryAuditSink) -> ServerBuilder {
    let (builder, _, _) = survey_server();
    builder
        .audit_sink(sink)
        .rate_limiter(
            WindowRateLimiter::new(1000, Duration::from_secs(3600))
                .destructive_budget(6, Duration::from_secs(3600)),
        )
        .tool(
            Tool::builder("purge")
                .description("Purges a target.")
                .destructive()
                .scopes(["admin"])
                .timeout(Duration::from_millis(50))
                .handler(|args: Purge, _: ToolContext| async move {
                    match args.target.as_str() {
                        "panic" => panic!("purge exploded"),
                        "slow" => {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            ToolResult::Ok(false)
                        }
                        "missing" => Err(ToolError::not_found("no such target")),
                        _ => ToolResult::Ok(true),
                    }
                }),
        )
        .tool(
            Tool::builder("read")
                .description("Reads.")
                .read_only()
                .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(1) }),
        )
}

async fn call(client: &Client, tool: &str, args: Value) -> CallOutcome {
    client.call(tool, args).await.unwrap()
}

fn summary(records: &[AuditRecord]) -> Vec<(String, AuditOutcome, Option<String>)> {
    records
        .iter()
        .map(|r| (r.tool.clone(), r.outcome, r.error_code.clone()))
        .collect()
}

#[tokio::test]
async fn every_outcome_of_a_write_is_audited() {
    let sink = MemoryAuditSink::new();
    let server = audited_builder(sink.clone()).build().unwrap();
    let admin = Client::new(server.clone()).with_caller(
        Caller::new("root")
            .with_account("acme")
            .with_scopes(["admin"]),
    );
    let nobody = Client::new(server).with_caller(Caller::new("guest"));

    // Reads are not audited.
    call(&admin, "read", json!({})).await;
    // Confirm flow: dry run, confirmed execution, token refusal.
    let token = dry_run(&admin, "send_survey", survey_args()).await;
    call(&admin, "send_survey", with_token(survey_args(), &token)).await;
    call(&admin, "send_survey", with_token(survey_args(), &token)).await;
    // Destructive tool: executed, scope refusal, validation refusal, failure,
    // panic, timeout.
    call(&admin, "purge", json!({"target": "cache"})).await;
    call(&nobody, "purge", json!({"target": "cache"})).await;
    call(&admin, "purge", json!({"target": ""})).await;
    call(&admin, "purge", json!({"target": "missing"})).await;
    let panicked = call(&admin, "purge", json!({"target": "panic"})).await;
    assert_eq!(panicked.error_code(), Some("InternalError"));
    let slow = call(&admin, "purge", json!({"target": "slow"})).await;
    assert_eq!(slow.error_code(), Some("Timeout"));
    // Over the destructive budget (6: the dry run, the refused token and the
    // scope refusal did not count).
    let limited = call(&admin, "purge", json!({"target": "cache"})).await;
    assert_eq!(limited.error_code(), Some("RateLimited"));

    let records = sink.records();
    let s = |tool: &str, outcome, code: Option<&str>| {
        (tool.to_owned(), outcome, code.map(str::to_owned))
    };
    use AuditOutcome::*;
    assert_eq!(
        summary(&records),
        [
            s("send_survey", DryRun, None),
            s("send_survey", Executed, None),
            s("send_survey", Refused, Some("ConfirmationAlreadyUsed")),
            s("purge", Executed, None),
            s("purge", Refused, Some("Forbidden")),
            s("purge", Refused, Some("InvalidArguments")),
            s("purge", Failed, Some("NotFound")),
            s("purge", Failed, Some("InternalError")),
            s("purge", Failed, Some("Timeout")),
            s("purge", Refused, Some("RateLimited")),
        ]
    );
    let first = &records[0];
    assert_eq!(first.caller.as_deref(), Some("root"));
    assert_eq!(first.account.as_deref(), Some("acme"));
    assert_eq!(records[4].caller.as_deref(), Some("guest"));
    assert_eq!(records[4].account, None);
    // The dry run and its execution carry the same digest (the token is not part of it).
    assert_eq!(records[0].args_digest, records[1].args_digest);
    assert_eq!(records[0].args_digest.len(), 64);
    assert_ne!(records[3].args_digest, records[0].args_digest);
    assert!(
        records[8].duration_ms >= 50,
        "timeout took {} ms",
        records[8].duration_ms
    );
    assert!(
        records
            .iter()
            .all(|r| r.time.ends_with('Z') && r.time.len() == 24)
    );
    // Distinct request ids.
    let mut ids: Vec<String> = records.iter().map(|r| r.request_id.to_string()).collect();
    ids.dedup();
    assert_eq!(ids.len(), records.len());
    // No raw arguments or personal data in the records.
    let text = serde_json::to_string(&records).unwrap();
    for secret in ["jane@example.com", "cache", "missing", &token] {
        assert!(!text.contains(secret), "{secret} leaked into the audit log");
    }
}

#[tokio::test]
async fn refusals_before_the_dispatcher_are_audited_like_its_own() {
    let sink = MemoryAuditSink::new();
    let server = audited_builder(sink.clone()).build().unwrap();
    let call = |id: i64, name: &str, arguments: Option<serde_json::Value>| {
        let mut params = json!({"name": name});
        if let Some(arguments) = arguments {
            params["arguments"] = arguments;
        }
        Message::Request(Request {
            id: RequestId::Number(id),
            method: "tools/call".into(),
            params: Some(params),
            meta: None,
        })
    };
    let refused_credentials = || Credentials::Refused {
        reason: "the token expired".into(),
    };
    // Admission refused this attempt: another spelling, with a token.
    let attempt = call(
        3,
        "send_survey",
        Some(json!({
            "confirmationToken": "stale",
            "timing": "NOW",
            "campaign": 1,
            "recipients": ["a@example.com"],
        })),
    );
    let refusal = server
        .admit(&[&attempt], refused_credentials(), Carriage::sessionless())
        .await
        .unwrap_err();
    assert!(
        matches!(refusal, Refusal::Unauthenticated { .. }),
        "{refusal:?}"
    );
    // Reads, unknown tools and calls without arguments.
    for (name, arguments) in [("read", None), ("nope", None), ("purge", None)] {
        let message = call(3, name, arguments);
        assert!(
            server
                .admit(&[&message], refused_credentials(), Carriage::sessionless())
                .await
                .is_err()
        );
    }
    let records = sink.take();
    assert_eq!(
        summary(&records),
        [
            (
                "send_survey".to_owned(),
                AuditOutcome::Refused,
                Some("Unauthorized".to_owned())
            ),
            (
                "purge".to_owned(),
                AuditOutcome::Refused,
                Some("Unauthorized".to_owned())
            ),
        ]
    );
    assert_eq!(records[0].caller, None);
    assert_eq!(records[0].request_id, RequestId::Number(3));

    // The dispatcher digests the same call the same way.
    let client = Client::new(server).with_caller(alice());
    dry_run(
        &client,
        "send_survey",
        json!({"recipients": ["a@example.com"], "campaign": 1, "timing": "now"}),
    )
    .await;
    let dispatched = sink.take();
    assert_eq!(dispatched[0].outcome, AuditOutcome::DryRun);
    assert_eq!(dispatched[0].args_digest, records[0].args_digest);
}

#[tokio::test]
async fn a_call_dropped_midway_is_still_audited() {
    let sink = MemoryAuditSink::new();
    let server = audited_builder(sink.clone()).build().unwrap();
    let admin = Client::new(server).with_caller(Caller::new("root").with_scopes(["admin"]));
    let call = admin.call("purge", json!({"target": "slow"}));
    assert!(
        tokio::time::timeout(Duration::from_millis(10), call)
            .await
            .is_err()
    );
    let records = sink.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].outcome, AuditOutcome::Failed);
    assert_eq!(records[0].error_code.as_deref(), Some("Cancelled"));
}

#[tokio::test]
async fn the_json_lines_sink_appends_one_flushed_line_per_record() {
    let path = std::env::temp_dir().join(format!(
        "mcp-tools-audit-{}-{:?}.jsonl",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_file(&path);
    let server = Server::builder("files", "1.0.0")
        .audit_sink(JsonLinesAuditSink::open(&path).unwrap())
        .tool(
            Tool::builder("explode")
                .description("Panics.")
                .destructive()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    if cx.tool_name() == "explode" {
                        panic!("boom");
                    }
                    ToolResult::Ok(())
                }),
        )
        .tool(
            Tool::builder("erase")
                .description("Erases.")
                .destructive()
                .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) }),
        )
        .build()
        .unwrap();
    let client = Client::new(server).with_caller(Caller::new("ops"));
    client.call("explode", json!({})).await.unwrap();
    client.call("erase", json!({})).await.unwrap();

    // Read back while the server (and the open file) is still alive: each
    // record was flushed as it was written.
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let records: Vec<AuditRecord> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records[0].tool, "explode");
    assert_eq!(records[0].outcome, AuditOutcome::Failed);
    assert_eq!(records[0].error_code.as_deref(), Some("InternalError"));
    assert_eq!(records[1].tool, "erase");
    assert_eq!(records[1].outcome, AuditOutcome::Executed);
    let raw: Value = serde_json::from_str(lines[1]).unwrap();
    for field in [
        "time",
        "caller",
        "account",
        "tool",
        "args_digest",
        "outcome",
        "error_code",
        "duration_ms",
        "request_id",
    ] {
        assert!(raw.get(field).is_some(), "missing {field}: {raw}");
    }
    let _ = std::fs::remove_file(&path);
}

// ---------------------------------------------------------------------------
// Rate policy.

#[tokio::test]
async fn over_budget_calls_get_rate_limited_with_retry_information() {
    let limited = Server::builder("limited", "1.0.0")
        .rate_limiter(WindowRateLimiter::new(3, Duration::from_secs(3600)))
        .tool(noop("whoami"))
        .build()
        .unwrap();
    let client = Client::new(limited.clone()).with_caller(Caller::new("u").with_account("acme"));
    for _ in 0..3 {
        assert!(!client.call("whoami", json!({})).await.unwrap().is_error());
    }
    let refused = client.call("whoami", json!({})).await.unwrap();
    assert_eq!(refused.error_code(), Some("RateLimited"));
    let message = refused.error_message().unwrap();
    assert!(message.contains("at most 3 calls per 1 h"), "{message}");
    let retry_in: u64 = message
        .split("Retry in ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no retry seconds in {message:?}"));
    assert!((3590..=3600).contains(&retry_in), "{retry_in}");
    assert!(message.contains("Z or later"), "{message}");

    // Another caller of the same account shares the budget; another account does not.
    let colleague = Client::new(limited.clone()).with_caller(Caller::new("v").with_account("acme"));
    assert_eq!(
        colleague
            .call("whoami", json!({}))
            .await
            .unwrap()
            .error_code(),
        Some("RateLimited")
    );
    let stranger =
        Client::new(limited.clone()).with_caller(Caller::new("w").with_account("globex"));
    assert!(!stranger.call("whoami", json!({})).await.unwrap().is_error());

    let status = limited
        .rate_status(client.context().caller())
        .await
        .unwrap();
    assert_eq!((status.limit, status.remaining), (3, 0));
    assert!(status.reset_after_secs() <= 3600);
    assert!(status.reset_at_rfc3339().ends_with('Z'));
}

#[tokio::test]
async fn the_destructive_budget_is_separate_and_skips_dry_runs() {
    let (builder, outbox, _) = survey_server();
    let server = builder
        .rate_limiter(
            WindowRateLimiter::new(100, Duration::from_secs(3600))
                .destructive_budget(1, Duration::from_secs(3600))
                .key_by(RateKey::Caller),
        )
        .build()
        .unwrap();
    let client = Client::new(server.clone()).with_caller(alice());
    // Two dry runs and one execution fit a destructive budget of one.
    let first = dry_run(&client, "send_survey", survey_args()).await;
    let second = dry_run(&client, "send_survey", survey_args()).await;
    let done = client
        .call("send_survey", with_token(survey_args(), &first))
        .await
        .unwrap();
    assert!(!done.is_error());
    let refused = client
        .call("send_survey", with_token(survey_args(), &second))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("RateLimited"));
    assert!(
        refused
            .error_message()
            .unwrap()
            .contains("destructive calls")
    );
    assert_eq!(outbox.sent().len(), 2);
    // Dry runs still work, and count against the general budget only.
    dry_run(&client, "send_survey", survey_args()).await;
    let status = server.rate_status(client.context().caller()).await.unwrap();
    assert_eq!((status.limit, status.remaining), (100, 96));
}

#[tokio::test]
async fn refused_confirmation_tokens_leave_the_write_budget_whole() {
    let (builder, outbox, _) = survey_server();
    let server = builder
        .rate_limiter(
            WindowRateLimiter::new(100, Duration::from_secs(3600))
                .destructive_budget(1, Duration::from_secs(3600)),
        )
        .build()
        .unwrap();
    let client = Client::new(server).with_caller(alice());
    for bogus in ["garbage", "v1.AAAA.BBBB", "not-a-token-at-all"] {
        let refused = client
            .call("send_survey", with_token(survey_args(), bogus))
            .await
            .unwrap();
        assert!(refused.is_error());
        assert_ne!(refused.error_code(), Some("RateLimited"));
    }
    // The one write the destructive budget allows is still there.
    let token = dry_run(&client, "send_survey", survey_args()).await;
    let done = client
        .call("send_survey", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(outbox.sent().len(), 2);
}

#[tokio::test]
async fn refused_confirmation_tokens_are_bounded_by_their_own_budget() {
    let (builder, outbox, _) = survey_server();
    let server = builder
        .rate_limiter(
            WindowRateLimiter::new(1000, Duration::from_secs(3600))
                .failed_confirmation_budget(5, Duration::from_secs(3600)),
        )
        .build()
        .unwrap();
    let client = Client::new(server).with_caller(alice());
    let token = dry_run(&client, "send_survey", survey_args()).await;
    let mut codes = Vec::new();
    for i in 0..8 {
        let outcome = client
            .call(
                "send_survey",
                with_token(survey_args(), &format!("guess-{i}")),
            )
            .await
            .unwrap();
        codes.push(outcome.error_code().map(str::to_owned));
    }
    assert!(
        codes[..5]
            .iter()
            .all(|c| c.as_deref() != Some("RateLimited"))
    );
    assert!(
        codes[5..]
            .iter()
            .all(|c| c.as_deref() == Some("RateLimited"))
    );
    // Once spent, even a right token is not looked at: guessing is bounded.
    let refused = client
        .call("send_survey", with_token(survey_args(), &token))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("RateLimited"));
    assert!(
        refused
            .error_message()
            .unwrap()
            .contains("refused confirmation tokens")
    );
    assert!(outbox.sent().is_empty());
    // Dry runs still work.
    dry_run(&client, "send_survey", survey_args()).await;
}

#[tokio::test]
async fn budgets_are_whole_again_in_the_next_window() {
    let server = Server::builder("windows", "1.0.0")
        .rate_limiter(WindowRateLimiter::new(1, Duration::from_millis(100)))
        .tool(
            Tool::builder("tick")
                .description("Ticks.")
                .read_only()
                .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) }),
        )
        .build()
        .unwrap();
    let client = Client::new(server.clone()).with_caller(Caller::new("u"));
    assert!(!client.call("tick", json!({})).await.unwrap().is_error());
    assert_eq!(
        client.call("tick", json!({})).await.unwrap().error_code(),
        Some("RateLimited")
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        server
            .rate_status(client.context().caller())
            .await
            .unwrap()
            .remaining,
        1
    );
    assert!(!client.call("tick", json!({})).await.unwrap().is_error());
}

#[tokio::test]
async fn servers_without_a_limiter_report_no_status() {
    let server = scoped_server(ToolListing::All);
    assert!(server.rate_status(None).await.is_none());
}
