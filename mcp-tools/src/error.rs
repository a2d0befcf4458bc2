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
