//! The sandbox account: all state behind one lock, the clock it runs on, and
//! the handle every tool uses.
//!
//! Each tool area (`contacts`, `segments`, `email`, …) adds its operations to
//! [`Account`] in its own module. Every operation takes the lock once, so a
//! batch is seen by other callers entirely or not at all; taking the lock also
//! brings time-driven work (imports, broadcasts) up to the clock's present.

pub mod clock;
pub mod seed;
pub(crate) mod state;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::downloads::Downloads;
use crate::uploads::UploadSessions;
use clock::Clock;
use state::State;

/// The origin upload and download links use unless configured.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// How long `extract_brandkit` runs unless configured. The hosted service takes
/// eight to ten minutes; the sandbox keeps the shape (progress, cancellation)
/// with a wait short enough to try by hand.
pub const DEFAULT_BRANDKIT_DURATION: Duration = Duration::from_secs(6);

/// How a sandbox account is set up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The origin the example's server is reached at; upload URLs are
    /// `{public_url}/uploads/{id}/{file}` and download links `{public_url}/downloads/{id}`.
    pub public_url: String,
    /// How long one brand-kit extraction runs.
    pub brandkit_duration: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: DEFAULT_PUBLIC_URL.to_owned(),
            brandkit_duration: DEFAULT_BRANDKIT_DURATION,
        }
    }
}

/// A cheap, cloneable handle on one sandbox account.
#[derive(Clone, Debug)]
pub struct Account {
    state: Arc<Mutex<State>>,
    clock: Clock,
    uploads: UploadSessions,
    downloads: Downloads,
    settings: Arc<Settings>,
}

impl Account {
    /// The seeded sandbox on a manual clock standing at [`clock::SANDBOX_EPOCH`].
    pub fn sandbox() -> Self {
        Self::new(Clock::manual(clock::SANDBOX_EPOCH), Settings::default())
    }

    /// The seeded sandbox on `clock`; its history ends at the clock's present.
    pub fn new(clock: Clock, settings: Settings) -> Self {
        let state = seed::sandbox_state(clock.now());
        Self {
            state: Arc::new(Mutex::new(state)),
            uploads: UploadSessions::new(clock.clone(), &settings.public_url),
            downloads: Downloads::new(clock.clone(), &settings.public_url),
            clock,
            settings: Arc::new(settings),
        }
    }

    /// The clock the account runs on; tests advance it.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The upload sessions, which the HTTP upload route feeds.
    pub fn uploads(&self) -> &UploadSessions {
        &self.uploads
    }

    /// The files behind download links, which an HTTP download route serves.
    pub fn downloads(&self) -> &Downloads {
        &self.downloads
    }

    /// How the account was set up.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Takes the lock for one operation, with the state brought up to now.
    /// A poisoned lock is recovered, never a panic.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.now = self.clock.now().max(state.now);
        state.settle();
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_is_shareable_and_survives_a_poisoned_lock() {
        fn shareable<T: Clone + Send + Sync + 'static>() {}
        shareable::<Account>();
        let account = Account::sandbox();
        let clone = account.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(account.account_info().contact_count > 0);
    }
}
