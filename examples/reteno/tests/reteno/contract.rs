//! The published schemas are exactly what the tools accept: arguments built
//! from each `inputSchema` alone are never refused as invalid, and a value
//! past a published bound is refused naming the argument.

use mcp_examples_support::contract::check_every_tool;

use crate::harness::Sandbox;

#[path = "../common/given.rs"]
mod given;

use given::given;

#[tokio::test]
async fn every_tool_accepts_what_its_schema_allows() {
    let sandbox = Sandbox::new();
    let breaches = check_every_tool(&sandbox.client, &given()).await;
    assert!(breaches.is_empty(), "{breaches:#?}");
}
