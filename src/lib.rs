//! Code the example servers share: their command line, logging, and serving
//! until interrupted. Each example adds its own flags and tools on top.

pub mod cli;
