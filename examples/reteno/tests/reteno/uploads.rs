//! Upload sessions: expired, reused, oversized, unfinished and misdirected
//! sessions get clear errors.

use mcp_example_reteno::uploads::{SESSION_LIFETIME_SECS, UploadErrorKind};
use mcp_tools::serde_json::json;

use crate::harness::{Sandbox, email_with_model};
use crate::tour::png;

#[tokio::test]
async fn a_session_says_where_and_how_to_upload() {
    let s = Sandbox::new();
    let ticket = s
        .ok(
            "prepare_workflow_upload",
            json!({"workflowId": s.first_id("list_workflows", json!({})).await}),
        )
        .await;
    let id = ticket["uploadSessionId"].as_str().unwrap();
    assert_eq!(ticket["expiresAt"], "2026-07-06T09:15:00Z");
    assert_eq!(ticket["finishWith"], "update_workflow");
    let files = ticket["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0]["uploadUrl"],
        format!("http://127.0.0.1:8080/uploads/{id}/graph")
    );
    assert_eq!(
        (files[0]["required"].clone(), files[1]["required"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(files[1]["contentTypes"], json!(["application/json"]));
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    let s = Sandbox::new();
    let ticket = s.ok("prepare_image_upload", json!({})).await;
    s.upload(&ticket, "image", "image/png", &png(1, 1));
    s.advance(SESSION_LIFETIME_SECS as u64);
    let (code, message) = s
        .err(
            "upload_image",
            json!({"uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "UploadSessionExpired");
    assert!(
        message.contains("expired at 2026-07-06T09:15:00Z"),
        "{message}"
    );
    assert!(message.contains("prepare a new one"), "{message}");
    let late = s
        .account
        .uploads()
        .receive(
            ticket["uploadSessionId"].as_str().unwrap(),
            "image",
            "image/png",
            &png(1, 1),
        )
        .expect_err("expired");
    assert_eq!(late.kind(), UploadErrorKind::Expired);
}

#[tokio::test]
async fn sessions_work_once() {
    let s = Sandbox::new();
    let ticket = s.ok("prepare_image_upload", json!({})).await;
    s.upload(&ticket, "image", "image/gif", b"GIF89a\x02\x00\x03\x00");
    let first = s
        .ok(
            "upload_image",
            json!({"uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(
        (first["width"].as_u64(), first["height"].as_u64()),
        (Some(2), Some(3))
    );
    let (code, message) = s
        .err(
            "upload_image",
            json!({"uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "UploadSessionAlreadyUsed");
    assert!(message.contains("works once"), "{message}");
}

#[tokio::test]
async fn oversized_and_mistyped_files_are_refused_at_upload() {
    let s = Sandbox::new();
    let id = email_with_model(&s).await;
    let ticket = s
        .ok("prepare_email_model_upload", json!({"messageId": id}))
        .await;
    let session = ticket["uploadSessionId"].as_str().unwrap();
    let max = ticket["files"][0]["maxBytes"].as_u64().unwrap() as usize;
    let big = vec![b' '; max + 1];
    let refused = s
        .account
        .uploads()
        .receive(session, "model", "application/json", &big)
        .expect_err("too big");
    assert_eq!(refused.kind(), UploadErrorKind::TooLarge);
    assert!(
        refused
            .to_string()
            .contains(&format!("at most {max} bytes")),
        "{refused}"
    );
    let refused = s
        .account
        .uploads()
        .receive(session, "model", "text/plain", b"{}")
        .expect_err("wrong type");
    assert_eq!(refused.kind(), UploadErrorKind::UnsupportedContentType);
    let refused = s
        .account
        .uploads()
        .receive("us_unknown", "model", "application/json", b"{}")
        .expect_err("unknown");
    assert_eq!(refused.kind(), UploadErrorKind::NotFound);
    // Nothing arrived, so the session is unfinished.
    let (code, message) = s
        .err(
            "update_email_model",
            json!({"messageId": id, "uploadSessionId": session}),
        )
        .await;
    assert_eq!(code, "UploadSessionIncomplete");
    assert!(message.contains("model not uploaded yet"), "{message}");
}

#[tokio::test]
async fn unfinished_unknown_and_misdirected_sessions_are_refused() {
    let s = Sandbox::new();
    let flow = s.ok("create_workflow", json!({"name": "Uploads"})).await["id"].clone();
    let ticket = s
        .ok("prepare_workflow_upload", json!({"workflowId": flow}))
        .await;
    s.upload(&ticket, "configs", "application/json", br#"{"start": {}}"#);
    let (code, message) = s
        .err(
            "update_workflow",
            json!({"workflowId": flow, "uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "UploadSessionIncomplete");
    assert!(message.contains("graph not uploaded yet"), "{message}");

    let (code, message) = s
        .err(
            "update_workflow",
            json!({"workflowId": flow, "uploadSessionId": "us_nope"}),
        )
        .await;
    assert_eq!(code, "UploadSessionNotFound");
    assert!(message.contains("prepare_*_upload"), "{message}");

    // An image session cannot finish a workflow, nor a session for one workflow another.
    let image = s.ok("prepare_image_upload", json!({})).await;
    s.upload(&image, "image", "image/png", &png(1, 1));
    let (code, message) = s
        .err(
            "update_workflow",
            json!({"workflowId": flow, "uploadSessionId": image["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "UploadSessionWrongKind");
    assert!(message.contains("upload_image"), "{message}");
    s.upload(
        &ticket,
        "graph",
        "application/json",
        br#"{"nodes":[{"id":"s","type":"start"}],"edges":[]}"#,
    );
    let other = s.ok("create_workflow", json!({"name": "Other"})).await["id"].clone();
    let (code, _) = s
        .err(
            "update_workflow",
            json!({"workflowId": other, "uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "UploadSessionWrongKind");
    // The refusals consumed nothing: the right call still works.
    s.ok(
        "update_workflow",
        json!({"workflowId": flow, "uploadSessionId": ticket["uploadSessionId"]}),
    )
    .await;

    // Bytes that are not the declared image type.
    let fake = s.ok("prepare_image_upload", json!({})).await;
    s.upload(&fake, "image", "image/jpeg", b"<html>not an image</html>");
    let (code, message) = s
        .err(
            "upload_image",
            json!({"uploadSessionId": fake["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "InvalidImage");
    assert!(message.contains("not valid image/jpeg data"), "{message}");
}
