//! Child processes the interop tests run: a client of another SDK, a suite,
//! a build, each bounded in time and with its output kept for the failure
//! message.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished child process left.
#[derive(Debug)]
pub struct Finished {
    /// Whether it exited with status 0 within its time.
    pub success: bool,
    /// Its stdout alone.
    pub stdout: String,
    /// The command, its stdout and stderr, and whether it was killed: what a
    /// failing test prints.
    pub output: String,
}

/// Runs `command` to completion within `limit`, killing it after that, and
/// collects stdout and stderr. Its stdin is empty.
///
/// # Panics
///
/// When the command cannot be started.
pub fn run(mut command: Command, limit: Duration) -> Finished {
    let described = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {described}: {e}"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let (status, timed_out) = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break (Some(status), false);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            break (child.wait().ok(), true);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().unwrap_or_default();
    let mut output = format!(
        "$ {described}\n--- stdout\n{stdout}\n--- stderr\n{}",
        err.join().unwrap_or_default()
    );
    if timed_out {
        output.push_str(&format!("\n--- killed after {} s", limit.as_secs()));
    }
    Finished {
        success: !timed_out && status.is_some_and(|s| s.success()),
        stdout,
        output,
    }
}
