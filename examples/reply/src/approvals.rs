//! Jason's approval queue: drafts addressed by sequence and contact.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Batch, Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::contacts::ActivityKind;
use crate::inbox::{self, Channel, SentReply};
use crate::workspace::state::{Draft, State, Thread, next_key};
use crate::workspace::{Workspace, clock, non_blank};

/// Order of the approval queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SortMode {
    /// Most recent drafts first (the default).
    NewestFirst,
    /// Oldest drafts first.
    OldestFirst,
}

/// Arguments of `reply_list_pending_approvals`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListApprovalsArgs {
    /// Only drafts of this sequence, from reply_search_sequences.
    #[schemars(range(min = 1))]
    pub sequence_id: Option<u64>,
    /// Only drafts of sequences owned by this user, from reply_search_team_members.
    #[schemars(range(min = 1))]
    pub owner_id: Option<u64>,
    /// Only drafts for this channel.
    pub channel: Option<Channel>,
    /// NewestFirst (default) or OldestFirst.
    pub sort_mode: Option<SortMode>,
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// A draft waiting for approval.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PendingDraft {
    /// Sequence half of the draft's address.
    pub sequence_id: u64,
    /// The sequence's name.
    pub sequence_name: String,
    /// Contact half of the draft's address.
    pub contact_id: u64,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// Channel it will go out on.
    pub channel: Channel,
    /// Subject (email drafts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Full draft text.
    pub body: String,
    /// How many times it was regenerated.
    pub revision: u32,
    /// When Jason wrote this version, ISO 8601 UTC.
    pub created: String,
}

/// Arguments addressing one draft.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftRef {
    /// Id of the draft's sequence, from reply_list_pending_approvals.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the draft's contact, from reply_list_pending_approvals.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
}

/// Arguments of `reply_approve_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApproveArgs {
    /// Id of the draft's sequence, from reply_list_pending_approvals.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the draft's contact, from reply_list_pending_approvals.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// Replacement body to send instead of Jason's text.
    #[schemars(length(min = 1, max = 32000))]
    pub body: Option<String>,
    /// Replacement subject (email drafts only).
    #[schemars(length(min = 1, max = 500))]
    pub subject: Option<String>,
}

/// A draft that was approved and sent.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SentDraft {
    /// The draft's sequence.
    pub sequence_id: u64,
    /// The draft's contact.
    pub contact_id: u64,
    /// The inbox thread the message now appears in.
    pub thread_id: u64,
    /// The sent message's id.
    pub message_id: u64,
    /// Channel it went out on.
    pub channel: Channel,
    /// Send time, ISO 8601 UTC.
    pub sent_at: String,
}

/// Arguments of `reply_bulk_approve_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkApproveArgs {
    /// The drafts to approve (1 to 100), each as its sequenceId and contactId pair. All are
    /// sent or none: one stale pair rejects the whole batch.
    pub messages: Batch<DraftRef>,
}

/// The outcome of an atomic bulk approval.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct BulkApproval {
    /// How many drafts were sent.
    pub approved: usize,
    /// One entry per sent draft, in the order given.
    pub sent: Vec<SentDraft>,
}

/// The outcome of `reply_reject_message`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct RejectedDraft {
    /// The sequence.
    pub sequence_id: u64,
    /// The contact.
    pub contact_id: u64,
    /// The draft was thrown away.
    pub draft_discarded: bool,
    /// The contact no longer belongs to the sequence.
    pub removed_from_sequence: bool,
}

/// Arguments of `reply_regenerate_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegenerateArgs {
    /// Id of the draft's sequence, from reply_list_pending_approvals.
    #[schemars(range(min = 1))]
    pub sequence_id: u64,
    /// Id of the draft's contact, from reply_list_pending_approvals.
    #[schemars(range(min = 1))]
    pub contact_id: u64,
    /// What to change, in plain words (for example "shorter", "more formal", "end with a
    /// question"). Omit for a fresh rewording.
    #[schemars(length(max = 2000))]
    pub feedback: Option<String>,
}

fn stale(sequence_id: u64, contact_id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no pending draft for sequence {sequence_id} and contact {contact_id}; it was already \
         sent, rejected or never existed. Reload the queue with reply_list_pending_approvals"
    ))
}

fn draft_index(state: &State, sequence_id: u64, contact_id: u64) -> ToolResult<usize> {
    state
        .drafts
        .iter()
        .position(|d| d.sequence_id == sequence_id && d.contact_id == contact_id)
        .ok_or_else(|| stale(sequence_id, contact_id))
}

/// Finds the thread a draft goes out on, or describes the one that would be opened.
fn draft_thread(state: &State, draft: &Draft) -> Thread {
    let existing = state.threads.values().find(|t| {
        t.contact_id == draft.contact_id
            && t.channel == draft.channel
            && t.sequence_id == Some(draft.sequence_id)
    });
    if let Some(thread) = existing {
        return thread.clone();
    }
    let sequence = state.sequences.get(&draft.sequence_id);
    Thread {
        id: next_key(&state.threads),
        contact_id: draft.contact_id,
        channel: draft.channel,
        subject: draft.subject.clone().unwrap_or_else(|| {
            format!("Conversation with {}", state.contact_name(draft.contact_id))
        }),
        sequence_id: Some(draft.sequence_id),
        email_account_id: sequence.and_then(|s| s.email_account_ids.first().copied()),
        linkedin_account_id: sequence.and_then(|s| s.linkedin_account_id),
        category: None,
        messages: Vec::new(),
    }
}

/// Why a draft cannot be sent now, without changing anything.
fn approval_blocker(state: &State, sequence_id: u64, contact_id: u64) -> Option<ToolError> {
    let index = match draft_index(state, sequence_id, contact_id) {
        Ok(index) => index,
        Err(e) => return Some(e),
    };
    let thread = draft_thread(state, &state.drafts[index]);
    inbox::send_blocker(state, &thread)
}

/// Sends one queued draft: opens its thread if needed, records the message, drops the draft.
pub fn send_draft(
    state: &mut State,
    sequence_id: u64,
    contact_id: u64,
    body: Option<String>,
    subject: Option<String>,
) -> ToolResult<SentDraft> {
    if let Some(blocker) = approval_blocker(state, sequence_id, contact_id) {
        return Err(blocker);
    }
    let index = draft_index(state, sequence_id, contact_id)?;
    let mut draft = state.drafts.remove(index);
    if let Some(subject) = non_blank(subject) {
        draft.subject = Some(subject);
    }
    let mut thread = draft_thread(state, &draft);
    if thread.messages.is_empty()
        && let Some(subject) = &draft.subject
    {
        thread.subject = subject.clone();
    }
    let thread_id = thread.id;
    state.threads.insert(thread_id, thread);
    let text = non_blank(body).unwrap_or(draft.body);
    let SentReply {
        message_id,
        channel,
        sent_at,
        ..
    } = inbox::record_outbound(state, thread_id, text)?;
    Ok(SentDraft {
        sequence_id,
        contact_id,
        thread_id,
        message_id,
        channel,
        sent_at,
    })
}

/// Rewrites a draft deterministically from plain-language feedback.
fn revise(body: &str, first_name: &str, feedback: Option<&str>) -> String {
    let feedback = feedback.unwrap_or_default().to_lowercase();
    let wants = |words: &[&str]| words.iter().any(|w| feedback.contains(w));
    let mut lines: Vec<String> = body.lines().map(str::to_owned).collect();
    let greeting = lines
        .first()
        .is_some_and(|l| l.starts_with("Hi") || l.starts_with("Hey") || l.starts_with("Dear"));
    let (head, mut rest) = if greeting {
        (Some(lines.remove(0)), lines)
    } else {
        (None, lines)
    };
    let mut head = head.unwrap_or_else(|| format!("Hi {first_name},"));
    if wants(&["formal", "professional", "polite"]) {
        head = format!("Dear {first_name},");
    } else if wants(&["casual", "friendly", "warm", "relaxed"]) {
        head = format!("Hey {first_name},");
    }
    rest.retain(|l| !l.trim().is_empty());
    if wants(&["short", "concise", "brief", "trim", "less"]) {
        rest.truncate(2);
    }
    if wants(&["longer", "detail", "more context", "expand"]) {
        rest.insert(
            rest.len().saturating_sub(1),
            "For context, teams like yours usually see the first results within a couple of weeks."
                .to_owned(),
        );
    }
    if wants(&["question", "cta", "call to action", "meeting", "call"])
        && !rest.last().is_some_and(|l| l.trim_end().ends_with('?'))
    {
        rest.push("Would a 15-minute call next week be worth it?".to_owned());
    }
    if feedback.is_empty() {
        // No guidance: reword the opening line so the draft reads fresh.
        if let Some(first) = rest.first_mut() {
            *first = format!(
                "Quick follow-up: {}",
                first.trim_start_matches("Quick follow-up: ")
            );
        }
    }
    let mut out = vec![head, String::new()];
    out.extend(rest.into_iter().flat_map(|l| [l, String::new()]));
    out.pop();
    out.join("\n")
}

impl Workspace {
    /// `reply_list_pending_approvals`: Jason drafts waiting for review.
    pub fn list_pending_approvals(
        &self,
        args: ListApprovalsArgs,
    ) -> ToolResult<Page<PendingDraft>> {
        let state = self.read();
        if let Some(id) = args.sequence_id {
            state.sequence(id)?;
        }
        if let Some(id) = args.owner_id {
            state.member(id)?;
        }
        let mut drafts: Vec<(usize, &Draft)> = state
            .drafts
            .iter()
            .enumerate()
            .filter(|(_, d)| args.sequence_id.is_none_or(|s| d.sequence_id == s))
            .filter(|(_, d)| args.channel.is_none_or(|c| d.channel == c))
            .filter(|(_, d)| {
                args.owner_id.is_none_or(|o| {
                    state
                        .sequences
                        .get(&d.sequence_id)
                        .is_some_and(|s| s.owner_id == o)
                })
            })
            .collect();
        drafts.sort_by(|(i, a), (j, b)| a.created_at.cmp(&b.created_at).then(i.cmp(j)));
        if args.sort_mode.unwrap_or(SortMode::NewestFirst) == SortMode::NewestFirst {
            drafts.reverse();
        }
        let items = drafts.into_iter().map(|(_, d)| PendingDraft {
            sequence_id: d.sequence_id,
            sequence_name: state
                .sequences
                .get(&d.sequence_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            contact_id: d.contact_id,
            contact_name: state.contact_name(d.contact_id),
            contact_email: state
                .contacts
                .get(&d.contact_id)
                .and_then(|c| c.email.clone()),
            channel: d.channel,
            subject: d.subject.clone(),
            body: d.body.clone(),
            revision: d.revision,
            created: clock::format(d.created_at),
        });
        Ok(Page::from_iter(items, args.paging))
    }

    /// `reply_approve_message`: sends one draft now, optionally with a new body or subject.
    pub fn approve_message(&self, args: ApproveArgs) -> ToolResult<SentDraft> {
        let mut state = self.write();
        state.sequence(args.sequence_id)?;
        state.contact(args.contact_id)?;
        send_draft(
            &mut state,
            args.sequence_id,
            args.contact_id,
            args.body,
            args.subject,
        )
    }

    /// `reply_bulk_approve_messages`: sends up to 100 drafts, all or nothing.
    pub fn bulk_approve_messages(&self, args: BulkApproveArgs) -> ToolResult<BulkApproval> {
        let mut state = self.write();
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for r in args.messages.iter() {
            if seen.contains(&(r.sequence_id, r.contact_id)) {
                problems.push(format!(
                    "sequence {} / contact {} is listed twice",
                    r.sequence_id, r.contact_id
                ));
                continue;
            }
            seen.push((r.sequence_id, r.contact_id));
            if let Some(e) = approval_blocker(&state, r.sequence_id, r.contact_id) {
                problems.push(format!(
                    "sequence {} / contact {}: {} ({})",
                    r.sequence_id,
                    r.contact_id,
                    e.code(),
                    e.message()
                ));
            }
        }
        if !problems.is_empty() {
            return Err(ToolError::conflict(format!(
                "the batch was rejected and nothing was sent, because {} of {} drafts cannot be \
                 approved: {}. Reload the queue with reply_list_pending_approvals and send a \
                 batch of current drafts only",
                problems.len(),
                args.messages.len(),
                problems.join("; ")
            )));
        }
        let mut sent = Vec::with_capacity(args.messages.len());
        for r in args.messages.iter() {
            sent.push(send_draft(
                &mut state,
                r.sequence_id,
                r.contact_id,
                None,
                None,
            )?);
        }
        Ok(BulkApproval {
            approved: sent.len(),
            sent,
        })
    }

    /// `reply_reject_message`: discards a draft and removes the contact from the sequence.
    pub fn reject_message(&self, args: DraftRef) -> ToolResult<RejectedDraft> {
        let mut state = self.write();
        state.sequence(args.sequence_id)?;
        let index = draft_index(&state, args.sequence_id, args.contact_id)?;
        state.tick();
        state.drafts.remove(index);
        let sequence = state.sequence_mut(args.sequence_id)?;
        let removed = sequence.enrollments.remove(&args.contact_id).is_some();
        let name = sequence.name.clone();
        if removed {
            state.log(
                args.contact_id,
                ActivityKind::RemovedFromSequence,
                Some(args.sequence_id),
                format!("removed from sequence '{name}' after its Jason draft was rejected"),
            );
        }
        Ok(RejectedDraft {
            sequence_id: args.sequence_id,
            contact_id: args.contact_id,
            draft_discarded: true,
            removed_from_sequence: removed,
        })
    }

    /// `reply_regenerate_message`: rewrites one pending draft, guided by feedback.
    pub fn regenerate_message(&self, args: RegenerateArgs) -> ToolResult<PendingDraft> {
        let mut state = self.write();
        state.sequence(args.sequence_id)?;
        let index = draft_index(&state, args.sequence_id, args.contact_id)?;
        let first_name = state
            .contacts
            .get(&args.contact_id)
            .map(|c| c.first_name.clone())
            .unwrap_or_else(|| "there".to_owned());
        let now = state.tick();
        let feedback = non_blank(args.feedback);
        let draft = &mut state.drafts[index];
        draft.revision += 1;
        draft.body = revise(&draft.body, &first_name, feedback.as_deref());
        draft.created_at = now;
        if let (Some(subject), Some(fb)) = (&mut draft.subject, feedback.as_deref())
            && fb.to_lowercase().contains("subject")
        {
            *subject = format!("Re: {}", subject.trim_start_matches("Re: "));
        }
        let d = draft.clone();
        let sequence_name = state.sequence(d.sequence_id)?.name.clone();
        Ok(PendingDraft {
            sequence_id: d.sequence_id,
            sequence_name,
            contact_id: d.contact_id,
            contact_name: state.contact_name(d.contact_id),
            contact_email: state
                .contacts
                .get(&d.contact_id)
                .and_then(|c| c.email.clone()),
            channel: d.channel,
            subject: d.subject,
            body: d.body,
            revision: d.revision,
            created: clock::format(d.created_at),
        })
    }
}

#[cfg(test)]
mod revise_tests {
    use super::revise;

    #[test]
    fn feedback_shapes_the_rewrite() {
        let body = "Hi Ana,\n\nLine one.\n\nLine two.\n\nLine three.\n\nBest, Sam";
        let short = revise(body, "Ana", Some("make it shorter"));
        assert!(short.starts_with("Hi Ana,"));
        assert!(!short.contains("Line three"));
        let formal = revise(body, "Ana", Some("more formal, end with a question"));
        assert!(formal.starts_with("Dear Ana,"));
        assert!(formal.trim_end().ends_with('?'));
        let fresh = revise(body, "Ana", None);
        assert_ne!(fresh, body);
        assert_eq!(fresh, revise(body, "Ana", None));
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    fn queue(ws: &Workspace, filter: mcp_tools::serde_json::Value) -> Vec<PendingDraft> {
        ws.list_pending_approvals(args(filter))
            .expect("queue")
            .items
    }

    #[test]
    fn queue_filters_and_sorts() {
        let ws = Workspace::sandbox();
        let newest = queue(&ws, json!({"top": 100}));
        let oldest = queue(&ws, json!({"top": 100, "sortMode": "OldestFirst"}));
        assert_eq!(
            newest.first().map(|d| (d.sequence_id, d.contact_id)),
            oldest.last().map(|d| (d.sequence_id, d.contact_id))
        );
        assert!(
            queue(&ws, json!({"channel": "LinkedIn"}))
                .iter()
                .all(|d| d.channel == Channel::LinkedIn)
        );
        assert!(
            queue(&ws, json!({"sequenceId": 1}))
                .iter()
                .all(|d| d.sequence_id == 1)
        );
        let daniel = queue(&ws, json!({"ownerId": 2, "top": 100}));
        assert!(daniel.iter().all(|d| d.sequence_id == 4));
    }

    #[test]
    fn approve_sends_with_overrides() {
        let ws = Workspace::sandbox();
        let d = queue(&ws, json!({"sequenceId": 1}))[0].clone();
        let sent = ws
            .approve_message(args(json!({
                "sequenceId": d.sequence_id, "contactId": d.contact_id,
                "body": "Edited by a human.", "subject": "New subject"
            })))
            .expect("approve");
        let state = ws.read();
        let thread = &state.threads[&sent.thread_id];
        assert_eq!(
            thread.messages.last().map(|m| m.body.as_str()),
            Some("Edited by a human.")
        );
        drop(state);
        let again = ws.approve_message(args(
            json!({"sequenceId": d.sequence_id, "contactId": d.contact_id}),
        ));
        assert_eq!(again.expect_err("already sent").code().as_str(), "NotFound");
    }

    #[test]
    fn bulk_approval_is_all_or_nothing() {
        let ws = Workspace::sandbox();
        let drafts = queue(&ws, json!({"sequenceId": 1, "top": 3}));
        let mut refs: Vec<_> = drafts
            .iter()
            .map(|d| json!({"sequenceId": d.sequence_id, "contactId": d.contact_id}))
            .collect();
        refs.push(json!({"sequenceId": 1, "contactId": 999_999}));
        let err = ws
            .bulk_approve_messages(args(json!({"messages": refs.clone()})))
            .expect_err("stale pair");
        assert_eq!(err.code().as_str(), "Conflict");
        assert!(err.message().contains("nothing was sent"));
        assert_eq!(
            queue(&ws, json!({"sequenceId": 1, "top": 3})).len(),
            drafts.len()
        );

        // A draft whose mailbox is disconnected also sinks the whole batch.
        let blocked = queue(&ws, json!({"sequenceId": 11}))[0].clone();
        refs.pop();
        refs.push(json!({"sequenceId": blocked.sequence_id, "contactId": blocked.contact_id}));
        let err = ws
            .bulk_approve_messages(args(json!({"messages": refs.clone()})))
            .expect_err("unsendable pair");
        assert!(err.message().contains("ThreadSendFailed"));

        refs.pop();
        let done = ws
            .bulk_approve_messages(args(json!({"messages": refs})))
            .expect("clean batch");
        assert_eq!(done.approved, drafts.len());
        let left = queue(&ws, json!({"sequenceId": 1, "top": 100}));
        assert!(
            drafts
                .iter()
                .all(|d| left.iter().all(|l| l.contact_id != d.contact_id))
        );
    }

    #[test]
    fn reject_discards_and_removes_from_sequence() {
        let ws = Workspace::sandbox();
        let d = queue(&ws, json!({"sequenceId": 1}))[0].clone();
        let total = ws.read().sequence(1).expect("seq").enrollments.len();
        let rejected = ws
            .reject_message(args(json!({"sequenceId": 1, "contactId": d.contact_id})))
            .expect("reject");
        assert!(rejected.removed_from_sequence);
        let state = ws.read();
        assert_eq!(state.sequence(1).expect("seq").enrollments.len(), total - 1);
        assert!(
            !state
                .drafts
                .iter()
                .any(|x| x.sequence_id == 1 && x.contact_id == d.contact_id)
        );
        drop(state);
        let history = ws
            .get_contact_activity(args(json!({"contactId": d.contact_id, "top": 1})))
            .expect("activity");
        assert_eq!(history.items[0].r#type, ActivityKind::RemovedFromSequence);
        let twice = ws.reject_message(args(json!({"sequenceId": 1, "contactId": d.contact_id})));
        assert_eq!(twice.expect_err("gone").code().as_str(), "NotFound");
    }

    #[test]
    fn regenerate_revises_in_place() {
        let ws = Workspace::sandbox();
        let d = queue(&ws, json!({"sequenceId": 1}))[0].clone();
        let revised = ws
            .regenerate_message(args(json!({
                "sequenceId": 1, "contactId": d.contact_id, "feedback": "shorter and more formal"
            })))
            .expect("regenerate");
        assert_eq!(revised.revision, d.revision + 1);
        assert!(revised.body.starts_with("Dear "));
        assert!(revised.body.len() < d.body.len());
        let listed = queue(&ws, json!({"sequenceId": 1, "top": 100}));
        assert!(
            listed
                .iter()
                .any(|x| x.contact_id == d.contact_id && x.body == revised.body)
        );
    }
}
