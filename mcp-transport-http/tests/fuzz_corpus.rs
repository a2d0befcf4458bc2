//! Replays the HTTP fuzz target's corpus (`fuzz/corpus/http/*`) through the
//! same entry point the fuzzer drives, so that every seed and every fixed
//! crash stays fixed without libFuzzer.

use std::fs;
use std::path::PathBuf;

#[test]
fn http_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/http");
    let mut count = 0;
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a corpus entry").path();
        let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("replaying {}", path.display());
        mcp_transport_http::__fuzz::http(&data);
        count += 1;
    }
    assert!(count > 0, "no corpus in {}", dir.display());
}
