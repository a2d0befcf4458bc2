//! The deterministic sandbox data set.
//!
//! Every run builds the same account from a fixed seed, with its history laid
//! out backwards from the clock's present: contacts created over the last
//! months, events and deliveries up to today, so the "up to yesterday"
//! analytics always have data.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::clock::DAY;
use super::state::State;
use crate::analytics::{DeliverabilitySetup, SendingDomain, ShortLinks, Unsubscribe};
use crate::broadcasts::{Broadcast, BroadcastChannel};
use crate::contacts::{Contact, PushToken};
use crate::directory::{
    AccountInfo, AddressBook, CustomField, EmailInterface, EventType, OrganisationInfo,
    SmsInterface,
};
use crate::email::{EmailMessage, EmailVariant};
use crate::email_model;
use crate::events::Event;
use crate::messages::{Channel, ChannelMessage, Variant};
use crate::segments::{Group, SegmentRule};
use crate::sending::{Delivery, DeliveryChannel, Fate};
use crate::workflows::Workflow;

use mcp_examples_support::seed::SplitMix64;

/// The seed every sandbox starts from.
const SEED: u64 = 0x5EED_2E7E_4000_0001;

/// How many contacts the sandbox has.
pub const CONTACTS: usize = 80;

const FIRST: &[&str] = &[
    "Olena", "Marta", "Lukas", "Anna", "Jonas", "Sofia", "Mateo", "Emma", "Noah", "Iryna", "Piotr",
    "Lea", "Carlos", "Mia", "Taras", "Julia",
];
const LAST: &[&str] = &[
    "Kovalenko",
    "Schmidt",
    "Nowak",
    "Garcia",
    "Muller",
    "Shevchenko",
    "Silva",
    "Weber",
    "Kowalski",
    "Lopez",
    "Bondar",
    "Fischer",
];
const LANGUAGES: &[&str] = &["en", "en", "en", "de", "de", "uk", "pl", "es", "pt-BR"];
const CITIES: &[&str] = &[
    "Kyiv", "Berlin", "Warsaw", "Madrid", "Lisbon", "Munich", "Lviv", "Krakow",
];
const PLANS: &[&str] = &["free", "silver", "silver", "gold"];

/// The sandbox account's state, with history ending at `now`.
pub(crate) fn sandbox_state(now: i64) -> State {
    let mut rng = SplitMix64::new(SEED);
    let mut state = State {
        now,
        next_id: 1000,
        account: AccountInfo {
            account_id: 48_213,
            name: "Sandbox Store".into(),
            user_email: "agent@sandbox-store.example".into(),
            role: "Admin".into(),
            plan: "Growth".into(),
            contact_limit: 50_000,
            contact_count: 0,
            sandbox: true,
        },
        organisation: OrganisationInfo {
            organisation_id: 9001,
            name: "Sandbox Store Ltd".into(),
            time_zone: "Europe/Kyiv".into(),
            currency: "EUR".into(),
            default_language: "en".into(),
            languages: ["en", "de", "uk", "pl", "es", "pt-BR"]
                .map(String::from)
                .to_vec(),
            channels: ["email", "sms", "mobilePush", "appInbox", "webPush"]
                .map(String::from)
                .to_vec(),
            custom_fields: [
                ("plan", "Plan", "string"),
                ("city", "City", "string"),
                ("loyaltyPoints", "Loyalty points", "number"),
                ("birthday", "Birthday", "date"),
                ("subscriptionSource", "Subscription form", "string"),
            ]
            .map(|(key, name, kind)| CustomField {
                key: key.into(),
                name: name.into(),
                r#type: kind.into(),
            })
            .to_vec(),
        },
        addressbooks: Vec::new(),
        email_interfaces: vec![
            EmailInterface {
                id: 11,
                from_name: "Sandbox Store".into(),
                from_email: "news@sandbox-store.example".into(),
                reply_to: "hello@sandbox-store.example".into(),
                verified: true,
            },
            EmailInterface {
                id: 12,
                from_name: "Sandbox Store Support".into(),
                from_email: "support@sandbox-store.example".into(),
                reply_to: "support@sandbox-store.example".into(),
                verified: true,
            },
            EmailInterface {
                id: 13,
                from_name: "Sandbox Deals".into(),
                from_email: "deals@new-domain.example".into(),
                reply_to: "deals@new-domain.example".into(),
                verified: false,
            },
        ],
        sms_interfaces: vec![
            SmsInterface {
                id: 21,
                sender_name: "SandboxSt".into(),
                provider: "Twilio".into(),
                countries: ["UA", "PL", "DE"].map(String::from).to_vec(),
            },
            SmsInterface {
                id: 22,
                sender_name: "+15550100200".into(),
                provider: "Vonage".into(),
                countries: ["US", "ES", "PT", "BR"].map(String::from).to_vec(),
            },
        ],
        event_types: [
            (
                "product_viewed",
                "Product viewed",
                &["productId", "category"][..],
                false,
            ),
            (
                "cart_updated",
                "Cart updated",
                &["cartValue", "items"][..],
                false,
            ),
            (
                "order_placed",
                "Order placed",
                &["orderId", "total", "currency"][..],
                false,
            ),
            (
                "review_left",
                "Review left",
                &["productId", "rating"][..],
                false,
            ),
            ("app_opened", "App opened", &["platform"][..], true),
            ("session_started", "Session started", &["source"][..], true),
        ]
        .map(|(key, name, params, system)| EventType {
            key: key.into(),
            name: name.into(),
            parameters: params.iter().map(|&p| p.to_owned()).collect(),
            system,
        })
        .to_vec(),
        contacts: BTreeMap::new(),
        groups: BTreeMap::new(),
        imports: BTreeMap::new(),
        events: Vec::new(),
        email_messages: BTreeMap::new(),
        channel_messages: BTreeMap::new(),
        workflows: BTreeMap::new(),
        deliveries: BTreeMap::new(),
        broadcasts: BTreeMap::new(),
        images: BTreeMap::new(),
        deliverability: DeliverabilitySetup {
            domains: vec![
                SendingDomain {
                    domain: "sandbox-store.example".into(),
                    spf: true,
                    dkim: true,
                    dmarc_policy: Some("quarantine".into()),
                    verified: true,
                },
                SendingDomain {
                    domain: "new-domain.example".into(),
                    spf: true,
                    dkim: false,
                    dmarc_policy: None,
                    verified: false,
                },
            ],
            senders: Vec::new(),
            short_links: ShortLinks {
                domain: Some("go.sandbox-store.example".into()),
                enabled: true,
            },
            unsubscribe: Unsubscribe {
                list_unsubscribe_header: true,
                one_click: true,
                page_url: "https://sandbox-store.example/unsubscribe".into(),
            },
        },
    };
    seed_directories(&mut state);
    seed_contacts(&mut state, &mut rng);
    seed_segments(&mut state, &mut rng);
    seed_events(&mut state, &mut rng);
    seed_messages(&mut state);
    seed_workflows(&mut state);
    seed_deliveries(&mut state, &mut rng);
    state
}

fn seed_directories(state: &mut State) {
    for name in ["Newsletter", "Customers", "Leads"] {
        let id = state.next_id();
        state.addressbooks.push(AddressBook {
            id,
            name: name.into(),
            contact_count: 0,
        });
    }
}

fn seed_contacts(state: &mut State, rng: &mut SplitMix64) {
    let books: Vec<u64> = state.addressbooks.iter().map(|b| b.id).collect();
    for n in 0..CONTACTS {
        let id = state.next_id();
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let created_at = state.now
            - i64::try_from(rng.below(240)).unwrap_or(0) * DAY
            - i64::try_from(rng.below(DAY as u64)).unwrap_or(0);
        let mut push_tokens = Vec::new();
        if rng.chance(45) {
            push_tokens.push(PushToken {
                token: format!(
                    "{}-tok-{id:05}",
                    if rng.chance(50) { "ios" } else { "android" }
                ),
                platform: if rng.chance(50) { "ios" } else { "android" }.into(),
                active: rng.chance(85),
            });
        }
        if rng.chance(20) {
            push_tokens.push(PushToken {
                token: format!("web-tok-{id:05}"),
                platform: "web".into(),
                active: true,
            });
        }
        let mut fields = BTreeMap::new();
        fields.insert("plan".to_owned(), (*rng.pick(PLANS)).to_owned());
        fields.insert("city".to_owned(), (*rng.pick(CITIES)).to_owned());
        fields.insert("loyaltyPoints".to_owned(), (rng.below(50) * 20).to_string());
        let contact = Contact {
            id,
            external_id: Some(format!("CUST-{:04}", 1001 + n)),
            email: (n % 13 != 7).then(|| {
                format!(
                    "{}.{}{n}@mail.example",
                    first.to_lowercase(),
                    last.to_lowercase()
                )
            }),
            phone: (n % 3 != 0).then(|| format!("+38050{:07}", 1_000_000 + n * 7919)),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            language: Some((*rng.pick(LANGUAGES)).to_owned()),
            time_zone: Some("Europe/Kyiv".into()),
            email_subscribed: !rng.chance(10),
            sms_subscribed: !rng.chance(15),
            confirmed: true,
            push_tokens,
            fields,
            addressbook_ids: vec![books[n % books.len()]],
            created_at,
            updated_at: created_at,
        };
        state.contacts.insert(id, contact);
    }
}

fn seed_segments(state: &mut State, rng: &mut SplitMix64) {
    let ids: Vec<u64> = state.contacts.keys().copied().collect();
    let statics: [(&str, usize); 4] = [
        ("VIP customers", 15),
        ("Newsletter readers", 30),
        ("Beta testers", 8),
        ("Event attendees 2026", 0),
    ];
    for (name, size) in statics {
        let id = state.next_id();
        let mut members = BTreeSet::new();
        while members.len() < size {
            members.insert(*rng.pick(&ids));
        }
        let created_at = state.now - 120 * DAY;
        state.groups.insert(
            id,
            Group {
                id,
                name: name.into(),
                rule: None,
                members,
                created_at,
            },
        );
    }
    let dynamics = [
        ("German speakers", SegmentRule::Language("de".into())),
        (
            "Gold plan",
            SegmentRule::Field("plan".into(), "gold".into()),
        ),
        ("New this month", SegmentRule::CreatedWithinDays(30)),
    ];
    for (name, rule) in dynamics {
        let id = state.next_id();
        let created_at = state.now - 90 * DAY;
        state.groups.insert(
            id,
            Group {
                id,
                name: name.into(),
                rule: Some(rule),
                members: BTreeSet::new(),
                created_at,
            },
        );
    }
}

fn seed_events(state: &mut State, rng: &mut SplitMix64) {
    let ids: Vec<u64> = state.contacts.keys().copied().collect();
    let keys: Vec<String> = state.event_types.iter().map(|t| t.key.clone()).collect();
    for _ in 0..600 {
        let id = state.next_id();
        let key = rng.pick(&keys).clone();
        let mut params = BTreeMap::new();
        match key.as_str() {
            "product_viewed" | "review_left" => {
                params.insert(
                    "productId".to_owned(),
                    format!("SKU-{}", 100 + rng.below(40)),
                );
            }
            "order_placed" => {
                params.insert("orderId".to_owned(), format!("ORD-{id}"));
                params.insert("total".to_owned(), format!("{}.00", 15 + rng.below(200)));
                params.insert("currency".to_owned(), "EUR".to_owned());
            }
            "cart_updated" => {
                params.insert("cartValue".to_owned(), format!("{}.50", 5 + rng.below(150)));
            }
            _ => {}
        }
        let ago = i64::try_from(rng.below(90 * DAY as u64)).unwrap_or(0);
        state.events.push(Event {
            id,
            contact_id: *rng.pick(&ids),
            type_key: key,
            params,
            occurred_at: state.now - ago,
        });
    }
    state.events.sort_by_key(|e| e.occurred_at);
}

/// An editor model with a heading, a text, an image and a button.
fn model(heading: &str, text: &str, button: &str, href: &str) -> Value {
    json!({
        "settings": {"width": 600, "background": "#FFFFFF", "font": "Inter"},
        "rows": [
            {"id": "r-header", "padding": 24, "background": "#1F3A5F", "columns": [
                {"id": "c-header", "width": 100, "blocks": [
                    {"id": "b-heading", "type": "heading", "align": "center", "content": {"text": heading}}
                ]}
            ]},
            {"id": "r-body", "padding": 16, "columns": [
                {"id": "c-image", "width": 40, "blocks": [
                    {"id": "b-image", "type": "image", "content": {"src": "https://cdn.sandbox-store.example/hero.png", "alt": heading}}
                ]},
                {"id": "c-text", "width": 60, "blocks": [
                    {"id": "b-text", "type": "text", "content": {"text": text}},
                    {"id": "b-button", "type": "button", "color": "#E4572E", "content": {"label": button, "href": href}}
                ]}
            ]}
        ]
    })
}

fn seed_messages(state: &mut State) {
    let emails = [
        (
            "Welcome email",
            "Welcome to Sandbox Store, {{firstName}}!",
            vec!["welcome", "onboarding"],
            Some((
                "Welcome aboard",
                "Here is 10% off your first order.",
                "Shop now",
            )),
        ),
        (
            "Abandoned cart reminder",
            "You left something in your cart",
            vec!["cart", "trigger"],
            Some((
                "Still thinking?",
                "Your cart is waiting for you.",
                "Back to cart",
            )),
        ),
        (
            "Summer sale",
            "Summer sale: up to 40% off",
            vec!["promo", "summer"],
            Some(("Summer sale", "Fresh deals all week long.", "See deals")),
        ),
        (
            "Monthly newsletter",
            "What's new this month",
            vec!["newsletter"],
            Some((
                "This month",
                "New arrivals and stories from our team.",
                "Read more",
            )),
        ),
        (
            "Order confirmation",
            "Your order is confirmed",
            vec!["transactional"],
            None,
        ),
        (
            "Password reset",
            "Reset your password",
            vec!["transactional", "account"],
            None,
        ),
    ];
    for (n, (name, subject, tags, editor)) in emails.into_iter().enumerate() {
        let id = state.next_id();
        let model = editor.map(|(h, t, b)| model(h, t, b, "https://sandbox-store.example/shop"));
        let html = model.as_ref().map_or_else(
            || format!("<!doctype html><html><body><h1>{subject}</h1><p>Hello {{{{firstName}}}},</p></body></html>"),
            email_model::render,
        );
        let mut translations = BTreeMap::new();
        if n % 2 == 0 {
            translations.insert(
                "de".to_owned(),
                EmailVariant {
                    subject: format!("[DE] {subject}"),
                    preheader: None,
                    html: html.replace("<body>", "<body lang=\"de\">"),
                },
            );
        }
        let at = state.now - (60 - 7 * n as i64) * DAY;
        state.email_messages.insert(
            id,
            EmailMessage {
                id,
                name: name.into(),
                subject: subject.into(),
                preheader: Some("Sandbox Store".into()),
                sender_id: if tags.contains(&"transactional") {
                    12
                } else {
                    11
                },
                tags: tags.into_iter().map(String::from).collect(),
                html,
                css: (n == 2).then(|| "h1 { color: #E4572E; }".to_owned()),
                model,
                translations,
                created_at: at,
                updated_at: at,
            },
        );
    }
    let channel = [
        (
            Channel::MobilePush,
            "Cart reminder push",
            Some("Your cart misses you"),
            "Complete your order, {{firstName}}",
            Some("sandbox://cart"),
            None,
            None,
            vec!["cart"],
        ),
        (
            Channel::MobilePush,
            "Flash sale push",
            Some("Flash sale!"),
            "Two hours only: 30% off",
            Some("sandbox://sale"),
            None,
            None,
            vec!["promo"],
        ),
        (
            Channel::MobilePush,
            "Back in stock",
            Some("Back in stock"),
            "The item you liked is back",
            None,
            None,
            None,
            vec!["catalog"],
        ),
        (
            Channel::AppInbox,
            "Loyalty update",
            Some("You earned points"),
            "You have {{loyaltyPoints}} points",
            Some("https://sandbox-store.example/loyalty"),
            Some("See rewards"),
            None,
            vec!["loyalty"],
        ),
        (
            Channel::AppInbox,
            "App tips",
            Some("Did you know?"),
            "Save favourites with a tap",
            None,
            None,
            None,
            vec!["onboarding"],
        ),
        (
            Channel::Sms,
            "Order shipped SMS",
            None,
            "Your order is on its way, {{firstName}}!",
            None,
            None,
            Some(21),
            vec!["transactional"],
        ),
        (
            Channel::Sms,
            "Flash sale SMS",
            None,
            "Flash sale today: 30% off with code FLASH30",
            None,
            None,
            Some(21),
            vec!["promo"],
        ),
        (
            Channel::Sms,
            "Appointment reminder",
            None,
            "Reminder: your fitting is tomorrow at 10:00",
            None,
            None,
            Some(22),
            vec!["service"],
        ),
    ];
    for (n, (ch, name, title, body, link, button, sender, tags)) in channel.into_iter().enumerate()
    {
        let id = state.next_id();
        let at = crate::account::clock::format(state.now - (50 - 3 * n as i64) * DAY);
        let mut translations = BTreeMap::new();
        if n % 3 == 0 {
            translations.insert(
                "de".to_owned(),
                Variant {
                    title: title.map(|t| format!("[DE] {t}")),
                    body: format!("[DE] {body}"),
                },
            );
        }
        state.channel_messages.insert(
            id,
            ChannelMessage {
                id,
                channel: ch,
                name: name.into(),
                title: title.map(String::from),
                body: body.into(),
                link: link.map(String::from),
                button_text: button.map(String::from),
                image_url: None,
                sender_id: sender,
                tags: tags.into_iter().map(String::from).collect(),
                translations,
                created_at: at.clone(),
                updated_at: at,
            },
        );
    }
}

fn seed_workflows(state: &mut State) {
    let welcome = state
        .email_messages
        .keys()
        .next()
        .copied()
        .unwrap_or_default();
    let cart_push = state
        .channel_messages
        .values()
        .find(|m| m.channel == Channel::MobilePush)
        .map_or(0, |m| m.id);
    let flows = [
        (
            "Welcome series",
            true,
            json!({
                "nodes": [
                    {"id": "start", "type": "start"},
                    {"id": "mail-1", "type": "send_email", "messageId": welcome},
                    {"id": "wait-1", "type": "wait", "hours": 48},
                    {"id": "exit", "type": "exit"}
                ],
                "edges": [
                    {"from": "start", "to": "mail-1"}, {"from": "mail-1", "to": "wait-1"}, {"from": "wait-1", "to": "exit"}
                ]
            }),
            json!({"start": {"trigger": "event", "eventTypeKey": "session_started"}, "stop": {"afterDays": 14}}),
        ),
        (
            "Abandoned cart",
            true,
            json!({
                "nodes": [
                    {"id": "start", "type": "start"},
                    {"id": "wait-1", "type": "wait", "hours": 2},
                    {"id": "push-1", "type": "send_push", "messageId": cart_push},
                    {"id": "exit", "type": "exit"}
                ],
                "edges": [
                    {"from": "start", "to": "wait-1"}, {"from": "wait-1", "to": "push-1"}, {"from": "push-1", "to": "exit"}
                ]
            }),
            json!({"start": {"trigger": "event", "eventTypeKey": "cart_updated"}, "stop": {"onEvent": "order_placed"}}),
        ),
        (
            "Win-back",
            false,
            json!({
                "nodes": [{"id": "start", "type": "start"}, {"id": "exit", "type": "exit"}],
                "edges": [{"from": "start", "to": "exit"}]
            }),
            json!({"start": {"trigger": "segment"}, "stop": {}}),
        ),
        (
            "Birthday greetings",
            false,
            json!({"nodes": [{"id": "start", "type": "start"}], "edges": []}),
            json!({"start": {"trigger": "date", "field": "birthday"}, "stop": {}}),
        ),
    ];
    for (n, (name, active, graph, configs)) in flows.into_iter().enumerate() {
        let id = state.next_id();
        let at = state.now - (100 - 10 * n as i64) * DAY;
        state.workflows.insert(
            id,
            Workflow {
                id,
                name: name.into(),
                description: None,
                active,
                graph,
                configs,
                created_at: at,
                updated_at: at,
            },
        );
    }
}

fn seed_deliveries(state: &mut State, rng: &mut SplitMix64) {
    let contacts: Vec<(u64, Option<String>, Option<String>)> = state
        .contacts
        .values()
        .map(|c| (c.id, c.email.clone(), c.phone.clone()))
        .collect();
    let emails: Vec<u64> = state.email_messages.keys().copied().collect();
    let sms: Vec<u64> = state
        .channel_messages
        .values()
        .filter(|m| m.channel == Channel::Sms)
        .map(|m| m.id)
        .collect();
    let workflows: Vec<u64> = state
        .workflows
        .values()
        .filter(|w| w.active)
        .map(|w| w.id)
        .collect();
    let broadcast_id = state.next_id();
    let broadcast_at = state.now - 20 * DAY;
    for _ in 0..500 {
        let (contact_id, email, phone) = rng.pick(&contacts).clone();
        let by_sms = rng.chance(25);
        let (channel, message_id, address) = match (by_sms, email, phone) {
            (true, _, Some(p)) => (DeliveryChannel::Sms, *rng.pick(&sms), p),
            (_, Some(e), _) => (DeliveryChannel::Email, *rng.pick(&emails), e),
            _ => continue,
        };
        let preview = match channel {
            DeliveryChannel::Email => state.email_messages[&message_id].subject.clone(),
            _ => state.channel_messages[&message_id].body.clone(),
        };
        let in_broadcast =
            channel == DeliveryChannel::Email && message_id == emails[2] && rng.chance(50);
        let id = state.next_id();
        let created_at = if in_broadcast {
            broadcast_at
        } else {
            state.now - i64::try_from(rng.below(120 * DAY as u64)).unwrap_or(0)
        };
        state.deliveries.insert(
            id,
            Delivery {
                id,
                channel,
                message_id,
                contact_id,
                address,
                preview,
                broadcast_id: in_broadcast.then_some(broadcast_id),
                workflow_id: (!in_broadcast && rng.chance(60)).then(|| *rng.pick(&workflows)),
                created_at,
                fate: Fate::of(id),
                reported: None,
            },
        );
    }
    let newsletter = state
        .groups
        .values()
        .find(|g| g.name == "Newsletter readers")
        .map_or(0, |g| g.id);
    state.broadcasts.insert(
        broadcast_id,
        Broadcast {
            id: broadcast_id,
            name: "Summer sale kickoff".into(),
            channel: BroadcastChannel::Email,
            message_id: emails[2],
            segment_ids: vec![newsletter],
            started_at: broadcast_at,
            excluded: 2,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_is_the_same_every_time() {
        let a = sandbox_state(1_783_328_400);
        let b = sandbox_state(1_783_328_400);
        assert_eq!(a.contacts.len(), CONTACTS);
        assert_eq!(a.next_id, b.next_id);
        let emails = |s: &State| {
            s.contacts
                .values()
                .map(|c| c.email.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(emails(&a), emails(&b));
        assert!(a.deliveries.len() > 300);
        assert!(a.groups.values().any(|g| g.rule.is_some()));
    }
}
