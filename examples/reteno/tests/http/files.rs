//! Upload sessions fed with raw, curl-style PUTs; download links and stored
//! images fetched back.

use mcp_example_reteno::http::files::UPLOAD_BODY_LIMIT;
use mcp_example_reteno::uploads::SESSION_LIFETIME_SECS;
use mcp_tools::serde_json::{Value, json};

use crate::harness::Sandbox;

/// A new inactive workflow and an upload session for it: `(workflow id, ticket)`.
async fn workflow_session(s: &Sandbox) -> (Value, Value) {
    let flow = s
        .ok("create_workflow", json!({"name": "Uploaded over HTTP"}))
        .await["id"]
        .clone();
    let ticket = s
        .ok("prepare_workflow_upload", json!({"workflowId": flow}))
        .await;
    (flow, ticket)
}

/// The upload URL of `file` in a ticket.
fn url_of(ticket: &Value, file: &str) -> String {
    ticket["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == file)
        .unwrap_or_else(|| panic!("no {file} in {ticket}"))["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn graph() -> Value {
    json!({
        "nodes": [{"id": "start", "type": "start"}, {"id": "wait", "type": "wait", "hours": 2}, {"id": "end", "type": "exit"}],
        "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}],
    })
}

#[tokio::test]
async fn a_graph_put_to_its_url_is_saved_by_the_finishing_tool_once() {
    let s = Sandbox::start().await;
    let (flow, ticket) = workflow_session(&s).await;
    let graph_url = url_of(&ticket, "graph");
    assert!(
        graph_url.starts_with(&format!("{}/uploads/", s.origin())),
        "{graph_url}"
    );

    let body = graph().to_string();
    let put = s
        .raw("PUT", &graph_url, Some("application/json"), body.as_bytes())
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let receipt = put.json();
    assert_eq!(receipt["file"], "graph");
    assert_eq!(receipt["size"], body.len());
    assert_eq!(receipt["complete"], true);

    let saved = s
        .ok(
            "update_workflow",
            json!({"workflowId": flow, "uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(saved["nodeCount"], 3);
    let export = s
        .ok("get_workflow_export", json!({"workflowId": flow}))
        .await;
    assert_eq!(export["graph"], graph());

    // The session is spent: neither the route nor the tool takes it again.
    let again = s
        .raw("PUT", &graph_url, Some("application/json"), body.as_bytes())
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.json()["error"], "session_already_used");
    assert!(
        again.json()["message"]
            .as_str()
            .unwrap()
            .contains("open a new one")
    );
    s.fails(
        "update_workflow",
        json!({"workflowId": flow, "uploadSessionId": ticket["uploadSessionId"]}),
        "UploadSessionAlreadyUsed",
    )
    .await;
}

#[tokio::test]
async fn an_unfinished_session_is_refused_by_the_finishing_tool_and_stays_usable() {
    let s = Sandbox::start().await;
    let (flow, ticket) = workflow_session(&s).await;
    let configs = s
        .raw(
            "PUT",
            &url_of(&ticket, "configs"),
            Some("application/json; charset=utf-8"),
            br#"{"start": {"trigger": "event"}}"#,
        )
        .await;
    assert_eq!(configs.status, 200, "{}", configs.body);
    assert_eq!(configs.json()["complete"], false);

    let message = s
        .fails(
            "update_workflow",
            json!({"workflowId": flow, "uploadSessionId": ticket["uploadSessionId"]}),
            "UploadSessionIncomplete",
        )
        .await;
    assert!(message.contains("graph not uploaded yet"), "{message}");

    let graph = graph().to_string();
    let put = s
        .raw(
            "PUT",
            &url_of(&ticket, "graph"),
            Some("application/json"),
            graph.as_bytes(),
        )
        .await;
    assert_eq!(put.json()["complete"], true);
    let saved = s
        .ok(
            "update_workflow",
            json!({"workflowId": flow, "uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(saved["nodeCount"], 3);
}

#[tokio::test]
async fn an_expired_session_answers_410() {
    let s = Sandbox::start().await;
    let (_, ticket) = workflow_session(&s).await;
    s.advance(SESSION_LIFETIME_SECS as u64);
    let late = s
        .raw(
            "PUT",
            &url_of(&ticket, "graph"),
            Some("application/json"),
            b"{}",
        )
        .await;
    assert_eq!(late.status, 410, "{}", late.body);
    assert_eq!(late.json()["error"], "session_expired");
    assert!(
        late.json()["message"]
            .as_str()
            .unwrap()
            .contains("expired at 2026-07-06T09:15:00Z")
    );
}

#[tokio::test]
async fn files_of_the_wrong_size_type_or_address_are_refused() {
    let s = Sandbox::start().await;
    let (_, ticket) = workflow_session(&s).await;
    let configs = url_of(&ticket, "configs");
    let max = ticket["files"][1]["maxBytes"].as_u64().unwrap() as usize;

    // Over the file's own limit, and over what any upload accepts.
    let over = s
        .raw(
            "PUT",
            &configs,
            Some("application/json"),
            &vec![b' '; max + 1],
        )
        .await;
    assert_eq!(over.status, 413, "{}", over.body);
    assert_eq!(over.json()["error"], "file_too_large");
    assert!(
        over.body.contains(&format!("at most {max} bytes")),
        "{}",
        over.body
    );
    let huge = s
        .raw(
            "PUT",
            &configs,
            Some("application/json"),
            &vec![b' '; UPLOAD_BODY_LIMIT + 1],
        )
        .await;
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert_eq!(huge.json()["error"], "file_too_large");

    // The wrong content type, or none.
    let typed = s.raw("PUT", &configs, Some("text/plain"), b"{}").await;
    assert_eq!(typed.status, 415, "{}", typed.body);
    assert_eq!(typed.json()["error"], "unsupported_content_type");
    assert!(typed.body.contains("application/json"), "{}", typed.body);
    let untyped = s.raw("PUT", &configs, None, b"{}").await;
    assert_eq!(untyped.status, 415, "{}", untyped.body);

    // Empty, an unknown file name, an unknown session.
    let empty = s.raw("PUT", &configs, Some("application/json"), b"").await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    assert_eq!(empty.json()["error"], "empty_file");
    let session = ticket["uploadSessionId"].as_str().unwrap();
    let part = s
        .raw(
            "PUT",
            &format!("/uploads/{session}/script"),
            Some("application/json"),
            b"{}",
        )
        .await;
    assert_eq!(part.status, 404, "{}", part.body);
    assert_eq!(part.json()["error"], "unknown_file");
    let unknown = s
        .raw(
            "PUT",
            "/uploads/us_forged/graph",
            Some("application/json"),
            b"{}",
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(unknown.json()["error"], "session_not_found");

    // None of it counted: the session still takes a good file.
    let good = s
        .raw(
            "PUT",
            &configs,
            Some("application/json"),
            br#"{"stop": {}}"#,
        )
        .await;
    assert_eq!(good.status, 200, "{}", good.body);
}

#[tokio::test]
async fn an_uploaded_image_is_served_at_its_url() {
    let s = Sandbox::start().await;
    let ticket = s.ok("prepare_image_upload", json!({})).await;
    // A GIF header: the dimensions are bytes 6 to 9, little-endian.
    let gif = b"GIF89a\x04\x00\x03\x00\x80\x00\x00".to_vec();
    let put = s
        .raw("PUT", &url_of(&ticket, "image"), Some("image/gif"), &gif)
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let image = s
        .ok(
            "upload_image",
            json!({"uploadSessionId": ticket["uploadSessionId"], "fileName": "logo.gif"}),
        )
        .await;
    assert_eq!(
        (image["width"].clone(), image["height"].clone()),
        (json!(4), json!(3))
    );
    let url = image["url"].as_str().unwrap();
    assert!(url.ends_with("/logo.gif"), "{url}");

    let served = s.raw("GET", url, None, b"").await;
    assert_eq!(served.status, 200, "{}", served.body);
    assert_eq!(served.header("content-type"), Some("image/gif"));
    assert_eq!(
        served.header("content-length"),
        Some(gif.len().to_string().as_str())
    );
    assert!(served.body.starts_with("GIF89a"));

    let renamed = s
        .raw("GET", &url.replace("logo.gif", "other.gif"), None, b"")
        .await;
    assert_eq!(renamed.status, 404, "{}", renamed.body);
    let missing = s.raw("GET", "/files/999999/logo.gif", None, b"").await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(missing.json()["error"], "image_not_found");
}

#[tokio::test]
async fn a_download_link_serves_the_file_for_an_hour() {
    let s = Sandbox::start().await;
    let page = s
        .ok("list_email_messages", json!({"query": "summer"}))
        .await;
    let message = page["Items"][0]["id"].clone();
    let model = s.ok("get_email_model", json!({"messageId": message})).await;
    let url = model["download"]["url"].as_str().unwrap().to_owned();
    let path = url.strip_prefix(&s.origin()).unwrap().to_owned();
    assert!(path.starts_with("/downloads/"), "{url}");

    let fetched = s.send("GET", &path, &[], "").await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    assert!(
        fetched.content_type().starts_with("application/json"),
        "{fetched:?}"
    );
    let disposition = fetched.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    assert!(
        fetched.json()["rows"]
            .as_array()
            .is_some_and(|rows| !rows.is_empty()),
        "{}",
        fetched.body
    );

    s.advance(3600);
    let expired = s.send("GET", &path, &[], "").await;
    assert_eq!(expired.status, 404, "{}", expired.body);
    assert_eq!(expired.json()["error"], "link_not_found");
}
