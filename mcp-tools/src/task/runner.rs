//! Running a `tools/call` as a task: the decision, the record, the worker that
//! outlives the request, and the window in which a quick call still answers
//! in its own request.

use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use tokio::sync::{Notify, mpsc, oneshot, watch};

use super::config::TaskConfig;
use super::peer::{Phase, TaskPeer};
use super::record::{TaskRecord, TaskStatus, TaskUpdate};
use super::{TASKS_EXTENSION, TaskStore, TaskSupport};
use crate::context::{Cancellation, RequestContext};
use crate::envelope::{ResultShape, call_result};
use crate::error::{ErrorCode, ToolError};
use crate::input::InputRound;
use crate::jsonrpc::{ErrorObject, code};
use crate::timestamp;
use crate::tool::Output;

/// Runs the call pipeline once, for a task: the request context the call
/// sees, and where to say that the handler started (its checks passed), and
/// whether it is a dry run.
pub(crate) type RunCall = Box<
    dyn FnOnce(
            RequestContext,
            oneshot::Sender<bool>,
        ) -> BoxFuture<'static, Option<Result<Output, ToolError>>>
        + Send,
>;

/// How one `tools/call` is to run.
pub(crate) enum TaskMode {
    /// In its request, as always.
    Direct,
    /// As a task.
    Task,
    /// Not at all: the tool needs a task and the client cannot take one.
    Refuse(ErrorObject),
}

/// What a call started as a task answers in its own request.
pub(crate) enum TaskAnswer {
    /// It ended within the window: the result a direct call would give.
    Result(Box<RawValue>),
    /// A `CreateTaskResult`.
    Created(Box<RawValue>),
    /// It asked through the multi-round-trip flow before becoming a task.
    NeedsInput(Map<String, Value>),
    /// A protocol error.
    Error(ErrorObject),
}

/// What the worker reports when the call ended.
enum Finished {
    Ended(Box<RawValue>),
    NeedsInput(Map<String, Value>),
    Cancelled,
}

/// What this process knows of a task it runs, beyond the store: how to stop
/// it and how to wake it when answers arrive.
pub(crate) struct LiveTask {
    pub(crate) cancellation: Cancellation,
    pub(crate) answers: watch::Sender<u64>,
}

type LiveMap = Arc<Mutex<HashMap<Arc<str>, Arc<LiveTask>>>>;

/// The tasks of one server.
pub(crate) struct Tasks {
    pub(crate) store: Arc<dyn TaskStore>,
    pub(crate) config: TaskConfig,
    /// Whether any tool may run as a task (then the extension is advertised).
    pub(crate) offered: bool,
    pub(crate) live: LiveMap,
}

/// Everything a task needs from the request that starts it.
pub(crate) struct TaskStart {
    pub(crate) tool: String,
    pub(crate) cx: RequestContext,
    pub(crate) cancellation: Cancellation,
    pub(crate) round: Option<Arc<InputRound>>,
    pub(crate) run: RunCall,
    /// How the tool's results are shaped.
    pub(crate) shape: ResultShape,
}

pub(crate) fn now_ms() -> u64 {
    timestamp::unix_millis(SystemTime::now())
}

/// Whether the request declared the tasks extension in its capabilities.
pub(crate) fn declared(cx: &RequestContext) -> bool {
    cx.protocol_version.is_stateless()
        && cx
            .client_capabilities
            .as_deref()
            .and_then(|caps| caps.get("extensions"))
            .and_then(|extensions| extensions.get(TASKS_EXTENSION))
            .is_some()
}

/// The -32021 error naming the tasks extension.
pub(crate) fn extension_required(what: &str) -> ErrorObject {
    ErrorObject::new(
        code::MISSING_REQUIRED_CLIENT_CAPABILITY,
        format!(
            "{what} needs the {TASKS_EXTENSION} extension; declare it under _meta \
             io.modelcontextprotocol/clientCapabilities.extensions"
        ),
    )
    .with_data(json!({"requiredCapabilities": {"extensions": {TASKS_EXTENSION: {}}}}))
}

/// 128 random bits, hex.
fn new_task_id() -> Result<String, ErrorObject> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        ErrorObject::new(
            code::INTERNAL_ERROR,
            format!("no randomness for a task id: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Tasks {
    pub(crate) fn new(config: TaskConfig, offered: bool) -> Self {
        Self {
            store: config.store(),
            config,
            offered,
            live: LiveMap::default(),
        }
    }

    /// How a call of a tool with `support` runs for this request.
    pub(crate) fn mode(support: TaskSupport, cx: &RequestContext) -> TaskMode {
        match (support, declared(cx)) {
            (TaskSupport::Never, _) | (TaskSupport::Optional, false) => TaskMode::Direct,
            (TaskSupport::Optional | TaskSupport::Required, true) => TaskMode::Task,
            (TaskSupport::Required, false) => {
                TaskMode::Refuse(extension_required("this tool runs only as a task, so it"))
            }
        }
    }

    pub(crate) fn local(&self, id: &str) -> Option<Arc<LiveTask>> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// Creates the task, starts its worker and waits for the handler to start
    /// and then at most the immediate window.
    pub(crate) async fn call(&self, start: TaskStart) -> TaskAnswer {
        let TaskStart {
            tool,
            mut cx,
            cancellation,
            round,
            run,
            shape,
        } = start;
        let id = match new_task_id() {
            Ok(id) => id,
            Err(error) => return TaskAnswer::Error(error),
        };
        let now = now_ms();
        let lease = duration_ms(self.config.lease);
        let record = TaskRecord::new(
            id.clone(),
            cx.caller.as_ref().map(|c| c.id().to_owned()),
            tool,
            now,
            self.config.ttl.map(duration_ms),
            duration_ms(self.config.poll_interval).max(1),
            now.saturating_add(lease),
        );
        if let Err(e) = self.store.create(record.clone()).await {
            return TaskAnswer::Error(ErrorObject::new(
                code::INTERNAL_ERROR,
                format!("the task could not be created, the task store failed: {e}; retry later"),
            ));
        }
        let id: Arc<str> = id.into();
        let (answers_tx, answers_rx) = watch::channel(0);
        let live = Arc::new(LiveTask {
            cancellation: cancellation.clone(),
            answers: answers_tx,
        });
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), live.clone());
        let phase = Arc::new(Mutex::new(Phase::Window));
        let parked = Arc::new(Notify::new());
        let (progress_tx, progress_rx) = mpsc::unbounded_channel();
        let peer = Arc::new(TaskPeer {
            task_id: id.clone(),
            store: self.store.clone(),
            answers: answers_rx,
            recheck: self.config.poll_interval.max(Duration::from_millis(50)),
            round: round.clone(),
            phase: phase.clone(),
            capabilities: cx.client_capabilities.clone(),
            next_key: AtomicUsize::new(0),
            progress: progress_tx,
            parked: parked.clone(),
        });
        let version = cx.protocol_version;
        // The request's own signal (stream closed, notifications/cancelled)
        // stops the call only while the client has no task handle.
        let request_cancelled = std::mem::replace(&mut cx.cancellation, Cancellation::new());
        let mut unclaimed = CancelOnDrop(Some(cancellation.clone()));
        cx.peer = Some(peer.clone());
        cx.cancellation = cancellation.clone();
        cx.channel = Some(format!("task:{id}").into());
        let (started_tx, started_rx) = oneshot::channel();
        let (done_tx, mut done_rx) = oneshot::channel();
        let worker = Worker {
            id: id.clone(),
            store: self.store.clone(),
            live: self.live.clone(),
            cancellation: cancellation.clone(),
            round,
            peer,
            heartbeat: heartbeat_period(&self.config),
            lease: self.config.lease,
            version,
            shape,
        };
        // The worker carries the request's span: its logs and time belong to it.
        let work = worker.run(run(cx, started_tx), progress_rx, done_tx);
        tokio::spawn(tracing::Instrument::in_current_span(work));

        // Refusals (permission, rate, arguments, confirmation) and dry runs
        // answer in the request, exactly as a direct call: no task for them.
        let handler_started = tokio::select! {
            biased;
            started = started_rx => started == Ok(false),
            finished = &mut done_rx => return self.answer_in_request(&id, finished.ok()).await,
            () = request_cancelled.cancelled() => {
                cancellation.cancel();
                false
            }
        };
        if !handler_started {
            return self.answer_in_request(&id, done_rx.await.ok()).await;
        }
        if !self.config.immediate_window.is_zero() {
            // Biased, the window first: when this request is polled late
            // (a starved runtime) and finds both the window over and the call
            // done, the call ran past the window, so it is a task, as it
            // would have been on time; an unbiased pick made that a coin toss.
            tokio::select! {
                biased;
                () = tokio::time::sleep(self.config.immediate_window) => {}
                () = parked.notified() => {}
                finished = &mut done_rx => return self.answer_in_request(&id, finished.ok()).await,
                () = request_cancelled.cancelled() => {
                    cancellation.cancel();
                    return self.answer_in_request(&id, done_rx.await.ok()).await;
                }
            }
        }
        let asked_before_task = {
            let mut phase = phase.lock().unwrap_or_else(PoisonError::into_inner);
            let asked = *phase == Phase::AskedBeforeTask;
            if !asked {
                *phase = Phase::Surfaced;
            }
            asked
        };
        if asked_before_task {
            return self.answer_in_request(&id, done_rx.await.ok()).await;
        }
        let seed = match self.store.get(&id).await {
            Ok(Some(current)) => current,
            _ => record,
        };
        // From here the client holds the task: it ends by tasks/cancel, not
        // with this request.
        unclaimed.0 = None;
        TaskAnswer::Created(crate::jsonrpc::raw_json(seed.create_result()))
    }

    /// The answer of a call that ended before it was handed out as a task:
    /// the task is forgotten and the request answers as a direct call would.
    async fn answer_in_request(&self, id: &str, finished: Option<Finished>) -> TaskAnswer {
        if let Err(e) = self.store.remove(id).await {
            tracing::warn!(task = id, %e, "could not remove a task that answered in its request");
        }
        match finished {
            Some(Finished::Ended(result)) => TaskAnswer::Result(result),
            Some(Finished::NeedsInput(asked)) => TaskAnswer::NeedsInput(asked),
            Some(Finished::Cancelled) => TaskAnswer::Error(ErrorObject::new(
                code::REQUEST_CANCELLED,
                "the call was cancelled before it answered",
            )),
            None => TaskAnswer::Error(ErrorObject::new(
                code::INTERNAL_ERROR,
                "the call stopped without an answer; this is a server bug",
            )),
        }
    }
}

/// Stops a call whose request went away before the client got its task
/// handle: nobody could ever poll or cancel it.
struct CancelOnDrop(Option<Cancellation>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(cancellation) = self.0.take() {
            cancellation.cancel();
        }
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Workers renew their lease three times per lease, and look at the store at
/// least twice per time to live (so an expired task stops).
fn heartbeat_period(config: &TaskConfig) -> Duration {
    let period = config.lease / 3;
    let period = config.ttl.map_or(period, |ttl| period.min(ttl / 2));
    period.max(Duration::from_millis(10))
}

/// The background half of a task.
struct Worker {
    id: Arc<str>,
    store: Arc<dyn TaskStore>,
    live: LiveMap,
    cancellation: Cancellation,
    round: Option<Arc<InputRound>>,
    peer: Arc<TaskPeer>,
    heartbeat: Duration,
    lease: Duration,
    version: crate::protocol::ProtocolVersion,
    shape: ResultShape,
}

impl Worker {
    async fn run(
        self,
        call: BoxFuture<'static, Option<Result<Output, ToolError>>>,
        mut progress: mpsc::UnboundedReceiver<TaskUpdate>,
        done: oneshot::Sender<Finished>,
    ) {
        let mut call = call;
        let mut beat = tokio::time::interval(self.heartbeat);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        beat.reset();
        let outcome = loop {
            tokio::select! {
                biased;
                outcome = &mut call => break outcome,
                Some(update) = progress.recv() => {
                    // Only the latest progress matters.
                    let mut update = update;
                    while let Ok(newer) = progress.try_recv() {
                        update = newer;
                    }
                    self.write(update).await;
                }
                _ = beat.tick() => self.renew().await,
            }
        };
        drop(call);
        let finished = self.finish(outcome).await;
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
        let _ = done.send(finished);
    }

    async fn write(&self, update: TaskUpdate) -> Option<TaskRecord> {
        match self.store.update(&self.id, update).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(task = &*self.id, %e, "could not write a task update");
                None
            }
        }
    }

    /// Renews the lease; stops the work when the client cancelled (possibly
    /// through another replica) or the task expired.
    async fn renew(&self) {
        let lease_until_ms = now_ms().saturating_add(duration_ms(self.lease));
        match self
            .store
            .update(&self.id, TaskUpdate::Renew { lease_until_ms })
            .await
        {
            Ok(Some(record)) if !record.cancel_requested => {}
            Ok(_) => self.cancellation.cancel(),
            Err(e) => tracing::warn!(task = &*self.id, %e, "could not renew a task's lease"),
        }
    }

    /// Records how the call ended and says it to the request, if it still waits.
    async fn finish(&self, outcome: Option<Result<Output, ToolError>>) -> Finished {
        // A question before the task stops the call, however the tool ended.
        if self.peer.phase() == Phase::AskedBeforeTask
            && let Some(asked) = self.round.as_ref().and_then(|r| r.take_asked())
        {
            return Finished::NeedsInput(asked);
        }
        let Some(outcome) = outcome else {
            self.write(TaskUpdate::Finish {
                status: TaskStatus::Cancelled,
                message: Some("cancelled at the client's request; the work was stopped".into()),
                result: None,
                error: None,
            })
            .await;
            return Finished::Cancelled;
        };
        // An internal error is a fault of the server, not an answer the model
        // can act on: the task fails with a JSON-RPC error.
        let failure = match &outcome {
            Err(error) if *error.code() == ErrorCode::INTERNAL_ERROR => Some(json!({
                "code": code::INTERNAL_ERROR,
                "message": error.message(),
            })),
            _ => None,
        };
        let result = call_result(self.version, self.shape, outcome, None);
        let update = match failure {
            Some(error) => TaskUpdate::Finish {
                status: TaskStatus::Failed,
                message: Some("the call failed inside the server".into()),
                result: None,
                error: Some(error),
            },
            None => TaskUpdate::Finish {
                status: TaskStatus::Completed,
                message: None,
                result: Some(result.get().to_owned()),
                error: None,
            },
        };
        self.write(update).await;
        Finished::Ended(result)
    }
}
