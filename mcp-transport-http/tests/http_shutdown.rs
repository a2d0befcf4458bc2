//! Graceful shutdown with a write in flight: the write finishes whole and is
//! audited, new connections are refused, and the grace period bounds the wait.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::ledger::Ledger;
use common::*;
use http::StatusCode;
use mcp_tools::audit::AuditOutcome;
use mcp_transport_http::McpService;
use serde_json::json;

/// How long the tests wait for anything at most (a hang guard, not a timing).
const GUARD: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_write_in_flight_at_shutdown_completes_whole_and_is_audited() {
    let (builder, ledger, mut reached) = Ledger::install(server_builder(&Flags::default()));
    let serving = start(McpService::builder(builder.build().unwrap())).await;
    let addr = serving.local_addr();
    let write = tokio::spawn(async move {
        post(
            addr,
            &mcp_headers(Some("2025-06-18")),
            &call(7, "transfer", json!({"amount": 40})),
        )
        .await
    });
    // The write has debited and waits at the gate: it is in flight.
    assert_eq!(
        tokio::time::timeout(GUARD, reached.recv()).await.unwrap(),
        Some(40)
    );
    let shutdown = tokio::spawn(serving.shutdown(GUARD));
    // The listener goes away first: new connections are refused while the
    // write is still in flight.
    let mut refused = false;
    for _ in 0..2000 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        refused,
        "new connections are still accepted during shutdown"
    );
    assert_eq!(ledger.entries(), ["debit 40"]);
    assert!(ledger.audit.records().is_empty(), "audited before it ended");
    assert!(
        !shutdown.is_finished(),
        "shutdown did not wait for the write"
    );

    ledger.open_gate();
    let reply = tokio::time::timeout(GUARD, write).await.unwrap().unwrap();
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["result"]["structuredContent"],
        json!({"Success": true, "Data": 40})
    );
    tokio::time::timeout(GUARD, shutdown)
        .await
        .unwrap()
        .unwrap();
    // Whole: both steps, and exactly one audit record saying it executed.
    assert_eq!(ledger.entries(), ["debit 40", "credit 40"]);
    let records = ledger.audit.records();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].tool, "transfer");
    assert_eq!(records[0].outcome, AuditOutcome::Executed);
    assert_eq!(records[0].request_id, 7.into());
}

#[tokio::test]
async fn a_write_still_running_when_the_grace_ends_is_cut_off_and_audited_as_failed() {
    let (builder, ledger, mut reached) = Ledger::install(server_builder(&Flags::default()));
    let serving = start(McpService::builder(builder.build().unwrap())).await;
    let addr = serving.local_addr();
    let write = tokio::spawn(async move {
        let mut sender = mcp_test_client::connect(addr).await;
        let mut request = http::Request::post("/mcp");
        for (name, value) in mcp_headers(Some("2025-06-18")) {
            request = request.header(name, value);
        }
        let body = call(8, "transfer", json!({"amount": 5})).to_string();
        sender
            .send_request(
                request
                    .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                    .unwrap(),
            )
            .await
    });
    assert_eq!(
        tokio::time::timeout(GUARD, reached.recv()).await.unwrap(),
        Some(5)
    );
    // The gate never opens: the grace period is what ends the shutdown.
    tokio::time::timeout(GUARD, serving.shutdown(Duration::from_millis(100)))
        .await
        .expect("shutdown is bounded by its grace period");
    // The client sees the connection end without an answer, not a success.
    let ended = tokio::time::timeout(GUARD, write).await.unwrap().unwrap();
    assert!(ended.is_err(), "a cut-off write must not look answered");
    // Cut off between its steps, and the audit log says so.
    assert_eq!(ledger.entries(), ["debit 5"]);
    let records = ledger.audit.records();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].outcome, AuditOutcome::Failed);
    assert_eq!(records[0].request_id, 8.into());
}
