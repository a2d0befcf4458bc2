//! The core runtime through the in-process client: the argument contract,
//! JSON-RPC errors, envelopes, helpers, failure isolation and versions.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mcp_tools::transport::jsonrpc::{self, Message, Request, RequestId};
use mcp_tools::transport::{Cancellation, RequestContext};
use mcp_tools::{
    ApplyPatch, Batch, BatchOutcome, BuildErrorKind, CacheHints, Caller, Client, LogLevel,
    NoArguments, Page, Paging, ProtocolVersion, Server, Tool, ToolContext, ToolError, ToolListing,
    ToolResult, Validate,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
enum Channel {
    Email,
    LinkedIn,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    /// Recipient's address.
    address: String,
    /// How to reach them.
    channel: Channel,
}

/// Five arguments of every kind the contract handles.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Send {
    /// The thread to answer.
    #[schemars(range(min = 1))]
    thread_id: u64,
    /// Channel of the thread.
    channel: Channel,
    /// The message body.
    #[schemars(length(max = 20))]
    message: String,
    /// Labels to attach.
    #[schemars(length(max = 3))]
    labels: Option<Vec<String>>,
    /// Who else to notify.
    cc: Option<Recipient>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct Sent {
    thread_id: u64,
    channel: Channel,
    labels: Vec<String>,
}

fn send_tool() -> Tool {
    Tool::builder("send_reply")
        .description("Sends a reply on a thread.")
        .destructive()
        .handler(|args: Send, _cx: ToolContext| async move {
            ToolResult::Ok(Sent {
                thread_id: args.thread_id,
                channel: args.channel,
                labels: args.labels.unwrap_or_default(),
            })
        })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Search {
    /// Exact email address.
    email: Option<String>,
    /// LinkedIn profile URL.
    linked_in_url: Option<String>,
}

impl Validate for Search {
    fn validate(&self) -> Result<(), String> {
        if self.email.is_none() && self.linked_in_url.is_none() {
            return Err("pass email or linkedInUrl; names cannot be searched".into());
        }
        Ok(())
    }
}

fn search_tool() -> Tool {
    Tool::builder("search")
        .description("Finds a contact.")
        .read_only()
        .validate(Search::validate)
        .handler(|args: Search, _cx: ToolContext| async move {
            ToolResult::Ok(args.email.or(args.linked_in_url))
        })
}

#[derive(Debug, Deserialize, JsonSchema)]
struct ListArgs {
    #[serde(flatten)]
    paging: Paging,
}

fn list_tool() -> Tool {
    Tool::builder("list_numbers")
        .description("Lists the numbers 1 to 45.")
        .read_only()
        .handler(|args: ListArgs, _cx: ToolContext| async move {
            ToolResult::Ok(Page::from_iter(1..=45, args.paging))
        })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct BulkArgs {
    /// Contacts to tag.
    contact_ids: Batch<u64>,
}

fn bulk_tool() -> Tool {
    Tool::builder("tag_contacts")
        .description("Tags contacts; odd ids do not exist.")
        .additive()
        .handler(|args: BulkArgs, _cx: ToolContext| async move {
            let mut outcome = BatchOutcome::<u64>::new();
            for id in args.contact_ids {
                if id % 2 == 0 {
                    outcome.affected(id);
                } else {
                    outcome.not_processed(id, "NotFound");
                }
            }
            ToolResult::Ok(outcome)
        })
}

fn panic_tool() -> Tool {
    Tool::builder("explode")
        .description("Panics.")
        .read_only()
        .handler(|_: NoArguments, _cx: ToolContext| async move {
            if true {
                panic!("kaboom");
            }
            ToolResult::Ok(())
        })
}

fn server() -> Server {
    Server::builder("test-server", "0.0.1")
        .tools([
            send_tool(),
            search_tool(),
            list_tool(),
            bulk_tool(),
            panic_tool(),
        ])
        .build()
        .expect("valid server")
}

fn client() -> Client {
    Client::new(server())
}

async fn call(client: &Client, tool: &str, args: Value) -> mcp_tools::CallOutcome {
    client.call(tool, args).await.expect("no protocol error")
}

fn message_of(outcome: &mcp_tools::CallOutcome) -> String {
    assert!(
        outcome.is_error(),
        "expected an error, got {:#}",
        outcome.result()
    );
    assert_eq!(outcome.error_code(), Some("InvalidArguments"));
    outcome.error_message().unwrap_or_default().to_owned()
}

// ---- the argument contract -------------------------------------------------

#[tokio::test]
async fn valid_arguments_reach_the_tool() {
    let c = client();
    let ok = call(
        &c,
        "send_reply",
        json!({"threadId": 7, "channel": "Email", "message": "hi"}),
    )
    .await;
    assert!(!ok.is_error(), "{:#}", ok.result());
    assert_eq!(
        ok.data(),
        Some(&json!({"thread_id": 7, "channel": "Email", "labels": []}))
    );
}

#[tokio::test]
async fn unknown_arguments_are_named_with_the_accepted_ones() {
    let c = client();
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 7, "channel": "Email", "message": "hi", "bcc": "x"}),
        )
        .await,
    );
    assert!(m.contains("does not accept argument(s): bcc"), "{m}");
    assert!(
        m.contains("Accepted: threadId, channel, message, labels, cc"),
        "{m}"
    );
}

#[tokio::test]
async fn nested_unknown_arguments_are_refused_too() {
    let c = client();
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 7, "channel": "Email", "message": "hi", "cc": {"address": "a@b.c", "channel": "Email", "name": "x"}}),
        )
        .await,
    );
    assert!(m.contains("inside 'cc': name"), "{m}");
    assert!(m.contains("address, channel"), "{m}");
}

#[tokio::test]
async fn required_means_non_empty_and_every_missing_field_is_named() {
    let c = client();
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 7, "channel": "Email", "message": ""}),
        )
        .await,
    );
    assert!(
        m.starts_with("Tool 'send_reply' is missing required argument(s): message."),
        "{m}"
    );
    assert!(
        m.contains("null, empty strings, and empty arrays are not accepted"),
        "{m}"
    );

    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 7, "channel": null, "message": null}),
        )
        .await,
    );
    assert!(
        m.contains("missing required argument(s): channel, message"),
        "{m}"
    );

    let m = message_of(&call(&c, "send_reply", json!({})).await);
    assert!(m.contains("threadId, channel, message"), "{m}");

    let m = message_of(&call(&c, "tag_contacts", json!({"contactIds": []})).await);
    assert!(
        m.contains("missing required argument(s): contactIds"),
        "{m}"
    );
}

#[tokio::test]
async fn the_schema_says_what_the_runtime_enforces() {
    let c = client();
    let tools = c.list_tools().await.unwrap();
    let send = tools.iter().find(|t| t["name"] == "send_reply").unwrap();
    let schema = &send["inputSchema"];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["message"]["minLength"], 1);
    assert_eq!(schema["properties"]["message"]["maxLength"], 20);
    assert_eq!(schema["properties"]["threadId"]["minimum"], 1);
    assert_eq!(
        schema["properties"]["channel"]["enum"],
        json!(["Email", "LinkedIn"])
    );
    assert_eq!(schema["properties"]["cc"]["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        json!(["threadId", "channel", "message"])
    );
    assert!(schema.get("title").is_none() && schema.get("$defs").is_none());
    let text = schema.to_string();
    assert!(
        !text.contains("\"null\"") && !text.contains("$ref"),
        "{text}"
    );
    let bulk = tools.iter().find(|t| t["name"] == "tag_contacts").unwrap();
    assert_eq!(
        bulk["inputSchema"]["properties"]["contactIds"]["maxItems"],
        100
    );
    let explode = tools.iter().find(|t| t["name"] == "explode").unwrap();
    assert_eq!(
        explode["inputSchema"],
        json!({"type": "object", "additionalProperties": false})
    );
}

#[tokio::test]
async fn enums_match_case_insensitively_and_arrive_canonical() {
    let c = client();
    let ok = call(
        &c,
        "send_reply",
        json!({"threadId": 1, "channel": "linkedin", "message": "hi"}),
    )
    .await;
    assert_eq!(ok.data().unwrap()["channel"], "LinkedIn");
    let ok = call(
        &c,
        "send_reply",
        json!({"threadId": 1, "channel": "EMAIL", "message": "hi", "cc": {"address": "a", "channel": "LINKEDIN"}}),
    )
    .await;
    assert!(!ok.is_error(), "{:#}", ok.result());
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 1, "channel": "Fax", "message": "hi"}),
        )
        .await,
    );
    assert!(
        m.contains("channel must be one of: Email, LinkedIn (case-insensitive)"),
        "{m}"
    );
}

#[tokio::test]
async fn ranges_lengths_and_bounds_are_enforced() {
    let c = client();
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 0, "channel": "Email", "message": "hi"}),
        )
        .await,
    );
    assert!(
        m.contains("threadId must be greater than or equal to 1"),
        "{m}"
    );
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": 1, "channel": "Email", "message": "x".repeat(21)}),
        )
        .await,
    );
    assert!(
        m.contains("message must be at most 20 characters long, got 21"),
        "{m}"
    );
    let m = message_of(
        &call(&c, "send_reply", json!({"threadId": 1, "channel": "Email", "message": "hi", "labels": ["a", "b", "c", "d"]})).await,
    );
    assert!(m.contains("labels must have at most 3 items"), "{m}");
    let m = message_of(
        &call(
            &c,
            "send_reply",
            json!({"threadId": "7", "channel": "Email", "message": "hi"}),
        )
        .await,
    );
    assert!(
        m.contains("threadId must be an integer, got a string"),
        "{m}"
    );
    let ids: Vec<u64> = (1..=101).collect();
    let m = message_of(&call(&c, "tag_contacts", json!({"contactIds": ids})).await);
    assert!(
        m.contains("contactIds must have at most 100 items, got 101"),
        "{m}"
    );
}

#[tokio::test]
async fn null_on_an_optional_argument_means_not_given() {
    let c = client();
    let ok = call(
        &c,
        "send_reply",
        json!({"threadId": 1, "channel": "Email", "message": "hi", "labels": null, "cc": null}),
    )
    .await;
    assert!(!ok.is_error(), "{:#}", ok.result());
}

#[tokio::test]
async fn cross_field_rules_run_after_the_schema() {
    let c = client();
    let m = message_of(&call(&c, "search", json!({})).await);
    assert_eq!(
        m,
        "Tool 'search' arguments failed validation: pass email or linkedInUrl; names cannot be searched"
    );
    let ok = call(&c, "search", json!({"email": "a@b.c"})).await;
    assert_eq!(ok.data(), Some(&json!("a@b.c")));
}

#[tokio::test]
async fn lenient_tools_ignore_unknown_arguments() {
    let server = Server::builder("s", "1")
        .tool(
            Tool::builder("lenient")
                .description("Tolerates extras.")
                .read_only()
                .lenient()
                .handler(
                    |args: Search, _cx: ToolContext| async move { ToolResult::Ok(args.email) },
                ),
        )
        .build()
        .unwrap();
    let c = Client::new(server);
    let listed = c.list_tools().await.unwrap();
    assert!(
        listed[0]["inputSchema"]
            .get("additionalProperties")
            .is_none()
    );
    let ok = call(&c, "lenient", json!({"email": "a@b.c", "extra": 1})).await;
    assert_eq!(ok.data(), Some(&json!("a@b.c")));
    let m = message_of(&call(&c, "lenient", json!({"email": 5})).await);
    assert!(m.contains("email must be a string, got an integer"), "{m}");
}

// ---- JSON-RPC errors -------------------------------------------------------

fn error_code(bytes: &[u8]) -> i64 {
    let v: Value = serde_json::from_slice(bytes).unwrap();
    v["error"]["code"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn protocol_errors_have_their_codes() {
    let s = server();
    let cx = || RequestContext::new().with_protocol_version(ProtocolVersion::V2025_11_25);
    let out = s.handle_bytes(b"{\"jsonrpc\":", cx()).await.unwrap();
    assert_eq!(error_code(&out), -32700);
    let out = s
        .handle_bytes(br#"{"jsonrpc":"2.0","id":1}"#, cx())
        .await
        .unwrap();
    assert_eq!(error_code(&out), -32600);
    let out = s
        .handle_bytes(
            br#"{"jsonrpc":"2.0","id":1,"method":"resources/list"}"#,
            cx(),
        )
        .await
        .unwrap();
    assert_eq!(error_code(&out), -32601);
    for body in [
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope","arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":[1]}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"bogus"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loud"}}"#,
    ] {
        let out = s.handle_bytes(body.as_bytes(), cx()).await.unwrap();
        assert_eq!(
            error_code(&out),
            -32602,
            "{body} -> {}",
            String::from_utf8_lossy(&out)
        );
    }
    let unknown = s
        .handle_bytes(
            br#"{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"nope"}}"#,
            cx(),
        )
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&unknown).unwrap();
    assert_eq!(v["id"], "x");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown tool \"nope\"")
    );
    assert!(
        s.handle_bytes(
            br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            cx()
        )
        .await
        .is_none()
    );
}

// ---- envelopes ---------------------------------------------------------------

#[tokio::test]
async fn envelopes_match_text_structured_content_and_output_schema() {
    let c = client();
    let tools = c.list_tools().await.unwrap();
    let output_schema =
        tools.iter().find(|t| t["name"] == "send_reply").unwrap()["outputSchema"].clone();
    let validator = jsonschema::validator_for(&output_schema).unwrap();

    let ok = call(
        &c,
        "send_reply",
        json!({"threadId": 7, "channel": "Email", "message": "hi"}),
    )
    .await;
    let text = ok.result()["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with(r#"{"Success":true,"Data":"#), "{text}");
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap(),
        ok.result()["structuredContent"]
    );
    assert_eq!(ok.result()["isError"], false);
    assert!(validator.is_valid(&ok.result()["structuredContent"]));

    let err = call(&c, "send_reply", json!({})).await;
    let text = err.result()["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with(r#"{"Success":false,"ErrorCode":"InvalidArguments","ErrorMessage":"#),
        "{text}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap(),
        err.result()["structuredContent"]
    );
    assert_eq!(err.result()["isError"], true);
    assert!(validator.is_valid(&err.result()["structuredContent"]));
    assert!(
        !validator.is_valid(&json!({"Success": true})),
        "a success must carry Data"
    );
}

#[tokio::test]
async fn domain_error_codes_travel_in_the_envelope() {
    let server = Server::builder("s", "1")
        .tool(
            Tool::builder("start")
                .description("Starts.")
                .destructive()
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    Err::<(), _>(ToolError::new("NoEmailAccounts", "attach a mailbox first"))
                }),
        )
        .build()
        .unwrap();
    let out = call(&Client::new(server), "start", json!({})).await;
    assert_eq!(out.error_code(), Some("NoEmailAccounts"));
    assert_eq!(out.error_message(), Some("attach a mailbox first"));
}

// ---- helpers ---------------------------------------------------------------------

#[tokio::test]
async fn paging_defaults_and_bounds() {
    let c = client();
    let first = call(&c, "list_numbers", json!({})).await;
    assert_eq!(first.data().unwrap()["Items"].as_array().unwrap().len(), 20);
    assert_eq!(first.data().unwrap()["HasMore"], true);
    let last = call(&c, "list_numbers", json!({"top": 100, "skip": 40})).await;
    assert_eq!(
        last.data().unwrap(),
        &json!({"Items": [41, 42, 43, 44, 45], "HasMore": false})
    );
    for bad in [json!({"top": 0}), json!({"top": 101}), json!({"skip": -1})] {
        message_of(&call(&c, "list_numbers", bad).await);
    }
    let tools = c.list_tools().await.unwrap();
    let schema = &tools.iter().find(|t| t["name"] == "list_numbers").unwrap()["inputSchema"];
    assert_eq!(schema["properties"]["top"]["default"], 20);
    assert_eq!(schema["properties"]["top"]["maximum"], 100);
    assert_eq!(schema["properties"]["skip"]["minimum"], 0);
}

#[tokio::test]
async fn batch_outcomes_report_each_item() {
    let c = client();
    let out = call(&c, "tag_contacts", json!({"contactIds": [2, 3, 4]})).await;
    assert_eq!(
        out.data().unwrap(),
        &json!({"Affected": 2, "AffectedIds": [2, 4], "NotProcessed": [{"Id": 3, "Reason": "NotFound"}]})
    );
}

#[test]
fn patch_semantics_keep_omitted_and_replace_lists() {
    #[derive(Deserialize)]
    struct Update {
        title: Option<String>,
        tags: Option<Vec<String>>,
    }
    let mut title = "CEO".to_owned();
    let mut tags = vec!["a".to_owned(), "b".to_owned()];
    let update: Update = serde_json::from_value(json!({"title": null, "tags": ["c"]})).unwrap();
    assert!(!update.title.apply_to(&mut title));
    assert!(update.tags.apply_to(&mut tags));
    assert_eq!((title.as_str(), tags), ("CEO", vec!["c".to_owned()]));
}

// ---- failure isolation and concurrency -------------------------------------------------

#[tokio::test]
async fn a_panicking_tool_becomes_an_error_and_the_server_keeps_serving() {
    let c = client();
    let out = call(&c, "explode", json!({})).await;
    assert_eq!(out.error_code(), Some("InternalError"));
    assert!(
        !out.error_message().unwrap().contains("kaboom"),
        "panic text stays in the logs"
    );
    let ok = call(&c, "search", json!({"email": "a@b.c"})).await;
    assert!(!ok.is_error());
}

#[tokio::test]
async fn calls_run_concurrently() {
    // Two calls that each wait for the other: they finish only if they overlap.
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let server = Server::builder("s", "1")
        .state(barrier)
        .tool(
            Tool::builder("meet")
                .description("Waits for a second caller.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let barrier = cx
                        .state::<Arc<tokio::sync::Barrier>>()
                        .ok_or_else(|| ToolError::internal("no barrier"))?;
                    barrier.wait().await;
                    ToolResult::Ok(true)
                }),
        )
        .build()
        .unwrap();
    let c = Client::new(server);
    let both = futures::future::join(c.call("meet", json!({})), c.call("meet", json!({})));
    let (a, b) = tokio::time::timeout(Duration::from_secs(20), both)
        .await
        .expect("calls overlapped");
    assert_eq!(a.unwrap().data(), Some(&json!(true)));
    assert_eq!(b.unwrap().data(), Some(&json!(true)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_calls_on_a_multi_threaded_runtime() {
    let server = server();
    let mut handles = Vec::new();
    for i in 1..=64u64 {
        let c = Client::new(server.clone());
        handles.push(tokio::spawn(async move {
            let out = c
                .call(
                    "send_reply",
                    json!({"threadId": i, "channel": "email", "message": "hi"}),
                )
                .await
                .unwrap();
            out.data().unwrap()["thread_id"].as_u64().unwrap()
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.unwrap());
    }
    ids.sort_unstable();
    assert_eq!(ids, (1..=64).collect::<Vec<_>>());
}

#[tokio::test]
async fn slow_tools_hit_their_time_limit() {
    let server = Server::builder("s", "1")
        .tool(
            Tool::builder("slow")
                .description("Sleeps.")
                .read_only()
                .timeout(Duration::from_millis(20))
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    ToolResult::Ok(())
                }),
        )
        .build()
        .unwrap();
    let out = call(&Client::new(server), "slow", json!({})).await;
    assert_eq!(out.error_code(), Some("Timeout"));
}

#[tokio::test]
async fn cancelled_calls_stop_and_get_no_response() {
    let started = Arc::new(tokio::sync::Notify::new());
    let finished = Arc::new(AtomicUsize::new(0));
    // This tool ignores cancellation: past the grace, it is dropped.
    let server = Server::builder("s", "1")
        .state((started.clone(), finished.clone()))
        .cancellation_grace(Duration::from_millis(10))
        .tool(
            Tool::builder("wait")
                .description("Waits forever.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let (started, finished) = cx
                        .state::<(Arc<tokio::sync::Notify>, Arc<AtomicUsize>)>()
                        .ok_or_else(|| ToolError::internal("no state"))?;
                    started.notify_one();
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                    ToolResult::Ok(())
                }),
        )
        .build()
        .unwrap();
    let cx = RequestContext::new()
        .with_caller(Caller::new("u"))
        .with_channel("session-1");
    let call = server.handle(
        Message::Request(Request {
            id: RequestId::Number(41),
            method: "tools/call".into(),
            params: Some(json!({"name": "wait"})),
            meta: None,
        }),
        cx.clone(),
    );
    let cancel = async {
        started.notified().await;
        let note = jsonrpc::parse(
            br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":41}}"#,
        )
        .unwrap();
        let jsonrpc::Incoming::Single(message) = note else {
            unreachable!()
        };
        assert!(server.handle(message, cx.clone()).await.is_none());
    };
    let (response, ()) =
        tokio::time::timeout(Duration::from_secs(20), futures::future::join(call, cancel))
            .await
            .expect("cancellation took effect");
    assert!(response.is_none());
    assert_eq!(finished.load(Ordering::SeqCst), 0);

    // A signal fired by the transport (a closed stream) cancels too.
    let signal = Cancellation::new();
    signal.cancel();
    let cancelled = server
        .handle(
            Message::Request(Request {
                id: 1.into(),
                method: "tools/call".into(),
                params: Some(json!({"name": "wait"})),
                meta: None,
            }),
            RequestContext::new().with_cancellation(signal),
        )
        .await;
    assert!(cancelled.is_none());
}

#[tokio::test]
async fn progress_and_log_notifications_reach_the_client() {
    let server = Server::builder("s", "1")
        .tool(
            Tool::builder("work")
                .description("Works in steps.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    for step in 1..=3 {
                        cx.progress(f64::from(step), Some(3.0), Some("working"));
                    }
                    cx.log(LogLevel::Debug, "hidden below info");
                    cx.log(LogLevel::Warning, json!({"note": "shown"}));
                    ToolResult::Ok(())
                }),
        )
        .build()
        .unwrap();
    let c = Client::new(server);
    c.call_with_progress("work", json!({}), "tok-1")
        .await
        .unwrap();
    let notes = c.notifications();
    let progress: Vec<&Value> = notes
        .iter()
        .filter(|n| n.method == "notifications/progress")
        .filter_map(|n| n.params.as_ref())
        .collect();
    assert_eq!(progress.len(), 3);
    assert_eq!(
        progress[2],
        &json!({"progressToken": "tok-1", "progress": 3.0, "total": 3.0, "message": "working"})
    );
    let logs: Vec<&Notification> = notes
        .iter()
        .filter(|n| n.method == "notifications/message")
        .collect();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].params.as_ref().unwrap()["level"], "warning");

    // Without a progress token nothing is sent; setLevel lowers the threshold.
    c.request("logging/setLevel", json!({"level": "debug"}))
        .await
        .unwrap();
    let before = c.notifications().len();
    c.call("work", json!({})).await.unwrap();
    let new: Vec<_> = c.notifications().into_iter().skip(before).collect();
    assert_eq!(
        new.iter()
            .filter(|n| n.method == "notifications/progress")
            .count(),
        0
    );
    assert_eq!(
        new.iter()
            .filter(|n| n.method == "notifications/message")
            .count(),
        2
    );
}

use mcp_tools::transport::jsonrpc::Notification;

// ---- versions ---------------------------------------------------------------------------

#[tokio::test]
async fn initialize_negotiates_every_supported_version() {
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let c = client();
        let result = c
            .request("initialize", json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}))
            .await
            .unwrap();
        assert_eq!(result["protocolVersion"], version);
        assert_eq!(result["serverInfo"]["name"], "test-server");
        assert!(
            result["capabilities"]["tools"].is_object()
                && result["capabilities"]["logging"].is_object()
        );
    }
    let c = client();
    let result = c
        .request(
            "initialize",
            json!({"protocolVersion": "2024-11-05", "capabilities": {}}),
        )
        .await
        .unwrap();
    assert_eq!(result["protocolVersion"], "2025-11-25");
    let result = c
        .request(
            "initialize",
            json!({"protocolVersion": "2026-07-28", "capabilities": {}}),
        )
        .await
        .unwrap();
    assert_eq!(result["protocolVersion"], "2026-07-28");
    assert_eq!(c.request("ping", json!({})).await.unwrap(), json!({}));
}

#[tokio::test]
async fn version_2025_03_26_has_no_structured_output() {
    let c = client().with_protocol_version(ProtocolVersion::V2025_03_26);
    let tools = c.list_tools().await.unwrap();
    assert!(tools.iter().all(|t| t.get("outputSchema").is_none()));
    let out = call(&c, "search", json!({"email": "a@b.c"})).await;
    assert!(out.result().get("structuredContent").is_none());
    assert_eq!(
        out.data(),
        Some(&json!("a@b.c")),
        "the envelope is still in the text"
    );
}

#[tokio::test]
async fn version_2026_07_28_is_stateless() {
    let c = client().with_protocol_version(ProtocolVersion::V2026_07_28);
    let discovered = c.request("server/discover", json!({})).await.unwrap();
    assert_eq!(
        discovered["supportedVersions"],
        json!(["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"])
    );
    assert_eq!(discovered["resultType"], "complete");
    assert_eq!(c.request("ping", json!({})).await.unwrap_err().code, -32601);
    assert_eq!(
        c.request("initialize", json!({"protocolVersion": "2026-07-28"}))
            .await
            .unwrap_err()
            .code,
        -32601
    );
    let page = c.request("tools/list", json!({})).await.unwrap();
    assert_eq!(page["resultType"], "complete");
    let out = call(&c, "search", json!({"email": "a@b.c"})).await;
    assert_eq!(out.result()["resultType"], "complete");

    // A 2025 client naming 2026-07-28 in _meta gets the stateless rules for that request.
    let old = client();
    let page = old
        .request(
            "tools/list",
            json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                             "io.modelcontextprotocol/clientCapabilities": {}}}),
        )
        .await
        .unwrap();
    assert_eq!(page["resultType"], "complete");
    let err = old
        .request(
            "tools/list",
            json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "1999-01-01"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, -32022);
    assert_eq!(err.data.unwrap()["supported"][3], "2026-07-28");
}

#[tokio::test]
async fn a_2026_request_without_its_meta_fields_is_invalid_params() {
    let server = server();
    let cx = RequestContext::new().with_protocol_version(ProtocolVersion::V2026_07_28);
    for (params, missing) in [
        (json!({}), "no _meta"),
        (
            json!({"_meta": {"io.modelcontextprotocol/clientCapabilities": {}}}),
            "io.modelcontextprotocol/protocolVersion",
        ),
        (
            json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}),
            "io.modelcontextprotocol/clientCapabilities",
        ),
    ] {
        let request = Message::Request(Request {
            id: RequestId::Number(7),
            method: "server/discover".into(),
            params: Some(params),
            meta: None,
        });
        let response = server.handle(request, cx.clone()).await.unwrap();
        assert_eq!(response.id, Some(RequestId::Number(7)));
        let error = response.outcome.unwrap_err();
        assert_eq!(error.code, -32602);
        assert!(error.message.contains(missing), "{}", error.message);
    }
}

#[tokio::test]
async fn every_2026_result_names_the_server_in_its_meta() {
    let c = client().with_protocol_version(ProtocolVersion::V2026_07_28);
    let info = json!({"name": "test-server", "version": "0.0.1"});
    for (method, params) in [
        ("server/discover", json!({})),
        ("tools/list", json!({})),
        (
            "tools/call",
            json!({"name": "search", "arguments": {"email": "a@b.c"}}),
        ),
    ] {
        let result = c.request(method, params).await.unwrap();
        assert_eq!(
            result["_meta"]["io.modelcontextprotocol/serverInfo"], info,
            "{method}"
        );
    }
    let legacy = client().request("tools/list", json!({})).await.unwrap();
    assert!(legacy.get("_meta").is_none());
}

#[tokio::test]
async fn a_2026_call_logs_only_at_the_level_its_meta_names() {
    let server = Server::builder("s", "1")
        .tool(
            Tool::builder("chatty")
                .description("Logs.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    cx.log(LogLevel::Debug, "debug");
                    cx.log(LogLevel::Error, "error");
                    ToolResult::Ok(())
                }),
        )
        .build()
        .unwrap();
    let c = Client::new(server).with_protocol_version(ProtocolVersion::V2026_07_28);
    c.call("chatty", json!({})).await.unwrap();
    assert!(c.notifications().is_empty(), "no level asked, no logs");
    c.request(
        "tools/call",
        json!({"name": "chatty", "arguments": {},
               "_meta": {"io.modelcontextprotocol/logLevel": "warning"}}),
    )
    .await
    .unwrap();
    let levels: Vec<Value> = c
        .notifications()
        .iter()
        .map(|n| n.params.as_ref().unwrap()["level"].clone())
        .collect();
    assert_eq!(levels, [json!("error")]);
}

fn asking_server() -> Server {
    Server::builder("s", "1")
        .tool(
            Tool::builder("plan")
                .description("Asks for a name and a root at once, then for a colour.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let name = cx.request_client_keyed(
                        "name",
                        "elicitation/create",
                        json!({"message": "Name?", "requestedSchema": {"type": "object"}}),
                    );
                    let roots = cx.request_client_keyed("roots", "roots/list", json!({}));
                    let (name, roots) = futures::join!(name, roots);
                    let (name, roots) = (name.unwrap(), roots.unwrap());
                    let colour = cx
                        .request_client_keyed(
                            "colour",
                            "elicitation/create",
                            json!({"message": "Colour?", "requestedSchema": {"type": "object"}}),
                        )
                        .await
                        .unwrap();
                    ToolResult::Ok(format!(
                        "{} {} {}",
                        name["content"]["v"], roots["roots"][0], colour["content"]["v"]
                    ))
                }),
        )
        // A call stopped for input answers at once: no client cancelled it,
        // so no grace period applies (a wait would hit the tests' hang guard).
        .cancellation_grace(Duration::from_secs(24 * 3600))
        .build()
        .unwrap()
}

#[tokio::test]
async fn questions_asked_together_come_back_under_their_keys_round_by_round() {
    let c = Client::new(asking_server())
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"elicitation": {}, "roots": {}}));
    let first = tokio::time::timeout(
        Duration::from_secs(120),
        c.request("tools/call", json!({"name": "plan", "arguments": {}})),
    )
    .await
    .expect("an input_required answer does not wait for a grace period")
    .unwrap();
    assert_eq!(first["resultType"], "input_required");
    let asked = first["inputRequests"].as_object().unwrap();
    assert_eq!(asked.keys().collect::<Vec<_>>(), ["name", "roots"]);
    assert_eq!(asked["roots"]["method"], "roots/list");
    let second = c
        .request(
            "tools/call",
            json!({"name": "plan", "arguments": {}, "requestState": first["requestState"],
                   "inputResponses": {
                       "name": {"action": "accept", "content": {"v": "Ada"}},
                       "roots": {"roots": ["file:///r"]},
                       "unrelated": {"ignored": true}}}),
        )
        .await
        .unwrap();
    assert_eq!(second["resultType"], "input_required");
    assert_eq!(
        second["inputRequests"]["colour"]["method"],
        "elicitation/create"
    );
    assert_ne!(second["requestState"], first["requestState"]);
    let done = c
        .request(
            "tools/call",
            json!({"name": "plan", "arguments": {}, "requestState": second["requestState"],
                   "inputResponses": {"colour": {"action": "accept", "content": {"v": "red"}}}}),
        )
        .await
        .unwrap();
    assert_eq!(done["resultType"], "complete");
    assert_eq!(
        done["structuredContent"]["Data"],
        r#""Ada" "file:///r" "red""#
    );
}

#[tokio::test]
async fn a_question_the_client_cannot_answer_ends_the_request_with_32021() {
    let c = Client::new(asking_server())
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"elicitation": {}}));
    let error = c
        .request("tools/call", json!({"name": "plan", "arguments": {}}))
        .await
        .unwrap_err();
    assert_eq!(error.code, -32021);
    assert_eq!(
        error.data.unwrap(),
        json!({"requiredCapabilities": {"roots": {}}})
    );
}

#[tokio::test]
async fn an_answer_of_the_wrong_shape_is_invalid_params() {
    let c = Client::new(asking_server())
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"elicitation": {}, "roots": {}}));
    for (answers, named) in [
        (json!({"name": 12345}), "name"),
        (json!({"name": {"action": "maybe"}}), "name"),
        (json!({"roots": {"roots": "file:///r"}}), "roots"),
    ] {
        let error = c
            .request(
                "tools/call",
                json!({"name": "plan", "arguments": {}, "inputResponses": answers}),
            )
            .await
            .unwrap_err();
        assert_eq!(error.code, -32602);
        assert!(error.message.contains(named), "{}", error.message);
    }
    let error = c
        .request(
            "tools/call",
            json!({"name": "plan", "arguments": {}, "inputResponses": null}),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code, -32602);
}

#[test]
fn header_mirrors_are_checked_when_the_server_is_built() {
    let build = |tool: Tool| Server::builder("s", "1").tool(tool).build();
    let mirrored = |argument: &'static str, header: &'static str| {
        Tool::builder("send")
            .description("Sends.")
            .read_only()
            .header_param(argument, header)
            .handler(|s: Send, _: ToolContext| async move { ToolResult::Ok(s.thread_id) })
    };
    let server = build(mirrored("message", "Message")).unwrap();
    let schema = server.tool("send").unwrap().input_schema().clone();
    assert_eq!(schema["properties"]["message"]["x-mcp-header"], "Message");
    for (argument, header, says) in [
        ("missing", "Missing", "not a top-level argument"),
        ("message", "", "empty"),
        ("message", "My Message", "' '"),
        ("labels", "Labels", "only string, integer and boolean"),
        ("cc", "Cc", "only string, integer and boolean"),
    ] {
        let error = build(mirrored(argument, header)).unwrap_err();
        assert_eq!(error.kind(), BuildErrorKind::InvalidSchema);
        assert!(error.to_string().contains(says), "{error}");
    }
    let twice = Tool::builder("send")
        .description("Sends.")
        .read_only()
        .header_param("message", "Value")
        .header_param("channel", "value")
        .handler(|s: Send, _: ToolContext| async move { ToolResult::Ok(s.thread_id) });
    assert!(
        build(twice)
            .unwrap_err()
            .to_string()
            .contains("same header")
    );
}

// ---- registry ---------------------------------------------------------------------------

#[tokio::test]
async fn tools_list_pages_with_opaque_cursors() {
    let server = Server::builder("s", "1")
        .list_page_size(2)
        .tools([
            send_tool(),
            search_tool(),
            list_tool(),
            bulk_tool(),
            panic_tool(),
        ])
        .build()
        .unwrap();
    let c = Client::new(server);
    let first = c.request("tools/list", json!({})).await.unwrap();
    assert_eq!(first["tools"].as_array().unwrap().len(), 2);
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let second = c
        .request("tools/list", json!({"cursor": cursor}))
        .await
        .unwrap();
    assert_eq!(second["tools"][0]["name"], "list_numbers");
    let names: Vec<String> = c
        .list_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "send_reply",
            "search",
            "list_numbers",
            "tag_contacts",
            "explode"
        ]
    );
}

#[tokio::test]
async fn annotations_are_published() {
    let c = client();
    let tools = c.list_tools().await.unwrap();
    let by = |n: &str| tools.iter().find(|t| t["name"] == n).unwrap()["annotations"].clone();
    assert_eq!(
        by("send_reply"),
        json!({"readOnlyHint": false, "destructiveHint": true})
    );
    assert_eq!(by("search"), json!({"readOnlyHint": true}));
    assert_eq!(
        by("tag_contacts"),
        json!({"readOnlyHint": false, "destructiveHint": false})
    );
}

#[test]
fn bad_definitions_fail_the_build_clearly() {
    let noop = |name: &'static str| {
        Tool::builder(name)
            .description("A tool.")
            .read_only()
            .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok(()) })
    };
    let err = |b: mcp_tools::ServerBuilder| b.build().unwrap_err();
    let e = err(Server::builder("s", "1").tool(noop("has space")));
    assert_eq!(e.kind(), BuildErrorKind::InvalidName);
    assert!(e.to_string().contains("' '"), "{e}");
    let long: &'static str = Box::leak("x".repeat(65).into_boxed_str());
    assert_eq!(
        err(Server::builder("s", "1").tool(noop(long))).kind(),
        BuildErrorKind::InvalidName
    );
    assert!(
        Server::builder("s", "1")
            .tool(noop(Box::leak("x".repeat(64).into_boxed_str())))
            .build()
            .is_ok()
    );
    assert_eq!(
        err(Server::builder("s", "1").tool(noop(""))).kind(),
        BuildErrorKind::InvalidName
    );
    assert_eq!(
        err(Server::builder("s", "1").tool(noop("a")).tool(noop("a"))).kind(),
        BuildErrorKind::DuplicateName
    );
    let undescribed = Tool::builder("u")
        .read_only()
        .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok(()) });
    assert_eq!(
        err(Server::builder("s", "1").tool(undescribed)).kind(),
        BuildErrorKind::MissingDescription
    );
    let no_effect = Tool::builder("u")
        .description("d")
        .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok(()) });
    assert_eq!(
        err(Server::builder("s", "1").tool(no_effect)).kind(),
        BuildErrorKind::MissingEffect
    );
    let confirm_read = Tool::builder("u")
        .description("d")
        .read_only()
        .confirm()
        .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok(()) });
    assert_eq!(
        err(Server::builder("s", "1").tool(confirm_read)).kind(),
        BuildErrorKind::ConfirmWithoutWrite
    );
    let needs_state = Tool::builder("u")
        .description("d")
        .read_only()
        .uses::<mcp_tools::State<Arc<String>>>()
        .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok(()) });
    let e = err(Server::builder("s", "1").tool(needs_state));
    assert_eq!(e.kind(), BuildErrorKind::MissingState);
    assert!(
        e.to_string()
            .contains("alloc::sync::Arc<alloc::string::String>"),
        "{e}"
    );
    let scalar_args = Tool::builder("u")
        .description("d")
        .read_only()
        .handler(|_: String, _cx: ToolContext| async { ToolResult::Ok(()) });
    assert_eq!(
        err(Server::builder("s", "1").tool(scalar_args)).kind(),
        BuildErrorKind::InvalidSchema
    );
}

#[tokio::test]
async fn permitted_listing_and_scopes() {
    let scoped = Tool::builder("scoped")
        .description("Needs a scope.")
        .read_only()
        .scopes(["feedback:read"])
        .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok(()) });
    let server = Server::builder("s", "1")
        .tool_listing(ToolListing::Permitted)
        .tools([scoped, search_tool()])
        .build()
        .unwrap();
    let anonymous = Client::new(server.clone());
    assert_eq!(anonymous.list_tools().await.unwrap().len(), 1);
    let denied = call(&anonymous, "scoped", json!({})).await;
    assert_eq!(denied.error_code(), Some("Forbidden"));
    assert!(denied.error_message().unwrap().contains("feedback:read"));
    let reader = Client::new(server).with_caller(Caller::new("r").with_scopes(["feedback:read"]));
    assert_eq!(reader.list_tools().await.unwrap().len(), 2);
    assert!(!call(&reader, "scoped", json!({})).await.is_error());
}

#[tokio::test]
async fn caching_hints_come_with_2026_lists_and_discovery_only() {
    let server = Server::builder("cached", "0.0.1")
        .tool(search_tool())
        .tool_list_cache(CacheHints::public(Duration::from_secs(300)))
        .discovery_cache(CacheHints::private(Duration::from_millis(1500)))
        .build()
        .unwrap();
    let modern = Client::new(server.clone()).with_protocol_version(ProtocolVersion::V2026_07_28);
    let page = modern.request("tools/list", json!({})).await.unwrap();
    assert_eq!(
        (page["ttlMs"].clone(), page["cacheScope"].clone()),
        (json!(300_000), json!("public"))
    );
    let discovered = modern.request("server/discover", json!({})).await.unwrap();
    assert_eq!(
        (
            discovered["ttlMs"].clone(),
            discovered["cacheScope"].clone()
        ),
        (json!(1500), json!("private"))
    );

    let legacy = Client::new(server);
    let page = legacy.request("tools/list", json!({})).await.unwrap();
    assert!(page.get("ttlMs").is_none() && page.get("cacheScope").is_none());

    // Without configuration: stale at once and never shared.
    let plain = Client::new(
        Server::builder("plain", "0.0.1")
            .tool(search_tool())
            .build()
            .unwrap(),
    )
    .with_protocol_version(ProtocolVersion::V2026_07_28);
    let page = plain.request("tools/list", json!({})).await.unwrap();
    assert_eq!(
        (page["ttlMs"].clone(), page["cacheScope"].clone()),
        (json!(0), json!("private"))
    );
}

#[tokio::test]
async fn a_list_filtered_for_the_caller_is_never_public() {
    let server = Server::builder("filtered", "0.0.1")
        .tool(search_tool())
        .tool_listing(ToolListing::Permitted)
        .tool_list_cache(CacheHints::public(Duration::from_secs(60)))
        .build()
        .unwrap();
    let c = Client::new(server).with_protocol_version(ProtocolVersion::V2026_07_28);
    let page = c.request("tools/list", json!({})).await.unwrap();
    assert_eq!(
        (page["ttlMs"].clone(), page["cacheScope"].clone()),
        (json!(60_000), json!("private"))
    );
}

#[tokio::test]
async fn a_cancelled_tool_sees_it_and_winds_down_within_the_grace() {
    let started = Arc::new(tokio::sync::Notify::new());
    let cleaned_up = Arc::new(AtomicUsize::new(0));
    let server = Server::builder("s", "1")
        .state((started.clone(), cleaned_up.clone()))
        .tool(
            Tool::builder("export")
                .description("Works until cancelled, then tidies up.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let (started, cleaned_up) = cx
                        .state::<(Arc<tokio::sync::Notify>, Arc<AtomicUsize>)>()
                        .ok_or_else(|| ToolError::internal("no state"))?;
                    started.notify_one();
                    cx.cancelled().await;
                    // Cleanup that needs to await, as real cleanup does.
                    tokio::task::yield_now().await;
                    cleaned_up.fetch_add(1, Ordering::SeqCst);
                    ToolResult::Ok("stopped early")
                }),
        )
        .build()
        .unwrap();
    let signal = Cancellation::new();
    let client = Client::new(server);
    let call = client.request_with(
        "tools/call",
        json!({"name": "export", "arguments": {}}),
        RequestContext::new().with_cancellation(signal.clone()),
    );
    let cancel = async {
        started.notified().await;
        signal.cancel();
    };
    let (answer, ()) =
        tokio::time::timeout(Duration::from_secs(20), futures::future::join(call, cancel))
            .await
            .expect("the tool wound down");
    assert_eq!(
        cleaned_up.load(Ordering::SeqCst),
        1,
        "the tool's own cancellation branch ran"
    );
    let error = answer.unwrap_err();
    assert_eq!(
        error.code,
        jsonrpc::code::REQUEST_CANCELLED,
        "reported as cancelled: {error:?}"
    );
}
