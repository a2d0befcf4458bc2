//! What the tests that run the example binaries share: building one, and a
//! running process that is killed when the test ends, whichever way.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command};

/// Kills the process when the test ends, whichever way.
pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The example `name`'s binary, built into this test's own target directory.
pub(crate) fn example_binary(name: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --example {name} failed");
    // target/<profile>/deps/<test>-… → target/<profile>/examples/<name>
    let exe = std::env::current_exe().expect("the test's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Reads stdout up to the banner's line `MCP endpoint: http://ADDR/PATH`
/// (an example may print other lines first) and answers the bound address.
/// Blocking: call it off the async runtime.
pub(crate) fn bound_address(stdout: ChildStdout) -> SocketAddr {
    let mut printed = String::new();
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("MCP endpoint: http://") {
            let authority = rest.split('/').next().unwrap_or(rest);
            let addr = authority
                .parse()
                .unwrap_or_else(|e| panic!("no address in the banner line {line:?}: {e}"));
            // Whatever the process prints later must find a reader: a closed
            // pipe would make its next print fail.
            std::thread::spawn(move || lines.for_each(drop));
            return addr;
        }
        printed.push_str(&line);
        printed.push('\n');
    }
    panic!("the process ended its output without a banner:\n{printed}")
}
