//! Options of the connection, and the start-up check that makes it.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Script};

use crate::connection::Redis;
use crate::error::{Error, ErrorKind};

/// The key prefix when none is set.
pub const DEFAULT_KEY_PREFIX: &str = "mcp:";
/// How long one command may take, reconnecting included, when not set.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_millis(500);
/// How long the start-up check may take when not set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Connects to Redis with the default options and checks that it can be used:
/// the start-up check of a replica.
///
/// Equivalent to `Redis::builder(url).connect()`; see
/// [`RedisBuilder::connect`] for what is checked. Must be called inside a
/// tokio runtime: the connection reconnects on tasks of that runtime.
///
/// ```no_run
/// # async fn start() -> Result<(), mcp_tools_redis::Error> {
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// # Ok(()) }
/// ```
pub async fn connect(url: &str) -> Result<Redis, Error> {
    Redis::builder(url).connect().await
}

/// Options of a [`Redis`] connection; [`connect`](Self::connect) makes it.
#[derive(Clone)]
pub struct RedisBuilder {
    url: String,
    prefix: String,
    command_timeout: Duration,
    connect_timeout: Duration,
}

impl Redis {
    /// Options for a connection to `url`: `redis://[user:password@]host[:port][/db]`
    /// or `redis+unix:///path/to/socket`.
    pub fn builder(url: impl Into<String>) -> RedisBuilder {
        RedisBuilder::new(url.into())
    }
}

impl fmt::Debug for RedisBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a password.
        f.debug_struct("RedisBuilder")
            .field("key_prefix", &self.prefix)
            .field("command_timeout", &self.command_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// Sets and reads back a short-lived key through a script: proves in one
/// round trip that we may run scripts and write keys under our prefix (a
/// read-only replica or a too narrow ACL fails here, not on the first call).
const PROBE: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'PX', 10000)
return redis.call('GET', KEYS[1])
";

impl RedisBuilder {
    pub(crate) fn new(url: String) -> Self {
        Self {
            url,
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// The prefix of every key written (default `mcp:`), so that several
    /// deployments can share one Redis. Replicas of one deployment must use
    /// the same prefix. It may not contain `{` or `}`: the keys use hash tags.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one command may take, waiting for a reconnection included
    /// (default 500 ms). Past it, the call that needed the command fails with
    /// a retryable error.
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// How long [`connect`](Self::connect) may take in all (default 3 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Connects and checks that Redis answers, accepts our credentials, runs
    /// scripts and takes writes. Refuses with an [`Error`] saying what to fix
    /// otherwise: a replica must not start without the state it shares.
    ///
    /// Also warns (through `tracing`) when Redis may evict keys under memory
    /// pressure: an evicted replay marker would let a used confirmation token
    /// run twice. Set `maxmemory-policy noeviction`.
    pub async fn connect(self) -> Result<Redis, Error> {
        self.validate()?;
        let client = redis::Client::open(self.url.as_str()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidUrl,
                format!(
                    "invalid redis url: {}; expected redis://[user:password@]host[:port][/db] \
                     or redis+unix:///path/to/socket",
                    e.detail().unwrap_or(e.category())
                ),
            )
            .with_source(e)
        })?;
        let address = client.get_connection_info().addr().to_string();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            // Every command is bounded by the command timeout in `Redis`,
            // waiting for a reconnection included; a second timer inside
            // redis-rs would bound it again at the price of one more timer
            // per command, and would reconnect no sooner (a timeout is not a
            // dropped connection to it either).
            .set_response_timeout(None)
            // Reconnection is retried on the next command anyway; a short
            // series keeps a command from waiting on a long back-off.
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(500));
        let pubsub_client = client.clone();
        let check = async {
            let manager = ConnectionManager::new_with_config(client, config).await?;
            let mut conn = manager.clone();
            let probe = format!("{}probe", self.prefix);
            let echoed: String = Script::new(PROBE)
                .key(&probe)
                .arg(&address)
                .invoke_async(&mut conn)
                .await?;
            Ok::<_, RedisError>((manager, echoed))
        };
        let (manager, echoed) = tokio::time::timeout(self.connect_timeout, check)
            .await
            .map_err(|_| {
                Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "redis at {address} did not answer within {:?}; check that a Redis \
                         server listens there and is reachable, or raise the connect timeout",
                        self.connect_timeout
                    ),
                )
            })?
            .map_err(|e| connect_error(&address, e))?;
        if echoed != address {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("redis at {address} did not return the value it was given"),
            ));
        }
        warn_if_evicting(&manager, &address).await;
        Ok(
            Redis::new(manager, self.prefix, self.command_timeout, address)
                .with_client(pubsub_client, self.connect_timeout),
        )
    }

    fn validate(&self) -> Result<(), Error> {
        if self.prefix.contains(['{', '}']) {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "key prefix {:?} contains a brace; braces are reserved for the keys' hash tags",
                    self.prefix
                ),
            ));
        }
        for (name, value) in [
            ("command", self.command_timeout),
            ("connect", self.connect_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!("the {name} timeout is zero; give it a positive duration"),
                ));
            }
        }
        Ok(())
    }
}

fn connect_error(address: &str, e: RedisError) -> Error {
    let refused = e.kind() == redis::ErrorKind::AuthenticationFailed
        || matches!(
            e.code(),
            Some("NOAUTH" | "WRONGPASS" | "NOPERM" | "READONLY" | "ERR")
        );
    let error = if refused {
        Error::new(
            ErrorKind::Refused,
            format!(
                "redis at {address} refused the start-up check: {e}; check the user and password \
                 in the url, that the user may run scripts and write keys, and that the server \
                 is a primary, not a read-only replica"
            ),
        )
    } else if e.is_timeout() {
        Error::new(
            ErrorKind::Timeout,
            format!("redis at {address} did not answer in time: {e}"),
        )
    } else {
        Error::new(
            ErrorKind::Unreachable,
            format!(
                "redis at {address} is unreachable: {e}; start Redis there or fix the url \
                 (the server refuses to start without the state its replicas share)"
            ),
        )
    };
    error.with_source(e)
}

/// Best effort: managed services often forbid `CONFIG`, and then we say
/// nothing rather than refuse to start.
async fn warn_if_evicting(manager: &ConnectionManager, address: &str) {
    let mut conn = manager.clone();
    let mut config_get = redis::cmd("CONFIG");
    config_get.arg("GET").arg("maxmemory-policy");
    let answer = config_get.query_async::<Vec<String>>(&mut conn);
    match tokio::time::timeout(Duration::from_secs(1), answer).await {
        Ok(Ok(pair)) => {
            if let Some(policy) = pair.get(1)
                && policy != "noeviction"
            {
                tracing::warn!(
                    redis = address,
                    policy = policy.as_str(),
                    "redis may evict keys under memory pressure; an evicted replay marker lets \
                     a used confirmation token run again: set maxmemory-policy noeviction"
                );
            }
        }
        Ok(Err(e)) => tracing::debug!(redis = address, error = %e, "cannot read maxmemory-policy"),
        Err(_) => tracing::debug!(redis = address, "no answer reading maxmemory-policy"),
    }
}
