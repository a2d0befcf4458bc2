//! Contact imports progress as sandbox time passes.

use mcp_tools::serde_json::{Value, json};

use crate::harness::Sandbox;

#[tokio::test]
async fn an_import_moves_from_queued_through_processing_to_finished() {
    let s = Sandbox::new();
    let mut rows: Vec<Value> = (0..95)
        .map(|n| json!({"email": format!("import{n}@example.com"), "firstName": format!("Row{n}")}))
        .collect();
    rows[10] = json!({"email": "not-an-address"});
    rows[50] = json!({"firstName": "No identifier"});
    let started = s.ok("upload_contacts", json!({"contacts": rows})).await;
    assert_eq!(started["status"], "queued");
    assert_eq!(started["totalRows"], 95);
    let id = started["sessionId"].clone();
    let status = async |s: &Sandbox| s.ok("get_import_status", json!({"sessionId": id})).await;

    let queued = status(&s).await;
    assert_eq!(
        (queued["status"].as_str(), queued["processedRows"].as_u64()),
        (Some("queued"), Some(0))
    );
    // Nothing is saved while queued.
    let (code, _) = s
        .err(
            "get_contacts_by_email",
            json!({"email": "import0@example.com"}),
        )
        .await;
    assert_eq!(code, "NotFound");

    s.advance(6);
    let processing = status(&s).await;
    assert_eq!(processing["status"], "processing");
    let done_so_far = processing["processedRows"].as_u64().unwrap();
    assert!(done_so_far > 0 && done_so_far < 95, "{processing}");
    assert_eq!(
        processing["created"].as_u64().unwrap() + processing["failed"].as_u64().unwrap(),
        done_so_far
    );
    s.ok(
        "get_contacts_by_email",
        json!({"email": "import0@example.com"}),
    )
    .await;

    s.advance(60);
    let finished = status(&s).await;
    assert_eq!(finished["status"], "finished");
    assert_eq!(finished["processedRows"], 95);
    assert_eq!(finished["created"], 93);
    assert_eq!(finished["failed"], 2);
    assert!(finished["finishedAt"].is_string());
    let errors = finished["errors"].as_array().unwrap();
    assert_eq!(errors[0]["row"], 11);
    assert!(
        errors[0]["error"]
            .as_str()
            .unwrap()
            .contains("not a valid address")
    );
    assert_eq!(errors[1]["row"], 51);
    assert!(errors[1]["error"].as_str().unwrap().contains("identifier"));

    // A second import of the same people updates them.
    let again = s
        .ok("upload_contacts", json!({"csv": "email,lastName,plan\nimport1@example.com,Smith,gold\n\"import2@example.com\",\"Jones, Jr\",silver\n"}))
        .await;
    s.advance(10);
    let second = s
        .ok(
            "get_import_status",
            json!({"sessionId": again["sessionId"]}),
        )
        .await;
    assert_eq!(
        (second["status"].as_str(), second["updated"].as_u64()),
        (Some("finished"), Some(2))
    );
    let jones = s
        .ok(
            "get_contacts_by_email",
            json!({"email": "import2@example.com"}),
        )
        .await;
    assert_eq!(jones["lastName"], "Jones, Jr");
    assert_eq!(jones["fields"]["plan"], "silver");
}

#[tokio::test]
async fn imports_refuse_bad_sources() {
    let s = Sandbox::new();
    let (code, message) = s.err("upload_contacts", json!({})).await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("exactly one"), "{message}");
    let (code, _) = s
        .err(
            "upload_contacts",
            json!({"csv": "email\na@example.com", "contacts": [{"email": "b@example.com"}]}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    let (code, message) = s
        .err("upload_contacts", json!({"csv": "name,city\nAda,Kyiv"}))
        .await;
    assert_eq!(code, "InvalidParameter");
    assert!(message.contains("no identifier column"), "{message}");
    let (code, _) = s.err("upload_contacts", json!({"csv": "email\n"})).await;
    assert_eq!(code, "InvalidParameter");
    let (code, _) = s
        .err(
            "upload_contacts",
            json!({"csv": "email\na@example.com", "addressBookId": 1}),
        )
        .await;
    assert_eq!(code, "NotFound");
    let (code, message) = s
        .err("get_import_status", json!({"sessionId": "imp-0"}))
        .await;
    assert_eq!(code, "NotFound");
    assert!(message.contains("upload_contacts"), "{message}");
}
