//! Sessions (opt-in, up to 2025-11-25) and server-to-client requests awaiting answers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use mcp_tools::ProtocolVersion;
use mcp_tools::transport::LogLevelHandle;
use mcp_tools::transport::jsonrpc::{ErrorObject, Notification, PeerResponse, RequestId};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::body::sse_event;
use crate::session_store::SessionRecord;

/// The answer a client sends to one of our requests.
pub(crate) type Answer = Result<Value, ErrorObject>;

struct Waiter {
    owner: Option<Arc<str>>,
    tx: oneshot::Sender<Answer>,
}

/// Server-to-client requests waiting for the client's answer, by id.
#[derive(Default)]
pub(crate) struct Pending {
    waiters: Mutex<HashMap<RequestId, Waiter>>,
}

impl Pending {
    /// Registers a request sent on behalf of `owner`.
    pub(crate) fn register(
        self: &Arc<Self>,
        owner: Option<Arc<str>>,
    ) -> (RequestId, oneshot::Receiver<Answer>, PendingGuard) {
        let id = RequestId::String(format!("srv-{}", crate::random_token(12)).into());
        let (tx, rx) = oneshot::channel();
        self.lock().insert(id.clone(), Waiter { owner, tx });
        let guard = PendingGuard {
            pending: self.clone(),
            id: id.clone(),
        };
        (id, rx, guard)
    }

    /// Hands an answer to the waiting request; `false` when nobody waits for it
    /// or it belongs to another caller.
    pub(crate) fn resolve(&self, response: PeerResponse, caller: Option<&str>) -> bool {
        let mut waiters = self.lock();
        let owned = waiters
            .get(&response.id)
            .is_some_and(|w| w.owner.as_deref() == caller);
        if !owned {
            return false;
        }
        match waiters.remove(&response.id) {
            Some(waiter) => waiter.tx.send(response.outcome).is_ok(),
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<RequestId, Waiter>> {
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Forgets a pending request when its waiter goes away.
pub(crate) struct PendingGuard {
    pending: Arc<Pending>,
    id: RequestId,
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        self.pending.lock().remove(&self.id);
    }
}

/// One client session.
pub(crate) struct Session {
    pub(crate) id: Arc<str>,
    pub(crate) owner: Option<Arc<str>>,
    pub(crate) version: ProtocolVersion,
    pub(crate) log_level: LogLevelHandle,
    pub(crate) capabilities: Option<Value>,
    pub(crate) pending: Arc<Pending>,
    pub(crate) standalone: Mutex<Option<mpsc::UnboundedSender<Bytes>>>,
    last_used: AtomicU64,
}

impl Session {
    pub(crate) fn new(
        owner: Option<Arc<str>>,
        version: ProtocolVersion,
        capabilities: Option<Value>,
        now: u64,
    ) -> Self {
        Self {
            id: Arc::from(crate::random_token(32)),
            owner,
            version,
            log_level: LogLevelHandle::default(),
            capabilities,
            pending: Arc::default(),
            standalone: Mutex::new(None),
            last_used: AtomicU64::new(now),
        }
    }
}

impl Session {
    /// A session another replica opened, from its stored record.
    pub(crate) fn restore(record: SessionRecord, now: u64) -> Self {
        Self {
            id: record.id,
            owner: record.owner,
            version: record.version,
            log_level: LogLevelHandle::new(record.log_level),
            capabilities: record.capabilities,
            pending: Arc::default(),
            standalone: Mutex::new(None),
            last_used: AtomicU64::new(now),
        }
    }

    /// What another replica needs to serve this session.
    pub(crate) fn record(&self) -> SessionRecord {
        SessionRecord::new(
            self.id.clone(),
            self.owner.clone(),
            self.version,
            self.capabilities.clone(),
            self.log_level.get(),
        )
    }

    /// Sends one notification on the standalone (GET) stream; `false` when
    /// no stream is open here.
    pub(crate) fn send_on_stream(&self, notification: &Notification) -> bool {
        let stream = self
            .standalone
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match stream.as_ref() {
            Some(events) if !events.is_closed() => match serde_json::to_vec(notification) {
                Ok(json) => events.send(sse_event(&json)).is_ok(),
                Err(_) => false,
            },
            _ => false,
        }
    }

    /// Ends the standalone (GET) stream, if one is open.
    pub(crate) fn close_stream(&self) {
        self.standalone
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// Live sessions by id.
type SessionMap = HashMap<Arc<str>, Arc<Session>>;

/// The live sessions.
pub(crate) struct Sessions {
    map: Mutex<SessionMap>,
    idle: Duration,
    epoch: Instant,
}

impl Sessions {
    pub(crate) fn new(idle: Duration) -> Self {
        Self {
            map: Mutex::default(),
            idle,
            epoch: Instant::now(),
        }
    }

    /// Milliseconds since the store was created.
    pub(crate) fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn expired(&self, session: &Session, now: u64) -> bool {
        let idle = u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX);
        now.saturating_sub(session.last_used.load(Ordering::Relaxed)) > idle
    }

    /// The live session with this id, marked as used.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Session>> {
        let now = self.now();
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let session = map.get(id)?.clone();
        if self.expired(&session, now) {
            map.remove(id);
            return None;
        }
        session.last_used.store(now, Ordering::Relaxed);
        Some(session)
    }

    /// The session a shared store says is alive: the local one, marked as
    /// used whatever its local idle time (other replicas may have served it),
    /// or one made from `record`.
    pub(crate) fn confirmed(&self, record: SessionRecord) -> Arc<Session> {
        let now = self.now();
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = map.get(&*record.id) {
            session.last_used.store(now, Ordering::Relaxed);
            session.log_level.set(record.log_level);
            return session.clone();
        }
        let session = Arc::new(Session::restore(record, now));
        self.prune_and_insert(&mut map, session.clone(), now);
        session
    }

    /// Delivers the notifications other replicas publish for sessions whose
    /// `GET` stream is open here.
    pub(crate) fn route_bus_notifications(self: &Arc<Self>, server: &mcp_tools::Server) {
        if !server.has_notification_bus() {
            return;
        }
        let sessions = Arc::downgrade(self);
        server.on_session_notification(move |id, notification| {
            let Some(sessions) = sessions.upgrade() else {
                return;
            };
            let session = sessions
                .map
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(id)
                .cloned();
            if let Some(session) = session {
                session.send_on_stream(&notification);
            }
        });
    }

    pub(crate) fn insert(&self, session: Arc<Session>) {
        let now = self.now();
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        self.prune_and_insert(&mut map, session, now);
    }

    /// Inserts `session`, first dropping expired sessions whenever the map
    /// has doubled, so that pruning costs amortised constant time.
    fn prune_and_insert(&self, map: &mut SessionMap, session: Arc<Session>, now: u64) {
        if map.len() >= 64 && map.len().is_power_of_two() {
            map.retain(|_, s| !self.expired(s, now));
        }
        map.insert(session.id.clone(), session);
    }

    /// Ends a session; `false` when there was none.
    pub(crate) fn remove(&self, id: &str) -> bool {
        let removed = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        match removed {
            Some(session) => {
                session.close_stream();
                true
            }
            None => false,
        }
    }

    /// Ends every session (at shutdown), closing their streams.
    pub(crate) fn clear(&self) {
        let drained: Vec<_> = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .collect();
        for (_, session) in drained {
            session.close_stream();
        }
    }
}
