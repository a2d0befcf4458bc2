//! The connection every store of a replica shares, and the time bound on
//! each command.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{Cmd, FromRedisValue, RedisError, Script, ToRedisArgs};

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
        let mut command = redis::cmd("EVALSHA");
        command.arg(script.get_hash()).arg(keys);
        Self { script, command }
    }

    pub(crate) fn arg(&mut self, arg: impl ToRedisArgs) -> &mut Self {
        self.command.arg(arg);
        self
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
