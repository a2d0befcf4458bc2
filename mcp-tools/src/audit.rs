//! The audit log of write tools.
//!
//! Every call of a tool declared `destructive()` or `confirm()` produces one
//! [`AuditRecord`]: dry runs, confirmed executions, refusals (missing scope,
//! invalid arguments, confirmation token, rate limit), failures, panics,
//! timeouts and cancellations. The dispatcher writes it after the call, from
//! outside the tool's panic guard, so a panicking tool still leaves its record;
//! a call dropped half-way (the client went away) is recorded when it is dropped.
//!
//! Records never hold raw arguments or personal data: only a SHA-256 digest of
//! the canonical arguments (see [`AuditRecord::args_digest`]).
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mcp_tools::audit::{AuditOutcome, MemoryAuditSink};
//! use mcp_tools::{Client, NoArguments, Server, Tool, ToolContext, ToolResult};
//!
//! let sink = MemoryAuditSink::new();
//! let server = Server::builder("demo", "1.0.0")
//!     .audit_sink(sink.clone())
//!     .tool(Tool::builder("purge").description("Purges the cache.").destructive()
//!         .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) }))
//!     .build()
//!     .unwrap();
//! Client::new(server).call("purge", serde_json::json!({})).await.unwrap();
//! let records = sink.records();
//! assert_eq!(records.len(), 1);
//! assert_eq!(records[0].tool, "purge");
//! assert_eq!(records[0].outcome, AuditOutcome::Executed);
//! # });
//! ```
//!
//! In production, append JSON lines to a file with [`JsonLinesAuditSink`], or
//! implement [`AuditSink`] to ship records elsewhere.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::context::Caller;
use crate::error::{ErrorCode, ToolError};
use crate::jsonrpc::RequestId;
use crate::timestamp;
use crate::tool::{Effect, Tool};

/// How an audited call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuditOutcome {
    /// A dry run of a confirm tool: a preview and a token, nothing changed.
    DryRun,
    /// The tool ran and succeeded (for a confirm tool: with a valid token).
    Executed,
    /// The call was refused before the tool could act: authentication, scope,
    /// invalid arguments, confirmation token or rate limit.
    Refused,
    /// The tool failed, panicked, timed out or was cancelled; it may have partly run.
    Failed,
}

/// One audited call.
///
/// Serialised as one JSON object (the line [`JsonLinesAuditSink`] writes):
///
/// ```json
/// {"time":"2025-06-18T09:30:00.250Z","caller":"user-17","account":"acme",
///  "tool":"send_survey","args_digest":"9f86d0…","outcome":"Executed",
///  "error_code":null,"duration_ms":42,"request_id":7}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditRecord {
    /// When the call finished, RFC 3339 in UTC with milliseconds.
    pub time: String,
    /// The caller's identity; `None` for an anonymous call.
    pub caller: Option<String>,
    /// The caller's account (tenant), if any.
    pub account: Option<String>,
    /// The tool's name.
    pub tool: String,
    /// Lowercase hex SHA-256 of the arguments as canonical JSON (keys sorted,
    /// no whitespace), without `confirmationToken`. Normalised by the
    /// argument contract when the call got that far. Equal arguments give
    /// equal digests, so a dry run and its confirmed execution match.
    pub args_digest: String,
    /// How the call ended.
    pub outcome: AuditOutcome,
    /// The envelope's `ErrorCode` when the call did not succeed.
    pub error_code: Option<String>,
    /// Wall time from the call's arrival to its outcome.
    pub duration_ms: u64,
    /// The JSON-RPC id of the `tools/call` request.
    pub request_id: RequestId,
}

/// Where audit records go.
///
/// Called synchronously from the dispatcher once per audited call, after the
/// outcome is known, so keep it quick (a buffered append, a channel send).
/// It must not panic; report your own failures (the SDK's sinks log them with
/// `tracing`).
pub trait AuditSink: Send + Sync + 'static {
    /// Stores one record.
    fn record(&self, record: &AuditRecord);
}

impl<S: AuditSink + ?Sized> AuditSink for Arc<S> {
    fn record(&self, record: &AuditRecord) {
        (**self).record(record);
    }
}

/// Appends each record as one JSON line to a file and flushes it at once.
///
/// ```no_run
/// use mcp_tools::Server;
/// use mcp_tools::audit::JsonLinesAuditSink;
///
/// let server = Server::builder("crm", "1.0.0")
///     .audit_sink(JsonLinesAuditSink::open("/var/log/crm-mcp/audit.jsonl")?)
///     // .tool(…)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JsonLinesAuditSink {
    path: PathBuf,
    file: Mutex<File>,
    sync: bool,
}

impl JsonLinesAuditSink {
    /// Opens (or creates) `path` for appending.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self {
            path,
            file: Mutex::new(file),
            sync: false,
        })
    }

    /// Also asks the OS to write each record through to the disk (`fsync`),
    /// so records survive a power loss. Slower; off by default, when a record
    /// survives a crash of the process but not necessarily of the machine.
    pub fn sync_each_record(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// The file the records go to.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for JsonLinesAuditSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLinesAuditSink")
            .field("path", &self.path)
            .field("sync", &self.sync)
            .finish()
    }
}

impl AuditSink for JsonLinesAuditSink {
    fn record(&self, record: &AuditRecord) {
        let mut line = match serde_json::to_vec(record) {
            Ok(line) => line,
            Err(e) => {
                tracing::error!(error = %e, "could not serialise an audit record");
                return;
            }
        };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        // One write per record keeps lines whole even with several writers.
        let written = file
            .write_all(&line)
            .and_then(|()| file.flush())
            .and_then(|()| if self.sync { file.sync_data() } else { Ok(()) });
        if let Err(e) = written {
            tracing::error!(error = %e, path = %self.path.display(), tool = %record.tool,
                outcome = ?record.outcome, "could not write an audit record");
        }
    }
}

/// Keeps records in memory; for tests and for servers that forward them.
///
/// Clones share the same records.
#[derive(Clone, Default)]
pub struct MemoryAuditSink {
    records: Arc<Mutex<Vec<AuditRecord>>>,
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// The records so far, oldest first.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Removes and returns the records so far.
    pub fn take(&self) -> Vec<AuditRecord> {
        std::mem::take(&mut *self.records.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl fmt::Debug for MemoryAuditSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryAuditSink")
            .field(
                "records",
                &self
                    .records
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len(),
            )
            .finish()
    }
}

impl AuditSink for MemoryAuditSink {
    fn record(&self, record: &AuditRecord) {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record.clone());
    }
}

/// Whether calls of `tool` are audited: it is destructive or needs a
/// confirmation. The one rule for the dispatcher and for refusals recorded
/// with [`Server::audit_refusal`](crate::Server::audit_refusal).
pub(crate) fn is_audited(tool: &Tool) -> bool {
    tool.confirm || tool.effect == Some(Effect::Destructive)
}

/// Whether an error means the call was refused rather than failed.
pub(crate) fn is_refusal(code: &ErrorCode) -> bool {
    [
        ErrorCode::UNAUTHORIZED,
        ErrorCode::FORBIDDEN,
        ErrorCode::INVALID_ARGUMENTS,
        ErrorCode::RATE_LIMITED,
    ]
    .contains(code)
        || crate::error::is_confirmation_refusal(code)
}

/// Writes the record of one audited call when dropped, so that no path out of
/// the dispatcher (return, panic, cancellation, a dropped future) loses it.
pub(crate) struct AuditGuard {
    sink: Arc<dyn AuditSink>,
    started: Instant,
    caller: Option<Caller>,
    tool: Arc<str>,
    request_id: RequestId,
    digest: [u8; 32],
    outcome: Option<(AuditOutcome, Option<ErrorCode>)>,
}

impl AuditGuard {
    pub(crate) fn new(
        sink: Arc<dyn AuditSink>,
        caller: Option<Caller>,
        tool: Arc<str>,
        request_id: RequestId,
        digest: [u8; 32],
    ) -> Self {
        Self {
            sink,
            started: Instant::now(),
            caller,
            tool,
            request_id,
            digest,
            outcome: None,
        }
    }

    /// Replaces the digest with that of the normalised arguments.
    pub(crate) fn set_digest(&mut self, digest: [u8; 32]) {
        self.digest = digest;
    }

    /// Records that the call was refused with `code`, whatever the code.
    pub(crate) fn refuse(&mut self, code: ErrorCode) {
        self.outcome = Some((AuditOutcome::Refused, Some(code)));
    }

    /// Records the outcome of the call.
    pub(crate) fn finish(&mut self, result: Result<(), &ToolError>, dry_run: bool) {
        self.outcome = Some(match result {
            Ok(()) if dry_run => (AuditOutcome::DryRun, None),
            Ok(()) => (AuditOutcome::Executed, None),
            Err(e) if is_refusal(e.code()) => (AuditOutcome::Refused, Some(e.code().clone())),
            Err(e) => (AuditOutcome::Failed, Some(e.code().clone())),
        });
    }
}

impl Drop for AuditGuard {
    fn drop(&mut self) {
        let (outcome, code) = self
            .outcome
            .take()
            .unwrap_or((AuditOutcome::Failed, Some(ErrorCode::CANCELLED)));
        let record = AuditRecord {
            time: timestamp::rfc3339_millis(SystemTime::now()),
            caller: self.caller.as_ref().map(|c| c.id().to_owned()),
            account: self
                .caller
                .as_ref()
                .and_then(|c| c.account().map(str::to_owned)),
            tool: self.tool.to_string(),
            args_digest: crate::signing::hex(&self.digest),
            outcome,
            error_code: code.map(|c| c.as_str().to_owned()),
            duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            request_id: self.request_id.clone(),
        };
        self.sink.record(&record);
    }
}
