//! Bytes on a bare TCP connection, for the requests hyper would refuse to send.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Writes `request` as-is on a new connection and returns everything the
/// server sends until it closes the connection, decoded lossily as UTF-8.
///
/// This is the one way to send what a well-behaved client never would: a
/// request head cut short, or a request followed by silence to see an idle
/// connection closed. The connection is never closed from this side, so the
/// answer is what the server chose to send before hanging up; a reset
/// connection ends the answer like a close does.
///
/// # Panics
///
/// When the server refuses the connection or the write fails, or when the
/// server keeps the connection open longer than `close_within`.
pub async fn exchange_raw(addr: SocketAddr, request: &[u8], close_within: Duration) -> String {
    let mut tcp = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("the server at {addr} accepts a connection: {e}"));
    tcp.write_all(request)
        .await
        .unwrap_or_else(|e| panic!("the request is written to {addr}: {e}"));
    let mut answer = Vec::new();
    // A reset after the answer is how some servers close; what was read stays.
    let _ = tokio::time::timeout(close_within, tcp.read_to_end(&mut answer))
        .await
        .unwrap_or_else(|_| {
            panic!("the server at {addr} closes the connection within {close_within:?}")
        });
    String::from_utf8_lossy(&answer).into_owned()
}
