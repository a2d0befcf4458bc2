//! Two replicas behind a real nginx, round-robin: a confirmation token
//! obtained through one replica is redeemed once through the other, and a
//! task is polled and cancelled whichever replica answers.
//!
//! nginx (`scripts/install-nginx.sh`) runs in the foreground, one process,
//! on a free loopback port, with a configuration generated here;
//! `MCP_TOOLS_SKIP_NGINX=1` skips the test, loudly.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcp_test_client::send;
use mcp_tools::task::TaskSupport;
use mcp_tools::{
    Caller, Confirmation, FromToolContext, NoArguments, Server, State, Tool, ToolContext,
    ToolResult,
};
use mcp_tools_redis::{RedisReplayStore, RedisTaskStore};
use mcp_transport_http::auth::ApiKeys;
use mcp_transport_http::{McpService, Serving, serve};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::{free_port, redis_or_skip};

const SKIP_VAR: &str = "MCP_TOOLS_SKIP_NGINX";
const MODERN: &str = "2026-07-28";
/// Only a guard against hanging, never part of what is asserted.
const HANG_GUARD: Duration = Duration::from_secs(10);

/// An nginx balancing over `upstreams`, killed on drop.
pub(crate) struct Nginx {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Nginx {
    pub(crate) fn start(upstreams: &[SocketAddr]) -> Option<Self> {
        Self::start_on(free_port(), upstreams)
    }

    /// An nginx on `port`, for replicas that must be told the balancer's
    /// address before it starts.
    pub(crate) fn start_on(port: u16, upstreams: &[SocketAddr]) -> Option<Self> {
        if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! {SKIP_VAR}=1: the test with two replicas behind nginx is SKIPPED. !!!\n"
            );
            return None;
        }
        let binary = find_nginx();
        let dir =
            std::env::temp_dir().join(format!("mcp-tools-nginx-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let servers: String = upstreams
            .iter()
            .map(|a| format!("        server {a};\n"))
            .collect();
        let d = dir.display();
        let config = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\nevents {{ worker_connections 64; }}\nhttp {{\n\
             \x20   log_format steps '$http_x_test_step $upstream_addr $status';\n\
             \x20   access_log {d}/access.log steps;\n    client_body_temp_path {d}/body;\n    proxy_temp_path {d}/proxy;\n\
             \x20   fastcgi_temp_path {d}/fastcgi;\n    uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n\
             \x20   upstream replicas {{\n{servers}    }}\n    server {{\n\
             \x20       listen 127.0.0.1:{port};\n        location / {{\n\
             \x20           proxy_pass http://replicas;\n            proxy_http_version 1.1;\n\
             \x20           proxy_set_header Host $http_host;\n            proxy_set_header Connection \"\";\n\
             \x20           proxy_buffering off;\n        }}\n    }}\n}}\n"
        );
        std::fs::write(dir.join("nginx.conf"), config).unwrap();
        let child = Command::new(&binary)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        let mut nginx = Self { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                panic!("nginx exited at start ({status}): {}", nginx.log());
            }
            assert!(
                Instant::now() < deadline,
                "nginx did not listen in 10 s: {}",
                nginx.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(nginx)
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        (Ipv4Addr::LOCALHOST, self.port).into()
    }

    /// The upstream that answered each request sent with an `x-test-step`
    /// header, by step (nginx writes a line when a request ends). A request
    /// retried on another upstream names every upstream it tried.
    pub(crate) fn upstreams(&self) -> std::collections::HashMap<String, String> {
        std::fs::read_to_string(self.dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut fields = line.split(' ');
                let step = fields.next().filter(|s| *s != "-")?;
                Some((step.to_owned(), fields.next()?.to_owned()))
            })
            .collect()
    }

    /// The upstream that answered the request of `step`, once nginx logged
    /// it (the line may follow the response by a moment).
    pub(crate) fn upstream(&self, step: impl std::fmt::Display) -> String {
        let step = step.to_string();
        let deadline = Instant::now() + HANG_GUARD;
        loop {
            if let Some(upstream) = self.upstreams().remove(&step) {
                return upstream;
            }
            assert!(
                Instant::now() < deadline,
                "nginx logged no request {step}: {:?}",
                self.upstreams()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn find_nginx() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "nginx is not installed. Run scripts/install-nginx.sh (installs Debian's \
                 nginx-light), or set {SKIP_VAR}=1 to skip the test with a load balancer"
            )
        })
}

/// Which replica ran what, shared by the test's replicas.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }

    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// The name of the replica a tool runs on.
#[derive(Clone)]
struct Replica(&'static str);

#[derive(Deserialize, JsonSchema)]
struct DeleteTag {
    /// The tag to delete.
    tag: String,
}

async fn replica(name: &'static str, url: &str, log: &Log) -> Serving {
    let redis = mcp_tools_redis::connect(url).await.unwrap();
    let delete_tag = Tool::builder("delete_tag")
        .description("Deletes a tag. Dry run first; confirm with the token it returns.")
        .destructive()
        .confirm()
        .uses::<State<Log>>()
        .uses::<State<Replica>>()
        .uses::<Confirmation>()
        .handler(|args: DeleteTag, cx: ToolContext| async move {
            let State(log) = State::<Log>::from_tool_context(&cx)?;
            let State(Replica(me)) = State::<Replica>::from_tool_context(&cx)?;
            log.push(format!("{me} ran delete_tag"));
            Confirmation::from_tool_context(&cx)?
                .preview(&json!({"WouldDelete": args.tag}))
                .await?;
            log.push(format!("{me} deleted {}", args.tag));
            ToolResult::Ok(json!({"Deleted": args.tag}))
        });
    let wait = Tool::builder("wait")
        .description("Reports that it waits, then waits until cancelled.")
        .read_only()
        .task(TaskSupport::Optional)
        .handler(|_: NoArguments, cx: ToolContext| async move {
            cx.progress(1.0, None, Some("waiting"));
            std::future::pending::<()>().await;
            ToolResult::Ok("never")
        });
    let server = Server::builder("crm", "1.0.0")
        .confirmation_secret(*b"a shared secret of 32 bytes!!!!!")
        .replay_store(RedisReplayStore::new(&redis))
        .task_store(Arc::new(RedisTaskStore::new(&redis)))
        .task_immediate_window(Duration::ZERO)
        .task_lease(Duration::from_millis(300))
        // The tool ignores cancellation: dropped at once, no grace period.
        .cancellation_grace(Duration::ZERO)
        .state(log.clone())
        .state(Replica(name))
        .tool(delete_tag)
        .tool(wait)
        .build()
        .unwrap();
    let keys = ApiKeys::new().key("alice-key", Caller::new("alice").with_account("acme"));
    serve(
        McpService::builder(server).authenticator(keys).build(),
        "127.0.0.1:0",
    )
    .await
    .unwrap()
}

/// One 2026-07-28 request through `addr`: the JSON-RPC response.
async fn request(addr: SocketAddr, method: &str, name: &str, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {
            "extensions": {"io.modelcontextprotocol/tasks": {}}
        },
    });
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let headers = [
        ("host", "127.0.0.1"),
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
        ("mcp-protocol-version", MODERN),
        ("mcp-method", method),
        ("mcp-name", name),
        ("x-api-key", "alice-key"),
    ];
    let reply = send(addr, "POST", "/mcp", &headers, &body.to_string()).await;
    assert_eq!(reply.status, 200, "{method}: {}", reply.body);
    reply.message()
}

async fn delete_tag(addr: SocketAddr, arguments: Value) -> Value {
    let reply = request(
        addr,
        "tools/call",
        "delete_tag",
        json!({"name": "delete_tag", "arguments": arguments}),
    )
    .await;
    reply["result"]["structuredContent"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_behind_nginx_share_confirmations_and_tasks() {
    let redis = redis_or_skip!();
    let log = Log::default();
    let a = replica("A", &redis.url(), &log).await;
    let b = replica("B", &redis.url(), &log).await;
    let Some(nginx) = Nginx::start(&[a.local_addr(), b.local_addr()]) else {
        return;
    };
    let lb = nginx.addr();

    // The dry run, through the balancer: one replica hands out the token.
    let dry = delete_tag(lb, json!({"tag": "vip"})).await;
    let token = dry["Data"]["ConfirmationToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{dry}"))
        .to_owned();
    let first = log.entries();
    assert_eq!(first.len(), 1, "{first:?}");
    let issuer = first[0].split(' ').next().unwrap().to_owned();

    // The confirmation, through the balancer: round-robin sends it to the other.
    let done = delete_tag(lb, json!({"tag": "vip", "confirmationToken": token})).await;
    assert_eq!(done["Data"], json!({"Deleted": "vip"}), "{done}");
    let entries = log.entries();
    let redeemer = if issuer == "A" { "B" } else { "A" };
    assert_eq!(
        entries[1..],
        [
            format!("{redeemer} ran delete_tag"),
            format!("{redeemer} deleted vip")
        ],
        "the token from {issuer} was redeemed through {redeemer}: {entries:?}"
    );

    // Replayed through both replicas: refused each time, the tag deleted once.
    for _ in 0..2 {
        let again = delete_tag(lb, json!({"tag": "vip", "confirmationToken": token})).await;
        assert_eq!(again["ErrorCode"], "ConfirmationAlreadyUsed", "{again}");
    }
    let deleted: Vec<_> = log
        .entries()
        .into_iter()
        .filter(|e| e.contains("deleted"))
        .collect();
    assert_eq!(deleted.len(), 1, "{deleted:?}");

    // A task started through the balancer is polled through both replicas.
    let created = request(
        lb,
        "tools/call",
        "wait",
        json!({"name": "wait", "arguments": {}}),
    )
    .await;
    let id = created["result"]["taskId"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();
    let get = || request(lb, "tasks/get", &id, json!({"taskId": id}));
    let polled = tokio::time::timeout(HANG_GUARD, async {
        loop {
            let task = get().await["result"].clone();
            if task["statusMessage"] == "waiting" {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the task's progress never showed");
    assert_eq!(polled["status"], "working");
    // Four polls in a row alternate between the replicas: every one finds it.
    for _ in 0..4 {
        let task = get().await;
        assert_eq!(task["result"]["status"], "working", "{task}");
    }
    let ack = request(lb, "tasks/cancel", &id, json!({"taskId": id})).await;
    assert_eq!(ack["result"]["resultType"], "complete", "{ack}");
    let cancelled = tokio::time::timeout(HANG_GUARD, async {
        loop {
            let task = get().await["result"].clone();
            if task["status"] != "working" {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the task was never cancelled");
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    for _ in 0..2 {
        assert_eq!(get().await["result"]["status"], "cancelled");
    }

    drop(nginx);
    a.shutdown(Duration::from_secs(1)).await;
    b.shutdown(Duration::from_secs(1)).await;
}
