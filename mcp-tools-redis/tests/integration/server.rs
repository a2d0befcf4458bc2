//! A real `redis-server` per test, on a free loopback port, killed on drop.

use std::io::Write as _;
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

/// Set to `1` to skip the tests that need `redis-server`.
const SKIP_VAR: &str = "MCP_TOOLS_SKIP_REDIS";

/// Starts a Redis for the test, or returns from the test when
/// `MCP_TOOLS_SKIP_REDIS=1`.
macro_rules! redis_or_skip {
    ($($arg:expr),* $(,)?) => {
        match $crate::server::RedisServer::start(&[$($arg),*]) {
            Some(server) => server,
            None => return,
        }
    };
}
pub(crate) use redis_or_skip;

pub(crate) struct RedisServer {
    binary: PathBuf,
    args: Vec<String>,
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// A fresh server with `extra` arguments, or `None` (after saying so on
    /// stderr) when the Redis tests are to be skipped.
    pub(crate) fn start(extra: &[&str]) -> Option<Self> {
        if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
            // Straight to stderr, past the test harness's capture, once.
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! {SKIP_VAR}=1: the mcp-tools-redis tests that need redis-server \
                     are SKIPPED and pass without testing anything. Unset it (and run \
                     scripts/install-redis.sh) to test against Redis. !!!\n"
                );
            });
            return None;
        }
        let binary = find_redis_server();
        let args: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        let mut last_error = String::new();
        // Another process may take the port between our probe and Redis's bind.
        for _ in 0..5 {
            let port = free_port();
            let mut server = Self {
                binary: binary.clone(),
                args: args.clone(),
                port,
                child: None,
            };
            match server.spawn() {
                Ok(()) => return Some(server),
                Err(e) => last_error = e,
            }
        }
        panic!("redis-server did not start: {last_error}");
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server at once, as a crash would.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    pub(crate) fn restart(&mut self) {
        self.kill();
        if let Err(e) = self.spawn() {
            panic!("redis-server did not restart on port {}: {e}", self.port);
        }
    }

    /// Runs one command on a connection of its own, for the test to look at
    /// or change what the stores wrote.
    pub(crate) fn command<T: redis::FromRedisValue>(&self, args: &[&str]) -> T {
        let client = redis::Client::open(self.url()).expect("redis url");
        let mut conn = client
            .get_connection_with_timeout(Duration::from_secs(2))
            .expect("a test connection to redis-server");
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        cmd.query(&mut conn)
            .unwrap_or_else(|e| panic!("{args:?} failed: {e}"))
    }

    fn spawn(&mut self) -> Result<(), String> {
        let port = self.port.to_string();
        let mut child = Command::new(&self.binary)
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(std::env::temp_dir())
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.binary.display()))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "redis-server on port {port} exited at start: {status}"
                ));
            }
            if answers_ping(self.port) {
                self.child = Some(child);
                return Ok(());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "redis-server on port {port} did not answer PING in 10 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether something on the port answers PING like Redis (a password-protected
/// Redis answers `-NOAUTH`, which counts: it is up).
fn answers_ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut answer = [0u8; 16];
    match stream.read(&mut answer) {
        Ok(n) => answer[..n].starts_with(b"+PONG") || answer[..n].starts_with(b"-NOAUTH"),
        Err(_) => false,
    }
}

/// A loopback port nothing listens on, as far as we can tell.
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free loopback port");
    listener.local_addr().expect("its address").port()
}

fn find_redis_server() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "redis-server is not on PATH. The mcp-tools-redis tests run against a real \
                 Redis: run scripts/install-redis.sh (installs Debian's redis-server), or set \
                 {SKIP_VAR}=1 to skip them"
            )
        })
}
