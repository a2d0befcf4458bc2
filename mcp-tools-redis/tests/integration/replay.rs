//! Single use of confirmation tokens across replicas.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use mcp_tools::confirm::ReplayStore;
use mcp_tools_redis::{Redis, RedisReplayStore};

use crate::server::redis_or_skip;

fn in_minutes(n: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(60 * n)
}

/// One replica's store: a connection of its own.
async fn replica(url: &str) -> RedisReplayStore {
    RedisReplayStore::new(&mcp_tools_redis::connect(url).await.unwrap())
}

/// A call that never reached its write gives its token back: the marker is
/// gone for every replica, and the token can confirm once more.
#[tokio::test]
async fn a_released_token_can_be_used_again_on_any_replica() {
    let server = redis_or_skip!();
    let (a, b) = (replica(&server.url()).await, replica(&server.url()).await);
    let nonce = *b"released-0123456";
    assert!(a.mark_used(&nonce, in_minutes(5)).await.unwrap());
    assert!(!b.mark_used(&nonce, in_minutes(5)).await.unwrap());
    a.release(&nonce).await.unwrap();
    assert!(!b.is_used(&nonce).await.unwrap());
    assert!(b.mark_used(&nonce, in_minutes(5)).await.unwrap());
    assert!(!a.mark_used(&nonce, in_minutes(5)).await.unwrap());
}

#[tokio::test]
async fn a_token_used_on_one_replica_is_used_on_the_other() {
    let server = redis_or_skip!();
    let (a, b) = (replica(&server.url()).await, replica(&server.url()).await);
    let nonce = *b"0123456789abcdef";

    assert!(!a.is_used(&nonce).await.unwrap());
    assert!(!b.is_used(&nonce).await.unwrap());
    assert!(a.mark_used(&nonce, in_minutes(5)).await.unwrap());
    assert!(b.is_used(&nonce).await.unwrap());
    assert!(!b.mark_used(&nonce, in_minutes(5)).await.unwrap());
    assert!(!a.mark_used(&nonce, in_minutes(5)).await.unwrap());
    // Other tokens are untouched.
    assert!(!b.is_used(b"fedcba9876543210").await.unwrap());
    assert!(
        b.mark_used(b"fedcba9876543210", in_minutes(5))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_eight_concurrent_confirmations_exactly_one_wins() {
    let server = redis_or_skip!();
    let stores = [
        Arc::new(replica(&server.url()).await),
        Arc::new(replica(&server.url()).await),
    ];
    for round in 0u32..25 {
        let nonce = round.to_be_bytes();
        let start = Arc::new(tokio::sync::Barrier::new(8));
        let racers: Vec<_> = (0..8)
            .map(|n| {
                let store = stores[n % 2].clone();
                let start = start.clone();
                tokio::spawn(async move {
                    start.wait().await;
                    store.mark_used(&nonce, in_minutes(5)).await.unwrap()
                })
            })
            .collect();
        let mut winners = 0;
        for racer in racers {
            winners += usize::from(racer.await.unwrap());
        }
        assert_eq!(winners, 1, "round {round}: {winners} confirmations won");
    }
}

#[tokio::test]
async fn markers_live_as_long_as_their_token_and_the_allowance() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let store = RedisReplayStore::new(&redis);
    assert!(store.mark_used(&[0xab, 0x01], in_minutes(5)).await.unwrap());
    let ttl: i64 = server.command(&["PTTL", "mcp:replay:ab01"]);
    // Five minutes of token and one of allowance, less the time it took.
    assert!((350_000..=360_000).contains(&ttl), "{ttl} ms");

    let strict = RedisReplayStore::new(&redis).clock_skew_allowance(Duration::ZERO);
    let soon = SystemTime::now() + Duration::from_millis(300);
    assert!(strict.mark_used(&[0xcd], soon).await.unwrap());
    let ttl: i64 = server.command(&["PTTL", "mcp:replay:cd"]);
    assert!((1..=300).contains(&ttl), "{ttl} ms");
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Gone once the token expired: nothing is kept for ever.
    assert!(!strict.is_used(&[0xcd]).await.unwrap());
    let keys: Vec<String> = server.command(&["KEYS", "mcp:replay:*"]);
    assert_eq!(keys, ["mcp:replay:ab01"]);

    // A token that expired meanwhile still leaves a marker: never a zero expiry.
    let past = SystemTime::now() - Duration::from_secs(10);
    assert!(store.mark_used(&[0xef], past).await.unwrap());
    let ttl: i64 = server.command(&["PTTL", "mcp:replay:ef"]);
    assert!((50_000..=60_000).contains(&ttl), "{ttl} ms");
}

#[tokio::test]
async fn deployments_with_different_prefixes_share_nothing() {
    let server = redis_or_skip!();
    let connect = |prefix: &'static str| {
        let url = server.url();
        async move {
            let redis = Redis::builder(url)
                .key_prefix(prefix)
                .connect()
                .await
                .unwrap();
            RedisReplayStore::new(&redis)
        }
    };
    let (blue, green) = (connect("blue:").await, connect("green:").await);
    assert!(blue.mark_used(b"nonce", in_minutes(1)).await.unwrap());
    assert!(!green.is_used(b"nonce").await.unwrap());
    assert!(green.mark_used(b"nonce", in_minutes(1)).await.unwrap());
    let keys: Vec<String> = server.command(&["KEYS", "*replay*"]);
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, ["blue:replay:6e6f6e6365", "green:replay:6e6f6e6365"]);
}
