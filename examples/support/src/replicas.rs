//! Running an example as one of several replicas behind a load balancer:
//! `--redis URL` keeps the state replicas must share in Redis, and
//! `--shared-secret` makes every replica sign confirmation tokens and
//! 2026-07-28 `requestState` values alike.
//!
//! | flag | environment | what |
//! |---|---|---|
//! | `--redis URL` | `MCP_REDIS_URL` | used confirmation tokens, tasks, 2025 sessions (turned on), resumable stream events, notifications and rate budgets in Redis |
//! | `--shared-secret SECRET` | `MCP_SHARED_SECRET` | signs confirmation tokens and request states; the same on every replica, at least 32 bytes |
//! | `--previous-shared-secret SECRET` | `MCP_PREVIOUS_SHARED_SECRET` | the secret being rotated out: what it signed stays valid until it expires |
//!
//! Two keys are derived from the one shared secret, each with HMAC-SHA256
//! over a label of its own ([`CONFIRMATION_KEY_LABEL`],
//! [`REQUEST_STATE_KEY_LABEL`]), so that a confirmation token can never pass
//! for a request state or the other way round, and neither key reveals the
//! other or the secret.
//!
//! `--redis` without a shared secret is refused: each replica would sign
//! with a random secret of its own, and a token from one would not verify on
//! another. Redis that cannot be used at start is refused too, with the
//! reason on one line: a replica never serves without the state it shares.
//! Without either flag an example serves exactly as before, all in its own
//! memory. The examples' sandbox data (workspaces, accounts) stays in each
//! process whatever the flags: a real deployment keeps it in the vendor's
//! backend.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use mcp_tools::ServerBuilder;
use mcp_tools_redis::{
    Redis, RedisEventStore, RedisNotificationBus, RedisReplayStore, RedisSessionStore,
    RedisTaskStore,
};
use mcp_transport_http::McpServiceBuilder;
use sha2::Sha256;

/// The Redis stores, for an example's own shared parts (its rate limiter).
pub use mcp_tools_redis;

/// The fewest bytes a shared secret may have.
pub const MIN_SHARED_SECRET_LEN: usize = 32;

/// The label the confirmation-token key is derived with.
pub const CONFIRMATION_KEY_LABEL: &str = "mcp-tools examples: confirmation tokens v1";

/// The label the request-state key is derived with.
pub const REQUEST_STATE_KEY_LABEL: &str = "mcp-tools examples: request state v1";

/// The flags that make an example one replica of several (see the module
/// docs). Flattened into [`ServeArgs`](crate::cli::ServeArgs).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReplicaArgs {
    /// Keep what replicas share (used confirmation tokens, tasks, resumable
    /// stream events, rate budgets) in Redis at URL, such as
    /// redis://127.0.0.1:6379/. Needs --shared-secret. The sandbox data stays
    /// in this process.
    #[arg(long = "redis", env = "MCP_REDIS_URL", value_name = "URL")]
    pub redis: Option<String>,
    /// The secret every replica signs confirmation tokens and request states
    /// with: the same random string of at least 32 bytes on each, for example
    /// from `openssl rand -hex 32`.
    #[arg(
        long,
        env = "MCP_SHARED_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub shared_secret: Option<Secret>,
    /// The shared secret being rotated out: tokens and states it signed stay
    /// valid until they expire. Drop it once the longest token lifetime has
    /// passed.
    #[arg(
        long,
        env = "MCP_PREVIOUS_SHARED_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        requires = "shared_secret"
    )]
    pub previous_shared_secret: Option<Secret>,
}

/// A secret from the command line or the environment. Never printed:
/// `Debug` shows its length only.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The key for `label`: HMAC-SHA256 of the label under the secret.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn check(&self, flag: &str) -> Result<(), String> {
        let len = self.0.len();
        if len < MIN_SHARED_SECRET_LEN {
            return Err(format!(
                "{flag} has {len} bytes; use a random string of at least \
                 {MIN_SHARED_SECRET_LEN} bytes (for example `openssl rand -hex 32`)"
            ));
        }
        Ok(())
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    /// Takes any string: its length is checked by [`ReplicaArgs::connect`],
    /// whose message never repeats the secret (clap's would).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

impl ReplicaArgs {
    /// Checks the flags and, with `--redis`, connects and checks that Redis
    /// can be used. The error is one line saying what to pass or fix; the
    /// example prints it and exits non-zero.
    pub async fn connect(&self) -> Result<Replicas, String> {
        if let Some(secret) = &self.shared_secret {
            secret.check("--shared-secret (MCP_SHARED_SECRET)")?;
        }
        if let Some(previous) = &self.previous_shared_secret {
            previous.check("--previous-shared-secret (MCP_PREVIOUS_SHARED_SECRET)")?;
        }
        let redis = match &self.redis {
            None => None,
            Some(_) if self.shared_secret.is_none() => {
                return Err(
                    "--redis needs --shared-secret (or MCP_SHARED_SECRET): every replica \
                     must sign confirmation tokens and request states with the same secret, or a \
                     token issued by one replica would not verify on another; pass the same \
                     random string of at least 32 bytes to every replica (for example \
                     `openssl rand -hex 32`)"
                        .to_owned(),
                );
            }
            Some(url) => Some(
                mcp_tools_redis::connect(url)
                    .await
                    .map_err(|e| format!("cannot use Redis (--redis): {e}"))?,
            ),
        };
        let bus = match &redis {
            Some(redis) => Some(
                RedisNotificationBus::connect(redis)
                    .await
                    .map_err(|e| format!("cannot use Redis (--redis): {e}"))?,
            ),
            None => None,
        };
        if let Some(redis) = &redis {
            tracing::info!(
                redis = redis.address(),
                key_prefix = redis.key_prefix(),
                "shared state in Redis: confirmations, tasks, sessions, stream events, \
                 notifications, rate budgets"
            );
        }
        Ok(Replicas {
            redis,
            bus,
            secret: self.shared_secret.clone(),
            previous: self.previous_shared_secret.clone(),
        })
    }
}

/// What an example shares with its other replicas: made by
/// [`ReplicaArgs::connect`]. [`Replicas::none`] (the default) shares
/// nothing: everything stays in this process, as without the flags.
#[derive(Debug, Clone, Default)]
pub struct Replicas {
    redis: Option<Redis>,
    bus: Option<RedisNotificationBus>,
    secret: Option<Secret>,
    previous: Option<Secret>,
}

impl Replicas {
    /// Nothing shared: a single process, as without `--redis` and
    /// `--shared-secret`.
    pub fn none() -> Self {
        Self::default()
    }

    /// The Redis connection, with `--redis`: for the example's own use of
    /// it, such as its rate limiter.
    pub fn redis(&self) -> Option<&Redis> {
        self.redis.as_ref()
    }

    /// Whether anything is shared with other replicas.
    pub fn is_shared(&self) -> bool {
        self.redis.is_some() || self.secret.is_some()
    }

    /// `builder` with the shared secrets (current and previous) and, with
    /// Redis, its replay store, task store and notification bus. Unchanged
    /// without flags.
    pub fn server(&self, mut builder: ServerBuilder) -> ServerBuilder {
        if let Some(secret) = &self.secret {
            builder = builder
                .confirmation_secret(secret.derive(CONFIRMATION_KEY_LABEL))
                .request_state_secret(secret.derive(REQUEST_STATE_KEY_LABEL));
        }
        if let Some(previous) = &self.previous {
            builder = builder
                .previous_confirmation_secret(previous.derive(CONFIRMATION_KEY_LABEL))
                .previous_request_state_secret(previous.derive(REQUEST_STATE_KEY_LABEL));
        }
        if let Some(redis) = &self.redis {
            builder = builder
                .replay_store(RedisReplayStore::new(redis))
                .task_store(Arc::new(RedisTaskStore::new(redis)));
        }
        if let Some(bus) = &self.bus {
            builder = builder.notification_bus(bus.clone());
        }
        builder
    }

    /// `builder` with, under Redis, 2025 sessions on and shared
    /// (`RedisSessionStore`) and the event store of resumable streams.
    /// Unchanged without `--redis`.
    pub fn service(&self, builder: McpServiceBuilder) -> McpServiceBuilder {
        match &self.redis {
            // 2025 sessions on, and shared: any replica serves any request
            // of a session, and resumes any stream.
            Some(redis) => builder
                .sessions(true)
                .session_store(RedisSessionStore::new(redis))
                .event_store(RedisEventStore::new(redis)),
            None => builder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        replicas: ReplicaArgs,
    }

    fn parse(args: &[&str]) -> Result<ReplicaArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("example").chain(args.iter().copied()))
            .map(|cli| cli.replicas)
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[tokio::test]
    async fn without_flags_nothing_is_shared() {
        let replicas = parse(&[]).unwrap().connect().await.unwrap();
        assert!(!replicas.is_shared());
        assert!(replicas.redis().is_none());
    }

    #[tokio::test]
    async fn redis_without_a_shared_secret_is_refused_before_connecting() {
        // Nothing listens on port 1: the refusal comes before any connection.
        let err = parse(&["--redis", "redis://127.0.0.1:1/"])
            .unwrap()
            .connect()
            .await
            .unwrap_err();
        assert!(err.starts_with("--redis needs --shared-secret"), "{err}");
        assert!(!err.contains('\n'));
    }

    #[tokio::test]
    async fn short_secrets_are_refused_without_being_repeated() {
        let err = parse(&["--shared-secret", "hunter2"])
            .unwrap()
            .connect()
            .await
            .unwrap_err();
        assert!(err.contains("has 7 bytes"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let err = parse(&[
            "--shared-secret",
            SECRET,
            "--previous-shared-secret",
            "short",
        ])
        .unwrap()
        .connect()
        .await
        .unwrap_err();
        assert!(err.starts_with("--previous-shared-secret"), "{err}");
        // A previous secret alone means nothing to sign with.
        assert!(parse(&["--previous-shared-secret", SECRET]).is_err());
    }

    #[tokio::test]
    async fn unreachable_redis_is_refused_on_one_line() {
        let err = parse(&["--redis", "redis://127.0.0.1:1/", "--shared-secret", SECRET])
            .unwrap()
            .connect()
            .await
            .unwrap_err();
        assert!(err.starts_with("cannot use Redis (--redis):"), "{err}");
        assert!(err.contains("127.0.0.1:1"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn secrets_are_never_shown_and_keys_are_separate() {
        let args = parse(&["--shared-secret", SECRET]).unwrap();
        let shown = format!("{args:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("Secret(32 bytes)"), "{shown}");
        let secret = args.shared_secret.unwrap();
        let confirm = secret.derive(CONFIRMATION_KEY_LABEL);
        let state = secret.derive(REQUEST_STATE_KEY_LABEL);
        assert_ne!(confirm, state);
        // The same secret gives the same keys in every replica.
        assert_eq!(
            confirm,
            Secret(SECRET.to_owned()).derive(CONFIRMATION_KEY_LABEL)
        );
    }
}
