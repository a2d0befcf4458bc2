//! The sandbox workspace: all state behind one lock, and the handle every tool uses.
//!
//! Each tool area (`sequences`, `contacts`, `inbox`, …) adds its operations to
//! [`Workspace`] in its own module. A read takes the read lock once; a write takes
//! the write lock once for the whole operation, so a multi-step write (a batch, an
//! atomic bulk approval) is seen by other callers either entirely or not at all.

pub mod clock;
pub mod seed;
pub mod state;

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use mcp_tools::{ToolError, ToolResult, Validate};

pub use state::State;

/// A cheap, cloneable handle on one sandbox workspace.
///
/// Clones share the same state; the handle is `Send + Sync` and can be moved into
/// any number of concurrent tool calls.
#[derive(Clone, Debug)]
pub struct Workspace {
    state: Arc<RwLock<State>>,
}

impl Workspace {
    /// A workspace filled with the deterministic sandbox data set.
    pub fn sandbox() -> Self {
        Self::from_state(seed::sandbox_state())
    }

    /// A workspace over the given state.
    pub fn from_state(state: State) -> Self {
        Self {
            state: Arc::new(RwLock::new(state)),
        }
    }

    /// Takes the read lock; a poisoned lock is recovered, never a panic.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the write lock for one whole operation; a poisoned lock is recovered.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts of the main objects, for a one-line summary.
    pub fn census(&self) -> Census {
        let state = self.read();
        Census {
            team_members: state.team.len(),
            contacts: state.contacts.len(),
            sequences: state.sequences.len(),
            threads: state.threads.len(),
            pending_drafts: state.drafts.len(),
            knowledge_bases: state.knowledge_bases.len(),
            offers: state.offers.len(),
            playbooks: state.playbooks.len(),
            tasks: state.tasks.len(),
        }
    }
}

/// How many objects of each main kind a workspace holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Census {
    /// Users of the workspace, the current user included.
    pub team_members: usize,
    /// Contacts (prospects).
    pub contacts: usize,
    /// Sequences, archived ones included.
    pub sequences: usize,
    /// Inbox threads on both channels.
    pub threads: usize,
    /// Jason drafts waiting for approval.
    pub pending_drafts: usize,
    /// Jason knowledge bases.
    pub knowledge_bases: usize,
    /// Jason offers.
    pub offers: usize,
    /// Jason playbooks.
    pub playbooks: usize,
    /// Tasks of every user.
    pub tasks: usize,
}

impl std::fmt::Display for Census {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} team members, {} contacts, {} sequences, {} inbox threads, {} pending drafts, \
             {} knowledge bases, {} offers, {} playbooks, {} tasks",
            self.team_members,
            self.contacts,
            self.sequences,
            self.threads,
            self.pending_drafts,
            self.knowledge_bases,
            self.offers,
            self.playbooks,
            self.tasks
        )
    }
}

/// Runs an argument type's cross-field rule, turning a refusal into `InvalidArguments`.
///
/// The tool layer runs the same rule before calling in; checking again here keeps
/// the domain API safe when it is called directly.
pub(crate) fn check<A: Validate>(args: &A) -> ToolResult<()> {
    args.validate().map_err(ToolError::invalid_arguments)
}

/// Trims a free-text argument and drops it when nothing is left.
pub(crate) fn non_blank(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Whether `haystack` contains `needle`, ignoring case.
pub(crate) fn contains_folded(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// Builds tool arguments from JSON, the way the tool layer will.
#[cfg(test)]
pub(crate) fn args<T: serde::de::DeserializeOwned>(value: mcp_tools::serde_json::Value) -> T {
    mcp_tools::serde_json::from_value(value).expect("test arguments match the schema")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_is_shareable_across_threads() {
        fn shareable<T: Clone + Send + Sync + 'static>() {}
        shareable::<Workspace>();
        let ws = Workspace::sandbox();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let ws = ws.clone();
                std::thread::spawn(move || ws.census())
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().expect("reader thread"), ws.census());
        }
    }

    #[test]
    fn poisoned_lock_is_recovered() {
        let ws = Workspace::sandbox();
        let clone = ws.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.write();
            panic!("poison the lock");
        })
        .join();
        assert!(ws.census().contacts > 0);
    }
}
