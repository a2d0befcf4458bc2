//! The sandbox account: every stored record behind one lock, and the [`Account`] handle.

mod records;
mod seed;

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use mcp_tools::{ToolError, ToolResult};

use crate::calendar::{Date, Timestamp};

pub use records::*;

/// The error code of a tool that needs an account feature the account lacks.
pub const FEATURE_NOT_ENABLED: &str = "FeatureNotEnabled";

/// Everything the account holds.
#[derive(Debug, Clone)]
pub struct State {
    /// The sandbox's fixed "today".
    pub today: Date,
    /// The sandbox's fixed "now", on `today`.
    pub now: Timestamp,
    /// Whether the B2B Account-CX feature (companies) is on.
    pub b2b_enabled: bool,
    /// The team member the connection acts as (author of notes and replies).
    pub acting_user_id: u64,
    pub campaigns: Vec<Campaign>,
    /// Oldest first; ids grow with time.
    pub feedback: Vec<Feedback>,
    pub statuses: Vec<Status>,
    pub customers: Vec<Customer>,
    pub companies: Vec<Company>,
    pub templates: Vec<Template>,
    pub digests: Vec<Digest>,
    pub outbox: Vec<OutboxEntry>,
    pub suppressed_domains: Vec<SuppressedDomain>,
    pub suppressed_emails: Vec<SuppressedEmail>,
    pub integrations: Vec<Integration>,
    pub users: Vec<User>,
    pub attributes: Vec<Attribute>,
    pub topics: Vec<Topic>,
    pub plan: Plan,
    pub saved_filters: Vec<SavedFilter>,
    /// Newest first, at most [`RECENT_FILTER_LIMIT`].
    pub recent_filters: Vec<RecentFilter>,
    pub trend_groups: Vec<TrendGroup>,
}

/// How many recently applied filters the account remembers.
pub const RECENT_FILTER_LIMIT: usize = 20;

impl State {
    /// The campaign with this id.
    pub fn campaign(&self, id: u64) -> ToolResult<&Campaign> {
        self.campaigns.iter().find(|c| c.id == id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no campaign with id {id}; list_campaigns or search_campaigns give valid ids"
            ))
        })
    }

    /// The feedback response with this id.
    pub fn feedback(&self, id: u64) -> ToolResult<&Feedback> {
        self.feedback_index(id).map(|i| &self.feedback[i])
    }

    /// Where the feedback response with this id is stored.
    pub fn feedback_index(&self, id: u64) -> ToolResult<usize> {
        self.feedback
            .binary_search_by_key(&id, |f| f.id)
            .map_err(|_| {
                ToolError::not_found(format!(
                    "no feedback response with id {id}; list_feedback, search_feedback or apply_filter give valid ids"
                ))
            })
    }

    /// The customer with this id.
    pub fn customer(&self, id: u64) -> ToolResult<&Customer> {
        self.customers.iter().find(|c| c.id == id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no customer with id {id}; list_customers or search_customers give valid ids"
            ))
        })
    }

    /// The company with this id (the B2B feature must be on).
    pub fn company(&self, id: u64) -> ToolResult<&Company> {
        self.require_b2b()?;
        self.companies.iter().find(|c| c.id == id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no company with id {id}; list_companies gives valid ids"
            ))
        })
    }

    /// The team member with this id.
    pub fn user(&self, id: u64) -> ToolResult<&User> {
        self.users.iter().find(|u| u.id == id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no team member with id {id}; list_users gives valid ids"
            ))
        })
    }

    /// The campaign a response came through. Seeded data always has one.
    pub fn campaign_of(&self, feedback: &Feedback) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.id == feedback.campaign_id)
    }

    /// The metric a response answers.
    pub fn metric_of(&self, feedback: &Feedback) -> Metric {
        self.campaign_of(feedback).map_or(Metric::Nps, |c| c.metric)
    }

    /// The customer who left a response, if still on file.
    pub fn customer_of(&self, feedback: &Feedback) -> Option<&Customer> {
        self.customers.iter().find(|c| c.id == feedback.customer_id)
    }

    /// Refuses with `Forbidden` (feature code in the message) when B2B is off.
    pub fn require_b2b(&self) -> ToolResult<()> {
        if self.b2b_enabled {
            Ok(())
        } else {
            Err(ToolError::forbidden(format!(
                "{FEATURE_NOT_ENABLED}: companies need the B2B Account-CX feature (feature code b2b_account_cx), which is off on this account; use customer tools instead"
            )))
        }
    }

    /// The next free id in a list of records.
    pub fn next_id<T>(items: &[T], id: impl Fn(&T) -> u64) -> u64 {
        items.iter().map(id).max().unwrap_or(0) + 1
    }
}

/// A handle on one account. Cheap to clone; all clones share the same state.
///
/// Reads take the read lock; every write holds the write lock for its whole
/// operation, so its plan is re-checked against the state it changes.
#[derive(Debug, Clone)]
pub struct Account {
    state: Arc<RwLock<State>>,
}

impl Account {
    /// The deterministic sandbox account.
    pub fn sandbox() -> Self {
        Self::from_state(seed::sandbox())
    }

    /// An account holding the given state.
    pub fn from_state(state: State) -> Self {
        Self {
            state: Arc::new(RwLock::new(state)),
        }
    }

    /// Turns the B2B Account-CX feature on or off.
    #[allow(
        dead_code,
        reason = "tests and the tool layer's sandbox switch flip the feature"
    )]
    pub fn set_b2b_feature(&self, enabled: bool) {
        self.write().b2b_enabled = enabled;
    }

    /// Shared access to the state. A poisoned lock is recovered: every write
    /// computes its plan before it changes anything.
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Exclusive access to the state.
    pub fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Checks an argument type's cross-field rule, as the tool layer also does.
pub fn validated<A: mcp_tools::Validate>(args: &A) -> ToolResult<()> {
    args.validate().map_err(ToolError::invalid_arguments)
}

impl Account {
    /// Runs the second phase of a write: re-plans against the current state under
    /// the write lock, then commits that plan, so a confirmed write never acts on a
    /// stale preview.
    pub fn apply_planned<A, P>(
        &self,
        args: &A,
        plan: impl FnOnce(&State, &A) -> ToolResult<P>,
        commit: impl FnOnce(&mut State, &A, &P) -> ToolResult<()>,
    ) -> ToolResult<P> {
        let mut state = self.write();
        let planned = plan(&state, args)?;
        commit(&mut state, args, &planned)?;
        Ok(planned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn handle_is_shareable() {
        assert_send_sync::<Account>();
    }

    #[test]
    fn sandbox_is_deterministic() {
        let a = Account::sandbox();
        let b = Account::sandbox();
        let (a, b) = (a.read(), b.read());
        assert_eq!(a.feedback.len(), b.feedback.len());
        assert!(
            a.feedback
                .iter()
                .zip(&b.feedback)
                .all(|(x, y)| x.score == y.score
                    && x.comment == y.comment
                    && x.created_at == y.created_at)
        );
        assert!(a.feedback.len() >= 1400 && a.feedback.len() <= 1600);
        assert!(a.customers.len() >= 280);
        assert!(a.feedback.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn survives_a_poisoned_lock() {
        let account = Account::sandbox();
        let clone = account.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.write();
            panic!("poison the lock");
        })
        .join();
        assert!(!account.read().feedback.is_empty());
    }
}
