//! Personal data: de-identified without pii:read and clear with it, in every
//! area that holds it; name and email search need pii:read; personal changes
//! need pii:write.

use mcp_tools::serde_json::{Value, json};

use crate::support::Sandbox;
use mcp_example_retently::account::Direction;

/// `j***@example.com`: first character and domain kept.
fn is_masked_email(value: &Value, clear: &str) -> bool {
    let (_, domain) = clear.split_once('@').unwrap();
    let first: String = clear.chars().take(1).collect();
    value.as_str() == Some(&format!("{first}***@{domain}"))
}

/// `Person 4F2A`: a stable pseudonym.
fn is_pseudonym(value: &Value) -> bool {
    value.as_str().is_some_and(|v| {
        v.strip_prefix("Person ")
            .is_some_and(|hex| hex.len() == 4 && hex.chars().all(|c| c.is_ascii_hexdigit()))
    })
}

/// Calls a read with and without pii:read; checks that `email` and `name`
/// (JSON pointers) are de-identified without it and clear with it, and that
/// the clear values appear nowhere in the de-identified answer.
async fn check(
    s: &Sandbox,
    tool: &str,
    args: Value,
    (email_at, email): (&str, &str),
    (name_at, name): (&str, &str),
) {
    let masked = s.data(&s.no_pii, tool, args.clone()).await;
    let clear = s.data(&s.full, tool, args).await;
    assert!(
        is_masked_email(&masked.pointer(email_at).unwrap().clone(), email),
        "{tool}: {}",
        masked.pointer(email_at).unwrap()
    );
    assert!(
        is_pseudonym(masked.pointer(name_at).unwrap()),
        "{tool}: {}",
        masked.pointer(name_at).unwrap()
    );
    let text = masked.to_string();
    assert!(!text.contains(email), "{tool} leaks {email}");
    assert!(!text.contains(name), "{tool} leaks {name}");
    assert_eq!(clear.pointer(email_at).unwrap(), email, "{tool}");
    assert_eq!(clear.pointer(name_at).unwrap(), name, "{tool}");
}

#[tokio::test]
async fn personal_data_is_deidentified_without_pii_read() {
    let s = Sandbox::start().await;
    let (feedback, customer, inbound, user, outbox, suppressed) = {
        let state = s.account.read();
        let f = state
            .feedback
            .iter()
            .find(|f| f.replies.iter().any(|r| r.direction == Direction::Inbound))
            .unwrap();
        let customer = state.customer_of(f).unwrap().clone();
        let inbound = f
            .replies
            .iter()
            .position(|r| r.direction == Direction::Inbound)
            .unwrap();
        let user = state.users[0].clone();
        let newest_outbox = state.outbox.iter().max_by_key(|o| o.id).unwrap().clone();
        let outbox_customer = state
            .customers
            .iter()
            .find(|c| Some(c.id) == newest_outbox.customer_id)
            .cloned();
        (
            f.id,
            customer,
            inbound,
            user,
            (newest_outbox, outbox_customer),
            state.suppressed_emails[0].clone(),
        )
    };
    let name = customer.full_name();
    let email = customer.email.as_str();

    // Feedback: who left it.
    check(
        &s,
        "get_feedback",
        json!({"feedbackId": feedback}),
        ("/customerEmail", email),
        ("/customerName", &name),
    )
    .await;
    // Replies: the customer's own message in the thread.
    check(
        &s,
        "get_feedback_replies",
        json!({"feedbackId": feedback}),
        (&format!("/messages/{inbound}/senderEmail"), email),
        (&format!("/messages/{inbound}/senderName"), &name),
    )
    .await;
    // Customers.
    check(
        &s,
        "get_customer",
        json!({"customerId": customer.id}),
        ("/email", email),
        ("/firstName", &customer.first_name),
    )
    .await;
    // Team members.
    check(
        &s,
        "get_user",
        json!({"userId": user.id}),
        ("/email", &user.email),
        ("/name", &user.full_name()),
    )
    .await;
    // Outbox: the recipient of the newest message.
    let (entry, _) = outbox;
    let masked = s.data(&s.no_pii, "list_outbox", json!({"top": 1})).await;
    let clear = s.data(&s.full, "list_outbox", json!({"top": 1})).await;
    assert_eq!(clear["Items"][0]["id"], entry.id);
    let recipient = clear["Items"][0]["recipientEmail"].as_str().unwrap();
    assert!(is_masked_email(
        &masked["Items"][0]["recipientEmail"],
        recipient
    ));
    // Suppressions: the addresses need pii:read outright, and come back clear with it.
    s.call(Some(&s.no_pii), "list_suppressed_emails", json!({}))
        .await
        .assert_refused("Forbidden", "pii:read");
    let listed = s
        .data(
            &s.full,
            "get_suppressed_email",
            json!({"suppressionId": suppressed.id}),
        )
        .await;
    assert_eq!(listed["email"], suppressed.email);
    // A survey preview names a suppressed recipient only de-identified.
    let campaign = s
        .data(&s.no_pii, "search_campaigns", json!({"enabled": true}))
        .await;
    let campaign_id = campaign["Items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "email")
        .unwrap()["id"]
        .clone();
    let (preview, _) = s
        .dry_run(
            &s.no_pii,
            "send_survey",
            &json!({"campaignId": campaign_id, "recipients": [{"email": suppressed.email}]}),
        )
        .await;
    assert!(
        is_masked_email(&preview["dropped"][0]["email"], &suppressed.email),
        "{preview}"
    );
}

#[tokio::test]
async fn searching_by_name_or_email_needs_pii_read() {
    let s = Sandbox::start().await;
    let (last_name, tag) = {
        let state = s.account.read();
        let c = state.customers.iter().find(|c| !c.tags.is_empty()).unwrap();
        (c.last_name.clone(), c.tags[0].clone())
    };
    s.call(
        Some(&s.no_pii),
        "search_customers",
        json!({"name": last_name}),
    )
    .await
    .assert_refused("Forbidden", "pii:read");
    s.call(Some(&s.no_pii), "search_customers", json!({"email": "@"}))
        .await
        .assert_refused("Forbidden", "pii:read");
    let by_tag = s
        .data(&s.no_pii, "search_customers", json!({"tag": tag}))
        .await;
    assert!(!by_tag["Items"].as_array().unwrap().is_empty());
    let by_name = s
        .data(&s.full, "search_customers", json!({"name": last_name}))
        .await;
    assert!(
        by_name["Items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["lastName"] == json!(last_name))
    );
}

#[tokio::test]
async fn personal_changes_need_pii_write() {
    let s = Sandbox::start().await;
    let customer = s.account.read().customers[0].clone();
    let rename = json!({"customerId": customer.id, "firstName": "Renamed"});
    s.call(Some(&s.no_pii), "update_contact", rename.clone())
        .await
        .assert_refused("Forbidden", "pii:write");
    assert_eq!(
        s.audit_of("update_contact"),
        [("Refused".to_owned(), Some("Forbidden".to_owned()))]
    );
    // Tags are not personal data: the same connection may change them.
    let (preview, _) = s
        .dry_run(
            &s.no_pii,
            "update_contact",
            &json!({"customerId": customer.id, "tags": ["vip"]}),
        )
        .await;
    assert_eq!(preview["personalDataChanged"], false);
    // With pii:write the rename goes through the usual confirmation.
    let (preview, token) = s.dry_run(&s.full, "update_contact", &rename).await;
    assert_eq!(preview["personalDataChanged"], true);
    assert_eq!(preview["changes"][0]["after"], "Renamed");
    s.confirm(&s.full, "update_contact", &rename, &token)
        .await
        .data();
    assert_eq!(
        s.account.read().customer(customer.id).unwrap().first_name,
        "Renamed"
    );
}
