//! The notification bus of replicas, over Redis pub/sub.

use std::fmt;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use futures::StreamExt;
use mcp_tools::bus::{BusMessage, BusReceiver, NotificationBus};
use redis::aio::PubSub;
use tokio::sync::{mpsc, oneshot};

use crate::connection::Redis;
use crate::error::{Error, ErrorKind};

/// A [`NotificationBus`] on a Redis pub/sub channel (`<prefix>bus`): a
/// resource updated on one replica reaches the subscribers of every replica,
/// and a notification for a session reaches the replica holding that
/// session's event stream.
///
/// Each replica keeps one connection of its own subscribed to the channel
/// (pub/sub needs a dedicated connection) and publishes through the shared
/// one, in the order messages were published. Messages carry the
/// publishing replica's random id, so a replica ignores its own.
///
/// Delivery is at most once, as Redis pub/sub is: while the subscribed
/// connection is lost, the replica misses what others publish, and it
/// reconnects by itself (from 50 ms, doubling up to 2 s between attempts),
/// logging the outage. A message that cannot be published (Redis lost) is
/// logged and dropped; notifications are hints a client can recover from
/// by reading the resource again.
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use mcp_tools::Server;
/// use mcp_tools_redis::RedisNotificationBus;
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// let server = Server::builder("crm", "1.0.0")
///     .notification_bus(RedisNotificationBus::connect(&redis).await?)
///     .build()?;
/// # let _ = server;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisNotificationBus {
    inner: Arc<Inner>,
}

struct Inner {
    channel: String,
    /// This replica's id, the first line of every message it publishes.
    origin: String,
    receiver: OnceLock<BusReceiver>,
    outbox: mpsc::UnboundedSender<Vec<u8>>,
    /// Dropped with the bus: stops the listening task.
    _stop: oneshot::Sender<()>,
}

impl RedisNotificationBus {
    /// Subscribes to the bus channel of `redis`'s key prefix on a connection
    /// of its own, and starts listening and publishing in the background.
    /// Fails, as [`connect`](crate::connect) does, when the subscription
    /// cannot be made: a replica must not start deaf to the others.
    ///
    /// Must run inside a tokio runtime.
    pub async fn connect(redis: &Redis) -> Result<Self, Error> {
        let Some((client, connect_timeout)) = redis.client().cloned() else {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "this Redis handle cannot open a connection of its own; make it with \
                 mcp_tools_redis::connect",
            ));
        };
        let channel = redis.key("bus");
        let pubsub = subscribe(&client, &channel, connect_timeout)
            .await
            .map_err(|reason| {
                Error::new(
                    ErrorKind::Unreachable,
                    format!(
                        "cannot subscribe to the notification bus at {}: {reason}",
                        redis.address()
                    ),
                )
            })?;
        let (outbox, pending) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel();
        let inner = Arc::new(Inner {
            channel: channel.clone(),
            origin: random_origin(),
            receiver: OnceLock::new(),
            outbox,
            _stop: stop,
        });
        tokio::spawn(publish_all(redis.clone(), channel.clone(), pending));
        tokio::spawn(listen(
            Arc::downgrade(&inner),
            pubsub,
            client,
            channel,
            connect_timeout,
            redis.address().to_owned(),
            stopped,
        ));
        Ok(Self { inner })
    }

    /// The channel the replicas share.
    pub fn channel(&self) -> &str {
        &self.inner.channel
    }
}

impl fmt::Debug for RedisNotificationBus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisNotificationBus")
            .field("channel", &self.inner.channel)
            .field("origin", &self.inner.origin)
            .finish_non_exhaustive()
    }
}

impl NotificationBus for RedisNotificationBus {
    fn publish(&self, message: BusMessage) {
        let mut payload = Vec::with_capacity(self.inner.origin.len() + 64);
        payload.extend_from_slice(self.inner.origin.as_bytes());
        payload.push(b'\n');
        payload.extend_from_slice(&message.to_bytes());
        let _ = self.inner.outbox.send(payload);
    }

    fn attach(&self, receiver: BusReceiver) {
        if self.inner.receiver.set(receiver).is_err() {
            tracing::warn!(
                channel = self.inner.channel,
                "a notification bus was given to a second server; only the first one hears it"
            );
        }
    }
}

impl Inner {
    /// Hands one message of another replica to the server.
    fn deliver(&self, payload: &[u8]) {
        let Some(newline) = payload.iter().position(|&b| b == b'\n') else {
            tracing::warn!(
                channel = self.channel,
                "a bus message without its origin line"
            );
            return;
        };
        if &payload[..newline] == self.origin.as_bytes() {
            return;
        }
        match BusMessage::from_bytes(&payload[newline + 1..]) {
            Ok(message) => {
                if let Some(receiver) = self.receiver.get() {
                    receiver(message);
                }
            }
            Err(e) => {
                tracing::warn!(channel = self.channel, error = %e, "an unreadable bus message")
            }
        }
    }
}

async fn subscribe(
    client: &redis::Client,
    channel: &str,
    limit: Duration,
) -> Result<PubSub, String> {
    let open = async {
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(channel).await?;
        Ok::<_, redis::RedisError>(pubsub)
    };
    match tokio::time::timeout(limit, open).await {
        Ok(Ok(pubsub)) => Ok(pubsub),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {limit:?}")),
    }
}

/// Publishes queued messages one after the other, so that they arrive in
/// the order they were published.
async fn publish_all(redis: Redis, channel: String, mut pending: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(payload) = pending.recv().await {
        let mut publish = redis::cmd("PUBLISH");
        publish.arg(&channel).arg(payload);
        if let Err(e) = redis.query::<u64>(&publish).await {
            tracing::warn!(redis = redis.address(), error = %e, "a bus message was not published");
        }
    }
}

/// Reads the channel, reconnecting when the connection is lost, until the
/// bus is dropped.
async fn listen(
    inner: Weak<Inner>,
    mut pubsub: PubSub,
    client: redis::Client,
    channel: String,
    connect_timeout: Duration,
    address: String,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        {
            let mut messages = pubsub.on_message();
            loop {
                tokio::select! {
                    _ = &mut stopped => return,
                    message = messages.next() => match message {
                        Some(message) => match inner.upgrade() {
                            Some(inner) => inner.deliver(message.get_payload_bytes()),
                            None => return,
                        },
                        None => break,
                    },
                }
            }
        }
        tracing::warn!(
            redis = address,
            "the notification bus connection was lost; reconnecting"
        );
        let mut delay = Duration::from_millis(50);
        pubsub = loop {
            tokio::select! {
                _ = &mut stopped => return,
                () = tokio::time::sleep(delay) => {}
            }
            match subscribe(&client, &channel, connect_timeout).await {
                Ok(pubsub) => break pubsub,
                Err(reason) => {
                    tracing::debug!(
                        redis = address,
                        reason,
                        "the notification bus is still unreachable"
                    );
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
            }
        };
        tracing::info!(redis = address, "the notification bus is connected again");
    }
}

/// 16 random hex digits naming this replica on the bus.
fn random_origin() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // Uniqueness, not secrecy, is needed: the time will do.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
