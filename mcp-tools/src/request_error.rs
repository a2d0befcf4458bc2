//! The error a resource, prompt or completion handler returns: unlike a tool's
//! error it is a protocol error, sent to the client as a JSON-RPC error.

use std::fmt;

use serde_json::Value;

use crate::jsonrpc::{ErrorObject, code};

/// What kind of failure a [`RequestError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestErrorKind {
    /// The thing asked for does not exist (JSON-RPC -32602, with `data`).
    NotFound,
    /// The request's parameters are wrong (JSON-RPC -32602).
    InvalidParams,
    /// The server failed (JSON-RPC -32603).
    Internal,
}

/// The failure of a resource read, a prompt or a completion: the client gets
/// it as a JSON-RPC error whose message is the one given here.
///
/// ```
/// use mcp_tools::{RequestError, RequestErrorKind};
///
/// let error = RequestError::not_found("no invoice 42; list them with resources/list");
/// assert_eq!(error.kind(), RequestErrorKind::NotFound);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RequestError {
    kind: RequestErrorKind,
    message: String,
    data: Option<Value>,
}

impl RequestError {
    /// A failure of the given kind.
    pub fn new(kind: RequestErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            data: None,
        }
    }

    /// The thing asked for does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(RequestErrorKind::NotFound, message)
    }

    /// The parameters are wrong; say what is accepted.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(RequestErrorKind::InvalidParams, message)
    }

    /// The server failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(RequestErrorKind::Internal, message)
    }

    /// Adds structured `data` to the JSON-RPC error.
    #[must_use]
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> RequestErrorKind {
        self.kind
    }

    /// The message the client reads.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn into_error_object(self) -> ErrorObject {
        let code = match self.kind {
            RequestErrorKind::NotFound | RequestErrorKind::InvalidParams => code::INVALID_PARAMS,
            RequestErrorKind::Internal => code::INTERNAL_ERROR,
        };
        let error = ErrorObject::new(code, self.message);
        match self.data {
            Some(data) => error.with_data(data),
            None => error,
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}
