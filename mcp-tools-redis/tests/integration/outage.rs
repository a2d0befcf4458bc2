//! Redis lost or slow while serving: writes fail closed with a retryable
//! error within the command timeout, nothing panics, and service comes back
//! with Redis.

use std::time::{Duration, Instant, SystemTime};

use mcp_tools::Caller;
use mcp_tools::confirm::ReplayStore;
use mcp_tools::rate::{RateClass, RateLimiter, RateRefusal};
use mcp_tools_redis::{Outage, Redis, RedisRateLimiter, RedisReplayStore};

use crate::server::redis_or_skip;

const TIMEOUT: Duration = Duration::from_millis(200);

async fn connect(url: String) -> Redis {
    Redis::builder(url)
        .command_timeout(TIMEOUT)
        .connect()
        .await
        .unwrap()
}

fn in_minutes(n: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(60 * n)
}

/// The answer, and a check that it came within the command timeout (and a
/// margin for a loaded machine).
async fn bounded<T>(what: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let answer = what.await;
    let took = started.elapsed();
    assert!(took < TIMEOUT + Duration::from_millis(800), "took {took:?}");
    answer
}

#[tokio::test]
async fn confirmations_fail_closed_while_redis_is_gone_and_work_once_it_is_back() {
    let mut server = redis_or_skip!();
    let store = RedisReplayStore::new(&connect(server.url()).await);
    assert!(store.mark_used(b"before", in_minutes(5)).await.unwrap());

    server.kill();
    for _ in 0..3 {
        let error = bounded(store.mark_used(b"during", in_minutes(5)))
            .await
            .unwrap_err();
        assert_eq!(error.code().as_str(), "ServiceUnavailable");
        let message = error.message();
        assert!(message.contains("Nothing was done"), "{message}");
        assert!(message.contains("retry the same call"), "{message}");
        let error = bounded(store.is_used(b"during")).await.unwrap_err();
        assert_eq!(error.code().as_str(), "ServiceUnavailable");
        assert!(error.message().contains("Retry the same call"), "{error}");
    }

    // An empty Redis on the same address: the connection comes back by itself.
    server.restart();
    let mut marked = None;
    for _ in 0..50 {
        match store.mark_used(b"after", in_minutes(5)).await {
            Ok(first) => {
                marked = Some(first);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert_eq!(marked, Some(true), "the store did not recover");
    assert!(store.is_used(b"after").await.unwrap());
}

#[tokio::test]
async fn a_slow_redis_times_out_and_the_token_stays_usable() {
    let server = redis_or_skip!();
    let redis = connect(server.url()).await;
    let store = RedisReplayStore::new(&redis);
    // Redis holds every client's commands for 700 ms: the marker's write is
    // queued, carried out after our timeout, then withdrawn.
    let _: () = server.command(&["CLIENT", "PAUSE", "700"]);
    let error = bounded(store.mark_used(b"slow", in_minutes(5)))
        .await
        .unwrap_err();
    assert_eq!(error.code().as_str(), "ServiceUnavailable");
    assert!(error.message().contains("did not answer within"), "{error}");

    // Once the pause is over, the write lands, and so does its withdrawal.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let keys: Vec<String> = server.command(&["KEYS", "mcp:replay:*"]);
        if keys.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the unanswered marker stayed: {keys:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Nothing ran, so the same token confirms now, once.
    assert!(store.mark_used(b"slow", in_minutes(5)).await.unwrap());
    assert!(!store.mark_used(b"slow", in_minutes(5)).await.unwrap());
}

#[tokio::test]
async fn rate_limits_refuse_writes_and_let_reads_through_while_redis_is_gone() {
    let mut server = redis_or_skip!();
    let redis = connect(server.url()).await;
    let limiter = RedisRateLimiter::new(&redis, 100, Duration::from_secs(60))
        .destructive_budget(10, Duration::from_secs(60));
    let strict =
        RedisRateLimiter::new(&redis, 100, Duration::from_secs(60)).on_outage(Outage::RefuseAll);
    let caller = Caller::new("u1").with_account("acme");
    let status = limiter
        .acquire(Some(&caller), RateClass::Call)
        .await
        .unwrap();
    assert_eq!(status.unwrap().remaining, 99);

    server.kill();
    let refused = bounded(limiter.acquire(Some(&caller), RateClass::Destructive))
        .await
        .unwrap_err();
    let RateRefusal::Unavailable { error, retry_after } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(error.code().as_str(), "ServiceUnavailable");
    assert!(error.message().contains("Retry in 2 s"), "{error}");
    assert!(
        error.message().contains("Read-only tools still work"),
        "{error}"
    );
    assert_eq!(*retry_after, Duration::from_secs(2));
    assert_eq!(refused.retry_after(), Duration::from_secs(2));

    // Other calls and requests go on, uncounted, and report no budget.
    for class in [RateClass::Call, RateClass::Request] {
        let admitted = bounded(limiter.acquire(Some(&caller), class)).await;
        assert_eq!(admitted, Ok(None));
    }
    assert_eq!(bounded(limiter.status(Some(&caller))).await, None);

    // Unless every call must be counted.
    let refused = bounded(strict.acquire(Some(&caller), RateClass::Call))
        .await
        .unwrap_err();
    let error = refused.to_tool_error();
    assert_eq!(error.code().as_str(), "ServiceUnavailable");
    assert!(!error.message().contains("Read-only tools"), "{error}");

    // Back with an empty Redis: the budgets start again.
    server.restart();
    let mut status = None;
    for _ in 0..50 {
        if let Ok(Some(s)) = limiter.acquire(Some(&caller), RateClass::Destructive).await {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status.expect("the limiter did not recover").remaining, 99);
}

#[tokio::test]
async fn a_slow_redis_costs_a_call_the_command_timeout_at_most() {
    let server = redis_or_skip!();
    let redis = connect(server.url()).await;
    let limiter = RedisRateLimiter::new(&redis, 100, Duration::from_secs(60));
    let caller = Caller::new("u1");
    limiter
        .acquire(Some(&caller), RateClass::Call)
        .await
        .unwrap();
    let _: () = server.command(&["CLIENT", "PAUSE", "600"]);
    let refused = bounded(limiter.acquire(Some(&caller), RateClass::Destructive))
        .await
        .unwrap_err();
    assert!(
        refused
            .to_tool_error()
            .message()
            .contains("did not answer within 200ms"),
        "{refused:?}"
    );
    assert_eq!(bounded(limiter.status(Some(&caller))).await, None);
}
