//! The default task store: records in a map, forgotten once expired.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use futures::future::{BoxFuture, FutureExt};

use super::record::{TaskRecord, TaskUpdate};
use super::{TaskStore, TaskStoreError};
use crate::timestamp;

/// The default [`TaskStore`]: task records in memory, in this process.
///
/// Tasks do not survive a restart and are not shared between replicas; use a
/// shared store for that. Expired records read as absent and are swept as new
/// tasks are created.
///
/// ```
/// # futures::executor::block_on(async {
/// use mcp_tools::task::{MemoryTaskStore, TaskRecord, TaskStatus, TaskStore, TaskUpdate};
///
/// let store = MemoryTaskStore::new();
/// let now = 1_700_000_000_000;
/// store.create(TaskRecord::new("t1".into(), None, "export".into(), now, None, 1_000, now + 30_000))
///     .await.unwrap();
/// store.update("t1", TaskUpdate::RequestCancel).await.unwrap();
/// let task = store.get("t1").await.unwrap().unwrap();
/// assert!(task.cancel_requested);
/// assert_eq!(task.status, TaskStatus::Working);
/// # });
/// ```
#[derive(Default)]
pub struct MemoryTaskStore {
    state: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    tasks: HashMap<Box<str>, TaskRecord>,
    /// Sweep expired records when the map reaches this size.
    sweep_at: usize,
}

impl MemoryTaskStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many records the store holds, expired ones not yet swept included.
    pub fn len(&self) -> usize {
        self.lock().tasks.len()
    }

    /// Whether the store holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn now_ms() -> u64 {
    timestamp::unix_millis(SystemTime::now())
}

impl TaskStore for MemoryTaskStore {
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
        let mut state = self.lock();
        if state.tasks.len() >= state.sweep_at {
            let now = now_ms();
            state.tasks.retain(|_, task| !task.is_expired(now));
            state.sweep_at = (state.tasks.len() * 2).max(64);
        }
        state
            .tasks
            .insert(record.id.clone().into_boxed_str(), record);
        async { Ok(()) }.boxed()
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        let now = now_ms();
        let mut state = self.lock();
        let found = match state.tasks.get(id) {
            Some(task) if task.is_expired(now) => {
                state.tasks.remove(id);
                None
            }
            found => found.cloned(),
        };
        async move { Ok(found) }.boxed()
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        update: TaskUpdate,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        let now = now_ms();
        let mut state = self.lock();
        let found = match state.tasks.get_mut(id) {
            Some(task) if task.is_expired(now) => {
                state.tasks.remove(id);
                None
            }
            Some(task) => {
                task.apply(update, now);
                Some(task.clone())
            }
            None => None,
        };
        async move { Ok(found) }.boxed()
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), TaskStoreError>> {
        self.lock().tasks.remove(id);
        async { Ok(()) }.boxed()
    }
}
