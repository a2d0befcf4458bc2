//! `RedisRateLimiter` plugged into the core with `ServerBuilder::rate_limiter`:
//! every rate class the call pipeline uses (confirmations included) answers
//! as in memory, and a Redis lost mid-test fails the writes closed with a
//! retryable error (`ServiceUnavailable` in the envelope; HTTP 503 with
//! `Retry-After` at admission).

use std::time::Duration;

use mcp_test_client::send;
use mcp_tools::rate::{RateClass, RateKey, RateLimiter, RateRefusal, WindowRateLimiter};
use mcp_tools::{Caller, Client};
use mcp_tools_redis::{Outage, RedisRateLimiter, RedisReplayStore};
use mcp_transport_http::{McpService, serve};
use serde_json::json;

use crate::app::writer;
use crate::server::redis_or_skip;

const HOUR: Duration = Duration::from_secs(3600);

fn acme(id: &str) -> Caller {
    Caller::new(id).with_account("acme")
}

/// What one step answered: the class and remaining count of a refusal, or
/// the remaining count of the general budget after a taken call.
async fn step(limiter: &dyn RateLimiter, caller: Option<&Caller>, class: RateClass) -> String {
    match limiter.acquire(caller, class).await {
        Ok(status) => format!("taken, {} left", status.unwrap().remaining),
        Err(RateRefusal::Exceeded(exceeded)) => format!(
            "refused by {:?} ({} of {} left, {})",
            exceeded.class,
            exceeded.status.remaining,
            exceeded.status.limit,
            exceeded.to_tool_error().code().as_str()
        ),
        Err(other) => panic!("{other:?}"),
    }
}

/// [`step`] with `None` standing for a verified token's call and write,
/// taken at once (`RateLimiter::acquire_confirmed`).
async fn step_or_confirmed(
    limiter: &dyn RateLimiter,
    caller: Option<&Caller>,
    class: Option<RateClass>,
) -> String {
    let Some(class) = class else {
        return match limiter.acquire_confirmed(caller).await {
            Ok(status) => format!("confirmed, {} left", status.unwrap().remaining),
            Err(RateRefusal::Exceeded(exceeded)) => format!(
                "confirmed refused by {:?} ({} of {} left)",
                exceeded.class, exceeded.status.remaining, exceeded.status.limit,
            ),
            Err(other) => panic!("{other:?}"),
        };
    };
    step(limiter, caller, class).await
}

/// The script's verified-token class answers as the in-memory limiter's
/// two takes would, in one round trip.
#[tokio::test]
async fn a_verified_token_is_taken_as_in_memory_in_one_script() {
    let server = redis_or_skip!();
    let window = Duration::from_secs(600);
    let memory = WindowRateLimiter::new(4, HOUR)
        .destructive_budget(1, window)
        .failed_confirmation_budget(1, window);
    let shared = RedisRateLimiter::new(
        &mcp_tools_redis::Redis::builder(server.url())
            .key_prefix("verified:")
            .connect()
            .await
            .unwrap(),
        4,
        HOUR,
    )
    .destructive_budget(1, window)
    .failed_confirmation_budget(1, window);
    let (alice, bob, solo) = (acme("alice"), acme("bob"), Caller::new("solo"));
    let steps: Vec<(Option<&Caller>, Option<RateClass>)> = vec![
        // A write, then the account's write budget is spent.
        (Some(&alice), None),
        (Some(&bob), None),
        // A refused token spends Alice's guessing budget; then no token of
        // hers is taken, right or wrong.
        (Some(&alice), Some(RateClass::FailedConfirmation)),
        (Some(&alice), None),
        // Another caller: the general budget runs out under it.
        (Some(&solo), Some(RateClass::Call)),
        (Some(&solo), Some(RateClass::Call)),
        (Some(&solo), Some(RateClass::Call)),
        (Some(&solo), None),
        (Some(&solo), None),
        (None, None),
        (None, None),
    ];
    for (n, (caller, class)) in steps.into_iter().enumerate() {
        let expected = step_or_confirmed(&memory, caller, class).await;
        let got = step_or_confirmed(&shared, caller, class).await;
        assert_eq!(got, expected, "step {n}: {caller:?} {class:?}");
    }
}

#[tokio::test]
async fn confirmation_classes_answer_as_in_memory() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let window = Duration::from_secs(600);
    for key in [RateKey::AccountOrCaller, RateKey::Caller] {
        let memory = WindowRateLimiter::new(100, HOUR)
            .destructive_budget(1, window)
            .failed_confirmation_budget(2, window)
            .key_by(key);
        let prefix = format!("confirm-{key:?}:");
        let shared = RedisRateLimiter::new(
            &mcp_tools_redis::Redis::builder(server.url())
                .key_prefix(prefix)
                .connect()
                .await
                .unwrap(),
            100,
            HOUR,
        )
        .destructive_budget(1, window)
        .failed_confirmation_budget(2, window)
        .key_by(key);
        let (alice, bob) = (acme("alice"), acme("bob"));
        let steps: Vec<(Option<&Caller>, RateClass)> = vec![
            // Alice guesses twice: each guess is a call and a refused token.
            (Some(&alice), RateClass::Confirmation),
            (Some(&alice), RateClass::FailedConfirmation),
            (Some(&alice), RateClass::Confirmation),
            (Some(&alice), RateClass::FailedConfirmation),
            // Her guessing budget is spent: refused before the token is read.
            (Some(&alice), RateClass::Confirmation),
            (Some(&alice), RateClass::FailedConfirmation),
            // Bob of the same account still confirms, once.
            (Some(&bob), RateClass::Confirmation),
            (Some(&bob), RateClass::Confirmed),
            (Some(&bob), RateClass::Confirmed),
            // The write budget is spent (per account, or Bob's own).
            (Some(&bob), RateClass::Confirmation),
            (Some(&bob), RateClass::Call),
            (Some(&alice), RateClass::Destructive),
            (None, RateClass::Confirmation),
            (None, RateClass::FailedConfirmation),
            (None, RateClass::Confirmed),
            (None, RateClass::Confirmed),
        ];
        for (n, (caller, class)) in steps.into_iter().enumerate() {
            let expected = step(&memory, caller, class).await;
            let got = step(&shared, caller, class).await;
            assert_eq!(got, expected, "{key:?} step {n}: {caller:?} {class:?}");
        }
    }
    let _ = redis;
}

#[tokio::test]
async fn a_budget_set_with_the_builder_is_shared_and_fails_closed_when_redis_dies() {
    let mut redis_server = redis_or_skip!();
    let redis = mcp_tools_redis::Redis::builder(redis_server.url())
        .command_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap();
    let limiter = || {
        RedisRateLimiter::new(&redis, 100, HOUR)
            .destructive_budget(2, HOUR)
            .timeout(Duration::from_millis(200))
    };
    let first = writer(limiter(), RedisReplayStore::new(&redis));
    let one = Client::new(first.clone()).with_caller(acme("u1"));
    let two = Client::new(writer(limiter(), RedisReplayStore::new(&redis))).with_caller(acme("u1"));

    // Two confirmed writes, dry run on one replica, confirmed on the other.
    for _ in 0..2 {
        let dry = one.call("archive", json!({})).await.unwrap();
        let token = dry.data().unwrap()["ConfirmationToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let done = two
            .call("archive", json!({"confirmationToken": token}))
            .await
            .unwrap();
        assert!(!done.is_error(), "{:?}", done.envelope());
    }
    // The account's two writes are spent on both replicas: a third token is
    // refused, and nothing is taken for it.
    let dry = two.call("archive", json!({})).await.unwrap();
    let token = dry.data().unwrap()["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = one
        .call("archive", json!({"confirmationToken": token}))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("RateLimited"));
    let status = first.rate_status(Some(&acme("u1"))).await.unwrap();
    // 2 × (dry run + confirmation) + a dry run; the refused confirmation
    // took nothing.
    assert_eq!(status.remaining, 100 - 5);

    // Redis is lost: writes fail closed with a retryable error, reads go on.
    redis_server.kill();
    let dry = one.call("archive", json!({})).await.unwrap();
    assert!(
        !dry.is_error(),
        "a dry run is no write: {:?}",
        dry.envelope()
    );
    let token = dry.data().unwrap()["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = two
        .call("archive", json!({"confirmationToken": token}))
        .await
        .unwrap();
    assert_eq!(refused.error_code(), Some("ServiceUnavailable"));
    let message = refused.error_message().unwrap();
    assert!(message.contains("Nothing was done"), "{message}");
    // The token is marked used first, so the replay store is what fails.
    assert!(message.contains("retry the same call with it"), "{message}");
    let read = one.call("read", json!({})).await.unwrap();
    assert!(!read.is_error(), "{:?}", read.envelope());
    assert_eq!(first.rate_status(Some(&acme("u1"))).await, None);
}

#[tokio::test]
async fn http_admission_answers_503_with_retry_after_while_redis_is_gone() {
    let mut redis_server = redis_or_skip!();
    let redis = mcp_tools_redis::Redis::builder(redis_server.url())
        .command_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap();
    let limiter = RedisRateLimiter::new(&redis, 100, HOUR).on_outage(Outage::RefuseAll);
    let service = McpService::builder(writer(limiter, RedisReplayStore::new(&redis))).build();
    let serving = serve(service, "127.0.0.1:0").await.unwrap();
    let addr = serving.local_addr();
    let headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        (
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
        ("mcp-protocol-version".to_owned(), "2025-11-25".to_owned()),
    ];
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string();
    let listed = send(addr, "POST", "/mcp", &headers, &list).await;
    assert_eq!(listed.status, 200, "{}", listed.body);

    redis_server.kill();
    let refused = send(addr, "POST", "/mcp", &headers, &list).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.header("retry-after"), Some("2"));
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["error"]["code"], -32603, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("rate limit could not be checked"),
        "{message}"
    );
    assert!(message.contains("Retry in 2 s"), "{message}");

    // Back: served again, without a restart of the replica.
    redis_server.restart();
    let mut status = http::StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = send(addr, "POST", "/mcp", &headers, &list).await.status;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200);
    serving.shutdown(Duration::from_secs(1)).await;
}
