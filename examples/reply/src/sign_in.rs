//! OAuth sign-in: the sandbox authorization server the example serves beside
//! its endpoint, which the protected-resource metadata names.
//!
//! The vendor's endpoint takes an API key (`x-api-key` or `Authorization:
//! Bearer`) and also advertises OAuth metadata with two scopes,
//! `reply-web-api` and `mcp:tools`, for clients that prefer a discovery-based
//! sign-in (Claude custom connectors, Claude Code's `/mcp`). The document
//! does not say what each scope grants; the sandbox reads them as their names
//! suggest:
//!
//! | scope | grants |
//! |---|---|
//! | [`MCP_TOOLS`] | calling the tools: every tool needs it, and a token without it is answered 403 `insufficient_scope` |
//! | [`WEB_API`] | Reply's REST API (v3), which the sandbox does not serve: accepted, and enough for the guidance resources and prompts |
//!
//! API keys, and the stdio caller, hold both, as before. The one sandbox user,
//! [`OWNER`], may grant both; a client that asks for `reply-web-api` alone
//! gets a token that cannot call tools.

use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser, SigningKey};

/// The scope that lets a client call the tools.
pub const MCP_TOOLS: &str = "mcp:tools";

/// The scope of Reply's REST API.
pub const WEB_API: &str = "reply-web-api";

/// The sandbox user: the workspace's owner.
pub const OWNER: &str = "owner";

/// The account every caller of the sandbox acts on.
pub const ACCOUNT: &str = "sandbox";

/// The seed of the signing key. Fixed, and therefore public, so that a token
/// printed by `--issue-token` (another process) verifies, and sign-ins
/// survive a restart. Acceptable only because the sandbox guards no real
/// data: its consent page lets anyone sign in.
const SIGNING_SEED: [u8; 32] = *b"reply-sandbox-signing-key-seed32";

/// The users who can sign in: [`OWNER`], with both scopes.
pub fn users() -> Vec<SandboxUser> {
    vec![
        SandboxUser::new(OWNER)
            .name("Owen Owner: the sandbox workspace's owner")
            .account(ACCOUNT)
            .scopes(crate::server::SCOPES),
    ]
}

/// The sandbox authorization server for the endpoint at `origin` (such as
/// `http://127.0.0.1:8080`, the `resource` of the metadata), issuing from
/// that same origin.
///
/// # Errors
///
/// When `origin` is not an absolute http(s) URL.
pub fn authorization_server(origin: &str) -> Result<SandboxOAuth, mcp_sandbox_oauth::Error> {
    let origin = origin.trim_end_matches('/');
    let mut builder = SandboxOAuth::builder(origin, origin)
        .name("Reply.io sandbox MCP")
        .scopes(crate::server::SCOPES)
        .signing_key(SigningKey::from_seed(SIGNING_SEED)?);
    for user in users() {
        builder = builder.user(user);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_the_owner_on_the_sandbox_account() {
        let origin = "http://127.0.0.1:8080";
        let token = authorization_server(origin)
            .unwrap()
            .issue_token(OWNER, [WEB_API])
            .unwrap();
        // Another process (the server) on the same origin verifies it.
        let verified = authorization_server(origin)
            .unwrap()
            .resource_server()
            .validate(token.access_token())
            .unwrap();
        let caller = verified.caller();
        assert!(caller.id().starts_with("oauth:"), "{}", caller.id());
        assert!(caller.id().ends_with("#owner"), "{}", caller.id());
        assert_eq!(caller.account(), Some(ACCOUNT));
        assert!(caller.has_scope(WEB_API));
        assert!(!caller.has_scope(MCP_TOOLS));
        // Not for a server on another port.
        assert!(
            authorization_server("http://127.0.0.1:9090")
                .unwrap()
                .resource_server()
                .validate(token.access_token())
                .is_err()
        );
    }
}
