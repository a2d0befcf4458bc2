//! The surface's rules, each with its error code and message.

use mcp_tools::serde_json::json;

use crate::harness::{Sandbox, email_with_model};

#[tokio::test]
async fn only_static_segments_can_be_changed() {
    let s = Sandbox::new();
    let dynamic = s.segment("DYNAMIC").await;
    let contact = s.first_id("list_contacts", json!({})).await;
    for tool in ["attach_group_contacts", "detach_group_contacts"] {
        let (code, message) = s
            .err(tool, json!({"groupId": dynamic, "contactIds": [contact]}))
            .await;
        assert_eq!(code, "DynamicSegmentNotSupported");
        assert!(
            message.contains("only static segments can be changed"),
            "{message}"
        );
    }
    // A dynamic segment still reads.
    s.ok("get_group_contacts", json!({"groupId": dynamic}))
        .await;
    // On a static one, items are reported one by one.
    let segment = s.segment("static").await;
    let outcome = s
        .ok(
            "attach_group_contacts",
            json!({"groupId": segment, "contactIds": [contact, 999_999]}),
        )
        .await;
    let again = s
        .ok(
            "attach_group_contacts",
            json!({"groupId": segment, "contactIds": [contact]}),
        )
        .await;
    assert_eq!(
        outcome["NotProcessed"],
        json!([{"Id": 999_999, "Reason": "NotFound"}])
    );
    assert_eq!(again["NotProcessed"][0]["Reason"], "AlreadyInSegment");
    let (code, _) = s
        .err(
            "attach_group_contacts",
            json!({"groupId": 1, "contactIds": [contact]}),
        )
        .await;
    assert_eq!(code, "NotFound");
    let too_many: Vec<u64> = (1..=101).collect();
    let (code, message) = s
        .err(
            "attach_group_contacts",
            json!({"groupId": segment, "contactIds": too_many}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("100"), "{message}");
}

#[tokio::test]
async fn email_and_sms_searches_return_up_to_500() {
    let s = Sandbox::new();
    let sender = s.ok("list_email_interfaces", json!({})).await["items"][0]["id"].clone();
    for n in 0..120 {
        s.ok(
            "create_email_message",
            json!({"name": format!("Bulk {n}"), "subject": "s", "senderId": sender, "html": "<p>x</p>"}),
        )
        .await;
    }
    let page = s
        .ok("list_email_messages", json!({"query": "bulk", "top": 500}))
        .await;
    assert_eq!(page["Items"].as_array().unwrap().len(), 120);
    assert_eq!(page["HasMore"], false);
    let page = s
        .ok("list_email_messages", json!({"top": 100, "skip": 0}))
        .await;
    assert_eq!(page["HasMore"], true);
    for tool in ["list_email_messages", "list_sms_messages"] {
        let (code, message) = s.err(tool, json!({"top": 501})).await;
        assert_eq!(code, "InvalidArguments", "{tool}");
        assert!(message.contains("500"), "{tool}: {message}");
    }
    // By exact tag, case-insensitively.
    let tagged = s.ok("list_sms_messages", json!({"query": "PROMO"})).await;
    assert_eq!(tagged["Items"][0]["name"], "Flash sale SMS");
}

#[tokio::test]
async fn analytics_end_yesterday_and_span_at_most_185_days() {
    let s = Sandbox::new();
    // The sandbox clock stands at 2026-07-06.
    let (code, message) = s
        .err(
            "get_messaging_analytics",
            json!({"dateFrom": "2026-07-01", "dateTo": "2026-07-06", "groupBy": "organization"}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    assert!(
        message.contains("2026-07-05 (yesterday) at the latest"),
        "{message}"
    );
    let (code, message) = s
        .err(
            "get_messaging_analytics",
            json!({"dateFrom": "2026-01-01", "dateTo": "2026-07-05", "groupBy": "workflow"}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("at most 185 days"), "{message}");
    assert!(message.contains("2026-01-02 at the earliest"), "{message}");
    // Exactly 185 days, ending yesterday, is allowed.
    let report = s
        .ok(
            "get_messaging_analytics",
            json!({"dateFrom": "2026-01-02", "dateTo": "2026-07-05", "groupBy": "ORGANIZATION"}),
        )
        .await;
    let org = &report["rows"][0];
    assert_eq!(org["key"], "organization");
    assert!(org["sent"].as_u64().unwrap() > 100);
    assert!(org["delivered"].as_u64() <= org["sent"].as_u64());
    let by_workflow = s
        .ok(
            "get_messaging_analytics",
            json!({"dateFrom": "2026-01-02", "dateTo": "2026-07-05", "groupBy": "workflow"}),
        )
        .await;
    assert!(by_workflow["rows"].as_array().unwrap().len() >= 2);
    let (code, _) = s
        .err(
            "get_messaging_analytics",
            json!({"dateFrom": "2026-07-01", "dateTo": "2026-07-05", "groupBy": "campaign"}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    let (code, message) = s
        .err(
            "get_events_analytics",
            json!({"dateFrom": "2026-07-06", "dateTo": "2026-07-06"}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("yesterday"), "{message}");

    // Today's activity shows up once the day has passed.
    let contact = s.first_id("list_contacts", json!({})).await;
    for _ in 0..3 {
        s.ok(
            "create_event",
            json!({"eventTypeKey": "review_left", "contact": {"contactId": contact}}),
        )
        .await;
    }
    s.advance(86_400);
    let today = s
        .ok("get_events_analytics", json!({"dateFrom": "2026-07-06", "dateTo": "2026-07-06", "eventTypeKeys": ["review_left"]}))
        .await;
    assert!(today["rows"][0]["total"].as_u64().unwrap() >= 3);
}

#[tokio::test]
async fn workflows_start_as_inactive_shells_and_take_only_valid_graphs() {
    let s = Sandbox::new();
    let flow = s
        .ok("create_workflow", json!({"name": "Graph checks"}))
        .await;
    assert_eq!(flow["status"], "inactive");
    let id = flow["id"].clone();
    let export = s.ok("get_workflow_export", json!({"workflowId": id})).await;
    assert_eq!(
        export["graph"]["nodes"],
        json!([{"id": "start", "type": "start"}])
    );
    assert!(export["configs"]["start"].is_object() && export["configs"]["stop"].is_object());

    let cases = [
        (json!({"nodes": [], "edges": []}), "no nodes"),
        (
            json!({"nodes": [{"id": "a", "type": "wait"}], "edges": []}),
            "no node of type start",
        ),
        (
            json!({"nodes": [{"id": "s", "type": "start"}, {"id": "t", "type": "start"}], "edges": []}),
            "2 start nodes",
        ),
        (
            json!({"nodes": [{"id": "s", "type": "start"}], "edges": [{"from": "s", "to": "x"}]}),
            "names node x",
        ),
        (
            json!({"nodes": [{"id": "s", "type": "start"}, {"id": "lost", "type": "exit"}], "edges": []}),
            "lost cannot be reached",
        ),
        (
            json!({"nodes": [{"id": "s", "type": "start"}, {"id": "s", "type": "exit"}], "edges": []}),
            "used twice",
        ),
        (
            json!({"nodes": [{"id": "s", "type": "start"}, {"id": "t", "type": "teleport"}], "edges": [{"from": "s", "to": "t"}]}),
            "node types are",
        ),
        (
            json!({"nodes": [{"id": "s", "type": "start"}, {"id": "m", "type": "send_email", "messageId": 1}], "edges": [{"from": "s", "to": "m"}]}),
            "does not exist",
        ),
    ];
    for (graph, says) in cases {
        let ticket = s
            .ok("prepare_workflow_upload", json!({"workflowId": id}))
            .await;
        s.upload(
            &ticket,
            "graph",
            "application/json",
            graph.to_string().as_bytes(),
        );
        let (code, message) = s
            .err(
                "update_workflow",
                json!({"workflowId": id, "uploadSessionId": ticket["uploadSessionId"]}),
            )
            .await;
        assert_eq!(code, "InvalidWorkflowGraph", "{graph}");
        assert!(message.contains(says), "{graph}: {message}");
    }
    let ticket = s
        .ok("prepare_workflow_upload", json!({"workflowId": id}))
        .await;
    s.upload(&ticket, "graph", "application/json", b"{not json");
    let (code, _) = s
        .err(
            "update_workflow",
            json!({"workflowId": id, "uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "InvalidUploadedFile");

    // Active workflows are not edited by the agent.
    let active = s
        .first_id("list_workflows", json!({"status": "active"}))
        .await;
    let ticket = s
        .ok("prepare_workflow_upload", json!({"workflowId": active}))
        .await;
    s.upload(
        &ticket,
        "graph",
        "application/json",
        br#"{"nodes":[{"id":"s","type":"start"}],"edges":[]}"#,
    );
    let (code, message) = s
        .err(
            "update_workflow",
            json!({"workflowId": active, "uploadSessionId": ticket["uploadSessionId"]}),
        )
        .await;
    assert_eq!(code, "WorkflowActive");
    assert!(message.contains("inactive"), "{message}");
}

#[tokio::test]
async fn email_models_take_content_changes_only() {
    let s = Sandbox::new();
    let id = email_with_model(&s).await;
    let link = s.ok("get_email_model", json!({"messageId": id})).await;
    let file = s
        .account
        .downloads()
        .fetch_url(link["download"]["url"].as_str().unwrap())
        .unwrap();
    let model: mcp_tools::serde_json::Value =
        mcp_tools::serde_json::from_slice(&file.bytes).unwrap();

    let mut moved = model.clone();
    let blocks = moved["rows"][1]["columns"][1]["blocks"]
        .as_array_mut()
        .unwrap();
    blocks.swap(0, 1);
    let mut restyled = model.clone();
    restyled["rows"][0]["padding"] = json!(40);
    let mut removed = model.clone();
    removed["rows"].as_array_mut().unwrap().pop();
    let mut retyped = model.clone();
    retyped["rows"][1]["columns"][1]["blocks"][0]["type"] = json!("heading");
    let cases = [
        (moved, "replaced by id b-button"),
        (restyled, "padding changed from 24 to 40"),
        (removed, "has 1 elements instead of 2"),
        (retyped, "type changed from \"text\" to \"heading\""),
    ];
    for (edited, says) in cases {
        let ticket = s
            .ok("prepare_email_model_upload", json!({"messageId": id}))
            .await;
        s.upload(
            &ticket,
            "model",
            "application/json",
            edited.to_string().as_bytes(),
        );
        let (code, message) = s
            .err(
                "update_email_model",
                json!({"messageId": id, "uploadSessionId": ticket["uploadSessionId"]}),
            )
            .await;
        assert_eq!(code, "BlockStructureChanged");
        assert!(
            message.contains("layout and block structure of email templates cannot be changed"),
            "{message}"
        );
        assert!(message.contains(says), "{says}: {message}");
    }
    // Nothing was saved by the refused edits.
    let again = s.ok("get_email_model", json!({"messageId": id})).await;
    let now = s
        .account
        .downloads()
        .fetch_url(again["download"]["url"].as_str().unwrap())
        .unwrap();
    assert_eq!(now.bytes, file.bytes);

    // HTML of an editor-built message cannot be replaced directly.
    let (code, message) = s
        .err(
            "update_email_message",
            json!({"messageId": id, "html": "<p>new layout</p>"}),
        )
        .await;
    assert_eq!(code, "EditorModelRequired");
    assert!(message.contains("update_email_model"), "{message}");
    let (code, _) = s
        .err("prepare_email_message_upload", json!({"messageId": id}))
        .await;
    assert_eq!(code, "EditorModelRequired");
    // And a message made from HTML has no model.
    let html_only = s
        .ok("list_email_messages", json!({"query": "password"}))
        .await["Items"][0]["id"]
        .clone();
    let (code, message) = s
        .err("get_email_model", json!({"messageId": html_only}))
        .await;
    assert_eq!(code, "NotFound");
    assert!(message.contains("no editor model"), "{message}");
}

#[tokio::test]
async fn sends_create_unknown_contacts_and_subscriptions_start_unconfirmed() {
    let s = Sandbox::new();
    let email_id = s
        .first_id("list_email_messages", json!({"query": "welcome"}))
        .await;
    let sms_id = s
        .first_id("list_sms_messages", json!({"query": "shipped"}))
        .await;
    let sent = s.ok("send_email_message", json!({"messageId": email_id, "email": "Stranger@Example.com", "params": {"firstName": "Sam"}})).await;
    assert_eq!(sent["contactCreated"], true);
    let contact = s
        .ok(
            "get_contacts_by_email",
            json!({"email": "stranger@example.com"}),
        )
        .await;
    assert_eq!(contact["id"], sent["contactId"]);
    let status = s
        .ok(
            "get_message_status",
            json!({"interactionId": sent["interactionId"]}),
        )
        .await;
    assert_eq!(status["preview"], "Welcome to Sandbox Store, Sam!");

    let texted = s
        .ok(
            "send_sms_message",
            json!({"messageId": sms_id, "phone": "+48 600 100 200"}),
        )
        .await;
    assert_eq!(texted["contactCreated"], true);
    let again = s
        .ok(
            "send_sms_message",
            json!({"messageId": sms_id, "phone": "+48600100200"}),
        )
        .await;
    assert_eq!(
        (again["contactCreated"].clone(), again["contactId"].clone()),
        (json!(false), texted["contactId"].clone())
    );
    let (code, message) = s
        .err(
            "send_sms_message",
            json!({"messageId": sms_id, "phone": "0501234567"}),
        )
        .await;
    assert_eq!(code, "InvalidParameter");
    assert!(message.contains("E.164"), "{message}");

    // An unsubscribed contact gets nothing.
    s.ok(
        "update_contact",
        json!({"contactId": sent["contactId"], "emailSubscribed": false}),
    )
    .await;
    let (code, _) = s
        .err(
            "send_email_message",
            json!({"messageId": email_id, "email": "stranger@example.com"}),
        )
        .await;
    assert_eq!(code, "ContactUnsubscribed");

    // Mail from an unverified sender domain does not go out, and creates nobody.
    let unverified = s
        .ok(
            "create_email_message",
            json!({"name": "Deals", "subject": "Deals", "senderId": 13, "html": "<p>x</p>"}),
        )
        .await;
    let (code, message) = s
        .err(
            "send_email_message",
            json!({"messageId": unverified["id"], "email": "fresh@example.com"}),
        )
        .await;
    assert_eq!(code, "SenderNotVerified");
    assert!(message.contains("deals@new-domain.example"), "{message}");
    let (code, _) = s
        .err(
            "get_contacts_by_email",
            json!({"email": "fresh@example.com"}),
        )
        .await;
    assert_eq!(code, "NotFound");

    let sub = s
        .ok(
            "subscribe_contact",
            json!({"email": "form@example.com", "firstName": "Fay"}),
        )
        .await;
    assert_eq!(
        (sub["created"].clone(), sub["confirmed"].clone()),
        (json!(true), json!(false))
    );
    let view = s
        .ok("get_contact", json!({"contactId": sub["contactId"]}))
        .await;
    assert_eq!(view["confirmed"], false);
    assert_eq!(view["emailSubscribed"], true);
    // An existing, confirmed contact stays confirmed.
    let known = s
        .ok("subscribe_contact", json!({"email": "form@example.com"}))
        .await;
    assert_eq!(known["created"], false);
    let ada = s
        .ok(
            "upsert_contact",
            json!({"contact": {"email": "ada@example.com"}}),
        )
        .await;
    let resub = s
        .ok("subscribe_contact", json!({"email": "ada@example.com"}))
        .await;
    assert_eq!(
        (resub["contactId"].clone(), resub["confirmed"].clone()),
        (ada["contactId"].clone(), json!(true))
    );
}

#[tokio::test]
async fn smart_send_personalises_per_contact_and_reports_each_recipient() {
    let s = Sandbox::new();
    let push = s
        .first_id(
            "list_mobile_push_messages",
            json!({"query": "cart reminder"}),
        )
        .await;
    let a = s
        .ok(
            "upsert_contact",
            json!({"contact": {"email": "a@example.com", "firstName": "Ann"}}),
        )
        .await["contactId"]
        .clone();
    let b = s
        .ok(
            "upsert_contact",
            json!({"contact": {"email": "b@example.com", "firstName": "Bob"}}),
        )
        .await["contactId"]
        .clone();
    let email = s
        .first_id("list_email_messages", json!({"query": "welcome"}))
        .await;
    let result = s
        .ok(
            "smart_send_message",
            json!({"channel": "EMAIL", "messageId": email, "recipients": [
                {"contact": {"contactId": a}},
                {"contact": {"email": "b@example.com"}, "params": {"firstName": "Robert"}},
                {"contact": {"email": "nobody@example.com"}}
            ]}),
        )
        .await;
    assert_eq!(
        (result["sent"].as_u64(), result["skipped"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        result["recipients"][2]["error"]
            .as_str()
            .unwrap()
            .starts_with("NotFound")
    );
    let first = s
        .ok(
            "get_message_status",
            json!({"interactionId": result["recipients"][0]["interactionId"]}),
        )
        .await;
    let second = s
        .ok(
            "get_message_status",
            json!({"interactionId": result["recipients"][1]["interactionId"]}),
        )
        .await;
    assert_eq!(first["preview"], "Welcome to Sandbox Store, Ann!");
    assert_eq!(second["preview"], "Welcome to Sandbox Store, Robert!");
    assert_eq!(second["contactId"], b);
    // Push needs an active token.
    let no_token = s
        .ok("smart_send_message", json!({"channel": "mobilePush", "messageId": push, "recipients": [{"contact": {"contactId": a}}]}))
        .await;
    assert!(
        no_token["recipients"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("ContactHasNoAddress")
    );
    let (code, message) = s
        .err("smart_send_message", json!({"channel": "email", "messageId": email, "recipients": [{"contact": {"contactId": a, "email": "a@example.com"}}]}))
        .await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("exactly one"), "{message}");
}

#[tokio::test]
async fn delivery_status_moves_on_with_time() {
    let s = Sandbox::new();
    let email = s
        .first_id("list_email_messages", json!({"query": "newsletter"}))
        .await;
    let mut seen = std::collections::BTreeSet::new();
    let mut ids = Vec::new();
    for n in 0..40 {
        let sent = s
            .ok(
                "send_email_message",
                json!({"messageId": email, "email": format!("reader{n}@example.com")}),
            )
            .await;
        ids.push(sent["interactionId"].clone());
    }
    let status = |v: mcp_tools::serde_json::Value| v["status"].as_str().unwrap().to_owned();
    assert_eq!(
        status(
            s.ok("get_message_status", json!({"interactionId": ids[0]}))
                .await
        ),
        "queued"
    );
    s.advance(40);
    assert_eq!(
        status(
            s.ok("get_message_status", json!({"interactionId": ids[0]}))
                .await
        ),
        "sent"
    );
    s.advance(3600);
    for id in &ids {
        let view = s
            .ok("get_message_status", json!({"interactionId": id}))
            .await;
        let steps: Vec<String> = view["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["status"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(&steps[..2], ["queued", "sent"]);
        seen.insert(status(view));
    }
    for expected in ["delivered", "opened", "clicked", "bounced"] {
        assert!(seen.contains(expected), "no {expected} among {seen:?}");
    }
    // Reported statuses only move forward.
    let (code, message) = s
        .err(
            "update_interaction_status",
            json!({"interactionId": ids[0], "status": "delivered"}),
        )
        .await;
    assert_eq!(code, "StatusCannotMoveBack");
    assert!(message.contains("only move forward"), "{message}");
    let mut delivered = None;
    for id in &ids {
        let view = s
            .ok("get_message_status", json!({"interactionId": id}))
            .await;
        if view["status"] == "delivered" {
            delivered = Some(id.clone());
            break;
        }
    }
    let delivered = delivered.expect("a delivery that stopped at delivered");
    let (code, message) = s
        .err(
            "update_interaction_status",
            json!({"interactionId": delivered, "status": "failed"}),
        )
        .await;
    assert_eq!(code, "StatusCannotMoveBack");
    assert!(message.contains("before delivery"), "{message}");
    let opened = s
        .ok(
            "update_interaction_status",
            json!({"interactionId": delivered, "status": "OPENED"}),
        )
        .await;
    assert_eq!(opened["status"], "opened");
    assert_eq!(opened["history"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn broadcasts_need_confirmation_and_preview_their_audience() {
    let s = Sandbox::new();
    let email = s
        .first_id("list_email_messages", json!({"query": "summer"}))
        .await;
    let segment = s.segment("static").await;
    let args =
        json!({"name": "Launch", "channel": "email", "messageId": email, "segmentIds": [segment]});
    let before = s.ok("list_broadcasts", json!({})).await["Items"]
        .as_array()
        .unwrap()
        .len();
    let dry = s.ok("send_broadcast", args.clone()).await;
    assert_eq!(dry["Confirmed"], false);
    let preview = &dry["Preview"];
    assert_eq!(preview["segments"][0]["id"], segment);
    let members = preview["segments"][0]["members"].as_u64().unwrap();
    let reached = preview["recipients"].as_u64().unwrap();
    let excluded = preview["excludedUnsubscribed"].as_u64().unwrap()
        + preview["excludedNoAddress"].as_u64().unwrap();
    assert_eq!(reached + excluded, members);
    assert!(!preview["sampleContactIds"].as_array().unwrap().is_empty());
    // The dry run sent nothing.
    assert_eq!(
        s.ok("list_broadcasts", json!({})).await["Items"]
            .as_array()
            .unwrap()
            .len(),
        before
    );

    // No schedules: a send time is refused by the contract.
    let mut scheduled = args.clone();
    scheduled["sendAt"] = json!("2026-07-07T09:00:00Z");
    let (code, message) = s.err("send_broadcast", scheduled).await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("sendAt"), "{message}");

    // A token for other arguments is refused.
    let mut other = args.clone();
    other["name"] = json!("Another");
    other["confirmationToken"] = dry["ConfirmationToken"].clone();
    let (code, _) = s.err("send_broadcast", other).await;
    assert_eq!(code, "ConfirmationArgumentsChanged");

    let mut confirmed = args.clone();
    confirmed["confirmationToken"] = dry["ConfirmationToken"].clone();
    let started = s.ok("send_broadcast", confirmed.clone()).await;
    assert_eq!(started["recipients"].as_u64(), Some(reached));
    assert_eq!(started["status"], "sending");
    let (code, _) = s.err("send_broadcast", confirmed).await;
    assert_eq!(code, "ConfirmationAlreadyUsed");
    let (code, message) = s
        .err("delete_broadcast", json!({"broadcastId": started["id"]}))
        .await;
    assert_eq!(code, "Conflict");
    assert!(message.contains("still sending"), "{message}");
    s.advance(301);
    let done = s
        .ok("get_broadcast", json!({"broadcastId": started["id"]}))
        .await;
    assert_eq!(done["status"], "sent");

    // Web push uses a mobile push message and web tokens only.
    let push = s.first_id("list_mobile_push_messages", json!({})).await;
    let web = s
        .ok("send_broadcast", json!({"name": "Web", "channel": "webPush", "messageId": push, "segmentIds": [s.segment("static").await]}))
        .await;
    assert_eq!(web["Preview"]["channel"], "webPush");
    let (code, _) = s
        .err(
            "send_broadcast",
            json!({"name": "Wrong", "channel": "sms", "messageId": email, "segmentIds": [segment]}),
        )
        .await;
    assert_eq!(code, "NotFound");
}

#[tokio::test]
async fn deliverability_is_a_read_only_snapshot() {
    let s = Sandbox::new();
    let first = s.ok("get_email_deliverability_setup", json!({})).await;
    assert_eq!(first["shortLinks"]["enabled"], true);
    assert_eq!(first["unsubscribe"]["oneClick"], true);
    assert!(
        first["senders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["verified"] == false)
    );
    let tool = mcp_example_reteno::tools::all()
        .into_iter()
        .find(|t| t.name() == "get_email_deliverability_setup")
        .unwrap();
    assert_eq!(tool.annotations().read_only_hint, Some(true));
    let (code, _) = s
        .err("get_email_deliverability_setup", json!({"domain": "x"}))
        .await;
    assert_eq!(code, "InvalidArguments");
}

#[tokio::test]
async fn contact_identifiers_stay_unique() {
    let s = Sandbox::new();
    let a = s
        .ok(
            "upsert_contact",
            json!({"contact": {"email": "one@example.com"}}),
        )
        .await;
    let b = s
        .ok(
            "upsert_contact",
            json!({"contact": {"phone": "+380671234567"}}),
        )
        .await;
    let (code, message) = s
        .err(
            "upsert_contact",
            json!({"contact": {"email": "one@example.com", "phone": "+380671234567"}}),
        )
        .await;
    assert_eq!(code, "Conflict");
    assert!(message.contains("two different contacts"), "{message}");
    let (code, _) = s
        .err(
            "update_contact",
            json!({"contactId": b["contactId"], "email": "one@example.com"}),
        )
        .await;
    assert_eq!(code, "Conflict");
    let (code, message) = s
        .err(
            "upsert_contact",
            json!({"contact": {"firstName": "Nobody"}}),
        )
        .await;
    assert_eq!(code, "InvalidArguments");
    assert!(message.contains("identifier"), "{message}");
    let bulk = s
        .ok("bulk_upsert_contacts", json!({"contacts": [{"email": "one@example.com", "lastName": "Updated"}, {"email": "broken"}]}))
        .await;
    assert_eq!(
        (bulk["updated"].as_u64(), bulk["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(bulk["rows"][0]["contactId"], a["contactId"]);
    assert!(
        bulk["rows"][1]["error"]
            .as_str()
            .unwrap()
            .contains("not a valid address")
    );
}
