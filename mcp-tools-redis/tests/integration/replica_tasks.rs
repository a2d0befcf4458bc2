//! Tasks across three replicas of the Reteno example, as real processes
//! behind a real nginx (round-robin, no stickiness) and a real
//! `redis-server`, driven over HTTP with the 2026-07-28 tasks extension:
//!
//! - a brand-kit extraction (`extract_brandkit`, `task = "optional"`) called
//!   through the balancer is answered with a task by one replica, polled
//!   through all three, and cancelled through another: the worker on the
//!   first replica stops (it alone writes `cancelled`, once its call has
//!   stopped), and every replica reports the task cancelled, without a
//!   result, also after the time it would have finished;
//! - a second extraction runs to completion, and its result is read through
//!   the replicas that did not run it.
//!
//! The replicas run with `--brandkit-seconds 20`: long enough that the
//! cancellation, which a worker on another replica notices at its next lease
//! renewal (a third of the 30 s lease), lands before the work would end.
//! Which replica answered each request is read from the balancer's access log.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use mcp_test_client::send;
use serde_json::{Value, json};

use crate::nginx::Nginx;
use crate::replicas::{Replica, example_binary};
use crate::server::{free_port, redis_or_skip};

const MODERN: &str = "2026-07-28";
const SHARED_SECRET: &str = "a-test-secret-shared-by-the-three-reteno-replicas-0123";
const BRANDKIT_SECONDS: &str = "20";
/// Only a guard against hanging, never part of what is asserted.
const HANG_GUARD: Duration = Duration::from_secs(90);

/// A 2026-07-28 client of the balancer, declaring the tasks extension.
struct Client {
    balancer: SocketAddr,
    token: String,
}

impl Client {
    /// One request with id `step` (logged by the balancer with the replica
    /// that answered it): the JSON-RPC response.
    async fn request(&self, step: u64, method: &str, name: &str, mut params: Value) -> Value {
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientInfo": {"name": "replica-tasks", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {
                "extensions": {"io.modelcontextprotocol/tasks": {}}
            },
        });
        let body = json!({"jsonrpc": "2.0", "id": step, "method": method, "params": params});
        let authorization = format!("Bearer {}", self.token);
        let step = step.to_string();
        let headers = [
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
            ("mcp-protocol-version", MODERN),
            ("mcp-method", method),
            ("mcp-name", name),
            ("authorization", &authorization),
            ("x-test-step", &step),
        ];
        let reply = send(self.balancer, "POST", "/mcp", &headers, &body.to_string()).await;
        assert_eq!(reply.status, 200, "{method} ({step}): {}", reply.body);
        let message = reply.message();
        assert_eq!(message["id"], body["id"], "{message}");
        message
    }

    /// Starts a brand-kit extraction: the task's id.
    async fn extract(&self, step: u64, url: &str) -> String {
        let created = self
            .request(
                step,
                "tools/call",
                "extract_brandkit",
                json!({"name": "extract_brandkit", "arguments": {"url": url}}),
            )
            .await;
        assert_eq!(created["result"]["resultType"], "task", "{created}");
        assert_eq!(created["result"]["status"], "working", "{created}");
        created["result"]["taskId"]
            .as_str()
            .unwrap_or_else(|| panic!("{created}"))
            .to_owned()
    }

    /// `tasks/get`: the task's `DetailedTask`.
    async fn get(&self, step: u64, id: &str) -> Value {
        let task = self
            .request(step, "tasks/get", id, json!({"taskId": id}))
            .await;
        assert_eq!(task["result"]["taskId"], id, "{task}");
        task["result"].clone()
    }
}

/// An access token of the sandbox owner for the endpoint at `public`,
/// printed by the example itself (`--issue-token`).
fn owner_token(binary: &std::path::Path, public: &str) -> String {
    let output = Command::new(binary)
        .args(["--public-url", public, "--issue-token", "owner"])
        .env_remove("MCP_REDIS_URL")
        .env_remove("MCP_SHARED_SECRET")
        .output()
        .expect("the example runs");
    assert!(
        output.status.success(),
        "--issue-token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Steps counted from the tool call that started a task: round-robin over
/// three replicas sends step `n` to the replica that ran it when `n % 3 == 0`.
struct Counter(u64);

impl Counter {
    fn next(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_runs_on_one_replica_and_is_polled_cancelled_and_read_on_the_others() {
    let redis = redis_or_skip!();
    let binary = example_binary("reteno");
    let dir = std::env::temp_dir().join(format!("mcp-tools-replica-tasks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The replicas name the balancer's origin, so that a token issued for it
    // is accepted by each of them.
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let replicas: Vec<Replica> = (0..3)
        .map(|n| {
            let args: Vec<OsString> = [
                "--public-url",
                &public,
                "--redis",
                &redis.url(),
                "--shared-secret",
                SHARED_SECRET,
                "--brandkit-seconds",
                BRANDKIT_SECONDS,
            ]
            .iter()
            .map(Into::into)
            .collect();
            Replica::spawn(&binary, &dir, n, &args)
        })
        .collect();
    let addrs: Vec<SocketAddr> = replicas.iter().map(|r| r.addr).collect();
    let Some(nginx) = Nginx::start_on(port, &addrs) else {
        return;
    };
    let client = Client {
        balancer: nginx.addr(),
        token: owner_token(&binary, &public),
    };

    // Two extractions, started one after the other: the first is cancelled,
    // the second runs to its end.
    let mut step = Counter(0);
    let cancelled_id = client
        .extract(step.next(), "https://northwind-coffee.example")
        .await;
    let completed_id = client
        .extract(step.next(), "https://trailhead-outfitters.example/shop")
        .await;
    let runner = nginx.upstream(1);
    let completer = nginx.upstream(2);
    assert_ne!(runner, completer, "{:?}", nginx.upstreams());

    // Polled in rounds of three requests, one through each replica, until
    // every replica of a round reports the extraction's progress.
    let polled = tokio::time::timeout(HANG_GUARD, async {
        loop {
            let mut round = Vec::new();
            for _ in 0..3 {
                let n = step.next();
                round.push((n, client.get(n, &cancelled_id).await));
            }
            for (n, task) in &round {
                assert_eq!(task["status"], "working", "step {n}: {task}");
            }
            if round.iter().all(|(_, t)| t["statusMessage"].is_string()) {
                return round;
            }
        }
    })
    .await
    .expect("the extraction's progress never showed on every replica");
    let pollers: HashSet<String> = polled.iter().map(|(n, _)| nginx.upstream(n)).collect();
    assert_eq!(pollers.len(), 3, "{:?}", nginx.upstreams());

    // Cancelled through another replica than the one running it.
    let n = step.next();
    assert_ne!(n % 3, 1, "the cancellation would go to the runner");
    let ack = client
        .request(
            n,
            "tasks/cancel",
            &cancelled_id,
            json!({"taskId": cancelled_id}),
        )
        .await;
    assert_eq!(ack["result"]["resultType"], "complete", "{ack}");
    let canceller = nginx.upstream(n);
    assert_ne!(canceller, runner, "{:?}", nginx.upstreams());

    // The worker on the runner notices at its next lease renewal and stops;
    // only then is the task cancelled, on every replica.
    let cancelled = tokio::time::timeout(HANG_GUARD, async {
        loop {
            let n = step.next();
            let task = client.get(n, &cancelled_id).await;
            if task["status"] != "working" {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("the cancelled task never stopped");
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert_eq!(
        cancelled["statusMessage"], "cancelled at the client's request; the work was stopped",
        "{cancelled}"
    );
    assert!(cancelled.get("result").is_none(), "{cancelled}");
    let cancelled_at = cancelled["lastUpdatedAt"].clone();

    // The other extraction, started after the cancelled one, runs to its end
    // on its replica; its result is read through the two others.
    let completed = tokio::time::timeout(HANG_GUARD, async {
        loop {
            let n = step.next();
            let task = client.get(n, &completed_id).await;
            if task["status"] != "working" {
                return (n, task);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
    .await
    .expect("the extraction never completed");
    assert_eq!(completed.1["status"], "completed", "{}", completed.1);
    let mut readers: HashMap<String, Value> = HashMap::new();
    for _ in 0..3 {
        let n = step.next();
        let task = client.get(n, &completed_id).await;
        readers.insert(nginx.upstream(n), task);
    }
    assert_eq!(readers.len(), 3, "{:?}", nginx.upstreams());
    for (replica, task) in &readers {
        assert_eq!(task["status"], "completed", "{replica}: {task}");
        let kit = &task["result"]["structuredContent"];
        let kit = kit.get("Data").unwrap_or(kit);
        assert_eq!(
            kit["brandName"], "Trailhead Outfitters",
            "{replica}: {task}"
        );
        assert_eq!(kit["source"], "demo", "{replica}: {task}");
        assert_eq!(task["result"], readers[&completer]["result"], "{replica}");
    }

    // Past the time the cancelled extraction would have ended (it started
    // first): still cancelled, no result, not changed since, on every replica.
    for _ in 0..3 {
        let n = step.next();
        let task = client.get(n, &cancelled_id).await;
        assert_eq!(task["status"], "cancelled", "step {n}: {task}");
        assert!(task.get("result").is_none(), "step {n}: {task}");
        assert_eq!(task["lastUpdatedAt"], cancelled_at, "step {n}: {task}");
    }

    let _ = (nginx.log(), replicas[0].stderr());
    drop(nginx);
    drop(replicas);
    let _ = std::fs::remove_dir_all(&dir);
}
