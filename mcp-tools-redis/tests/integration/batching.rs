//! The commands of concurrent calls go to Redis together, and each call still
//! gets its own answer, an error included.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use mcp_tools::Caller;
use mcp_tools::confirm::ReplayStore;
use mcp_tools::rate::{RateClass, RateLimiter};
use mcp_tools_redis::{RedisRateLimiter, RedisReplayStore};
use tokio::task::JoinSet;

use crate::server::{RedisServer, redis_or_skip};

const HOUR: Duration = Duration::from_secs(3600);

fn in_minutes(n: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(60 * n)
}

fn token(n: u32) -> Vec<u8> {
    format!("batched-token-{n:04}").into_bytes()
}

/// How many reads of its clients' sockets Redis has made so far; `None` from
/// a Redis older than 6.0, which does not count them.
fn reads_processed(server: &RedisServer) -> Option<u64> {
    let stats: String = server.command(&["INFO", "stats"]);
    stats
        .lines()
        .find_map(|line| line.strip_prefix("total_reads_processed:"))
        .and_then(|count| count.trim().parse().ok())
}

enum Outcome {
    Marked { token: u32, first: bool },
    Taken(bool),
}

/// Two hundred calls at once on one replica, half of them racing for 50
/// tokens (each used twice) and half for a budget of 50: every token wins
/// once, exactly 50 calls are admitted, and Redis reads the two hundred
/// commands in far fewer reads than one per command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_writes_and_get_their_own_answers() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let store = Arc::new(RedisReplayStore::new(&redis));
    let limiter = Arc::new(RedisRateLimiter::new(&redis, 50, HOUR));
    let reads_before = reads_processed(&server);

    let mut calls = JoinSet::new();
    for n in 0..100 {
        let store = store.clone();
        calls.spawn(async move {
            let token_number = n % 50;
            let first = store
                .mark_used(&token(token_number), in_minutes(5))
                .await
                .unwrap();
            Outcome::Marked {
                token: token_number,
                first,
            }
        });
        let limiter = limiter.clone();
        calls.spawn(async move {
            let caller = Caller::new("everyone");
            Outcome::Taken(
                limiter
                    .acquire(Some(&caller), RateClass::Call)
                    .await
                    .is_ok(),
            )
        });
    }
    let mut wins: HashMap<u32, u32> = HashMap::new();
    let mut admitted = 0;
    while let Some(outcome) = calls.join_next().await {
        match outcome.unwrap() {
            Outcome::Marked { token, first } => *wins.entry(token).or_default() += u32::from(first),
            Outcome::Taken(taken) => admitted += u32::from(taken),
        }
    }
    assert_eq!(wins.len(), 50);
    assert!(wins.values().all(|&won| won == 1), "{wins:?}");
    assert_eq!(admitted, 50);

    // Our own INFO connections add a few reads.
    match (reads_before, reads_processed(&server)) {
        (Some(before), Some(after)) => {
            let reads = after - before;
            assert!(reads < 100, "200 commands took {reads} reads");
        }
        _ => eprintln!("this Redis does not count its reads: batching not checked"),
    }
}

/// Redis forgot the scripts (a restart, a failover, `SCRIPT FLUSH`) while
/// calls of both kinds are in flight: in the same batches, the scripts'
/// commands are refused as unknown while the plain ones succeed; each
/// script is loaded again and every call gets its right answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_script_in_a_batch_fails_only_its_own_command() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let store = Arc::new(RedisReplayStore::new(&redis));
    let limiter = Arc::new(RedisRateLimiter::new(&redis, 1000, HOUR));
    let _: () = server.command(&["SCRIPT", "FLUSH"]);

    let mut calls = JoinSet::new();
    for n in 0..60 {
        let store = store.clone();
        calls.spawn(async move { store.mark_used(&token(n), in_minutes(5)).await.unwrap() });
        let limiter = limiter.clone();
        calls.spawn(async move {
            let caller = Caller::new(format!("u{n}"));
            let status = limiter.acquire(Some(&caller), RateClass::Call).await;
            status.unwrap().unwrap().remaining == 999
        });
    }
    let mut right = 0;
    while let Some(answer) = calls.join_next().await {
        right += u32::from(answer.unwrap());
    }
    assert_eq!(right, 120);
}
