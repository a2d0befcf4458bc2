//! A sandbox account, its server and a client, with helpers that assert the
//! envelope.

use std::time::Duration;

use mcp_example_reteno::account::clock::{Clock, SANDBOX_EPOCH};
use mcp_example_reteno::server::build_server;
use mcp_example_reteno::{Account, Settings, access};
use mcp_examples_support::contract::check_output;
use mcp_tools::serde_json::Value;
use mcp_tools::{Caller, Client, Server};

/// One sandbox: the account (for its clock and upload store) and a client.
pub(crate) struct Sandbox {
    pub(crate) account: Account,
    pub(crate) client: Client,
    /// The server behind the client, for the tools' published schemas.
    server: Server,
}

impl Sandbox {
    /// A fresh seeded sandbox on a manual clock.
    pub(crate) fn new() -> Self {
        Self::with_settings(Settings::default())
    }

    /// A fresh seeded sandbox with these settings.
    pub(crate) fn with_settings(settings: Settings) -> Self {
        let account = Account::new(Clock::manual(SANDBOX_EPOCH), settings);
        let server = build_server(account.clone()).expect("the 82 tools build");
        Self {
            account,
            server: server.clone(),
            client: Client::new(server).with_caller(
                Caller::new(access::OWNER)
                    .with_account(access::ACCOUNT)
                    .with_scopes(access::ALL_SCOPES),
            ),
        }
    }

    /// Calls a tool and returns its `Data`, failing the test on an error envelope.
    pub(crate) async fn ok(&self, tool: &str, args: Value) -> Value {
        let outcome = self
            .client
            .call(tool, args.clone())
            .await
            .unwrap_or_else(|e| panic!("{tool} {args}: protocol error {e:?}"));
        self.check_output(tool, &outcome);
        assert!(
            !outcome.is_error(),
            "{tool} {args} failed: {:?} {:?}",
            outcome.error_code(),
            outcome.error_message()
        );
        outcome.data().cloned().unwrap_or(Value::Null)
    }

    /// Calls a tool that must fail and returns its code and message.
    pub(crate) async fn err(&self, tool: &str, args: Value) -> (String, String) {
        let outcome = self
            .client
            .call(tool, args.clone())
            .await
            .unwrap_or_else(|e| panic!("{tool} {args}: protocol error {e:?}"));
        self.check_output(tool, &outcome);
        assert!(
            outcome.is_error(),
            "{tool} {args} succeeded: {:?}",
            outcome.data()
        );
        (
            outcome.error_code().unwrap_or_default().to_owned(),
            outcome.error_message().unwrap_or_default().to_owned(),
        )
    }

    /// Fails the test when a result disagrees with the tool's `outputSchema`.
    fn check_output(&self, tool: &str, outcome: &mcp_tools::CallOutcome) {
        let schema = self.server.tool(tool).map(|t| t.output_schema().clone());
        if let Err(problem) = check_output(&schema.unwrap_or(Value::Null), outcome.result()) {
            panic!("{tool}: {problem}\n{}", outcome.result());
        }
    }

    /// Moves sandbox time forward.
    pub(crate) fn advance(&self, secs: u64) {
        self.account.clock().advance(Duration::from_secs(secs));
    }

    /// The id of the first item a listing tool returns for these arguments.
    pub(crate) async fn first_id(&self, tool: &str, args: Value) -> u64 {
        let data = self.ok(tool, args).await;
        data["Items"][0]["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("{tool} listed nothing: {data}"))
    }

    /// A segment id of the given kind.
    pub(crate) async fn segment(&self, kind: &str) -> u64 {
        self.first_id("list_groups", mcp_tools::serde_json::json!({"kind": kind}))
            .await
    }

    /// Uploads one file into a session, as the HTTP route will.
    pub(crate) fn upload(&self, ticket: &Value, part: &str, content_type: &str, bytes: &[u8]) {
        let id = ticket["uploadSessionId"].as_str().expect("a session id");
        self.account
            .uploads()
            .receive(id, part, content_type, bytes)
            .unwrap_or_else(|e| panic!("upload of {part} refused: {e}"));
    }
}

/// The editor-built email messages of the seed, by name.
pub(crate) async fn email_with_model(sandbox: &Sandbox) -> u64 {
    let page = sandbox
        .ok(
            "list_email_messages",
            mcp_tools::serde_json::json!({"query": "summer"}),
        )
        .await;
    let item = &page["Items"][0];
    assert_eq!(item["hasEditorModel"], true);
    item["id"].as_u64().expect("an id")
}
