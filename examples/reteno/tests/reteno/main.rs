//! The Reteno sandbox server driven in process with `mcp_tools::Client`.
//!
//! - `surface`: exactly the 82 tools of the vendor's document, with titles and
//!   the annotations their effects call for;
//! - `snapshot`: the whole `tools/list` result, checked in
//!   (`UPDATE_SNAPSHOTS=1` rewrites it);
//! - `tour`: every tool called once with a successful result;
//! - `contract`: arguments built from each published schema are accepted;
//! - `rules`: the surface's rules, each with its error code and message;
//! - `imports`, `brandkit`, `uploads`: the time-driven flows on the sandbox clock.

mod brandkit;
mod contract;
mod harness;
mod imports;
mod rules;
mod snapshot;
mod surface;
mod tour;
mod uploads;
