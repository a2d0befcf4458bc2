//! Resources, resource templates, prompts and completion through the
//! in-process client, on every protocol version.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::time::Duration;

use mcp_tools::transport::jsonrpc::code;
use mcp_tools::{
    BuildErrorKind, CacheHints, Caller, Client, Completer, Completion, CompletionRequest, Content,
    NoArguments, Prompt, PromptContext, PromptMessage, PromptResult, ProtocolVersion, RequestError,
    Resource, ResourceContents, ResourceContext, ResourceTemplate, Server,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
struct Page {
    /// The book.
    book: String,
    /// The page number.
    number: u32,
}

#[derive(Deserialize, JsonSchema)]
struct Greeting {
    /// Whom to greet.
    name: String,
    /// How many exclamation marks.
    excitement: Option<u8>,
}

#[derive(Deserialize, JsonSchema)]
struct Id {
    #[expect(dead_code, reason = "only the template's shape matters here")]
    id: String,
}

fn text_resource(uri: &str) -> Resource {
    Resource::builder(uri, uri.trim_start_matches("mem://"))
        .description("A memory cell.")
        .mime_type("text/plain")
        .handler(|cx: ResourceContext| async move {
            Ok(ResourceContents::text(
                cx.uri(),
                format!("contents of {}", cx.uri()),
            ))
        })
}

fn server() -> Server {
    Server::builder("library", "1.0.0")
        .list_page_size(2)
        .resource_list_cache(CacheHints::public(Duration::from_secs(60)))
        .resource(text_resource("mem://a"))
        .resource(text_resource("mem://b"))
        .resource(text_resource("mem://c"))
        .resource(
            Resource::builder("mem://secret", "secret")
                .scopes(["secrets:read"])
                .cache(CacheHints::private(Duration::from_secs(5)))
                .handler(|cx: ResourceContext| async move {
                    Ok(ResourceContents::blob(cx.uri(), [1u8, 2, 3]))
                }),
        )
        .resource(
            Resource::builder("mem://broken", "broken").handler(|_: ResourceContext| async {
                if true {
                    panic!("the disk fell off");
                }
                Ok(ResourceContents::text("mem://broken", ""))
            }),
        )
        .resource(
            Resource::builder("mem://gone", "gone").handler(|_: ResourceContext| async {
                Err::<ResourceContents, _>(RequestError::internal("the backing store is offline"))
            }),
        )
        .resource_template(
            ResourceTemplate::builder("book://{book}/page/{number}", "page")
                .description("One page of a book.")
                .complete("book", Completer::values(["dune", "emma", "dracula"]))
                .handler(|page: Page, cx: ResourceContext| async move {
                    Ok(vec![
                        ResourceContents::text(cx.uri(), format!("{} p{}", page.book, page.number)),
                        ResourceContents::text(format!("{}#notes", cx.uri()), "no notes"),
                    ])
                }),
        )
        .prompt(
            Prompt::builder("greet")
                .title("Greeting")
                .description("Greets someone.")
                .complete(
                    "name",
                    Completer::with(|request: CompletionRequest| async move {
                        let surname = request.context.get("family").cloned().unwrap_or_default();
                        Ok(Completion::from_values([format!(
                            "{}{surname}",
                            request.value
                        )]))
                    }),
                )
                .handler(|args: Greeting, _: PromptContext| async move {
                    let marks = "!".repeat(usize::from(args.excitement.unwrap_or(1)));
                    Ok(PromptResult::new([
                        PromptMessage::user(Content::text(format!("Hello {}{marks}", args.name))),
                        PromptMessage::assistant(Content::resource_link("mem://a", "a")),
                    ])
                    .with_description("a greeting"))
                }),
        )
        .prompt(
            Prompt::builder("panics").handler(|_: NoArguments, _: PromptContext| async {
                if true {
                    panic!("no");
                }
                Ok(PromptMessage::user(Content::text("")))
            }),
        )
        .build()
        .unwrap()
}

fn client(version: ProtocolVersion) -> Client {
    Client::new(server()).with_protocol_version(version)
}

#[tokio::test]
async fn lists_page_in_registration_order_on_every_version() {
    for version in ProtocolVersion::ALL {
        let client = client(version);
        let uris: Vec<Value> = client
            .list_resources()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r["uri"].clone())
            .collect();
        assert_eq!(
            uris,
            [
                "mem://a",
                "mem://b",
                "mem://c",
                "mem://secret",
                "mem://broken",
                "mem://gone"
            ]
        );
        let first = client.request("resources/list", json!({})).await.unwrap();
        assert_eq!(first["resources"].as_array().unwrap().len(), 2);
        assert!(first["nextCursor"].is_string());
        assert_eq!(first["resources"][0]["mimeType"], "text/plain");
        let templates = client.list_resource_templates().await.unwrap();
        assert_eq!(templates[0]["uriTemplate"], "book://{book}/page/{number}");
        let prompts = client.list_prompts().await.unwrap();
        assert_eq!(
            prompts[0]["arguments"][0],
            json!({"name": "name", "required": true, "description": "Whom to greet."})
        );
        assert_eq!(prompts[0]["arguments"][1]["required"], false);
        let stateless = version.is_stateless();
        assert_eq!(first.get("resultType").is_some(), stateless, "{version}");
        assert_eq!(first.get("ttlMs").is_some(), stateless, "{version}");
    }
}

#[tokio::test]
async fn a_bad_cursor_is_refused() {
    let error = client(ProtocolVersion::V2025_11_25)
        .request("resources/list", json!({"cursor": "nope"}))
        .await
        .unwrap_err();
    assert_eq!(error.code, code::INVALID_PARAMS);
    assert!(error.message.contains("nextCursor"), "{}", error.message);
}

#[tokio::test]
async fn reads_static_and_templated_resources_with_cache_hints() {
    let client = client(ProtocolVersion::V2026_07_28);
    let read = client.read_resource("mem://b").await.unwrap();
    assert_eq!(
        read["contents"],
        json!([{"uri": "mem://b", "text": "contents of mem://b"}])
    );
    assert_eq!(read["resultType"], "complete");
    assert_eq!(
        (read["ttlMs"].as_u64(), read["cacheScope"].as_str()),
        (Some(0), Some("private"))
    );
    let page = client.read_resource("book://dune/page/7").await.unwrap();
    assert_eq!(page["contents"][0]["text"], "dune p7");
    assert_eq!(page["contents"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn unknown_uris_and_mistyped_variables_are_invalid_params_naming_the_uri() {
    for version in ProtocolVersion::ALL {
        let client = client(version);
        let missing = client.read_resource("mem://zzz").await.unwrap_err();
        assert_eq!(missing.code, code::INVALID_PARAMS);
        assert_eq!(missing.data, Some(json!({"uri": "mem://zzz"})));
        let mistyped = client
            .read_resource("book://dune/page/seven")
            .await
            .unwrap_err();
        assert_eq!(mistyped.code, code::INVALID_PARAMS);
        assert!(
            mistyped.message.contains("\"number\"") && mistyped.message.contains("integer"),
            "{}",
            mistyped.message
        );
    }
}

#[tokio::test]
async fn handler_failures_and_panics_are_json_rpc_errors() {
    let client = client(ProtocolVersion::V2025_06_18);
    let panicked = client.read_resource("mem://broken").await.unwrap_err();
    assert_eq!(panicked.code, code::INTERNAL_ERROR);
    assert!(panicked.message.contains("mem://broken"));
    let failed = client.read_resource("mem://gone").await.unwrap_err();
    assert_eq!(failed.message, "the backing store is offline");
    let prompt = client.get_prompt("panics", json!({})).await.unwrap_err();
    assert_eq!(prompt.code, code::INTERNAL_ERROR);
}

#[tokio::test]
async fn scoped_resources_need_the_scopes() {
    let anonymous = client(ProtocolVersion::V2025_11_25);
    let refused = anonymous.read_resource("mem://secret").await.unwrap_err();
    assert!(
        refused.message.contains("secrets:read"),
        "{}",
        refused.message
    );
    let allowed = Client::new(server())
        .with_protocol_version(ProtocolVersion::V2025_11_25)
        .with_caller(Caller::new("ann").with_scopes(["secrets:read"]));
    let read = allowed.read_resource("mem://secret").await.unwrap();
    assert_eq!(read["contents"][0]["blob"], "AQID");
}

#[tokio::test]
async fn prompts_validate_their_arguments() {
    let client = client(ProtocolVersion::V2025_11_25);
    let got = client
        .get_prompt("greet", json!({"name": "Ann", "excitement": "3"}))
        .await
        .unwrap();
    assert_eq!(got["description"], "a greeting");
    assert_eq!(
        got["messages"][0],
        json!({"role": "user", "content": {"type": "text", "text": "Hello Ann!!!"}})
    );
    assert_eq!(got["messages"][1]["content"]["type"], "resource_link");
    let missing = client.get_prompt("greet", json!({})).await.unwrap_err();
    assert_eq!(missing.code, code::INVALID_PARAMS);
    assert!(
        missing
            .message
            .contains("missing required prompt argument \"name\"")
            && missing.message.contains("name (required), excitement"),
        "{}",
        missing.message
    );
    let unknown = client
        .get_prompt("greet", json!({"name": "a", "mood": "b"}))
        .await
        .unwrap_err();
    assert!(unknown.message.contains("\"mood\""), "{}", unknown.message);
    let nope = client.get_prompt("nope", json!({})).await.unwrap_err();
    assert_eq!(nope.code, code::INVALID_PARAMS);
}

#[tokio::test]
async fn completes_prompt_arguments_and_template_variables() {
    let client = client(ProtocolVersion::V2025_11_25);
    let books = client
        .complete(
            json!({"type": "ref/resource", "uri": "book://{book}/page/{number}"}),
            "book",
            "d",
        )
        .await
        .unwrap();
    assert_eq!(
        books,
        json!({"values": ["dune", "dracula"], "total": 2, "hasMore": false})
    );
    let none = client
        .complete(
            json!({"type": "ref/resource", "uri": "book://{book}/page/{number}"}),
            "number",
            "1",
        )
        .await
        .unwrap();
    assert_eq!(none["values"], json!([]));
    let with_context = client
        .request(
            "completion/complete",
            json!({"ref": {"type": "ref/prompt", "name": "greet"}, "argument": {"name": "name", "value": "Ann"},
                   "context": {"arguments": {"family": " Lee"}}}),
        )
        .await
        .unwrap();
    assert_eq!(with_context["completion"]["values"], json!(["Ann Lee"]));
    let wrong = client
        .complete(
            json!({"type": "ref/prompt", "name": "greet"}),
            "nickname",
            "",
        )
        .await
        .unwrap_err();
    assert!(
        wrong.message.contains("name, excitement"),
        "{}",
        wrong.message
    );
}

#[tokio::test]
async fn capabilities_follow_what_is_registered() {
    let full = client(ProtocolVersion::V2025_11_25)
        .initialize()
        .await
        .unwrap();
    assert_eq!(
        full["capabilities"]["resources"],
        json!({"listChanged": false, "subscribe": true})
    );
    assert_eq!(
        full["capabilities"]["prompts"],
        json!({"listChanged": false})
    );
    assert_eq!(full["capabilities"]["completions"], json!({}));
    let discovered = client(ProtocolVersion::V2026_07_28)
        .request("server/discover", json!({}))
        .await
        .unwrap();
    assert_eq!(
        discovered["capabilities"]["resources"],
        json!({"listChanged": false})
    );
    let bare = Client::new(Server::builder("bare", "1.0.0").build().unwrap())
        .with_protocol_version(ProtocolVersion::V2025_11_25);
    let caps = bare.initialize().await.unwrap()["capabilities"].clone();
    assert!(
        caps.get("resources").is_none()
            && caps.get("prompts").is_none()
            && caps.get("completions").is_none()
    );
    let refused = bare.request("resources/list", json!({})).await.unwrap_err();
    assert_eq!(refused.code, code::METHOD_NOT_FOUND);
}

#[tokio::test]
async fn subscribers_hear_of_updates_until_they_unsubscribe() {
    let server = server();
    let client = Client::new(server.clone()).with_protocol_version(ProtocolVersion::V2025_11_25);
    client
        .request("resources/subscribe", json!({"uri": "book://emma/page/1"}))
        .await
        .unwrap();
    assert_eq!(server.notify_resource_updated("book://emma/page/1"), 1);
    assert_eq!(server.notify_resource_updated("mem://a"), 0);
    let heard = client.notifications();
    assert_eq!(heard.len(), 1);
    assert_eq!(heard[0].method, "notifications/resources/updated");
    assert_eq!(heard[0].params, Some(json!({"uri": "book://emma/page/1"})));
    client
        .request(
            "resources/unsubscribe",
            json!({"uri": "book://emma/page/1"}),
        )
        .await
        .unwrap();
    assert_eq!(server.notify_resource_updated("book://emma/page/1"), 0);
    let unknown = client
        .request("resources/subscribe", json!({"uri": "mem://zzz"}))
        .await
        .unwrap_err();
    assert_eq!(unknown.data, Some(json!({"uri": "mem://zzz"})));
}

#[test]
fn templates_must_agree_with_their_variables_struct() {
    let stray = ResourceTemplate::builder("x://{id}/{extra}", "x")
        .handler(|_: Id, _: ResourceContext| async { Ok(ResourceContents::text("x://", "")) });
    let err = Server::builder("s", "1")
        .resource_template(stray)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::InvalidConfiguration);
    assert!(err.to_string().contains("\"extra\""), "{err}");
    let unbound = ResourceTemplate::builder("x://fixed", "x")
        .handler(|_: Id, _: ResourceContext| async { Ok(ResourceContents::text("x://", "")) });
    let err = Server::builder("s", "1")
        .resource_template(unbound)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("requires \"id\""), "{err}");
    let malformed = ResourceTemplate::builder("x://{id", "x")
        .handler(|_: Id, _: ResourceContext| async { Ok(ResourceContents::text("x://", "")) });
    assert!(
        Server::builder("s", "1")
            .resource_template(malformed)
            .build()
            .is_err()
    );
    let completes_nothing = Prompt::builder("p")
        .complete("ghost", Completer::values(["a"]))
        .handler(|_: NoArguments, _: PromptContext| async {
            Ok(PromptMessage::user(Content::text("")))
        });
    let err = Server::builder("s", "1")
        .prompt(completes_nothing)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("\"ghost\""), "{err}");
    let twice = Server::builder("s", "1")
        .resource(text_resource("mem://a"))
        .resource(text_resource("mem://a"))
        .build()
        .unwrap_err();
    assert_eq!(twice.kind(), BuildErrorKind::DuplicateName);
}

/// Waits (yielding) until the client has heard `count` notifications.
async fn heard(client: &Client, count: usize) -> Vec<mcp_tools::transport::jsonrpc::Notification> {
    for _ in 0..10_000 {
        let heard = client.notifications();
        if heard.len() >= count {
            return heard;
        }
        tokio::task::yield_now().await;
    }
    panic!(
        "expected {count} notifications, got {:?}",
        client.notifications()
    );
}

#[tokio::test]
async fn subscriptions_listen_streams_tagged_updates_until_cancelled() {
    let server = server();
    let client = Client::new(server.clone()).with_protocol_version(ProtocolVersion::V2026_07_28);
    let cancellation = mcp_tools::transport::Cancellation::new();
    let cx = client
        .context()
        .clone()
        .with_cancellation(cancellation.clone());
    let listen = client.request_with(
        "subscriptions/listen",
        json!({"notifications": {"resourceSubscriptions": ["mem://a", "mem://nope"], "toolsListChanged": true}}),
        cx,
    );
    let drive = async {
        let ack = heard(&client, 1).await;
        assert_eq!(ack[0].method, "notifications/subscriptions/acknowledged");
        let params = ack[0].params.clone().unwrap();
        assert_eq!(
            params["notifications"],
            json!({"resourceSubscriptions": ["mem://a"]})
        );
        let id = params["_meta"]["io.modelcontextprotocol/subscriptionId"].clone();
        assert!(id.is_number());
        assert_eq!(server.notify_resource_updated("mem://a"), 1);
        let update = heard(&client, 2).await[1].clone();
        assert_eq!(update.method, "notifications/resources/updated");
        let params = update.params.unwrap();
        assert_eq!(params["uri"], "mem://a");
        assert_eq!(
            params["_meta"]["io.modelcontextprotocol/subscriptionId"],
            id
        );
        cancellation.cancel();
    };
    let (ended, ()) = tokio::join!(listen, drive);
    assert!(ended.is_err(), "a listen stream ends only by cancellation");
    assert_eq!(server.notify_resource_updated("mem://a"), 0);
}

/// A prompt that asks the user before it renders: on 2026-07-28 the question
/// goes out as `input_required`, and the retry with the answer and the signed
/// state renders it; a forged state is refused.
#[tokio::test]
async fn a_prompt_asks_the_client_in_rounds_on_2026() {
    let server = Server::builder("asking", "1.0.0")
        .prompt(
            Prompt::builder("summarise")
                .description("Summarises for an audience the user names.")
                .handler(|_: NoArguments, cx: PromptContext| async move {
                    let answer = cx
                        .request_client_keyed(
                            "audience",
                            "elicitation/create",
                            json!({"message": "For whom?", "requestedSchema": {"type": "object",
                                   "properties": {"who": {"type": "string"}}}}),
                        )
                        .await
                        .map_err(|e| RequestError::internal(e.message))?;
                    let who = answer["content"]["who"].as_str().unwrap_or("?").to_owned();
                    Ok(PromptMessage::user(Content::text(format!(
                        "Summarise for {who}."
                    ))))
                }),
        )
        .build()
        .unwrap();
    let c = Client::new(server)
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"elicitation": {}}));
    let first = c
        .request("prompts/get", json!({"name": "summarise"}))
        .await
        .unwrap();
    assert_eq!(first["resultType"], "input_required", "{first}");
    assert_eq!(
        first["inputRequests"]["audience"]["method"],
        "elicitation/create"
    );
    let state = first["requestState"].as_str().unwrap();

    let answered = c
        .request(
            "prompts/get",
            json!({"name": "summarise", "requestState": state,
                   "inputResponses": {"audience": {"action": "accept", "content": {"who": "the board"}}}}),
        )
        .await
        .unwrap();
    assert_eq!(answered["resultType"], "complete", "{answered}");
    assert_eq!(
        answered["messages"][0]["content"]["text"],
        "Summarise for the board."
    );

    let forged = c
        .request(
            "prompts/get",
            json!({"name": "summarise", "requestState": format!("{state}x"), "inputResponses": {}}),
        )
        .await
        .unwrap_err();
    assert_eq!(forged.code, code::INVALID_PARAMS, "{forged:?}");
}
