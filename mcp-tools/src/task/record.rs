//! A task's state as a store keeps it, the atomic changes to it, and its wire
//! shapes (`CreateTaskResult`, the `DetailedTask` of `tasks/get`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::timestamp;

/// Where a task is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TaskStatus {
    /// The tool is running.
    Working,
    /// The tool waits for answers to the task's `inputRequests`.
    InputRequired,
    /// The tool finished; the result (possibly `isError: true`) is kept.
    Completed,
    /// The call failed with a JSON-RPC error (a server fault, a dead worker).
    Failed,
    /// The client cancelled the task and the work stopped.
    Cancelled,
}

impl TaskStatus {
    /// Whether the task will not change any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Working => "working",
            Self::InputRequired => "input_required",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// The last progress a task's tool reported.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskProgress {
    /// How far the tool is.
    pub progress: f64,
    /// Out of how much, when the tool knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
}

/// One task as a [`TaskStore`](super::TaskStore) keeps it: plain data, no
/// handles, serialisable as it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskRecord {
    /// The unguessable id the client polls with.
    pub id: String,
    /// The caller that created it (`None` for an anonymous caller); nobody
    /// else sees it.
    pub owner: Option<String>,
    /// The tool that runs.
    pub tool: String,
    /// Where the task is.
    pub status: TaskStatus,
    /// A line for the user or model: progress, what input is awaited, why it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// The last progress reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<TaskProgress>,
    /// Creation, milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// Last change, milliseconds since the Unix epoch.
    pub updated_at_ms: u64,
    /// Time to live from creation; `None` for unlimited.
    pub ttl_ms: Option<u64>,
    /// How often the client should poll.
    pub poll_interval_ms: u64,
    /// Until when the worker running the task has promised to report again;
    /// past it, a task that has not ended is reported failed.
    pub lease_until_ms: u64,
    /// Outstanding server-to-client requests, by key.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub input_requests: Map<String, Value>,
    /// Answers the client gave that the worker has not picked up yet, by key.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub responses: Map<String, Value>,
    /// The client asked to cancel.
    #[serde(default)]
    pub cancel_requested: bool,
    /// The result of a completed task as JSON text, as the request would have
    /// returned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The JSON-RPC error of a failed task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

/// One atomic change to a [`TaskRecord`]: what the worker, `tasks/update` and
/// `tasks/cancel` may do. Serialisable, so that a shared store can run it
/// where the record lives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TaskUpdate {
    /// The tool reported progress (worker).
    Progress {
        /// The progress figures.
        progress: TaskProgress,
        /// The tool's message, if any.
        message: Option<String>,
    },
    /// The tool asks the client something; the task waits for input (worker).
    Ask {
        /// A key never used before in this task.
        key: String,
        /// `{"method": …, "params": …}`.
        request: Value,
    },
    /// The client answered some outstanding requests (`tasks/update`). Keys
    /// that are not outstanding are ignored; the task works again once
    /// nothing is outstanding.
    Answer {
        /// Answers by key.
        responses: Map<String, Value>,
    },
    /// The worker picked up the answer to `key`.
    Consume {
        /// The key answered.
        key: String,
    },
    /// The client asked to cancel (`tasks/cancel`); no effect on an ended task.
    RequestCancel,
    /// The worker is alive until `lease_until_ms`.
    Renew {
        /// The new lease end, milliseconds since the Unix epoch.
        lease_until_ms: u64,
    },
    /// The task ended (worker, or a reader that found its worker gone).
    /// No effect on a task that already ended.
    Finish {
        /// `Completed`, `Failed` or `Cancelled`.
        status: TaskStatus,
        /// A line saying how it ended.
        message: Option<String>,
        /// The result of a completed task, JSON text.
        result: Option<String>,
        /// The JSON-RPC error of a failed task.
        error: Option<Value>,
    },
}

impl TaskRecord {
    /// A new working task.
    pub fn new(
        id: String,
        owner: Option<String>,
        tool: String,
        now_ms: u64,
        ttl_ms: Option<u64>,
        poll_interval_ms: u64,
        lease_until_ms: u64,
    ) -> Self {
        Self {
            id,
            owner,
            tool,
            status: TaskStatus::Working,
            status_message: None,
            progress: None,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            ttl_ms,
            poll_interval_ms,
            lease_until_ms,
            input_requests: Map::new(),
            responses: Map::new(),
            cancel_requested: false,
            result: None,
            error: None,
        }
    }

    /// When the record may be forgotten, milliseconds since the Unix epoch.
    pub fn expires_at_ms(&self) -> Option<u64> {
        self.ttl_ms
            .map(|ttl| self.created_at_ms.saturating_add(ttl))
    }

    /// Whether the record is past its time to live at `now_ms`.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms().is_some_and(|at| at <= now_ms)
    }

    /// Applies one change at `now_ms`. Every store implements its `update`
    /// with this, so that all of them agree on what a change means.
    pub fn apply(&mut self, update: TaskUpdate, now_ms: u64) {
        let ended = self.status.is_terminal();
        match update {
            TaskUpdate::Progress { progress, message } if !ended => {
                self.progress = Some(progress);
                self.status_message = Some(message.unwrap_or_else(|| match progress.total {
                    Some(total) => format!("{} of {total}", progress.progress),
                    None => format!("{} done", progress.progress),
                }));
            }
            TaskUpdate::Ask { key, request } if !ended => {
                self.input_requests.insert(key, request);
                self.status = TaskStatus::InputRequired;
                self.status_message = Some("waiting for the client's answer".into());
            }
            TaskUpdate::Answer { responses } if !ended => {
                for (key, answer) in responses {
                    if self.input_requests.shift_remove(&key).is_some() {
                        self.responses.insert(key, answer);
                    }
                }
                if self.input_requests.is_empty() && self.status == TaskStatus::InputRequired {
                    self.status = TaskStatus::Working;
                    self.status_message = None;
                }
            }
            TaskUpdate::Consume { key } => {
                self.responses.shift_remove(&key);
            }
            TaskUpdate::RequestCancel if !ended => self.cancel_requested = true,
            TaskUpdate::Renew { lease_until_ms } => {
                self.lease_until_ms = self.lease_until_ms.max(lease_until_ms);
                return;
            }
            TaskUpdate::Finish {
                status,
                message,
                result,
                error,
            } if !ended && status.is_terminal() => {
                self.status = status;
                self.status_message = message;
                self.result = result;
                self.error = error;
                self.input_requests.clear();
                self.responses.clear();
            }
            _ => return,
        }
        self.updated_at_ms = now_ms;
    }

    /// The base `Task` fields as members of a JSON object.
    fn task_members(&self, result_type: &str) -> Map<String, Value> {
        let mut members = Map::new();
        members.insert("resultType".into(), result_type.into());
        members.insert("taskId".into(), self.id.clone().into());
        members.insert("status".into(), self.status.as_str().into());
        if let Some(message) = &self.status_message {
            members.insert("statusMessage".into(), message.clone().into());
        }
        members.insert(
            "createdAt".into(),
            timestamp::rfc3339_millis(timestamp::from_unix_millis(self.created_at_ms)).into(),
        );
        members.insert(
            "lastUpdatedAt".into(),
            timestamp::rfc3339_millis(timestamp::from_unix_millis(self.updated_at_ms)).into(),
        );
        members.insert("ttlMs".into(), self.ttl_ms.map_or(Value::Null, Value::from));
        members.insert("pollIntervalMs".into(), self.poll_interval_ms.into());
        members
    }

    /// The `CreateTaskResult` a `tools/call` answers with (`resultType: "task"`).
    pub(crate) fn create_result(&self) -> String {
        Value::Object(self.task_members("task")).to_string()
    }

    /// The `DetailedTask` `tasks/get` answers with (`resultType: "complete"`).
    pub(crate) fn detailed(&self) -> String {
        let mut members = self.task_members("complete");
        match self.status {
            TaskStatus::InputRequired => {
                members.insert(
                    "inputRequests".into(),
                    Value::Object(self.input_requests.clone()),
                );
            }
            TaskStatus::Completed => {
                let result = self
                    .result
                    .as_deref()
                    .and_then(|json| serde_json::from_str(json).ok())
                    .unwrap_or_else(|| Value::Object(Map::new()));
                members.insert("result".into(), result);
            }
            TaskStatus::Failed => {
                members.insert("error".into(), self.error.clone().unwrap_or(Value::Null));
            }
            TaskStatus::Working | TaskStatus::Cancelled => {}
        }
        Value::Object(members).to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record() -> TaskRecord {
        TaskRecord::new(
            "t".into(),
            Some("u".into()),
            "tool".into(),
            1_000,
            Some(60_000),
            500,
            31_000,
        )
    }

    #[test]
    fn answers_move_outstanding_keys_only_and_resume_when_none_is_left() {
        let mut task = record();
        task.apply(
            TaskUpdate::Ask {
                key: "a".into(),
                request: json!({"method": "elicitation/create"}),
            },
            2_000,
        );
        task.apply(
            TaskUpdate::Ask {
                key: "b".into(),
                request: json!({"method": "elicitation/create"}),
            },
            2_000,
        );
        assert_eq!(task.status, TaskStatus::InputRequired);
        let mut answers = Map::new();
        answers.insert("a".into(), json!({"action": "accept"}));
        answers.insert("never-asked".into(), json!(1));
        task.apply(TaskUpdate::Answer { responses: answers }, 3_000);
        assert_eq!(task.status, TaskStatus::InputRequired);
        assert!(task.input_requests.contains_key("b") && !task.input_requests.contains_key("a"));
        assert_eq!(task.responses.keys().collect::<Vec<_>>(), ["a"]);
        let mut answers = Map::new();
        answers.insert("b".into(), json!({"action": "decline"}));
        task.apply(TaskUpdate::Answer { responses: answers }, 4_000);
        assert_eq!(task.status, TaskStatus::Working);
        assert_eq!(task.updated_at_ms, 4_000);
    }

    #[test]
    fn an_ended_task_does_not_change_and_round_trips_as_json() {
        let mut task = record();
        task.apply(
            TaskUpdate::Finish {
                status: TaskStatus::Completed,
                message: None,
                result: Some("{\"content\":[]}".into()),
                error: None,
            },
            5_000,
        );
        task.apply(TaskUpdate::RequestCancel, 6_000);
        task.apply(
            TaskUpdate::Finish {
                status: TaskStatus::Failed,
                message: None,
                result: None,
                error: Some(json!({})),
            },
            6_000,
        );
        assert_eq!(task.status, TaskStatus::Completed);
        assert!(!task.cancel_requested);
        assert_eq!(task.updated_at_ms, 5_000);
        let json = serde_json::to_string(&task).unwrap();
        let back: TaskRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, task);
        let wire: Value = serde_json::from_str(&task.detailed()).unwrap();
        assert_eq!(wire["status"], "completed");
        assert_eq!(wire["result"], json!({"content": []}));
        assert_eq!(wire["ttlMs"], 60_000);
    }

    #[test]
    fn expiry_counts_from_creation() {
        let task = record();
        assert!(!task.is_expired(60_999));
        assert!(task.is_expired(61_000));
    }
}
