//! The workflow recipes of the vendor document (section 6), end to end: each
//! resolves ids first, configures, acts, then verifies with a read.

use mcp_tools::serde_json::{Value, json};

use crate::harness::Sandbox;

fn items(page: &Value) -> &Vec<Value> {
    page["Items"].as_array().unwrap()
}

/// The pair that addresses a Jason draft.
fn pair(draft: &Value) -> Value {
    json!({"sequenceId": draft["SequenceId"], "contactId": draft["ContactId"]})
}

async fn pending(sandbox: &Sandbox, sequence: u64) -> Vec<Value> {
    sandbox
        .all_items(
            "reply_list_pending_approvals",
            json!({"sequenceId": sequence}),
        )
        .await
}

#[tokio::test]
async fn launch_a_sequence_safely() {
    let sandbox = Sandbox::start().await;
    // 1. Resolve the exact sequence by name.
    let found = sandbox
        .ok("reply_search_sequences", json!({"name": "saastr"}))
        .await;
    assert_eq!(items(&found).len(), 1, "exactly one match");
    let sequence = found["Items"][0]["Id"].clone();
    assert_eq!(found["Items"][0]["Status"], "New");
    // 2. Which channels does it use?
    let steps = sandbox
        .ok("reply_get_sequence_steps", json!({"sequenceId": sequence}))
        .await;
    let types: Vec<&str> = steps["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Type"].as_str().unwrap())
        .collect();
    assert!(types.iter().all(|t| *t == "Email"), "{types:?}");
    // 3. Email steps: a connected mailbox.
    let mailboxes = sandbox.ok("reply_list_email_accounts", json!({})).await;
    let mailbox = items(&mailboxes)
        .iter()
        .find(|m| m["IsConnected"] == true && m["IsDefault"] == true)
        .unwrap()["Id"]
        .clone();
    let setup = sandbox
        .ok(
            "reply_assign_email_account_to_sequence",
            json!({"sequenceId": sequence, "emailAccountId": mailbox}),
        )
        .await;
    assert_eq!(setup["Warnings"], json!([]));
    // 5. A schedule.
    let schedules = sandbox.ok("reply_list_schedules", json!({})).await;
    let schedule = items(&schedules)
        .iter()
        .find(|s| s["IsDefault"] == true)
        .unwrap()["Id"]
        .clone();
    sandbox
        .ok(
            "reply_assign_schedule_to_sequence",
            json!({"sequenceId": sequence, "scheduleId": schedule}),
        )
        .await;
    // 6. Optional AI SDR setup, then the reply mode.
    let offer = sandbox.ok("reply_list_offers", json!({})).await["Items"][0]["Id"].clone();
    let playbook = sandbox.ok("reply_list_playbooks", json!({})).await["Items"][0]["Id"].clone();
    let kb = sandbox.ok("reply_list_knowledge_bases", json!({})).await["Items"][0]["Id"].clone();
    sandbox
        .ok(
            "reply_attach_offer_to_sequence",
            json!({"sequenceId": sequence, "offerId": offer}),
        )
        .await;
    sandbox
        .ok(
            "reply_attach_playbook_to_sequence",
            json!({"sequenceId": sequence, "playbookId": playbook}),
        )
        .await;
    sandbox
        .ok(
            "reply_attach_knowledge_base_to_sequence",
            json!({"sequenceId": sequence, "knowledgeBaseId": kb}),
        )
        .await;
    sandbox
        .ok(
            "reply_set_sequence_reply_mode",
            json!({"sequenceId": sequence, "replyMode": "Review"}),
        )
        .await;
    // 7–8. (The user confirmed.) Start.
    let started = sandbox
        .ok("reply_start_sequence", json!({"sequenceId": sequence}))
        .await;
    assert_eq!(started["PreviousStatus"], "New");
    assert_eq!(started["Status"], "Active");
    assert!(started["ActiveContacts"].as_u64().unwrap() > 0);
    // 9. Verify.
    let active = sandbox
        .ok(
            "reply_search_sequences",
            json!({"name": "saastr", "status": "active"}),
        )
        .await;
    assert_eq!(active["Items"][0]["Id"], sequence);
    let stats = sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": sequence}))
        .await;
    assert_eq!(stats["Status"], "Active");
    assert_eq!(
        stats["ContactsByStatus"]["Active"],
        started["ActiveContacts"]
    );
}

#[tokio::test]
async fn linkedin_steps_warn_about_an_unhealthy_account() {
    let sandbox = Sandbox::start().await;
    let mixed = sandbox
        .ok("reply_search_sequences", json!({"name": "SaaS Founders"}))
        .await["Items"][0]["Id"]
        .clone();
    sandbox
        .ok("reply_pause_sequence", json!({"sequenceId": mixed}))
        .await;
    let accounts = sandbox.ok("reply_list_linkedin_accounts", json!({})).await;
    let unhealthy = items(&accounts)
        .iter()
        .find(|a| a["IsCookieHealthy"] == false)
        .expect("the sandbox has one unhealthy LinkedIn account");
    let healthy = items(&accounts)
        .iter()
        .find(|a| a["IsCookieHealthy"] == true)
        .unwrap();
    let warned = sandbox
        .ok(
            "reply_assign_linkedin_account_to_sequence",
            json!({"sequenceId": mixed, "linkedInAccountId": unhealthy["Id"]}),
        )
        .await;
    assert!(
        warned["Warnings"][0]
            .as_str()
            .unwrap()
            .contains("unhealthy session cookie"),
        "{warned}"
    );
    let fixed = sandbox
        .ok(
            "reply_assign_linkedin_account_to_sequence",
            json!({"sequenceId": mixed, "linkedInAccountId": healthy["Id"]}),
        )
        .await;
    assert_eq!(fixed["Warnings"], json!([]));
    let resumed = sandbox
        .ok("reply_start_sequence", json!({"sequenceId": mixed}))
        .await;
    assert_eq!(resumed["Status"], "Active");
}

#[tokio::test]
async fn add_a_contact_to_a_sequence() {
    let sandbox = Sandbox::start().await;
    // 1. Look the person up by email: not there yet.
    let email = "marie.curie@radium-labs.com";
    let found = sandbox
        .ok("reply_search_contacts", json!({"email": email}))
        .await;
    assert!(items(&found).is_empty());
    // 2. The user confirmed the details: create the contact.
    let created = sandbox
        .ok(
            "reply_create_contact",
            json!({"firstName": "Marie", "lastName": "Curie", "email": email, "company": "Radium Labs", "title": "Head of Research"}),
        )
        .await;
    let contact = created["Id"].clone();
    let found = sandbox
        .ok("reply_search_contacts", json!({"email": email}))
        .await;
    assert_eq!(found["Items"][0]["Id"], contact);
    // 3. Resolve the sequence.
    let sequence = sandbox
        .ok(
            "reply_search_sequences",
            json!({"name": "partner referral"}),
        )
        .await["Items"][0]["Id"]
        .clone();
    // 4. Enroll and read the per-item result.
    let added = sandbox
        .ok(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": sequence, "contactIds": [contact]}),
        )
        .await;
    assert_eq!(added["AffectedContactIds"], json!([contact]));
    assert_eq!(added["NotProcessed"], json!([]));
    // 5. Verify.
    let history = sandbox
        .ok("reply_get_contact_activity", json!({"contactId": contact}))
        .await;
    assert_eq!(history["Items"][0]["Type"], "AddedToSequence");
    assert_eq!(history["Items"][0]["SequenceId"], sequence);
    let again = sandbox
        .ok("reply_search_contacts", json!({"email": email}))
        .await;
    assert_eq!(again["Items"][0]["SequenceIds"], json!([sequence]));
    // Enrolling twice is reported, not repeated.
    let twice = sandbox
        .ok(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": sequence, "contactIds": [contact]}),
        )
        .await;
    assert_eq!(twice["AffectedContactIds"], json!([]));
    assert_eq!(
        twice["NotProcessed"][0]["Reason"],
        "ContactAlreadyInSequence"
    );
}

#[tokio::test]
async fn supervise_jason_in_review_mode() {
    let sandbox = Sandbox::start().await;
    let sequence = 1;
    // 1. Review mode (already on: the change reports it).
    let mode = sandbox
        .ok(
            "reply_set_sequence_reply_mode",
            json!({"sequenceId": sequence, "replyMode": "Review"}),
        )
        .await;
    assert_eq!(mode["PreviousReplyMode"], "Review");
    // 2. The queue, email drafts only.
    let queue = sandbox
        .ok(
            "reply_list_pending_approvals",
            json!({"sequenceId": sequence, "channel": "Email", "top": 100}),
        )
        .await;
    let drafts = items(&queue).clone();
    assert!(drafts.len() >= 5, "{queue}");
    let total = pending(&sandbox, sequence).await.len();

    // 3a. Approve one with an edited body: it is sent and shows in the inbox.
    let mut approve = pair(&drafts[0]);
    approve["body"] = json!("Hi, a short note from the team: happy to share the pilot results.");
    let sent = sandbox.ok("reply_approve_message", approve).await;
    let threads = sandbox
        .ok("reply_get_inbox_emails", json!({"top": 5}))
        .await;
    assert_eq!(threads["Items"][0]["ThreadId"], sent["ThreadId"]);
    assert!(
        threads["Items"][0]["Preview"]
            .as_str()
            .unwrap()
            .starts_with("Hi, a short note from the team")
    );

    // 3b. Regenerate one with feedback: revised, still pending, nothing sent.
    let mut regenerate = pair(&drafts[1]);
    regenerate["feedback"] = json!("more formal, and end with a question");
    let revised = sandbox.ok("reply_regenerate_message", regenerate).await;
    assert_eq!(
        revised["Revision"].as_u64().unwrap(),
        drafts[1]["Revision"].as_u64().unwrap() + 1
    );
    let body = revised["Body"].as_str().unwrap();
    assert!(body.starts_with("Dear "), "{body}");
    assert!(body.trim_end().ends_with('?'), "{body}");

    // 3c. Reject one: the contact leaves the sequence.
    let rejected_contact = drafts[2]["ContactId"].clone();
    let rejected = sandbox.ok("reply_reject_message", pair(&drafts[2])).await;
    assert_eq!(rejected["RemovedFromSequence"], true);
    let members = sandbox
        .all_items("reply_filter_contacts", json!({"sequenceId": sequence}))
        .await;
    assert!(members.iter().all(|c| c["Id"] != rejected_contact));
    let history = sandbox
        .ok(
            "reply_get_contact_activity",
            json!({"contactId": rejected_contact}),
        )
        .await;
    assert_eq!(history["Items"][0]["Type"], "RemovedFromSequence");

    // 4. Bulk approval is atomic: one stale pair and nothing is sent.
    let refused = sandbox
        .fails(
            "reply_bulk_approve_messages",
            json!({"messages": [pair(&drafts[3]), pair(&drafts[2])]}),
            "Conflict",
        )
        .await;
    assert!(refused.message().contains("nothing was sent"));
    assert!(
        refused
            .message()
            .contains(&format!("contact {rejected_contact}"))
    );
    assert_eq!(pending(&sandbox, sequence).await.len(), total - 2);
    let bulk = sandbox
        .ok(
            "reply_bulk_approve_messages",
            json!({"messages": [pair(&drafts[3]), pair(&drafts[4])]}),
        )
        .await;
    assert_eq!(bulk["Approved"], 2);
    let left = pending(&sandbox, sequence).await;
    assert_eq!(left.len(), total - 4);
    for sent in &drafts[3..5] {
        assert!(left.iter().all(|d| pair(d) != pair(sent)));
    }
}

#[tokio::test]
async fn switch_jason_to_autonomous() {
    let sandbox = Sandbox::start().await;
    let sequence = 1;
    // 1. Offer, playbook and knowledge base are attached.
    let offers = sandbox.ok("reply_list_offers", json!({})).await;
    assert!(items(&offers).iter().any(|o| {
        o["AttachedSequenceIds"]
            .as_array()
            .unwrap()
            .contains(&json!(sequence))
    }));
    let bases = sandbox.ok("reply_list_knowledge_bases", json!({})).await;
    assert!(items(&bases).iter().any(|k| {
        k["AttachedSequenceIds"]
            .as_array()
            .unwrap()
            .contains(&json!(sequence))
    }));
    let name = sandbox
        .ok("reply_search_sequences", json!({"name": "SaaS Founders"}))
        .await["Items"][0]["Name"]
        .clone();
    let mut playbook_attached = false;
    for p in sandbox.all_items("reply_list_playbooks", json!({})).await {
        let full = sandbox
            .ok("reply_get_playbook", json!({"playbookId": p["Id"]}))
            .await;
        playbook_attached |= full["SequenceNames"].as_array().unwrap().contains(&name);
    }
    assert!(playbook_attached);

    // 2–3. (Confirmed.) Autonomous, sending the queued drafts.
    let queued = pending(&sandbox, sequence).await.len();
    assert!(queued > 0);
    let change = sandbox
        .ok(
            "reply_set_sequence_reply_mode",
            json!({"sequenceId": sequence, "replyMode": "autonomous", "sendExistingDrafts": true}),
        )
        .await;
    assert_eq!(change["PreviousReplyMode"], "Review");
    assert_eq!(change["ReplyMode"], "Autonomous");
    let sent = change["DraftsSent"].as_u64().unwrap() as usize;
    let still = change["DraftsPending"].as_u64().unwrap() as usize;
    assert!(sent > 0);
    assert_eq!(sent + still, queued);
    assert_eq!(pending(&sandbox, sequence).await.len(), still);

    // 4. Keep watching the inbox and the stats.
    let listed = sandbox
        .ok("reply_search_sequences", json!({"name": "SaaS Founders"}))
        .await;
    assert_eq!(listed["Items"][0]["ReplyMode"], "Autonomous");
    let inbox = sandbox.ok("reply_get_inbox_emails", json!({})).await;
    assert_eq!(inbox["Items"][0]["SequenceId"], sequence);
    assert_eq!(inbox["Items"][0]["LastMessageFromContact"], false);
    sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": sequence}))
        .await;
}

#[tokio::test]
async fn reply_to_an_inbox_thread() {
    let sandbox = Sandbox::start().await;
    // 1. Resolve a thread waiting for an answer, and its channel.
    let threads = sandbox.all_items("reply_get_inbox_emails", json!({})).await;
    let message = "Thanks for getting back to me. Does Thursday at 3pm work for a short call?";
    let mut answered = None;
    for thread in threads
        .iter()
        .filter(|t| t["LastMessageFromContact"] == true)
    {
        let wrong = if thread["Channel"] == "Email" {
            "LinkedIn"
        } else {
            "Email"
        };
        sandbox
            .fails(
                "reply_send_inbox_reply",
                json!({"threadId": thread["ThreadId"], "channel": wrong, "message": message}),
                "ChannelMismatch",
            )
            .await;
        // 3. (The user approved the text.) Send with the thread's channel.
        let outcome = sandbox
            .call(
                "reply_send_inbox_reply",
                json!({"threadId": thread["ThreadId"], "channel": thread["Channel"], "message": message}),
            )
            .await;
        if outcome.is_error {
            let code = outcome.code();
            assert!(
                ["ContactOptedOut", "ThreadSendFailed"].contains(&code),
                "{}",
                outcome.envelope
            );
            continue;
        }
        answered = Some((thread.clone(), outcome.data()));
        break;
    }
    let (thread, sent) = answered.expect("a thread that can be answered");
    assert_eq!(sent["ThreadId"], thread["ThreadId"]);
    assert_eq!(sent["Channel"], thread["Channel"]);
    // The thread now leads the inbox with our message.
    let inbox = sandbox
        .ok("reply_get_inbox_emails", json!({"top": 1}))
        .await;
    let top = &inbox["Items"][0];
    assert_eq!(top["ThreadId"], thread["ThreadId"]);
    assert_eq!(top["LastMessageFromContact"], false);
    assert_eq!(
        top["MessageCount"].as_u64().unwrap(),
        thread["MessageCount"].as_u64().unwrap() + 1
    );
    assert!(
        top["Preview"]
            .as_str()
            .unwrap()
            .starts_with("Thanks for getting back")
    );
    // 4. Reflect the new state.
    let category = sandbox
        .ok(
            "reply_change_inbox_category",
            json!({"threadId": thread["ThreadId"], "category": "Meeting booked"}),
        )
        .await;
    assert_eq!(category["Category"], "Meeting booked");
    let cleared = sandbox
        .ok(
            "reply_change_inbox_category",
            json!({"threadId": thread["ThreadId"]}),
        )
        .await;
    assert_eq!(cleared["PreviousCategory"], "Meeting booked");
    assert_eq!(cleared["Category"], json!(null));
}

#[tokio::test]
async fn handle_an_unsupported_request() {
    let sandbox = Sandbox::start().await;
    // 2. A UI-only setting: the app map gives the steps and link.
    let map = sandbox.ok("reply_get_app_map", json!({})).await;
    let blacklist = map["Areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Title"] == "Blacklist")
        .expect("the app map lists the blacklist area");
    assert!(!blacklist["NavigationSteps"].as_array().unwrap().is_empty());
    assert!(blacklist["Url"].as_str().unwrap().starts_with('/'));
    // 3. A how-to: search, read, cite.
    let hits = sandbox
        .ok(
            "reply_search_knowledge_base",
            json!({"query": "import contacts from a CSV file"}),
        )
        .await;
    assert_eq!(hits["Items"][0]["Slug"], "import-contacts-csv");
    let article = sandbox
        .ok(
            "reply_get_knowledge_base_article",
            json!({"slug": "import-contacts-csv"}),
        )
        .await;
    assert_eq!(
        article["SourceUrl"],
        "https://support.reply.io/en/articles/import-contacts-csv"
    );
    // 4. Genuinely missing: record it with a stable key.
    for times in 1..=2 {
        let report = sandbox
            .ok(
                "reply_report_unsupported_request",
                json!({"requestKey": "export-sequence-to-pdf", "category": "reporting", "description": "Export a sequence's steps as a PDF"}),
            )
            .await;
        assert_eq!(report["Recorded"], true);
        assert_eq!(report["TimesReported"], times);
    }
}
