//! A sandbox OAuth 2.1 authorization server for the mcp-tools examples.
//!
//! The example servers reproduce vendor MCP servers whose clients sign in with
//! OAuth. This crate lets a real MCP client (Claude Code's `/mcp` login, the
//! official TypeScript and Python SDK clients, the MCP Inspector) sign in to
//! an example with no outside service: it is the authorization server, served
//! by the example itself next to its MCP endpoint.
//!
//! It speaks what the [MCP authorization spec] asks of an authorization server:
//!
//! - **Discovery**: RFC 8414 metadata at `/.well-known/oauth-authorization-server`
//!   and the OpenID configuration path, with the issuer set to the example's
//!   public origin; the public key at `/jwks`.
//! - **Clients**: RFC 7591 dynamic registration at `/register` (redirect URIs
//!   must be https, or http on `localhost`, `127.0.0.1` or `[::1]`; kept in
//!   memory, bounded), and https URLs as client ids (client ID metadata
//!   documents), which the sandbox cannot fetch and therefore accepts only with
//!   loopback redirect URIs, saying so on the consent page (see
//!   [`SandboxOAuthBuilder::client_id_metadata_documents`]).
//! - **Authorization code with PKCE S256** (`plain` refused) at `/authorize`,
//!   with the RFC 8707 `resource` required to be the MCP endpoint. A consent
//!   page (a plain form) lets the person pick one of the sandbox users and
//!   allow or deny; the client gets `code` (or `error=access_denied`), its
//!   `state` and the RFC 9207 `iss`.
//! - **Tokens** at `/token`: codes are single-use and short-lived, bound to
//!   the client, redirect URI and PKCE verifier; refresh tokens rotate, and a
//!   used one presented again revokes its whole lineage. Errors follow RFC
//!   6749 (`invalid_grant`, `invalid_client`, ...).
//! - **Access tokens** are Ed25519-signed JWTs (`iss`, `sub`, `aud` = the
//!   resource, `exp`, `iat`, `scope`, `client_id`, `jti` and an account
//!   claim) that the transport's
//!   [`OAuthResourceServer`](mcp_transport_http::auth::OAuthResourceServer)
//!   verifies; [`SandboxOAuth::resource_server`] configures one.
//!
//! A token carries the scopes the client asked for that the chosen user may
//! grant, so a read-only user yields read-only tokens. Scripts and tests skip
//! the browser with [`SandboxOAuth::issue_token`].
//!
//! # Mounting beside the MCP endpoint
//!
//! One axum router serves both: the authorization server's routes, and the
//! MCP service as the fallback (it answers its endpoint and the RFC 9728
//! protected-resource metadata, and 404 elsewhere).
//!
//! ```
//! use mcp_sandbox_oauth::{SandboxOAuth, SandboxUser};
//! use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
//! use mcp_transport_http::McpService;
//!
//! let origin = "http://127.0.0.1:8080";
//! let oauth = SandboxOAuth::builder(origin, format!("{origin}/mcp"))
//!     .name("Acme (sandbox)")
//!     .user(
//!         SandboxUser::new("ada")
//!             .name("Ada (admin)")
//!             .account("acme")
//!             .scopes(["contacts:read", "contacts:write"]),
//!     )
//!     .user(
//!         SandboxUser::new("vera")
//!             .name("Vera (read only)")
//!             .account("acme")
//!             .scopes(["contacts:read"]),
//!     )
//!     .build()?;
//!
//! let server = Server::builder("acme", "1.0.0")
//!     .tool(
//!         Tool::builder("hello")
//!             .description("Says hello.")
//!             .read_only()
//!             .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("hello") }),
//!     )
//!     .build()?;
//! // The authorization server's pages on the endpoint's port.
//! let mcp = McpService::builder(server)
//!     .path("/mcp")
//!     .authenticator(oauth.resource_server())
//!     .protected_resource(oauth.protected_resource())
//!     .fallback(oauth.router())
//!     .build();
//!
//! // Serve it:
//! async fn serve(mcp: McpService) -> std::io::Result<mcp_transport_http::Serving> {
//!     mcp_transport_http::serve(mcp, "127.0.0.1:8080").await
//! }
//! # let _ = (mcp, serve);
//!
//! // And a token for scripts, as an example's `--issue-token USER` would print:
//! let token = oauth.issue_token("vera", ["contacts:read"])?;
//! assert!(oauth.resource_server().validate(token.access_token()).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Then `claude mcp add --transport http acme http://127.0.0.1:8080/mcp` and
//! `/mcp` in Claude Code opens the consent page in the browser.
//!
//! # Proven against a real client
//!
//! The tests run the official MCP TypeScript SDK client through the whole
//! sign-in (registration or a URL client id, consent, code exchange, a tool
//! call, a refresh), with a script in place of the browser; see the README.
//!
//! # Limits
//!
//! Everything lives in memory: a restart forgets clients and refresh tokens
//! (clients register again), and tokens signed by a generated key stop
//! verifying (give [`SandboxOAuthBuilder::signing_key`] a fixed key to keep
//! them). Records are bounded ([`Limits`]) and expire ([`Lifetimes`]). There
//! is no password: whoever opens the consent page picks a user, which is the
//! point of a sandbox and the reason it must never guard real data.
//!
//! # Features
//!
//! This crate has no optional features.
//!
//! [MCP authorization spec]: https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod access;
mod authorize;
mod builder;
mod client;
mod consent;
mod error;
mod form;
mod grant;
mod key;
mod metadata;
mod pkce;
mod register;
mod resource;
mod router;
mod scope;
mod secret;
mod server;
mod store;
mod token;
mod user;
mod wire;

pub use access::IssuedToken;
pub use builder::{Lifetimes, SandboxOAuthBuilder};
pub use error::{Error, ErrorKind};
pub use grant::Limits;
pub use key::SigningKey;
pub use server::{DIRECT_CLIENT_ID, SandboxOAuth};
pub use user::SandboxUser;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
