//! Rate budgets shared through Redis, with the in-memory limiter's answers.

use std::sync::Arc;
use std::time::Duration;

use mcp_tools::Caller;
use mcp_tools::rate::{
    RateClass, RateKey, RateLimiter, RateRefusal, RateStatus, WindowRateLimiter,
};
use mcp_tools_redis::RedisRateLimiter;

use crate::server::redis_or_skip;

const HOUR: Duration = Duration::from_secs(3600);

async fn limiter(url: &str, limit: u32, window: Duration) -> RedisRateLimiter {
    let redis = mcp_tools_redis::connect(url).await.unwrap();
    RedisRateLimiter::new(&redis, limit, window)
}

fn acme(id: &str) -> Caller {
    Caller::new(id).with_account("acme")
}

#[tokio::test]
async fn a_budget_is_shared_by_every_replica() {
    let server = redis_or_skip!();
    let a = limiter(&server.url(), 5, HOUR).await;
    let b = limiter(&server.url(), 5, HOUR).await;
    let (u1, u2) = (acme("u1"), acme("u2"));
    for n in 0..5u32 {
        let (replica, caller) = if n % 2 == 0 { (&a, &u1) } else { (&b, &u2) };
        let status = replica
            .acquire(Some(caller), RateClass::Call)
            .await
            .unwrap();
        assert_eq!(status.unwrap().remaining, 4 - n);
    }
    for replica in [&a, &b] {
        let refused = replica
            .acquire(Some(&u1), RateClass::Call)
            .await
            .unwrap_err();
        let RateRefusal::Exceeded(exceeded) = &refused else {
            panic!("{refused:?}");
        };
        assert_eq!(exceeded.class, RateClass::Call);
        assert_eq!(exceeded.status.remaining, 0);
        assert!(exceeded.status.reset_after <= HOUR);
        let error = refused.to_tool_error();
        assert_eq!(error.code().as_str(), "RateLimited");
        assert!(
            error.message().contains("at most 5 calls per 1 h"),
            "{error}"
        );
        assert_eq!(replica.status(Some(&u2)).await.unwrap().remaining, 0);
    }
    // Another account has its own budget.
    let other = Caller::new("u3").with_account("globex");
    assert_eq!(a.status(Some(&other)).await.unwrap().remaining, 5);
}

/// One step of a scenario and what both limiters answered, comparable.
#[derive(Debug, PartialEq)]
enum Answer {
    Taken {
        limit: u32,
        remaining: u32,
        window: Option<Duration>,
    },
    Refused {
        class: RateClass,
        limit: u32,
        remaining: u32,
        window: Duration,
        code: String,
    },
    Status {
        limit: u32,
        remaining: u32,
    },
}

fn taken(status: RateStatus) -> Answer {
    Answer::Taken {
        limit: status.limit,
        remaining: status.remaining,
        window: status.window,
    }
}

async fn answer(
    limiter: &dyn RateLimiter,
    caller: Option<&Caller>,
    class: Option<RateClass>,
) -> (Answer, Duration) {
    let Some(class) = class else {
        let status = limiter.status(caller).await.unwrap();
        return (
            Answer::Status {
                limit: status.limit,
                remaining: status.remaining,
            },
            status.reset_after,
        );
    };
    match limiter.acquire(caller, class).await {
        Ok(status) => {
            let status = status.unwrap();
            (taken(status), status.reset_after)
        }
        Err(RateRefusal::Exceeded(exceeded)) => (
            Answer::Refused {
                class: exceeded.class,
                limit: exceeded.status.limit,
                remaining: exceeded.status.remaining,
                window: exceeded.window,
                code: exceeded.to_tool_error().code().as_str().to_owned(),
            },
            exceeded.status.reset_after,
        ),
        Err(other) => panic!("{other:?}"),
    }
}

/// A key choice, the in-memory limiter and the Redis one configured alike.
type Compared = (RateKey, Box<dyn RateLimiter>, Box<dyn RateLimiter>);

#[tokio::test]
async fn answers_as_the_in_memory_limiter_does() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let window = Duration::from_secs(600);
    let configs: [Compared; 2] = [
        (
            RateKey::AccountOrCaller,
            Box::new(WindowRateLimiter::new(4, HOUR).destructive_budget(2, window)),
            Box::new(RedisRateLimiter::new(&redis, 4, HOUR).destructive_budget(2, window)),
        ),
        (
            RateKey::Caller,
            Box::new(
                WindowRateLimiter::new(3, HOUR)
                    .destructive_budget(1, window)
                    .key_by(RateKey::Caller),
            ),
            Box::new(
                mcp_tools_redis::RedisRateLimiter::new(
                    &mcp_tools_redis::Redis::builder(server.url())
                        .key_prefix("per-caller:")
                        .connect()
                        .await
                        .unwrap(),
                    3,
                    HOUR,
                )
                .destructive_budget(1, window)
                .key_by(RateKey::Caller),
            ),
        ),
    ];
    let (a1, a2, solo, same_text) = (
        acme("a1"),
        acme("a2"),
        Caller::new("solo"),
        Caller::new("acme"),
    );
    let steps: Vec<(Option<&Caller>, Option<RateClass>)> = vec![
        (Some(&a1), None),
        (Some(&a1), Some(RateClass::Call)),
        (Some(&a2), Some(RateClass::Destructive)),
        (Some(&a1), Some(RateClass::Destructive)),
        // The destructive budget is spent for the account: refused, nothing taken.
        (Some(&a2), Some(RateClass::Destructive)),
        (Some(&a1), None),
        (Some(&a2), Some(RateClass::Request)),
        (Some(&a1), Some(RateClass::Call)),
        (Some(&a1), Some(RateClass::Request)),
        // Spent general budget: a destructive call is refused by it.
        (Some(&a2), Some(RateClass::Destructive)),
        (Some(&a1), None),
        // An account and a caller id with the same text are different keys.
        (Some(&same_text), Some(RateClass::Call)),
        (Some(&solo), Some(RateClass::Destructive)),
        (Some(&solo), Some(RateClass::Destructive)),
        (None, Some(RateClass::Call)),
        (None, Some(RateClass::Request)),
        (None, None),
        (None, Some(RateClass::Destructive)),
        (None, Some(RateClass::Call)),
        (None, Some(RateClass::Call)),
        (None, None),
    ];
    for (key, memory, shared) in &configs {
        for (n, (caller, class)) in steps.iter().enumerate() {
            let (expected, expected_reset) = answer(memory.as_ref(), *caller, *class).await;
            let (got, reset) = answer(shared.as_ref(), *caller, *class).await;
            assert_eq!(got, expected, "{key:?}, step {n}: {caller:?} {class:?}");
            let skew = expected_reset.abs_diff(reset);
            assert!(
                skew < Duration::from_secs(1),
                "step {n}: reset {reset:?} vs {expected_reset:?}"
            );
        }
    }
}

#[tokio::test]
async fn windows_end_and_the_budget_is_whole_again() {
    let server = redis_or_skip!();
    let window = Duration::from_millis(300);
    let limiter = limiter(&server.url(), 2, window).await;
    let c = Caller::new("c");
    assert_eq!(limiter.status(Some(&c)).await.unwrap().reset_after, window);
    limiter.acquire(Some(&c), RateClass::Call).await.unwrap();
    let last = limiter
        .acquire(Some(&c), RateClass::Call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.remaining, 0);
    assert_eq!(last.window, Some(window));
    let refused = limiter
        .acquire(Some(&c), RateClass::Call)
        .await
        .unwrap_err();
    assert!(refused.retry_after() <= window);
    // Peeking takes nothing.
    for _ in 0..3 {
        assert_eq!(limiter.status(Some(&c)).await.unwrap().remaining, 0);
    }
    tokio::time::sleep(refused.retry_after() + Duration::from_millis(50)).await;
    assert_eq!(limiter.status(Some(&c)).await.unwrap().remaining, 2);
    let fresh = limiter
        .acquire(Some(&c), RateClass::Call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.remaining, 1);
    assert!(
        fresh.reset_after > Duration::from_millis(200),
        "{:?}",
        fresh.reset_after
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_on_two_replicas_never_overspend() {
    let server = redis_or_skip!();
    let replicas = [
        Arc::new(limiter(&server.url(), 25, HOUR).await),
        Arc::new(limiter(&server.url(), 25, HOUR).await),
    ];
    let calls: Vec<_> = (0..60)
        .map(|n| {
            let replica = replicas[n % 2].clone();
            tokio::spawn(async move {
                let caller = acme(&format!("u{n}"));
                replica
                    .acquire(Some(&caller), RateClass::Call)
                    .await
                    .is_ok()
            })
        })
        .collect();
    let mut admitted = 0;
    for call in calls {
        admitted += usize::from(call.await.unwrap());
    }
    assert_eq!(admitted, 25);
}

#[tokio::test]
async fn counters_are_named_as_documented_and_always_expire() {
    let server = redis_or_skip!();
    let limiter = limiter(&server.url(), 10, HOUR)
        .await
        .destructive_budget(3, Duration::from_secs(60));
    limiter
        .acquire(Some(&acme("u1")), RateClass::Call)
        .await
        .unwrap();
    limiter
        .acquire(Some(&Caller::new("u2")), RateClass::Call)
        .await
        .unwrap();
    limiter.acquire(None, RateClass::Request).await.unwrap();
    let mut keys: Vec<String> = server.command(&["KEYS", "mcp:rate:*"]);
    keys.sort();
    assert_eq!(
        keys,
        [
            "mcp:rate:{-}:c",
            "mcp:rate:{-}:d",
            "mcp:rate:{a:acme}:c",
            "mcp:rate:{a:acme}:d",
            "mcp:rate:{c:u2}:c",
            "mcp:rate:{c:u2}:d",
        ]
    );
    for key in &keys {
        let ttl: i64 = server.command(&["PTTL", key]);
        let window = if key.ends_with(":c") {
            3_600_000
        } else {
            60_000
        };
        assert!(ttl > 0 && ttl <= window, "{key}: {ttl} ms");
    }

    // A counter that lost its expiry (written by hand, say) gets one back
    // instead of blocking its key for ever.
    let _: () = server.command(&["SET", "mcp:rate:{a:acme}:c", "10"]);
    let refused = limiter
        .acquire(Some(&acme("u1")), RateClass::Call)
        .await
        .unwrap_err();
    assert_eq!(refused.retry_after(), HOUR);
    let ttl: i64 = server.command(&["PTTL", "mcp:rate:{a:acme}:c"]);
    assert!(ttl > 0, "{ttl}");
}
