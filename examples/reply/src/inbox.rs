//! The inbox: threads on both channels, replies and categories.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Page, Paging, ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::contacts::ActivityKind;
use crate::workspace::state::{Message, State, Thread};
use crate::workspace::{Workspace, clock, non_blank};

/// A conversation channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Channel {
    /// Email.
    Email,
    /// LinkedIn messages.
    LinkedIn,
}

/// The longest reply `reply_send_inbox_reply` accepts, in characters.
pub const MAX_REPLY_CHARS: usize = 32_000;

/// Characters of the body shown in a thread preview.
const PREVIEW_CHARS: usize = 160;

/// Arguments of `reply_get_inbox_emails`: paging only.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InboxArgs {
    /// Page size and offset.
    #[serde(flatten)]
    pub paging: Paging,
}

/// One inbox thread, previewed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ThreadPreview {
    /// Thread id, for reply_send_inbox_reply and reply_change_inbox_category.
    pub thread_id: u64,
    /// Channel of the thread; a reply must use the same one.
    pub channel: Channel,
    /// The contact on the other side.
    pub contact_id: u64,
    /// Their name.
    pub contact_name: String,
    /// Subject line (email) or a short title (LinkedIn).
    pub subject: String,
    /// The start of the latest message, not the full body.
    pub preview: String,
    /// Whether the latest message came from the contact.
    pub last_message_from_contact: bool,
    /// Messages in the thread.
    pub message_count: usize,
    /// Time of the latest message, ISO 8601 UTC.
    pub last_activity_date: String,
    /// Workspace category, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The sequence the conversation came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_id: Option<u64>,
}

/// Arguments of `reply_send_inbox_reply`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendReplyArgs {
    /// Id of the thread, from reply_get_inbox_emails.
    #[schemars(range(min = 1))]
    pub thread_id: u64,
    /// The thread's channel, as reply_get_inbox_emails reports it: Email or LinkedIn.
    pub channel: Channel,
    /// Plain-text body of the reply, up to 32,000 characters.
    #[schemars(length(min = 1, max = 32000))]
    pub message: String,
}

/// A reply that went out.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SentReply {
    /// The thread.
    pub thread_id: u64,
    /// The new message's id.
    pub message_id: u64,
    /// Channel it went out on.
    pub channel: Channel,
    /// The recipient.
    pub contact_id: u64,
    /// Send time, ISO 8601 UTC.
    pub sent_at: String,
}

/// Arguments of `reply_change_inbox_category`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeCategoryArgs {
    /// Id of the thread, from reply_get_inbox_emails.
    #[schemars(range(min = 1))]
    pub thread_id: u64,
    /// Name of a workspace category (case-insensitive); omit or null to clear the category.
    #[schemars(length(max = 100))]
    pub category: Option<String>,
}

/// A thread's category after a change.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ThreadCategory {
    /// The thread.
    pub thread_id: u64,
    /// Category before the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_category: Option<String>,
    /// Category now; absent when cleared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

fn preview(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PREVIEW_CHARS {
        flat
    } else {
        let cut: String = flat.chars().take(PREVIEW_CHARS).collect();
        format!("{}…", cut.trim_end())
    }
}

fn thread_preview(state: &State, t: &Thread) -> ThreadPreview {
    let last = t.messages.last();
    ThreadPreview {
        thread_id: t.id,
        channel: t.channel,
        contact_id: t.contact_id,
        contact_name: state.contact_name(t.contact_id),
        subject: t.subject.clone(),
        preview: last.map(|m| preview(&m.body)).unwrap_or_default(),
        last_message_from_contact: last.is_some_and(|m| !m.outbound),
        message_count: t.messages.len(),
        last_activity_date: clock::format(t.last_activity()),
        category: t.category.clone(),
        sequence_id: t.sequence_id,
    }
}

/// Appends an outbound message to a thread and records it against the contact's
/// sequence counters and history. The caller has already checked the thread can send.
pub fn record_outbound(state: &mut State, thread_id: u64, body: String) -> ToolResult<SentReply> {
    let now = state.tick();
    let message_id = state.mint();
    let thread = state
        .threads
        .get_mut(&thread_id)
        .ok_or_else(|| missing_thread(thread_id))?;
    thread.messages.push(Message {
        id: message_id,
        outbound: true,
        body,
        at: now,
    });
    let (channel, contact_id, sequence_id) =
        (thread.channel, thread.contact_id, thread.sequence_id);
    let subject = thread.subject.clone();
    if let Some(e) = sequence_id
        .and_then(|s| state.sequences.get_mut(&s))
        .and_then(|s| s.enrollments.get_mut(&contact_id))
    {
        match channel {
            Channel::Email => {
                e.delivery.emails_sent += 1;
                e.delivery.emails_delivered += 1;
            }
            Channel::LinkedIn => e.delivery.linkedin_messages_sent += 1,
        }
    }
    let (kind, detail) = match channel {
        Channel::Email => (ActivityKind::EmailSent, format!("email sent: {subject}")),
        Channel::LinkedIn => (
            ActivityKind::LinkedInMessageSent,
            "LinkedIn message sent".to_owned(),
        ),
    };
    state.log(contact_id, kind, sequence_id, detail);
    Ok(SentReply {
        thread_id,
        message_id,
        channel,
        contact_id,
        sent_at: clock::format(now),
    })
}

/// Why a thread cannot send right now, as a domain error.
pub fn send_blocker(state: &State, thread: &Thread) -> Option<ToolError> {
    if let Some(contact) = state.contacts.get(&thread.contact_id) {
        if contact.opted_out {
            return Some(ToolError::new(
                "ContactOptedOut",
                format!(
                    "{} (contact {}) has opted out of all communication; nothing was sent and no \
                     further messages can go to them",
                    contact.full_name(),
                    contact.id
                ),
            ));
        }
        if state.is_blacklisted(contact) {
            return Some(ToolError::new(
                "ContactOptedOut",
                format!(
                    "{} (contact {}) is on the workspace blacklist; nothing was sent",
                    contact.full_name(),
                    contact.id
                ),
            ));
        }
    }
    match thread.channel {
        Channel::Email => {
            let account = thread
                .email_account_id
                .and_then(|id| state.email_accounts.get(&id));
            match account {
                Some(a) if a.is_connected => None,
                Some(a) => Some(ToolError::new(
                    "ThreadSendFailed",
                    format!(
                        "the mailbox of thread {} ({}) is disconnected, so the reply could not be \
                         sent; reconnect it in Settings > Email Accounts and try again",
                        thread.id, a.email
                    ),
                )),
                None => Some(ToolError::new(
                    "ThreadSendFailed",
                    format!(
                        "thread {} has no mailbox to send from; nothing was sent",
                        thread.id
                    ),
                )),
            }
        }
        Channel::LinkedIn => {
            let account = thread
                .linkedin_account_id
                .and_then(|id| state.linkedin_accounts.get(&id));
            match account {
                Some(a) if a.is_cookie_healthy => None,
                Some(a) => Some(ToolError::new(
                    "ThreadSendFailed",
                    format!(
                        "the LinkedIn account of thread {} ({}) has an expired session cookie, so \
                         the message could not be sent; reconnect it in Settings > LinkedIn \
                         Accounts and try again",
                        thread.id, a.name
                    ),
                )),
                None => Some(ToolError::new(
                    "ThreadSendFailed",
                    format!(
                        "thread {} has no LinkedIn account to send from; nothing was sent",
                        thread.id
                    ),
                )),
            }
        }
    }
}

fn missing_thread(id: u64) -> ToolError {
    ToolError::not_found(format!(
        "no inbox thread with id {id}; find thread ids with reply_get_inbox_emails"
    ))
}

impl Workspace {
    /// `reply_get_inbox_emails`: threads newest first, previews only.
    pub fn get_inbox_emails(&self, args: InboxArgs) -> ToolResult<Page<ThreadPreview>> {
        let state = self.read();
        let mut threads: Vec<&Thread> = state.threads.values().collect();
        threads.sort_by(|a, b| {
            b.last_activity()
                .cmp(&a.last_activity())
                .then(b.id.cmp(&a.id))
        });
        let previews = threads.into_iter().map(|t| thread_preview(&state, t));
        Ok(Page::from_iter(previews, args.paging))
    }

    /// `reply_send_inbox_reply`: sends a plain reply on an existing thread.
    pub fn send_inbox_reply(&self, args: SendReplyArgs) -> ToolResult<SentReply> {
        let mut state = self.write();
        let thread = state
            .threads
            .get(&args.thread_id)
            .ok_or_else(|| missing_thread(args.thread_id))?;
        let chars = args.message.chars().count();
        if args.message.trim().is_empty() {
            return Err(ToolError::invalid_arguments(
                "message is empty; pass the reply text to send",
            ));
        }
        if chars > MAX_REPLY_CHARS {
            return Err(ToolError::invalid_arguments(format!(
                "message has {chars} characters; the limit is {MAX_REPLY_CHARS}"
            )));
        }
        if thread.channel != args.channel {
            return Err(ToolError::new(
                "ChannelMismatch",
                format!(
                    "thread {} is a {:?} thread but channel was {:?}; call again with channel \
                     {:?} (reply_get_inbox_emails shows each thread's channel)",
                    thread.id, thread.channel, args.channel, thread.channel
                ),
            ));
        }
        if let Some(blocker) = send_blocker(&state, thread) {
            return Err(blocker);
        }
        record_outbound(&mut state, args.thread_id, args.message)
    }

    /// `reply_change_inbox_category`: sets or clears a thread's category.
    pub fn change_inbox_category(&self, args: ChangeCategoryArgs) -> ToolResult<ThreadCategory> {
        let mut state = self.write();
        let category = match non_blank(args.category) {
            None => None,
            Some(wanted) => Some(
                state
                    .inbox_categories
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(&wanted))
                    .cloned()
                    .ok_or_else(|| {
                        ToolError::invalid_parameter(format!(
                            "'{wanted}' is not an inbox category of this workspace; use one of: {}, \
                             or omit category to clear it",
                            state.inbox_categories.join(", ")
                        ))
                    })?,
            ),
        };
        state.tick();
        let thread = state
            .threads
            .get_mut(&args.thread_id)
            .ok_or_else(|| missing_thread(args.thread_id))?;
        let previous_category = std::mem::replace(&mut thread.category, category.clone());
        Ok(ThreadCategory {
            thread_id: args.thread_id,
            previous_category,
            category,
        })
    }
}

#[cfg(test)]
mod tests {
    use mcp_tools::serde_json::json;

    use super::*;
    use crate::workspace::args;

    fn thread_where(ws: &Workspace, pick: impl Fn(&State, &Thread) -> bool) -> (u64, Channel) {
        let state = ws.read();
        state
            .threads
            .values()
            .find(|t| pick(&state, t))
            .map(|t| (t.id, t.channel))
            .expect("seed has such a thread")
    }

    fn sendable(state: &State, t: &Thread) -> bool {
        send_blocker(state, t).is_none()
    }

    #[test]
    fn inbox_pages_previews_newest_first() {
        let ws = Workspace::sandbox();
        let page = ws.get_inbox_emails(args(json!({"top": 5}))).expect("inbox");
        assert_eq!(page.items.len(), 5);
        assert!(page.has_more);
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].last_activity_date >= w[1].last_activity_date)
        );
        assert!(
            page.items
                .iter()
                .all(|t| t.preview.chars().count() <= PREVIEW_CHARS + 1)
        );
    }

    #[test]
    fn reply_lands_in_the_thread_and_the_stats() {
        let ws = Workspace::sandbox();
        let (id, channel) = thread_where(&ws, |s, t| {
            t.channel == Channel::Email && sendable(s, t) && t.sequence_id.is_some()
        });
        let sequence_id = ws.read().threads[&id].sequence_id.expect("sequence");
        let before = ws
            .get_sequence_stats(args(json!({"sequenceId": sequence_id})))
            .expect("stats");
        let sent = ws
            .send_inbox_reply(args(json!({"threadId": id, "channel": channel, "message": "Happy to send pricing today."})))
            .expect("send");
        assert_eq!(sent.thread_id, id);
        let after = ws
            .get_sequence_stats(args(json!({"sequenceId": sequence_id})))
            .expect("stats");
        assert_eq!(after.emails_sent, before.emails_sent + 1);
        let top = ws.get_inbox_emails(args(json!({"top": 1}))).expect("inbox");
        assert_eq!(top.items[0].thread_id, id);
        assert_eq!(top.items[0].preview, "Happy to send pricing today.");
        assert!(!top.items[0].last_message_from_contact);
    }

    #[test]
    fn named_send_failures() {
        let ws = Workspace::sandbox();
        let send = |id: u64, channel: &str| {
            ws.send_inbox_reply(args(
                json!({"threadId": id, "channel": channel, "message": "hi"}),
            ))
            .expect_err("send must fail")
            .code()
            .to_string()
        };
        let (email, _) = thread_where(&ws, |s, t| t.channel == Channel::Email && sendable(s, t));
        assert_eq!(send(email, "LinkedIn"), "ChannelMismatch");
        let (opted, _) = thread_where(&ws, |s, t| s.contacts[&t.contact_id].opted_out);
        assert_eq!(send(opted, "Email"), "ContactOptedOut");
        let (dead_mailbox, _) = thread_where(&ws, |s, t| {
            t.email_account_id
                .is_some_and(|a| !s.email_accounts[&a].is_connected)
                && !s.contacts[&t.contact_id].opted_out
        });
        assert_eq!(send(dead_mailbox, "Email"), "ThreadSendFailed");
        let (dead_cookie, _) = thread_where(&ws, |s, t| {
            t.linkedin_account_id
                .is_some_and(|a| !s.linkedin_accounts[&a].is_cookie_healthy)
                && !s.contacts[&t.contact_id].opted_out
        });
        assert_eq!(send(dead_cookie, "LinkedIn"), "ThreadSendFailed");
        assert_eq!(send(99_999, "Email"), "NotFound");
        let too_long = "x".repeat(MAX_REPLY_CHARS + 1);
        let err = ws
            .send_inbox_reply(args(
                json!({"threadId": email, "channel": "Email", "message": too_long}),
            ))
            .expect_err("too long");
        assert_eq!(err.code().as_str(), "InvalidArguments");
    }

    #[test]
    fn categories_are_checked_and_clearable() {
        let ws = Workspace::sandbox();
        let set = ws
            .change_inbox_category(args(json!({"threadId": 1, "category": "meeting BOOKED"})))
            .expect("set");
        assert_eq!(set.category.as_deref(), Some("Meeting booked"));
        let unknown = ws.change_inbox_category(args(json!({"threadId": 1, "category": "Hot"})));
        assert_eq!(
            unknown.expect_err("unknown").code().as_str(),
            "InvalidParameter"
        );
        let cleared = ws
            .change_inbox_category(args(json!({"threadId": 1})))
            .expect("clear");
        assert_eq!(cleared.previous_category.as_deref(), Some("Meeting booked"));
        assert_eq!(cleared.category, None);
    }
}
