//! The Reteno MCP surface over a deterministic sandbox account.
//!
//! The vendor's hosted server exposes 82 tools over a marketing-automation
//! account: contacts, segments, events, messages in four channels with
//! translations, workflows, sending, analytics, media and an AI brand kit.
//! This crate reproduces that surface with the vendor's tool names and
//! annotations over an in-memory [`Account`]:
//!
//! - [`server::build_server`] registers all 82 tools on an [`Account`];
//! - each area module (`contacts`, `segments`, `email`, …) holds the area's
//!   records, argument and result types, and its operations on [`Account`];
//! - [`tools`] holds one `#[tool]` function per tool, whose doc comment is the
//!   description a model reads;
//! - time-driven behaviour (imports, delivery statuses, upload expiry, the
//!   "up to yesterday" analytics window) runs on the account's
//!   [`Clock`](account::clock::Clock), which tests move by hand.
//!
//! ```
//! use mcp_example_reteno::{Account, access, server::build_server};
//! use mcp_tools::{Caller, Client};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! // Every tool declares a scope; an in-process caller holds them all.
//! let caller = Caller::new("owner").with_scopes(access::ALL_SCOPES);
//! let client = Client::new(build_server(Account::sandbox()).unwrap()).with_caller(caller);
//! let groups = client.call("list_groups", serde_json::json!({"kind": "STATIC"})).await.unwrap();
//! assert!(!groups.data().unwrap()["Items"].as_array().unwrap().is_empty());
//! # });
//! ```
//!
//! The running server is [`main`] (`cargo run --example reteno`): [`http::service`]
//! serves the MCP endpoint behind the sandbox OAuth sign-in of [`access`], the
//! authorization server itself, and the file routes: upload URLs
//! (`{public_url}/uploads/{id}/{file}`, fed to
//! [`UploadSessions::receive`](uploads::UploadSessions::receive)), download
//! links (`{public_url}/downloads/{id}`, from
//! [`Downloads::fetch`](downloads::Downloads::fetch)) and stored images
//! (`{public_url}/files/{id}/{name}`, from [`Account::image`]).

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod cli;
mod email_model;
mod language;

pub mod access;
pub mod account;
pub mod analytics;
pub mod brandkit;
pub mod broadcasts;
pub mod codes;
pub mod contacts;
pub mod directory;
pub mod downloads;
pub mod email;
pub mod events;
pub mod http;
pub mod imports;
pub mod inbox;
pub mod media;
pub mod messages;
pub mod push;
pub mod resources;
pub mod segments;
pub mod sending;
pub mod server;
pub mod sms;
pub mod tools;
pub mod uploads;
pub mod workflows;

pub use account::{Account, Settings};
pub use cli::main;
