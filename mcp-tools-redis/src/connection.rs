//! The connection every store of a replica shares, and the time bound on
//! each command.

use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{Cmd, FromRedisValue, RedisError, RedisWrite as _, Script, ToRedisArgs};

/// A connection to Redis shared by the stores of one replica.
///
/// Cheap to clone: clones share one multiplexed connection, which reconnects
/// by itself after Redis restarts or the network breaks. Every command is
/// bounded by the [command timeout](crate::RedisBuilder::command_timeout), waiting
/// for a reconnection included, so a slow or lost Redis costs a call at most
/// that long before it fails.
#[derive(Clone)]
pub struct Redis {
    inner: Arc<Inner>,
}

struct Inner {
    manager: ConnectionManager,
    prefix: String,
    command_timeout: Duration,
    /// `host:port` or a socket path: the URL without its credentials.
    address: String,
    /// For connections of their own (pub/sub), and how long opening one may take.
    client: Option<(redis::Client, Duration)>,
}

/// A command that did not succeed, for the store that sent it to turn into
/// its own error.
#[derive(Debug)]
pub(crate) enum Failure {
    Timeout(Duration),
    Redis(RedisError),
}

impl Failure {
    /// Whether the command may have been carried out although it failed: it
    /// was sent, or may have been, and no answer came back.
    pub(crate) fn is_ambiguous(&self) -> bool {
        match self {
            Self::Timeout(_) => true,
            // A refused connection never carried the command.
            Self::Redis(e) if e.is_connection_refusal() => false,
            Self::Redis(e) => e.is_io_error() || e.is_connection_dropped() || e.is_timeout(),
        }
    }

    /// Why, in a few words a model can read.
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::Timeout(limit) => format!("did not answer within {limit:?}"),
            Self::Redis(e) if e.is_io_error() || e.is_connection_dropped() => {
                "is unreachable".to_owned()
            }
            Self::Redis(e) => format!("answered with an error ({})", e.category()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout(limit) => write!(f, "no answer within {limit:?}"),
            Self::Redis(e) => write!(f, "{e}"),
        }
    }
}

impl Redis {
    pub(crate) fn new(
        manager: ConnectionManager,
        prefix: String,
        command_timeout: Duration,
        address: String,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                manager,
                prefix,
                command_timeout,
                address,
                client: None,
            }),
        }
    }

    /// Keeps the client, to open dedicated connections (pub/sub) with.
    pub(crate) fn with_client(mut self, client: redis::Client, connect_timeout: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.client = Some((client, connect_timeout));
        }
        self
    }

    /// The client and connect timeout for a dedicated connection.
    pub(crate) fn client(&self) -> Option<&(redis::Client, Duration)> {
        self.inner.client.as_ref()
    }

    /// The address connected to, without credentials: `host:port` or a
    /// socket path.
    pub fn address(&self) -> &str {
        &self.inner.address
    }

    /// The prefix of every key the stores write.
    pub fn key_prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// How long one command may take before the call that needed it fails.
    pub fn command_timeout(&self) -> Duration {
        self.inner.command_timeout
    }

    /// Whether `other` is this connection (a clone of the same handle).
    pub(crate) fn is(&self, other: &Redis) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    pub(crate) fn key(&self, name: impl fmt::Display) -> String {
        format!("{}{name}", self.inner.prefix)
    }

    pub(crate) async fn query<T: FromRedisValue>(&self, cmd: &Cmd) -> Result<T, Failure> {
        let mut conn = self.inner.manager.clone();
        self.bounded(async move { cmd.query_async(&mut conn).await })
            .await
    }

    /// Runs a script call built with [`ScriptCall`], loading the script
    /// first if Redis does not know it yet (after a restart or a
    /// `SCRIPT FLUSH`).
    pub(crate) async fn run<T: FromRedisValue>(&self, call: &ScriptCall<'_>) -> Result<T, Failure> {
        let mut conn = self.inner.manager.clone();
        self.bounded(async move {
            match call.command.query_async(&mut conn).await {
                Err(e)
                    if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript) =>
                {
                    call.script.prepare_invoke().load_async(&mut conn).await?;
                    call.command.query_async(&mut conn).await
                }
                answer => answer,
            }
        })
        .await
    }

    async fn bounded<T>(
        &self,
        command: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, Failure> {
        let limit = self.inner.command_timeout;
        match tokio::time::timeout(limit, command).await {
            Ok(Ok(value)) => Ok(value),
            // The connection's own response timeout is the same limit.
            Ok(Err(e)) if e.is_timeout() => Err(Failure::Timeout(limit)),
            Ok(Err(e)) => Err(Failure::Redis(e)),
            Err(_) => Err(Failure::Timeout(limit)),
        }
    }
}

/// One run of a script, its keys and arguments written straight into the
/// `EVALSHA` command, where `redis-rs`'s `ScriptInvocation` would keep each
/// argument in a buffer of its own and copy them all into the command at
/// every run.
pub(crate) struct ScriptCall<'a> {
    script: &'a Script,
    command: Cmd,
}

impl<'a> ScriptCall<'a> {
    /// A run of `script` with `keys` keys: add them with
    /// [`arg`](Self::arg), then its other arguments.
    pub(crate) fn new(script: &'a Script, keys: usize) -> Self {
        // Room for every script's usual keys and arguments, so that building
        // the command does not regrow its buffers argument by argument.
        let mut command = Cmd::with_capacity(keys + 12, 320);
        command.arg("EVALSHA").arg(script.get_hash()).arg(keys);
        Self { script, command }
    }

    pub(crate) fn arg(&mut self, arg: impl ToRedisArgs) -> &mut Self {
        self.command.arg(arg);
        self
    }

    /// One argument made of `parts` one after another (a key from its
    /// prefix, names and suffixes), written into the command with no string
    /// of its own.
    pub(crate) fn joined_arg<'p>(&mut self, parts: impl IntoIterator<Item = &'p str>) -> &mut Self {
        let mut arg = self.command.writer_for_next_arg();
        for part in parts {
            // Writing into the command's own buffer cannot fail.
            let _ = arg.write_all(part.as_bytes());
        }
        drop(arg);
        self
    }
}

/// `bytes` in lowercase hexadecimal, appended to `out`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redis")
            .field("address", &self.inner.address)
            .field("key_prefix", &self.inner.prefix)
            .field("command_timeout", &self.inner.command_timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_become_lowercase_hex() {
        let mut out = String::from("replay:");
        push_hex(&mut out, &[0x00, 0x0f, 0xa0, 0xff]);
        assert_eq!(out, "replay:000fa0ff");
        let mut empty = String::new();
        push_hex(&mut empty, &[]);
        assert_eq!(empty, "");
    }

    #[test]
    fn a_joined_argument_is_one_argument() {
        let script = Script::new("return 1");
        let mut call = ScriptCall::new(&script, 2);
        call.joined_arg(["mcp:", "rate:{a:x}", ":c"]).arg("plain");
        let args: Vec<Vec<u8>> = call
            .command
            .args_iter()
            .map(|arg| match arg {
                redis::Arg::Simple(bytes) => bytes.to_vec(),
                _ => b"(not a plain argument)".to_vec(),
            })
            .collect();
        assert_eq!(
            args,
            [
                b"EVALSHA".to_vec(),
                script.get_hash().as_bytes().to_vec(),
                b"2".to_vec(),
                b"mcp:rate:{a:x}:c".to_vec(),
                b"plain".to_vec(),
            ]
        );
    }
}
