//! Why connecting to Redis failed.

use std::fmt;

/// Redis could not be used: returned by [`crate::connect`] and
/// [`crate::RedisBuilder::connect`], so that a server refuses to start rather
/// than serve replicas that share nothing.
///
/// Once connected, the stores never return this type: a command that fails
/// becomes a retryable [`mcp_tools::ToolError`] for the call that needed it.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<redis::RedisError>,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL is not a Redis URL (`redis://`, `rediss://`, `redis+unix://`
    /// or `unix://`).
    InvalidUrl,
    /// An option is out of range (a zero timeout, a key prefix with a brace).
    InvalidConfig,
    /// Nothing answered at the address, or the connection broke.
    Unreachable,
    /// The server did not answer within the connect timeout.
    Timeout,
    /// The server answered but refused us: wrong password or user, a command
    /// not permitted, a replica that does not accept writes.
    Refused,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn with_source(mut self, source: redis::RedisError) -> Self {
        self.source = Some(source);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
