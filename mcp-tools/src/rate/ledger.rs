//! What one request body's rate budget looked like, shared between admission,
//! the call pipeline and the answer's headers, so that none of them asks the
//! limiter a question another one already had answered.
//!
//! A limiter that keeps its budgets in a shared store (Redis) pays a round
//! trip for every question. For a body holding one `tools/call`, admission
//! takes the call's budget itself (the class the pipeline would take) and
//! leaves the answer here: the pipeline uses it instead of taking again, and
//! the answer's `X-Rate-Limit-*` headers report the last status a take
//! returned instead of reading the budget once more.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{Acquired, RateClass, RateStatus};

/// The rate answers of one request body; see the module docs.
#[derive(Debug, Default)]
pub(crate) struct RateLedger {
    state: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// A take admission made for the body's tool call, not yet claimed by
    /// the call pipeline.
    prepaid: Option<(RateClass, Acquired)>,
    /// The general budget's status after the latest take that could read it.
    latest: Option<RateStatus>,
}

impl RateLedger {
    /// A ledger holding admission's take of `class` for the body's tool
    /// call, and the general budget's status admission found (the take's
    /// own, or a reading when the take was refused).
    pub(crate) fn prepaid(
        class: RateClass,
        acquired: Acquired,
        latest: Option<RateStatus>,
    ) -> Self {
        Self {
            state: Mutex::new(Entries {
                prepaid: Some((class, acquired)),
                latest,
            }),
        }
    }

    /// Claims admission's take for a call of `class`, once. `None` when
    /// there was none (or it was already claimed): the pipeline takes itself.
    pub(crate) fn claim(&self, class: RateClass) -> Option<Acquired> {
        let mut state = self.lock();
        match state.prepaid.take() {
            Some((taken, acquired)) if taken == class => Some(acquired),
            Some((taken, _)) => {
                // Admission and the pipeline derive the class from the same
                // rule; reaching this is a bug, so the pipeline takes again
                // rather than run a call its budget was not asked about.
                tracing::error!(
                    ?taken,
                    ?class,
                    "a call's rate class differs from the one admission took"
                );
                None
            }
            None => None,
        }
    }

    /// Keeps the general budget's status a take returned.
    pub(crate) fn record(&self, acquired: &Acquired) {
        if let Ok(Some(status)) = acquired {
            self.lock().latest = Some(*status);
        }
    }

    /// The general budget's status after the latest take, if one read it.
    pub(crate) fn latest(&self) -> Option<RateStatus> {
        self.lock().latest
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn status(remaining: u32) -> RateStatus {
        RateStatus::new(10, remaining, Duration::from_secs(60))
    }

    #[test]
    fn a_prepaid_take_is_claimed_once_and_only_for_its_class() {
        let ledger =
            RateLedger::prepaid(RateClass::Destructive, Ok(Some(status(7))), Some(status(7)));
        assert_eq!(ledger.latest().unwrap().remaining, 7);
        assert!(ledger.claim(RateClass::Call).is_none());
        let seven = status(7);
        let ledger = RateLedger::prepaid(RateClass::Call, Ok(Some(seven)), Some(seven));
        assert_eq!(ledger.claim(RateClass::Call), Some(Ok(Some(seven))));
        assert!(ledger.claim(RateClass::Call).is_none());
    }

    #[test]
    fn the_latest_readable_status_is_kept() {
        let ledger = RateLedger::prepaid(
            RateClass::Confirmation,
            Ok(Some(status(5))),
            Some(status(5)),
        );
        ledger.record(&Ok(None));
        assert_eq!(ledger.latest().unwrap().remaining, 5);
        ledger.record(&Ok(Some(status(4))));
        assert_eq!(ledger.latest().unwrap().remaining, 4);
    }
}
