//! The Retently example over real HTTP: every tool, the confirmation flow of
//! every write, scopes, personal data, the audit log, the document's own curl
//! check, OAuth bearer JWTs, and the `tools/list` snapshot.
//!
//! Each test starts its own server in-process on an ephemeral 127.0.0.1 port,
//! with its own sandbox account and audit file, and talks to it over TCP with
//! a small HTTP/1.1 client (`support.rs`).
//!
//! The snapshot lives in `tests/snapshots/retently_tools_list.json`; after an
//! intended change, regenerate it with
//! `UPDATE_SNAPSHOTS=1 cargo test --test retently_http snapshot`.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot set up or parse should fail loudly"
)]
#![allow(
    dead_code,
    unreachable_pub,
    reason = "the example's modules are compiled whole; the tests use part of them"
)]

// The example's modules, at the crate root as in the example, since they name
// each other through `crate::`.
#[path = "../examples/retently/account/mod.rs"]
mod account;
#[path = "../examples/retently/calendar.rs"]
mod calendar;
#[path = "../examples/retently/campaigns.rs"]
mod campaigns;
#[path = "../examples/retently/catalog.rs"]
mod catalog;
#[path = "../examples/retently/companies.rs"]
mod companies;
#[path = "../examples/retently/customers.rs"]
mod customers;
#[path = "../examples/retently/digests.rs"]
mod digests;
#[path = "../examples/retently/feedback.rs"]
mod feedback;
#[path = "../examples/retently/filters.rs"]
mod filters;
#[path = "../examples/retently/integrations.rs"]
mod integrations;
#[path = "../examples/retently/outbox.rs"]
mod outbox;
#[path = "../examples/retently/replies.rs"]
mod replies;
#[path = "../examples/retently/reports.rs"]
mod reports;
#[path = "../examples/retently/scores.rs"]
mod scores;
#[path = "../examples/retently/server.rs"]
mod server;
#[path = "../examples/retently/service.rs"]
mod service;
#[path = "../examples/retently/settings.rs"]
mod settings;
#[path = "../examples/retently/suppressions.rs"]
mod suppressions;
#[path = "../examples/retently/surveys.rs"]
mod surveys;
#[path = "../examples/retently/team.rs"]
mod team;
#[path = "../examples/retently/templates.rs"]
mod templates;
#[path = "../examples/retently/tokens.rs"]
mod tokens;
#[path = "../examples/retently/tools/mod.rs"]
mod tools;
#[path = "../examples/retently/triage.rs"]
mod triage;

// The tests, by topic.
#[path = "retently_http/access.rs"]
mod access;
#[path = "support/http_client.rs"]
mod http_client;
#[path = "retently_http/privacy.rs"]
mod privacy;
#[path = "retently_http/reads.rs"]
mod reads;
#[path = "retently_http/snapshot.rs"]
mod snapshot;
#[path = "retently_http/support.rs"]
mod support;
#[path = "retently_http/writes.rs"]
mod writes;
