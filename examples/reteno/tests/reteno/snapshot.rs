//! The published surface, checked in: `tests/snapshots/reteno_tools_list.json`
//! holds the whole `tools/list` result as pretty JSON, in registration order.
//!
//! When a name, description, annotation or schema changes on purpose,
//! regenerate it and review the diff:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-reteno --test reteno snapshot
//! git diff examples/reteno/tests/snapshots/
//! ```

use std::path::PathBuf;

use mcp_tools::serde_json::{self, json};

use crate::harness::Sandbox;

#[tokio::test]
async fn tools_list_matches_the_snapshot() {
    let sandbox = Sandbox::new();
    let result = sandbox
        .client
        .request("tools/list", json!({}))
        .await
        .expect("tools/list");
    assert!(
        result.get("nextCursor").is_none(),
        "all 82 tools fit one page"
    );
    let mut actual = serde_json::to_string_pretty(&result).expect("serialisable");
    actual.push('\n');
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/reteno_tools_list.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v != "0") {
        std::fs::write(&path, &actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; create it with UPDATE_SNAPSHOTS=1",
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
         If the change is intended, run UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-reteno --test reteno snapshot \
         and review the diff.",
        path.display()
    );
}
