//! Streamable HTTP transport.
