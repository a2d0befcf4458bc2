//! The skills extension over real sockets: on the 2026-07-28 wire the
//! transport routes `skills/list`, `skills/get` and `resources/directory/read`
//! to the server (they are not unknown methods), and the core's -32602 for an
//! unknown skill arrives as a JSON-RPC error.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::*;
use http::StatusCode;
use mcp_tools::{Caller, Server, Skill};
use mcp_transport_http::McpService;
use mcp_transport_http::auth::ApiKeys;
use serde_json::{Value, json};

const MODERN: &str = "2026-07-28";

fn server() -> Server {
    builder().build().unwrap()
}

fn builder() -> mcp_tools::ServerBuilder {
    let skill = Skill::builder("triage")
        .file(
            "SKILL.md",
            "---\nname: triage\ndescription: Sorts incoming tickets.\n---\n",
        )
        .file("rules/priority.md", "P1: outages.\n")
        .build()
        .unwrap();
    Server::builder("helpdesk", "1.0.0").skill(skill)
}

fn modern(id: i64, method: &str, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

async fn ask(addr: std::net::SocketAddr, id: i64, method: &str, params: Value) -> Value {
    let headers = with(mcp_headers(Some(MODERN)), "mcp-method", method);
    let reply = post(addr, &headers, &modern(id, method, params)).await;
    assert_eq!(reply.status, StatusCode::OK, "{method}: {}", reply.body);
    reply.json()
}

#[tokio::test]
async fn the_skills_methods_are_served_on_the_2026_07_28_wire() {
    let s = start(McpService::builder(server())).await;
    let addr = s.local_addr();

    let listed = ask(addr, 1, "skills/list", json!({})).await;
    let entry = &listed["result"]["skills"][0];
    assert_eq!(entry["uri"], "skill://triage/SKILL.md");
    assert_eq!(listed["result"]["resultType"], "complete");
    assert!(listed["result"]["ttlMs"].is_u64());

    let got = ask(
        addr,
        2,
        "skills/get",
        json!({"uri": "skill://triage/SKILL.md"}),
    )
    .await;
    assert_eq!(&got["result"]["skill"], entry);

    let dir = ask(
        addr,
        3,
        "resources/directory/read",
        json!({"uri": "skill://triage"}),
    )
    .await;
    let children = dir["result"]["resources"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[1]["uri"], "skill://triage/rules");
    assert_eq!(children[1]["mimeType"], "inode/directory");

    let unknown = ask(
        addr,
        4,
        "skills/get",
        json!({"uri": "skill://nope/SKILL.md"}),
    )
    .await;
    assert_eq!(unknown["error"]["code"], -32602);
    assert_eq!(unknown["error"]["data"]["uri"], "skill://nope/SKILL.md");
}

#[tokio::test]
async fn with_public_discovery_anyone_lists_skills_but_getting_one_needs_credentials() {
    let s = start(
        McpService::builder(builder().public_discovery(true).build().unwrap())
            .authenticator(ApiKeys::new().key("key-1", Caller::new("bot"))),
    )
    .await;
    let anonymous = mcp_headers(Some("2025-11-25"));
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "skills/list", "params": {}});
    let reply = post(s.local_addr(), &anonymous, &list).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json()["result"]["skills"][0]["uri"],
        "skill://triage/SKILL.md"
    );
    let get = json!({"jsonrpc": "2.0", "id": 2, "method": "skills/get",
                     "params": {"uri": "skill://triage/SKILL.md"}});
    let reply = post(s.local_addr(), &anonymous, &get).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let signed_in = with(anonymous, "x-api-key", "key-1");
    let reply = post(s.local_addr(), &signed_in, &get).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}
