//! Brand-kit extraction: long-running, with progress, deterministic per URL.

use std::time::Duration;

use mcp_example_reteno::Settings;
use mcp_tools::serde_json::json;

use crate::harness::Sandbox;

#[tokio::test(start_paused = true)]
async fn extraction_takes_the_configured_time_and_reports_progress() {
    let s = Sandbox::with_settings(Settings {
        brandkit_duration: Duration::from_secs(9 * 60),
        ..Settings::default()
    });
    let started = tokio::time::Instant::now();
    let outcome = s
        .client
        .call_with_progress(
            "extract_brandkit",
            json!({"url": "https://www.acme-boots.com/collections/all"}),
            "kit-1",
        )
        .await
        .expect("a tool result");
    assert!(!outcome.is_error(), "{:?}", outcome.error_message());
    assert!(
        started.elapsed() >= Duration::from_secs(9 * 60),
        "ran for {:?}",
        started.elapsed()
    );
    let kit = outcome.data().unwrap();
    assert_eq!(kit["host"], "acme-boots.com");
    assert_eq!(kit["brandName"], "Acme Boots");
    assert_eq!(kit["source"], "derived");
    for colour in ["primary", "secondary", "accent", "background", "text"] {
        let c = kit["palette"][colour].as_str().unwrap();
        assert!(c.len() == 7 && c.starts_with('#'), "{colour}: {c}");
    }
    assert_eq!(kit["voice"]["tone"].as_array().unwrap().len(), 3);

    let progress: Vec<f64> = s
        .client
        .notifications()
        .iter()
        .filter(|n| n.method == "notifications/progress")
        .filter_map(|n| n.params.as_ref()?["progress"].as_f64())
        .collect();
    assert!(progress.len() >= 6, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    assert_eq!(progress.last(), Some(&6.0));
}

#[tokio::test(start_paused = true)]
async fn kits_follow_the_url_never_one_fixed_answer() {
    let s = Sandbox::new();
    let kit = async |url: &str| s.ok("extract_brandkit", json!({"url": url})).await;
    let a = kit("https://acme-boots.com").await;
    let again = kit("http://acme-boots.com/sale").await;
    let b = kit("https://zen-tea.co").await;
    assert_eq!(a["palette"], again["palette"]);
    assert_eq!(a["typography"], again["typography"]);
    assert_ne!(a["palette"], b["palette"]);
    let demo = kit("https://lumen-skincare.example/").await;
    assert_eq!(demo["source"], "demo");
    assert_eq!(demo["brandName"], "Lumen Skincare");
    assert_eq!(demo["palette"]["primary"], "#1F3A5F");

    let (code, message) = s
        .err("extract_brandkit", json!({"url": "shop.example.com"}))
        .await;
    assert_eq!(code, "InvalidParameter");
    assert!(message.contains("https://"), "{message}");
    let (code, message) = s
        .err("extract_brandkit", json!({"url": "http://localhost:8080"}))
        .await;
    assert_eq!(code, "StorefrontUnreachable");
    assert!(message.contains("public"), "{message}");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_extraction_stops_early() {
    let s = Sandbox::with_settings(Settings {
        brandkit_duration: Duration::from_secs(9 * 60),
        ..Settings::default()
    });
    let cancellation = mcp_tools::transport::Cancellation::new();
    let cx = s
        .client
        .context()
        .clone()
        .with_cancellation(cancellation.clone());
    let started = tokio::time::Instant::now();
    let cancel = async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        cancellation.cancel();
    };
    let params =
        json!({"name": "extract_brandkit", "arguments": {"url": "https://acme-boots.com"}});
    let (answer, ()) = tokio::join!(s.client.request_with("tools/call", params, cx), cancel);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(2 * 60),
        "ran for {elapsed:?} after the cancel"
    );
    // A cancelled request gets no tool result.
    assert!(
        answer.is_err() || answer.as_ref().is_ok_and(|r| r["isError"] == true),
        "{answer:?}"
    );
}

/// A 2026-07-28 client with the tasks extension gets a task: it polls
/// `tasks/get`, sees the stage as the status message, and reads the kit from
/// the finished task; the request that started it is long gone.
#[tokio::test(start_paused = true)]
async fn a_tasks_client_gets_a_task_to_poll() {
    let s = Sandbox::with_settings(Settings {
        brandkit_duration: Duration::from_secs(9 * 60),
        ..Settings::default()
    });
    let client = s
        .client
        .with_protocol_version(mcp_tools::ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"extensions": {"io.modelcontextprotocol/tasks": {}}}));
    let created = client
        .request(
            "tools/call",
            json!({"name": "extract_brandkit", "arguments": {"url": "https://zen-tea.co"}}),
        )
        .await
        .unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    let id = created["taskId"].as_str().unwrap().to_owned();

    let mut messages = Vec::new();
    let done = loop {
        let task = client
            .request("tasks/get", json!({"taskId": id}))
            .await
            .unwrap();
        if let Some(message) = task["statusMessage"].as_str() {
            messages.push(message.to_owned());
        }
        if task["status"] != "working" {
            break task;
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    };
    assert_eq!(done["status"], "completed", "{done}");
    messages.dedup();
    assert!(
        messages.len() >= 3,
        "the stages show while it runs: {messages:?}"
    );
    let kit = &done["result"]["structuredContent"]["Data"];
    assert_eq!(kit["host"], "zen-tea.co", "{done}");
}
