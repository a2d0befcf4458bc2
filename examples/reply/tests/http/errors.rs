//! Every domain error code the vendor document names, and the argument contract.

use mcp_tools::serde_json::{Value, json};

use crate::harness::{KEY, Sandbox, VERSION};

/// The id of the first sequence whose name contains `name`.
async fn sequence(sandbox: &Sandbox, name: &str, archived: bool) -> u64 {
    let found = sandbox
        .ok(
            "reply_search_sequences",
            json!({"name": name, "archived": archived}),
        )
        .await;
    found["Items"][0]["Id"].as_u64().unwrap()
}

#[tokio::test]
async fn start_needs_mailboxes_and_contacts() {
    let sandbox = Sandbox::start().await;
    let saastr = sequence(&sandbox, "SaaStr", false).await;
    let refused = sandbox
        .fails(
            "reply_start_sequence",
            json!({"sequenceId": saastr}),
            "NoEmailAccounts",
        )
        .await;
    assert!(
        refused
            .message()
            .contains("reply_assign_email_account_to_sequence")
    );

    let partner = sequence(&sandbox, "Partner Referral", false).await;
    let refused = sandbox
        .fails(
            "reply_start_sequence",
            json!({"sequenceId": partner}),
            "NoContacts",
        )
        .await;
    assert!(refused.message().contains("reply_add_contact_to_sequence"));

    // Nothing changed: both are still New.
    let news = sandbox
        .ok("reply_search_sequences", json!({"status": "new"}))
        .await;
    let ids: Vec<u64> = news["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&saastr) && ids.contains(&partner), "{news}");
}

#[tokio::test]
async fn status_transitions_are_checked() {
    let sandbox = Sandbox::start().await;
    let active = sequence(&sandbox, "SaaS Founders", false).await;
    sandbox
        .fails(
            "reply_start_sequence",
            json!({"sequenceId": active}),
            "InvalidStatusTransition",
        )
        .await;
    let new = sequence(&sandbox, "New Hires", false).await;
    sandbox
        .fails(
            "reply_pause_sequence",
            json!({"sequenceId": new}),
            "InvalidStatusTransition",
        )
        .await;
}

#[tokio::test]
async fn archived_sequences_cannot_run_or_change() {
    let sandbox = Sandbox::start().await;
    let archived = sequence(&sandbox, "Fintech", true).await;
    for (tool, args) in [
        ("reply_start_sequence", json!({"sequenceId": archived})),
        (
            "reply_add_contact_to_sequence",
            json!({"sequenceId": archived, "contactIds": [1]}),
        ),
        (
            "reply_assign_schedule_to_sequence",
            json!({"sequenceId": archived, "scheduleId": 1}),
        ),
        (
            "reply_set_sequence_reply_mode",
            json!({"sequenceId": archived, "replyMode": "Autonomous"}),
        ),
    ] {
        sandbox.fails(tool, args, "Archived").await;
    }
    // Reads still work on archived sequences.
    sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": archived}))
        .await;
}

#[tokio::test]
async fn capacity_is_checked_before_anything_is_added() {
    let sandbox = Sandbox::start().await;
    let capped = sequence(&sandbox, "capped", false).await;
    let before = sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": capped}))
        .await;
    let ids: Vec<u64> = (1..=10).collect();
    let refused = sandbox
        .fails(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": capped, "contactIds": ids}),
            "ContactLimitExceeded",
        )
        .await;
    assert!(refused.message().contains("Nothing was added"));
    let after = sandbox
        .ok("reply_get_sequence_stats", json!({"sequenceId": capped}))
        .await;
    assert_eq!(after["TotalContacts"], before["TotalContacts"]);
    // One more fits.
    let one = sandbox
        .ok(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": capped, "contactIds": [ids[0]]}),
        )
        .await;
    let affected = one["AffectedContactIds"].as_array().unwrap().len();
    let skipped = one["NotProcessed"].as_array().unwrap().len();
    assert_eq!(affected + skipped, 1);
}

#[tokio::test]
async fn enrollment_skips_are_reported_per_contact() {
    let sandbox = Sandbox::start().await;
    let target = sequence(&sandbox, "New Hires", false).await;
    let members = sandbox
        .ok(
            "reply_filter_contacts",
            json!({"sequenceId": target, "top": 1}),
        )
        .await;
    let already = members["Items"][0]["Id"].as_u64().unwrap();

    // Blacklisting a whole domain also blocks contacts created afterwards.
    let first = sandbox
        .ok(
            "reply_create_contact",
            json!({"firstName": "Grace", "email": "grace@blocked-domain.com"}),
        )
        .await;
    let blocked = sandbox
        .ok(
            "reply_blacklist_contact",
            json!({"contactId": first["Id"], "blockEntireDomain": true}),
        )
        .await;
    assert_eq!(blocked["BlockedDomain"], "blocked-domain.com");
    let later = sandbox
        .ok(
            "reply_create_contact",
            json!({"firstName": "Linus", "email": "linus@blocked-domain.com"}),
        )
        .await;
    assert_eq!(later["IsBlacklisted"], true);
    let fresh = sandbox
        .ok(
            "reply_create_contact",
            json!({"firstName": "Barbara", "linkedInUrl": "linkedin.com/in/barbara-liskov/"}),
        )
        .await;

    let outcome = sandbox
        .ok(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": target, "contactIds": [already, later["Id"], 987654, fresh["Id"]]}),
        )
        .await;
    assert_eq!(outcome["AffectedContactIds"], json!([fresh["Id"]]));
    let reasons: Vec<(Value, Value)> = outcome["NotProcessed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["Id"].clone(), n["Reason"].clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            (json!(already), json!("ContactAlreadyInSequence")),
            (later["Id"].clone(), json!("ContactInBlackList")),
            (json!(987654), json!("NotFound")),
        ],
        "{outcome}"
    );
}

/// Tries to send on every thread and collects the error codes, so the seeded
/// failure cases are found without hard-coding thread ids.
#[tokio::test]
async fn inbox_sends_fail_with_named_codes() {
    let sandbox = Sandbox::start().await;
    let threads = sandbox.all_items("reply_get_inbox_emails", json!({})).await;
    let email = threads.iter().find(|t| t["Channel"] == "Email").unwrap();
    let mismatch = sandbox
        .fails(
            "reply_send_inbox_reply",
            json!({"threadId": email["ThreadId"], "channel": "LinkedIn", "message": "Hello"}),
            "ChannelMismatch",
        )
        .await;
    assert!(mismatch.message().contains("channel Email"));

    let mut codes = std::collections::BTreeSet::new();
    for thread in &threads {
        let outcome = sandbox
            .call(
                "reply_send_inbox_reply",
                json!({"threadId": thread["ThreadId"], "channel": thread["Channel"], "message": "Following up."}),
            )
            .await;
        codes.insert(outcome.code().to_owned());
    }
    for code in ["", "ContactOptedOut", "ThreadSendFailed"] {
        assert!(
            codes.contains(code),
            "no send ended with {code:?}: {codes:?}"
        );
    }

    let too_long = "x".repeat(32_001);
    sandbox
        .fails(
            "reply_send_inbox_reply",
            json!({"threadId": email["ThreadId"], "channel": "Email", "message": too_long}),
            "InvalidArguments",
        )
        .await;
    sandbox
        .fails(
            "reply_send_inbox_reply",
            json!({"threadId": 999_999, "channel": "Email", "message": "Hi"}),
            "NotFound",
        )
        .await;
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let sandbox = Sandbox::start().await;
    for (tool, args) in [
        ("reply_get_sequence_steps", json!({"sequenceId": 999})),
        ("reply_get_contact_activity", json!({"contactId": 99_999})),
        ("reply_get_offer", json!({"offerId": 77})),
        ("reply_get_playbook", json!({"playbookId": 77})),
        ("reply_get_knowledge_base", json!({"knowledgeBaseId": 77})),
        ("reply_complete_task", json!({"taskId": 99_999})),
        (
            "reply_approve_message",
            json!({"sequenceId": 1, "contactId": 300}),
        ),
        (
            "reply_change_contact_owner",
            json!({"contactIds": [1], "newOwnerId": 42}),
        ),
    ] {
        let outcome = sandbox.fails(tool, args, "NotFound").await;
        assert!(
            outcome.message().contains("reply_"),
            "{tool}: names its resolver"
        );
    }
    sandbox
        .fails(
            "reply_get_knowledge_base_article",
            json!({"slug": "no-such-article"}),
            "ArticleNotFound",
        )
        .await;
}

#[tokio::test]
async fn missing_required_arguments_use_the_vendor_wording() {
    let sandbox = Sandbox::start().await;
    let expected = "Tool 'reply_send_inbox_reply' is missing required argument(s): message. \
                    Supply a real value for each; null, empty strings, and empty arrays are not \
                    accepted for required fields.";
    for message in [None, Some(json!(null)), Some(json!(""))] {
        let mut args = json!({"threadId": 1, "channel": "Email"});
        if let Some(message) = message {
            args["message"] = message;
        }
        let refused = sandbox
            .fails("reply_send_inbox_reply", args, "InvalidArguments")
            .await;
        assert_eq!(refused.message(), expected);
    }
    let refused = sandbox
        .fails(
            "reply_add_contact_to_sequence",
            json!({"sequenceId": 1, "contactIds": []}),
            "InvalidArguments",
        )
        .await;
    assert!(
        refused
            .message()
            .contains("missing required argument(s): contactIds")
    );
}

#[tokio::test]
async fn cross_field_rules_explain_themselves() {
    let sandbox = Sandbox::start().await;
    let refused = sandbox
        .fails(
            "reply_search_contacts",
            json!({"email": "  "}),
            "InvalidArguments",
        )
        .await;
    assert!(
        refused.message().starts_with(
            "Tool 'reply_search_contacts' arguments failed validation: At least one of email or linkedInUrl must be provided"
        ),
        "{}",
        refused.message()
    );
    assert!(
        refused
            .message()
            .contains("ask them for an email address or LinkedIn URL")
    );

    let refused = sandbox
        .fails(
            "reply_create_contact",
            json!({"firstName": "Nobody"}),
            "InvalidArguments",
        )
        .await;
    assert!(refused.message().contains("email and/or linkedInUrl"));
    sandbox
        .fails(
            "reply_create_task",
            json!({"taskType": "LinkedIn", "title": "Connect"}),
            "InvalidArguments",
        )
        .await;
    sandbox
        .fails(
            "reply_compare_sequence_performance",
            json!({"sequenceIds": [1, 1]}),
            "InvalidArguments",
        )
        .await;
    let refused = sandbox
        .fails(
            "reply_report_unsupported_request",
            json!({"requestKey": "Export PDF", "category": "reporting"}),
            "InvalidArguments",
        )
        .await;
    assert!(refused.message().contains("kebab-case"));
    sandbox
        .fails(
            "reply_report_unsupported_request",
            json!({"requestKey": "export-pdf", "category": "finance"}),
            "InvalidArguments",
        )
        .await;
}

#[tokio::test]
async fn the_schema_contract_is_enforced() {
    let sandbox = Sandbox::start().await;
    // Ids must be greater than 0.
    let refused = sandbox
        .fails(
            "reply_get_sequence_steps",
            json!({"sequenceId": 0}),
            "InvalidArguments",
        )
        .await;
    assert!(refused.message().contains("reply_get_sequence_steps"));
    assert!(refused.message().contains("sequenceId"));
    // Unknown arguments are refused, naming the accepted ones.
    let refused = sandbox
        .fails(
            "reply_get_sequence_steps",
            json!({"sequenceId": 1, "includeDrafts": true}),
            "InvalidArguments",
        )
        .await;
    assert!(refused.message().contains("includeDrafts"));
    assert!(refused.message().contains("sequenceId"));
    // Enums match case-insensitively, and only their values.
    sandbox
        .ok("reply_search_sequences", json!({"status": "pAuSeD"}))
        .await;
    sandbox
        .fails(
            "reply_search_sequences",
            json!({"status": "Deleted"}),
            "InvalidArguments",
        )
        .await;
    // Pages are at most 100; batches at most 100 items.
    sandbox
        .fails(
            "reply_filter_contacts",
            json!({"top": 101}),
            "InvalidArguments",
        )
        .await;
    let ids: Vec<u64> = (1..=101).collect();
    sandbox
        .fails(
            "reply_mark_contacts_as_replied",
            json!({"contactIds": ids}),
            "InvalidArguments",
        )
        .await;
}

#[tokio::test]
async fn domain_conflicts_and_inputs() {
    let sandbox = Sandbox::start().await;
    let existing = sandbox
        .ok(
            "reply_filter_contacts",
            json!({"term": "acmerobotics.com", "top": 1}),
        )
        .await;
    let email = existing["Items"][0]["Email"].clone();
    sandbox
        .fails(
            "reply_create_contact",
            json!({"firstName": "Dup", "email": email}),
            "Conflict",
        )
        .await;
    sandbox
        .fails(
            "reply_create_contact",
            json!({"firstName": "Bad", "email": "not-an-email"}),
            "InvalidParameter",
        )
        .await;
    let gmail = sandbox
        .ok(
            "reply_create_contact",
            json!({"firstName": "Pat", "email": "pat.example@gmail.com"}),
        )
        .await;
    sandbox
        .fails(
            "reply_blacklist_contact",
            json!({"contactId": gmail["Id"], "blockEntireDomain": true}),
            "InvalidInput",
        )
        .await;
    sandbox
        .fails(
            "reply_change_inbox_category",
            json!({"threadId": 1, "category": "Hot lead"}),
            "InvalidParameter",
        )
        .await;
}

#[tokio::test]
async fn unknown_tools_are_protocol_errors() {
    let sandbox = Sandbox::start().await;
    let response = sandbox
        .post(
            &[("x-api-key", KEY), ("MCP-Protocol-Version", VERSION)],
            &json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "reply_delete_everything", "arguments": {}}}),
        )
        .await;
    let payload = response.message();
    assert_eq!(payload["error"]["code"], -32602, "{payload}");
}
