//! Code the example servers share: their command line, logging, and serving
//! until interrupted. Each example adds its own flags and tools on top.

pub mod cli;

/// The README's code, compiled with the doc tests so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
