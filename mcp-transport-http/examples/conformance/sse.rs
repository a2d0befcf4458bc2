//! The SSE polling fixture (`server-sse-polling`): a 2025-11-25 call still
//! running after [`CLOSE_AFTER`] has its POST stream closed after the priming
//! event, and the suite resumes it with `GET` and `Last-Event-ID`. The
//! `test_reconnection` tool (in `tools.rs`) outlasts the window on purpose.

use std::time::Duration;

use mcp_transport_http::McpServiceBuilder;

/// How long a POST SSE stream stays open before the client is made to poll.
pub(crate) const CLOSE_AFTER: Duration = Duration::from_secs(1);

/// Turns on polling and a short reconnection delay.
pub(crate) fn polling(builder: McpServiceBuilder) -> McpServiceBuilder {
    builder
        .close_sse_after(CLOSE_AFTER)
        .sse_retry(Duration::from_millis(100))
}
