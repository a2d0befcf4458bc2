//! Sessions and notifications shared by replicas: a session opened on one
//! replica is served by the others, `DELETE` on one ends it on all of them,
//! a stream written on one is resumed on another, and a resource update on
//! one reaches a subscriber whose stream is open on another.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mcp_test_client::{ANSWER_WITHIN, open, send};
use mcp_tools::{
    Client, LogLevel, NoArguments, Resource, ResourceContents, ResourceContext, Server, Tool,
    ToolContext, ToolResult,
};
use mcp_tools_redis::{RedisEventStore, RedisNotificationBus, RedisSessionStore};
use mcp_transport_http::{McpService, Serving, serve};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::http::{Events, headers, progress_message};
use crate::server::redis_or_skip;

const UPDATED: &str = "notifications/resources/updated";

fn server(gate: Arc<Notify>, bus: RedisNotificationBus) -> Server {
    let gated = Tool::builder("gated")
        .description("Reports progress, waits for the gate, reports again and finishes.")
        .read_only()
        .handler(move |_: NoArguments, cx: ToolContext| {
            let gate = gate.clone();
            async move {
                cx.progress(1.0, Some(2.0), Some("before the gate"));
                gate.notified().await;
                cx.progress(2.0, Some(2.0), Some("after the gate"));
                ToolResult::Ok("done")
            }
        });
    let say = Tool::builder("say")
        .description("Logs a warning and an error, then answers.")
        .read_only()
        .handler(|_: NoArguments, cx: ToolContext| async move {
            cx.log(LogLevel::Warning, "a warning");
            cx.log(LogLevel::Error, "an error");
            ToolResult::Ok("said")
        });
    let clock = Resource::builder("clock://now", "now").handler(|cx: ResourceContext| async move {
        Ok(ResourceContents::text(cx.uri(), "12:00"))
    });
    let later =
        Resource::builder("clock://later", "later").handler(|cx: ResourceContext| async move {
            Ok(ResourceContents::text(cx.uri(), "13:00"))
        });
    Server::builder("replicated", "1.0.0")
        .tool(gated)
        .tool(say)
        .resource(clock)
        .resource(later)
        .notification_bus(bus)
        .build()
        .unwrap()
}

/// One replica: its own connection to Redis, its own bus subscription.
async fn replica(url: &str, gate: &Arc<Notify>) -> (Serving, Server) {
    let redis = mcp_tools_redis::connect(url).await.unwrap();
    let bus = RedisNotificationBus::connect(&redis).await.unwrap();
    let server = server(gate.clone(), bus);
    let service = McpService::builder(server.clone())
        .sessions(true)
        .session_store(RedisSessionStore::new(&redis))
        .event_store(RedisEventStore::new(&redis))
        .build();
    (serve(service, "127.0.0.1:0").await.unwrap(), server)
}

async fn initialize(addr: SocketAddr) -> String {
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "t", "version": "1"}}});
    let reply = send(addr, "POST", "/mcp", &headers(None), &body.to_string()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.header("mcp-session-id").unwrap().to_owned()
}

async fn request(addr: SocketAddr, session: &str, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let reply = send(
        addr,
        "POST",
        "/mcp",
        &headers(Some(session)),
        &body.to_string(),
    )
    .await;
    assert_eq!(reply.status, 200, "{method}: {}", reply.body);
    let messages = reply.events();
    if messages.is_empty() {
        vec![reply.json()].into()
    } else {
        messages.into()
    }
}

fn stream_headers(session: &str) -> Vec<(String, String)> {
    let mut get = headers(Some(session));
    get.retain(|(name, _)| name != "content-type");
    get
}

#[tokio::test]
async fn a_session_opened_on_one_replica_is_served_and_ended_by_the_others() {
    let redis = redis_or_skip!();
    let gate = Arc::new(Notify::new());
    let (a, server_a) = replica(&redis.url(), &gate).await;
    let (b, _) = replica(&redis.url(), &gate).await;
    let (c, _) = replica(&redis.url(), &gate).await;
    let (a_addr, b_addr, c_addr) = (a.local_addr(), b.local_addr(), c.local_addr());

    let session = initialize(a_addr).await;
    let stored: Vec<String> = redis.command(&["KEYS", "mcp:session:*"]);
    assert_eq!(stored, vec![format!("mcp:session:{{{session}}}")]);
    for addr in [b_addr, c_addr] {
        let tools = request(addr, &session, "tools/list", json!({})).await;
        assert_eq!(tools[0]["result"]["tools"].as_array().unwrap().len(), 2);
    }

    // The log level set through A holds on C.
    request(
        a_addr,
        &session,
        "logging/setLevel",
        json!({"level": "error"}),
    )
    .await;
    let said = request(
        c_addr,
        &session,
        "tools/call",
        json!({"name": "say", "arguments": {}}),
    )
    .await;
    let logged: Vec<&Value> = said
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["method"] == "notifications/message")
        .collect();
    assert_eq!(logged.len(), 1, "{said}");
    assert_eq!(logged[0]["params"]["level"], "error");

    // The GET stream is on B, the subscription made through C, the update on A.
    let mut stream = Events::new(open(b_addr, "GET", "/mcp", &stream_headers(&session), "").await);
    request(
        c_addr,
        &session,
        "resources/subscribe",
        json!({"uri": "clock://now"}),
    )
    .await;
    server_a.notify_resource_updated("clock://now");
    let updated = loop {
        let (_, data) = stream.next().await.expect("the GET stream stays open");
        if !data.is_empty() {
            break serde_json::from_str::<Value>(&data).unwrap();
        }
    };
    assert_eq!(updated["method"], UPDATED, "{updated}");
    assert_eq!(updated["params"]["uri"], "clock://now");

    // DELETE on C ends the session on A and B too, for the very next request.
    let ended = send(c_addr, "DELETE", "/mcp", &stream_headers(&session), "").await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    for addr in [a_addr, b_addr, c_addr] {
        let body = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
        let gone = send(
            addr,
            "POST",
            "/mcp",
            &headers(Some(&session)),
            &body.to_string(),
        )
        .await;
        assert_eq!(gone.status, 404, "{}", gone.body);
    }
    let stored: Vec<String> = redis.command(&["KEYS", "mcp:session:*"]);
    assert!(stored.is_empty(), "{stored:?}");

    // An id no replica opened is unknown everywhere.
    let body = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"});
    let unknown = send(
        b_addr,
        "POST",
        "/mcp",
        &headers(Some("0123abcd")),
        &body.to_string(),
    )
    .await;
    assert_eq!(unknown.status, 404);
    for serving in [a, b, c] {
        serving.shutdown(Duration::from_secs(1)).await;
    }
}

#[tokio::test]
async fn a_stream_cut_on_one_replica_is_resumed_on_another() {
    let redis = redis_or_skip!();
    let gate = Arc::new(Notify::new());
    let (a, _) = replica(&redis.url(), &gate).await;
    let (b, _) = replica(&redis.url(), &gate).await;
    let (a_addr, b_addr) = (a.local_addr(), b.local_addr());
    let session = initialize(a_addr).await;

    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "gated", "arguments": {}, "_meta": {"progressToken": "p"}}});
    let mut post = Events::new(
        open(
            a_addr,
            "POST",
            "/mcp",
            &headers(Some(&session)),
            &call.to_string(),
        )
        .await,
    );
    let (priming, _) = post.next().await.unwrap();
    let priming = priming.unwrap();
    let (progress_id, data) = post.next().await.unwrap();
    assert_eq!(progress_message(&data), "before the gate");
    drop(post);

    // B never saw the session nor the stream: it reads both from Redis.
    let mut resume = stream_headers(&session);
    resume.push(("last-event-id".to_owned(), priming.clone()));
    let mut resumed = Events::new(open(b_addr, "GET", "/mcp", &resume, "").await);
    let (id, data) = resumed.next().await.unwrap();
    assert_eq!(id, progress_id);
    assert_eq!(progress_message(&data), "before the gate");

    // The call goes on on A; its last events reach Redis, and B replays them.
    gate.notify_one();
    let last = progress_id.unwrap();
    let deadline = tokio::time::Instant::now() + ANSWER_WITHIN;
    let replayed = loop {
        let mut resume = stream_headers(&session);
        resume.push(("last-event-id".to_owned(), last.clone()));
        let reply = send(b_addr, "GET", "/mcp", &resume, "").await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let events = reply.events();
        if events.iter().any(|e| e["id"] == 7) {
            break events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the result never reached Redis"
        );
        tokio::task::yield_now().await;
    };
    assert_eq!(progress_message(&replayed[0].to_string()), "after the gate");
    assert_eq!(
        replayed[1]["result"]["structuredContent"]["Data"], "done",
        "{replayed:?}"
    );
    for serving in [a, b] {
        serving.shutdown(Duration::from_secs(1)).await;
    }
}

/// The URIs of the updates `client` heard, once it has heard one of `uri`
/// (a hang guard, not a timing).
async fn heard(client: &Client, uri: &str) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + ANSWER_WITHIN;
    loop {
        let heard: Vec<String> = client
            .notifications()
            .iter()
            .filter(|n| n.method == UPDATED)
            .filter_map(|n| Some(n.params.as_ref()?["uri"].as_str()?.to_owned()))
            .collect();
        if heard.iter().any(|u| u == uri) {
            return heard;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "heard only {heard:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_resource_update_reaches_the_subscribers_of_every_server_once() {
    let redis = redis_or_skip!();
    let gate = Arc::new(Notify::new());
    let mut servers = Vec::new();
    for _ in 0..3 {
        let connection = mcp_tools_redis::connect(&redis.url()).await.unwrap();
        let bus = RedisNotificationBus::connect(&connection).await.unwrap();
        servers.push(server(gate.clone(), bus));
    }
    let clients: Vec<Client> = servers.iter().map(|s| Client::new(s.clone())).collect();
    for client in &clients {
        for uri in ["clock://now", "clock://later"] {
            client
                .request("resources/subscribe", json!({"uri": uri}))
                .await
                .unwrap();
        }
    }
    // The first server tells its own subscriber at once, the others through Redis.
    assert_eq!(servers[0].notify_resource_updated("clock://now"), 1);
    for client in &clients {
        assert_eq!(heard(client, "clock://now").await, ["clock://now"]);
    }
    // The first server's message went through Redis before the second
    // server publishes, and Redis delivers in that order to every
    // subscriber: the first server's own message would come back to it
    // before the second's. It ignores its own, so every
    // client heard each update exactly once.
    servers[1].notify_resource_updated("clock://later");
    for client in &clients {
        assert_eq!(
            heard(client, "clock://later").await,
            ["clock://now", "clock://later"]
        );
    }
}
