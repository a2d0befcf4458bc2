//! The published `tools/list`, checked in as JSON. A change to any tool's
//! name, description, annotations or schemas fails this test until the
//! snapshot is regenerated on purpose:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-retently --test http snapshot
//! ```

use std::path::Path;

use mcp_tools::serde_json::{self, Value, json};

use crate::support::Sandbox;
use mcp_example_retently::catalog::TOOLS;

const SNAPSHOT: &str = "tests/snapshots/tools_list.json";

/// Every page of `tools/list`, as one `{"tools": […]}` document.
async fn tools_list(s: &Sandbox) -> Value {
    let mut tools = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let mut params = json!({});
        if !cursor.is_null() {
            params["cursor"] = cursor.clone();
        }
        let reply = s
            .post(
                Some(&s.full),
                &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": params}),
            )
            .await;
        let result = reply.message()["result"].clone();
        tools.extend(result["tools"].as_array().unwrap().iter().cloned());
        cursor = result["nextCursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    json!({ "tools": tools })
}

#[tokio::test]
async fn tools_list_matches_the_snapshot() {
    let s = Sandbox::start().await;
    let listed = tools_list(&s).await;
    let tools = listed["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOLS.iter().map(|t| t.name).collect::<Vec<_>>());
    let hint = |name: &str| {
        tools
            .iter()
            .filter(|t| t["annotations"][name] == true)
            .count()
    };
    assert_eq!(hint("readOnlyHint"), 44, "43 reads and ping");
    assert_eq!(hint("destructiveHint"), 9);

    let text = serde_json::to_string_pretty(&listed).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let saved = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read {SNAPSHOT} ({e}); create it with UPDATE_SNAPSHOTS=1")
    });
    if saved != text {
        let first = saved
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(saved.lines().count().min(text.lines().count()));
        panic!(
            "tools/list drifted from {SNAPSHOT} at line {}:\n  saved: {}\n  now:   {}\n\
             If the change is intended, run UPDATE_SNAPSHOTS=1 cargo test -p mcp-example-retently --test http snapshot",
            first + 1,
            saved.lines().nth(first).unwrap_or("<end>"),
            text.lines().nth(first).unwrap_or("<end>")
        );
    }
}
