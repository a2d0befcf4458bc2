//! Requests over hyper's HTTP/1.1 client, one connection each.

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::HOST;
use http::{HeaderName, HeaderValue, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

use crate::{ANSWER_WITHIN, Response};

/// Opens an HTTP/1.1 connection to `addr` and drives it on a spawned task
/// until the returned sender and every response body are dropped.
///
/// # Panics
///
/// When the server refuses the connection or the handshake fails.
pub async fn connect<B>(addr: SocketAddr) -> SendRequest<B>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("the server at {addr} accepts a connection: {e}"));
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap_or_else(|e| panic!("the HTTP/1.1 handshake with {addr}: {e}"));
    // The connection's own errors surface through the sender and the body.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender
}

/// Sends one request on a new connection and returns the response head with
/// its body still streaming.
///
/// `headers` go out as given, in order; a `Host` header naming `addr` is added
/// unless one is among them, as HTTP/1.1 requires one on every request.
///
/// # Panics
///
/// When `method`, `path` or a header is not valid HTTP, or when no response
/// head arrives within [`ANSWER_WITHIN`].
pub async fn open<K, V>(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(K, V)],
    body: &str,
) -> http::Response<Incoming>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut request = Request::builder().method(method).uri(path);
    let mut has_host = false;
    for (name, value) in headers {
        let name = HeaderName::try_from(name.as_ref())
            .unwrap_or_else(|e| panic!("{:?} is a header name: {e}", name.as_ref()));
        let value = HeaderValue::try_from(value.as_ref())
            .unwrap_or_else(|e| panic!("{:?} is a header value: {e}", value.as_ref()));
        has_host |= name == HOST;
        request = request.header(name, value);
    }
    if !has_host {
        request = request.header(HOST, addr.to_string());
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap_or_else(|e| panic!("{method} {path} is a valid request: {e}"));
    let mut sender = connect(addr).await;
    tokio::time::timeout(ANSWER_WITHIN, sender.send_request(request))
        .await
        .unwrap_or_else(|_| panic!("{method} {path}: no answer within {ANSWER_WITHIN:?}"))
        .unwrap_or_else(|e| panic!("{method} {path}: the exchange failed: {e}"))
}

/// Sends one request on a new connection and reads the whole response.
///
/// Headers are sent as [`open`] sends them.
///
/// # Panics
///
/// As [`open`]; also when the body does not end within [`ANSWER_WITHIN`] or
/// is not UTF-8.
pub async fn send<K, V>(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(K, V)],
    body: &str,
) -> Response
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let (head, body) = open(addr, method, path, headers, body).await.into_parts();
    let bytes = tokio::time::timeout(ANSWER_WITHIN, body.collect())
        .await
        .unwrap_or_else(|_| {
            panic!("{method} {path}: the body did not end within {ANSWER_WITHIN:?}")
        })
        .unwrap_or_else(|e| panic!("{method} {path}: reading the body failed: {e}"))
        .to_bytes();
    Response {
        status: head.status,
        headers: head.headers,
        body: String::from_utf8(bytes.to_vec())
            .unwrap_or_else(|e| panic!("{method} {path}: the body is not UTF-8: {e}")),
    }
}
