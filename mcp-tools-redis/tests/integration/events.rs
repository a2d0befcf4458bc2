//! `RedisEventStore` behaves as `MemoryEventStore` does (the same checks run
//! against both), and a stream written through one replica's connection is
//! replayed through another's.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mcp_tools_redis::RedisEventStore;
use mcp_transport_http::event_store::{EventId, EventStore, MemoryEventStore, StreamKey};

use crate::server::redis_or_skip;

fn key(session: &str, stream: &str) -> StreamKey {
    StreamKey {
        session: Arc::from(session),
        stream: Arc::from(stream),
    }
}

fn id(stream: &str, seq: u64) -> EventId {
    EventId {
        stream: Arc::from(stream),
        seq,
    }
}

/// The (seq, message) pairs `session` replays after `after`, or `None`.
async fn replay(
    store: &dyn EventStore,
    session: &str,
    after: EventId,
) -> Option<Vec<(u64, String)>> {
    store
        .replay_after(session, &after)
        .await
        .unwrap()
        .map(|events| {
            events
                .into_iter()
                .map(|e| {
                    assert_eq!(e.id.stream, after.stream);
                    (e.id.seq, String::from_utf8(e.message.to_vec()).unwrap())
                })
                .collect()
        })
}

fn pairs(items: &[(u64, &str)]) -> Option<Vec<(u64, String)>> {
    Some(items.iter().map(|(n, m)| (*n, (*m).to_owned())).collect())
}

/// What every event store must do. `store` keeps at most 3 events per stream.
async fn behaves_as_an_event_store(store: &dyn EventStore) {
    let (s1r, s1g, s2r) = (key("s1", "ra"), key("s1", "gb"), key("s2", "rc"));
    // Ids count from 0 per stream; the priming event has no message.
    assert_eq!(store.append(&s1r, Bytes::new()).await.unwrap(), id("ra", 0));
    assert_eq!(
        store
            .append(&s1r, Bytes::from_static(br#"{"n":1}"#))
            .await
            .unwrap(),
        id("ra", 1)
    );
    assert_eq!(
        store.append(&s1g, Bytes::from_static(b"g0")).await.unwrap(),
        id("gb", 0)
    );
    assert_eq!(
        store
            .append(&s1r, Bytes::from_static(b"x:y\n"))
            .await
            .unwrap(),
        id("ra", 2)
    );
    assert_eq!(
        store
            .append(&s2r, Bytes::from_static(b"other"))
            .await
            .unwrap(),
        id("rc", 0)
    );

    assert_eq!(
        replay(store, "s1", id("ra", 0)).await,
        pairs(&[(1, r#"{"n":1}"#), (2, "x:y\n")])
    );
    assert_eq!(replay(store, "s1", id("ra", 2)).await, pairs(&[]));
    assert_eq!(replay(store, "s1", id("gb", 0)).await, pairs(&[]));
    // A stream is found only within the session that wrote it.
    assert_eq!(replay(store, "s2", id("ra", 0)).await, None);
    assert_eq!(replay(store, "s1", id("rc", 0)).await, None);
    assert_eq!(replay(store, "s1", id("rnever", 0)).await, None);

    // The per-stream bound drops the oldest events; the numbering goes on.
    for n in 3..6 {
        store
            .append(&s1r, Bytes::from(format!("e{n}")))
            .await
            .unwrap();
    }
    assert_eq!(
        replay(store, "s1", id("ra", 0)).await,
        pairs(&[(3, "e3"), (4, "e4"), (5, "e5")])
    );
    assert_eq!(replay(store, "s1", id("ra", 4)).await, pairs(&[(5, "e5")]));

    // Ending a session forgets all its streams and nothing else.
    store.remove_session("s1").await.unwrap();
    assert_eq!(replay(store, "s1", id("ra", 0)).await, None);
    assert_eq!(replay(store, "s1", id("gb", 0)).await, None);
    assert_eq!(replay(store, "s2", id("rc", 0)).await, pairs(&[]));
    store.remove_session("never").await.unwrap();
    // A new stream of an ended session's id starts again from 0.
    assert_eq!(store.append(&s1r, Bytes::new()).await.unwrap(), id("ra", 0));
}

/// Streams nobody writes or reads for the TTL (200 ms) are forgotten; reading
/// one keeps it alive.
async fn forgets_unused_streams(store: &dyn EventStore) {
    let (kept, idle) = (key("s", "rkept"), key("s", "ridle"));
    store.append(&kept, Bytes::from_static(b"a")).await.unwrap();
    store.append(&idle, Bytes::from_static(b"b")).await.unwrap();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(replay(store, "s", id("rkept", 0)).await, pairs(&[]));
    }
    assert_eq!(replay(store, "s", id("ridle", 0)).await, None);
    assert_eq!(replay(store, "s", id("rkept", 0)).await, pairs(&[]));
}

#[tokio::test]
async fn the_memory_store_passes_the_event_store_checks() {
    behaves_as_an_event_store(&MemoryEventStore::new().max_events_per_stream(3)).await;
    forgets_unused_streams(&MemoryEventStore::new().ttl(Duration::from_millis(200))).await;
}

#[tokio::test]
async fn the_redis_store_passes_the_event_store_checks() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    behaves_as_an_event_store(&RedisEventStore::new(&redis).max_events_per_stream(3)).await;
    // What is left in Redis: s2's stream and s1's new one, each with its session's set.
    let mut keys: Vec<String> = server.command(&["KEYS", "mcp:sse:*"]);
    keys.sort();
    assert_eq!(
        keys,
        [
            "mcp:sse:{s1}",
            "mcp:sse:{s1}:ra:e",
            "mcp:sse:{s1}:ra:n",
            "mcp:sse:{s2}",
            "mcp:sse:{s2}:rc:e",
            "mcp:sse:{s2}:rc:n"
        ]
    );
    // Every key expires with the TTL.
    for key in &keys {
        let ttl: i64 = server.command(&["PTTL", key]);
        assert!((1..=300_000).contains(&ttl), "{key}: {ttl} ms");
    }
    let store = RedisEventStore::new(&redis).ttl(Duration::from_millis(200));
    forgets_unused_streams(&store).await;
}

#[tokio::test]
async fn a_stream_written_on_one_replica_is_replayed_on_another() {
    let server = redis_or_skip!();
    let a = RedisEventStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    let b = RedisEventStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    let stream = key("sess", "r1");
    for n in 0..4 {
        a.append(&stream, Bytes::from(format!("m{n}")))
            .await
            .unwrap();
    }
    assert_eq!(
        replay(&b, "sess", id("r1", 1)).await,
        pairs(&[(2, "m2"), (3, "m3")])
    );
    // The numbering is shared too: B continues where A stopped.
    assert_eq!(
        b.append(&stream, Bytes::from_static(b"m4")).await.unwrap(),
        id("r1", 4)
    );
    assert_eq!(replay(&a, "sess", id("r1", 3)).await, pairs(&[(4, "m4")]));
    b.remove_session("sess").await.unwrap();
    assert_eq!(replay(&a, "sess", id("r1", 0)).await, None);
}

#[tokio::test]
async fn a_corrupt_event_is_an_error_not_a_panic() {
    let server = redis_or_skip!();
    let store = RedisEventStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    let _: String = server.command(&["SET", "mcp:sse:{s}:rx:n", "1"]);
    let _: i64 = server.command(&["ZADD", "mcp:sse:{s}:rx:e", "1", "garbage"]);
    let error = store.replay_after("s", &id("rx", 0)).await.unwrap_err();
    assert!(
        error.to_string().contains("not `<number>:<message>`"),
        "{error}"
    );
}

#[tokio::test]
async fn an_unreachable_redis_is_an_error_for_the_transport_to_log() {
    let mut server = redis_or_skip!();
    let store = RedisEventStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    server.kill();
    let error = store
        .append(&key("s", "r"), Bytes::new())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("cannot store an event"),
        "{error}"
    );
    let error = store.replay_after("s", &id("r", 0)).await.unwrap_err();
    assert!(error.to_string().contains("cannot replay"), "{error}");
}
