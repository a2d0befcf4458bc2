//! The deterministic sandbox: a year of an imaginary SaaS company's feedback.
//!
//! Everything comes from one fixed-seed generator and a fixed clock
//! (2026-11-01 09:00 UTC), so every build of the sandbox is identical.

use std::collections::{BTreeMap, HashSet};

use mcp_examples_support::seed::SplitMix64;
use mcp_tools::serde_json::{Value, json};
use time::macros::date;

use super::*;
use crate::calendar::{DAY, Date, Timestamp};
use crate::filters::{Combine, Condition, FilterSpec};
use crate::scores::{Tally, delta};

const SEED: u64 = 0x5245_5445_4E54_4C59;
const ACCOUNT_DOMAIN: &str = "acmecloud.example";

const FIRST_NAMES: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sofia", "Lucas", "Mia", "Mateo", "Amara",
    "Arjun", "Chloe", "Felix", "Hana", "Isaac", "Jade", "Kofi", "Leila", "Marco", "Nadia", "Oscar",
    "Petra", "Rafael", "Selin", "Tariq", "Uma", "Viktor", "Yara", "Zoe",
];
const LAST_NAMES: &[&str] = &[
    "Anderson",
    "Baptiste",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Mensah",
    "Nakamura",
    "Olsen",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Vargas",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zimmermann",
];
const COMPANY_PREFIXES: &[&str] = &[
    "Northwind",
    "Bluepeak",
    "Cedar",
    "Ironbridge",
    "Lumen",
    "Orbit",
    "Pinecrest",
    "Quartz",
    "Redwood",
    "Silverline",
    "Tidal",
    "Vantage",
    "Willow",
    "Zenith",
    "Atlas",
    "Beacon",
];
const COMPANY_SUFFIXES: &[&str] = &["Labs", "Logistics", "Health", "Systems", "Foods", "Studio"];
const INDUSTRIES: &[&str] = &[
    "Software",
    "Logistics",
    "Healthcare",
    "Retail",
    "Financial services",
    "Manufacturing",
    "Education",
    "Media",
];
const COUNTRIES: &[&str] = &["US", "GB", "DE", "FR", "NL", "CA", "AU", "ES", "SE", "BR"];
const PERSONAL_DOMAINS: &[&str] = &["inbox.example", "mailbox.example", "post.example"];
const CUSTOMER_TAGS: &[&str] = &[
    "vip",
    "trial",
    "enterprise",
    "smb",
    "beta",
    "churn-risk",
    "newsletter",
    "partner",
];

/// Topic name, description, praise phrases, complaint phrases, neutral phrase.
type TopicBank = (
    &'static str,
    &'static str,
    [&'static str; 2],
    [&'static str; 2],
    &'static str,
);

const TOPICS: &[TopicBank] = &[
    (
        "Support",
        "Help from the support team",
        [
            "Support answered within minutes and fixed it.",
            "The support team went above and beyond.",
        ],
        [
            "Support took days to get back to me.",
            "I had to explain my issue three times to support.",
        ],
        "Had one support ticket, it got handled.",
    ),
    (
        "Pricing",
        "Price level and value for money",
        [
            "Fair price for what we get.",
            "Great value compared to the alternatives.",
        ],
        [
            "The price went up again and it is hard to justify.",
            "Too expensive for a small team.",
        ],
        "Pricing is about what we expected.",
    ),
    (
        "Onboarding",
        "Getting started and setup",
        [
            "Onboarding was smooth, we were live in a day.",
            "The setup wizard made onboarding easy.",
        ],
        [
            "Onboarding was confusing and took weeks.",
            "Nobody walked us through the setup.",
        ],
        "Onboarding took a couple of sessions.",
    ),
    (
        "Ease of use",
        "How easy the product is to use",
        [
            "Very intuitive, the whole team picked it up fast.",
            "Clean interface, easy to find things.",
        ],
        [
            "The interface is cluttered and hard to navigate.",
            "Simple tasks need far too many clicks.",
        ],
        "Mostly easy once you learn where things are.",
    ),
    (
        "Performance",
        "Speed of the product",
        [
            "Pages load instantly.",
            "Reports run fast even on big data.",
        ],
        [
            "Dashboards are painfully slow.",
            "Exports time out on large accounts.",
        ],
        "Speed is okay most days.",
    ),
    (
        "Reliability",
        "Uptime and bugs",
        ["Rock solid, never had an outage.", "Everything just works."],
        [
            "We hit the same bug every week.",
            "Two outages this month during our busiest hours.",
        ],
        "A few glitches but nothing serious.",
    ),
    (
        "Billing",
        "Invoices and payments",
        [
            "Invoices are clear and on time.",
            "Switching plans was painless.",
        ],
        [
            "We were charged twice this month.",
            "The invoice did not match our contract.",
        ],
        "Billing works, nothing special.",
    ),
    (
        "Integrations",
        "Connections to other tools",
        [
            "The HubSpot sync saves us hours.",
            "Integrations were easy to connect.",
        ],
        [
            "The Salesforce sync keeps dropping records.",
            "Missing an integration with our helpdesk.",
        ],
        "We use a couple of the integrations.",
    ),
    (
        "Reporting",
        "Reports and analytics",
        [
            "The reports are exactly what leadership wants.",
            "Love the trend charts.",
        ],
        [
            "Reports lack the filters we need.",
            "Hard to export reports in the format we need.",
        ],
        "Reporting covers the basics.",
    ),
    (
        "Mobile app",
        "The iOS and Android apps",
        [
            "The mobile app is great on the go.",
            "Love getting alerts on my phone.",
        ],
        [
            "The mobile app crashes when I open a response.",
            "The app is missing half the features.",
        ],
        "I use the app now and then.",
    ),
];

const NOTE_TEXTS: &[&str] = &[
    "Called the customer, they are open to a follow-up demo.",
    "Linked to the open bug ticket in engineering.",
    "Account manager informed; renewal is next quarter.",
    "Customer confirmed the issue is gone after the last release.",
    "Escalated to billing to check the invoice.",
    "Good quote for the case study, ask for permission.",
];

/// The sandbox account.
pub(super) fn sandbox() -> State {
    let mut rng = SplitMix64::new(SEED);
    let today = Date::new(date!(2026 - 11 - 01));
    let now = today.start().plus_seconds(9 * 3600);
    let start = Date::new(date!(2025 - 11 - 01));

    let users = users(now);
    let companies = companies(&mut rng, now);
    let customers = customers(&mut rng, &companies, now);
    let templates = templates(now);
    let campaigns = campaigns(now);
    let topics = TOPICS
        .iter()
        .map(|t| Topic {
            name: t.0.to_string(),
            description: t.1.to_string(),
        })
        .collect();

    let mut state = State {
        today,
        now,
        b2b_enabled: true,
        acting_user_id: 3,
        campaigns,
        feedback: Vec::new(),
        statuses: statuses(),
        customers,
        companies,
        templates,
        digests: Vec::new(),
        outbox: Vec::new(),
        suppressed_domains: Vec::new(),
        suppressed_emails: Vec::new(),
        integrations: integrations(now),
        users,
        attributes: attributes(),
        topics,
        plan: Plan {
            name: "Business".into(),
            billing: "monthly".into(),
            period_start: Date::new(date!(2026 - 10 - 15)),
            period_end: Date::new(date!(2026 - 11 - 14)),
            limits: vec![
                PlanLimit {
                    key: "surveysSent",
                    label: "Surveys sent this billing period",
                    limit: 10_000,
                },
                PlanLimit {
                    key: "contacts",
                    label: "Contacts stored",
                    limit: 2_500,
                },
                PlanLimit {
                    key: "teamSeats",
                    label: "Team seats in use",
                    limit: 10,
                },
                PlanLimit {
                    key: "integrations",
                    label: "Connected integrations",
                    limit: 8,
                },
            ],
        },
        saved_filters: Vec::new(),
        recent_filters: Vec::new(),
        trend_groups: trend_groups(),
    };
    feedback(&mut rng, &mut state, start);
    outbox(&mut rng, &mut state, start);
    suppressions(&mut state);
    digests(&mut state);
    filters(&mut state);
    state
}

fn users(now: Timestamp) -> Vec<User> {
    let people = [
        ("Maya", "Fischer", Role::Owner, UserStatus::Active),
        ("Daniel", "Okafor", Role::Admin, UserStatus::Active),
        ("Priya", "Raman", Role::Manager, UserStatus::Active),
        ("Tom", "Becker", Role::Manager, UserStatus::Active),
        ("Lucia", "Moreno", Role::Agent, UserStatus::Active),
        ("Kenji", "Watanabe", Role::Agent, UserStatus::Active),
        ("Sara", "Lindqvist", Role::Agent, UserStatus::Deactivated),
        ("Omar", "Haddad", Role::Viewer, UserStatus::Active),
        ("Nina", "Petrova", Role::Agent, UserStatus::Invited),
    ];
    people
        .iter()
        .enumerate()
        .map(|(i, (first, last, role, status))| User {
            id: i as u64 + 1,
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: format!("{}@{ACCOUNT_DOMAIN}", first.to_lowercase()),
            role: *role,
            status: *status,
            last_active_at: match status {
                UserStatus::Invited => None,
                UserStatus::Deactivated => Some(now.plus_seconds(-120 * DAY)),
                UserStatus::Active => Some(now.plus_seconds(-(i as i64) * 7_200)),
            },
        })
        .collect()
}

fn companies(rng: &mut SplitMix64, now: Timestamp) -> Vec<Company> {
    let mut seen = HashSet::new();
    let mut companies = Vec::new();
    while companies.len() < 40 {
        let name = format!(
            "{} {}",
            rng.pick(COMPANY_PREFIXES),
            rng.pick(COMPANY_SUFFIXES)
        );
        if !seen.insert(name.clone()) {
            continue;
        }
        let employees = 10 + rng.below(4_990) as u32;
        companies.push(Company {
            id: companies.len() as u64 + 1,
            domain: format!("{}.example", name.to_lowercase().replace(' ', "")),
            name,
            industry: rng.pick(INDUSTRIES).to_string(),
            employees,
            annual_revenue_usd: u64::from(employees) * (80_000 + rng.below(170_000)),
            country: rng.pick(COUNTRIES).to_string(),
            tier: match employees {
                0..=199 => "long-tail",
                200..=1_499 => "growth",
                _ => "strategic",
            }
            .into(),
            created_at: now.plus_seconds(-((400 + rng.below(600)) as i64) * DAY),
        });
    }
    companies
}

fn customers(rng: &mut SplitMix64, companies: &[Company], now: Timestamp) -> Vec<Customer> {
    let mut emails = HashSet::new();
    (1..=300u64)
        .map(|id| {
            let first = *rng.pick(FIRST_NAMES);
            let last = *rng.pick(LAST_NAMES);
            let company = rng.chance(85).then(|| rng.pick(companies));
            let domain = company.map_or_else(
                || rng.pick(PERSONAL_DOMAINS).to_string(),
                |c| c.domain.clone(),
            );
            let mut email = format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase());
            if !emails.insert(email.clone()) {
                email = format!(
                    "{}.{}{id}@{domain}",
                    first.to_lowercase(),
                    last.to_lowercase()
                );
                emails.insert(email.clone());
            }
            let mut tags: Vec<String> = Vec::new();
            for _ in 0..rng.below(3) {
                let tag = rng.pick(CUSTOMER_TAGS).to_string();
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            let created_at = now.plus_seconds(-((30 + rng.below(900)) as i64) * DAY);
            let mut properties = BTreeMap::new();
            properties.insert(
                "plan".into(),
                json!(rng.pick(&["starter", "growth", "enterprise"])),
            );
            properties.insert("mrr".into(), json!(49 * (1 + rng.below(40))));
            properties.insert("signupDate".into(), json!(created_at.date().to_string()));
            properties.insert(
                "region".into(),
                json!(rng.pick(&["NA", "EMEA", "APAC", "LATAM"])),
            );
            if rng.chance(20) {
                properties.insert("betaTester".into(), Value::Bool(true));
            }
            Customer {
                id,
                email,
                first_name: first.into(),
                last_name: last.into(),
                phone: rng
                    .chance(60)
                    .then(|| format!("+1 555-01{:02}", rng.below(100))),
                company_id: company.map(|c| c.id),
                tags,
                properties,
                created_at,
            }
        })
        .collect()
}

fn templates(now: Timestamp) -> Vec<Template> {
    let rows = [
        (
            "Relationship NPS (email)",
            Metric::Nps,
            Channel::Email,
            "How likely are you to recommend AcmeCloud?",
        ),
        (
            "In-app NPS widget",
            Metric::Nps,
            Channel::Web,
            "Quick question about AcmeCloud",
        ),
        (
            "NPS by text",
            Metric::Nps,
            Channel::Sms,
            "AcmeCloud: one quick question",
        ),
        (
            "Support CSAT (email)",
            Metric::Csat,
            Channel::Email,
            "How did we do on your support request?",
        ),
        (
            "Delivery CSAT by text",
            Metric::Csat,
            Channel::Sms,
            "How was your delivery?",
        ),
        (
            "Checkout CSAT widget",
            Metric::Csat,
            Channel::Web,
            "How was checkout?",
        ),
        (
            "Onboarding effort widget",
            Metric::Ces,
            Channel::Web,
            "How easy was it to get set up?",
        ),
        (
            "Renewal effort (email)",
            Metric::Ces,
            Channel::Email,
            "How easy was your renewal?",
        ),
        (
            "Relationship NPS (German)",
            Metric::Nps,
            Channel::Email,
            "Wie wahrscheinlich empfehlen Sie AcmeCloud?",
        ),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (name, metric, channel, subject))| Template {
            id: i as u64 + 1,
            name: (*name).into(),
            metric: *metric,
            channel: *channel,
            subject: (*subject).into(),
            language: if name.contains("German") { "de" } else { "en" }.into(),
            updated_at: now.plus_seconds(-((i as i64 + 1) * 17) * DAY),
        })
        .collect()
}

fn campaigns(now: Timestamp) -> Vec<Campaign> {
    let rows = [
        (
            "Quarterly relationship NPS",
            Metric::Nps,
            Channel::Email,
            true,
            true,
            1,
            90,
        ),
        ("In-app NPS", Metric::Nps, Channel::Web, true, false, 2, 60),
        (
            "Post-support CSAT",
            Metric::Csat,
            Channel::Email,
            true,
            false,
            4,
            7,
        ),
        (
            "Delivery CSAT by text",
            Metric::Csat,
            Channel::Sms,
            true,
            false,
            5,
            14,
        ),
        (
            "Onboarding effort",
            Metric::Ces,
            Channel::Web,
            true,
            false,
            7,
            30,
        ),
        (
            "Renewal effort",
            Metric::Ces,
            Channel::Email,
            false,
            false,
            8,
            180,
        ),
        (
            "Legacy NPS by text",
            Metric::Nps,
            Channel::Sms,
            false,
            false,
            3,
            90,
        ),
        (
            "Checkout CSAT",
            Metric::Csat,
            Channel::Web,
            false,
            false,
            6,
            30,
        ),
    ];
    rows.iter()
        .enumerate()
        .map(
            |(i, (name, metric, channel, enabled, is_default, template_id, throttle_days))| {
                let (low, high) = metric.scale();
                Campaign {
                    id: i as u64 + 1,
                    name: (*name).into(),
                    metric: *metric,
                    channel: *channel,
                    enabled: *enabled,
                    is_default: *is_default,
                    template_id: *template_id,
                    question: match metric {
                        Metric::Nps => format!(
                            "How likely are you to recommend AcmeCloud to a friend ({low}-{high})?"
                        ),
                        Metric::Csat => {
                            format!("How satisfied are you with your experience ({low}-{high})?")
                        }
                        Metric::Ces => {
                            format!("How easy was it to get what you needed ({low}-{high})?")
                        }
                    },
                    language: "en".into(),
                    throttle_days: *throttle_days,
                    created_at: now.plus_seconds(-((500 - i as i64 * 20) * DAY)),
                }
            },
        )
        .collect()
}

fn statuses() -> Vec<Status> {
    [
        ("open", "Open", false, true),
        ("in_progress", "In progress", false, false),
        ("waiting_on_customer", "Waiting on customer", false, false),
        ("escalated", "Escalated", false, false),
        ("resolved", "Resolved", true, true),
    ]
    .iter()
    .map(|(key, label, resolved, built_in)| Status {
        key: (*key).into(),
        label: (*label).into(),
        resolved: *resolved,
        built_in: *built_in,
    })
    .collect()
}

fn attributes() -> Vec<Attribute> {
    let choice = |key: &str, label: &str, options: &[&str]| Attribute {
        key: key.into(),
        label: label.into(),
        kind: AttributeType::Choice,
        options: options.iter().map(|o| o.to_string()).collect(),
    };
    let plain = |key: &str, label: &str, kind| Attribute {
        key: key.into(),
        label: label.into(),
        kind,
        options: Vec::new(),
    };
    vec![
        choice(
            "plan",
            "Subscription plan",
            &["starter", "growth", "enterprise"],
        ),
        plain(
            "mrr",
            "Monthly recurring revenue (USD)",
            AttributeType::Number,
        ),
        plain("signupDate", "Signup date", AttributeType::Date),
        choice("region", "Sales region", &["NA", "EMEA", "APAC", "LATAM"]),
        plain(
            "betaTester",
            "Joined the beta program",
            AttributeType::Boolean,
        ),
        plain("accountManager", "Account manager", AttributeType::Text),
    ]
}

/// Provider, purpose, state, health, last sync, last error, records synced.
type IntegrationRow = (
    &'static str,
    &'static str,
    ConnectionState,
    Health,
    Option<Timestamp>,
    Option<&'static str>,
    u64,
);

fn integrations(now: Timestamp) -> Vec<Integration> {
    let hours = |h: i64| Some(now.plus_seconds(-h * 3600));
    let rows: [IntegrationRow; 6] = [
        (
            "HubSpot",
            "Contact and deal sync",
            ConnectionState::Connected,
            Health::Healthy,
            hours(1),
            None,
            18_240,
        ),
        (
            "Salesforce",
            "Account and contact sync",
            ConnectionState::Connected,
            Health::Degraded,
            hours(3),
            Some("12 records rejected in the last sync: required field Email is missing"),
            9_712,
        ),
        (
            "Zendesk",
            "Survey after ticket close",
            ConnectionState::Connected,
            Health::Healthy,
            hours(2),
            None,
            4_406,
        ),
        (
            "Slack",
            "Feedback alerts to #voice-of-customer",
            ConnectionState::Connected,
            Health::Healthy,
            hours(1),
            None,
            1_530,
        ),
        (
            "Intercom",
            "In-app survey targeting",
            ConnectionState::Error,
            Health::Failing,
            hours(76),
            Some("the provider revoked access; reconnect the integration in Retently settings"),
            2_018,
        ),
        (
            "Segment",
            "Event-triggered surveys",
            ConnectionState::Disconnected,
            Health::Unknown,
            None,
            None,
            0,
        ),
    ];
    rows.iter()
        .enumerate()
        .map(
            |(i, (provider, purpose, state, health, last_sync_at, last_error, records_synced))| {
                Integration {
                    id: i as u64 + 1,
                    provider: (*provider).into(),
                    purpose: (*purpose).into(),
                    state: *state,
                    health: *health,
                    last_sync_at: *last_sync_at,
                    last_error: last_error.map(str::to_string),
                    records_synced: *records_synced,
                }
            },
        )
        .collect()
}

fn trend_groups() -> Vec<TrendGroup> {
    vec![
        TrendGroup {
            id: 1,
            name: "Relationship NPS".into(),
            metric: Metric::Nps,
            campaign_ids: vec![1, 2, 7],
            interval: Interval::Month,
            is_default: true,
            compare_previous: true,
        },
        TrendGroup {
            id: 2,
            name: "Support CSAT".into(),
            metric: Metric::Csat,
            campaign_ids: vec![3, 4, 8],
            interval: Interval::Week,
            is_default: false,
            compare_previous: true,
        },
        TrendGroup {
            id: 3,
            name: "Customer effort".into(),
            metric: Metric::Ces,
            campaign_ids: vec![5, 6],
            interval: Interval::Month,
            is_default: false,
            compare_previous: false,
        },
    ]
}

/// A score for a response in month `m` (0–11) of the year; things improve slowly.
fn score(rng: &mut SplitMix64, metric: Metric, m: u64) -> u8 {
    let r = rng.below(100);
    let (positive, neutral) = match metric {
        Metric::Nps => (40 + m * 3 / 2, 32),
        Metric::Csat => (66 + m, 12),
        Metric::Ces => (52 + m, 16),
    };
    let pick =
        |rng: &mut SplitMix64, from: u8, to: u8| from + rng.below(u64::from(to - from) + 1) as u8;
    match (metric, r) {
        (Metric::Nps, r) if r < positive => pick(rng, 9, 10),
        (Metric::Nps, r) if r < positive + neutral => pick(rng, 7, 8),
        (Metric::Nps, _) => {
            if rng.chance(70) {
                pick(rng, 4, 6)
            } else {
                pick(rng, 0, 3)
            }
        }
        (Metric::Csat, r) if r < positive => pick(rng, 4, 5),
        (Metric::Csat, r) if r < positive + neutral => 3,
        (Metric::Csat, _) => pick(rng, 1, 2),
        (Metric::Ces, r) if r < positive => pick(rng, 5, 7),
        (Metric::Ces, r) if r < positive + neutral => 4,
        (Metric::Ces, _) => pick(rng, 1, 3),
    }
}

fn feedback(rng: &mut SplitMix64, state: &mut State, start: Date) {
    // Campaign weights: where responses come from.
    let weights: [(u64, u64); 8] = [
        (1, 30),
        (2, 18),
        (3, 20),
        (4, 8),
        (5, 12),
        (6, 4),
        (7, 4),
        (8, 4),
    ];
    let total: u64 = weights.iter().map(|w| w.1).sum();
    let mut drafts: Vec<(Timestamp, u64, u64)> = (0..1_500)
        .map(|_| {
            let day = rng.below(365) as i64;
            let at = start
                .plus_days(day)
                .start()
                .plus_seconds(rng.below(DAY as u64) as i64);
            let mut r = rng.below(total);
            let mut campaign_id = 1;
            for (id, w) in weights {
                if r < w {
                    campaign_id = id;
                    break;
                }
                r -= w;
            }
            // Disabled campaigns only collected in the first half of the year.
            if matches!(campaign_id, 6..=8) && day > 180 {
                campaign_id = 1;
            }
            (at, campaign_id, 1 + rng.below(state.customers.len() as u64))
        })
        .collect();
    drafts.sort_by_key(|d| d.0);

    let agents: Vec<u64> = state
        .users
        .iter()
        .filter(|u| matches!(u.role, Role::Agent | Role::Manager) && u.status == UserStatus::Active)
        .map(|u| u.id)
        .collect();
    let mut note_id = 1;
    let mut reply_id = 1;
    for (i, (at, campaign_id, customer_id)) in drafts.into_iter().enumerate() {
        let metric = state
            .campaigns
            .iter()
            .find(|c| c.id == campaign_id)
            .map_or(Metric::Nps, |c| c.metric);
        let month = (at.date().days_since(start) / 31).clamp(0, 11) as u64;
        let score = score(rng, metric, month);
        let category = Category::of(metric, score);
        let age_days = (state.now.0 - at.0) / DAY;

        let mut topics: Vec<TopicMention> = Vec::new();
        let mut phrases: Vec<&str> = Vec::new();
        if rng.chance(78) {
            for _ in 0..1 + rng.below(2) {
                let bank = rng.pick(TOPICS);
                if topics.iter().any(|t| t.topic == bank.0) {
                    continue;
                }
                let sentiment = match category {
                    Category::Positive if rng.chance(85) => Sentiment::Positive,
                    Category::Negative if rng.chance(85) => Sentiment::Negative,
                    _ => *rng.pick(&[Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative]),
                };
                phrases.push(match sentiment {
                    Sentiment::Positive => *rng.pick(&bank.2),
                    Sentiment::Negative => *rng.pick(&bank.3),
                    Sentiment::Neutral => bank.4,
                });
                topics.push(TopicMention {
                    topic: bank.0.into(),
                    sentiment,
                });
            }
        }
        let negative_about = |name: &str| {
            topics
                .iter()
                .any(|t| t.topic == name && t.sentiment == Sentiment::Negative)
        };
        let mut tags: Vec<String> = Vec::new();
        if negative_about("Pricing") || negative_about("Billing") {
            tags.push("pricing-objection".into());
        }
        if negative_about("Reliability")
            || negative_about("Performance")
            || negative_about("Mobile app")
        {
            tags.push("bug".into());
        }
        if category == Category::Negative && rng.chance(30) {
            tags.push("follow-up".into());
        }
        if metric == Metric::Nps && score <= 3 && rng.chance(50) {
            tags.push("churn-risk".into());
        }
        if category == Category::Positive && !phrases.is_empty() && rng.chance(25) {
            tags.push("praise".into());
        }
        if rng.chance(6) {
            tags.push("feature-request".into());
        }

        let status = match category {
            Category::Negative if age_days > 30 => {
                if rng.chance(85) {
                    "resolved"
                } else {
                    "escalated"
                }
            }
            Category::Negative => *rng.pick(&[
                "open",
                "in_progress",
                "waiting_on_customer",
                "escalated",
                "resolved",
            ]),
            _ if age_days > 60 && rng.chance(60) => "resolved",
            _ => "open",
        };
        let assignee_id = match category {
            Category::Negative if rng.chance(65) => Some(*rng.pick(&agents)),
            _ if rng.chance(8) => Some(*rng.pick(&agents)),
            _ => None,
        };
        let mut notes = Vec::new();
        if rng.chance(10) {
            for k in 0..1 + rng.below(2) {
                notes.push(Note {
                    id: note_id,
                    author_id: assignee_id.unwrap_or(3),
                    text: rng.pick(NOTE_TEXTS).to_string(),
                    created_at: at.plus_seconds((k as i64 + 1) * 5 * 3600),
                });
                note_id += 1;
            }
        }
        let mut replies = Vec::new();
        if category == Category::Negative && age_days > 3 && rng.chance(30) {
            let author = assignee_id.unwrap_or(5);
            replies.push(Reply {
                id: reply_id,
                direction: Direction::Outbound,
                author_id: Some(author),
                subject: "About your feedback".into(),
                body: "Thank you for telling us. I am sorry about the trouble; could we set up a short call this week to fix it together?".into(),
                sent_at: at.plus_seconds(20 * 3600),
                outbox_id: None,
            });
            reply_id += 1;
            if rng.chance(40) {
                replies.push(Reply {
                    id: reply_id,
                    direction: Direction::Inbound,
                    author_id: None,
                    subject: "Re: About your feedback".into(),
                    body: "Thanks for reaching out, Thursday afternoon works for me.".into(),
                    sent_at: at.plus_seconds(2 * DAY),
                    outbox_id: None,
                });
                reply_id += 1;
            }
        }
        state.feedback.push(Feedback {
            id: i as u64 + 1,
            campaign_id,
            customer_id,
            score,
            comment: phrases.join(" "),
            tags,
            topics,
            status: status.into(),
            starred: rng.chance(5),
            assignee_id,
            notes,
            replies,
            created_at: at,
        });
    }
}

fn outbox(rng: &mut SplitMix64, state: &mut State, start: Date) {
    let mut entries: Vec<OutboxEntry> = Vec::new();
    // One invitation behind every emailed or texted response, and its replies.
    for f in &mut state.feedback {
        let Some(campaign) = state.campaigns.iter().find(|c| c.id == f.campaign_id) else {
            continue;
        };
        let email = state
            .customers
            .iter()
            .find(|c| c.id == f.customer_id)
            .map_or_else(String::new, |c| c.email.clone());
        if campaign.channel != Channel::Web {
            let queued_at = f
                .created_at
                .plus_seconds(-((1 + rng.below(72)) as i64) * 3600);
            entries.push(OutboxEntry {
                id: 0,
                kind: OutboxKind::Survey,
                campaign_id: Some(campaign.id),
                customer_id: Some(f.customer_id),
                feedback_id: None,
                email: email.clone(),
                channel: campaign.channel,
                subject: subject_of_campaign(&state.templates, campaign),
                state: DeliveryState::Responded,
                queued_at,
                sent_at: Some(queued_at.plus_seconds(60)),
            });
        }
        for reply in f
            .replies
            .iter_mut()
            .filter(|r| r.direction == Direction::Outbound)
        {
            entries.push(OutboxEntry {
                id: 0,
                kind: OutboxKind::Reply,
                campaign_id: Some(campaign.id),
                customer_id: Some(f.customer_id),
                feedback_id: Some(f.id),
                email: email.clone(),
                channel: Channel::Email,
                subject: reply.subject.clone(),
                state: DeliveryState::Opened,
                queued_at: reply.sent_at.plus_seconds(-30),
                sent_at: Some(reply.sent_at),
            });
            // Ids are given in time order below; keep the position for now.
            reply.outbox_id = Some(entries.len() as u64);
        }
    }
    // Invitations nobody answered.
    let senders: Vec<&Campaign> = state
        .campaigns
        .iter()
        .filter(|c| c.channel != Channel::Web)
        .collect();
    for _ in 0..2_600 {
        let campaign = *rng.pick(&senders);
        let day = rng.below(365) as i64;
        let queued_at = start
            .plus_days(day)
            .start()
            .plus_seconds(rng.below(DAY as u64) as i64);
        let customer = rng.pick(&state.customers);
        let r = rng.below(100);
        let delivery = match r {
            0..=14 => DeliveryState::Sent,
            15..=54 => DeliveryState::Delivered,
            55..=84 => DeliveryState::Opened,
            85..=92 => DeliveryState::Bounced,
            93..=96 => DeliveryState::OptedOut,
            _ => DeliveryState::Failed,
        };
        entries.push(OutboxEntry {
            id: 0,
            kind: OutboxKind::Survey,
            campaign_id: Some(campaign.id),
            customer_id: Some(customer.id),
            feedback_id: None,
            email: customer.email.clone(),
            channel: campaign.channel,
            subject: subject_of_campaign(&state.templates, campaign),
            state: delivery,
            queued_at,
            sent_at: Some(queued_at.plus_seconds(45)),
        });
    }
    // The live queue: a handful waiting to go out.
    for k in 0..14 {
        let customer = &state.customers[(k * 19) % state.customers.len()];
        let campaign = &state.campaigns[if k % 3 == 0 { 2 } else { 0 }];
        entries.push(OutboxEntry {
            id: 0,
            kind: OutboxKind::Survey,
            campaign_id: Some(campaign.id),
            customer_id: Some(customer.id),
            feedback_id: None,
            email: customer.email.clone(),
            channel: campaign.channel,
            subject: subject_of_campaign(&state.templates, campaign),
            state: DeliveryState::Queued,
            queued_at: state.now.plus_seconds(-(k as i64 + 1) * 240),
            sent_at: None,
        });
    }
    // Number in time order; reply links were positions in the unsorted list.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (entries[i].queued_at, i));
    let mut id_of_position = vec![0u64; entries.len()];
    for (rank, &position) in order.iter().enumerate() {
        id_of_position[position] = rank as u64 + 1;
    }
    for f in &mut state.feedback {
        for reply in &mut f.replies {
            if let Some(position) = reply.outbox_id {
                reply.outbox_id = id_of_position.get(position as usize - 1).copied();
            }
        }
    }
    for (position, entry) in entries.iter_mut().enumerate() {
        entry.id = id_of_position[position];
    }
    entries.sort_by_key(|e| e.id);
    state.outbox = entries;
}

fn subject_of_campaign(templates: &[Template], campaign: &Campaign) -> String {
    templates
        .iter()
        .find(|t| t.id == campaign.template_id)
        .map_or_else(|| campaign.name.clone(), |t| t.subject.clone())
}

fn suppressions(state: &mut State) {
    let created = |days: i64| state.now.plus_seconds(-days * DAY);
    let domains = [
        (
            "competitor.example",
            SuppressionKind::Domain,
            "Competitor staff are never surveyed",
            300,
        ),
        (
            "mailinator.com",
            SuppressionKind::Domain,
            "Disposable inboxes",
            250,
        ),
        (
            "noreply@*",
            SuppressionKind::Pattern,
            "Role addresses never answer",
            200,
        ),
        (
            "*@*.test",
            SuppressionKind::Pattern,
            "Test environments",
            150,
        ),
        (
            "billing@*",
            SuppressionKind::Pattern,
            "Shared billing inboxes",
            90,
        ),
    ];
    state.suppressed_domains = domains
        .iter()
        .enumerate()
        .map(|(i, (value, kind, reason, age))| SuppressedDomain {
            id: i as u64 + 1,
            value: (*value).into(),
            kind: *kind,
            reason: (*reason).into(),
            created_at: created(*age),
        })
        .collect();
    let reasons = [
        SuppressionReason::Unsubscribed,
        SuppressionReason::Bounced,
        SuppressionReason::Complaint,
        SuppressionReason::Manual,
    ];
    let mut emails: Vec<SuppressedEmail> = state
        .customers
        .iter()
        .filter(|c| c.id % 25 == 7)
        .enumerate()
        .map(|(i, c)| SuppressedEmail {
            id: 0,
            email: c.email.clone(),
            reason: reasons[i % reasons.len()],
            created_at: created(10 + 23 * i as i64),
        })
        .collect();
    for (i, email) in [
        "former.client@post.example",
        "do-not-contact@inbox.example",
        "legal@mailbox.example",
    ]
    .iter()
    .enumerate()
    {
        emails.push(SuppressedEmail {
            id: 0,
            email: (*email).into(),
            reason: SuppressionReason::Manual,
            created_at: created(5 + i as i64),
        });
    }
    for (i, e) in emails.iter_mut().enumerate() {
        e.id = i as u64 + 1;
    }
    state.suppressed_emails = emails;
}

/// Scores and themes of one period, frozen into a digest.
pub(crate) fn digest(state: &State, id: u64, period: DigestPeriod, from: Date, to: Date) -> Digest {
    let window = crate::calendar::Window { from, to };
    let previous = window.previous();
    let mut scores = Vec::new();
    let mut lines = Vec::new();
    for metric in Metric::ALL {
        let tally_in = |w: &crate::calendar::Window| {
            Tally::of(
                metric,
                state
                    .feedback
                    .iter()
                    .filter(|f| w.contains(f.created_at) && state.metric_of(f) == metric)
                    .map(|f| f.score),
            )
        };
        let now = tally_in(&window);
        let before = tally_in(&previous);
        let score = now.score(metric);
        let change = delta(score, before.score(metric));
        if let Some(value) = score {
            let trend = match change {
                Some(d) if d > 0.0 => format!("up {d} on the period before"),
                Some(d) if d < 0.0 => format!("down {} on the period before", -d),
                Some(_) => "flat on the period before".to_string(),
                None => "with nothing to compare against".to_string(),
            };
            lines.push(format!(
                "{} {value} from {} responses, {trend}",
                metric.name(),
                now.count()
            ));
        }
        scores.push(DigestScore {
            metric,
            score,
            previous_score: before.score(metric),
            delta: change,
            responses: now.count(),
        });
    }
    let mut themes: BTreeMap<&str, [u32; 3]> = BTreeMap::new();
    for f in state
        .feedback
        .iter()
        .filter(|f| window.contains(f.created_at))
    {
        for t in &f.topics {
            let slot = themes.entry(t.topic.as_str()).or_default();
            slot[t.sentiment as usize] += 1;
        }
    }
    let mut themes: Vec<DigestTheme> = themes
        .into_iter()
        .map(|(topic, counts)| {
            let dominant = if counts[2] > counts[0] && counts[2] >= counts[1] {
                Sentiment::Negative
            } else if counts[0] >= counts[1] {
                Sentiment::Positive
            } else {
                Sentiment::Neutral
            };
            DigestTheme {
                topic: topic.to_string(),
                mentions: counts.iter().sum(),
                dominant_sentiment: dominant,
            }
        })
        .collect();
    themes.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.topic.cmp(&b.topic))
    });
    themes.truncate(3);
    let theme_text: Vec<String> = themes
        .iter()
        .map(|t| {
            format!(
                "{} ({} mentions, mostly {:?})",
                t.topic, t.mentions, t.dominant_sentiment
            )
            .to_lowercase()
        })
        .collect();
    let summary = if lines.is_empty() {
        format!("No responses arrived between {from} and {to}.")
    } else {
        format!(
            "Between {from} and {to}: {}. Most discussed: {}.",
            lines.join("; "),
            if theme_text.is_empty() {
                "nothing stood out".to_string()
            } else {
                theme_text.join(", ")
            }
        )
    };
    Digest {
        id,
        period,
        from,
        to,
        generated_at: to.plus_days(1).start().plus_seconds(6 * 3600),
        scores,
        themes,
        summary,
    }
}

fn digests(state: &mut State) {
    let monday = state.today.week_start();
    let mut periods: Vec<(DigestPeriod, Date, Date)> = Vec::new();
    for k in (1..=6).rev() {
        let from = state.today.month_start().add_months(-k);
        periods.push((
            DigestPeriod::Monthly,
            from,
            from.add_months(1).plus_days(-1),
        ));
    }
    for k in (1..=8).rev() {
        let from = monday.plus_days(-7 * k);
        periods.push((DigestPeriod::Weekly, from, from.plus_days(6)));
    }
    periods.sort_by_key(|p| (p.2, p.0 == DigestPeriod::Monthly));
    let digests: Vec<Digest> = periods
        .iter()
        .enumerate()
        .map(|(i, (period, from, to))| digest(state, i as u64 + 1, *period, *from, *to))
        .collect();
    state.digests = digests;
}

fn filters(state: &mut State) {
    let cond = |field: &str, operator: &str, value: Option<Value>| Condition {
        field: field.into(),
        operator: operator.into(),
        value,
    };
    let all = |conditions| FilterSpec {
        conditions,
        combine: Combine::All,
    };
    let saved = [
        (
            "Detractors with comments",
            "Negative answers on any metric that came with a comment",
            all(vec![
                cond("category", "eq", Some(json!("negative"))),
                cond("comment", "isNotEmpty", None),
            ]),
        ),
        (
            "Starred and still open",
            "Starred responses nobody has resolved",
            all(vec![
                cond("starred", "eq", Some(json!(true))),
                cond("status", "ne", Some(json!("resolved"))),
            ]),
        ),
        (
            "Pricing complaints",
            "Negative answers that talk about pricing or billing",
            all(vec![
                cond("topics", "hasAny", Some(json!(["Pricing", "Billing"]))),
                cond("category", "eq", Some(json!("negative"))),
            ]),
        ),
        (
            "Unassigned NPS detractors since August",
            "NPS detractors without an owner",
            all(vec![
                cond("metric", "eq", Some(json!("NPS"))),
                cond("category", "eq", Some(json!("negative"))),
                cond("assigneeId", "isEmpty", None),
                cond("date", "after", Some(json!("2026-08-01"))),
            ]),
        ),
    ];
    state.saved_filters = saved
        .into_iter()
        .enumerate()
        .map(|(i, (name, description, spec))| SavedFilter {
            id: i as u64 + 1,
            name: name.into(),
            description: description.into(),
            spec,
            created_by: [1, 3, 4, 3][i],
            created_at: state.now.plus_seconds(-((i as i64 + 1) * 21) * DAY),
        })
        .collect();
    state.recent_filters = vec![
        RecentFilter {
            id: 2,
            spec: all(vec![cond("tags", "hasAny", Some(json!(["churn-risk"])))]),
            applied_at: state.now.plus_seconds(-2 * 3600),
        },
        RecentFilter {
            id: 1,
            spec: all(vec![
                cond("campaignId", "eq", Some(json!(3))),
                cond("score", "lte", Some(json!(2))),
            ]),
            applied_at: state.now.plus_seconds(-DAY),
        },
    ];
}
