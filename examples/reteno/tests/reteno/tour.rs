//! Every tool, called once with a successful result, in a plausible session.

use std::collections::BTreeSet;

use mcp_tools::serde_json::{Value, json};

use crate::harness::{Sandbox, email_with_model};

/// A 1×1 PNG header: signature and IHDR with width and height.
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0]);
    bytes
}

#[tokio::test(start_paused = true)]
async fn every_tool_succeeds_once() {
    let s = Sandbox::new();
    let mut called = BTreeSet::new();
    let mut ok = async |tool: &'static str, args: Value| -> Value {
        called.insert(tool);
        s.ok(tool, args).await
    };

    // Account, organization and directories.
    assert_eq!(ok("get_account_info", json!({})).await["sandbox"], true);
    assert_eq!(
        ok("get_organisation_info", json!({})).await["defaultLanguage"],
        "en"
    );
    let book = ok("get_addressbooks", json!({})).await["items"][0]["id"]
        .as_u64()
        .unwrap();
    let sender = ok("list_email_interfaces", json!({})).await["items"][0]["id"]
        .as_u64()
        .unwrap();
    let sms_sender = ok("list_sms_interfaces", json!({})).await["items"][0]["id"]
        .as_u64()
        .unwrap();
    assert!(
        ok("get_event_types", json!({})).await["total"]
            .as_u64()
            .unwrap()
            > 0
    );

    // Contacts.
    let ada = ok(
        "upsert_contact",
        json!({"contact": {"email": "ada@example.com", "firstName": "Ada", "externalCustomerId": "EXT-ADA", "addressBookIds": [book]}}),
    )
    .await;
    assert_eq!(ada["created"], true);
    let ada = ada["contactId"].as_u64().unwrap();
    let bulk = ok(
        "bulk_upsert_contacts",
        json!({"contacts": [{"email": "grace@example.com"}, {"phone": "+380501112233", "firstName": "Lin"}]}),
    )
    .await;
    assert_eq!(bulk["created"], 2);
    let import = ok(
        "upload_contacts",
        json!({"csv": "email,firstName\nkay@example.com,Kay\n"}),
    )
    .await;
    s.advance(30);
    let status = ok(
        "get_import_status",
        json!({"sessionId": import["sessionId"]}),
    )
    .await;
    assert_eq!(status["status"], "finished");
    let updated = ok(
        "update_contact",
        json!({"contactId": ada, "lastName": "Lovelace", "fields": {"plan": "gold"}}),
    )
    .await;
    assert_eq!(updated["lastName"], "Lovelace");
    let sub = ok(
        "subscribe_contact",
        json!({"email": "newbie@example.com", "formName": "footer"}),
    )
    .await;
    assert_eq!(sub["confirmed"], false);
    let found = ok("list_contacts", json!({"query": "lovelace"})).await;
    assert_eq!(found["Items"][0]["id"], ada);
    assert_eq!(
        ok("get_contact", json!({"contactId": ada})).await["email"],
        "ada@example.com"
    );
    assert_eq!(
        ok("get_contacts_by_email", json!({"email": "ADA@example.com"})).await["id"],
        ada
    );
    let with_token = s.ok("list_contacts", json!({"top": 100})).await["Items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["pushTokens"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t["platform"] != "web"))
        })
        .cloned()
        .expect("a seeded contact with an app token");
    let token = with_token["pushTokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["platform"] != "web")
        .unwrap()["token"]
        .clone();
    assert_eq!(
        ok("get_contact_id_by_token", json!({"token": token})).await["contactId"],
        with_token["id"]
    );

    // Segments.
    let static_segment = s.segment("static").await;
    assert!(
        ok("list_groups", json!({})).await["Items"]
            .as_array()
            .unwrap()
            .len()
            >= 5
    );
    let attached = ok(
        "attach_group_contacts",
        json!({"groupId": static_segment, "contactIds": [ada]}),
    )
    .await;
    assert_eq!(attached["AffectedContactIds"], json!([ada]));
    let members = ok(
        "get_group_contacts",
        json!({"groupId": static_segment, "query": "lovelace"}),
    )
    .await;
    assert_eq!(members["Items"][0]["id"], ada);
    let detached = ok(
        "detach_group_contacts",
        json!({"groupId": static_segment, "contactIds": [ada]}),
    )
    .await;
    assert_eq!(detached["Affected"], 1);

    // Events.
    ok("create_event", json!({"eventTypeKey": "order_placed", "contact": {"contactId": ada}, "params": {"orderId": "A1"}})).await;
    let past = ok(
        "create_past_events",
        json!({"events": [{"eventTypeKey": "product_viewed", "contact": {"email": "ada@example.com"}, "occurredAt": "2026-06-01T10:00:00Z"}]}),
    )
    .await;
    assert_eq!(past["accepted"], 1);
    let activity = ok("get_contacts_activity_v2", json!({"contactIds": [ada]})).await;
    assert_eq!(activity["Items"].as_array().unwrap().len(), 2);

    // Email messages.
    let html_upload = ok("prepare_email_message_upload", json!({})).await;
    s.upload(
        &html_upload,
        "html",
        "text/html",
        b"<html><body>Hi {{firstName}}</body></html>",
    );
    s.upload(&html_upload, "css", "text/css", b"body { color: #333; }");
    let email = ok(
        "create_email_message",
        json!({"name": "Tour mail", "subject": "Hello {{firstName}}", "senderId": sender, "uploadSessionId": html_upload["uploadSessionId"]}),
    )
    .await;
    let email_id = email["id"].as_u64().unwrap();
    assert!(email["htmlSize"].as_u64().unwrap() > 0);
    assert!(
        ok("list_email_messages", json!({"query": "tour"})).await["Items"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    ok(
        "update_email_message",
        json!({"messageId": email_id, "subject": "Hi {{firstName}}", "html": "<p>Hi</p>"}),
    )
    .await;
    let translated = ok(
        "update_email_message_translation",
        json!({"messageId": email_id, "language": "DE", "subject": "Hallo", "html": "<p>Hallo</p>"}),
    )
    .await;
    assert_eq!(translated["translationLanguages"], json!(["de"]));
    let link = ok(
        "get_email_message_view_link",
        json!({"messageId": email_id, "language": "de"}),
    )
    .await;
    let preview = s
        .account
        .downloads()
        .fetch_url(link["url"].as_str().unwrap())
        .expect("the link works");
    assert_eq!(preview.bytes, b"<p>Hallo</p>");
    let export = ok("get_email_message_export", json!({"messageId": email_id})).await;
    assert_eq!(export["variants"].as_array().unwrap().len(), 2);
    ok(
        "delete_email_message_translation",
        json!({"messageId": email_id, "language": "de"}),
    )
    .await;

    let modelled = email_with_model(&s).await;
    let model_link = ok("get_email_model", json!({"messageId": modelled})).await;
    let model_file = s
        .account
        .downloads()
        .fetch_url(model_link["download"]["url"].as_str().unwrap())
        .unwrap();
    let mut model: Value = mcp_tools::serde_json::from_slice(&model_file.bytes).unwrap();
    model["rows"][1]["columns"][1]["blocks"][0]["content"]["text"] =
        json!("Only this week: 40% off.");
    let model_upload = ok("prepare_email_model_upload", json!({"messageId": modelled})).await;
    s.upload(
        &model_upload,
        "model",
        "application/json",
        model.to_string().as_bytes(),
    );
    let saved = ok(
        "update_email_model",
        json!({"messageId": modelled, "uploadSessionId": model_upload["uploadSessionId"]}),
    )
    .await;
    assert_eq!(saved["changedBlockIds"], json!(["b-text"]));

    // Mobile push.
    let push = ok("create_mobile_push_message", json!({"name": "Tour push", "title": "Hi", "body": "Hello {{firstName}}", "deepLink": "app://home"})).await;
    let push_id = push["id"].as_u64().unwrap();
    assert_eq!(
        ok("list_mobile_push_messages", json!({"query": "tour"})).await["Items"][0]["id"],
        push_id
    );
    assert_eq!(
        ok("get_mobile_push_message", json!({"messageId": push_id})).await["title"],
        "Hi"
    );
    ok(
        "update_mobile_push_message",
        json!({"messageId": push_id, "body": "Hello again"}),
    )
    .await;
    ok(
        "update_mobile_push_message_translation",
        json!({"messageId": push_id, "language": "pl", "body": "Cześć"}),
    )
    .await;
    ok(
        "delete_mobile_push_message_translation",
        json!({"messageId": push_id, "language": "pl"}),
    )
    .await;
    assert_eq!(
        ok("get_mobile_push_token_activation", json!({"token": token})).await["token"],
        token
    );
    let off = ok(
        "update_mobile_push_token_activation",
        json!({"token": token, "active": false}),
    )
    .await;
    assert_eq!(off["active"], false);

    // App inbox.
    let inbox = ok("create_app_inbox_message", json!({"name": "Tour inbox", "title": "News", "body": "Read this", "buttonText": "Open", "buttonUrl": "https://shop.example/news"})).await;
    let inbox_id = inbox["id"].as_u64().unwrap();
    assert_eq!(
        ok("list_app_inbox_messages", json!({"query": "tour"})).await["Items"][0]["id"],
        inbox_id
    );
    assert_eq!(
        ok("get_app_inbox_message", json!({"messageId": inbox_id})).await["buttonText"],
        "Open"
    );
    ok(
        "update_app_inbox_message",
        json!({"messageId": inbox_id, "title": "Fresh news"}),
    )
    .await;
    ok(
        "update_app_inbox_message_translation",
        json!({"messageId": inbox_id, "language": "es", "body": "Lee esto"}),
    )
    .await;
    ok(
        "delete_app_inbox_message_translation",
        json!({"messageId": inbox_id, "language": "es"}),
    )
    .await;

    // SMS.
    let sms = ok("create_sms_message", json!({"name": "Tour SMS", "senderId": sms_sender, "text": "Hi {{firstName}}", "tags": ["tour"]})).await;
    let sms_id = sms["id"].as_u64().unwrap();
    assert_eq!(
        ok("list_sms_messages", json!({"query": "TOUR"})).await["Items"][0]["id"],
        sms_id
    );
    assert_eq!(
        ok("get_sms_message", json!({"messageId": sms_id})).await["body"],
        "Hi {{firstName}}"
    );
    ok(
        "update_sms_message",
        json!({"messageId": sms_id, "text": "Hello {{firstName}}"}),
    )
    .await;
    ok(
        "update_sms_message_translation",
        json!({"messageId": sms_id, "language": "uk", "text": "Привіт"}),
    )
    .await;
    ok(
        "delete_sms_message_translation",
        json!({"messageId": sms_id, "language": "uk"}),
    )
    .await;

    // Workflows.
    let flow = ok("create_workflow", json!({"name": "Tour flow"})).await;
    assert_eq!(flow["status"], "inactive");
    let flow_id = flow["id"].as_u64().unwrap();
    assert!(
        ok("list_workflows", json!({"status": "INACTIVE"})).await["Items"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let flow_upload = ok("prepare_workflow_upload", json!({"workflowId": flow_id})).await;
    let graph = json!({"nodes": [{"id": "start", "type": "start"}, {"id": "m", "type": "send_email", "messageId": email_id}, {"id": "end", "type": "exit"}],
                       "edges": [{"from": "start", "to": "m"}, {"from": "m", "to": "end"}]});
    s.upload(
        &flow_upload,
        "graph",
        "application/json",
        graph.to_string().as_bytes(),
    );
    s.upload(
        &flow_upload,
        "configs",
        "application/json",
        br#"{"start": {"trigger": "event", "eventTypeKey": "order_placed"}}"#,
    );
    let saved = ok(
        "update_workflow",
        json!({"workflowId": flow_id, "uploadSessionId": flow_upload["uploadSessionId"]}),
    )
    .await;
    assert_eq!(saved["nodeCount"], 3);
    let export = ok("get_workflow_export", json!({"workflowId": flow_id})).await;
    assert_eq!(export["graph"], graph);
    assert_eq!(export["configs"]["start"]["trigger"], "event");

    // Sending and broadcasts.
    let sent = ok(
        "send_email_message",
        json!({"messageId": email_id, "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(sent["contactCreated"], false);
    let sms_sent = ok(
        "send_sms_message",
        json!({"messageId": sms_id, "phone": "+380501112233"}),
    )
    .await;
    assert_eq!(sms_sent["status"], "queued");
    let smart = ok("smart_send_message", json!({"channel": "appInbox", "messageId": inbox_id, "recipients": [{"contact": {"contactId": ada}}]})).await;
    assert_eq!(smart["sent"], 1);
    assert_eq!(
        ok(
            "get_message_status",
            json!({"interactionId": sent["interactionId"]})
        )
        .await["status"],
        "queued"
    );
    s.advance(150);
    let delivered = ok(
        "update_interaction_status",
        json!({"interactionId": smart["recipients"][0]["interactionId"], "status": "opened"}),
    )
    .await;
    assert_eq!(delivered["status"], "opened");
    let history = ok("get_contact_message_history", json!({"contactId": ada})).await;
    assert_eq!(history["Items"].as_array().unwrap().len(), 2);
    let args = json!({"name": "Tour broadcast", "channel": "email", "messageId": email_id, "segmentIds": [static_segment]});
    let dry = ok("send_broadcast", args.clone()).await;
    let mut confirmed = args.clone();
    confirmed["confirmationToken"] = dry["ConfirmationToken"].clone();
    let broadcast = ok("send_broadcast", confirmed).await;
    let broadcast_id = broadcast["id"].as_u64().unwrap();
    assert!(
        ok("list_broadcasts", json!({})).await["Items"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    assert_eq!(
        ok("get_broadcast", json!({"broadcastId": broadcast_id})).await["status"],
        "sending"
    );
    s.advance(600);
    ok("delete_broadcast", json!({"broadcastId": broadcast_id})).await;

    // Analytics and deliverability.
    let report = ok(
        "get_messaging_analytics",
        json!({"dateFrom": "2026-04-01", "dateTo": "2026-07-05", "groupBy": "Message"}),
    )
    .await;
    assert!(!report["rows"].as_array().unwrap().is_empty());
    let events = ok(
        "get_events_analytics",
        json!({"dateFrom": "2026-06-01", "dateTo": "2026-07-05", "daily": true}),
    )
    .await;
    assert!(events["rows"][0]["perDay"].is_object());
    let callouts = ok("get_sms_callouts", json!({"messageId": sms_id})).await;
    assert_eq!(callouts["messages"][0]["sent"], 1);
    let setup = ok("get_email_deliverability_setup", json!({})).await;
    assert_eq!(setup["domains"].as_array().unwrap().len(), 2);

    // Media.
    let image_upload = ok("prepare_image_upload", json!({})).await;
    s.upload(&image_upload, "image", "image/png", &png(640, 480));
    let image = ok(
        "upload_image",
        json!({"uploadSessionId": image_upload["uploadSessionId"], "fileName": "hero.png"}),
    )
    .await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(640), Some(480))
    );
    let stored = s
        .account
        .image(image["id"].as_u64().unwrap())
        .expect("stored");
    assert_eq!(stored.bytes, png(640, 480));

    // Brand kit.
    let kit = ok(
        "extract_brandkit",
        json!({"url": "https://northwind-coffee.example"}),
    )
    .await;
    assert_eq!(kit["source"], "demo");

    // Deletes last, on what the tour created.
    ok("delete_mobile_push_message", json!({"messageId": push_id})).await;
    ok("delete_app_inbox_message", json!({"messageId": inbox_id})).await;
    ok("delete_sms_message", json!({"messageId": sms_id})).await;
    ok("delete_email_message", json!({"messageId": email_id})).await;
    ok(
        "delete_contact_by_external_customer_id",
        json!({"externalCustomerId": "EXT-ADA"}),
    )
    .await;
    let grace = s
        .ok(
            "get_contacts_by_email",
            json!({"email": "grace@example.com"}),
        )
        .await;
    ok("delete_contact", json!({"contactId": grace["id"]})).await;

    let called: BTreeSet<String> = called.into_iter().map(str::to_owned).collect();
    let expected: BTreeSet<String> = mcp_example_reteno::tools::all()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(called, expected, "the tour missed tools");
}

/// A workflow's export is also a resource, read by URI with the same JSON the
/// tool returns; an unknown workflow is not found, naming the URI.
#[tokio::test]
async fn a_workflow_export_is_a_readable_resource() {
    let s = crate::harness::Sandbox::new();
    let templates = s.client.list_resource_templates().await.unwrap();
    assert_eq!(
        templates[0]["uriTemplate"],
        "reteno://workflows/{workflowId}/export"
    );
    let first = s
        .ok("list_workflows", mcp_tools::serde_json::json!({}))
        .await["Items"][0]["id"]
        .as_u64()
        .unwrap();
    let uri = format!("reteno://workflows/{first}/export");
    let read = s.client.read_resource(&uri).await.unwrap();
    let served: mcp_tools::serde_json::Value =
        mcp_tools::serde_json::from_str(read["contents"][0]["text"].as_str().unwrap()).unwrap();
    let exported = s
        .ok(
            "get_workflow_export",
            mcp_tools::serde_json::json!({"workflowId": first}),
        )
        .await;
    assert_eq!(served, exported);
    let missing = s
        .client
        .read_resource("reteno://workflows/999999/export")
        .await
        .unwrap_err();
    assert_eq!(missing.code, -32602, "{missing:?}");
}
