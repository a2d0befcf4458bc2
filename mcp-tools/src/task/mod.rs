//! The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): a
//! `tools/call` the server chooses to run in the background, polled with
//! `tasks/get`, fed input with `tasks/update` and stopped with `tasks/cancel`.
//!
//! A tool declares whether it may run as a task with [`TaskSupport`]
//! (`#[tool(task = "optional")]` or [`ToolBuilder::task`](crate::ToolBuilder::task)).
//! Its body stays an ordinary async fn: [`ToolContext::progress`](crate::ToolContext::progress)
//! becomes the task's status message, [`ToolContext::request_client`](crate::ToolContext::request_client)
//! parks the task in `input_required` until the client answers with
//! `tasks/update`, and [`ToolContext::request_client_before_task`](crate::ToolContext::request_client_before_task)
//! asks through the 2026-07-28 multi-round-trip flow before any task exists.
//!
//! The state of every task lives in a [`TaskStore`]: serialisable
//! [`TaskRecord`]s changed by atomic [`TaskUpdate`]s, so that a shared store
//! (Redis) can back several replicas. [`MemoryTaskStore`] is the default.
//! What is not in the store is only an optimisation: the running future and a
//! wake-up signal of tasks this process runs.

mod config;
mod handlers;
mod memory;
mod peer;
mod record;
mod runner;

pub use crate::tool::TaskSupport;
pub use config::{
    DEFAULT_TASK_IMMEDIATE_WINDOW, DEFAULT_TASK_LEASE, DEFAULT_TASK_POLL_INTERVAL, DEFAULT_TASK_TTL,
};
pub use memory::MemoryTaskStore;
pub use record::{TaskProgress, TaskRecord, TaskStatus, TaskUpdate};

pub(crate) use config::TaskConfig;
pub(crate) use runner::{RunCall, TaskAnswer, TaskMode, TaskStart, Tasks};

use std::fmt;

use futures::future::BoxFuture;

/// The identifier of the extension, as declared under `capabilities.extensions`.
pub const TASKS_EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// A task store could not answer (unreachable database, timeout).
///
/// The request that needed it gets a JSON-RPC internal error naming the store
/// as the cause; no task state is invented.
#[derive(Debug, Clone)]
pub struct TaskStoreError {
    message: String,
}

impl TaskStoreError {
    /// An error with a message for the server's log and the client.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TaskStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TaskStoreError {}

/// Where tasks live between requests.
///
/// Every method acts on one record atomically. A shared implementation (Redis,
/// a SQL table) applies [`TaskRecord::apply`] inside its own transaction, so
/// that concurrent `tasks/update`, `tasks/cancel` and the worker's writes
/// never lose one another. Records past their time to live must read as absent.
pub trait TaskStore: Send + Sync + 'static {
    /// Stores a new task. When this returns, `get` of its id must find it
    /// (task creation is strongly consistent).
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>>;

    /// The task `id`, or `None` when it is unknown or expired.
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>>;

    /// Applies `update` to the task `id` (with [`TaskRecord::apply`]) and
    /// returns the record after it, or `None` when it is unknown or expired.
    fn update<'a>(
        &'a self,
        id: &'a str,
        update: TaskUpdate,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>>;

    /// Forgets the task `id` (a call that answered in its request after all).
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), TaskStoreError>>;
}
