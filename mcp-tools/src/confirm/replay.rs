//! Which confirmation tokens were already used.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use futures::future::BoxFuture;

use crate::error::ToolError;

/// Remembers which confirmation tokens were used, so that each confirms one
/// execution only.
///
/// Tokens are identified by their random nonce. A store needs to remember a
/// nonce only until `expires_at`: after that the token is refused as expired
/// anyway. Implement it over a shared database when several replicas serve the
/// same clients; a store that cannot answer should fail closed with an error
/// such as [`ToolError::service_unavailable`].
///
/// The server marks a token's nonce ([`mark_used`](Self::mark_used)) as soon
/// as the token verifies, before the tool runs: one question to the store
/// per confirmed call, and a replay is refused at once. When the call then
/// goes no further than planning (its write budget is spent, or the tool
/// fails or is stopped before [`Confirmation::preview`](super::Confirmation::preview)
/// returns), the server gives the mark back with [`release`](Self::release),
/// so that the token stays usable.
pub trait ReplayStore: Send + Sync + 'static {
    /// Whether the nonce was already used, without marking it. The server
    /// does not ask it (it marks at once); it is for inspection and tests.
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>>;

    /// Marks the nonce used, atomically: `Ok(true)` if this call marked it,
    /// `Ok(false)` if it was already used (a concurrent replay lost the race).
    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>>;

    /// Forgets the mark of a nonce this server marked for a call that never
    /// reached its write, so that its token can be used again. The default
    /// keeps the mark: the token stays used, which is safe, and the client
    /// asks for a fresh one with a dry run.
    fn release<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<(), ToolError>> {
        let _ = nonce;
        Box::pin(std::future::ready(Ok(())))
    }
}

/// The default [`ReplayStore`]: used nonces in memory, forgotten once expired.
///
/// ```
/// # futures::executor::block_on(async {
/// use std::time::{Duration, SystemTime};
/// use mcp_tools::confirm::{MemoryReplayStore, ReplayStore};
///
/// let store = MemoryReplayStore::new();
/// let expires = SystemTime::now() + Duration::from_secs(60);
/// assert!(!store.is_used(b"nonce-1").await.unwrap());
/// assert!(store.mark_used(b"nonce-1", expires).await.unwrap());
/// assert!(!store.mark_used(b"nonce-1", expires).await.unwrap());
/// assert!(store.is_used(b"nonce-1").await.unwrap());
/// store.release(b"nonce-1").await.unwrap();
/// assert!(!store.is_used(b"nonce-1").await.unwrap());
/// # });
/// ```
#[derive(Default)]
pub struct MemoryReplayStore {
    state: Mutex<ReplayState>,
}

#[derive(Default)]
struct ReplayState {
    used: HashMap<Box<[u8]>, SystemTime>,
    /// Prune again when the map reaches this size.
    prune_at: usize,
}

impl MemoryReplayStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many unexpired nonces the store holds.
    pub fn len(&self) -> usize {
        let now = SystemTime::now();
        self.lock().used.values().filter(|&&e| e > now).count()
    }

    /// Whether the store holds no unexpired nonce.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReplayState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self, nonce: &[u8], expires_at: SystemTime, now: SystemTime) -> bool {
        let mut state = self.lock();
        if state.used.len() >= state.prune_at {
            state.used.retain(|_, expires| *expires > now);
            // Amortised: the next prune waits until the map has doubled.
            state.prune_at = (state.used.len() * 2).max(64);
        }
        match state.used.get_mut(nonce) {
            Some(expires) if *expires > now => false,
            Some(expires) => {
                *expires = expires_at;
                true
            }
            None => {
                state.used.insert(nonce.into(), expires_at);
                true
            }
        }
    }
}

impl fmt::Debug for MemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayStore")
            .field("used", &self.lock().used.len())
            .finish()
    }
}

impl ReplayStore for MemoryReplayStore {
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>> {
        let now = SystemTime::now();
        let used = self.lock().used.get(nonce).is_some_and(|&e| e > now);
        Box::pin(std::future::ready(Ok(used)))
    }

    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>> {
        let marked = self.mark(nonce, expires_at, SystemTime::now());
        Box::pin(std::future::ready(Ok(marked)))
    }

    fn release<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<(), ToolError>> {
        self.lock().used.remove(nonce);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn memory_store_forgets_expired_nonces() {
        let store = MemoryReplayStore::new();
        let now = SystemTime::now();
        let soon = now + Duration::from_secs(1);
        for n in 0..100u32 {
            assert!(store.mark(&n.to_be_bytes(), soon, now));
        }
        assert!(!store.mark(&7u32.to_be_bytes(), soon, now));
        // After expiry, growing the map prunes everything that expired.
        let later = soon + Duration::from_secs(1);
        for n in 1000..1100u32 {
            assert!(store.mark(&n.to_be_bytes(), later + Duration::from_secs(60), later));
        }
        assert_eq!(store.lock().used.len(), 100);
        // An expired nonce may be marked again; its token is refused as expired anyway.
        assert!(store.mark(&7u32.to_be_bytes(), later + Duration::from_secs(1), later));
    }
}
