//! How often a request asks the rate limiter, as a transport drives the
//! server: `admit`, then `handle` with the admitted context, then
//! `rate_after` for the headers. A limiter over a shared store pays a round
//! trip per question, so a lone tool call should ask once, and a confirmed
//! write once per request plus once for the verified token.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use mcp_tools::confirm::{MemoryReplayStore, ReplayStore};

use mcp_tools::rate::{
    Acquired, RateClass, RateExceeded, RateFuture, RateKey, RateLimiter, RateRefusal, RateStatus,
    WindowRateLimiter,
};
use mcp_tools::transport::jsonrpc::{self, Message, Response};
use mcp_tools::transport::{Carriage, Credentials, Refusal, RequestContext};
use mcp_tools::{
    Caller, Confirmation, FromToolContext, NoArguments, Server, Tool, ToolContext, ToolError,
    ToolResult,
};
use serde_json::{Value, json};

/// What the server asked the limiter, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Take(RateClass),
    Status,
}

/// A [`WindowRateLimiter`] that records every question, as a store-backed
/// limiter would count round trips.
#[derive(Clone)]
struct Counting {
    inner: Arc<WindowRateLimiter>,
    asked: Arc<Mutex<Vec<Asked>>>,
    /// A class refused whatever the budget: a write budget spent by another
    /// replica between a call's admission and its verified token.
    refused: Option<RateClass>,
}

impl Counting {
    fn new(limiter: WindowRateLimiter) -> Self {
        Self {
            inner: Arc::new(limiter),
            asked: Arc::default(),
            refused: None,
        }
    }

    fn refusing(mut self, class: RateClass) -> Self {
        self.refused = Some(class);
        self
    }

    fn drain(&self) -> Vec<Asked> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

impl RateLimiter for Counting {
    fn acquire<'a>(
        &'a self,
        caller: Option<&'a Caller>,
        class: RateClass,
    ) -> RateFuture<'a, Acquired> {
        self.asked.lock().unwrap().push(Asked::Take(class));
        if self.refused == Some(class) {
            let spent = RateStatus::new(1, 0, Duration::from_secs(60));
            let exceeded = RateExceeded::new(class, spent, Duration::from_secs(3600));
            return RateFuture::ready(Err(RateRefusal::Exceeded(exceeded)));
        }
        self.inner.acquire(caller, class)
    }

    fn status<'a>(&'a self, caller: Option<&'a Caller>) -> RateFuture<'a, Option<RateStatus>> {
        self.asked.lock().unwrap().push(Asked::Status);
        self.inner.status(caller)
    }
}

/// What the server asked the replay store, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    IsUsed,
    Mark,
    Release,
}

/// A [`MemoryReplayStore`] that records every question, as a shared store
/// would count round trips.
#[derive(Clone, Default)]
struct CountingReplay {
    inner: Arc<MemoryReplayStore>,
    asked: Arc<Mutex<Vec<Replay>>>,
}

impl CountingReplay {
    fn drain(&self) -> Vec<Replay> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

impl ReplayStore for CountingReplay {
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>> {
        self.asked.lock().unwrap().push(Replay::IsUsed);
        self.inner.is_used(nonce)
    }

    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>> {
        self.asked.lock().unwrap().push(Replay::Mark);
        self.inner.mark_used(nonce, expires_at)
    }

    fn release<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<(), ToolError>> {
        self.asked.lock().unwrap().push(Replay::Release);
        self.inner.release(nonce)
    }
}

fn server(limiter: &Counting) -> Server {
    server_with(limiter, &CountingReplay::default())
}

/// `wipe` fails before its preview while `fail` holds true.
fn server_with(limiter: &Counting, replay: &CountingReplay) -> Server {
    server_failing(limiter, replay, Arc::default())
}

fn server_failing(limiter: &Counting, replay: &CountingReplay, fail: Arc<Mutex<bool>>) -> Server {
    Server::builder("rate", "1.0.0")
        .rate_limiter(limiter.clone())
        .replay_store(replay.clone())
        .confirmation_secret([7u8; 32])
        .tool(
            Tool::builder("look")
                .description("Reads nothing.")
                .read_only()
                .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) }),
        )
        .tool(
            Tool::builder("wipe")
                .description("Wipes nothing, after a dry run.")
                .destructive()
                .confirm()
                .handler(move |_: NoArguments, cx: ToolContext| {
                    let fail = *fail.lock().unwrap();
                    async move {
                        if fail {
                            return Err(ToolError::service_unavailable("the backend is away"));
                        }
                        let confirmation = Confirmation::from_tool_context(&cx)?;
                        confirmation.preview(&json!({"wipes": "nothing"})).await?;
                        ToolResult::Ok(())
                    }
                }),
        )
        .build()
        .unwrap()
}

fn alice() -> Credentials {
    Credentials::Valid {
        caller: Caller::new("alice"),
        step_up: false,
    }
}

fn call(id: u64, tool: &str, arguments: Value) -> Message {
    jsonrpc::from_value(json!({
        "jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments}
    }))
    .unwrap()
}

/// Serves one request body as the HTTP transport does; the envelope of the
/// answer and the status its headers would report.
async fn serve(server: &Server, message: Message) -> Result<(Value, RateStatus), Refusal> {
    let admitted = server
        .admit(&[&message], alice(), Carriage::sessionless())
        .await?;
    let cx = RequestContext::new().with_admitted(&admitted);
    let answer = server.handle(message, cx).await.unwrap();
    let headers = server.rate_after(&admitted, false).await.unwrap();
    Ok((structured(&answer), headers))
}

/// The envelope of a tool's answer (its text block); `null` for a protocol
/// error.
fn structured(answer: &Response) -> Value {
    answer.result_value().map_or(Value::Null, |result| {
        serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap()
    })
}

#[tokio::test]
async fn a_lone_call_asks_the_limiter_once() {
    let limiter = Counting::new(WindowRateLimiter::new(10, Duration::from_secs(3600)));
    let server = server(&limiter);
    let (envelope, headers) = serve(&server, call(1, "look", json!({}))).await.unwrap();
    assert_eq!(envelope["Success"], true);
    assert_eq!(limiter.drain(), [Asked::Take(RateClass::Call)]);
    // The headers report the take's own answer: the call counted, once.
    assert_eq!((headers.limit, headers.remaining), (10, 9));
    let (_, headers) = serve(&server, call(2, "look", json!({}))).await.unwrap();
    assert_eq!(headers.remaining, 8);
    assert_eq!(limiter.drain(), [Asked::Take(RateClass::Call)]);
}

#[tokio::test]
async fn a_confirmed_write_asks_once_per_request_and_once_for_its_token() {
    let limiter = Counting::new(
        WindowRateLimiter::new(10, Duration::from_secs(3600))
            .destructive_budget(5, Duration::from_secs(3600)),
    );
    let server = server(&limiter);
    let (dry_run, headers) = serve(&server, call(1, "wipe", json!({}))).await.unwrap();
    assert_eq!(limiter.drain(), [Asked::Take(RateClass::Call)]);
    assert_eq!(headers.remaining, 9);
    let token = dry_run["Data"]["ConfirmationToken"].as_str().unwrap();
    let confirm = call(2, "wipe", json!({"confirmationToken": token}));
    let (done, headers) = serve(&server, confirm).await.unwrap();
    assert_eq!(done["Success"], true, "{done}");
    assert_eq!(
        limiter.drain(),
        [
            Asked::Take(RateClass::Confirmation),
            Asked::Take(RateClass::Confirmed)
        ]
    );
    assert_eq!(headers.remaining, 8);
}

#[tokio::test]
async fn a_spent_write_budget_is_the_calls_result_and_costs_no_call() {
    let limiter = Counting::new(
        WindowRateLimiter::new(10, Duration::from_secs(3600))
            .destructive_budget(1, Duration::from_secs(3600))
            .key_by(RateKey::Caller),
    );
    let server = server(&limiter);
    let mut tokens = Vec::new();
    for id in 0..2 {
        let (dry_run, _) = serve(&server, call(id, "wipe", json!({}))).await.unwrap();
        tokens.push(dry_run["Data"]["ConfirmationToken"].clone());
    }
    let (first, _) = serve(
        &server,
        call(5, "wipe", json!({"confirmationToken": tokens[0]})),
    )
    .await
    .unwrap();
    assert_eq!(first["Success"], true);
    limiter.drain();
    // The write budget is spent: the call is answered, not refused at
    // admission, with the message that names the write budget, and the
    // general budget the headers report is untouched by it.
    let (second, headers) = serve(
        &server,
        call(6, "wipe", json!({"confirmationToken": tokens[1]})),
    )
    .await
    .unwrap();
    assert_eq!(second["ErrorCode"], "RateLimited");
    assert!(
        second["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("destructive calls"),
        "{second}"
    );
    assert_eq!(
        limiter.drain(),
        [Asked::Take(RateClass::Confirmation), Asked::Status]
    );
    assert_eq!(headers.remaining, 7);
}

#[tokio::test]
async fn a_spent_general_budget_refuses_the_request_at_admission() {
    let limiter = Counting::new(WindowRateLimiter::new(1, Duration::from_secs(3600)));
    let server = server(&limiter);
    serve(&server, call(1, "look", json!({}))).await.unwrap();
    let refused = serve(&server, call(2, "look", json!({})))
        .await
        .unwrap_err();
    let Refusal::RateLimited(status) = refused else {
        panic!("expected a rate refusal, got {refused:?}");
    };
    assert_eq!(status.remaining, 0);
}

#[tokio::test]
async fn calls_the_pipeline_refuses_before_the_budget_are_not_taken_from() {
    let limiter = Counting::new(WindowRateLimiter::new(10, Duration::from_secs(3600)));
    let server = server(&limiter);
    // A token that cannot be one is refused before the budget is touched.
    let (refused, headers) = serve(&server, call(1, "wipe", json!({"confirmationToken": 7})))
        .await
        .unwrap();
    assert_eq!(refused["ErrorCode"], "InvalidArguments");
    assert_eq!(headers.remaining, 10);
    // An unknown tool (a protocol error) likewise.
    let (_, headers) = serve(&server, call(2, "nope", json!({}))).await.unwrap();
    assert_eq!(headers.remaining, 10);
}

#[tokio::test]
async fn a_context_without_admission_takes_in_the_pipeline() {
    // The in-process client (and a transport that hands over only the
    // caller) never admits: the pipeline takes the call itself, once.
    let limiter = Counting::new(WindowRateLimiter::new(10, Duration::from_secs(3600)));
    let server = server(&limiter);
    let cx = RequestContext::new().with_caller(Caller::new("alice"));
    let answer = server.handle(call(1, "look", json!({})), cx).await.unwrap();
    assert_eq!(structured(&answer)["Success"], true);
    assert_eq!(limiter.drain(), [Asked::Take(RateClass::Call)]);
    let status = server
        .rate_status(Some(&Caller::new("alice")))
        .await
        .unwrap();
    assert_eq!(status.remaining, 9);
}

#[tokio::test]
async fn a_confirmed_write_marks_its_token_in_one_store_operation() {
    let limiter = Counting::new(WindowRateLimiter::new(10, Duration::from_secs(3600)));
    let replay = CountingReplay::default();
    let server = server_with(&limiter, &replay);
    let (dry_run, _) = serve(&server, call(1, "wipe", json!({}))).await.unwrap();
    assert_eq!(replay.drain(), []);
    let token = dry_run["Data"]["ConfirmationToken"].clone();
    let confirm = || call(2, "wipe", json!({"confirmationToken": token}));
    let (done, _) = serve(&server, confirm()).await.unwrap();
    assert_eq!(done["Success"], true);
    assert_eq!(replay.drain(), [Replay::Mark]);
    // A replay is refused by that same one operation.
    let (again, _) = serve(&server, confirm()).await.unwrap();
    assert_eq!(again["ErrorCode"], "ConfirmationAlreadyUsed");
    assert_eq!(replay.drain(), [Replay::Mark]);
}

#[tokio::test]
async fn a_write_refused_by_its_budget_gives_its_token_back() {
    let limiter = Counting::new(
        WindowRateLimiter::new(10, Duration::from_secs(3600))
            .destructive_budget(5, Duration::from_secs(3600)),
    )
    .refusing(RateClass::Confirmed);
    let replay = CountingReplay::default();
    let server = server_with(&limiter, &replay);
    let (dry_run, _) = serve(&server, call(1, "wipe", json!({}))).await.unwrap();
    let token = dry_run["Data"]["ConfirmationToken"].clone();
    let (refused, _) = serve(
        &server,
        call(2, "wipe", json!({"confirmationToken": token})),
    )
    .await
    .unwrap();
    assert_eq!(refused["ErrorCode"], "RateLimited");
    assert_eq!(replay.drain(), [Replay::Mark, Replay::Release]);
    assert_eq!(
        limiter.drain(),
        [
            Asked::Take(RateClass::Call),
            Asked::Take(RateClass::Confirmation),
            Asked::Take(RateClass::Confirmed),
            // A refusal reports the write budget: the headers read the general one.
            Asked::Status,
        ]
    );
    // The token is usable again: refused now by the same budget, not as used.
    let (again, _) = serve(
        &server,
        call(3, "wipe", json!({"confirmationToken": token})),
    )
    .await
    .unwrap();
    assert_eq!(again["ErrorCode"], "RateLimited");
}

#[tokio::test]
async fn a_tool_that_fails_before_its_preview_gives_its_token_back() {
    let limiter = Counting::new(WindowRateLimiter::new(10, Duration::from_secs(3600)));
    let replay = CountingReplay::default();
    let fail = Arc::new(Mutex::new(false));
    let server = server_failing(&limiter, &replay, fail.clone());
    let (dry_run, _) = serve(&server, call(1, "wipe", json!({}))).await.unwrap();
    let token = dry_run["Data"]["ConfirmationToken"].clone();
    let confirm = || call(2, "wipe", json!({"confirmationToken": token}));
    *fail.lock().unwrap() = true;
    let (failed, _) = serve(&server, confirm()).await.unwrap();
    assert_eq!(failed["ErrorCode"], "ServiceUnavailable");
    assert_eq!(replay.drain(), [Replay::Mark, Replay::Release]);
    // The same token works once the tool does.
    *fail.lock().unwrap() = false;
    let (done, _) = serve(&server, confirm()).await.unwrap();
    assert_eq!(done["Success"], true, "{done}");
    assert_eq!(replay.drain(), [Replay::Mark]);
}
