//! A confirmation marked and charged in one script: when the replay store and
//! the rate limiter share a connection, `RedisReplayStore::mark_used_charging`
//! answers as the two separate steps do in memory (mark, then charge, giving
//! the mark back when a budget refuses), and a confirmed call asks Redis once.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime};

use mcp_tools::confirm::{MemoryReplayStore, ReplayStore, TokenCharge, VerifiedToken};
use mcp_tools::rate::{RateClass, RateLimiter, RateRefusal, WindowRateLimiter};
use mcp_tools::{Caller, Client};
use mcp_tools_redis::{RedisRateLimiter, RedisReplayStore};
use serde_json::json;

use crate::app::writer;
use crate::server::{RedisServer, redis_or_skip};

const HOUR: Duration = Duration::from_secs(3600);
const WINDOW: Duration = Duration::from_secs(600);

fn acme(id: &str) -> Caller {
    Caller::new(id).with_account("acme")
}

/// What a confirmation came to, in words that compare across limiters.
fn outcome(charge: TokenCharge) -> String {
    match charge {
        TokenCharge::Charged(Ok(status)) => {
            format!("charged, {} left", status.unwrap().remaining)
        }
        TokenCharge::Charged(Err(RateRefusal::Exceeded(exceeded))) => format!(
            "refused by {:?} ({} of {} left)",
            exceeded.class, exceeded.status.remaining, exceeded.status.limit
        ),
        TokenCharge::AlreadyUsed(status) => {
            format!("already used, {} left", status.unwrap().remaining)
        }
        other => panic!("{other:?}"),
    }
}

/// The server's two steps, as `call::claim` takes them without a combined
/// store: mark, then charge; a refused charge gives the mark back, and a
/// used token is charged to the refused-token budget.
async fn two_steps(
    replay: &MemoryReplayStore,
    limiter: &WindowRateLimiter,
    caller: Option<&Caller>,
    token: VerifiedToken<'_>,
) -> TokenCharge {
    if !replay
        .mark_used(token.nonce, token.expires_at)
        .await
        .unwrap()
    {
        let acquired = limiter.acquire(caller, RateClass::FailedConfirmation).await;
        return match acquired {
            Ok(status) => TokenCharge::AlreadyUsed(status),
            Err(refusal) => TokenCharge::Charged(Err(refusal)),
        };
    }
    let acquired = if token.destructive {
        limiter.acquire_confirmed(caller).await
    } else {
        limiter.acquire(caller, RateClass::Confirmation).await
    };
    if acquired.is_err() {
        replay.release(token.nonce).await.unwrap();
    }
    TokenCharge::Charged(acquired)
}

#[tokio::test]
async fn one_script_marks_and_charges_as_the_two_steps_do_in_memory() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::Redis::builder(server.url())
        .key_prefix("marking:")
        .connect()
        .await
        .unwrap();
    let store = RedisReplayStore::new(&redis);
    let shared = RedisRateLimiter::new(&redis, 6, HOUR)
        .destructive_budget(1, WINDOW)
        .failed_confirmation_budget(1, WINDOW);
    let memory_store = MemoryReplayStore::new();
    let memory = WindowRateLimiter::new(6, HOUR)
        .destructive_budget(1, WINDOW)
        .failed_confirmation_budget(1, WINDOW);
    let expires_at = SystemTime::now() + Duration::from_secs(300);
    let (alice, bob, solo) = (acme("alice"), acme("bob"), Caller::new("solo"));
    let steps: Vec<(Option<&Caller>, &[u8], bool)> = vec![
        // A write, then its token once more: refused, as a refused token.
        (Some(&alice), b"n1", true),
        (Some(&alice), b"n1", true),
        // The account's write budget is spent: refused, and left unmarked.
        (Some(&bob), b"n2", true),
        // A confirm tool that does not write: the general budget only.
        (Some(&bob), b"n3", false),
        // Alice's refused-token budget is spent: no token of hers is taken,
        // right or wrong, and none is marked.
        (Some(&alice), b"n4", false),
        (Some(&alice), b"n1", true),
        // Another caller and the anonymous one run down the general budget.
        (Some(&solo), b"n5", false),
        (Some(&solo), b"n6", false),
        (Some(&solo), b"n7", false),
        (Some(&solo), b"n8", false),
        (Some(&solo), b"n9", false),
        (Some(&solo), b"n10", false),
        (Some(&solo), b"n11", false),
        (None, b"n12", false),
        (None, b"n12", false),
    ];
    for (n, (caller, nonce, destructive)) in steps.into_iter().enumerate() {
        let token = VerifiedToken::new(nonce, expires_at, destructive);
        let expected = outcome(two_steps(&memory_store, &memory, caller, token).await);
        let charging = store
            .mark_used_charging(token, caller, &shared)
            .expect("a limiter on the store's connection is charged in one step");
        let got = outcome(charging.await.unwrap());
        assert_eq!(got, expected, "step {n}: {caller:?} {nonce:?}");
        assert_eq!(
            store.is_used(nonce).await.unwrap(),
            memory_store.is_used(nonce).await.unwrap(),
            "step {n}: whether {nonce:?} is marked"
        );
    }
    // The refused write left its token usable.
    assert!(!store.is_used(b"n2").await.unwrap());
    assert!(store.is_used(b"n1").await.unwrap());
}

#[tokio::test]
async fn only_a_limiter_on_the_same_connection_is_charged_in_one_step() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let other = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let store = RedisReplayStore::new(&redis);
    let token = VerifiedToken::new(b"nonce", SystemTime::now() + HOUR, true);
    let same = RedisRateLimiter::new(&redis.clone(), 10, HOUR);
    let elsewhere = RedisRateLimiter::new(&other, 10, HOUR);
    let memory = WindowRateLimiter::new(10, HOUR);
    assert!(store.mark_used_charging(token, None, &same).is_some());
    // Another connection may be another Redis or database: two steps.
    assert!(store.mark_used_charging(token, None, &elsewhere).is_none());
    assert!(store.mark_used_charging(token, None, &memory).is_none());
    assert!(
        MemoryReplayStore::new()
            .mark_used_charging(token, None, &same)
            .is_none()
    );
}

/// The commands clients send to Redis, as `MONITOR` reports them; the
/// commands scripts run (`[0 lua]`) are left out.
struct Monitor(BufReader<TcpStream>);

impl Monitor {
    fn start(server: &RedisServer) -> Self {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        // A guard against a hang, not a timing: the lines are there already.
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(b"MONITOR\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut ok = String::new();
        reader.read_line(&mut ok).unwrap();
        assert_eq!(ok.trim_end(), "+OK");
        Self(reader)
    }

    /// The commands clients sent since `start`, by name, until the test's
    /// own `ECHO` of `end`.
    fn until(mut self, server: &RedisServer, end: &str) -> Vec<String> {
        let _: String = server.command(&["ECHO", end]);
        let mut sent = Vec::new();
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "MONITOR ended");
            if line.contains(end) {
                return sent;
            }
            if line.contains(" lua]") {
                continue;
            }
            let name = line.split('"').nth(1).unwrap_or_default();
            sent.push(name.to_ascii_uppercase());
        }
    }
}

#[tokio::test]
async fn a_confirmed_write_asks_redis_once_per_request() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let limiter = RedisRateLimiter::new(&redis, 100, HOUR).destructive_budget(10, HOUR);
    let app = writer(limiter, RedisReplayStore::new(&redis));
    let client = Client::new(app).with_caller(acme("u1"));
    let write = || async {
        let dry = client.call("archive", json!({})).await.unwrap();
        let token = dry.data().unwrap()["ConfirmationToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let done = client
            .call("archive", json!({"confirmationToken": &token}))
            .await
            .unwrap();
        assert!(!done.is_error(), "{:?}", done.envelope());
        token
    };
    // The first write loads the script; the second is measured.
    write().await;
    let monitor = Monitor::start(&server);
    let token = write().await;
    assert_eq!(
        monitor.until(&server, "end-of-write"),
        ["EVALSHA", "EVALSHA"],
        "the dry run's take and the confirmation's one script; no SET, EXISTS or DEL"
    );
    let replay = client
        .call("archive", json!({"confirmationToken": token}))
        .await
        .unwrap();
    assert_eq!(replay.error_code(), Some("ConfirmationAlreadyUsed"));
}

#[tokio::test]
async fn the_scripts_are_loaded_again_when_redis_forgot_them() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let limiter = RedisRateLimiter::new(&redis, 10, HOUR);
    let caller = Caller::new("u1");
    let first = limiter.acquire(Some(&caller), RateClass::Call).await;
    assert_eq!(first.unwrap().unwrap().remaining, 9);
    // As after a restart of Redis or a failover: the script cache is empty.
    let _: () = server.command(&["SCRIPT", "FLUSH"]);
    let monitor = Monitor::start(&server);
    let second = limiter.acquire(Some(&caller), RateClass::Call).await;
    assert_eq!(second.unwrap().unwrap().remaining, 8);
    assert_eq!(
        monitor.until(&server, "end-of-take"),
        ["EVALSHA", "SCRIPT", "EVALSHA"],
        "refused as unknown, loaded, run"
    );
    let _: () = server.command(&["SCRIPT", "FLUSH"]);
    let status = limiter.status(Some(&caller)).await.unwrap();
    assert_eq!(status.remaining, 8);
}
