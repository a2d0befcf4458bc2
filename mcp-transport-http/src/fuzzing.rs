//! The entry point of the HTTP fuzz target in `fuzz/` and of the test that
//! replays its seed corpus. Not public API: no stability promise.
//!
//! The fuzzer's bytes are a short conversation: up to four HTTP requests
//! separated by a line `---`. Each request is a request line `METHOD PATH`,
//! header lines `Name: value`, an empty line, then the body. `$SESSION` in a
//! header value stands for the `Mcp-Session-Id` the server handed out last,
//! so that a conversation can initialize a session and then use it. Each
//! conversation runs against a fresh endpoint (stateless, or with sessions:
//! no session, stream or pending request of an earlier conversation is
//! known to it) in front of one server, built once per process, with a
//! read-only tool, a tool with a schema and a confirm tool. Building the
//! server (its schemas and validators) for every input cost most of a run's
//! time; what a conversation can leave in the server itself is nothing an
//! input can name again (confirmation tokens are signed and short-lived, and
//! the server has no rate budget, tasks or bus).

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use mcp_tools::FromToolContext;
use mcp_tools::schemars::JsonSchema;
use mcp_tools::{Confirmation, NoArguments, Server, Tool, ToolContext, ToolResult};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::McpService;
use crate::auth::ApiKeys;
use crate::header::MCP_SESSION_ID;

/// At most this many requests per conversation.
const MAX_REQUESTS: usize = 4;
/// A hang guard: an answer to a POST must end long before this.
const ANSWER_BOUND: Duration = Duration::from_secs(10);

#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "mcp_tools::schemars")]
struct Lookup {
    /// The contact's id.
    id: u32,
    /// Which fields to return.
    #[serde(default)]
    fields: Vec<Field>,
}

#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "mcp_tools::schemars")]
#[serde(rename_all = "lowercase")]
enum Field {
    Name,
    Email,
}

#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "mcp_tools::schemars")]
struct Removal {
    /// The contact to remove.
    id: u32,
}

fn server() -> Server {
    let built = Server::builder("fuzz", "1.0.0")
        .confirmation_secret(*b"fuzzing secret, 32 bytes long..!")
        .tool(
            Tool::builder("ping")
                .description("Answers pong.")
                .read_only()
                .no_auth()
                .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok("pong") }),
        )
        .tool(
            Tool::builder("lookup")
                .description("Looks a contact up.")
                .read_only()
                .handler(|args: Lookup, _cx: ToolContext| async move {
                    ToolResult::Ok(json!({"id": args.id, "fields": args.fields.len()}))
                }),
        )
        .tool(
            Tool::builder("remove")
                .description("Removes a contact.")
                .destructive()
                .confirm()
                .handler(|args: Removal, cx: ToolContext| async move {
                    let confirmation = Confirmation::from_tool_context(&cx)?;
                    confirmation
                        .preview(&json!({"would_remove": args.id}))
                        .await?;
                    ToolResult::Ok(json!({"removed": args.id}))
                }),
        )
        .build();
    match built {
        Ok(server) => server,
        Err(error) => panic!("the fuzz server does not build: {error}"),
    }
}

fn service(with_sessions: bool) -> McpService {
    static SERVER: OnceLock<Server> = OnceLock::new();
    let keys = ApiKeys::new().key(
        "fuzz-key",
        mcp_tools::Caller::new("user-1").with_account("acme"),
    );
    McpService::builder(SERVER.get_or_init(server).clone())
        .sessions(with_sessions)
        .authenticator(keys)
        .build()
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => panic!("no runtime for the HTTP fuzz target: {error}"),
        }
    })
}

/// Plays `data` as a conversation against a fresh in-process service.
///
/// Panics when the service panics, answers 500, hangs on a POST, or answers
/// `application/json` that is not JSON.
pub fn http(data: &[u8]) {
    let Some((&pick, data)) = data.split_first() else {
        return;
    };
    let service = service(pick & 1 == 1);
    runtime().block_on(async move {
        let mut session: Option<String> = None;
        for raw in split(data).take(MAX_REQUESTS) {
            let Some(request) = request(raw, session.as_deref()) else {
                continue;
            };
            let is_post = request.method() == Method::POST;
            let response = service.handle(request).await;
            let status = response.status();
            assert_ne!(
                status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "a request from the client got 500"
            );
            if let Some(id) = response.headers().get(MCP_SESSION_ID)
                && let Ok(id) = id.to_str()
            {
                session = Some(id.to_owned());
            }
            let json = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
            if !is_post {
                // A GET may open a stream that stays open: only its head counts.
                continue;
            }
            let body = tokio::time::timeout(ANSWER_BOUND, response.into_body().collect())
                .await
                .expect("an answer to a POST did not end")
                .expect("the transport's own bodies never fail");
            let bytes = body.to_bytes();
            if json && !bytes.is_empty() {
                serde_json::from_slice::<Value>(&bytes)
                    .expect("an application/json answer is not JSON");
            }
        }
    });
}

fn split(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let current = rest?;
        match find(current, b"\n---\n") {
            Some(at) => {
                rest = Some(&current[at + 5..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// One request from its text; `None` when the request line is not one
/// `http` can represent (hyper would have refused it before the service).
fn request(raw: &[u8], session: Option<&str>) -> Option<Request<Full<Bytes>>> {
    let (head, body) = match find(raw, b"\n\n") {
        Some(at) => (&raw[..at], &raw[at + 2..]),
        None => (raw, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, path) = lines.next()?.split_once(' ')?;
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).ok()?)
        .uri(path);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().replace("$SESSION", session.unwrap_or(""));
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(&value),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    builder.body(Full::new(Bytes::copy_from_slice(body))).ok()
}
