//! How a server runs tasks: the store, time to live, polling hint, the window
//! in which a quick call still answers in its request, and the worker lease.

use std::sync::Arc;
use std::time::Duration;

use super::TaskStore;
use super::memory::MemoryTaskStore;

/// How long a task is kept after it is created, unless set with
/// [`ServerBuilder::task_ttl`](crate::ServerBuilder::task_ttl): one hour.
pub const DEFAULT_TASK_TTL: Duration = Duration::from_secs(3600);

/// The polling interval suggested to clients, unless set with
/// [`ServerBuilder::task_poll_interval`](crate::ServerBuilder::task_poll_interval): one second.
pub const DEFAULT_TASK_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How long a call that could become a task may take and still answer in its
/// own request, unless set with
/// [`ServerBuilder::task_immediate_window`](crate::ServerBuilder::task_immediate_window): 200 ms.
pub const DEFAULT_TASK_IMMEDIATE_WINDOW: Duration = Duration::from_millis(200);

/// How long a worker's promise to report again lasts, unless set with
/// [`ServerBuilder::task_lease`](crate::ServerBuilder::task_lease): 30 s. A task that has not ended when its
/// worker's lease runs out is reported failed.
pub const DEFAULT_TASK_LEASE: Duration = Duration::from_secs(30);

/// The task settings of one server.
#[derive(Clone)]
pub(crate) struct TaskConfig {
    pub(crate) store: Option<Arc<dyn TaskStore>>,
    pub(crate) ttl: Option<Duration>,
    pub(crate) poll_interval: Duration,
    pub(crate) immediate_window: Duration,
    pub(crate) lease: Duration,
}

impl Default for TaskConfig {
    fn default() -> Self {
        Self {
            store: None,
            ttl: Some(DEFAULT_TASK_TTL),
            poll_interval: DEFAULT_TASK_POLL_INTERVAL,
            immediate_window: DEFAULT_TASK_IMMEDIATE_WINDOW,
            lease: DEFAULT_TASK_LEASE,
        }
    }
}

impl TaskConfig {
    pub(crate) fn store(&self) -> Arc<dyn TaskStore> {
        self.store
            .clone()
            .unwrap_or_else(|| Arc::new(MemoryTaskStore::new()))
    }
}
