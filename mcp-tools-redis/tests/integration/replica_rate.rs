//! One rate budget for three replicas of the Retently example, as real
//! processes behind a real nginx (round-robin) and a real `redis-server`:
//!
//! - with `--writes-per-hour 4` on every replica, confirmed writes spread
//!   over the three replicas run exactly four times in total; the next
//!   confirmations are refused (`RateLimited`, nothing done) on each of the
//!   three replicas, with the same window end;
//! - with `--calls-per-hour 40`, `X-Rate-Limit-Remaining` counts down by one
//!   per admitted request whichever replica answers it, exactly 40 requests
//!   are admitted in total, and every replica then answers 429 with the same
//!   `X-Rate-Limit-*` headers and `Retry-After`.
//!
//! Which replica answered a request is read from the balancer's access log,
//! and which ran or refused a write from the replicas' own audit logs.

use std::collections::HashSet;
use std::net::SocketAddr;

use mcp_test_client::Response;
use serde_json::json;

use crate::nginx::Nginx;
use crate::replicas::{
    Client, Outcome, Replica, example_binary, first_feedback, outcome, scratch_dir, star,
    with_token,
};
use crate::server::redis_or_skip;

const WRITES: usize = 4;
const CALLS: u32 = 40;
/// Confirmations attempted past the write budget: one per replica.
const PAST_BUDGET: usize = 3;

/// The general budget's headers of one response: limit, remaining, reset.
fn budget(reply: &Response) -> (u32, u32, u64) {
    let number = |name: &str| -> u64 {
        reply
            .header(name)
            .unwrap_or_else(|| panic!("no {name} in {} {:?}", reply.status, reply.headers))
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a number: {:?}", reply.headers))
    };
    (
        u32::try_from(number("x-rate-limit-limit")).unwrap(),
        u32::try_from(number("x-rate-limit-remaining")).unwrap(),
        number("x-rate-limit-reset"),
    )
}

/// Seconds since the Unix epoch of an RFC 3339 UTC time such as
/// `2026-12-01T16:25:09Z`.
fn epoch_seconds(text: &str) -> i64 {
    let number = |range: std::ops::Range<usize>| -> i64 {
        text.get(range)
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("not an RFC 3339 time: {text}"))
    };
    let (y, m, d) = (number(0..4), number(5..7), number(8..10));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + number(11..13) * 3600 + number(14..16) * 60 + number(17..19)
}

/// The window end a `RateLimited` message names ("…, at <time> or later").
fn retry_at(message: &str) -> i64 {
    let at = message
        .split(", at ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no retry time in {message:?}"));
    epoch_seconds(at)
}

/// The responses of the count-down, in order.
struct Steps {
    /// `(id, remaining, reset, took)`: `took` is whether the request may
    /// take from the general budget (a confirmation refused for the write
    /// budget takes nothing).
    seen: Vec<(u64, u32, u64, bool)>,
}

impl Steps {
    fn record(&mut self, id: u64, reply: &Response, took: bool) {
        let (limit, remaining, reset) = budget(reply);
        assert_eq!(limit, CALLS, "{:?}", reply.headers);
        self.seen.push((id, remaining, reset, took));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_rate_budget_for_three_replicas_behind_nginx() {
    let redis = redis_or_skip!();
    let binary = example_binary("retently");
    let dir = scratch_dir("replica-rate");
    let writes = WRITES.to_string();
    let calls = CALLS.to_string();
    let replicas: Vec<Replica> = (0..3)
        .map(|n| {
            Replica::retently(
                &binary,
                &redis.url(),
                &dir,
                n,
                &["--writes-per-hour", &writes, "--calls-per-hour", &calls],
            )
        })
        .collect();
    let addrs: Vec<SocketAddr> = replicas.iter().map(|r| r.addr).collect();
    let Some(nginx) = Nginx::start(&addrs) else {
        return;
    };
    let client = Client::initialize(nginx.addr()).await;
    let mut steps = Steps { seen: Vec::new() };

    let reply = client.call(1, "list_feedback", json!({})).await;
    steps.record(1, &reply, true);
    let Outcome::Done(listed) = outcome(&reply, 1) else {
        panic!("list_feedback: {}", reply.body)
    };
    let feedback = first_feedback(&listed);

    // Writes: a dry run and its confirmation each, round-robin over the
    // replicas. The first WRITES run; the rest are refused, nothing done.
    let mut refusals = Vec::new();
    for n in 0..WRITES + PAST_BUDGET {
        let id = 100 + 10 * n as u64;
        let arguments = star(&feedback, n % 2 == 0);
        let reply = client.call(id, "star_feedback", arguments.clone()).await;
        steps.record(id, &reply, true);
        let Outcome::Done(dry) = outcome(&reply, id) else {
            panic!("dry run {n}: {}", reply.body)
        };
        let token = dry["ConfirmationToken"].as_str().unwrap();
        let reply = client
            .call(id + 1, "star_feedback", with_token(&arguments, token))
            .await;
        let answer = outcome(&reply, id + 1);
        if n < WRITES {
            steps.record(id + 1, &reply, true);
            assert!(matches!(answer, Outcome::Done(_)), "write {n}: {answer:?}");
        } else {
            steps.record(id + 1, &reply, false);
            assert!(
                matches!(&answer, Outcome::Refused(code) if code == "RateLimited"),
                "write {n} past the budget: {answer:?}"
            );
            let message = reply.message()["result"]["structuredContent"]["ErrorMessage"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(
                message.starts_with(&format!(
                    "Rate limit reached: at most {WRITES} destructive calls per 1 h. \
                     Nothing was done. Retry in "
                )),
                "{message}"
            );
            refusals.push((id + 1, message));
        }
    }
    // Exactly WRITES writes ran, on more than one replica; each replica
    // refused one of the confirmations past the budget.
    let executed: Vec<usize> = replicas
        .iter()
        .map(|r| {
            r.audited("star_feedback")
                .iter()
                .filter(|(o, _)| o == "Executed")
                .count()
        })
        .collect();
    assert_eq!(executed.iter().sum::<usize>(), WRITES, "{executed:?}");
    assert!(
        executed.iter().filter(|&&n| n > 0).count() > 1,
        "{executed:?}"
    );
    let refusers: HashSet<String> = refusals.iter().map(|(id, _)| nginx.upstream(id)).collect();
    assert_eq!(refusers.len(), 3, "{:?}", nginx.upstreams());
    for replica in &replicas {
        let limited = replica
            .audited("star_feedback")
            .iter()
            .filter(|(_, code)| code.as_deref() == Some("RateLimited"))
            .count();
        assert_eq!(limited, 1, "{}", replica.addr);
    }
    // One window, whichever replica refused: the same end (to the second).
    let ends: Vec<i64> = refusals.iter().map(|(_, m)| retry_at(m)).collect();
    assert!(
        ends.iter().max().unwrap() - ends.iter().min().unwrap() <= 1,
        "{refusals:?}"
    );

    // Reads until the general budget is spent.
    let mut id = 1000;
    let refused = loop {
        id += 1;
        let reply = client.call(id, "list_feedback", json!({})).await;
        if reply.status == 429 {
            break reply;
        }
        steps.record(id, &reply, true);
        assert!(matches!(outcome(&reply, id), Outcome::Done(_)));
        assert!(id < 1000 + u64::from(CALLS), "the budget never ran out");
    };

    // The count-down: every admitted request took exactly one from the one
    // budget, whichever replica answered; the window never restarted.
    // `initialize` took the first.
    let first = steps.seen[0];
    assert_eq!(first.1, CALLS - 2, "{:?}", steps.seen);
    for pair in steps.seen.windows(2) {
        let [
            (_, before, reset_before, _),
            (step, after, reset_after, took),
        ] = pair
        else {
            unreachable!()
        };
        let expected = if *took { before - 1 } else { *before };
        assert_eq!(*after, expected, "step {step}: {:?}", steps.seen);
        assert!(reset_after <= reset_before, "step {step}: {:?}", steps.seen);
    }
    assert_eq!(steps.seen.last().unwrap().1, 0, "{:?}", steps.seen);
    let answered_by: HashSet<String> = steps
        .seen
        .iter()
        .map(|(id, ..)| nginx.upstream(id))
        .collect();
    assert_eq!(answered_by.len(), 3, "{:?}", nginx.upstreams());
    // Exactly CALLS requests were admitted in all: `initialize` and every
    // request that took one.
    let admitted = 1 + steps.seen.iter().filter(|s| s.3).count();
    assert_eq!(admitted, CALLS as usize, "{:?}", steps.seen);

    // Refused on every replica alike: 429, the budget's headers, Retry-After.
    let mut refused = vec![(id, refused)];
    for _ in 0..3 {
        id += 1;
        let reply = client.call(id, "list_feedback", json!({})).await;
        refused.push((id, reply));
    }
    let refusers: HashSet<String> = refused.iter().map(|(id, _)| nginx.upstream(id)).collect();
    assert_eq!(refusers.len(), 3, "{:?}", nginx.upstreams());
    let last_reset = steps.seen.last().unwrap().2;
    for (id, reply) in &refused {
        assert_eq!(reply.status, 429, "{id}: {}", reply.body);
        let (limit, remaining, reset) = budget(reply);
        assert_eq!((limit, remaining), (CALLS, 0), "{id}");
        assert!(
            reset <= last_reset && reset + 5 >= last_reset,
            "{id}: {reset}"
        );
        assert_eq!(
            reply.header("retry-after"),
            Some(&*reset.to_string()),
            "{id}"
        );
        let error = &reply.message()["error"];
        assert_eq!(
            error["message"],
            format!(
                "invalid request: rate limit exceeded: {CALLS} requests per window; \
                 retry in {reset} s"
            ),
            "{id}"
        );
    }

    drop(nginx);
    drop(replicas);
    let _ = std::fs::remove_dir_all(&dir);
}
