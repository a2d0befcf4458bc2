//! The peer a task's tool sees: progress goes to the task record, questions to
//! the client become the task's `inputRequests`, and questions asked before
//! the task is handed out go through the request's multi-round-trip flow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc, watch};

use super::TaskStore;
use super::record::{TaskProgress, TaskUpdate};
use crate::context::Peer;
use crate::input::InputRound;
use crate::jsonrpc::{ErrorObject, Notification, code};
use crate::protocol::method;

/// Where the call stands with respect to the client seeing a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// The request is still open; the call may answer in it.
    Window,
    /// The tool asked through the multi-round-trip flow; the request answers
    /// `input_required` and no task is handed out.
    AskedBeforeTask,
    /// The client got the task handle.
    Surfaced,
}

/// The peer of one task's call.
pub(crate) struct TaskPeer {
    pub(crate) task_id: Arc<str>,
    pub(crate) store: Arc<dyn TaskStore>,
    /// Bumped by `tasks/update` on this process when answers arrive.
    pub(crate) answers: watch::Receiver<u64>,
    /// How often a waiting question re-reads the store anyway (answers may
    /// arrive through another replica).
    pub(crate) recheck: Duration,
    pub(crate) round: Option<Arc<InputRound>>,
    pub(crate) phase: Arc<Mutex<Phase>>,
    pub(crate) capabilities: Option<Arc<Value>>,
    pub(crate) next_key: AtomicUsize,
    /// Progress for the worker to write, in order.
    pub(crate) progress: mpsc::UnboundedSender<TaskUpdate>,
    /// Tells the request waiting in its window that the task waits for input.
    pub(crate) parked: Arc<Notify>,
}

impl TaskPeer {
    pub(crate) fn phase(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn missing_capability(&self, method_name: &str) -> Option<ErrorObject> {
        let capability = match method_name {
            method::ELICIT => "elicitation",
            method::SAMPLE => "sampling",
            "roots/list" => "roots",
            other => return Some(ErrorObject::method_not_found(other)),
        };
        let declared = self
            .capabilities
            .as_deref()
            .is_some_and(|caps| caps.get(capability).is_some());
        (!declared).then(|| {
            ErrorObject::new(
                code::MISSING_REQUIRED_CLIENT_CAPABILITY,
                format!("the client did not declare the {capability} capability"),
            )
            .with_data(json!({"requiredCapabilities": {capability: {}}}))
        })
    }
}

impl Peer for TaskPeer {
    fn notify(&self, notification: Notification) {
        // Log messages are not carried by tasks; progress becomes the status.
        if notification.method != method::PROGRESS {
            return;
        }
        let Some(params) = notification.params else {
            return;
        };
        let Some(progress) = params.get("progress").and_then(Value::as_f64) else {
            return;
        };
        let update = TaskUpdate::Progress {
            progress: TaskProgress {
                progress,
                total: params.get("total").and_then(Value::as_f64),
            },
            message: params
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let _ = self.progress.send(update);
    }

    fn request(
        &self,
        method_name: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        if let Some(error) = self.missing_capability(method_name) {
            return async move { Err(error) }.boxed();
        }
        let key = format!(
            "task-input-{}",
            self.next_key.fetch_add(1, Ordering::Relaxed)
        );
        let request = json!({"method": method_name, "params": params});
        let store = self.store.clone();
        let id = self.task_id.clone();
        let mut answers = self.answers.clone();
        let recheck = self.recheck;
        let parked = self.parked.clone();
        async move {
            let gone = || {
                ErrorObject::new(
                    code::INTERNAL_ERROR,
                    "the task ended or expired while it waited for input",
                )
            };
            let store_down = |e: super::TaskStoreError| {
                ErrorObject::new(code::INTERNAL_ERROR, format!("task store: {e}"))
            };
            answers.borrow_and_update();
            store
                .update(
                    &id,
                    TaskUpdate::Ask {
                        key: key.clone(),
                        request,
                    },
                )
                .await
                .map_err(store_down)?
                .ok_or_else(gone)?;
            parked.notify_one();
            loop {
                let record = store.get(&id).await.map_err(store_down)?.ok_or_else(gone)?;
                if record.status.is_terminal() {
                    return Err(gone());
                }
                if let Some(answer) = record.responses.get(&key) {
                    let answer = answer.clone();
                    store
                        .update(&id, TaskUpdate::Consume { key })
                        .await
                        .map_err(store_down)?;
                    return Ok(answer);
                }
                let _ = tokio::time::timeout(recheck, answers.changed()).await;
            }
        }
        .boxed()
    }

    fn request_before_task(
        &self,
        method_name: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        match (&self.round, *phase) {
            (Some(round), Phase::Window | Phase::AskedBeforeTask) => {
                let answer = round.ask(None, method_name, params);
                if !round.has_asked() {
                    return answer;
                }
                *phase = Phase::AskedBeforeTask;
                // The call is being stopped so that the request can answer
                // `input_required`; end the tool's wait at once rather than
                // after the cancellation grace period.
                async {
                    Err(ErrorObject::new(
                        code::REQUEST_CANCELLED,
                        "the answer comes with the retry of this request",
                    ))
                }
                .boxed()
            }
            _ => {
                drop(phase);
                self.request(method_name, params)
            }
        }
    }
}
