//! The commands of calls that wait on Redis at the same moment, sent as one
//! pipeline.
//!
//! A busy replica has many calls waiting on Redis at once. Sent one by one,
//! every command is a write of its own on the socket, which wakes
//! `redis-server` once per command, and a read of its own for the answer;
//! profiled under load, that kernel work is most of what a round trip costs a
//! replica, far more than building the command. So one task per connection
//! sends the commands: while a batch is out, the commands of other calls
//! queue, and they go out together, in one write, as soon as it is answered.
//! An idle replica sends a command at once, alone; a busy one sends batches
//! that grow with the load, with no timer to tune and no latency added beyond
//! the batch already out.
//!
//! The batch is a pipeline of independent commands, not a transaction: each
//! command's answer, an error included, goes to its own call.

use std::io;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{Cmd, ErrorKind, Pipeline, RedisError, Value};
use tokio::sync::{mpsc, oneshot};

use crate::connection::Failure;

/// The most commands one write carries. A queue longer than this is sent in
/// several batches, so that a burst cannot make one answer wait on thousands.
const MOST_PER_BATCH: usize = 128;

/// Sends commands through the task that batches them.
pub(crate) struct Batcher {
    queue: mpsc::UnboundedSender<Job>,
}

struct Job {
    command: Cmd,
    answer: oneshot::Sender<Result<Value, Failure>>,
}

impl Batcher {
    /// Starts the sending task on the current tokio runtime. It ends when the
    /// last `Batcher` handle is dropped and its queue is empty.
    pub(crate) fn start(manager: ConnectionManager, command_timeout: Duration) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(send_batches(jobs, manager, command_timeout));
        Self { queue }
    }

    /// Sends `command` with the next batch and waits for its answer, server
    /// errors (such as `NOSCRIPT`) returned as errors.
    pub(crate) async fn send(&self, command: Cmd) -> Result<Value, Failure> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job { command, answer })
            .map_err(|_| stopped())?;
        answered.await.unwrap_or_else(|_| Err(stopped()))
    }
}

/// The sending task: one batch out at a time, each bounded by the command
/// timeout, so that a Redis that stops answering cannot hold the task.
async fn send_batches(
    mut jobs: mpsc::UnboundedReceiver<Job>,
    mut manager: ConnectionManager,
    command_timeout: Duration,
) {
    let mut queued = Vec::with_capacity(MOST_PER_BATCH);
    let mut answers = Vec::with_capacity(MOST_PER_BATCH);
    while jobs.recv_many(&mut queued, MOST_PER_BATCH).await > 0 {
        let mut pipeline = Pipeline::with_capacity(queued.len());
        for Job { command, answer } in queued.drain(..) {
            // A call that gave up (its time ran out, its client went away)
            // waits for no answer; its command is better left unsent.
            if !answer.is_closed() {
                pipeline.add_command(command);
                answers.push(answer);
            }
        }
        if answers.is_empty() {
            continue;
        }
        let count = answers.len();
        let sent = tokio::time::timeout(
            command_timeout,
            manager.send_packed_commands(&pipeline, 0, count),
        )
        .await;
        match sent {
            Ok(Ok(values)) if values.len() == count => {
                for (answer, value) in answers.drain(..).zip(values) {
                    let _ = answer.send(value.extract_error().map_err(Failure::Redis));
                }
            }
            Ok(Ok(values)) => {
                let wrong = RedisError::from((
                    ErrorKind::UnexpectedReturnType,
                    "Redis answered a pipeline with the wrong number of values",
                    format!("{} values for {count} commands", values.len()),
                ));
                fail_all(&mut answers, || Failure::Redis(wrong.clone()));
            }
            Ok(Err(e)) => fail_all(&mut answers, || Failure::Redis(e.clone())),
            Err(_) => fail_all(&mut answers, || Failure::Timeout(command_timeout)),
        }
    }
}

fn fail_all(
    answers: &mut Vec<oneshot::Sender<Result<Value, Failure>>>,
    failure: impl Fn() -> Failure,
) {
    for answer in answers.drain(..) {
        let _ = answer.send(Err(failure()));
    }
}

/// The sending task is gone (its runtime is shutting down): whether a
/// command it took went out is unknown, so the failure is an I/O one, which
/// the stores treat as possibly carried out.
fn stopped() -> Failure {
    Failure::Redis(RedisError::from(io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the task that sends this replica's Redis commands has stopped",
    )))
}
