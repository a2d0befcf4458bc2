//! Tasks: the current user's to-do list across channels.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolError, ToolResult, Validate};
use serde::{Deserialize, Serialize};

use crate::contacts::ActivityKind;
use crate::workspace::state::{State, Task, next_key};
use crate::workspace::{Workspace, check, clock, non_blank};

/// Kind of task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaskType {
    /// A general to-do.
    ToDo,
    /// A phone call.
    Call,
    /// A meeting.
    Meeting,
    /// A manual LinkedIn action (needs linkedInTaskType).
    LinkedIn,
    /// An email written and sent by hand.
    ManualEmail,
    /// A text message.
    Sms,
    /// A WhatsApp message.
    WhatsApp,
}

/// The LinkedIn action of a LinkedIn task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LinkedInTaskType {
    /// Send a message to a connection.
    Message,
    /// Send a connection request.
    Connect,
    /// Send an InMail.
    InMail,
    /// Visit the profile.
    ViewProfile,
}

/// How a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CallResolution {
    /// Reached them; interested.
    Positive,
    /// Not reached; call again.
    ToCall,
    /// Reached them; not interested.
    Negative,
}

/// State of a task, as filtered and reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaskState {
    /// Not done and not past due.
    Open,
    /// Not done and past its due time.
    Overdue,
    /// Done.
    Completed,
}

/// Arguments of `reply_list_my_tasks`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListTasksArgs {
    /// Only tasks in this state: Open, Overdue or Completed.
    pub status: Option<TaskState>,
    /// Only tasks of this kind.
    pub task_type: Option<TaskType>,
    /// Only tasks due at or after this time (YYYY-MM-DD or ISO 8601, UTC).
    #[schemars(length(max = 40))]
    pub due_from: Option<String>,
    /// Only tasks due at or before this time (YYYY-MM-DD means the end of that day, UTC).
    #[schemars(length(max = 40))]
    pub due_to: Option<String>,
    /// Only tasks about this contact, from reply_search_contacts.
    #[schemars(range(min = 1))]
    pub contact_id: Option<u64>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A task as the task tools return it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TaskView {
    /// Task id, for reply_complete_task.
    pub id: u64,
    /// Kind of task.
    pub task_type: TaskType,
    /// LinkedIn action, for LinkedIn tasks.
    #[serde(rename = "LinkedInTaskType", skip_serializing_if = "Option::is_none")]
    pub linkedin_task_type: Option<LinkedInTaskType>,
    /// What to do.
    pub title: String,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// State now.
    pub status: TaskState,
    /// The contact it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<u64>,
    /// That contact's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// The sequence that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_id: Option<u64>,
    /// Due time, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// Completion time, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_date: Option<String>,
    /// Outcome of a completed call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_resolution: Option<CallResolution>,
    /// Notes the caller should pass on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Arguments of `reply_create_task`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTaskArgs {
    /// Kind of task.
    pub task_type: TaskType,
    /// The LinkedIn action; required when taskType is LinkedIn, not allowed otherwise.
    pub linked_in_task_type: Option<LinkedInTaskType>,
    /// What to do, in one line.
    #[schemars(length(min = 1, max = 500))]
    pub title: String,
    /// Longer notes.
    #[schemars(length(max = 5000))]
    pub note: Option<String>,
    /// The contact it concerns, from reply_search_contacts.
    #[schemars(range(min = 1))]
    pub contact_id: Option<u64>,
    /// Due time (YYYY-MM-DD or ISO 8601, UTC); omit for no due date.
    #[schemars(length(max = 40))]
    pub due_date: Option<String>,
}

impl Validate for CreateTaskArgs {
    fn validate(&self) -> Result<(), String> {
        match (self.task_type, self.linked_in_task_type) {
            (TaskType::LinkedIn, None) => Err("taskType LinkedIn needs linkedInTaskType: one of \
                                               Message, Connect, InMail, ViewProfile"
                .into()),
            (TaskType::LinkedIn, Some(_)) | (_, None) => Ok(()),
            (other, Some(_)) => Err(format!(
                "linkedInTaskType only applies to taskType LinkedIn, not {other:?}; drop it or \
                 set taskType to LinkedIn"
            )),
        }
    }
}

/// Arguments of `reply_complete_task`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompleteTaskArgs {
    /// Id of the task, from reply_list_my_tasks.
    #[schemars(range(min = 1))]
    pub task_id: u64,
    /// How the call went; recommended for Call tasks, not allowed for other types.
    pub call_resolution: Option<CallResolution>,
    /// A note about the outcome, appended to the task's notes.
    #[schemars(length(max = 5000))]
    pub note: Option<String>,
}

fn state_of(task: &Task, now: i64) -> TaskState {
    match (task.completed_at, task.due_at) {
        (Some(_), _) => TaskState::Completed,
        (None, Some(due)) if due < now => TaskState::Overdue,
        (None, _) => TaskState::Open,
    }
}

fn view(state: &State, t: &Task, warnings: Vec<String>) -> TaskView {
    TaskView {
        id: t.id,
        task_type: t.task_type,
        linkedin_task_type: t.linkedin_task_type,
        title: t.title.clone(),
        note: t.note.clone(),
        status: state_of(t, state.now),
        contact_id: t.contact_id,
        contact_name: t.contact_id.map(|id| state.contact_name(id)),
        sequence_id: t.sequence_id,
        due_date: t.due_at.map(clock::format),
        completed_date: t.completed_at.map(clock::format),
        call_resolution: t.call_resolution,
        warnings,
    }
}

fn parse_time(text: Option<String>, field: &str, end_of_day: bool) -> ToolResult<Option<i64>> {
    let Some(text) = non_blank(text) else {
        return Ok(None);
    };
    let at = clock::parse(&text).ok_or_else(|| {
        ToolError::invalid_parameter(format!(
            "{field} '{text}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
        ))
    })?;
    let date_only = !text.contains(['T', ' ']);
    Ok(Some(if end_of_day && date_only {
        at + clock::DAY - 1
    } else {
        at
    }))
}

impl Workspace {
    /// `reply_list_my_tasks`: the current user's tasks, soonest due first.
    pub fn list_my_tasks(&self, args: ListTasksArgs) -> ToolResult<Page<TaskView>> {
        let state = self.read();
        let from = parse_time(args.due_from, "dueFrom", false)?;
        let to = parse_time(args.due_to, "dueTo", true)?;
        if let Some(id) = args.contact_id {
            state.contact(id)?;
        }
        let mut tasks: Vec<&Task> = state
            .tasks
            .values()
            .filter(|t| t.owner_id == state.current_user_id)
            .filter(|t| args.status.is_none_or(|s| state_of(t, state.now) == s))
            .filter(|t| args.task_type.is_none_or(|k| t.task_type == k))
            .filter(|t| args.contact_id.is_none_or(|c| t.contact_id == Some(c)))
            .filter(|t| from.is_none_or(|f| t.due_at.is_some_and(|d| d >= f)))
            .filter(|t| to.is_none_or(|l| t.due_at.is_some_and(|d| d <= l)))
            .collect();
        tasks.sort_by_key(|t| (t.due_at.is_none(), t.due_at, t.id));
        let items = tasks.into_iter().map(|t| view(&state, t, Vec::new()));
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_create_task`: a new task for the current user.
    pub fn create_task(&self, args: CreateTaskArgs) -> ToolResult<TaskView> {
        check(&args)?;
        let mut state = self.write();
        let due_at = parse_time(args.due_date, "dueDate", false)?;
        if let Some(id) = args.contact_id {
            let contact = state.contact(id)?;
            if args.task_type == TaskType::LinkedIn && contact.linkedin_url.is_none() {
                return Err(ToolError::invalid_input(format!(
                    "contact {id} has no LinkedIn URL, so a LinkedIn task cannot be done; add one \
                     with reply_update_contact first"
                )));
            }
        }
        let title = non_blank(Some(args.title))
            .ok_or_else(|| ToolError::invalid_arguments("title is blank; say what the task is"))?;
        state.tick();
        let task = Task {
            id: next_key(&state.tasks),
            task_type: args.task_type,
            linkedin_task_type: args.linked_in_task_type,
            title,
            note: non_blank(args.note),
            contact_id: args.contact_id,
            sequence_id: None,
            owner_id: state.current_user_id,
            due_at,
            completed_at: None,
            call_resolution: None,
        };
        let mut warnings = Vec::new();
        if due_at.is_some_and(|d| d < state.now) {
            warnings.push("the due date is in the past, so the task is already Overdue".to_owned());
        }
        let out = view(&state, &task, warnings);
        state.tasks.insert(task.id, task);
        Ok(out)
    }

    /// `reply_complete_task`: marks a task done, with a call outcome for calls.
    pub fn complete_task(&self, args: CompleteTaskArgs) -> ToolResult<TaskView> {
        let mut state = self.write();
        let task = state.tasks.get(&args.task_id).ok_or_else(|| {
            ToolError::not_found(format!(
                "no task with id {}; list tasks with reply_list_my_tasks",
                args.task_id
            ))
        })?;
        if task.completed_at.is_some() {
            return Err(ToolError::conflict(format!(
                "task {} is already completed; nothing changed",
                task.id
            )));
        }
        if args.call_resolution.is_some() && task.task_type != TaskType::Call {
            return Err(ToolError::invalid_parameter(format!(
                "callResolution applies only to Call tasks; task {} is a {:?} task, so drop it",
                task.id, task.task_type
            )));
        }
        let mut warnings = Vec::new();
        if task.task_type == TaskType::Call && args.call_resolution.is_none() {
            warnings.push(
                "no callResolution was given for this call; the outcome is not recorded".to_owned(),
            );
        }
        let now = state.tick();
        let note = non_blank(args.note);
        let Some(task) = state.tasks.get_mut(&args.task_id) else {
            return Err(ToolError::internal("task vanished while completing it"));
        };
        task.completed_at = Some(now);
        task.call_resolution = args.call_resolution;
        if let Some(note) = note {
            task.note = Some(match task.note.take() {
                Some(old) => format!("{old}\n{note}"),
                None => note,
            });
        }
        let task = task.clone();
        if let Some(contact_id) = task.contact_id {
            let (kind, detail) = match task.call_resolution {
                Some(r) => (ActivityKind::CallLogged, format!("call logged: {r:?}")),
                None => (
                    ActivityKind::TaskCompleted,
                    format!("task completed: {}", task.title),
                ),
            };
            state.log(contact_id, kind, task.sequence_id, detail);
        }
        Ok(view(&state, &task, warnings))
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    #[test]
    fn linkedin_tasks_need_their_action() {
        let ws = Workspace::sandbox();
        let err = ws
            .create_task(args(json!({"taskType": "LinkedIn", "title": "Connect"})))
            .expect_err("missing linkedInTaskType");
        assert_eq!(err.code().as_str(), "InvalidArguments");
        let mixed = ws.create_task(args(
            json!({"taskType": "Call", "linkedInTaskType": "Connect", "title": "x"}),
        ));
        assert_eq!(
            mixed.expect_err("not LinkedIn").code().as_str(),
            "InvalidArguments"
        );
        let task = ws
            .create_task(args(json!({
                "taskType": "LinkedIn", "linkedInTaskType": "InMail", "title": "InMail the CEO",
                "contactId": 3, "dueDate": "2026-07-08"
            })))
            .expect("create");
        assert_eq!(task.status, TaskState::Open);
        let listed = ws
            .list_my_tasks(args(json!({"contactId": 3, "taskType": "LinkedIn", "dueFrom": "2026-07-08", "dueTo": "2026-07-08"})))
            .expect("list");
        assert!(listed.items.iter().any(|t| t.id == task.id));
        let bad_date = ws.list_my_tasks(args(json!({"dueFrom": "soon"})));
        assert_eq!(
            bad_date.expect_err("bad date").code().as_str(),
            "InvalidParameter"
        );
    }

    #[test]
    fn listing_covers_every_state_and_only_my_tasks() {
        let ws = Workspace::sandbox();
        for state in ["Open", "Overdue", "Completed"] {
            let page = ws
                .list_my_tasks(args(json!({"status": state})))
                .expect("list");
            assert!(!page.items.is_empty(), "no {state} tasks");
        }
        let all = ws.list_my_tasks(args(json!({"top": 100}))).expect("list");
        let state = ws.read();
        assert!(
            all.items
                .iter()
                .all(|t| state.tasks[&t.id].owner_id == state.current_user_id)
        );
    }

    #[test]
    fn completing_tasks() {
        let ws = Workspace::sandbox();
        let call = ws
            .create_task(args(
                json!({"taskType": "Call", "title": "Call back", "contactId": 4}),
            ))
            .expect("create");
        let done = ws
            .complete_task(args(json!({"taskId": call.id})))
            .expect("complete");
        assert_eq!(done.status, TaskState::Completed);
        assert!(done.warnings.iter().any(|w| w.contains("callResolution")));
        let twice = ws.complete_task(args(json!({"taskId": call.id})));
        assert_eq!(twice.expect_err("done").code().as_str(), "Conflict");
        let todo = ws
            .create_task(args(json!({"taskType": "ToDo", "title": "Prep"})))
            .expect("create");
        let wrong = ws.complete_task(args(
            json!({"taskId": todo.id, "callResolution": "Positive"}),
        ));
        assert_eq!(
            wrong.expect_err("not a call").code().as_str(),
            "InvalidParameter"
        );
        let second_call = ws
            .create_task(args(
                json!({"taskType": "Call", "title": "Call", "contactId": 4}),
            ))
            .expect("create");
        let logged = ws
            .complete_task(args(json!({"taskId": second_call.id, "callResolution": "Positive", "note": "Booked a demo"})))
            .expect("complete");
        assert_eq!(logged.call_resolution, Some(CallResolution::Positive));
        let history = ws
            .get_contact_activity(args(json!({"contactId": 4, "top": 1})))
            .expect("activity");
        assert_eq!(history.items[0].r#type, ActivityKind::CallLogged);
        assert_eq!(
            ws.complete_task(args(json!({"taskId": 9999})))
                .expect_err("x")
                .code()
                .as_str(),
            "NotFound"
        );
    }
}
