//! Three replicas of the Retently example, as real processes (the example
//! binary cargo builds for this test), behind a real nginx (round-robin, no
//! stickiness) and a real `redis-server`, driven over HTTP:
//!
//! - a 2025 session initialised on one replica is used on the others, and
//!   `DELETE` ends it on all of them;
//! - a dry run on one replica is confirmed on another, and the same token
//!   replayed on a third is refused;
//! - a replica killed with SIGKILL during a load of writes: no call is
//!   answered wrongly and no write is lost.
//!
//! Which replica answered is read from the replicas' own audit logs (one
//! file per replica), not guessed from the balancer. The sandbox data of the
//! example is per process (a real deployment keeps it in the vendor's
//! backend), so "a write" here is what replicas share: a confirmation that
//! ran. "No lost write" means: every confirmation the client saw succeed is
//! afterwards known to every live replica (its token is refused as used),
//! whichever replica ran it and whichever died.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mcp_test_client::{Response, send};
use serde_json::{Value, json};

use crate::nginx::Nginx;
use crate::server::{free_port, redis_or_skip};

const TOKEN: &str = "rtly_mcp_pat_replicas_0123456789abcdef0123456789abcdef";
const SCOPES: &str = "feedback:read,feedback:curate";
const SHARED_SECRET: &str = "a-test-secret-shared-by-the-three-replicas-0123456789";
const VERSION: &str = "2025-11-25";
/// Only a guard against hanging, never part of what is asserted.
const START_WITHIN: Duration = Duration::from_secs(60);

/// The example binary, built by cargo for this test (with the workspace's
/// target directory).
/// A directory of this test process for a test's logs and audit files,
/// `<tmp>/mcp-tools-<name>-<pid>`.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-tools-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn example_binary(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // The target directory this test was built in: `<target>/debug/deps/<test>`.
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap();
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--example", name, "--message-format=json"])
        .arg("--target-dir")
        .arg(target)
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo build --example {name} failed"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo named no executable for the example {name}"))
}

/// One replica process, killed (SIGKILL) on drop.
pub(crate) struct Replica {
    child: Child,
    pub(crate) addr: SocketAddr,
    audit: PathBuf,
    log: PathBuf,
}

impl Replica {
    fn start(binary: &Path, redis: &str, dir: &Path, n: usize) -> Self {
        // The write budget is one budget for the three replicas; the load
        // must not be cut short by it.
        Self::retently(binary, redis, dir, n, &["--writes-per-hour", "1000"])
    }

    /// A Retently replica sharing `redis`, with its own audit log, and `extra`
    /// arguments.
    pub(crate) fn retently(
        binary: &Path,
        redis: &str,
        dir: &Path,
        n: usize,
        extra: &[&str],
    ) -> Self {
        let audit = dir.join(format!("audit-{n}.jsonl"));
        let mut args: Vec<std::ffi::OsString> = vec![
            "--pat".into(),
            format!("{TOKEN}={SCOPES}").into(),
            "--audit-log".into(),
            audit.clone().into(),
            "--redis".into(),
            redis.into(),
            "--shared-secret".into(),
            SHARED_SECRET.into(),
        ];
        args.extend(extra.iter().map(Into::into));
        let mut replica = Self::spawn(binary, dir, n, &args);
        replica.audit = audit;
        replica
    }

    /// Runs `binary --listen <a free port> args…` (the replica's stderr goes
    /// to a file in `dir`) and waits until it listens.
    pub(crate) fn spawn(binary: &Path, dir: &Path, n: usize, args: &[std::ffi::OsString]) -> Self {
        let port = free_port();
        let addr: SocketAddr = (Ipv4Addr::LOCALHOST, port).into();
        let log = dir.join(format!("replica-{n}.log"));
        let child = Command::new(binary)
            .arg("--listen")
            .arg(addr.to_string())
            .args(args)
            .env_remove("MCP_REDIS_URL")
            .env_remove("MCP_SHARED_SECRET")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        let mut replica = Self {
            child,
            addr,
            audit: PathBuf::new(),
            log,
        };
        let deadline = Instant::now() + START_WITHIN;
        while std::net::TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = replica.child.try_wait() {
                panic!(
                    "replica {n} exited at start ({status}): {}",
                    replica.stderr()
                );
            }
            assert!(Instant::now() < deadline, "replica {n} did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        replica
    }

    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The audit records of `tool`: `(outcome, error code)`, oldest first.
    pub(crate) fn audited(&self, tool: &str) -> Vec<(String, Option<String>)> {
        std::fs::read_to_string(&self.audit)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|r| r["tool"] == tool)
            .map(|r| {
                (
                    r["outcome"].as_str().unwrap_or("").to_owned(),
                    r["error_code"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A client of the balancer, speaking 2025-11-25 with a session.
pub(crate) struct Client {
    balancer: SocketAddr,
    session: Option<String>,
}

impl Client {
    fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            (
                "accept".to_owned(),
                "application/json, text/event-stream".to_owned(),
            ),
            ("authorization".to_owned(), format!("Bearer {TOKEN}")),
            ("mcp-protocol-version".to_owned(), VERSION.to_owned()),
        ];
        if let Some(session) = &self.session {
            headers.push(("mcp-session-id".to_owned(), session.clone()));
        }
        headers
    }

    pub(crate) async fn initialize(balancer: SocketAddr) -> Self {
        let mut client = Self {
            balancer,
            session: None,
        };
        let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": VERSION, "capabilities": {},
                       "clientInfo": {"name": "replicas-test", "version": "1"}}});
        let reply = client.post(&body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        client.session = Some(reply.header("mcp-session-id").unwrap().to_owned());
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        assert_eq!(client.post(&initialized).await.status, 202);
        client
    }

    /// Posts `body`; its id goes in `x-test-step` too, which the balancer
    /// logs with the replica that answered (see [`Nginx::upstreams`]).
    pub(crate) async fn post(&self, body: &Value) -> Response {
        let mut headers = self.headers();
        if let Some(id) = body.get("id") {
            headers.push(("x-test-step".to_owned(), id.to_string()));
        }
        send(self.balancer, "POST", "/mcp", &headers, &body.to_string()).await
    }

    /// One `tools/call`, with the HTTP response it got.
    pub(crate) async fn call(&self, id: u64, tool: &str, arguments: Value) -> Response {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments}});
        self.post(&body).await
    }

    async fn end(&self) -> Response {
        let mut headers = self.headers();
        headers.retain(|(name, _)| name != "content-type");
        send(self.balancer, "DELETE", "/mcp", &headers, "").await
    }
}

/// What one answered call says.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The envelope's `Data`.
    Done(Value),
    /// A tool error: the envelope's `ErrorCode`.
    Refused(String),
    /// No answer from a replica (the balancer's 502, or 503): retry.
    Unanswered,
}

/// Reads the answer to call `id`, failing the test on any answer that is
/// not a correct one: another call's id, a malformed envelope, an HTTP
/// status other than a retryable "no answer".
pub(crate) fn outcome(reply: &Response, id: u64) -> Outcome {
    if matches!(reply.status.as_u16(), 502 | 503) {
        return Outcome::Unanswered;
    }
    assert_eq!(reply.status, 200, "call {id}: {}", reply.body);
    let message = reply.message();
    assert_eq!(
        message["id"], id,
        "call {id} answered as another: {message}"
    );
    let envelope = &message["result"]["structuredContent"];
    match envelope["Success"].as_bool() {
        Some(true) => Outcome::Done(envelope["Data"].clone()),
        Some(false) => Outcome::Refused(envelope["ErrorCode"].as_str().unwrap().to_owned()),
        None => panic!("call {id}: not an envelope: {message}"),
    }
}

/// The id of the first item of `list_feedback`'s page, as Retently publishes it.
pub(crate) fn first_feedback(listed: &Value) -> Value {
    let id = listed["Items"][0]["id"].clone();
    assert!(id.is_u64(), "no feedback to star in {listed}");
    id
}

pub(crate) fn star(feedback: &Value, starred: bool) -> Value {
    json!({"feedbackId": feedback, "starred": starred})
}

pub(crate) fn with_token(arguments: &Value, token: &str) -> Value {
    let mut arguments = arguments.clone();
    arguments["confirmationToken"] = json!(token);
    arguments
}

/// How many of the replicas' audit logs hold a record of `tool` with `outcome`.
fn replicas_with(replicas: &[Replica], tool: &str, outcome: &str) -> usize {
    replicas
        .iter()
        .filter(|r| r.audited(tool).iter().any(|(o, _)| o == outcome))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_behind_nginx_share_sessions_and_confirmations_and_survive_a_kill() {
    let redis = redis_or_skip!();
    let binary = example_binary("retently");
    let dir = scratch_dir("replicas");
    let mut replicas: Vec<Replica> = (0..3)
        .map(|n| Replica::start(&binary, &redis.url(), &dir, n))
        .collect();
    let addrs: Vec<SocketAddr> = replicas.iter().map(|r| r.addr).collect();
    let Some(nginx) = Nginx::start(&addrs) else {
        return;
    };
    let balancer = nginx.addr();

    // A session initialised on one replica, used on every replica.
    let client = Client::initialize(balancer).await;
    let listed = outcome(&client.call(1, "list_feedback", json!({})).await, 1);
    let Outcome::Done(listed) = listed else {
        panic!("list_feedback: {listed:?}")
    };
    let feedback = first_feedback(&listed);
    let arguments = star(&feedback, true);
    for id in 2..5 {
        let dry = outcome(
            &client.call(id, "star_feedback", arguments.clone()).await,
            id,
        );
        assert!(
            matches!(&dry, Outcome::Done(d) if d["Confirmed"] == false),
            "{dry:?}"
        );
    }
    // Round-robin: the three dry runs of the session ran on three replicas.
    assert_eq!(replicas_with(&replicas, "star_feedback", "DryRun"), 3);

    // A dry run on one replica, confirmed on another, replayed on a third.
    let Outcome::Done(dry) = outcome(&client.call(5, "star_feedback", arguments.clone()).await, 5)
    else {
        panic!("the dry run failed")
    };
    let token = dry["ConfirmationToken"].as_str().unwrap().to_owned();
    let confirmed = outcome(
        &client
            .call(6, "star_feedback", with_token(&arguments, &token))
            .await,
        6,
    );
    assert!(
        matches!(&confirmed, Outcome::Done(d) if d["changed"] == true),
        "{confirmed:?}"
    );
    let replayed = outcome(
        &client
            .call(7, "star_feedback", with_token(&arguments, &token))
            .await,
        7,
    );
    assert!(
        matches!(&replayed, Outcome::Refused(code) if code == "ConfirmationAlreadyUsed"),
        "{replayed:?}"
    );
    // One replica ran it, another refused the replay (round-robin put the
    // dry run, the run and the replay on three replicas).
    assert_eq!(replicas_with(&replicas, "star_feedback", "Executed"), 1);
    let refusers = replicas
        .iter()
        .filter(|r| {
            r.audited("star_feedback")
                .iter()
                .any(|(_, code)| code.as_deref() == Some("ConfirmationAlreadyUsed"))
        })
        .count();
    assert_eq!(refusers, 1);
    let runner = replicas
        .iter()
        .position(|r| {
            r.audited("star_feedback")
                .iter()
                .any(|(o, _)| o == "Executed")
        })
        .unwrap();
    let refuser = replicas
        .iter()
        .position(|r| {
            r.audited("star_feedback")
                .iter()
                .any(|(_, code)| code.as_deref() == Some("ConfirmationAlreadyUsed"))
        })
        .unwrap();
    assert_ne!(runner, refuser);

    // DELETE through one replica ends the session on all three.
    let ended = client.end().await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    for id in 8..11 {
        let gone = client.call(id, "list_feedback", json!({})).await;
        assert_eq!(gone.status, 404, "{}", gone.body);
    }

    // Load, and a replica killed in the middle of it.
    let client = Arc::new(Client::initialize(balancer).await);
    let killed = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for worker in 0..4_u64 {
        let client = client.clone();
        let feedback = feedback.clone();
        let killed = killed.clone();
        workers.push(tokio::spawn(async move {
            let mut succeeded: Vec<(String, Value)> = Vec::new();
            let mut unanswered = 0_u32;
            let mut round = 0_u64;
            // Writes go on until the kill is behind us and a few more ran.
            let mut after_kill = 0;
            while after_kill < 3 {
                round += 1;
                let id = worker * 1_000_000 + round * 10;
                let arguments = star(&feedback, round.is_multiple_of(2));
                let token = match outcome(
                    &client.call(id, "star_feedback", arguments.clone()).await,
                    id,
                ) {
                    Outcome::Done(d) => d["ConfirmationToken"].as_str().unwrap().to_owned(),
                    Outcome::Unanswered => {
                        unanswered += 1;
                        continue;
                    }
                    Outcome::Refused(code) => panic!("a dry run refused: {code}"),
                };
                // A confirmation nobody answered is retried with the same
                // token: it either runs now or is refused as used (it ran
                // on the replica that died), never runs twice.
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    let id = id + attempt;
                    let reply = client
                        .call(id, "star_feedback", with_token(&arguments, &token))
                        .await;
                    match outcome(&reply, id) {
                        Outcome::Done(d) => {
                            assert_eq!(d["feedbackId"], feedback, "{d}");
                            assert_eq!(d["after"], arguments["starred"], "{d}");
                            succeeded.push((token.clone(), arguments.clone()));
                            break;
                        }
                        Outcome::Refused(code)
                            if code == "ConfirmationAlreadyUsed" && attempt > 1 =>
                        {
                            break;
                        }
                        Outcome::Refused(code) => panic!("confirmation {id} refused: {code}"),
                        Outcome::Unanswered => unanswered += 1,
                    }
                    assert!(attempt < 20, "a confirmation never got an answer");
                }
                if killed.load(Ordering::SeqCst) {
                    after_kill += 1;
                }
            }
            (succeeded, unanswered)
        }));
    }
    // Kill once the load is running: once some writes went through.
    let deadline = Instant::now() + START_WITHIN;
    while replicas
        .iter()
        .map(|r| r.audited("star_feedback").len())
        .sum::<usize>()
        < 40
    {
        assert!(Instant::now() < deadline, "the load did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    replicas[1].kill();
    killed.store(true, Ordering::SeqCst);
    let mut succeeded = Vec::new();
    let mut unanswered = 0;
    for worker in workers {
        let (tokens, missed) = worker.await.expect("no worker saw a wrong answer");
        succeeded.extend(tokens);
        unanswered += missed;
    }
    assert!(!succeeded.is_empty());

    // No lost write: every confirmation the client saw succeed is known as
    // used afterwards (round-robin skips the dead one and spreads the replays
    // over both live replicas). One replay per token: refused tokens spend
    // the caller's budget of failed confirmations (50 an hour), shared too.
    for (n, (token, arguments)) in succeeded.iter().enumerate() {
        let id = 90_000_000 + n as u64;
        let again = client
            .call(id, "star_feedback", with_token(arguments, token))
            .await;
        match outcome(&again, id) {
            Outcome::Refused(code) if code == "ConfirmationAlreadyUsed" => {}
            other => panic!("a confirmed write was not known as done: {other:?}"),
        }
    }
    eprintln!(
        "replicas: {} confirmed writes under load, {unanswered} requests unanswered by the \
         killed replica and retried, 0 wrong answers",
        succeeded.len()
    );
    let _ = (nginx.log(), replicas[0].stderr());
    drop(nginx);
    drop(replicas);
    let _ = std::fs::remove_dir_all(&dir);
}
