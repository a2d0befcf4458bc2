//! Which confirmation tokens were already used.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use futures::future::BoxFuture;

use crate::caller::Caller;
use crate::error::ToolError;
use crate::rate::{Acquired, RateLimiter, RateStatus};

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
///
/// With a rate limiter, the server then asks the limiter for the call's
/// budget: two questions per confirmation. A store that keeps its marks where
/// the limiter keeps its budgets can answer both at once
/// ([`mark_used_charging`](Self::mark_used_charging)).
pub trait ReplayStore: Any + Send + Sync {
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

    /// Marks a verified token used and charges its call to `limiter`, as
    /// one atomic step, when this store can: it and the limiter keep their
    /// state in one place (`mcp_tools_redis` does it in one script when its
    /// replay store and rate limiter share a connection). The limiter is
    /// the server's; a store recognises one it can charge by downcasting it
    /// (`RateLimiter` is [`Any`]).
    ///
    /// It must do what the two separate steps do: refuse a used token, taking
    /// one from the caller's refused-token budget; charge an unused one as
    /// [`RateLimiter::acquire_confirmed`] does (a destructive tool) or as
    /// [`RateLimiter::acquire`] with [`RateClass::Confirmation`] does (any
    /// other confirm tool); and mark it only when the charge was taken.
    /// An `Err` is the store's own failure, for the model to read: nothing
    /// was done.
    ///
    /// `None`, the default: the server marks the token with
    /// [`mark_used`](Self::mark_used), then asks the limiter.
    ///
    /// [`RateClass::Confirmation`]: crate::rate::RateClass::Confirmation
    fn mark_used_charging<'a>(
        &'a self,
        token: VerifiedToken<'a>,
        caller: Option<&'a Caller>,
        limiter: &'a dyn RateLimiter,
    ) -> Option<BoxFuture<'a, Result<TokenCharge, ToolError>>> {
        let _ = (token, caller, limiter);
        None
    }
}

/// A confirmation token whose signature, subject and expiry checked out,
/// as [`ReplayStore::mark_used_charging`] is given it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct VerifiedToken<'a> {
    /// The token's random nonce: what the store remembers.
    pub nonce: &'a [u8],
    /// When the token expires: the store may forget the nonce after it.
    pub expires_at: SystemTime,
    /// Whether the confirmed tool is destructive: its call and its write are
    /// charged together ([`RateLimiter::acquire_confirmed`]).
    pub destructive: bool,
}

impl<'a> VerifiedToken<'a> {
    /// The token with nonce `nonce`, expiring at `expires_at`, confirming a
    /// call of a destructive tool or not.
    pub fn new(nonce: &'a [u8], expires_at: SystemTime, destructive: bool) -> Self {
        Self {
            nonce,
            expires_at,
            destructive,
        }
    }
}

/// What [`ReplayStore::mark_used_charging`] found.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenCharge {
    /// The token was not found used, and the budgets answered: `Ok`, its
    /// call was charged and the token is now marked used; `Err`, a budget
    /// refused the call, and nothing was taken or marked.
    Charged(Acquired),
    /// The token was used already, and is refused: one was taken from the
    /// caller's refused-token budget. The general budget's status, if read.
    AlreadyUsed(Option<RateStatus>),
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
