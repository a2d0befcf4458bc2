//! Errors of the Rust API; the wire errors of the endpoints live in `wire`.

use std::fmt;

/// What went wrong, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The builder was given an unusable setting (issuer, resource, users, scopes).
    Config,
    /// No sandbox user has the id given to [`issue_token`](crate::SandboxOAuth::issue_token).
    UnknownUser,
    /// The user may not grant a scope that was asked for.
    Scope,
    /// The signing key could not be made or used.
    Key,
}

/// An error of the Rust API: building the server or issuing a token directly.
///
/// The message says what to change, without trailing punctuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    pub(crate) fn key(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Key, message)
    }

    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, also given by `Display`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
