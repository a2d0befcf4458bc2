//! A replay store that marks a token and charges its call in one step
//! (`ReplayStore::mark_used_charging`), as a store sharing its database with
//! the rate limiter does: the pipeline asks it once per confirmation, and
//! never its `mark_used`; what it answers is what the client gets.

#![allow(clippy::unwrap_used)]

use std::any::Any;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_tools::confirm::{MemoryReplayStore, ReplayStore, TokenCharge, VerifiedToken};
use mcp_tools::rate::{RateClass, RateLimiter, WindowRateLimiter};
use mcp_tools::{
    Caller, Client, Confirmation, FromToolContext, NoArguments, Server, Tool, ToolContext,
    ToolError, ToolResult,
};
use serde_json::json;

const HOUR: Duration = Duration::from_secs(3600);

/// Marks and charges under one lock, when the server's limiter is a
/// [`WindowRateLimiter`]; records what it was asked.
#[derive(Clone, Default)]
struct OneStep {
    used: Arc<MemoryReplayStore>,
    lock: Arc<Mutex<()>>,
    asked: Arc<Mutex<Vec<&'static str>>>,
    down: bool,
}

impl OneStep {
    fn asked(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }

    fn charge(
        &self,
        token: VerifiedToken<'_>,
        caller: Option<&Caller>,
        limiter: &WindowRateLimiter,
    ) -> TokenCharge {
        let _one_step = self.lock.lock().unwrap();
        let take = |class| limiter.acquire(caller, class).now_or_never().unwrap();
        let mark = self.used.mark_used(token.nonce, token.expires_at);
        if !mark.now_or_never().unwrap().unwrap() {
            return match take(RateClass::FailedConfirmation) {
                Ok(status) => TokenCharge::AlreadyUsed(status),
                Err(refusal) => TokenCharge::Charged(Err(refusal)),
            };
        }
        let acquired = if token.destructive {
            limiter.acquire_confirmed(caller).now_or_never().unwrap()
        } else {
            take(RateClass::Confirmation)
        };
        if acquired.is_err() {
            self.used
                .release(token.nonce)
                .now_or_never()
                .unwrap()
                .unwrap();
        }
        TokenCharge::Charged(acquired)
    }
}

impl ReplayStore for OneStep {
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>> {
        self.asked.lock().unwrap().push("is_used");
        self.used.is_used(nonce)
    }

    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>> {
        self.asked.lock().unwrap().push("mark_used");
        self.used.mark_used(nonce, expires_at)
    }

    fn release<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<(), ToolError>> {
        self.asked.lock().unwrap().push("release");
        self.used.release(nonce)
    }

    fn mark_used_charging<'a>(
        &'a self,
        token: VerifiedToken<'a>,
        caller: Option<&'a Caller>,
        limiter: &'a dyn RateLimiter,
    ) -> Option<BoxFuture<'a, Result<TokenCharge, ToolError>>> {
        let limiter: &dyn Any = limiter;
        let limiter = limiter.downcast_ref::<WindowRateLimiter>()?;
        self.asked.lock().unwrap().push("mark_used_charging");
        let answer = if self.down {
            Err(ToolError::service_unavailable(
                "The confirmation could not be recorded: the store is down. Nothing was done",
            ))
        } else {
            Ok(self.charge(token, caller, limiter))
        };
        Some(Box::pin(std::future::ready(answer)))
    }
}

/// A server with one destructive confirm tool, `archive`, that counts its
/// runs; with a limiter allowing `writes` writes, or none.
fn server(store: OneStep, writes: Option<u32>) -> (Server, Arc<Mutex<u32>>) {
    let archived = Arc::new(Mutex::new(0));
    let count = archived.clone();
    let mut builder = Server::builder("crm", "1.0.0").replay_store(store);
    if let Some(writes) = writes {
        builder = builder
            .rate_limiter(WindowRateLimiter::new(100, HOUR).destructive_budget(writes, HOUR));
    }
    let server = builder
        .tool(
            Tool::builder("archive")
                .description("Archives the workspace. Dry run first; confirm with the token.")
                .destructive()
                .confirm()
                .uses::<Confirmation>()
                .handler(move |_: NoArguments, cx: ToolContext| {
                    let count = count.clone();
                    async move {
                        let confirm = Confirmation::from_tool_context(&cx)?;
                        confirm.preview(&json!({"archive": true})).await?;
                        *count.lock().unwrap() += 1;
                        ToolResult::Ok("archived")
                    }
                }),
        )
        .build()
        .unwrap();
    (server, archived)
}

async fn dry_run(client: &Client) -> String {
    let dry = client.call("archive", json!({})).await.unwrap();
    dry.data().unwrap()["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_pipeline_asks_a_one_step_store_once_per_confirmation() {
    let store = OneStep::default();
    let (server, archived) = server(store.clone(), Some(1));
    let client = Client::new(server).with_caller(Caller::new("u1"));

    let token = dry_run(&client).await;
    let done = client
        .call("archive", json!({"confirmationToken": &token}))
        .await
        .unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(store.asked(), ["mark_used_charging"]);
    assert_eq!(*archived.lock().unwrap(), 1);

    // Its answers are the client's: a used token, then a spent write budget
    // (which leaves the token unmarked).
    let replay = client
        .call("archive", json!({"confirmationToken": &token}))
        .await
        .unwrap();
    assert_eq!(replay.error_code(), Some("ConfirmationAlreadyUsed"));
    let token = dry_run(&client).await;
    let refused = client
        .call("archive", json!({"confirmationToken": &token}))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("RateLimited"));
    assert_eq!(
        store.asked(),
        ["mark_used_charging", "mark_used_charging"],
        "no mark to give back: the store marked nothing"
    );
    assert_eq!(*archived.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_one_step_store_that_fails_refuses_the_call_with_its_error() {
    let store = OneStep {
        down: true,
        ..OneStep::default()
    };
    let (server, archived) = server(store.clone(), Some(10));
    let client = Client::new(server).with_caller(Caller::new("u1"));
    let token = dry_run(&client).await;
    let refused = client
        .call("archive", json!({"confirmationToken": &token}))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("ServiceUnavailable"));
    assert!(
        refused
            .error_message()
            .unwrap()
            .contains("the store is down"),
        "{:?}",
        refused.envelope()
    );
    assert_eq!(store.asked(), ["mark_used_charging"]);
    assert_eq!(*archived.lock().unwrap(), 0);
}

#[tokio::test]
async fn without_a_limiter_the_token_is_only_marked() {
    let store = OneStep::default();
    let (server, archived) = server(store.clone(), None);
    let client = Client::new(server);
    let token = dry_run(&client).await;
    let done = client
        .call("archive", json!({"confirmationToken": token}))
        .await
        .unwrap();
    assert!(!done.is_error(), "{:?}", done.envelope());
    assert_eq!(store.asked(), ["mark_used"]);
    assert_eq!(*archived.lock().unwrap(), 1);
}
