//! The whole surface: every tool answers over HTTP, writes show in later reads,
//! and concurrent calls leave the workspace consistent.

use std::collections::BTreeSet;

use mcp_tools::serde_json::{Value, json};

use crate::harness::Sandbox;
use mcp_example_reply::catalog::TOOLS;

/// Calls tools and remembers which ones answered with success.
struct Walk<'a> {
    sandbox: &'a Sandbox,
    called: BTreeSet<String>,
}

impl Walk<'_> {
    async fn ok(&mut self, tool: &str, arguments: Value) -> Value {
        let data = self.sandbox.ok(tool, arguments).await;
        self.called.insert(tool.to_owned());
        data
    }
}

#[track_caller]
fn id(value: &Value) -> u64 {
    match value.as_u64() {
        Some(id) => id,
        None => panic!("expected a numeric id, got {value}"),
    }
}

#[tokio::test]
async fn every_tool_answers_over_http() {
    let sandbox = Sandbox::start().await;
    let mut walk = Walk {
        sandbox: &sandbox,
        called: BTreeSet::new(),
    };

    // Sequences: discover and inspect.
    let found = walk
        .ok("reply_search_sequences", json!({"name": "q3 outbound"}))
        .await;
    assert_eq!(found["Items"].as_array().unwrap().len(), 2);
    let steps = walk
        .ok("reply_get_sequence_steps", json!({"sequenceId": 1}))
        .await;
    let step = id(&steps["Steps"][0]["Id"]);
    let variants = walk
        .ok(
            "reply_get_sequence_step_variants",
            json!({"sequenceId": 1, "stepId": step}),
        )
        .await;
    assert_eq!(variants["Variants"][0]["Label"], "A");
    let stats = walk
        .ok("reply_get_sequence_stats", json!({"sequenceId": 1}))
        .await;
    assert_eq!(stats["TotalContacts"], 60);
    let compared = walk
        .ok(
            "reply_compare_sequence_performance",
            json!({"sequenceIds": [1, 2]}),
        )
        .await;
    assert_eq!(compared["Sequences"].as_array().unwrap().len(), 2);

    // Sequences: control.
    let paused = walk
        .ok("reply_pause_sequence", json!({"sequenceId": 1}))
        .await;
    assert_eq!(paused["Status"], "Paused");
    let resumed = walk
        .ok("reply_start_sequence", json!({"sequenceId": 1}))
        .await;
    assert_eq!(resumed["PreviousStatus"], "Paused");
    assert_eq!(resumed["Status"], "Active");

    // Contacts.
    let created = walk
        .ok(
            "reply_create_contact",
            json!({"firstName": "Ada", "lastName": "Lovelace", "email": "ada@analytical-engines.com", "company": "Analytical Engines"}),
        )
        .await;
    let contact = id(&created["Id"]);
    let searched = walk
        .ok(
            "reply_search_contacts",
            json!({"email": "ADA@analytical-engines.com"}),
        )
        .await;
    assert_eq!(searched["Items"][0]["Id"], contact);
    let filtered = walk
        .ok(
            "reply_filter_contacts",
            json!({"term": "analytical engines"}),
        )
        .await;
    assert_eq!(filtered["Items"][0]["Id"], contact);
    let updated = walk
        .ok(
            "reply_update_contact",
            json!({"contactId": contact, "title": "Analyst"}),
        )
        .await;
    assert_eq!(updated["Title"], "Analyst");
    assert_eq!(updated["FirstName"], "Ada", "patch keeps omitted fields");
    let added = walk
        .ok(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": 12, "contactIds": [contact]}),
        )
        .await;
    assert_eq!(added["AffectedContactIds"], json!([contact]));
    let status = walk
        .ok(
            "reply_change_status_in_sequence",
            json!({"sequenceId": 12, "contactId": contact, "status": "outofoffice"}),
        )
        .await;
    assert_eq!(status["Status"], "OutOfOffice");
    let history = walk
        .ok("reply_get_contact_activity", json!({"contactId": contact}))
        .await;
    let kinds: Vec<&str> = history["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "StatusChanged",
            "AddedToSequence",
            "ContactUpdated",
            "ContactCreated"
        ]
    );
    let replied = walk
        .ok(
            "reply_mark_contacts_as_replied",
            json!({"contactIds": [contact]}),
        )
        .await;
    assert_eq!(replied["AffectedContactIds"], json!([contact]));
    let team = walk
        .ok("reply_search_team_members", json!({"query": "priya"}))
        .await;
    let priya = id(&team["Items"][0]["UserId"]);
    let moved = walk
        .ok(
            "reply_change_contact_owner",
            json!({"contactIds": [contact], "newOwnerId": priya}),
        )
        .await;
    assert_eq!(moved["AffectedContactIds"], json!([contact]));
    let lists = walk.ok("reply_search_lists", json!({})).await;
    assert!(!lists["Items"].as_array().unwrap().is_empty());
    let blocked = walk
        .ok("reply_blacklist_contact", json!({"contactId": contact}))
        .await;
    assert_eq!(blocked["BlockedEmail"], "ada@analytical-engines.com");

    // Resolvers and configuration on the New sequence 5.
    let mailboxes = walk.ok("reply_list_email_accounts", json!({})).await;
    let mailbox = id(&mailboxes["Items"][0]["Id"]);
    walk.ok(
        "reply_assign_email_account_to_sequence",
        json!({"sequenceId": 5, "emailAccountId": mailbox}),
    )
    .await;
    let linkedin = walk.ok("reply_list_linkedin_accounts", json!({})).await;
    let account = id(&linkedin["Items"][0]["Id"]);
    walk.ok(
        "reply_assign_linkedin_account_to_sequence",
        json!({"sequenceId": 5, "linkedInAccountId": account}),
    )
    .await;
    let schedules = walk.ok("reply_list_schedules", json!({})).await;
    let schedule = id(&schedules["Items"][0]["Id"]);
    walk.ok(
        "reply_assign_schedule_to_sequence",
        json!({"sequenceId": 5, "scheduleId": schedule}),
    )
    .await;
    let offers = walk.ok("reply_list_offers", json!({})).await;
    let offer = id(&offers["Items"][0]["Id"]);
    walk.ok(
        "reply_attach_offer_to_sequence",
        json!({"sequenceId": 5, "offerId": offer}),
    )
    .await;
    let playbooks = walk.ok("reply_list_playbooks", json!({})).await;
    let playbook = id(&playbooks["Items"][0]["Id"]);
    walk.ok(
        "reply_attach_playbook_to_sequence",
        json!({"sequenceId": 5, "playbookId": playbook}),
    )
    .await;
    let bases = walk.ok("reply_list_knowledge_bases", json!({})).await;
    let base = id(&bases["Items"][0]["Id"]);
    let setup = walk
        .ok(
            "reply_attach_knowledge_base_to_sequence",
            json!({"sequenceId": 5, "knowledgeBaseId": base}),
        )
        .await;
    assert_eq!(setup["EmailAccountIds"], json!([mailbox]));
    assert_eq!(setup["LinkedInAccountId"], account);
    assert_eq!(setup["ScheduleId"], schedule);
    assert_eq!(setup["OfferId"], offer);
    assert_eq!(setup["PlaybookId"], playbook);
    assert_eq!(setup["KnowledgeBaseId"], base);
    let mode = walk
        .ok(
            "reply_set_sequence_reply_mode",
            json!({"sequenceId": 5, "replyMode": "review"}),
        )
        .await;
    assert_eq!(mode["ReplyMode"], "Review");

    // Inbox: send on the first thread that can send, then categorise it.
    let threads = sandbox.all_items("reply_get_inbox_emails", json!({})).await;
    walk.called.insert("reply_get_inbox_emails".to_owned());
    let mut sent_on = None;
    for thread in &threads {
        let outcome = sandbox
            .call(
                "reply_send_inbox_reply",
                json!({"threadId": thread["ThreadId"], "channel": thread["Channel"], "message": "Thanks, talk soon."}),
            )
            .await;
        if !outcome.is_error {
            sent_on = Some(id(&thread["ThreadId"]));
            walk.called.insert("reply_send_inbox_reply".to_owned());
            break;
        }
    }
    let thread = sent_on.expect("some thread can send");
    let category = walk
        .ok(
            "reply_change_inbox_category",
            json!({"threadId": thread, "category": "meeting BOOKED"}),
        )
        .await;
    assert_eq!(category["Category"], "Meeting booked");

    // Jason approvals, on email drafts of sequence 1.
    let queue = walk
        .ok(
            "reply_list_pending_approvals",
            json!({"sequenceId": 1, "channel": "email", "sortMode": "OldestFirst"}),
        )
        .await;
    let drafts = queue["Items"].as_array().unwrap().clone();
    assert!(drafts.len() >= 5, "sequence 1 has email drafts: {queue}");
    let pair = |d: &Value| json!({"sequenceId": d["SequenceId"], "contactId": d["ContactId"]});
    let sent = walk.ok("reply_approve_message", pair(&drafts[0])).await;
    assert_eq!(sent["Channel"], "Email");
    let mut regenerate = pair(&drafts[1]);
    regenerate["feedback"] = json!("shorter please");
    let revised = walk.ok("reply_regenerate_message", regenerate).await;
    assert_eq!(
        revised["Revision"],
        drafts[1]["Revision"].as_u64().unwrap() + 1
    );
    let rejected = walk.ok("reply_reject_message", pair(&drafts[2])).await;
    assert_eq!(rejected["RemovedFromSequence"], true);
    let bulk = walk
        .ok(
            "reply_bulk_approve_messages",
            json!({"messages": [pair(&drafts[3]), pair(&drafts[4])]}),
        )
        .await;
    assert_eq!(bulk["Approved"], 2);

    // Jason knowledge bases, reply handlers, reengagement cards.
    let kb = walk
        .ok(
            "reply_create_knowledge_base",
            json!({"name": "Sandbox facts", "sourceUrls": ["https://brightloop.io/pricing"]}),
        )
        .await;
    let kb_id = id(&kb["Id"]);
    walk.ok(
        "reply_update_knowledge_base",
        json!({"knowledgeBaseId": kb_id, "instructions": "Answer briefly."}),
    )
    .await;
    let with_source = walk
        .ok(
            "reply_add_knowledge_base_source",
            json!({"knowledgeBaseId": kb_id, "url": "https://brightloop.io/security"}),
        )
        .await;
    assert_eq!(with_source["Sources"].as_array().unwrap().len(), 2);
    let source = id(&with_source["Sources"][1]["Id"]);
    walk.ok(
        "reply_delete_knowledge_base_source",
        json!({"knowledgeBaseId": kb_id, "sourceId": source}),
    )
    .await;
    let full = walk
        .ok(
            "reply_get_knowledge_base",
            json!({"knowledgeBaseId": kb_id}),
        )
        .await;
    assert_eq!(full["Instructions"], "Answer briefly.");
    assert_eq!(full["Sources"].as_array().unwrap().len(), 1);

    let handler = walk
        .ok(
            "reply_create_reply_handler",
            json!({"knowledgeBaseId": kb_id, "questionType": "Pricing", "instructions": "Share the pricing page.", "toneOfVoice": "straightforward"}),
        )
        .await;
    let handler_id = id(&handler["Id"]);
    let handler_ref = json!({"knowledgeBaseId": kb_id, "replyHandlerId": handler_id});
    walk.ok(
        "reply_update_reply_handler",
        json!({"knowledgeBaseId": kb_id, "replyHandlerId": handler_id, "responseLength": "SuperShort"}),
    )
    .await;
    let read = walk
        .ok("reply_get_reply_handler", handler_ref.clone())
        .await;
    assert_eq!(read["ResponseLength"], "SuperShort");
    assert_eq!(read["ToneOfVoice"], "Straightforward");
    let listed = walk
        .ok(
            "reply_list_reply_handlers",
            json!({"knowledgeBaseId": kb_id}),
        )
        .await;
    assert_eq!(listed["Items"].as_array().unwrap().len(), 1);
    walk.ok("reply_delete_reply_handler", handler_ref).await;

    let card = walk
        .ok(
            "reply_create_reengagement_card",
            json!({"knowledgeBaseId": kb_id, "name": "Two weeks quiet", "instructions": "Share a new case study.", "sendAfterDays": 14}),
        )
        .await;
    let card_ref = json!({"knowledgeBaseId": kb_id, "cardId": card["Id"]});
    walk.ok(
        "reply_update_reengagement_card",
        json!({"knowledgeBaseId": kb_id, "cardId": card["Id"], "sendAfterDays": 21}),
    )
    .await;
    let read = walk
        .ok("reply_get_reengagement_card", card_ref.clone())
        .await;
    assert_eq!(read["SendAfterDays"], 21);
    assert_eq!(read["Name"], "Two weeks quiet");
    walk.ok(
        "reply_list_reengagement_cards",
        json!({"knowledgeBaseId": kb_id}),
    )
    .await;
    walk.ok("reply_delete_reengagement_card", card_ref).await;

    // Offers.
    let draft = walk
        .ok(
            "reply_generate_offer_from_website",
            json!({"websiteUrl": "https://www.northwind-logistics.com/fleet-tracking"}),
        )
        .await;
    assert_eq!(draft["CompanyName"], "Northwind Logistics");
    let new_offer = walk
        .ok(
            "reply_create_offer",
            json!({"name": draft["Name"], "companyName": draft["CompanyName"], "companyDescription": draft["CompanyDescription"], "painPoints": draft["PainPoints"]}),
        )
        .await;
    walk.ok(
        "reply_update_offer",
        json!({"offerId": new_offer["Id"], "benefits": ["Fewer late deliveries"]}),
    )
    .await;
    let read = walk
        .ok("reply_get_offer", json!({"offerId": new_offer["Id"]}))
        .await;
    assert_eq!(read["Benefits"], json!(["Fewer late deliveries"]));
    assert_eq!(read["PainPoints"], draft["PainPoints"]);

    // Playbooks.
    let book = walk
        .ok(
            "reply_create_playbook",
            json!({"name": "Consultative", "body": "Ask about their process first."}),
        )
        .await;
    walk.ok(
        "reply_update_playbook",
        json!({"playbookId": book["Id"], "visibility": "organization"}),
    )
    .await;
    let copy = walk
        .ok(
            "reply_duplicate_playbook",
            json!({"playbookId": book["Id"]}),
        )
        .await;
    assert_eq!(copy["Name"], "Copy of Consultative");
    let read = walk
        .ok("reply_get_playbook", json!({"playbookId": book["Id"]}))
        .await;
    assert_eq!(read["VisibilityType"], "Organization");

    // Tasks.
    let task = walk
        .ok(
            "reply_create_task",
            json!({"taskType": "call", "title": "Call Ada back", "contactId": contact, "dueDate": "2026-07-08"}),
        )
        .await;
    let open = walk
        .ok(
            "reply_list_my_tasks",
            json!({"taskType": "Call", "contactId": contact}),
        )
        .await;
    assert_eq!(open["Items"][0]["Id"], task["Id"]);
    let done = walk
        .ok(
            "reply_complete_task",
            json!({"taskId": task["Id"], "callResolution": "positive"}),
        )
        .await;
    assert_eq!(done["Status"], "Completed");

    // Help and meta.
    let hits = walk
        .ok(
            "reply_search_knowledge_base",
            json!({"query": "how do I connect a mailbox"}),
        )
        .await;
    let slug = hits["Items"][0]["Slug"].as_str().unwrap().to_owned();
    let article = walk
        .ok("reply_get_knowledge_base_article", json!({"slug": slug}))
        .await;
    assert!(
        article["SourceUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let map = walk.ok("reply_get_app_map", json!({})).await;
    assert!(!map["Areas"].as_array().unwrap().is_empty());
    let report = walk
        .ok(
            "reply_report_unsupported_request",
            json!({"requestKey": "export-sequence-to-pdf", "category": "REPORTING"}),
        )
        .await;
    assert_eq!(report["Category"], "reporting");

    let expected: BTreeSet<String> = TOOLS.iter().map(|(n, _)| (*n).to_owned()).collect();
    let missing: Vec<_> = expected.difference(&walk.called).collect();
    assert!(missing.is_empty(), "tools never called: {missing:?}");
    assert_eq!(walk.called.len(), 70);
}

#[tokio::test]
async fn statistics_follow_the_state() {
    let sandbox = Sandbox::start().await;
    let before = sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": 6}))
        .await;
    assert_eq!(before["TotalContacts"], 0);
    let contacts = sandbox
        .ok("reply_filter_contacts", json!({"term": "acme", "top": 3}))
        .await;
    let ids: Vec<Value> = contacts["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Id"].clone())
        .collect();
    let added = sandbox
        .ok(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": 6, "contactIds": ids}),
        )
        .await;
    let enrolled = added["AffectedContactIds"].as_array().unwrap().len();
    assert!(enrolled > 0);
    let after = sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": 6}))
        .await;
    assert_eq!(after["TotalContacts"], enrolled);
    assert_eq!(after["ContactsByStatus"]["Active"], enrolled);
    let listed = sandbox
        .ok(
            "reply_search_sequences",
            json!({"name": "partner referral"}),
        )
        .await;
    assert_eq!(listed["Items"][0]["ContactCount"], enrolled);
}

#[tokio::test]
async fn pagination_is_uniform() {
    let sandbox = Sandbox::start().await;
    let first = sandbox.ok("reply_filter_contacts", json!({})).await;
    assert_eq!(first["Items"].as_array().unwrap().len(), 20, "default top");
    assert_eq!(first["HasMore"], true);
    let all = sandbox.all_items("reply_filter_contacts", json!({})).await;
    assert!(all.len() > 300, "a few hundred contacts");
    let distinct: BTreeSet<u64> = all.iter().map(|c| id(&c["Id"])).collect();
    assert_eq!(distinct.len(), all.len(), "pages do not overlap");
    let last = sandbox
        .ok(
            "reply_filter_contacts",
            json!({"top": 100, "skip": all.len() - 1}),
        )
        .await;
    assert_eq!(last["Items"].as_array().unwrap().len(), 1);
    assert_eq!(last["HasMore"], false);
}

#[tokio::test]
async fn concurrent_writes_keep_the_workspace_consistent() {
    let sandbox = std::sync::Arc::new(Sandbox::start().await);
    let mut calls = Vec::new();
    for n in 0..16 {
        let sandbox = sandbox.clone();
        calls.push(tokio::spawn(async move {
            sandbox
                .ok(
                    "reply_create_contact",
                    json!({"firstName": format!("Parallel{n}"), "email": format!("p{n}@parallel-test.com")}),
                )
                .await["Id"]
                .as_u64()
                .unwrap()
        }));
    }
    let mut ids = BTreeSet::new();
    for call in calls {
        ids.insert(call.await.unwrap());
    }
    assert_eq!(ids.len(), 16, "every create got its own id");
    let found = sandbox
        .all_items(
            "reply_filter_contacts",
            json!({"term": "parallel-test.com"}),
        )
        .await;
    assert_eq!(found.len(), 16);
}
