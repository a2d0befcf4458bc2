//! OAuth sign-in: the sandbox authorization server the example serves beside
//! its MCP endpoint, and the people who can sign in with it.
//!
//! Retently recommends OAuth: the person logs in in the browser and approves
//! the access they want, capped by their Retently role; `pii:read` and
//! `pii:write` are off unless an administrator turns them on. The sandbox
//! models that with one sign-in user per role of the seeded team, each able
//! to grant what the role allows:
//!
//! | user | team member | may grant |
//! |---|---|---|
//! | [`OWNER`] | Maya Fischer, owner | all 22 scopes: PII access is enabled for her |
//! | [`MANAGER`] | Priya Raman, manager | every scope but `pii:read` and `pii:write` |
//! | [`AGENT`] | Lucia Moreno, agent | the `:read` scopes, plus `feedback:tag`, `feedback:topic` and `feedback:reply` |
//! | [`VIEWER`] | Omar Haddad, viewer | the `:read` scopes only |
//!
//! A client gets the scopes it asked for that the chosen user may grant
//! (all of them when it asked for none), so tokens follow the same rule as
//! personal access tokens: the least a connection needs.

use http::Uri;
use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser, SigningKey};

use crate::catalog::SCOPES;
use crate::tokens::SANDBOX_ACCOUNT;

/// The user who may grant every scope.
pub const OWNER: &str = "owner";
/// The user who may grant every scope but the PII ones.
pub const MANAGER: &str = "manager";
/// The user who may read and triage feedback.
pub const AGENT: &str = "agent";
/// The user who may only read.
pub const VIEWER: &str = "viewer";

/// What an agent may do beyond reading: work the feedback inbox.
const AGENT_EXTRA: [&str; 3] = ["feedback:tag", "feedback:topic", "feedback:reply"];

/// The seed of the signing key. Fixed, and therefore public, so that a token
/// printed by `--issue-token` (another process) verifies, and sign-ins
/// survive a restart. Acceptable only because the sandbox guards no real
/// data: its consent page lets anyone pick any user anyway.
const SIGNING_SEED: [u8; 32] = *b"retently-sandbox-signing-key-32b";

fn read_scopes() -> impl Iterator<Item = &'static str> {
    SCOPES
        .into_iter()
        .filter(|s| s.ends_with(":read") && !s.starts_with("pii:"))
}

/// The sandbox users, one per role (see the [module docs](self)).
pub fn users() -> Vec<SandboxUser> {
    vec![
        SandboxUser::new(OWNER)
            .name("Maya Fischer, owner: every scope, PII included")
            .account(SANDBOX_ACCOUNT)
            .scopes(SCOPES),
        SandboxUser::new(MANAGER)
            .name("Priya Raman, manager: every scope but PII")
            .account(SANDBOX_ACCOUNT)
            .scopes(SCOPES.into_iter().filter(|s| !s.starts_with("pii:"))),
        SandboxUser::new(AGENT)
            .name("Lucia Moreno, agent: read, tag and reply to feedback")
            .account(SANDBOX_ACCOUNT)
            .scopes(read_scopes().chain(AGENT_EXTRA)),
        SandboxUser::new(VIEWER)
            .name("Omar Haddad, viewer: read only")
            .account(SANDBOX_ACCOUNT)
            .scopes(read_scopes()),
    ]
}

/// The origin of `resource` (`https://host:port`): the sandbox's issuer,
/// served by the same process as the MCP endpoint.
///
/// # Errors
///
/// When `resource` is not an absolute http(s) URL.
pub fn issuer_for(resource: &str) -> Result<String, String> {
    let uri: Uri = resource
        .parse()
        .map_err(|_| format!("the resource {resource:?} is not a URL"))?;
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme @ ("http" | "https")), Some(authority)) => {
            Ok(format!("{scheme}://{authority}"))
        }
        _ => Err(format!(
            "the resource {resource:?} must be an absolute http or https URL"
        )),
    }
}

/// The sandbox authorization server for the MCP endpoint at `resource`,
/// issuing from `resource`'s origin, with [`users`] and the 22 scopes.
///
/// # Errors
///
/// When `resource` is not an absolute http(s) URL.
pub fn authorization_server(resource: &str) -> Result<SandboxOAuth, String> {
    let issuer = issuer_for(resource)?;
    let key = SigningKey::from_seed(SIGNING_SEED).map_err(|e| e.to_string())?;
    let mut builder = SandboxOAuth::builder(issuer, resource)
        .name("Retently (sandbox)")
        .scopes(SCOPES)
        .signing_key(key);
    for user in users() {
        builder = builder.user(user);
    }
    builder.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_the_origin_of_the_resource() {
        assert_eq!(
            issuer_for("http://127.0.0.1:8080/mcp").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            issuer_for("https://retently.example/mcp").unwrap(),
            "https://retently.example"
        );
        assert!(issuer_for("stdio://retently").is_err());
        assert!(issuer_for("/mcp").is_err());
    }

    #[test]
    fn roles_cap_the_scopes() {
        let users = users();
        let scopes = |id: &str| -> Vec<String> {
            users
                .iter()
                .find(|u| u.id() == id)
                .unwrap()
                .grantable_scopes()
                .to_vec()
        };
        assert_eq!(scopes(OWNER).len(), 22);
        assert_eq!(scopes(MANAGER).len(), 20);
        assert!(!scopes(MANAGER).iter().any(|s| s.starts_with("pii:")));
        assert!(scopes(AGENT).iter().any(|s| s == "feedback:reply"));
        assert!(!scopes(AGENT).iter().any(|s| s == "surveys:send"));
        assert!(scopes(VIEWER).iter().all(|s| s.ends_with(":read")));
        assert!(!scopes(VIEWER).iter().any(|s| s == "pii:read"));
    }

    #[test]
    fn tokens_name_the_user_and_the_sandbox_account() {
        let resource = "http://127.0.0.1:8080/mcp";
        let token = authorization_server(resource)
            .unwrap()
            .issue_user_token(VIEWER)
            .unwrap();
        // Another process (the server) built with the same resource verifies it.
        let verified = authorization_server(resource)
            .unwrap()
            .resource_server()
            .validate(token.access_token())
            .unwrap();
        let caller = verified.caller();
        assert!(caller.id().starts_with("oauth:"), "{}", caller.id());
        assert!(caller.id().ends_with("#viewer"), "{}", caller.id());
        assert_eq!(caller.account(), Some(SANDBOX_ACCOUNT));
        assert!(caller.has_scope("feedback:read"));
        assert!(!caller.has_scope("feedback:tag"));
    }
}
