//! Replays the fuzz targets' corpora (`fuzz/corpus/<target>/*`) through the
//! same entry points the fuzzer drives, so that every seed and every fixed
//! crash stays fixed without libFuzzer.

use std::fs;
use std::path::PathBuf;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut count = 0;
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a corpus entry").path();
        let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("replaying {}", path.display());
        run(&data);
        count += 1;
    }
    assert!(count > 0, "no corpus for {target} in {}", dir.display());
}

#[test]
fn json_rpc_corpus() {
    replay("json_rpc", mcp_tools::__fuzz::json_rpc);
}

#[test]
fn arguments_corpus() {
    replay("arguments", mcp_tools::__fuzz::arguments);
}

#[test]
fn confirmation_corpus() {
    replay("confirmation", mcp_tools::__fuzz::confirmation);
}

#[test]
fn request_state_corpus() {
    replay("request_state", mcp_tools::__fuzz::request_state);
}
