//! Tool-execution errors: the `ErrorCode`/`ErrorMessage` half of the envelope.
//!
//! These are results a model reads and corrects itself from. Protocol failures
//! (malformed JSON, unknown methods, unknown tools) are JSON-RPC errors instead;
//! see [`crate::jsonrpc::ErrorObject`].

use std::borrow::Cow;
use std::fmt;

/// A machine-readable error code carried in the `ErrorCode` field of a failure envelope.
///
/// The SDK defines the codes every server shares as constants; servers add their own
/// domain codes with [`ErrorCode::custom`].
///
/// ```
/// use mcp_tools::ErrorCode;
///
/// const NO_EMAIL_ACCOUNTS: ErrorCode = ErrorCode::custom("NoEmailAccounts");
/// assert_eq!(NO_EMAIL_ACCOUNTS.as_str(), "NoEmailAccounts");
/// assert_eq!(ErrorCode::NOT_FOUND.as_str(), "NotFound");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ErrorCode(Cow<'static, str>);

impl ErrorCode {
    /// The arguments do not match the tool's input schema.
    pub const INVALID_ARGUMENTS: Self = Self::custom("InvalidArguments");
    /// A referenced object does not exist or is not visible to the caller.
    pub const NOT_FOUND: Self = Self::custom("NotFound");
    /// The caller is authenticated but lacks a scope, role or plan feature.
    pub const FORBIDDEN: Self = Self::custom("Forbidden");
    /// The request conflicts with the current state of the object.
    pub const CONFLICT: Self = Self::custom("Conflict");
    /// The arguments are well-formed but describe something the server cannot do.
    pub const INVALID_INPUT: Self = Self::custom("InvalidInput");
    /// One named parameter has a value the server cannot use.
    pub const INVALID_PARAMETER: Self = Self::custom("InvalidParameter");
    /// A system behind the server failed; retrying a read is safe.
    pub const UPSTREAM_FAILURE: Self = Self::custom("UpstreamFailure");
    /// The service is temporarily unavailable; retrying a read is safe.
    pub const SERVICE_UNAVAILABLE: Self = Self::custom("ServiceUnavailable");
    /// The caller is over a rate budget; the message says when to retry.
    pub const RATE_LIMITED: Self = Self::custom("RateLimited");
    /// The call needs credentials and none (or invalid ones) were presented.
    pub const UNAUTHORIZED: Self = Self::custom("Unauthorized");
    /// The server failed in a way the caller cannot fix (including a panicking tool).
    pub const INTERNAL_ERROR: Self = Self::custom("InternalError");
    /// The tool ran longer than its time limit.
    pub const TIMEOUT: Self = Self::custom("Timeout");
    /// The client cancelled the call before it finished.
    pub const CANCELLED: Self = Self::custom("Cancelled");
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

    /// A code of the server's own domain, such as `NoEmailAccounts`.
    pub const fn custom(code: &'static str) -> Self {
        Self(Cow::Borrowed(code))
    }

    /// A code built at run time.
    pub fn owned(code: impl Into<String>) -> Self {
        Self(Cow::Owned(code.into()))
    }

    /// The code as it appears on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&'static str> for ErrorCode {
    fn from(code: &'static str) -> Self {
        Self::custom(code)
    }
}

/// The error a tool returns: an [`ErrorCode`] and a message written for the model.
///
/// Write the message so an agent can act on it: what was wrong, what is accepted,
/// and what to call instead.
///
/// ```
/// use mcp_tools::{ErrorCode, ToolError};
///
/// let err = ToolError::not_found("no sequence with id 42; resolve ids with reply_search_sequences");
/// assert_eq!(err.code(), &ErrorCode::NOT_FOUND);
///
/// let domain = ToolError::new("NoEmailAccounts", "attach a mailbox before starting the sequence");
/// assert_eq!(domain.code().as_str(), "NoEmailAccounts");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ToolError {
    code: ErrorCode,
    message: Cow<'static, str>,
}

/// The result type of a tool function.
pub type ToolResult<T> = std::result::Result<T, ToolError>;

macro_rules! constructors {
    ($($(#[$doc:meta])* $name:ident => $code:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(message: impl Into<Cow<'static, str>>) -> Self {
                Self::new(ErrorCode::$code, message)
            }
        )*
    };
}

impl ToolError {
    /// An error with any code, including a domain code of the server's own.
    pub fn new(code: impl Into<ErrorCode>, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }

    constructors! {
        /// `InvalidArguments`: the arguments do not match the input schema.
        invalid_arguments => INVALID_ARGUMENTS,
        /// `NotFound`: a referenced object does not exist.
        not_found => NOT_FOUND,
        /// `Forbidden`: the caller lacks a scope, role or feature.
        forbidden => FORBIDDEN,
        /// `Conflict`: the request conflicts with the object's state.
        conflict => CONFLICT,
        /// `InvalidInput`: well-formed input the server cannot act on.
        invalid_input => INVALID_INPUT,
        /// `InvalidParameter`: one parameter has an unusable value.
        invalid_parameter => INVALID_PARAMETER,
        /// `UpstreamFailure`: a system behind the server failed.
        upstream_failure => UPSTREAM_FAILURE,
        /// `ServiceUnavailable`: temporarily unavailable.
        service_unavailable => SERVICE_UNAVAILABLE,
        /// `RateLimited`: over budget; say when to retry.
        rate_limited => RATE_LIMITED,
        /// `Unauthorized`: credentials are missing or invalid.
        unauthorized => UNAUTHORIZED,
        /// `InternalError`: a failure the caller cannot fix.
        internal => INTERNAL_ERROR,
    }

    /// The machine-readable code.
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The message written for the model.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolError")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ToolError {}

/// Why a server could not be built.
///
/// ```
/// use mcp_tools::{BuildErrorKind, Server, Tool, ToolContext, ToolResult, NoArguments};
///
/// let tool = || Tool::builder("same").description("A tool.").read_only()
///     .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) });
/// let err = Server::builder("demo", "1.0.0").tool(tool()).tool(tool()).build().unwrap_err();
/// assert_eq!(err.kind(), BuildErrorKind::DuplicateName);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
    message: String,
}

/// The kinds of [`BuildError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// A tool name is empty, too long or has characters outside `[A-Za-z0-9_.-]`.
    InvalidName,
    /// Two tools share a name.
    DuplicateName,
    /// A tool has no description.
    MissingDescription,
    /// A tool declares none of read-only, additive or destructive.
    MissingEffect,
    /// A confirmation tool does not write.
    ConfirmWithoutWrite,
    /// A tool needs shared state the server does not have.
    MissingState,
    /// A tool's schema cannot be published or enforced.
    InvalidSchema,
    /// A server setting is unusable (a confirmation secret that is too short,
    /// no OS randomness for the default one).
    InvalidConfiguration,
    /// A skill cannot be served: no `SKILL.md`, frontmatter that is missing,
    /// unparsable or names another skill, a file path outside the skill, a
    /// file that cannot be read, or more files or bytes than allowed.
    InvalidSkill,
}

impl BuildError {
    pub(crate) fn new(kind: BuildErrorKind, message: String) -> Self {
        Self { kind, message }
    }

    /// What went wrong.
    pub fn kind(&self) -> BuildErrorKind {
        self.kind
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}
