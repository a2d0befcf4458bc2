//! Task tools: the user's to-dos, calls, meetings and manual steps.

use mcp_tools::{Page, State, ToolResult, tool};

use crate::tasks::{CompleteTaskArgs, CreateTaskArgs, ListTasksArgs, TaskView};
use crate::workspace::Workspace;

/// Returns the current user's tasks (ToDo, Call, Meeting, LinkedIn, ManualEmail, Sms,
/// WhatsApp), soonest due first, filterable by state (Open, Overdue, Completed), task type,
/// a due window (dueFrom/dueTo as YYYY-MM-DD or an ISO 8601 UTC time) and contact.
///
/// This is the resolver for taskId (reply_complete_task). contactId comes from
/// reply_search_contacts. Page with top and skip.
/// Errors: InvalidParameter — a date that is not YYYY-MM-DD or ISO 8601; NotFound — unknown
/// contactId.
#[tool(read_only, name = "reply_list_my_tasks")]
pub async fn list_my_tasks(
    State(ws): State<Workspace>,
    #[args] args: ListTasksArgs,
) -> ToolResult<Page<TaskView>> {
    ws.list_my_tasks(args)
}

/// Creates a task for the current user: a type (ToDo, Call, Meeting, LinkedIn, ManualEmail,
/// Sms, WhatsApp), a title, an optional note, contact and due date. A LinkedIn task also needs
/// linkedInTaskType (Message, Connect, InMail, ViewProfile), and only LinkedIn tasks take it.
///
/// contactId comes from reply_search_contacts or reply_filter_contacts.
/// Errors: InvalidArguments — linkedInTaskType missing for a LinkedIn task or given for
/// another type; InvalidInput — a LinkedIn task for a contact without a LinkedIn URL;
/// InvalidParameter — malformed dueDate; NotFound — unknown contactId.
#[tool(destructive, name = "reply_create_task")]
pub async fn create_task(
    State(ws): State<Workspace>,
    #[args] args: CreateTaskArgs,
) -> ToolResult<TaskView> {
    ws.create_task(args)
}

/// Marks a task as completed, with an optional note; for Call tasks, callResolution
/// (Positive, ToCall, Negative) records how the call went and is recommended.
///
/// taskId comes from reply_list_my_tasks.
/// Errors: NotFound — unknown taskId; Conflict — the task is already completed (nothing
/// changed); InvalidParameter — callResolution on a task that is not a Call.
#[tool(destructive, idempotent, name = "reply_complete_task")]
pub async fn complete_task(
    State(ws): State<Workspace>,
    #[args] args: CompleteTaskArgs,
) -> ToolResult<TaskView> {
    ws.complete_task(args)
}
