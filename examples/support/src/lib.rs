//! Code the example servers share: their command line, logging, and serving
//! until interrupted; the fixed-seed generator of their sandbox data; and the
//! way they write and read dates; and the check, run by each example's tests,
//! that its published schemas are exactly what its tools accept. Each example
//! adds its own flags and tools on top.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---------|---------|--------------|
//! | `otel`  | no      | `--otlp-endpoint URL`: spans exported over OTLP/HTTP, each request's span a child of the client's (module `otel`) |

pub mod cli;
pub mod contract;
pub mod iso8601;
pub mod logging;
#[cfg(feature = "otel")]
pub mod otel;
pub mod replicas;
pub mod seed;

/// The workspace README's code, compiled with the doc tests so it cannot rot.
/// It lives here because its quick start is an example server, and this is
/// the crate every example builds on.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
