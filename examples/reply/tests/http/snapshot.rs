//! The published surface, checked in: `tests/snapshots/tools_list.json`
//! holds the full `tools/list` result (protocol 2025-06-18, so with output
//! schemas) as pretty JSON, in registration order.
//!
//! When a tool's name, description, annotations or schema change on purpose,
//! regenerate the snapshot and review the diff:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-reply --test http snapshot
//! git diff tests/snapshots/tools_list.json
//! ```

use std::path::PathBuf;

use mcp_tools::serde_json;

use crate::harness::Sandbox;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/tools_list.json")
}

#[tokio::test]
async fn tools_list_matches_the_snapshot() {
    let sandbox = Sandbox::start().await;
    let listed = sandbox.rpc("tools/list", serde_json::json!({})).await;
    let result = &listed["result"];
    assert!(result.get("nextCursor").is_none(), "all tools fit one page");
    let mut actual = serde_json::to_string_pretty(result).unwrap();
    actual.push('\n');
    let path = snapshot_path();

    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v != "0") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; create it with UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-reply --test http snapshot",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let (line, want, got) = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (want, got))| want != got)
        .map(|(n, (want, got))| (n + 1, want.to_owned(), got.to_owned()))
        .unwrap_or_else(|| {
            let n = expected.lines().count().min(actual.lines().count()) + 1;
            (n, "<end of one side>".to_owned(), "<more lines>".to_owned())
        });
    panic!(
        "tools/list drifted from {} (first difference at line {line}):\n  snapshot: {want}\n  server:   {got}\n\
         If the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-reply --test http snapshot` \
         and review `git diff tests/snapshots/`.",
        path.display()
    );
}
