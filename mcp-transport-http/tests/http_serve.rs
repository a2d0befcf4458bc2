//! The one-call server: slow clients, idle connections, graceful shutdown with
//! a call in flight, and mounting in axum.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use http::StatusCode;
use mcp_test_client::{connect, exchange_raw, send};
use mcp_transport_http::McpService;
use serde_json::json;

#[tokio::test]
async fn a_slow_client_is_cut_off_at_the_header_read_timeout() {
    let s = start(
        McpService::builder(server(&Flags::default()))
            .header_read_timeout(Duration::from_millis(200)),
    )
    .await;
    let started = Instant::now();
    // A request head that never ends: hyper's client cannot send one.
    let answer = exchange_raw(
        s.local_addr(),
        b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        Duration::from_secs(3),
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[tokio::test]
async fn idle_connections_are_closed() {
    let s = start(
        McpService::builder(server(&Flags::default())).idle_timeout(Duration::from_millis(200)),
    )
    .await;
    let body = call(1, "echo", json!({"text": "hi"})).to_string();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // The client stays silent after its answer; only the server may close.
    let answer = exchange_raw(s.local_addr(), request.as_bytes(), Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

#[tokio::test]
async fn shutdown_lets_a_call_in_flight_finish() {
    let flags = Flags::default();
    let s = start(McpService::builder(server(&flags))).await;
    let addr = s.local_addr();
    let in_flight = tokio::spawn(async move {
        post(
            addr,
            &mcp_headers(Some("2025-06-18")),
            &call(1, "slow", json!({"ms": 300})),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    s.shutdown(Duration::from_secs(5)).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    let reply = in_flight.await.unwrap();
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"]["structuredContent"]["Data"], "slept");
    assert!(flags.finished());
    // No new connections after shutdown.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_is_bounded_in_time() {
    let s = start(McpService::builder(server(&Flags::default()))).await;
    let addr = s.local_addr();
    let in_flight = tokio::spawn(async move {
        let mut sender = connect(addr).await;
        let mut request = http::Request::post("/mcp");
        for (k, v) in mcp_headers(Some("2025-06-18")) {
            request = request.header(k, v);
        }
        let body = call(1, "slow", json!({"ms": 10_000})).to_string();
        sender
            .send_request(
                request
                    .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                    .unwrap(),
            )
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    s.shutdown(Duration::from_millis(200)).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(in_flight.await.unwrap().is_err());
}

#[tokio::test]
async fn serves_on_a_listener_bound_beforehand() {
    use mcp_transport_http::auth::{ApiKeys, ProtectedResource};
    use mcp_transport_http::serve_listener;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The service knows its own address before it serves.
    let resource = format!("http://{addr}/mcp");
    let service = McpService::builder(server(&Flags::default()))
        .authenticator(ApiKeys::new().key("key-1", mcp_tools::Caller::new("bot")))
        .protected_resource(ProtectedResource::new(&resource))
        .idle_timeout(Duration::from_millis(200))
        .build();
    let s = serve_listener(service, listener).unwrap();
    assert_eq!(s.local_addr(), addr);

    let reply = post(
        addr,
        &with(mcp_headers(Some("2025-06-18")), "x-api-key", "key-1"),
        &call(1, "echo", json!({"text": "bound"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"]["text"],
        "bound"
    );
    let challenge = post(
        addr,
        &mcp_headers(Some("2025-06-18")),
        &call(2, "echo", json!({"text": "no key"})),
    )
    .await;
    assert!(
        challenge
            .header("www-authenticate")
            .unwrap()
            .contains(&format!(
                "resource_metadata=\"http://{addr}/.well-known/oauth-protected-resource/mcp\""
            )),
        "{:?}",
        challenge.headers
    );

    // The connection handling of `serve` applies here too: the idle timeout
    // closes a connection left open.
    let started = Instant::now();
    let answer = exchange_raw(
        addr,
        b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        Duration::from_secs(3),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));

    s.shutdown(Duration::from_secs(1)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn mounts_in_axum_with_nest_service() {
    let service = McpService::builder(server(&Flags::default()))
        .path("/")
        .build();
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    let reply = post(
        addr,
        &mcp_headers(Some("2025-06-18")),
        &call(1, "echo", json!({"text": "axum"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"]["text"],
        "axum"
    );
    let reply = post(
        addr,
        &mcp_headers(Some("2025-06-18")),
        &json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": {"name": "progress", "arguments": {}, "_meta": {"progressToken": 1}}}),
    )
    .await;
    assert_eq!(reply.events().len(), 4);
    let reply = send(addr, "GET", "/health", &mcp_headers(None), "").await;
    assert_eq!(reply.body, "ok");
    task.abort();
}

/// A fallback router whose `/wait` answers only when released, and tells
/// when a request has reached it.
fn waiting_routes() -> (
    axum::Router,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    std::sync::Arc<tokio::sync::Notify>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::sync::Notify;

    let entered = Arc::new(AtomicBool::new(false));
    let release = Arc::new(Notify::new());
    let wait = {
        let (entered, release) = (entered.clone(), release.clone());
        move || async move {
            entered.store(true, Ordering::SeqCst);
            release.notified().await;
            "done"
        }
    };
    let routes = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .route(
            "/echo",
            axum::routing::post(|body: String| async move { body }),
        )
        .route("/wait", axum::routing::get(wait));
    (routes, entered, release)
}

#[tokio::test]
async fn other_paths_go_to_the_fallback_and_share_the_servers_limits() {
    use mcp_transport_http::auth::ProtectedResource;
    use std::sync::atomic::Ordering;

    let (routes, entered, release) = waiting_routes();
    let s = start(
        McpService::builder(server(&Flags::default()))
            .protected_resource(ProtectedResource::new("http://127.0.0.1/mcp"))
            .max_in_flight(1)
            .fallback(routes),
    )
    .await;
    let addr = s.local_addr();

    let health = send(addr, "GET", "/health", &mcp_headers(None), "").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    // The body reaches the fallback whole.
    let echoed = send(addr, "POST", "/echo", &mcp_headers(None), "hello, fallback").await;
    assert_eq!(echoed.body, "hello, fallback");
    // The router's own 404, not the endpoint's.
    let missing = send(addr, "GET", "/nowhere", &mcp_headers(None), "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body, "");
    // The endpoint keeps its path and its metadata.
    let metadata = send(
        addr,
        "GET",
        "/.well-known/oauth-protected-resource/mcp",
        &mcp_headers(None),
        "",
    )
    .await;
    assert_eq!(metadata.json()["resource"], "http://127.0.0.1/mcp");
    let reply = echo_hi(addr, 1).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // A fallback request holds a slot of the in-flight limit like any other.
    let waiting =
        tokio::spawn(async move { send(addr, "GET", "/wait", &mcp_headers(None), "").await });
    eventually(|| entered.load(Ordering::SeqCst)).await;
    let busy = echo_hi(addr, 2).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.header("retry-after"), Some("1"));
    release.notify_one();
    assert_eq!(waiting.await.unwrap().body, "done");
    let after = echo_hi(addr, 3).await;
    assert_eq!(after.status, StatusCode::OK);
}

#[tokio::test]
async fn shutdown_lets_a_fallback_request_in_flight_finish() {
    use std::sync::atomic::Ordering;

    let (routes, entered, release) = waiting_routes();
    let s = start(McpService::builder(server(&Flags::default())).fallback(routes)).await;
    let addr = s.local_addr();
    let waiting =
        tokio::spawn(async move { send(addr, "GET", "/wait", &mcp_headers(None), "").await });
    eventually(|| entered.load(Ordering::SeqCst)).await;
    let stopping = tokio::spawn(s.shutdown(Duration::from_secs(5)));
    // Shutdown has begun: no new connection is taken.
    eventually(|| std::net::TcpStream::connect(addr).is_err()).await;
    release.notify_one();
    let answer = waiting.await.unwrap();
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "done")
    );
    stopping.await.unwrap();
}
