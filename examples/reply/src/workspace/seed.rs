//! The deterministic sandbox data set.
//!
//! Everything is derived from fixed tables and a small fixed-seed generator, so every
//! run (and every test) sees the same workspace.

use std::collections::BTreeMap;

use mcp_examples_support::seed::SplitMix64;

use super::clock::{DAY, SANDBOX_EPOCH};
use super::state::{
    Blacklist, Contact, ContactList, Delivery, Draft, Enrollment, KnowledgeBase, Message, Playbook,
    Sequence, Source, State, Step, Task, TeamMember, Thread, Variant,
};
use crate::accounts::{EmailAccount, LinkedInAccount, Schedule};
use crate::contacts::ActivityKind;
use crate::handlers::ReplyHandler;
use crate::inbox::Channel;
use crate::knowledge::{ResponseLength, ToneOfVoice};
use crate::offers::Offer;
use crate::playbooks::PlaybookVisibility;
use crate::reengagement::ReengagementCard;
use crate::sequences::{ContactStatus, DEFAULT_CONTACT_LIMIT, ReplyMode, SequenceStatus, StepType};
use crate::tasks::{CallResolution, LinkedInTaskType, TaskType};

const COMPANIES: &[(&str, &str)] = &[
    ("Acme Robotics", "acmerobotics.com"),
    ("Northwind Logistics", "northwindlogistics.com"),
    ("Bluefin Analytics", "bluefin.io"),
    ("Cedar Health", "cedarhealth.com"),
    ("Lumen Payments", "lumenpay.com"),
    ("Orbit HR", "orbithr.io"),
    ("Pinecrest Software", "pinecrest.dev"),
    ("Quartz Security", "quartzsec.com"),
    ("Riverbend Foods", "riverbendfoods.com"),
    ("Summit Legal Tech", "summitlegal.ai"),
    ("Tidewater Energy", "tidewater-energy.com"),
    ("Vantage Retail", "vantageretail.com"),
    ("Willow Education", "willowedu.org"),
    ("Zephyr Cloud", "zephyrcloud.io"),
    ("Harbor Insurance", "harborins.com"),
    ("Ironclad Manufacturing", "ironcladmfg.com"),
    ("Juniper Travel", "junipertravel.com"),
    ("Keystone Realty", "keystonerealty.com"),
    ("Maple Fintech", "maplefintech.ca"),
    ("Nimbus Devices", "nimbusdevices.com"),
    ("Oakridge Consulting", "oakridge.co"),
    ("Polaris Media", "polarismedia.com"),
    ("Redwood Biotech", "redwoodbio.com"),
    ("Sierra Mobility", "sierramobility.com"),
    ("Trellis Marketing", "trellis.agency"),
    ("Umbra Games", "umbragames.com"),
    ("Vertex Data", "vertexdata.io"),
    ("Wavelength Telecom", "wavelengthtel.com"),
    ("Yellowstone Outdoors", "yellowstoneoutdoors.com"),
    ("Aurora Clinics", "auroraclinics.com"),
    ("Beacon Supply", "beaconsupply.com"),
    ("Copperleaf Finance", "copperleaf.finance"),
    ("Driftwood Hotels", "driftwoodhotels.com"),
    ("Everstone Capital", "everstonecap.com"),
    ("Foxglove Labs", "foxglovelabs.com"),
    ("Granite Construction Tech", "granitecontech.com"),
    ("Helix Genomics", "helixgenomics.com"),
    ("Indigo Fashion", "indigofashion.co"),
    ("Kestrel Drones", "kestreldrones.com"),
    ("RivalReach", "rivalreach.io"),
];

const FIRST: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas",
    "Mia", "Aarav", "Amelia", "Mateo", "Harper", "Kenji", "Chloe", "Omar", "Grace", "Diego", "Zoe",
    "Ravi", "Hannah", "Felix", "Leah", "Tariq", "Nora", "Jonas", "Elena", "Samuel", "Freya",
    "Arjun", "Clara", "Malik", "Ingrid", "Hugo", "Yuki", "Marco", "Aisha", "Pavel",
];

const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Garcia",
    "Nguyen",
    "Patel",
    "Kim",
    "Muller",
    "Rossi",
    "Silva",
    "Kowalski",
    "Brown",
    "Tanaka",
    "Hernandez",
    "Okafor",
    "Larsen",
    "Dubois",
    "Cohen",
    "Ali",
    "Novak",
    "Fischer",
    "Moreau",
    "Ivanova",
    "Jensen",
    "Romero",
    "Singh",
    "Walsh",
    "Costa",
    "Schmidt",
    "Yilmaz",
    "Anderson",
    "Bianchi",
    "Haddad",
    "Lindqvist",
    "Mendes",
    "Sato",
    "Wright",
    "Becker",
    "Petrov",
    "Reyes",
    "Obi",
];

const TITLES: &[&str] = &[
    "CEO",
    "Co-founder",
    "VP of Sales",
    "Head of Sales",
    "Sales Director",
    "VP Operations",
    "Head of Growth",
    "Marketing Manager",
    "COO",
    "RevOps Lead",
    "Account Executive",
    "Director of Business Development",
    "CTO",
    "Head of Customer Success",
];

const PLACES: &[(&str, &str)] = &[
    ("New York", "United States"),
    ("Austin", "United States"),
    ("San Francisco", "United States"),
    ("Toronto", "Canada"),
    ("London", "United Kingdom"),
    ("Berlin", "Germany"),
    ("Amsterdam", "Netherlands"),
    ("Paris", "France"),
    ("Warsaw", "Poland"),
    ("Singapore", "Singapore"),
    ("Sydney", "Australia"),
];

/// Inbound replies: text and the category a rep would give them.
const REPLIES: &[(&str, Option<&str>)] = &[
    (
        "Thanks for reaching out. Could you send over pricing for a team of 15?",
        Some("Interested"),
    ),
    (
        "Not interested at the moment, we just signed with another vendor.",
        Some("Not interested"),
    ),
    (
        "I'm out of the office until next Monday with limited access to email.",
        Some("Out of office"),
    ),
    (
        "This is timely. Does Thursday at 2pm work for a quick call?",
        Some("Meeting booked"),
    ),
    (
        "I'm not the right person for this. Try my colleague who runs RevOps.",
        Some("Referral"),
    ),
    ("Please remove me from your list.", Some("Do not contact")),
    (
        "Interesting. Can you share a case study from a company our size?",
        None,
    ),
    (
        "Circle back next quarter, budgets are frozen until then.",
        Some("Follow up later"),
    ),
    ("How does this integrate with HubSpot?", None),
    (
        "We tried something similar last year and it did not stick. What is different?",
        None,
    ),
];

fn sender(state: &mut State) -> u64 {
    state.mint()
}

fn email_steps(state: &mut State, topic: &str, count: usize) -> Vec<Step> {
    let delays = [0, 3, 4, 7, 7];
    (0..count)
        .map(|i| {
            let mut variants = vec![Variant {
                id: sender(state),
                subject: if i == 0 {
                    format!("{{{{FirstName}}}}, a quick idea on {topic}")
                } else {
                    format!("Re: {topic}")
                },
                body: format!(
                    "Hi {{{{FirstName}}}},\n\nStep {} of our note on {topic}. Teams like \
                     {{{{Company}}}} often lose hours every week here.\n\nWorth a short chat?\n\n\
                     {{{{SenderName}}}}",
                    i + 1
                ),
                enabled: true,
                has_attachments: i == 1,
            }];
            if i == 0 {
                variants.push(Variant {
                    id: sender(state),
                    subject: format!("Question about {topic} at {{{{Company}}}}"),
                    body: format!(
                        "Hello {{{{FirstName}}}},\n\nCurious how {{{{Company}}}} handles {topic} \
                         today. We help similar teams cut the busywork in half.\n\n\
                         {{{{SenderName}}}}"
                    ),
                    enabled: true,
                    has_attachments: false,
                });
                variants.push(Variant {
                    id: sender(state),
                    subject: format!("{topic}?"),
                    body: "Hi {{FirstName}}, retired variant kept for reference.".to_owned(),
                    enabled: false,
                    has_attachments: false,
                });
            }
            Step {
                id: sender(state),
                kind: StepType::Email,
                delay_days: delays[i.min(delays.len() - 1)],
                variants,
            }
        })
        .collect()
}

fn linkedin_steps(state: &mut State) -> Vec<Step> {
    let plan = [
        (StepType::LinkedInViewProfile, 0, ""),
        (
            StepType::LinkedInConnect,
            1,
            "Hi {{FirstName}}, I enjoy following {{Company}}; happy to connect.",
        ),
        (
            StepType::LinkedInMessage,
            2,
            "Thanks for connecting, {{FirstName}}! Open to swapping notes on how your team books meetings?",
        ),
        (
            StepType::LinkedInMessage,
            5,
            "{{FirstName}}, one last nudge: I can share the playbook we use with teams like yours.",
        ),
    ];
    plan.iter()
        .map(|&(kind, delay_days, body)| Step {
            id: sender(state),
            kind,
            delay_days,
            variants: if body.is_empty() {
                Vec::new()
            } else {
                vec![Variant {
                    id: sender(state),
                    subject: String::new(),
                    body: body.to_owned(),
                    enabled: true,
                    has_attachments: false,
                }]
            },
        })
        .collect()
}

fn mixed_steps(state: &mut State, topic: &str) -> Vec<Step> {
    let mut emails = email_steps(state, topic, 3).into_iter();
    let mut linkedin = linkedin_steps(state).into_iter();
    let mut steps = Vec::new();
    steps.extend(emails.next());
    steps.extend(linkedin.next());
    steps.extend(emails.next());
    steps.extend(linkedin.next());
    steps.extend(emails.next());
    steps.push(Step {
        id: sender(state),
        kind: StepType::Call,
        delay_days: 3,
        variants: Vec::new(),
    });
    steps
}

struct SequencePlan {
    name: &'static str,
    owner: u64,
    status: SequenceStatus,
    archived: bool,
    steps: &'static str,
    topic: &'static str,
    mailboxes: &'static [u64],
    linkedin: Option<u64>,
    schedule: Option<u64>,
    offer: Option<u64>,
    playbook: Option<u64>,
    kb: Option<u64>,
    mode: ReplyMode,
    limit: usize,
    contacts: std::ops::Range<u64>,
    age_days: i64,
}

const PLANS: &[SequencePlan] = &[
    SequencePlan {
        name: "Q3 Outbound – SaaS Founders",
        owner: 1,
        status: SequenceStatus::Active,
        archived: false,
        steps: "mixed",
        topic: "pipeline generation",
        mailboxes: &[1],
        linkedin: Some(1),
        schedule: Some(1),
        offer: Some(1),
        playbook: Some(1),
        kb: Some(1),
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 1..61,
        age_days: 40,
    },
    SequencePlan {
        name: "Q3 Outbound – Mid-market Ops",
        owner: 2,
        status: SequenceStatus::Active,
        archived: false,
        steps: "email",
        topic: "operations reporting",
        mailboxes: &[2, 3],
        linkedin: None,
        schedule: Some(2),
        offer: Some(2),
        playbook: Some(2),
        kb: Some(1),
        mode: ReplyMode::Autonomous,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 61..131,
        age_days: 35,
    },
    SequencePlan {
        name: "June Webinar Follow-up",
        owner: 1,
        status: SequenceStatus::Paused,
        archived: false,
        steps: "email",
        topic: "the webinar recording",
        mailboxes: &[1],
        linkedin: None,
        schedule: Some(1),
        offer: Some(1),
        playbook: Some(4),
        kb: Some(1),
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 131..171,
        age_days: 30,
    },
    SequencePlan {
        name: "LinkedIn Warm-up – Heads of Sales",
        owner: 2,
        status: SequenceStatus::Active,
        archived: false,
        steps: "linkedin",
        topic: "",
        mailboxes: &[],
        linkedin: Some(2),
        schedule: Some(1),
        offer: None,
        playbook: None,
        kb: None,
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 171..201,
        age_days: 25,
    },
    SequencePlan {
        name: "SaaStr Event Leads",
        owner: 1,
        status: SequenceStatus::New,
        archived: false,
        steps: "email",
        topic: "our chat at SaaStr",
        mailboxes: &[],
        linkedin: None,
        schedule: None,
        offer: None,
        playbook: Some(4),
        kb: None,
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 201..226,
        age_days: 5,
    },
    SequencePlan {
        name: "Partner Referral Nurture",
        owner: 3,
        status: SequenceStatus::New,
        archived: false,
        steps: "email",
        topic: "the partner program",
        mailboxes: &[5],
        linkedin: None,
        schedule: Some(1),
        offer: None,
        playbook: None,
        kb: None,
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 0..0,
        age_days: 3,
    },
    SequencePlan {
        name: "Closed-Lost Re-engagement",
        owner: 1,
        status: SequenceStatus::Paused,
        archived: false,
        steps: "email",
        topic: "what changed since we last spoke",
        mailboxes: &[3],
        linkedin: None,
        schedule: Some(2),
        offer: Some(1),
        playbook: None,
        kb: Some(2),
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 226..256,
        age_days: 60,
    },
    SequencePlan {
        name: "Founders Pilot (capped)",
        owner: 1,
        status: SequenceStatus::Active,
        archived: false,
        steps: "email",
        topic: "the founders pilot",
        mailboxes: &[1],
        linkedin: None,
        schedule: Some(1),
        offer: Some(1),
        playbook: Some(1),
        kb: Some(1),
        mode: ReplyMode::Review,
        limit: 25,
        contacts: 256..280,
        age_days: 14,
    },
    SequencePlan {
        name: "Q1 Outbound – Fintech",
        owner: 2,
        status: SequenceStatus::Paused,
        archived: true,
        steps: "email",
        topic: "payments reconciliation",
        mailboxes: &[2],
        linkedin: None,
        schedule: Some(2),
        offer: None,
        playbook: None,
        kb: None,
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 280..301,
        age_days: 160,
    },
    SequencePlan {
        name: "Holiday Campaign 2025",
        owner: 4,
        status: SequenceStatus::Paused,
        archived: true,
        steps: "email",
        topic: "year-end planning",
        mailboxes: &[3],
        linkedin: None,
        schedule: Some(1),
        offer: None,
        playbook: None,
        kb: None,
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 301..321,
        age_days: 200,
    },
    SequencePlan {
        name: "Customer Expansion – Analytics Add-on",
        owner: 3,
        status: SequenceStatus::Active,
        archived: false,
        steps: "email",
        topic: "the analytics add-on",
        mailboxes: &[4],
        linkedin: None,
        schedule: Some(3),
        offer: Some(3),
        playbook: Some(3),
        kb: Some(1),
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 101..116,
        age_days: 20,
    },
    SequencePlan {
        name: "New Hires Intro",
        owner: 1,
        status: SequenceStatus::New,
        archived: false,
        steps: "email",
        topic: "onboarding new reps",
        mailboxes: &[5],
        linkedin: None,
        schedule: Some(1),
        offer: None,
        playbook: None,
        kb: None,
        mode: ReplyMode::Review,
        limit: DEFAULT_CONTACT_LIMIT,
        contacts: 285..296,
        age_days: 2,
    },
];

/// Builds the sandbox workspace.
pub fn sandbox_state() -> State {
    let mut dice = SplitMix64::new(0x5EED_2026_0706);
    let now = SANDBOX_EPOCH;
    let mut state = State {
        now,
        next_nested_id: 10_000,
        current_user_id: 1,
        team: BTreeMap::new(),
        email_accounts: BTreeMap::new(),
        linkedin_accounts: BTreeMap::new(),
        schedules: BTreeMap::new(),
        lists: BTreeMap::new(),
        contacts: BTreeMap::new(),
        blacklist: Blacklist::default(),
        sequences: BTreeMap::new(),
        threads: BTreeMap::new(),
        inbox_categories: [
            "Interested",
            "Not interested",
            "Meeting booked",
            "Out of office",
            "Referral",
            "Do not contact",
            "Follow up later",
        ]
        .map(str::to_owned)
        .to_vec(),
        drafts: Vec::new(),
        knowledge_bases: BTreeMap::new(),
        offers: BTreeMap::new(),
        playbooks: BTreeMap::new(),
        tasks: BTreeMap::new(),
        activities: Vec::new(),
        unsupported_requests: Vec::new(),
    };

    seed_team_and_accounts(&mut state);
    seed_contacts(&mut state, &mut dice);
    seed_jason(&mut state);
    seed_sequences(&mut state, &mut dice);
    seed_threads_and_drafts(&mut state, &mut dice);
    seed_tasks(&mut state, &mut dice);
    state
        .activities
        .sort_by(|a, b| a.at.cmp(&b.at).then(a.contact_id.cmp(&b.contact_id)));
    state
}

fn seed_team_and_accounts(state: &mut State) {
    let team = [
        (1, "Maya Chen", "maya@brightloop.io", "Owner"),
        (2, "Daniel Okafor", "daniel@brightloop.io", "Manager"),
        (3, "Priya Raman", "priya@brightloop.io", "Member"),
        (4, "Tom Becker", "tom@brightloop.io", "Member"),
        (5, "Lucia Ferreira", "lucia@brightloop.io", "Member"),
    ];
    for (id, name, email, role) in team {
        state.team.insert(
            id,
            TeamMember {
                id,
                name: name.to_owned(),
                email: email.to_owned(),
                role: role.to_owned(),
            },
        );
    }
    let mailboxes = [
        (
            1,
            "maya@brightloop.io",
            "Maya Chen",
            true,
            150,
            true,
            &["primary"][..],
            1,
        ),
        (
            2,
            "daniel@brightloop.io",
            "Daniel Okafor",
            true,
            120,
            false,
            &["primary"][..],
            2,
        ),
        (
            3,
            "hello@brightloop-mail.com",
            "Brightloop Team",
            true,
            80,
            false,
            &["secondary", "warm-up"][..],
            1,
        ),
        (
            4,
            "priya@brightloop.io",
            "Priya Raman",
            false,
            100,
            false,
            &["customer-success"][..],
            3,
        ),
        (
            5,
            "outreach@brightloop-mail.com",
            "Brightloop Outreach",
            true,
            60,
            false,
            &["secondary"][..],
            1,
        ),
    ];
    for (id, email, sender_name, is_connected, daily_limit, is_default, tags, owner_id) in mailboxes
    {
        state.email_accounts.insert(
            id,
            EmailAccount {
                id,
                email: email.to_owned(),
                sender_name: sender_name.to_owned(),
                is_connected,
                daily_limit,
                is_default,
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                owner_id,
            },
        );
    }
    let linkedin = [
        (
            1,
            "Maya Chen",
            "https://www.linkedin.com/in/maya-chen-brightloop",
            true,
            "Premium",
            1,
        ),
        (
            2,
            "Daniel Okafor",
            "https://www.linkedin.com/in/danielokafor",
            false,
            "SalesNavigator",
            2,
        ),
        (
            3,
            "Priya Raman",
            "https://www.linkedin.com/in/priya-raman-cs",
            true,
            "Free",
            3,
        ),
    ];
    for (id, name, url, healthy, tier, owner_id) in linkedin {
        state.linkedin_accounts.insert(
            id,
            LinkedInAccount {
                id,
                name: name.to_owned(),
                profile_url: url.to_owned(),
                status: "Active".to_owned(),
                is_cookie_healthy: healthy,
                tier: tier.to_owned(),
                owner_id,
            },
        );
    }
    let schedules = [
        (
            1,
            "Business hours – New York",
            "America/New_York",
            true,
            5,
            5,
        ),
        (2, "EMEA mornings", "Europe/London", false, 5, 3),
        (3, "APAC weekdays", "Asia/Singapore", false, 5, 5),
    ];
    for (id, name, tz, is_default, main, follow) in schedules {
        state.schedules.insert(
            id,
            Schedule {
                id,
                name: name.to_owned(),
                time_zone: tz.to_owned(),
                is_default,
                main_window_count: main,
                follow_up_window_count: follow,
            },
        );
    }
    let lists = [
        (1, "SaaS founders", 1),
        (2, "Mid-market ops leaders", 2),
        (3, "Webinar attendees – June", 1),
        (4, "Closed lost 2025", 1),
        (5, "SaaStr 2026 booth scans", 1),
        (6, "Customers", 3),
    ];
    for (id, name, owner_id) in lists {
        state.lists.insert(
            id,
            ContactList {
                id,
                name: name.to_owned(),
                owner_id,
            },
        );
    }
}

fn seed_contacts(state: &mut State, dice: &mut SplitMix64) {
    for id in 1..=320u64 {
        let i = id as usize - 1;
        let (company, domain) = COMPANIES[i % COMPANIES.len()];
        let first = FIRST[(i * 7 + i / 40) % FIRST.len()];
        let last = LAST[(i * 11 + i / 13) % LAST.len()];
        let personal = i % 17 == 5;
        let email = if personal {
            format!("{}.{}{}@gmail.com", first, last, i).to_lowercase()
        } else {
            format!("{}.{}@{}", first, last, domain).to_lowercase()
        };
        let linkedin_url = (!dice.chance(25)).then(|| {
            format!(
                "https://www.linkedin.com/in/{}-{}-{}",
                first.to_lowercase(),
                last.to_lowercase(),
                1000 + id
            )
        });
        let (city, country) = *dice.pick(PLACES);
        let list_ids = match id {
            1..=60 => vec![1],
            101..=115 => vec![2, 6],
            61..=130 => vec![2],
            131..=170 => vec![3],
            201..=225 => vec![5],
            226..=255 => vec![4],
            _ if id % 9 == 0 => vec![6],
            _ => Vec::new(),
        };
        let owner_id = match id % 10 {
            0..=5 => 1,
            6 | 7 => 2,
            8 => 3,
            _ => 5,
        };
        state.contacts.insert(
            id,
            Contact {
                id,
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                email: Some(email),
                linkedin_url,
                company: Some(company.to_owned()),
                title: Some((*dice.pick(TITLES)).to_owned()),
                phone: (id % 3 == 0).then(|| format!("+1 555 01{:02}", id % 100)),
                city: Some(city.to_owned()),
                country: Some(country.to_owned()),
                owner_id,
                list_ids,
                opted_out: i % 29 == 7,
                replied: false,
                created_at: SANDBOX_EPOCH - (400 - id as i64) * DAY,
            },
        );
        state.activities.push(super::state::Activity {
            contact_id: id,
            at: SANDBOX_EPOCH - (400 - id as i64) * DAY,
            kind: ActivityKind::ContactCreated,
            sequence_id: None,
            detail: "contact imported from CSV".to_owned(),
        });
    }
    // A LinkedIn-only prospect and two individually blocked addresses.
    state.contacts.insert(
        321,
        Contact {
            id: 321,
            first_name: "Rosa".to_owned(),
            last_name: "Lindqvist".to_owned(),
            email: None,
            linkedin_url: Some("https://www.linkedin.com/in/rosa-lindqvist".to_owned()),
            company: Some("Foxglove Labs".to_owned()),
            title: Some("Head of Growth".to_owned()),
            phone: None,
            city: Some("Stockholm".to_owned()),
            country: Some("Sweden".to_owned()),
            owner_id: 1,
            list_ids: vec![1],
            opted_out: false,
            replied: false,
            created_at: SANDBOX_EPOCH - 20 * DAY,
        },
    );
    state.blacklist.domains.insert("rivalreach.io".to_owned());
    for id in [46, 133] {
        if let Some(email) = state.contacts.get(&id).and_then(|c| c.email.clone()) {
            state.blacklist.emails.insert(email);
        }
    }
}

fn seed_jason(state: &mut State) {
    let offers = [
        Offer {
            id: 1,
            name: "Brightloop for SaaS founders".to_owned(),
            company_name: "Brightloop".to_owned(),
            company_description: "Brightloop is a revenue workspace that turns scattered \
                                  outreach into one measurable pipeline."
                .to_owned(),
            ideal_customer_profile: "B2B SaaS companies with 10–200 employees where a founder \
                                     still owns sales."
                .to_owned(),
            reason_for_outreach: "Founders spend evenings on prospecting that a system could run."
                .to_owned(),
            case_studies: vec![
                "Pinecrest Software doubled booked demos in one quarter.".to_owned(),
                "Zephyr Cloud cut time-to-first-meeting from 3 weeks to 6 days.".to_owned(),
            ],
            pain_points: vec![
                "Outreach lives in spreadsheets".to_owned(),
                "No idea which message works".to_owned(),
            ],
            benefits: vec![
                "One pipeline view".to_owned(),
                "Tested messaging".to_owned(),
            ],
            website_url: Some("https://brightloop.io".to_owned()),
        },
        Offer {
            id: 2,
            name: "Brightloop Ops Suite for mid-market".to_owned(),
            company_name: "Brightloop".to_owned(),
            company_description: "Reporting and automation for operations teams.".to_owned(),
            ideal_customer_profile: "Operations leaders at 200–2,000 person companies.".to_owned(),
            reason_for_outreach: "Quarter-end reporting still takes a week of manual work."
                .to_owned(),
            case_studies: vec!["Northwind Logistics closed books 4 days faster.".to_owned()],
            pain_points: vec!["Manual weekly reports".to_owned()],
            benefits: vec!["Reports that build themselves".to_owned()],
            website_url: Some("https://brightloop.io/ops".to_owned()),
        },
        Offer {
            id: 3,
            name: "Analytics add-on (upsell)".to_owned(),
            company_name: "Brightloop".to_owned(),
            company_description: "Deeper analytics for existing Brightloop customers.".to_owned(),
            ideal_customer_profile: "Current customers on the Growth plan.".to_owned(),
            reason_for_outreach: "Usage shows they export data to build their own dashboards."
                .to_owned(),
            case_studies: Vec::new(),
            pain_points: vec!["Dashboards rebuilt by hand".to_owned()],
            benefits: vec!["Ready-made cohort reports".to_owned()],
            website_url: None,
        },
    ];
    for offer in offers {
        state.offers.insert(offer.id, offer);
    }
    let playbooks = [
        (
            1,
            "Founder-to-founder outbound",
            "Peer tone for founders",
            "Write as one founder to another. Lead with a specific observation about their company, keep it under 90 words, and ask one easy question.",
            PlaybookVisibility::Team,
            1,
        ),
        (
            2,
            "Ops efficiency challenger",
            "Challenge the status quo of manual reporting",
            "Open with the hidden cost of manual reporting, quantify it, and offer a 20-minute teardown of their current process.",
            PlaybookVisibility::Organization,
            2,
        ),
        (
            3,
            "Customer expansion",
            "Upsell existing customers",
            "Reference what they already use, point to one concrete gap, and suggest a short walkthrough with their account manager.",
            PlaybookVisibility::Team,
            3,
        ),
        (
            4,
            "Event follow-up",
            "After conferences and webinars",
            "Mention the event in the first line, recap one takeaway, and offer the recording or slides before asking for time.",
            PlaybookVisibility::Organization,
            1,
        ),
    ];
    for (id, name, description, body, visibility, owner_id) in playbooks {
        state.playbooks.insert(
            id,
            Playbook {
                id,
                name: name.to_owned(),
                description: description.to_owned(),
                body: body.to_owned(),
                visibility,
                owner_id,
            },
        );
    }
    let bases = [
        (
            1,
            "Brightloop core",
            "Use these pages to answer product, pricing and security questions. Never promise discounts.",
            &[
                "https://brightloop.io",
                "https://brightloop.io/pricing",
                "https://brightloop.io/security",
                "https://brightloop.io/integrations",
            ][..],
        ),
        (
            2,
            "Win-back",
            "For prospects who went quiet or chose a competitor. Be brief and respectful.",
            &[
                "https://brightloop.io/changelog",
                "https://brightloop.io/customers",
            ][..],
        ),
        (
            3,
            "Product launch 2026",
            "Talking points for the spring launch.",
            &["https://brightloop.io/launch"][..],
        ),
    ];
    for (id, name, instructions, urls) in bases {
        let mut kb = KnowledgeBase {
            id,
            name: name.to_owned(),
            instructions: instructions.to_owned(),
            sources: Vec::new(),
            reply_handlers: Vec::new(),
            reengagement_cards: Vec::new(),
        };
        for (k, url) in urls.iter().enumerate() {
            kb.sources.push(Source {
                id: state.mint(),
                url: (*url).to_owned(),
                added_at: SANDBOX_EPOCH - (60 - k as i64) * DAY,
            });
        }
        state.knowledge_bases.insert(id, kb);
    }
    let handlers = [
        (
            1,
            "Asks about pricing",
            "Share the plan tiers from the pricing page and offer a call for volume pricing.",
            ToneOfVoice::Straightforward,
            ResponseLength::Short,
            &["https://brightloop.io/pricing"][..],
        ),
        (
            1,
            "Asks about integrations",
            "List the CRM integrations and link the integrations page.",
            ToneOfVoice::Confident,
            ResponseLength::Medium,
            &["https://brightloop.io/integrations"][..],
        ),
        (
            1,
            "Security or compliance question",
            "Mention SOC 2 Type II and GDPR readiness; offer the security pack.",
            ToneOfVoice::Confident,
            ResponseLength::Medium,
            &["https://brightloop.io/security"][..],
        ),
        (
            1,
            "Not the right person",
            "Thank them and ask who owns sales tooling.",
            ToneOfVoice::Empathetic,
            ResponseLength::SuperShort,
            &[][..],
        ),
        (
            2,
            "Already using a competitor",
            "Acknowledge, ask what they would change, and mention one differentiator.",
            ToneOfVoice::Empathetic,
            ResponseLength::Short,
            &[][..],
        ),
        (
            2,
            "Asks for a case study",
            "Share the most relevant customer story.",
            ToneOfVoice::Persuasive,
            ResponseLength::Short,
            &["https://brightloop.io/customers"][..],
        ),
    ];
    for (kb, question, instructions, tone, length, links) in handlers {
        let handler = ReplyHandler {
            id: state.mint(),
            question_type: question.to_owned(),
            instructions: instructions.to_owned(),
            sample_answer: None,
            tone_of_voice: tone,
            response_length: length,
            links: links.iter().map(|l| (*l).to_owned()).collect(),
        };
        if let Some(base) = state.knowledge_bases.get_mut(&kb) {
            base.reply_handlers.push(handler);
        }
    }
    let cards = [
        (
            1,
            "Two weeks of silence",
            "Send a short, useful resource and ask if priorities changed.",
            14,
            ToneOfVoice::Empathetic,
            ResponseLength::Short,
        ),
        (
            1,
            "After a no-show",
            "Offer two new times and keep it light.",
            2,
            ToneOfVoice::Witty,
            ResponseLength::SuperShort,
        ),
        (
            2,
            "Closed lost – quarter later",
            "Share what shipped since they chose another option.",
            90,
            ToneOfVoice::Straightforward,
            ResponseLength::Medium,
        ),
        (
            2,
            "Budget freeze follow-up",
            "Check in when the new quarter starts.",
            45,
            ToneOfVoice::Empathetic,
            ResponseLength::Short,
        ),
        (
            2,
            "Champion left the company",
            "Reach the successor with context from the previous talks.",
            30,
            ToneOfVoice::Confident,
            ResponseLength::Short,
        ),
    ];
    for (kb, name, instructions, days, tone, length) in cards {
        let card = ReengagementCard {
            id: state.mint(),
            name: name.to_owned(),
            instructions: instructions.to_owned(),
            sample_answer: None,
            send_after_days: days,
            tone_of_voice: tone,
            response_length: length,
        };
        if let Some(base) = state.knowledge_bases.get_mut(&kb) {
            base.reengagement_cards.push(card);
        }
    }
}

fn seed_sequences(state: &mut State, dice: &mut SplitMix64) {
    for (index, plan) in PLANS.iter().enumerate() {
        let id = index as u64 + 1;
        let steps = match plan.steps {
            "mixed" => mixed_steps(state, plan.topic),
            "linkedin" => linkedin_steps(state),
            _ => email_steps(state, plan.topic, 4),
        };
        let created_at = SANDBOX_EPOCH - plan.age_days * DAY;
        let mut sequence = Sequence {
            id,
            name: plan.name.to_owned(),
            owner_id: plan.owner,
            status: plan.status,
            archived: plan.archived,
            created_at,
            email_account_ids: plan.mailboxes.to_vec(),
            linkedin_account_id: plan.linkedin,
            schedule_id: plan.schedule,
            offer_id: plan.offer,
            playbook_id: plan.playbook,
            knowledge_base_id: plan.kb,
            reply_mode: plan.mode,
            contact_limit: plan.limit,
            steps,
            enrollments: BTreeMap::new(),
        };
        let started = plan.status != SequenceStatus::New;
        let (emails, linkedin) = (sequence.has_email_steps(), sequence.has_linkedin_steps());
        for contact_id in plan.contacts.clone() {
            let Some(contact) = state.contacts.get(&contact_id) else {
                continue;
            };
            let blocked = contact.opted_out || state.is_blacklisted(contact);
            let has_linkedin = contact.linkedin_url.is_some();
            let added_at = created_at + (1 + dice.below(3) as i64) * DAY;
            let mut delivery = Delivery::default();
            let mut status = ContactStatus::Active;
            if started {
                if emails {
                    delivery.emails_sent = 1 + dice.below(3) as u32;
                    delivery.emails_bounced = u32::from(dice.chance(5));
                    delivery.emails_delivered = delivery.emails_sent - delivery.emails_bounced;
                    if delivery.emails_delivered > 0 && dice.chance(55) {
                        delivery.emails_opened =
                            1 + dice.below(delivery.emails_delivered.into()) as u32;
                        if dice.chance(22) {
                            delivery.emails_replied = 1;
                        }
                    }
                }
                if linkedin && has_linkedin {
                    delivery.invites_sent = 1;
                    if dice.chance(45) {
                        delivery.invites_accepted = 1;
                        delivery.linkedin_messages_sent = 1 + dice.below(2) as u32;
                        if dice.chance(30) {
                            delivery.linkedin_replies = 1;
                        }
                    }
                }
                let roll = dice.below(100);
                status = match roll {
                    0..=59 => ContactStatus::Active,
                    60..=69 => ContactStatus::Paused,
                    70..=87 => ContactStatus::Finished,
                    88..=94 => ContactStatus::Inactive,
                    _ => ContactStatus::OutOfOffice,
                };
                if delivery.emails_bounced > 0 {
                    status = ContactStatus::Inactive;
                }
                if delivery.emails_replied > 0 || delivery.linkedin_replies > 0 {
                    status = ContactStatus::Finished;
                }
            }
            if blocked {
                status = ContactStatus::Inactive;
                delivery = Delivery::default();
            }
            sequence.enrollments.insert(
                contact_id,
                Enrollment {
                    status,
                    added_at,
                    delivery,
                },
            );
            log_history(state, contact_id, id, plan.name, added_at, delivery);
        }
        state.sequences.insert(id, sequence);
    }
}

fn log_history(
    state: &mut State,
    contact_id: u64,
    sequence_id: u64,
    name: &str,
    at: i64,
    d: Delivery,
) {
    let mut push = |offset_days: i64, kind: ActivityKind, detail: String| {
        state.activities.push(super::state::Activity {
            contact_id,
            at: (at + offset_days * DAY).min(SANDBOX_EPOCH - 3600),
            kind,
            sequence_id: Some(sequence_id),
            detail,
        });
    };
    push(
        0,
        ActivityKind::AddedToSequence,
        format!("added to sequence '{name}'"),
    );
    for n in 0..d.emails_sent {
        push(
            i64::from(n) * 3 + 1,
            ActivityKind::EmailSent,
            format!("email step {} sent", n + 1),
        );
    }
    if d.emails_bounced > 0 {
        push(
            1,
            ActivityKind::EmailBounced,
            "email bounced: mailbox does not exist".to_owned(),
        );
    }
    if d.emails_opened > 0 {
        push(2, ActivityKind::EmailOpened, "email opened".to_owned());
    }
    if d.emails_replied > 0 {
        push(4, ActivityKind::EmailReplied, "replied by email".to_owned());
    }
    if d.invites_sent > 0 {
        push(
            2,
            ActivityKind::LinkedInInviteSent,
            "connection request sent".to_owned(),
        );
    }
    if d.invites_accepted > 0 {
        push(
            3,
            ActivityKind::LinkedInInviteAccepted,
            "connection request accepted".to_owned(),
        );
    }
    for n in 0..d.linkedin_messages_sent {
        push(
            4 + i64::from(n) * 2,
            ActivityKind::LinkedInMessageSent,
            "LinkedIn message sent".to_owned(),
        );
    }
    if d.linkedin_replies > 0 {
        push(
            7,
            ActivityKind::LinkedInReplied,
            "replied on LinkedIn".to_owned(),
        );
    }
}

fn seed_threads_and_drafts(state: &mut State, dice: &mut SplitMix64) {
    let mut conversations: Vec<(u64, u64, Channel)> = Vec::new();
    for sequence in state.sequences.values() {
        for (&contact_id, e) in &sequence.enrollments {
            if e.delivery.emails_replied > 0 {
                conversations.push((sequence.id, contact_id, Channel::Email));
            }
            if e.delivery.linkedin_replies > 0 {
                conversations.push((sequence.id, contact_id, Channel::LinkedIn));
            }
        }
    }
    // Guarantee the interesting cases: a reply from an opted-out contact, and
    // conversations on the disconnected mailbox and the unhealthy LinkedIn account.
    conversations.push((1, 8, Channel::Email));
    conversations.push((11, 104, Channel::Email));
    conversations.push((4, 172, Channel::LinkedIn));
    conversations.push((1, 3, Channel::LinkedIn));
    conversations.sort_by_key(|&(s, c, ch)| (s, c, ch == Channel::LinkedIn));
    conversations.dedup();

    for (sequence_id, contact_id, channel) in conversations {
        let Some(sequence) = state.sequences.get(&sequence_id) else {
            continue;
        };
        let Some(contact) = state.contacts.get(&contact_id) else {
            continue;
        };
        let topic = sequence.name.clone();
        let started = sequence.created_at + 2 * DAY + dice.below(20) as i64 * 3600;
        let (reply, category) = *dice.pick(REPLIES);
        let reply = if contact.opted_out {
            REPLIES[5].0
        } else {
            reply
        };
        let category = if contact.opted_out {
            REPLIES[5].1
        } else {
            category
        };
        let opener = match channel {
            Channel::Email => format!(
                "Hi {},\n\nReaching out about {} at {}. Would a short call make sense?\n\nMaya",
                contact.first_name,
                topic.to_lowercase(),
                contact.company.clone().unwrap_or_default()
            ),
            Channel::LinkedIn => format!(
                "Thanks for connecting, {}! Curious how your team handles outbound today.",
                contact.first_name
            ),
        };
        let id = super::state::next_key(&state.threads);
        let thread = Thread {
            id,
            contact_id,
            channel,
            subject: match channel {
                Channel::Email => format!("{}, a quick idea", contact.first_name),
                Channel::LinkedIn => format!("LinkedIn conversation with {}", contact.full_name()),
            },
            sequence_id: Some(sequence_id),
            email_account_id: match channel {
                Channel::Email => sequence.email_account_ids.first().copied().or(Some(1)),
                Channel::LinkedIn => None,
            },
            linkedin_account_id: match channel {
                Channel::Email => None,
                Channel::LinkedIn => sequence.linkedin_account_id.or(Some(1)),
            },
            category: category.map(str::to_owned),
            messages: vec![
                Message {
                    id: state.next_nested_id + 1,
                    outbound: true,
                    body: opener,
                    at: started.min(SANDBOX_EPOCH - 2 * DAY),
                },
                Message {
                    id: state.next_nested_id + 2,
                    outbound: false,
                    body: reply.to_owned(),
                    at: (started + DAY + dice.below(40) as i64 * 3600).min(SANDBOX_EPOCH - 3600),
                },
            ],
        };
        state.next_nested_id += 2;
        state.threads.insert(id, thread);
        if let Some(c) = state.contacts.get_mut(&contact_id) {
            c.replied = true;
        }
    }

    // Jason drafts for Review-mode sequences: answers to open threads and first touches.
    let mut drafts = Vec::new();
    for sequence in state.sequences.values() {
        if sequence.reply_mode != ReplyMode::Review
            || sequence.archived
            || sequence.status == SequenceStatus::New
        {
            continue;
        }
        let channel = crate::sequences::primary_channel(sequence);
        let mut count = 0;
        for (&contact_id, e) in &sequence.enrollments {
            if count >= 6 || e.status != ContactStatus::Active {
                continue;
            }
            let Some(contact) = state.contacts.get(&contact_id) else {
                continue;
            };
            if contact.opted_out || state.is_blacklisted(contact) {
                continue;
            }
            if channel == Channel::LinkedIn && contact.linkedin_url.is_none() {
                continue;
            }
            count += 1;
            drafts.push(Draft {
                sequence_id: sequence.id,
                contact_id,
                channel,
                subject: (channel == Channel::Email).then(|| {
                    format!(
                        "{} + Brightloop",
                        contact.company.clone().unwrap_or_default()
                    )
                }),
                body: format!(
                    "Hi {},\n\nI noticed {} is hiring for sales roles, which usually means \
                     pipeline targets just went up.\n\nWe help teams like yours book more \
                     meetings without adding headcount.\n\nOpen to a quick look next week?\n\nMaya",
                    contact.first_name,
                    contact
                        .company
                        .clone()
                        .unwrap_or_else(|| "your team".to_owned())
                ),
                created_at: SANDBOX_EPOCH - (count as i64) * 3 * 3600,
                revision: 0,
            });
        }
    }
    state.drafts = drafts;
}

fn seed_tasks(state: &mut State, dice: &mut SplitMix64) {
    let kinds: [(TaskType, Option<LinkedInTaskType>, &str); 10] = [
        (
            TaskType::Call,
            None,
            "Call to follow up on the pricing question",
        ),
        (
            TaskType::ToDo,
            None,
            "Research the account before the next touch",
        ),
        (TaskType::Meeting, None, "Discovery meeting"),
        (
            TaskType::LinkedIn,
            Some(LinkedInTaskType::Connect),
            "Send a connection request",
        ),
        (
            TaskType::LinkedIn,
            Some(LinkedInTaskType::Message),
            "Message about the webinar",
        ),
        (
            TaskType::LinkedIn,
            Some(LinkedInTaskType::ViewProfile),
            "View profile before calling",
        ),
        (
            TaskType::LinkedIn,
            Some(LinkedInTaskType::InMail),
            "InMail the VP directly",
        ),
        (
            TaskType::ManualEmail,
            None,
            "Write a personal note with the case study",
        ),
        (TaskType::Sms, None, "Text a reminder about tomorrow's call"),
        (TaskType::WhatsApp, None, "WhatsApp the agenda"),
    ];
    for id in 1..=36u64 {
        let (task_type, linkedin_task_type, title) = kinds[(id as usize - 1) % kinds.len()];
        let contact_id = 1 + dice.below(60);
        let due_offset = dice.below(14) as i64 - 5;
        let completed = id % 5 == 0;
        let owner_id = if id % 6 == 0 { 2 } else { 1 };
        state.tasks.insert(
            id,
            Task {
                id,
                task_type,
                linkedin_task_type,
                title: title.to_owned(),
                note: (id % 4 == 0)
                    .then(|| "Mentioned budget planning in the last reply.".to_owned()),
                contact_id: (id % 11 != 0).then_some(contact_id),
                sequence_id: (id % 3 == 0).then_some(1),
                owner_id,
                due_at: (id % 13 != 0).then_some(SANDBOX_EPOCH + due_offset * DAY),
                completed_at: completed.then_some(SANDBOX_EPOCH - DAY),
                call_resolution: (completed && task_type == TaskType::Call)
                    .then_some(CallResolution::ToCall),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_varied() {
        let a = sandbox_state();
        let b = sandbox_state();
        assert_eq!(a.contacts.len(), b.contacts.len());
        assert_eq!(a.threads.len(), b.threads.len());
        assert_eq!(a.drafts.len(), b.drafts.len());
        assert!(a.contacts.len() > 300);
        assert!(a.contacts.values().any(|c| c.opted_out));
        assert!(a.contacts.values().any(|c| a.is_blacklisted(c)));
        for status in [
            SequenceStatus::New,
            SequenceStatus::Active,
            SequenceStatus::Paused,
        ] {
            assert!(
                a.sequences
                    .values()
                    .any(|s| s.status == status && !s.archived)
            );
        }
        assert!(a.sequences.values().any(|s| s.archived));
        for status in [
            ContactStatus::Active,
            ContactStatus::Paused,
            ContactStatus::Finished,
            ContactStatus::Inactive,
            ContactStatus::OutOfOffice,
        ] {
            assert!(
                a.sequences
                    .values()
                    .any(|s| s.enrollments.values().any(|e| e.status == status)),
                "no enrollment is {status:?}"
            );
        }
        assert!(a.threads.values().any(|t| t.channel == Channel::Email));
        assert!(a.threads.values().any(|t| t.channel == Channel::LinkedIn));
        assert!(a.drafts.len() >= 10);
        let kinds: std::collections::BTreeSet<_> = a
            .tasks
            .values()
            .map(|t| format!("{:?}", t.task_type))
            .collect();
        assert_eq!(kinds.len(), 7);
    }
}
