//! Who may do what: the OAuth scopes the tools declare, and the sandbox users
//! who can sign in with them.
//!
//! Reteno grants an agent what the signed-in person's account may do. The
//! sandbox models that with three scopes, one per kind of effect, each tool
//! declaring exactly one:
//!
//! | scope | tools |
//! |---|---|
//! | [`READ`] | every read-only tool (lists, gets, analytics, exports, the brand kit) |
//! | [`WRITE`] | creates, updates, deletes, imports, uploads, segment membership |
//! | [`SEND`] | what reaches contacts: `send_email_message`, `send_sms_message`, `smart_send_message`, `send_broadcast` |
//!
//! Sending is a scope of its own because it cannot be taken back: an editor
//! may prepare messages and audiences without being able to send them.

use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser, SigningKey};

/// Reading the account: every read-only tool.
pub const READ: &str = "reteno:read";

/// Changing the account without reaching contacts.
pub const WRITE: &str = "reteno:write";

/// Sending to contacts.
pub const SEND: &str = "reteno:send";

/// Every scope, in the order metadata lists them.
pub const ALL_SCOPES: [&str; 3] = [READ, WRITE, SEND];

/// The account every sandbox user belongs to.
pub const ACCOUNT: &str = "reteno-sandbox";

/// The sandbox user who may do everything.
pub const OWNER: &str = "owner";

/// The sandbox user who may read and change but not send.
pub const EDITOR: &str = "editor";

/// The sandbox user who may only read.
pub const ANALYST: &str = "analyst";

/// The seed of the sandbox's signing key. It is fixed, and therefore public,
/// so that a token printed by `--issue-token` (another process) and tokens
/// from earlier sign-ins verify after a restart. That is acceptable only
/// because the sandbox guards no real data: its consent page lets anyone pick
/// any user anyway.
const SIGNING_SEED: [u8; 32] = *b"reteno-sandbox-signing-key-seed!";

/// The sandbox users: [`OWNER`] (all scopes), [`EDITOR`] (read and write) and
/// [`ANALYST`] (read only).
pub fn users() -> Vec<SandboxUser> {
    vec![
        SandboxUser::new(OWNER)
            .name("Olivia Owner: full access")
            .account(ACCOUNT)
            .scopes(ALL_SCOPES),
        SandboxUser::new(EDITOR)
            .name("Eddie Editor: read and write, no sending")
            .account(ACCOUNT)
            .scopes([READ, WRITE]),
        SandboxUser::new(ANALYST)
            .name("Ana Analyst: read only")
            .account(ACCOUNT)
            .scopes([READ]),
    ]
}

/// The sandbox authorization server for an MCP endpoint at `resource`, served
/// from `origin` (its issuer), with [`users`].
///
/// # Errors
///
/// When `origin` or `resource` is not a URL the authorization server accepts
/// (see [`SandboxOAuth::builder`]).
pub fn authorization_server(
    origin: &str,
    resource: &str,
) -> Result<SandboxOAuth, mcp_sandbox_oauth::Error> {
    let mut builder = SandboxOAuth::builder(origin, resource)
        .name("Reteno (sandbox)")
        .scopes(ALL_SCOPES)
        .signing_key(SigningKey::from_seed(SIGNING_SEED)?);
    for user in users() {
        builder = builder.user(user);
    }
    builder.build()
}
