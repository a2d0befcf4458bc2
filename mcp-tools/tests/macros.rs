//! Tools declared with `#[tool]`, checked through the in-process client.

use mcp_tools::{
    Caller, Client, FromToolContext, Server, State, ToolContext, ToolError, ToolResult, Validate,
    tool,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Clone)]
struct Workspace {
    contacts: Vec<Contact>,
}

#[derive(Clone, Serialize, JsonSchema)]
struct Contact {
    email: String,
    name: String,
}

/// Arguments of `search_contacts`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct SearchContacts {
    /// Exact email address.
    email: Option<String>,
    /// LinkedIn profile URL.
    linked_in_url: Option<String>,
}

impl Validate for SearchContacts {
    fn validate(&self) -> Result<(), String> {
        if self.email.is_none() && self.linked_in_url.is_none() {
            return Err("pass email or linkedInUrl; names are not searchable".into());
        }
        Ok(())
    }
}

/// Look up contacts by exact email
/// address or LinkedIn URL.
#[tool(
    read_only,
    idempotent,
    closed_world,
    name = "reply_search_contacts",
    title = "Search contacts"
)]
async fn search_contacts(
    State(ws): State<Workspace>,
    #[args] args: SearchContacts,
) -> ToolResult<Vec<Contact>> {
    Ok(ws
        .contacts
        .iter()
        .filter(|c| args.email.as_deref() == Some(c.email.as_str()))
        .cloned()
        .collect())
}

/// Echo text back.
#[tool(read_only, idempotent)]
async fn echo(
    /// The text to echo.
    text: String,
    /// How many times to repeat it.
    #[serde(rename = "repeatCount")]
    #[schemars(range(min = 1, max = 3))]
    times: Option<u8>,
    cx: ToolContext,
) -> ToolResult<String> {
    assert_eq!(cx.tool_name(), "echo");
    Ok(text.repeat(times.unwrap_or(1).into()))
}

/// Say who is calling.
#[tool(read_only, open_world, scopes("whoami:read"), timeout_secs = 5)]
async fn whoami(caller: Caller, maybe: Option<Caller>) -> Result<String, ToolError> {
    assert_eq!(Some(&caller), maybe.as_ref());
    Ok(caller.id().to_owned())
}

/// Liveness check.
#[tool(read_only, no_auth, lenient)]
async fn ping() -> ToolResult<&'static str> {
    Ok("pong")
}

/// The confirmation handle of a `confirm` tool, standing in for the real one.
struct Confirmation;

impl FromToolContext for Confirmation {
    fn from_tool_context(_: &ToolContext) -> Result<Self, ToolError> {
        Ok(Confirmation)
    }
}

/// An error of this test's own, turned into a tool error.
struct Refused(&'static str);

impl From<Refused> for ToolError {
    fn from(refused: Refused) -> Self {
        ToolError::conflict(refused.0)
    }
}

/// Delete a contact.
#[tool(destructive, confirm, scopes("contacts:write", "contacts:delete"))]
async fn delete_contact(
    /// The email of the contact to delete.
    email: String,
    _confirmation: Confirmation,
) -> Result<bool, Refused> {
    if email == "boss@example.com" {
        return Err(Refused("the boss cannot be deleted"));
    }
    Ok(true)
}

/// Archive a thread.
#[tool(destructive, idempotent)]
async fn archive(
    /// The thread id.
    id: u32,
) -> Result<(), Refused> {
    if id == 0 {
        return Err(Refused("thread 0 is pinned; unpin it first"));
    }
    Ok(())
}

/// A note's lines.
#[derive(Deserialize, JsonSchema)]
struct Lines {
    /// The lines of the note.
    lines: Vec<String>,
}

/// Add a note.
#[tool(additive, crate = "::mcp_tools")]
async fn add_note(#[args] note: Lines, _cx: ToolContext) -> ToolResult<usize> {
    Ok(note.lines.len())
}

/// Run a query in one region.
#[tool(read_only, headers(region = "Region", urgent = "Urgent"))]
async fn run_query(
    /// Where to run it.
    region: String,
    /// Whether to jump the queue.
    urgent: Option<bool>,
    /// The query.
    sql: String,
) -> ToolResult<String> {
    Ok(format!("{sql} in {region} ({urgent:?})"))
}

#[test]
fn headers_mirror_arguments_into_the_published_schema() {
    let server = Server::builder("demo", "1.0.0")
        .tool(run_query::tool())
        .build()
        .unwrap();
    let schema = server.tool("run_query").unwrap().input_schema();
    assert_eq!(schema["properties"]["region"]["x-mcp-header"], "Region");
    assert_eq!(schema["properties"]["urgent"]["x-mcp-header"], "Urgent");
    assert!(schema["properties"]["sql"].get("x-mcp-header").is_none());
    let args = serde_json::json!({"region": "eu", "sql": "select 1"});
    assert!(
        server
            .check_param_headers("run_query", Some(&args), &[("Region", b"eu")])
            .is_ok()
    );
    assert!(
        server
            .check_param_headers("run_query", Some(&args), &[("Region", b"us")])
            .is_err()
    );
}

fn server() -> Server {
    let ws = Workspace {
        contacts: vec![Contact {
            email: "ada@example.com".into(),
            name: "Ada".into(),
        }],
    };
    Server::builder("demo", "1.0.0")
        .state(ws)
        .tool(search_contacts::tool())
        .tools([
            echo::tool(),
            whoami::tool(),
            ping::tool(),
            delete_contact::tool(),
            add_note::tool(),
            archive::tool(),
        ])
        .build()
        .expect("valid tools")
}

fn client() -> Client {
    Client::new(server()).with_caller(Caller::new("user-1").with_scopes([
        "whoami:read",
        "contacts:write",
        "contacts:delete",
    ]))
}

async fn listed(name: &str) -> Value {
    let tools = client().list_tools().await.expect("tools/list");
    tools
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

#[tokio::test]
async fn keys_become_names_titles_and_annotations() {
    let search = listed("reply_search_contacts").await;
    assert_eq!(search["title"], "Search contacts");
    assert_eq!(
        search["description"],
        "Look up contacts by exact email address or LinkedIn URL."
    );
    assert_eq!(
        search["annotations"],
        json!({"title": "Search contacts", "readOnlyHint": true, "idempotentHint": true, "openWorldHint": false})
    );

    let whoami = listed("whoami").await;
    assert_eq!(whoami["annotations"]["openWorldHint"], true);
    // Without a `title` key, the fn's name as words.
    assert_eq!(whoami["title"], "Whoami");
    assert_eq!(listed("delete_contact").await["title"], "Delete contact");

    let delete = listed("delete_contact").await;
    assert_eq!(delete["annotations"]["readOnlyHint"], false);
    assert_eq!(delete["annotations"]["destructiveHint"], true);

    let note = listed("add_note").await;
    assert_eq!(note["annotations"]["destructiveHint"], false);
}

#[tokio::test]
async fn struct_arguments_publish_their_schema() {
    let search = listed("reply_search_contacts").await;
    let schema = &search["inputSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["properties"]["email"]["description"],
        "Exact email address."
    );
    assert!(schema["properties"]["linkedInUrl"].is_object());
    assert!(schema.get("required").is_none_or(|r| r == &json!([])));
    let data = &search["outputSchema"]["properties"]["Data"];
    assert_eq!(data["type"], "array", "{data}");
}

#[tokio::test]
async fn plain_parameters_become_documented_properties() {
    let echo = listed("echo").await;
    let schema = &echo["inputSchema"];
    assert_eq!(
        schema["properties"]["text"]["description"],
        "The text to echo."
    );
    assert_eq!(
        schema["properties"]["repeatCount"]["description"],
        "How many times to repeat it."
    );
    assert_eq!(schema["properties"]["repeatCount"]["maximum"], 3);
    assert_eq!(schema["required"], json!(["text"]));
    assert!(schema["properties"].get("cx").is_none());
    assert_eq!(echo["outputSchema"]["properties"]["Data"]["type"], "string");
}

#[tokio::test]
async fn no_arguments_publish_an_empty_object() {
    let ping = listed("ping").await;
    // `ping` is lenient, so its empty object stays open.
    assert_eq!(ping["inputSchema"], json!({"type": "object"}));
}

#[tokio::test]
async fn calls_reach_the_fn_with_state_and_extractors() {
    let client = client();
    let found = client
        .call("reply_search_contacts", json!({"email": "ada@example.com"}))
        .await
        .expect("a tool result");
    assert_eq!(
        found.data(),
        Some(&json!([{"email": "ada@example.com", "name": "Ada"}]))
    );

    let echoed = client
        .call("echo", json!({"text": "ab", "repeatCount": 2}))
        .await
        .expect("a tool result");
    assert_eq!(found.envelope()["Success"], true);
    assert_eq!(echoed.data(), Some(&json!("abab")));

    let me = client
        .call("whoami", json!({}))
        .await
        .expect("a tool result");
    assert_eq!(me.data(), Some(&json!("user-1")));

    let pong = client.call("ping", json!({})).await.expect("a tool result");
    assert_eq!(pong.data(), Some(&json!("pong")));

    let notes = client
        .call("add_note", json!({"lines": ["a", "b"]}))
        .await
        .expect("a tool result");
    assert_eq!(notes.data(), Some(&json!(2)));
}

#[tokio::test]
async fn the_validate_rule_refuses_bad_arguments() {
    let refused = client()
        .call("reply_search_contacts", json!({}))
        .await
        .expect("a tool result");
    assert!(refused.is_error());
    assert_eq!(refused.error_code(), Some("InvalidArguments"));
    assert!(
        refused
            .error_message()
            .expect("a message")
            .contains("pass email or linkedInUrl")
    );
}

#[tokio::test]
async fn the_schema_is_enforced_on_plain_parameters() {
    let refused = client()
        .call("echo", json!({"text": "a", "repeatCount": 9}))
        .await
        .expect("a tool result");
    assert_eq!(refused.error_code(), Some("InvalidArguments"));
}

#[tokio::test]
async fn errors_of_the_fn_become_error_envelopes() {
    let client = client();
    let listed = listed("delete_contact").await;
    let token_argument = listed["inputSchema"]["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .find(|k| *k != "email")
        .cloned();
    assert!(
        token_argument.is_some(),
        "confirm tools publish a token argument"
    );
    let outcome = client
        .call("delete_contact", json!({"email": "boss@example.com"}))
        .await
        .expect("a tool result");
    assert!(outcome.is_error());

    let refused = client
        .call("archive", json!({"id": 0}))
        .await
        .expect("a tool result");
    assert!(refused.is_error());
    assert_eq!(refused.error_code(), Some("Conflict"));
    assert_eq!(
        refused.error_message(),
        Some("thread 0 is pinned; unpin it first")
    );
    let archived = client
        .call("archive", json!({"id": 7}))
        .await
        .expect("a tool result");
    assert_eq!(archived.envelope()["Success"], true);
}

#[tokio::test]
async fn missing_state_is_a_build_error() {
    let built = Server::builder("demo", "1.0.0")
        .tool(search_contacts::tool())
        .build();
    let Err(error) = built else {
        panic!("no Workspace state is registered, so the build must fail");
    };
    assert!(error.to_string().contains("Workspace"), "{error}");
}

#[tokio::test]
async fn the_fn_stays_callable() {
    assert_eq!(ping().await.ok(), Some("pong"));
    assert_eq!(
        delete_contact("a@example.com".into(), Confirmation)
            .await
            .ok(),
        Some(true)
    );
}
