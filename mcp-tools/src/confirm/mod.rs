//! Dry run first, then a confirmation token: how write tools declared
//! `confirm()` protect production data.
//!
//! # The flow
//!
//! 1. The model calls the tool **without** `confirmationToken`. This is a dry
//!    run: the tool works out what it would change, hands that preview to
//!    [`Confirmation::preview`] and stops there. Nothing is written. The result
//!    is a success envelope whose `Data` is
//!
//!    ```json
//!    {"Confirmed": false,
//!     "Preview": {"…": "what the tool passed to preview()"},
//!     "ConfirmationToken": "v1.…",
//!     "ExpiresAt": "2025-06-18T09:35:00Z",
//!     "Instructions": "Nothing was changed. …"}
//!    ```
//!
//! 2. The model calls the tool again with the **same arguments** plus
//!    `confirmationToken`. The server checks the token before the tool runs;
//!    the tool plans again, `preview` now returns `Ok(())` and the tool goes on
//!    to make the change. Its result is the tool's own result type.
//!
//! The tool author writes both halves in one function. With the `#[tool]`
//! macro, take a `Confirmation` parameter; with [`crate::ToolBuilder`], get it
//! with [`FromToolContext::from_tool_context`]:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! use mcp_tools::{
//!     Caller, Client, Confirmation, FromToolContext, Server, State, Tool, ToolContext,
//!     ToolError, ToolResult,
//! };
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//! use serde_json::json;
//!
//! /// The tags of an account, shared by the tools.
//! #[derive(Clone, Default)]
//! struct Tags(Arc<Mutex<Vec<String>>>);
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct DeleteTag {
//!     /// The tag to delete.
//!     tag: String,
//! }
//!
//! #[derive(Serialize, JsonSchema)]
//! struct Deleted {
//!     tag: String,
//!     remaining: usize,
//! }
//!
//! let delete_tag = Tool::builder("delete_tag")
//!     .description("Deletes a tag. Runs as a dry run first; confirm with the token it returns.")
//!     .destructive()
//!     .confirm()
//!     .uses::<State<Tags>>()
//!     .handler(|args: DeleteTag, cx: ToolContext| async move {
//!         let State(tags) = State::<Tags>::from_tool_context(&cx)?;
//!         let confirm = Confirmation::from_tool_context(&cx)?;
//!         // Plan without side effects.
//!         let remaining = {
//!             let tags = tags.0.lock().unwrap();
//!             if !tags.contains(&args.tag) {
//!                 return Err(ToolError::not_found(format!("no tag named {:?}", args.tag)));
//!             }
//!             tags.len() - 1
//!         };
//!         // Without a token this returns early with the preview; with a valid
//!         // token it lets execution go on.
//!         confirm.preview(&json!({"WouldDelete": args.tag, "TagsLeft": remaining})).await?;
//!         tags.0.lock().unwrap().retain(|t| *t != args.tag);
//!         ToolResult::Ok(Deleted { tag: args.tag, remaining })
//!     });
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let tags = Tags(Arc::new(Mutex::new(vec!["vip".into(), "churned".into()])));
//! let server = Server::builder("crm", "1.0.0")
//!     .state(tags.clone())
//!     .tool(delete_tag)
//!     .build()
//!     .unwrap();
//! let client = Client::new(server).with_caller(Caller::new("agent-1").with_account("acme"));
//!
//! // 1. Dry run: a preview and a token; nothing changes.
//! let dry = client.call("delete_tag", json!({"tag": "churned"})).await.unwrap();
//! let data = dry.data().unwrap();
//! assert_eq!(data["Confirmed"], false);
//! assert_eq!(data["Preview"]["WouldDelete"], "churned");
//! assert_eq!(tags.0.lock().unwrap().len(), 2);
//!
//! // 2. The same arguments plus the token: executed.
//! let token = data["ConfirmationToken"].as_str().unwrap();
//! let done = client
//!     .call("delete_tag", json!({"tag": "churned", "confirmationToken": token}))
//!     .await
//!     .unwrap();
//! assert_eq!(done.data().unwrap()["remaining"], 1);
//! assert_eq!(*tags.0.lock().unwrap(), ["vip"]);
//!
//! // A token works once.
//! let again = client
//!     .call("delete_tag", json!({"tag": "churned", "confirmationToken": token}))
//!     .await
//!     .unwrap();
//! assert_eq!(again.error_code(), Some("ConfirmationAlreadyUsed"));
//! # });
//! ```
//!
//! # The token
//!
//! `v1.<payload>.<mac>`, both parts unpadded base64url. The 72-byte payload
//! holds the expiry (Unix milliseconds), a 16-byte random nonce, and 16-byte
//! SHA-256 tags of the server and tool name, of the caller (identity and
//! account) and of the arguments' canonical digest (SHA-256 of the normalised
//! arguments as JSON with sorted keys, without the token). The mac is
//! HMAC-SHA256 over the payload with the server's confirmation secret, checked
//! in constant time.
//!
//! Refusals name what went wrong, so the model knows what to do next:
//!
//! | code | meaning |
//! |------|---------|
//! | [`ConfirmationInvalid`](ErrorCode::CONFIRMATION_INVALID) | malformed, forged or signed with another secret |
//! | [`ConfirmationWrongTool`](ErrorCode::CONFIRMATION_WRONG_TOOL) | issued by the dry run of another tool |
//! | [`ConfirmationWrongCaller`](ErrorCode::CONFIRMATION_WRONG_CALLER) | issued to another caller or account |
//! | [`ConfirmationExpired`](ErrorCode::CONFIRMATION_EXPIRED) | past its lifetime (5 minutes unless configured) |
//! | [`ConfirmationArgumentsChanged`](ErrorCode::CONFIRMATION_ARGUMENTS_CHANGED) | the arguments differ from the previewed ones |
//! | [`ConfirmationAlreadyUsed`](ErrorCode::CONFIRMATION_ALREADY_USED) | the token already confirmed an execution |
//!
//! A token is marked used as soon as it verifies, before the tool runs, so a
//! replay is refused at once, even while the first call is still running. A
//! call that goes no further than planning gives the mark back: one refused
//! by the write budget, or whose tool fails (or is stopped) before
//! [`Confirmation::preview`] returns `Ok(())`, leaves its token usable. Used
//! tokens are remembered in a
//! [`ReplayStore`] until they expire; the default, [`MemoryReplayStore`], is
//! per process. Replicas behind a load balancer share the secret
//! ([`crate::ServerBuilder::confirmation_secret`]) and a shared store
//! ([`crate::ServerBuilder::replay_store`]).

mod dry_run;
mod replay;
mod token;

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::context::{FromToolContext, ToolContext};
use crate::error::{ErrorCode, ToolError};

pub(crate) use dry_run::{dry_run_data, union_with_dry_run};
pub use replay::{MemoryReplayStore, ReplayStore, TokenCharge, VerifiedToken};
pub(crate) use token::{
    Claims, Confirmer, Subject, Tag, already_used, arguments_tag, caller_tag, tool_tag,
};

/// The name of the argument that carries a confirmation token.
pub const CONFIRMATION_TOKEN_ARGUMENT: &str = "confirmationToken";

/// How long a confirmation token stays valid unless the server sets its own
/// lifetime with [`crate::ServerBuilder::confirmation_lifetime`].
pub const DEFAULT_CONFIRMATION_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The fewest bytes a configured confirmation secret may have.
pub const MIN_SECRET_LEN: usize = 32;

/// The code of the early return [`Confirmation::preview`] makes in a dry run.
/// The dispatcher turns it into the dry-run success envelope; it never reaches
/// a client.
pub(crate) const DRY_RUN_SIGNAL: ErrorCode = ErrorCode::custom("DryRun");

/// The confirmation handle of one call of a `confirm()` tool: hand it the
/// preview, and it either ends the call as a dry run or lets execution go on.
///
/// A `#[tool]` function takes it as a parameter; a handler built with
/// [`crate::ToolBuilder`] gets it with
/// [`Confirmation::from_tool_context`](FromToolContext::from_tool_context).
/// See the [module docs](self) for the whole flow and an example.
#[derive(Clone)]
pub struct Confirmation {
    inner: Arc<CallConfirmation>,
}

struct CallConfirmation {
    stage: Stage,
    pii_clear: bool,
    preview: Mutex<Option<Box<RawValue>>>,
    /// A confirmed call passed its preview: its write may have begun.
    previewed: AtomicBool,
}

#[derive(Clone, Copy)]
pub(crate) enum Stage {
    /// No token: compute the preview and stop.
    DryRun,
    /// A verified token: execute.
    Confirmed(Claims),
}

impl fmt::Debug for Confirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Confirmation")
            .field("dry_run", &self.is_dry_run())
            .finish_non_exhaustive()
    }
}

impl Confirmation {
    pub(crate) fn new(stage: Stage, pii_clear: bool) -> Self {
        Self {
            inner: Arc::new(CallConfirmation {
                stage,
                pii_clear,
                preview: Mutex::new(None),
                previewed: AtomicBool::new(false),
            }),
        }
    }

    /// Whether this call is a dry run (it came without a token).
    pub fn is_dry_run(&self) -> bool {
        matches!(self.inner.stage, Stage::DryRun)
    }

    /// Whether this call carries a valid token and will execute.
    pub fn is_confirmed(&self) -> bool {
        !self.is_dry_run()
    }

    /// Hands over the preview of what the call would change.
    ///
    /// - **Dry run** (no token): serialises `preview` (personal data follows
    ///   the caller's PII scope, as in results) and returns an error that ends
    ///   the tool early; propagate it with `?`. The server answers with a
    ///   success envelope carrying the preview, a `ConfirmationToken` and its
    ///   expiry. Do not swallow this error: a tool that goes on after a dry-run
    ///   preview gets an `InternalError` instead of its result.
    /// - **Confirmed** (a valid token, already marked used when it
    ///   verified): returns `Ok(())`; execution goes on, and from here on
    ///   the token stays used whatever the tool does next.
    ///
    /// The returned future does not borrow `preview`.
    pub fn preview<P: Serialize + ?Sized>(
        &self,
        preview: &P,
    ) -> impl Future<Output = Result<(), ToolError>> + Send + 'static {
        std::future::ready(match self.inner.stage {
            Stage::DryRun => Err(self.stash(preview)),
            Stage::Confirmed(_) => {
                self.inner.previewed.store(true, Ordering::Release);
                Ok(())
            }
        })
    }

    fn stash<P: Serialize + ?Sized>(&self, preview: &P) -> ToolError {
        let serialised = crate::pii::with_mode(self.inner.pii_clear, || {
            serde_json::value::to_raw_value(preview)
        });
        match serialised {
            Ok(raw) => {
                *self
                    .inner
                    .preview
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(raw);
                ToolError::new(DRY_RUN_SIGNAL, "dry run: nothing was changed")
            }
            Err(e) => {
                ToolError::internal(format!("the dry-run preview could not be serialised: {e}"))
            }
        }
    }

    /// The preview stashed by a dry run, if any.
    pub(crate) fn take_preview(&self) -> Option<Box<RawValue>> {
        self.inner
            .preview
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The claims of a confirmed call whose tool never passed its preview,
    /// so never began its write: its token's mark is to be given back.
    pub(crate) fn unexecuted(&self) -> Option<Claims> {
        match self.inner.stage {
            Stage::Confirmed(claims) if !self.inner.previewed.load(Ordering::Acquire) => {
                Some(claims)
            }
            _ => None,
        }
    }
}

impl FromToolContext for Confirmation {
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError> {
        cx.attached::<Confirmation>().cloned().ok_or_else(|| {
            ToolError::internal(format!(
                "Tool '{}' takes a Confirmation but is not declared confirm(), so it cannot be confirmed; \
                 this is a server bug, report it to the server's maintainers",
                cx.tool_name()
            ))
        })
    }
}

/// Takes the confirmation token out of a confirm tool's arguments; other
/// tools keep it, so their argument contract refuses it as unknown.
pub(crate) fn take_confirmation_token(
    tool: &crate::tool::Tool,
    args: &mut serde_json::Value,
) -> Option<serde_json::Value> {
    if tool.confirm {
        args.as_object_mut()
            .and_then(|a| a.remove(CONFIRMATION_TOKEN_ARGUMENT))
    } else {
        None
    }
}
