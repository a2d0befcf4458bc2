//! The nine writes: a dry run changes nothing, the confirmed call does, and a
//! token is refused for changed arguments, another holder, expiry and replay.
//! Every outcome lands in the audit log; writes are rate limited per account.

use std::time::Duration;

use mcp_tools::serde_json::{Value, json};

use crate::support::Sandbox;
use mcp_example_retently::account::{Channel, Role, State, UserStatus};
use mcp_example_retently::catalog::{TOOLS, ToolKind};

/// One write, a read that shows its effect, and arguments that differ.
struct Case {
    tool: &'static str,
    args: Value,
    probe: (&'static str, Value),
    changed: Value,
}

/// A response every write can act on: open, not starred, unassigned, and
/// from a customer whose address may be written to.
fn target(state: &State) -> (u64, u64) {
    let f = state
        .feedback
        .iter()
        .rev()
        .find(|f| {
            f.status == "open"
                && !f.starred
                && f.assignee_id.is_none()
                && f.replies.is_empty()
                && state
                    .customer_of(f)
                    .is_some_and(|c| state.suppression_of(&c.email).is_none())
        })
        .unwrap();
    (f.id, f.customer_id)
}

fn cases(s: &Sandbox) -> Vec<Case> {
    let state = s.account.read();
    let (feedback_id, customer_id) = target(&state);
    let topic = state.topics[0].name.clone();
    let user_id = state
        .users
        .iter()
        .find(|u| u.status == UserStatus::Active && u.role != Role::Viewer)
        .unwrap()
        .id;
    let campaign_id = state
        .campaigns
        .iter()
        .find(|c| c.enabled && c.channel == Channel::Email)
        .unwrap()
        .id;
    let suppressed = state.suppressed_emails[0].email.clone();
    let feedback = ("get_feedback", json!({"feedbackId": feedback_id}));
    let other_feedback = json!(feedback_id - 1);
    let with = |mut args: Value, key: &str, value: Value| {
        args[key] = value;
        args
    };
    let tag = json!({"feedbackId": feedback_id, "add": ["needs-callback"]});
    let topics = json!({"feedbackId": feedback_id,
        "topics": [{"topic": topic, "sentiment": "negative"}]});
    let star = json!({"feedbackId": feedback_id, "starred": true});
    let assign = json!({"feedbackId": feedback_id, "action": "assign", "userId": user_id});
    let resolve = json!({"feedbackId": feedback_id, "action": "resolve"});
    let note = json!({"feedbackId": feedback_id, "text": "Called back, waiting on billing."});
    let reply = json!({"feedbackId": feedback_id, "subject": "About your feedback",
        "body": "Thank you, we are fixing the invoice layout this week."});
    let contact = json!({"customerId": customer_id, "tags": ["vip", "renewal-2027"]});
    let survey = json!({"campaignId": campaign_id, "recipients": [
        {"email": "new.person@sandbox.example", "firstName": "Nova", "lastName": "Reyes"},
        {"email": suppressed}
    ]});
    vec![
        Case {
            tool: "tag_feedback",
            changed: with(tag.clone(), "add", json!(["other-tag"])),
            args: tag,
            probe: feedback.clone(),
        },
        Case {
            tool: "set_topics",
            changed: with(topics.clone(), "topics", json!([])),
            args: topics,
            probe: feedback.clone(),
        },
        Case {
            tool: "star_feedback",
            changed: with(star.clone(), "feedbackId", other_feedback.clone()),
            args: star,
            probe: feedback.clone(),
        },
        Case {
            tool: "assign_feedback",
            changed: with(assign.clone(), "userId", json!(user_id + 1)),
            args: assign,
            probe: feedback.clone(),
        },
        Case {
            tool: "resolve_feedback",
            changed: with(resolve.clone(), "action", json!("reopen")),
            args: resolve,
            probe: feedback.clone(),
        },
        Case {
            tool: "add_note",
            changed: with(note.clone(), "text", json!("Something else.")),
            args: note,
            probe: feedback.clone(),
        },
        Case {
            tool: "reply_feedback",
            changed: with(reply.clone(), "body", json!("A different message.")),
            args: reply,
            probe: ("get_feedback_replies", json!({"feedbackId": feedback_id})),
        },
        Case {
            tool: "update_contact",
            changed: with(contact.clone(), "tags", json!(["vip"])),
            args: contact,
            probe: ("get_customer", json!({"customerId": customer_id})),
        },
        Case {
            tool: "send_survey",
            changed: with(survey.clone(), "campaignId", json!(campaign_id + 1)),
            args: survey,
            probe: ("list_outbox", json!({"top": 100})),
        },
    ]
}

async fn probe(s: &Sandbox, case: &Case) -> Value {
    s.data(&s.full, case.probe.0, case.probe.1.clone()).await
}

#[tokio::test]
async fn every_write_previews_then_executes_once() {
    let s = Sandbox::start().await;
    let cases = cases(&s);
    let writes: Vec<&str> = TOOLS
        .iter()
        .filter(|t| t.kind == ToolKind::Write)
        .map(|t| t.name)
        .collect();
    assert_eq!(cases.iter().map(|c| c.tool).collect::<Vec<_>>(), writes);

    for case in &cases {
        let tool = case.tool;
        let before = probe(&s, case).await;

        // The dry run: a preview and a token; nothing changes.
        let (preview, token) = s.dry_run(&s.full, tool, &case.args).await;
        assert!(!preview.is_null(), "{tool}");
        assert_eq!(
            probe(&s, case).await,
            before,
            "{tool}: the dry run changed data"
        );

        // The token is bound to the arguments and to the holder.
        s.confirm(&s.full, tool, &case.changed, &token)
            .await
            .assert_refused("ConfirmationArgumentsChanged", "");
        s.confirm(&s.other, tool, &case.args, &token)
            .await
            .assert_refused("ConfirmationWrongCaller", "");
        assert_eq!(
            probe(&s, case).await,
            before,
            "{tool}: a refusal changed data"
        );

        // Confirmed: the change is made, exactly as previewed.
        let done = s.confirm(&s.full, tool, &case.args, &token).await.data();
        assert_eq!(
            done, preview,
            "{tool}: the execution differs from its preview"
        );
        assert_ne!(probe(&s, case).await, before, "{tool}: nothing changed");

        // A token works once.
        let after = probe(&s, case).await;
        s.confirm(&s.full, tool, &case.args, &token)
            .await
            .assert_refused("ConfirmationAlreadyUsed", "");
        assert_eq!(
            probe(&s, case).await,
            after,
            "{tool}: the replay changed data"
        );

        let outcomes: Vec<(String, Option<String>)> = s.audit_of(tool);
        let expected = [
            ("DryRun", None),
            ("Refused", Some("ConfirmationArgumentsChanged")),
            ("Refused", Some("ConfirmationWrongCaller")),
            ("Executed", None),
            ("Refused", Some("ConfirmationAlreadyUsed")),
        ]
        .map(|(o, c)| (o.to_owned(), c.map(str::to_owned)));
        assert_eq!(outcomes, expected, "{tool}: audit log");
    }
    // Dry run and execution share one arguments digest; records name the caller.
    let records = s.audit();
    assert_eq!(records.len(), 9 * 5);
    for pair in records.chunks(5) {
        assert_eq!(pair[0]["args_digest"], pair[3]["args_digest"]);
        assert_ne!(pair[0]["args_digest"], pair[1]["args_digest"]);
        assert!(pair[3]["caller"].as_str().unwrap().starts_with("pat:"));
        assert_eq!(pair[3]["account"], "demo account");
    }
    // The records hold no arguments and no personal data.
    let log = std::fs::read_to_string(&s.audit_log).unwrap();
    assert!(!log.contains("new.person@sandbox.example"));
    assert!(!log.contains("invoice layout"));
}

#[tokio::test]
async fn replies_reach_the_thread_and_the_outbox() {
    let s = Sandbox::start().await;
    let (feedback_id, _) = target(&s.account.read());
    let args = json!({"feedbackId": feedback_id, "body": "We refunded the extra charge."});
    let (preview, token) = s.dry_run(&s.full, "reply_feedback", &args).await;
    assert_eq!(preview["subject"], "Re: your feedback");
    let done = s
        .confirm(&s.full, "reply_feedback", &args, &token)
        .await
        .data();
    let thread = s
        .data(
            &s.full,
            "get_feedback_replies",
            json!({"feedbackId": feedback_id}),
        )
        .await;
    let last = thread["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["body"], "We refunded the extra charge.");
    let outbox = s
        .data(&s.full, "list_outbox", json!({"kind": "reply", "top": 100}))
        .await;
    assert!(
        outbox["Items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == done["outboxId"] && o["feedbackId"] == json!(feedback_id)),
        "{outbox}"
    );
}

#[tokio::test]
async fn surveys_drop_suppressed_addresses() {
    let s = Sandbox::start().await;
    let case = cases(&s).pop().unwrap();
    assert_eq!(case.tool, "send_survey");
    let queue = s.data(&s.full, "get_queue_status", json!({})).await;
    let (preview, token) = s.dry_run(&s.full, "send_survey", &case.args).await;
    assert_eq!(preview["recipients"].as_array().unwrap().len(), 1);
    assert_eq!(preview["dropped"].as_array().unwrap().len(), 1);
    assert_eq!(preview["newCustomers"], 1);
    s.confirm(&s.full, "send_survey", &case.args, &token)
        .await
        .data();
    let after = s.data(&s.full, "get_queue_status", json!({})).await;
    assert_eq!(
        after["depth"].as_u64().unwrap(),
        queue["depth"].as_u64().unwrap() + 1
    );
}

#[tokio::test]
async fn tokens_expire() {
    let s = Sandbox::start_with(|settings| {
        settings.confirmation_lifetime = Duration::from_millis(1000);
    })
    .await;
    let cases = cases(&s);
    let mut tokens = Vec::new();
    for case in &cases {
        let before = probe(&s, case).await;
        let (_, token) = s.dry_run(&s.full, case.tool, &case.args).await;
        tokens.push((before, token));
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for (case, (before, token)) in cases.iter().zip(tokens) {
        s.confirm(&s.full, case.tool, &case.args, &token)
            .await
            .assert_refused("ConfirmationExpired", "");
        assert_eq!(probe(&s, case).await, before, "{}", case.tool);
        assert_eq!(
            s.audit_of(case.tool).last().unwrap().1.as_deref(),
            Some("ConfirmationExpired")
        );
    }
}

#[tokio::test]
async fn writes_are_rate_limited_per_account() {
    let s = Sandbox::start_with(|settings| settings.writes_per_hour = 2).await;
    let (feedback_id, _) = target(&s.account.read());
    let star = |starred: bool| json!({"feedbackId": feedback_id, "starred": starred});
    // Two holders of the same account share its budget of two writes.
    for (holder, starred) in [(&s.full, true), (&s.other, false)] {
        let (_, token) = s.dry_run(holder, "star_feedback", &star(starred)).await;
        s.confirm(holder, "star_feedback", &star(starred), &token)
            .await
            .data();
    }
    // Dry runs still work; the third write does not.
    let (_, token) = s.dry_run(&s.full, "star_feedback", &star(true)).await;
    s.confirm(&s.full, "star_feedback", &star(true), &token)
        .await
        .assert_refused("RateLimited", "at most 2 destructive calls per");
    assert!(!s.account.read().feedback(feedback_id).unwrap().starred);
    assert_eq!(
        s.audit_of("star_feedback").last().unwrap(),
        &("Refused".to_owned(), Some("RateLimited".to_owned()))
    );
    // Reads are not held back.
    s.data(&s.full, "get_feedback", json!({"feedbackId": feedback_id}))
        .await;
}
