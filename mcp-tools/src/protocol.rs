//! MCP protocol versions, negotiation and the small shared vocabulary.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A protocol revision this SDK speaks.
///
/// Ordered by date, so `version >= ProtocolVersion::V2025_06_18` asks "does this
/// revision have structured output".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ProtocolVersion {
    /// 2025-03-26: Streamable HTTP, tool annotations, JSON-RPC batches.
    V2025_03_26,
    /// 2025-06-18: structured output, elicitation, `MCP-Protocol-Version` header.
    V2025_06_18,
    /// 2025-11-25: validation failures as tool results, `Origin` checks.
    V2025_11_25,
    /// 2026-07-28: stateless; `server/discover`, `resultType`, no `initialize`.
    V2026_07_28,
}

impl ProtocolVersion {
    /// Every supported revision, oldest first.
    pub const ALL: [Self; 4] = [
        Self::V2025_03_26,
        Self::V2025_06_18,
        Self::V2025_11_25,
        Self::V2026_07_28,
    ];

    /// The newest revision.
    pub const LATEST: Self = Self::V2026_07_28;

    /// The newest revision that still opens with an `initialize` handshake.
    pub const LATEST_WITH_INITIALIZE: Self = Self::V2025_11_25;

    /// The revision a request without a version header is assumed to speak.
    pub const DEFAULT_UNANNOUNCED: Self = Self::V2025_03_26;

    /// The revision's date string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V2025_03_26 => "2025-03-26",
            Self::V2025_06_18 => "2025-06-18",
            Self::V2025_11_25 => "2025-11-25",
            Self::V2026_07_28 => "2026-07-28",
        }
    }

    /// Whether tool results carry `structuredContent` and tools an `outputSchema`.
    pub const fn has_structured_output(self) -> bool {
        !matches!(self, Self::V2025_03_26)
    }

    /// Whether this is the stateless revision (no `initialize`, no `ping`,
    /// `resultType` on every result).
    pub const fn is_stateless(self) -> bool {
        matches!(self, Self::V2026_07_28)
    }

    /// Whether JSON-RPC batches are allowed in one HTTP body.
    pub const fn allows_batches(self) -> bool {
        matches!(self, Self::V2025_03_26)
    }

    /// The answer to an `initialize` that asked for `requested`: the same version
    /// when supported, otherwise the newest revision that has an `initialize`
    /// handshake (a client that sends `initialize` speaks one of those).
    ///
    /// ```
    /// use mcp_tools::ProtocolVersion;
    ///
    /// assert_eq!(ProtocolVersion::negotiate("2025-06-18"), ProtocolVersion::V2025_06_18);
    /// assert_eq!(ProtocolVersion::negotiate("2024-11-05"), ProtocolVersion::V2025_11_25);
    /// ```
    pub fn negotiate(requested: &str) -> Self {
        requested.parse().unwrap_or(Self::LATEST_WITH_INITIALIZE)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The version string is not one this SDK speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedVersion(pub String);

impl fmt::Display for UnsupportedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported protocol version {:?}; supported: 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28",
            self.0
        )
    }
}

impl std::error::Error for UnsupportedVersion {}

impl FromStr for ProtocolVersion {
    type Err = UnsupportedVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnsupportedVersion(s.to_owned()))
    }
}

impl Serialize for ProtocolVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Syslog severity of a log notification (`notifications/message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Detailed debugging information.
    Debug,
    /// Normal operational messages.
    Info,
    /// Normal but significant events.
    Notice,
    /// Warning conditions.
    Warning,
    /// Error conditions.
    Error,
    /// Critical conditions.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// The system is unusable.
    Emergency,
}

impl LogLevel {
    pub(crate) fn from_u8(n: u8) -> Self {
        match n {
            0 => Self::Debug,
            1 => Self::Info,
            2 => Self::Notice,
            3 => Self::Warning,
            4 => Self::Error,
            5 => Self::Critical,
            6 => Self::Alert,
            _ => Self::Emergency,
        }
    }
}

/// Method names of the protocol.
pub mod method {
    /// Opens a session (up to 2025-11-25).
    pub const INITIALIZE: &str = "initialize";
    /// The client finished initialising.
    pub const INITIALIZED: &str = "notifications/initialized";
    /// Liveness check (up to 2025-11-25).
    pub const PING: &str = "ping";
    /// Lists the tools.
    pub const TOOLS_LIST: &str = "tools/list";
    /// Calls a tool.
    pub const TOOLS_CALL: &str = "tools/call";
    /// Sets the minimum log level of a session.
    pub const SET_LEVEL: &str = "logging/setLevel";
    /// Cancels an in-flight request.
    pub const CANCELLED: &str = "notifications/cancelled";
    /// Progress of a long-running request.
    pub const PROGRESS: &str = "notifications/progress";
    /// A log message.
    pub const MESSAGE: &str = "notifications/message";
    /// Describes the server without a session (2026-07-28).
    pub const DISCOVER: &str = "server/discover";
    /// Asks the user for input (server → client).
    pub const ELICIT: &str = "elicitation/create";
    /// Asks the client's model for a completion (server → client).
    pub const SAMPLE: &str = "sampling/createMessage";
    /// The state of a task (tasks extension).
    pub const TASKS_GET: &str = "tasks/get";
    /// Answers a task's input requests (tasks extension).
    pub const TASKS_UPDATE: &str = "tasks/update";
    /// Asks to stop a task (tasks extension).
    pub const TASKS_CANCEL: &str = "tasks/cancel";
    /// Asks the client for its roots (server → client).
    pub const ROOTS_LIST: &str = "roots/list";
    /// Lists the resources.
    pub const RESOURCES_LIST: &str = "resources/list";
    /// Lists the resource templates.
    pub const RESOURCE_TEMPLATES_LIST: &str = "resources/templates/list";
    /// Reads a resource.
    pub const RESOURCES_READ: &str = "resources/read";
    /// Subscribes to a resource's updates (up to 2025-11-25).
    pub const RESOURCES_SUBSCRIBE: &str = "resources/subscribe";
    /// Ends a subscription (up to 2025-11-25).
    pub const RESOURCES_UNSUBSCRIBE: &str = "resources/unsubscribe";
    /// A subscribed resource changed (server → client).
    pub const RESOURCE_UPDATED: &str = "notifications/resources/updated";
    /// Lists the prompts.
    pub const PROMPTS_LIST: &str = "prompts/list";
    /// Renders a prompt.
    pub const PROMPTS_GET: &str = "prompts/get";
    /// Opens a stream of the notifications a client asks for (2026-07-28).
    pub const SUBSCRIPTIONS_LISTEN: &str = "subscriptions/listen";
    /// Suggests values for a prompt argument or a template variable.
    pub const COMPLETE: &str = "completion/complete";
    /// Lists the skills a server serves (the skills extension).
    pub const SKILLS_LIST: &str = "skills/list";
    /// One skill's entry by its `SKILL.md` URI (the skills extension).
    pub const SKILLS_GET: &str = "skills/get";
    /// The direct children of a directory resource (the skills extension).
    pub const RESOURCES_DIRECTORY_READ: &str = "resources/directory/read";
}

/// The name, version and title a server announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// A programmatic name.
    pub name: String,
    /// The server's version.
    pub version: String,
    /// A human-readable title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The `_meta` key under which 2026-07-28 requests carry their protocol version.
pub const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";

/// The `_meta` key of a 2026-07-28 request's client capabilities.
pub const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";

/// The `_meta` key of a 2026-07-28 request's log level.
pub const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_echoes_every_supported_version() {
        for v in ProtocolVersion::ALL {
            assert_eq!(ProtocolVersion::negotiate(v.as_str()), v);
        }
        assert_eq!(
            ProtocolVersion::negotiate("1999-01-01"),
            ProtocolVersion::V2025_11_25
        );
    }

    #[test]
    fn versions_are_ordered() {
        assert!(ProtocolVersion::V2025_03_26 < ProtocolVersion::V2026_07_28);
        assert!(!ProtocolVersion::V2025_03_26.has_structured_output());
        assert!(ProtocolVersion::V2026_07_28.is_stateless());
    }
}
