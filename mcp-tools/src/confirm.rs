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
//!         // token it marks the token used and lets execution go on.
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
//! A token is marked used when execution starts, that is when
//! [`Confirmation::preview`] returns `Ok(())`; a refused call, or a tool that
//! fails before that point, leaves it usable. Used tokens are remembered in a
//! [`ReplayStore`] until they expire; the default, [`MemoryReplayStore`], is
//! per process. Replicas behind a load balancer share the secret
//! ([`crate::ServerBuilder::confirmation_secret`]) and a shared store
//! ([`crate::ServerBuilder::replay_store`]).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::context::{Caller, FromToolContext, ToolContext};
use crate::error::{ErrorCode, ToolError};
use crate::server::CONFIRMATION_TOKEN_ARGUMENT;
use crate::timestamp;

/// How long a confirmation token stays valid unless the server sets its own
/// lifetime with [`crate::ServerBuilder::confirmation_lifetime`].
pub const DEFAULT_CONFIRMATION_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The fewest bytes a configured confirmation secret may have.
pub const MIN_SECRET_LEN: usize = 32;

impl ErrorCode {
    /// The confirmation token is malformed, forged or was signed with another secret.
    pub const CONFIRMATION_INVALID: Self = Self::custom("ConfirmationInvalid");
    /// The confirmation token was issued by the dry run of another tool.
    pub const CONFIRMATION_WRONG_TOOL: Self = Self::custom("ConfirmationWrongTool");
    /// The confirmation token was issued to another caller or account.
    pub const CONFIRMATION_WRONG_CALLER: Self = Self::custom("ConfirmationWrongCaller");
    /// The confirmation token is past its lifetime.
    pub const CONFIRMATION_EXPIRED: Self = Self::custom("ConfirmationExpired");
    /// The arguments differ from those the confirmation token was issued for.
    pub const CONFIRMATION_ARGUMENTS_CHANGED: Self = Self::custom("ConfirmationArgumentsChanged");
    /// The confirmation token already confirmed an execution.
    pub const CONFIRMATION_ALREADY_USED: Self = Self::custom("ConfirmationAlreadyUsed");
}

/// The code of the early return [`Confirmation::preview`] makes in a dry run.
/// The dispatcher turns it into the dry-run success envelope; it never reaches
/// a client.
pub(crate) const DRY_RUN_SIGNAL: ErrorCode = ErrorCode::custom("DryRun");

/// Whether an error code is one of the confirmation refusals.
pub(crate) fn is_confirmation_refusal(code: &ErrorCode) -> bool {
    [
        ErrorCode::CONFIRMATION_INVALID,
        ErrorCode::CONFIRMATION_WRONG_TOOL,
        ErrorCode::CONFIRMATION_WRONG_CALLER,
        ErrorCode::CONFIRMATION_EXPIRED,
        ErrorCode::CONFIRMATION_ARGUMENTS_CHANGED,
        ErrorCode::CONFIRMATION_ALREADY_USED,
    ]
    .contains(code)
}

/// Remembers which confirmation tokens were used, so that each confirms one
/// execution only.
///
/// Tokens are identified by their random nonce. A store needs to remember a
/// nonce only until `expires_at`: after that the token is refused as expired
/// anyway. Implement it over a shared database when several replicas serve the
/// same clients; a store that cannot answer should fail closed with an error
/// such as [`ToolError::service_unavailable`].
pub trait ReplayStore: Send + Sync + 'static {
    /// Whether the nonce was already used. Checked before the tool runs, so an
    /// obvious replay is refused without planning again.
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>>;

    /// Marks the nonce used, atomically: `Ok(true)` if this call marked it,
    /// `Ok(false)` if it was already used (a concurrent replay lost the race).
    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>>;
}

/// The default [`ReplayStore`]: used nonces in memory, forgotten once expired.
///
/// ```
/// # futures::executor::block_on(async {
/// use std::time::{Duration, SystemTime};
/// use mcp_tools::confirm::{MemoryReplayStore, ReplayStore};
///
/// let store = MemoryReplayStore::new();
/// let expires = SystemTime::now() + Duration::from_secs(60);
/// assert!(!store.is_used(b"nonce-1").await.unwrap());
/// assert!(store.mark_used(b"nonce-1", expires).await.unwrap());
/// assert!(!store.mark_used(b"nonce-1", expires).await.unwrap());
/// assert!(store.is_used(b"nonce-1").await.unwrap());
/// # });
/// ```
#[derive(Default)]
pub struct MemoryReplayStore {
    state: Mutex<ReplayState>,
}

#[derive(Default)]
struct ReplayState {
    used: HashMap<Box<[u8]>, SystemTime>,
    /// Prune again when the map reaches this size.
    prune_at: usize,
}

impl MemoryReplayStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many unexpired nonces the store holds.
    pub fn len(&self) -> usize {
        let now = SystemTime::now();
        self.lock().used.values().filter(|&&e| e > now).count()
    }

    /// Whether the store holds no unexpired nonce.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReplayState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self, nonce: &[u8], expires_at: SystemTime, now: SystemTime) -> bool {
        let mut state = self.lock();
        if state.used.len() >= state.prune_at {
            state.used.retain(|_, expires| *expires > now);
            // Amortised: the next prune waits until the map has doubled.
            state.prune_at = (state.used.len() * 2).max(64);
        }
        match state.used.get_mut(nonce) {
            Some(expires) if *expires > now => false,
            Some(expires) => {
                *expires = expires_at;
                true
            }
            None => {
                state.used.insert(nonce.into(), expires_at);
                true
            }
        }
    }
}

impl fmt::Debug for MemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayStore")
            .field("used", &self.lock().used.len())
            .finish()
    }
}

impl ReplayStore for MemoryReplayStore {
    fn is_used<'a>(&'a self, nonce: &'a [u8]) -> BoxFuture<'a, Result<bool, ToolError>> {
        let now = SystemTime::now();
        let used = self.lock().used.get(nonce).is_some_and(|&e| e > now);
        Box::pin(std::future::ready(Ok(used)))
    }

    fn mark_used<'a>(
        &'a self,
        nonce: &'a [u8],
        expires_at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ToolError>> {
        let marked = self.mark(nonce, expires_at, SystemTime::now());
        Box::pin(std::future::ready(Ok(marked)))
    }
}

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
    replay: Arc<dyn ReplayStore>,
    preview: Mutex<Option<Box<RawValue>>>,
    consumed: AtomicBool,
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
    pub(crate) fn new(stage: Stage, pii_clear: bool, replay: Arc<dyn ReplayStore>) -> Self {
        Self {
            inner: Arc::new(CallConfirmation {
                stage,
                pii_clear,
                replay,
                preview: Mutex::new(None),
                consumed: AtomicBool::new(false),
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
    /// - **Confirmed** (a valid token): marks the token used and returns
    ///   `Ok(())`; execution goes on. If a concurrent call with the same token
    ///   got there first, returns `ConfirmationAlreadyUsed`.
    ///
    /// The returned future does not borrow `preview`.
    pub fn preview<P: Serialize + ?Sized>(
        &self,
        preview: &P,
    ) -> impl Future<Output = Result<(), ToolError>> + Send + 'static {
        let step = match self.inner.stage {
            Stage::DryRun => Err(self.stash(preview)),
            Stage::Confirmed(claims) => Ok((self.inner.clone(), claims)),
        };
        async move {
            let (inner, claims) = step?;
            inner.consume(&claims).await
        }
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

    /// Marks the token used if [`preview`](Self::preview) did not already; for
    /// confirmed tools that never called `preview`. `false` if another call used it.
    pub(crate) async fn consume_if_unused(&self) -> Result<bool, ToolError> {
        match self.inner.stage {
            Stage::DryRun => Ok(true),
            Stage::Confirmed(claims) => {
                if self.inner.consumed.swap(true, Ordering::AcqRel) {
                    return Ok(true);
                }
                self.inner
                    .replay
                    .mark_used(&claims.nonce, claims.expires_at)
                    .await
            }
        }
    }
}

impl CallConfirmation {
    async fn consume(&self, claims: &Claims) -> Result<(), ToolError> {
        if self.consumed.swap(true, Ordering::AcqRel) {
            // `preview` called twice in one execution: the token is already ours.
            return Ok(());
        }
        if self
            .replay
            .mark_used(&claims.nonce, claims.expires_at)
            .await?
        {
            Ok(())
        } else {
            Err(already_used())
        }
    }
}

impl FromToolContext for Confirmation {
    fn from_tool_context(cx: &ToolContext) -> Result<Self, ToolError> {
        cx.extension::<Confirmation>().ok_or_else(|| {
            ToolError::internal(format!(
                "Tool '{}' takes a Confirmation but is not declared confirm(), so it cannot be confirmed; \
                 this is a server bug, report it to the server's maintainers",
                cx.tool_name()
            ))
        })
    }
}

/// What a verified token says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claims {
    nonce: [u8; NONCE_LEN],
    expires_at: SystemTime,
}

/// A token handed out by a dry run.
pub(crate) struct IssuedToken {
    pub(crate) token: String,
    pub(crate) expires_at: SystemTime,
}

const TAG_LEN: usize = 16;
const NONCE_LEN: usize = 16;
const PAYLOAD_LEN: usize = 8 + NONCE_LEN + 3 * TAG_LEN;
const MAC_LEN: usize = 32;
const PREFIX: &str = "v1.";
/// Domain separation: these macs are confirmation tokens of format v1, nothing else.
const MAC_CONTEXT: &[u8] = b"mcp-tools confirmation token v1\0";

/// A 16-byte SHA-256 tag binding a token to a value.
pub(crate) type Tag = [u8; TAG_LEN];

/// SHA-256 over length-prefixed parts, truncated to a tag.
fn tag(parts: &[&[u8]]) -> Tag {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let full: [u8; 32] = hasher.finalize().into();
    let mut out = [0; TAG_LEN];
    out.copy_from_slice(&full[..TAG_LEN]);
    out
}

/// The tag of a tool of a server.
pub(crate) fn tool_tag(server: &str, tool: &str) -> Tag {
    tag(&[b"tool", server.as_bytes(), tool.as_bytes()])
}

/// The tag of a caller: identity and account, or the anonymous caller.
pub(crate) fn caller_tag(caller: Option<&Caller>) -> Tag {
    match caller {
        None => tag(&[b"anonymous"]),
        Some(c) => match c.account() {
            Some(account) => tag(&[b"caller", c.id().as_bytes(), account.as_bytes()]),
            None => tag(&[b"caller", c.id().as_bytes()]),
        },
    }
}

/// The tag of an arguments digest.
pub(crate) fn arguments_tag(digest: &[u8; 32]) -> Tag {
    let mut out = [0; TAG_LEN];
    out.copy_from_slice(&digest[..TAG_LEN]);
    out
}

/// The token authority of a server: issues and verifies tokens.
pub(crate) struct Confirmer {
    key: Hmac<Sha256>,
    lifetime: Duration,
    pub(crate) replay: Arc<dyn ReplayStore>,
}

/// Who is asking to confirm what.
pub(crate) struct Subject<'a> {
    pub(crate) tool: &'a str,
    pub(crate) tool_tag: Tag,
    pub(crate) caller_tag: Tag,
    pub(crate) arguments_tag: Tag,
}

/// A per-process secret for servers that configure none.
fn process_secret() -> Result<&'static [u8; 32], getrandom::Error> {
    static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
    if let Some(secret) = SECRET.get() {
        return Ok(secret);
    }
    let mut fresh = [0; 32];
    getrandom::fill(&mut fresh)?;
    Ok(SECRET.get_or_init(|| fresh))
}

impl Confirmer {
    /// A token authority with the configured secret, or the process secret.
    pub(crate) fn new(
        secret: Option<&[u8]>,
        lifetime: Duration,
        replay: Arc<dyn ReplayStore>,
    ) -> Result<Self, String> {
        let secret: &[u8] = match secret {
            Some(s) if s.len() < MIN_SECRET_LEN => {
                return Err(format!(
                    "the confirmation secret has {} bytes; use at least {MIN_SECRET_LEN} random bytes",
                    s.len()
                ));
            }
            Some(s) => s,
            None => process_secret()
                .map_err(|e| format!("no OS randomness for the confirmation secret: {e}"))?,
        };
        let key = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .map_err(|e| format!("the confirmation secret is unusable: {e}"))?;
        Ok(Self {
            key,
            lifetime,
            replay,
        })
    }

    fn mac(&self, payload: &[u8; PAYLOAD_LEN]) -> Hmac<Sha256> {
        let mut mac = self.key.clone();
        mac.update(MAC_CONTEXT);
        mac.update(payload);
        mac
    }

    /// Issues a token for a dry run.
    pub(crate) fn issue(
        &self,
        subject: &Subject<'_>,
        now: SystemTime,
    ) -> Result<IssuedToken, ToolError> {
        let mut nonce = [0; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| {
            tracing::error!(error = %e, "no OS randomness for a confirmation nonce");
            ToolError::service_unavailable(
                "The server could not issue a confirmation token right now; nothing was changed. Retry the dry run shortly",
            )
        })?;
        let expires_ms = timestamp::unix_millis(now + self.lifetime);
        let mut payload = [0; PAYLOAD_LEN];
        let fields: [&[u8]; 5] = [
            &expires_ms.to_be_bytes(),
            &nonce,
            &subject.tool_tag,
            &subject.caller_tag,
            &subject.arguments_tag,
        ];
        let mut at = 0;
        for field in fields {
            payload[at..at + field.len()].copy_from_slice(field);
            at += field.len();
        }
        let mac = self.mac(&payload).finalize().into_bytes();
        let mut token = String::with_capacity(PREFIX.len() + 1 + 96 + 43);
        token.push_str(PREFIX);
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(mac, &mut token);
        Ok(IssuedToken {
            token,
            expires_at: timestamp::from_unix_millis(expires_ms),
        })
    }

    /// Checks a token against the call it claims to confirm. Does not check or
    /// mark the replay store.
    pub(crate) fn verify(
        &self,
        token: &str,
        subject: &Subject<'_>,
        now: SystemTime,
    ) -> Result<Claims, ToolError> {
        let tool = subject.tool;
        let payload = decode_token(token).ok_or_else(|| invalid(tool))?;
        let (payload, mac) = payload;
        self.mac(&payload)
            .verify_slice(&mac)
            .map_err(|_| invalid(tool))?;
        let (expires, rest) = payload.split_at(8);
        let (nonce, rest) = rest.split_at(NONCE_LEN);
        let (tool_tag, rest) = rest.split_at(TAG_LEN);
        let (caller_tag, arguments_tag) = rest.split_at(TAG_LEN);
        if tool_tag != subject.tool_tag {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_WRONG_TOOL,
                format!(
                    "This confirmationToken was issued by the dry run of another tool, not '{tool}'; \
                     nothing was executed. Pass each token only to the tool that issued it, or call \
                     '{tool}' without confirmationToken to preview and get a token for it"
                ),
            ));
        }
        if caller_tag != subject.caller_tag {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_WRONG_CALLER,
                format!(
                    "This confirmationToken was issued to another caller or account; nothing was executed. \
                     Call '{tool}' without confirmationToken to preview with your own identity and get your own token"
                ),
            ));
        }
        let mut millis = [0; 8];
        millis.copy_from_slice(expires);
        let expires_at = timestamp::from_unix_millis(u64::from_be_bytes(millis));
        if now >= expires_at {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_EXPIRED,
                format!(
                    "This confirmationToken expired at {}; nothing was executed. Call '{tool}' again \
                     without confirmationToken for a fresh preview and token, then confirm within {}",
                    timestamp::rfc3339(expires_at),
                    human_duration(self.lifetime)
                ),
            ));
        }
        if arguments_tag != subject.arguments_tag {
            return Err(ToolError::new(
                ErrorCode::CONFIRMATION_ARGUMENTS_CHANGED,
                format!(
                    "The arguments differ from those this confirmationToken was issued for; nothing was executed. \
                     To execute what was previewed, repeat the dry run's arguments exactly; to execute these \
                     arguments, call '{tool}' without confirmationToken to preview them and get a new token"
                ),
            ));
        }
        let mut claims = Claims {
            nonce: [0; NONCE_LEN],
            expires_at,
        };
        claims.nonce.copy_from_slice(nonce);
        Ok(claims)
    }

    /// Refuses a token that was already used.
    pub(crate) async fn check_unused(&self, claims: &Claims) -> Result<(), ToolError> {
        if self.replay.is_used(&claims.nonce).await? {
            Err(already_used())
        } else {
            Ok(())
        }
    }
}

fn decode_token(token: &str) -> Option<([u8; PAYLOAD_LEN], [u8; MAC_LEN])> {
    let rest = token.trim().strip_prefix(PREFIX)?;
    let (payload, mac) = rest.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?.try_into().ok()?;
    let mac = URL_SAFE_NO_PAD.decode(mac).ok()?.try_into().ok()?;
    Some((payload, mac))
}

fn invalid(tool: &str) -> ToolError {
    ToolError::new(
        ErrorCode::CONFIRMATION_INVALID,
        format!(
            "This confirmationToken is not valid: it is malformed, altered, or was not issued by this server; \
             nothing was executed. Pass the ConfirmationToken of the dry run exactly as it was returned, or \
             call '{tool}' without confirmationToken to get a new one"
        ),
    )
}

fn already_used() -> ToolError {
    ToolError::new(
        ErrorCode::CONFIRMATION_ALREADY_USED,
        "This confirmationToken was already used: the action it confirmed was executed once and was not \
         repeated now. Check the outcome with a read tool; to do it again, call without confirmationToken \
         for a new preview and token",
    )
}

/// `5 min`, `1 h`, `90 s`: for messages.
pub(crate) fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        format!("{} ms", d.as_millis())
    } else if secs.is_multiple_of(3600) {
        format!("{} h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

/// The `Data` of a dry run.
pub(crate) fn dry_run_data(
    tool: &str,
    preview: &RawValue,
    issued: &IssuedToken,
) -> Result<Box<RawValue>, ToolError> {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct DryRun<'a> {
        confirmed: bool,
        preview: &'a RawValue,
        confirmation_token: &'a str,
        expires_at: String,
        instructions: String,
    }
    let expires_at = timestamp::rfc3339(issued.expires_at);
    let instructions = format!(
        "Nothing was changed: this was a dry run. Show the preview to the user. To execute it, call '{tool}' \
         again with exactly the same arguments plus \"{CONFIRMATION_TOKEN_ARGUMENT}\" set to ConfirmationToken, \
         before {expires_at}"
    );
    serde_json::value::to_raw_value(&DryRun {
        confirmed: false,
        preview,
        confirmation_token: &issued.token,
        expires_at,
        instructions,
    })
    .map_err(|e| ToolError::internal(format!("the dry-run result could not be serialised: {e}")))
}

/// The schema of a dry run's `Data`.
pub(crate) fn dry_run_schema() -> Value {
    json!({
        "type": "object",
        "description": "A dry run: nothing was changed. Call again with the same arguments plus confirmationToken to execute.",
        "properties": {
            "Confirmed": {"const": false, "description": "Always false: the call was not executed."},
            "Preview": {"description": "What the call would change."},
            "ConfirmationToken": {"type": "string", "description": "Pass as confirmationToken, with the same arguments, to execute."},
            "ExpiresAt": {"type": "string", "format": "date-time", "description": "When the token expires (RFC 3339, UTC)."},
            "Instructions": {"type": "string", "description": "What to do next."}
        },
        "required": ["Confirmed", "Preview", "ConfirmationToken", "ExpiresAt"]
    })
}

/// `Data`'s schema for a confirm tool: the tool's result or a dry run.
pub(crate) fn union_with_dry_run(mut data: Value) -> Value {
    let defs = data.as_object_mut().and_then(|m| m.remove("$defs"));
    let mut union = json!({"anyOf": [data, dry_run_schema()]});
    if let (Some(defs), Value::Object(m)) = (defs, &mut union) {
        m.insert("$defs".into(), defs);
    }
    union
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn confirmer(secret: &[u8], lifetime: Duration) -> Confirmer {
        Confirmer::new(Some(secret), lifetime, Arc::new(MemoryReplayStore::new())).unwrap()
    }

    fn subject<'a>(tool: &'a str, caller: &Caller, args: &serde_json::Value) -> Subject<'a> {
        Subject {
            tool,
            tool_tag: tool_tag("srv", tool),
            caller_tag: caller_tag(Some(caller)),
            arguments_tag: arguments_tag(&crate::canonical::digest(args)),
        }
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip_and_each_refusal() {
        let c = confirmer(SECRET, DEFAULT_CONFIRMATION_LIFETIME);
        let alice = Caller::new("alice").with_account("acme");
        let args = json!({"to": ["a@example.com"], "campaign": 7});
        let now = SystemTime::now();
        let issued = c.issue(&subject("send", &alice, &args), now).unwrap();
        assert!(issued.token.starts_with("v1."));
        assert_eq!(issued.token.len(), 3 + 96 + 1 + 43);

        let ok = c.verify(&issued.token, &subject("send", &alice, &args), now);
        assert!(ok.is_ok());

        let code = |r: Result<Claims, ToolError>| r.err().map(|e| e.code().clone());
        assert_eq!(
            code(c.verify(&issued.token, &subject("other", &alice, &args), now)),
            Some(ErrorCode::CONFIRMATION_WRONG_TOOL)
        );
        let bob = Caller::new("bob").with_account("acme");
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &bob, &args), now)),
            Some(ErrorCode::CONFIRMATION_WRONG_CALLER)
        );
        let other_account = Caller::new("alice").with_account("globex");
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &other_account, &args), now)),
            Some(ErrorCode::CONFIRMATION_WRONG_CALLER)
        );
        let changed = json!({"to": ["b@example.com"], "campaign": 7});
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &alice, &changed), now)),
            Some(ErrorCode::CONFIRMATION_ARGUMENTS_CHANGED)
        );
        let later = now + DEFAULT_CONFIRMATION_LIFETIME;
        assert_eq!(
            code(c.verify(&issued.token, &subject("send", &alice, &args), later)),
            Some(ErrorCode::CONFIRMATION_EXPIRED)
        );
        let other_secret = confirmer(
            b"another secret of at least 32 bytes!",
            Duration::from_secs(60),
        );
        assert_eq!(
            code(other_secret.verify(&issued.token, &subject("send", &alice, &args), now)),
            Some(ErrorCode::CONFIRMATION_INVALID)
        );
    }

    #[test]
    fn tampering_is_detected() {
        let c = confirmer(SECRET, DEFAULT_CONFIRMATION_LIFETIME);
        let alice = Caller::new("alice");
        let args = json!({});
        let now = SystemTime::now();
        let token = c.issue(&subject("t", &alice, &args), now).unwrap().token;
        // Flip one character of the payload (a later expiry, say).
        let mut bytes = token.clone().into_bytes();
        bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        for bad in [
            altered.as_str(),
            "",
            "v1.",
            "v2.abc.def",
            "v1.!!!.???",
            &token[..token.len() - 2],
        ] {
            let err = c
                .verify(bad, &subject("t", &alice, &args), now)
                .unwrap_err();
            assert_eq!(err.code(), &ErrorCode::CONFIRMATION_INVALID, "{bad:?}");
        }
    }

    #[test]
    fn short_secrets_are_refused() {
        let err = Confirmer::new(
            Some(b"short"),
            DEFAULT_CONFIRMATION_LIFETIME,
            Arc::new(MemoryReplayStore::new()),
        )
        .err()
        .unwrap();
        assert!(err.contains("at least 32"));
    }

    #[test]
    fn memory_store_forgets_expired_nonces() {
        let store = MemoryReplayStore::new();
        let now = SystemTime::now();
        let soon = now + Duration::from_secs(1);
        for n in 0..100u32 {
            assert!(store.mark(&n.to_be_bytes(), soon, now));
        }
        assert!(!store.mark(&7u32.to_be_bytes(), soon, now));
        // After expiry, growing the map prunes everything that expired.
        let later = soon + Duration::from_secs(1);
        for n in 1000..1100u32 {
            assert!(store.mark(&n.to_be_bytes(), later + Duration::from_secs(60), later));
        }
        assert_eq!(store.lock().used.len(), 100);
        // An expired nonce may be marked again; its token is refused as expired anyway.
        assert!(store.mark(&7u32.to_be_bytes(), later + Duration::from_secs(1), later));
    }

    #[test]
    fn union_keeps_definitions_at_the_top() {
        let schema = union_with_dry_run(json!({"type": "object", "$defs": {"A": {}}}));
        assert!(schema["$defs"]["A"].is_object());
        assert!(schema["anyOf"][0].get("$defs").is_none());
        assert_eq!(
            schema["anyOf"][1]["properties"]["Confirmed"]["const"],
            false
        );
    }
}
