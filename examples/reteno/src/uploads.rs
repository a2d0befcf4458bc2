//! Short-lived, single-use upload sessions.
//!
//! A `prepare_*_upload` tool opens a session and hands the agent one upload URL
//! per file; the client sends each file's bytes there (the HTTP route calls
//! [`UploadSessions::receive`]); the finishing tool (`update_email_model`,
//! `update_workflow`, `upload_image`, or an email message create/update with
//! `uploadSessionId`) takes the completed session with
//! `UploadSessions::consume`, which works once.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_tools::{ToolError, ToolResult};
use schemars::JsonSchema;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::account::clock::{self, Clock};
use crate::codes;

/// How long an upload session accepts files and can be consumed: 15 minutes.
pub const SESSION_LIFETIME_SECS: i64 = 15 * 60;

/// What an upload session is for; each finishing tool takes only its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// One structured (editor) model of an email, for `update_email_model`.
    EmailModel,
    /// Email HTML and optional CSS, for `create_email_message` / `update_email_message`.
    EmailMessage,
    /// A workflow graph and optional start/stop configs, for `update_workflow`.
    Workflow,
    /// One image, for `upload_image`.
    Image,
}

impl UploadKind {
    /// The tool that consumes a session of this kind.
    pub fn finishing_tool(self) -> &'static str {
        match self {
            Self::EmailModel => "update_email_model",
            Self::EmailMessage => "create_email_message or update_email_message",
            Self::Workflow => "update_workflow",
            Self::Image => "upload_image",
        }
    }

    fn slots(self) -> &'static [Slot] {
        match self {
            Self::EmailModel => &[Slot {
                name: "model",
                content_types: &["application/json"],
                max_bytes: 1024 * 1024,
                required: true,
            }],
            Self::EmailMessage => &[
                Slot {
                    name: "html",
                    content_types: &["text/html"],
                    max_bytes: 2 * 1024 * 1024,
                    required: true,
                },
                Slot {
                    name: "css",
                    content_types: &["text/css"],
                    max_bytes: 512 * 1024,
                    required: false,
                },
            ],
            Self::Workflow => &[
                Slot {
                    name: "graph",
                    content_types: &["application/json"],
                    max_bytes: 1024 * 1024,
                    required: true,
                },
                Slot {
                    name: "configs",
                    content_types: &["application/json"],
                    max_bytes: 256 * 1024,
                    required: false,
                },
            ],
            Self::Image => &[Slot {
                name: "image",
                content_types: &["image/png", "image/jpeg", "image/gif", "image/webp"],
                max_bytes: 5 * 1024 * 1024,
                required: true,
            }],
        }
    }
}

/// One file a session accepts.
#[derive(Debug)]
struct Slot {
    name: &'static str,
    content_types: &'static [&'static str],
    max_bytes: usize,
    required: bool,
}

/// One file received into a session.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The content type it was sent with, lowercase, without parameters.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
struct Session {
    kind: UploadKind,
    target: Option<u64>,
    expires_at: i64,
    files: HashMap<&'static str, UploadedFile>,
    consumed: bool,
}

/// What a `prepare_*_upload` tool returns: where and how to send each file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadTicket {
    /// The session id to pass to the finishing tool as uploadSessionId.
    pub upload_session_id: String,
    /// When the session stops accepting files and can no longer be consumed.
    pub expires_at: String,
    /// The files the session takes; send each with HTTP PUT to its uploadUrl.
    pub files: Vec<UploadSlotView>,
    /// The tool to call once the files are uploaded.
    pub finish_with: String,
}

/// One file of an upload session.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadSlotView {
    /// The file's name within the session.
    pub name: String,
    /// Where to PUT the bytes, with a matching Content-Type header.
    pub upload_url: String,
    /// The accepted content types.
    pub content_types: Vec<String>,
    /// The largest accepted size in bytes.
    pub max_bytes: usize,
    /// Whether the session is complete without this file.
    pub required: bool,
}

/// What [`UploadSessions::receive`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The file's name within the session.
    pub part: String,
    /// How many bytes were stored.
    pub size: usize,
    /// Whether every required file is now present.
    pub complete: bool,
}

/// Why an upload was refused; the HTTP route maps [`kind`](Self::kind) to a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadError {
    kind: UploadErrorKind,
    message: String,
}

/// The kinds of [`UploadError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadErrorKind {
    /// No session with that id (HTTP 404).
    NotFound,
    /// The session is past its expiry (HTTP 410).
    Expired,
    /// The session was already consumed (HTTP 409).
    AlreadyUsed,
    /// The session takes no file of that name (HTTP 404).
    UnknownPart,
    /// The content type is not one the file accepts (HTTP 415).
    UnsupportedContentType,
    /// The file is larger than its limit (HTTP 413).
    TooLarge,
    /// The file is empty (HTTP 400).
    Empty,
}

impl UploadError {
    fn new(kind: UploadErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> UploadErrorKind {
        self.kind
    }
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UploadError {}

/// The open upload sessions of one sandbox account.
#[derive(Clone, Debug)]
pub struct UploadSessions {
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    clock: Clock,
    base_url: Arc<str>,
}

impl UploadSessions {
    /// A store whose upload URLs start with `base_url` (such as `http://127.0.0.1:8080`).
    pub fn new(clock: Clock, base_url: &str) -> Self {
        Self {
            sessions: Arc::default(),
            clock,
            base_url: base_url.trim_end_matches('/').into(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens a session of `kind`, bound to the object it will change when there is one.
    pub fn create(&self, kind: UploadKind, target: Option<u64>) -> UploadTicket {
        let now = self.clock.now();
        let id = unguessable_id("us", now);
        let expires_at = now + SESSION_LIFETIME_SECS;
        let mut sessions = self.lock();
        // Sessions long past their expiry are of no use even for an error message.
        sessions.retain(|_, s| s.expires_at + 3600 > now);
        sessions.insert(
            id.clone(),
            Session {
                kind,
                target,
                expires_at,
                files: HashMap::new(),
                consumed: false,
            },
        );
        UploadTicket {
            files: kind
                .slots()
                .iter()
                .map(|slot| UploadSlotView {
                    name: slot.name.to_owned(),
                    upload_url: format!("{}/uploads/{id}/{}", self.base_url, slot.name),
                    content_types: slot.content_types.iter().map(|&c| c.to_owned()).collect(),
                    max_bytes: slot.max_bytes,
                    required: slot.required,
                })
                .collect(),
            upload_session_id: id,
            expires_at: clock::format(expires_at),
            finish_with: kind.finishing_tool().to_owned(),
        }
    }

    /// Stores one file of a session: what the HTTP upload route calls with the
    /// path's `{id}` and `{part}`, the request's `Content-Type` and its body.
    /// Sending a file again before the session is consumed replaces it.
    pub fn receive(
        &self,
        id: &str,
        part: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Received, UploadError> {
        let now = self.clock.now();
        let mut sessions = self.lock();
        let session = sessions.get_mut(id).ok_or_else(|| {
            UploadError::new(
                UploadErrorKind::NotFound,
                format!("no upload session {id}; open one with a prepare_*_upload tool"),
            )
        })?;
        if session.consumed {
            return Err(UploadError::new(
                UploadErrorKind::AlreadyUsed,
                format!("upload session {id} was already used; open a new one"),
            ));
        }
        if now >= session.expires_at {
            return Err(UploadError::new(
                UploadErrorKind::Expired,
                format!(
                    "upload session {id} expired at {}; open a new one",
                    clock::format(session.expires_at)
                ),
            ));
        }
        let slots = session.kind.slots();
        let slot = slots.iter().find(|s| s.name == part).ok_or_else(|| {
            let names: Vec<&str> = slots.iter().map(|s| s.name).collect();
            UploadError::new(
                UploadErrorKind::UnknownPart,
                format!(
                    "upload session {id} takes no file named {part:?}; it takes {}",
                    names.join(", ")
                ),
            )
        })?;
        let content_type = bare_content_type(content_type);
        if !slot.content_types.contains(&content_type.as_str()) {
            return Err(UploadError::new(
                UploadErrorKind::UnsupportedContentType,
                format!(
                    "{part} must be sent as {}, not {content_type:?}",
                    slot.content_types.join(" or ")
                ),
            ));
        }
        if bytes.is_empty() {
            return Err(UploadError::new(
                UploadErrorKind::Empty,
                format!("{part} is empty; send the file's bytes"),
            ));
        }
        if bytes.len() > slot.max_bytes {
            return Err(UploadError::new(
                UploadErrorKind::TooLarge,
                format!(
                    "{part} is {} bytes; this session takes at most {} bytes",
                    bytes.len(),
                    slot.max_bytes
                ),
            ));
        }
        session.files.insert(
            slot.name,
            UploadedFile {
                content_type,
                bytes: bytes.to_vec(),
            },
        );
        Ok(Received {
            part: slot.name.to_owned(),
            size: bytes.len(),
            complete: is_complete(session),
        })
    }

    /// Takes a completed session of `kind` for the object `target`, once.
    ///
    /// Refusals: `UploadSessionNotFound`, `UploadSessionExpired`,
    /// `UploadSessionUsed`, `UploadSessionWrongKind` (another tool's session, or
    /// one prepared for another object) and `UploadIncomplete`.
    pub(crate) fn consume(
        &self,
        id: &str,
        kind: UploadKind,
        target: Option<u64>,
    ) -> ToolResult<HashMap<&'static str, UploadedFile>> {
        let now = self.clock.now();
        let mut sessions = self.lock();
        let Some(session) = sessions.get_mut(id) else {
            return Err(ToolError::new(
                codes::UPLOAD_SESSION_NOT_FOUND,
                format!(
                    "no upload session {id}; pass the uploadSessionId a prepare_*_upload tool returned"
                ),
            ));
        };
        if session.consumed {
            return Err(ToolError::new(
                codes::UPLOAD_SESSION_USED,
                format!(
                    "upload session {id} was already used; a session works once, so prepare a new one and upload again"
                ),
            ));
        }
        if now >= session.expires_at {
            return Err(ToolError::new(
                codes::UPLOAD_SESSION_EXPIRED,
                format!(
                    "upload session {id} expired at {}; prepare a new one and upload again",
                    clock::format(session.expires_at)
                ),
            ));
        }
        if session.kind != kind {
            return Err(ToolError::new(
                codes::UPLOAD_SESSION_WRONG_KIND,
                format!(
                    "upload session {id} was prepared for {}, not this tool",
                    session.kind.finishing_tool()
                ),
            ));
        }
        if let (Some(bound), Some(target)) = (session.target, target)
            && bound != target
        {
            return Err(ToolError::new(
                codes::UPLOAD_SESSION_WRONG_KIND,
                format!("upload session {id} was prepared for id {bound}, not {target}"),
            ));
        }
        if !is_complete(session) {
            let missing: Vec<&str> = kind
                .slots()
                .iter()
                .filter(|s| s.required && !session.files.contains_key(s.name))
                .map(|s| s.name)
                .collect();
            return Err(ToolError::new(
                codes::UPLOAD_INCOMPLETE,
                format!(
                    "upload session {id} is not finished: {} not uploaded yet; PUT it to its uploadUrl, then call again",
                    missing.join(" and ")
                ),
            ));
        }
        session.consumed = true;
        Ok(std::mem::take(&mut session.files))
    }
}

fn is_complete(session: &Session) -> bool {
    session
        .kind
        .slots()
        .iter()
        .all(|s| !s.required || session.files.contains_key(s.name))
}

fn bare_content_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A session id nobody can guess: random bytes, or a hash of the time and a
/// counter should the system's randomness be unavailable.
pub(crate) fn unguessable_id(prefix: &str, now: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        let mut hash = Sha256::new();
        hash.update(now.to_le_bytes());
        hash.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
        bytes.copy_from_slice(&hash.finalize()[..16]);
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{hex}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::account::clock::SANDBOX_EPOCH;

    fn store() -> (UploadSessions, Clock) {
        let clock = Clock::manual(SANDBOX_EPOCH);
        (
            UploadSessions::new(clock.clone(), "http://sandbox.test/"),
            clock,
        )
    }

    #[test]
    fn a_session_takes_its_files_and_works_once() {
        let (uploads, _) = store();
        let ticket = uploads.create(UploadKind::Workflow, Some(7));
        assert_eq!(
            ticket.files[0].upload_url,
            format!(
                "http://sandbox.test/uploads/{}/graph",
                ticket.upload_session_id
            )
        );
        let id = &ticket.upload_session_id;
        let first = uploads
            .receive(id, "configs", "application/json", b"{}")
            .expect("configs accepted");
        assert!(!first.complete);
        let err = uploads
            .consume(id, UploadKind::Workflow, Some(7))
            .expect_err("graph missing");
        assert_eq!(err.code(), &codes::UPLOAD_INCOMPLETE);
        let done = uploads
            .receive(
                id,
                "graph",
                "application/json; charset=utf-8",
                b"{\"nodes\":[]}",
            )
            .expect("graph accepted");
        assert!(done.complete);
        let files = uploads
            .consume(id, UploadKind::Workflow, Some(7))
            .expect("complete");
        assert_eq!(files.len(), 2);
        let again = uploads
            .consume(id, UploadKind::Workflow, Some(7))
            .expect_err("used");
        assert_eq!(again.code(), &codes::UPLOAD_SESSION_USED);
        let late = uploads
            .receive(id, "graph", "application/json", b"{}")
            .expect_err("used");
        assert_eq!(late.kind(), UploadErrorKind::AlreadyUsed);
    }

    #[test]
    fn wrong_files_are_refused() {
        let (uploads, clock) = store();
        let ticket = uploads.create(UploadKind::Image, None);
        let id = &ticket.upload_session_id;
        let kind = |r: Result<Received, UploadError>| r.expect_err("refused").kind();
        assert_eq!(
            kind(uploads.receive(id, "image", "text/plain", b"x")),
            UploadErrorKind::UnsupportedContentType
        );
        assert_eq!(
            kind(uploads.receive(id, "logo", "image/png", b"x")),
            UploadErrorKind::UnknownPart
        );
        assert_eq!(
            kind(uploads.receive(id, "image", "image/png", b"")),
            UploadErrorKind::Empty
        );
        let big = vec![0u8; 5 * 1024 * 1024 + 1];
        assert_eq!(
            kind(uploads.receive(id, "image", "image/png", &big)),
            UploadErrorKind::TooLarge
        );
        assert_eq!(
            kind(uploads.receive("us_nope", "image", "image/png", b"x")),
            UploadErrorKind::NotFound
        );
        clock.advance(Duration::from_secs(SESSION_LIFETIME_SECS as u64));
        assert_eq!(
            kind(uploads.receive(id, "image", "image/png", b"x")),
            UploadErrorKind::Expired
        );
    }
}
