//! The Retently example server: the 53 tools of Retently's MCP surface over an
//! in-memory sandbox account, with confirmation of every write, scopes on every
//! tool, de-identified personal data without `pii:read`, and an audit log.
//!
//! ```text
//! cargo run --example retently -- [--listen 127.0.0.1:8080] [--pat TOKEN=SCOPE,SCOPE…]…
//!     [--pat-days N] [--audit-log PATH] [--jwt-issuer URL --jwt-secret SECRET]
//!     [--redis URL --shared-secret SECRET [--previous-shared-secret SECRET]]
//! cargo run --example retently -- --issue-token viewer   # prints an OAuth access token
//! ```
//!
//! Clients sign in with OAuth ([`sign_in`]: a sandbox authorization server
//! served by the same process) or send a personal access token.
//!
//! See `examples/retently/README.md`. [`main`] is the whole program; the
//! workspace root's `retently` example calls it. The modules made public are
//! the ones the HTTP tests build their sandbox servers from.

// The domain modules are written as the surface the tool layer wraps; most of
// them stay private, and their `pub` items are crate-wide.
#![allow(unreachable_pub)]

#[allow(
    missing_docs,
    reason = "the stored records' fields are the vendor's fields, named as in \
              the vendor document (see the README); public for the HTTP tests, \
              which inspect the sandbox's state"
)]
pub mod account;
mod calendar;
mod campaigns;
pub mod catalog;
mod companies;
mod customers;
mod digests;
mod feedback;
mod filters;
mod integrations;
mod options;
mod outbox;
mod replies;
mod reports;
mod scores;
mod server;
pub mod service;
mod settings;
pub mod sign_in;
mod suppressions;
mod surveys;
mod team;
mod templates;
pub mod tokens;
mod tools;
mod triage;

use std::process::ExitCode;

use clap::Parser;
use mcp_examples_support::cli::{Banner, endpoint_url, serve_until_interrupted};
use mcp_examples_support::replicas::Replicas;

use account::Account;
use catalog::SCOPES;
use options::Options;
use service::{JwtIssuer, MCP_PATH, MIN_JWT_SECRET_LEN, SERVER_NAME, Settings};
use tokens::{AccessToken, AccessTokens};

/// Runs the example server from the process's command line until Ctrl-C:
/// the `retently` example's whole program.
#[tokio::main]
pub async fn main() -> ExitCode {
    let options = Options::parse();
    let _logging = match options.serve.init_logging() {
        Ok(logging) => logging,
        Err(e) => {
            eprintln!("retently: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("retently: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The endpoint's public URL: `--resource`, or the listen address with `/mcp`.
fn resource_of(options: &Options, bound: std::net::SocketAddr) -> String {
    options
        .resource
        .clone()
        .unwrap_or_else(|| endpoint_url(bound, MCP_PATH))
}

async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    // Refuses to start, before anything is bound, when --redis or the
    // shared secret cannot be used.
    let replicas = options.serve.replicas.connect().await?;
    if options.serve.stdio {
        return serve_stdio(&options, replicas).await;
    }
    if let Some(user) = &options.issue_token {
        let oauth = sign_in::authorization_server(&resource_of(&options, options.serve.listen))?;
        println!("{}", oauth.issue_user_token(user)?.access_token());
        return Ok(());
    }
    let lifetime = tokens::lifetime(options.pat_days);
    let mut shown: Vec<(String, AccessToken)> = Vec::new();
    if options.pats.is_empty() {
        let without_pii: Vec<&str> = SCOPES
            .iter()
            .copied()
            .filter(|s| !s.starts_with("pii:"))
            .collect();
        shown.push((
            "Token, every scope but pii:read and pii:write".into(),
            AccessToken::mint(without_pii, lifetime)?,
        ));
        shown.push((
            "Token, all 22 scopes".into(),
            AccessToken::mint(SCOPES, lifetime)?,
        ));
    } else {
        for grant in &options.pats {
            let token = AccessToken::from_grant(grant, lifetime)?;
            let label = format!("Token {}, scopes {}", token.id(), token.scopes().join(","));
            shown.push((label, token));
        }
    }
    let tokens = shown
        .iter()
        .fold(AccessTokens::new(), |all, (_, t)| all.with(t.clone()));

    // Bound first, so that the default resource (the JWT audience and the
    // metadata's `resource`) names the port really served, even for port 0.
    let listener = options.serve.bind().await?;
    let bound = listener.local_addr()?;
    let resource = resource_of(&options, bound);
    let oauth = sign_in::authorization_server(&resource)?;
    let mut settings = Settings::new(tokens, resource, options.audit_log.clone());
    settings.oauth = Some(oauth.clone());
    settings.confirmation_lifetime = options.confirmation_lifetime();
    settings.writes_per_hour = options.writes_per_hour;
    settings.calls_per_hour = options.calls_per_hour;
    settings.replicas = replicas;
    if let (Some(issuer), Some(secret)) = (&options.jwt_issuer, &options.jwt_secret) {
        if secret.len() < MIN_JWT_SECRET_LEN {
            return Err(format!(
                "--jwt-secret has {} bytes; use at least {MIN_JWT_SECRET_LEN}",
                secret.len()
            )
            .into());
        }
        settings.jwt = Some(JwtIssuer {
            issuer: issuer.clone(),
            secret: secret.clone().into_bytes(),
        });
    }

    let account = Account::sandbox();
    account.set_b2b_feature(!options.no_b2b);
    let server = service::server(account, &settings)?;
    let service = service::http(server, &settings);

    let audit = std::path::absolute(&settings.audit_log)?;
    println!(
        "Audit log (one JSON line per write call): {}",
        audit.display()
    );
    println!(
        "Writes: dry run first, confirm within {} s; at most {} confirmed writes per hour",
        settings.confirmation_lifetime.as_secs(),
        settings.writes_per_hour
    );
    if let Some(jwt) = &settings.jwt {
        println!(
            "OAuth: HS256 JWTs from {} with audience {}",
            jwt.issuer, settings.resource
        );
    }
    let days = options.pat_days;
    // The token command names what the resource was made from.
    let token_target = match &options.resource {
        Some(resource) => format!("--resource {resource}"),
        None => format!("--listen {bound}"),
    };
    serve_until_interrupted(service, listener, move |bound| {
        let url = endpoint_url(bound, MCP_PATH);
        let mut text = Banner {
            name: SERVER_NAME.into(),
            url: url.clone(),
            credentials: shown
                .iter()
                .map(|(label, token)| {
                    (
                        format!(
                            "{label} (expires in {days} days, {})",
                            token.expires_at_iso()
                        ),
                        format!("Authorization: Bearer {}", token.token()),
                    )
                })
                .collect(),
        }
        .render();
        text.push_str(&format!(
            "Or sign in with OAuth instead of a token:\n  claude mcp add --transport http {SERVER_NAME} {url}\n"
        ));
        text.push_str(&oauth.sign_in_help(&format!(
            "cargo run -q --example retently -- {token_target} --issue-token viewer"
        )));
        text
    })
    .await?;
    Ok(())
}

/// Serves one client over stdio as the sandbox account's user with all 22
/// scopes; writes still take a dry run and a confirmation, and are audited.
async fn serve_stdio(
    options: &Options,
    replicas: Replicas,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut settings = Settings::new(
        AccessTokens::new(),
        "stdio://retently",
        options.audit_log.clone(),
    );
    settings.confirmation_lifetime = options.confirmation_lifetime();
    settings.writes_per_hour = options.writes_per_hour;
    settings.calls_per_hour = options.calls_per_hour;
    settings.replicas = replicas;
    let account = Account::sandbox();
    account.set_b2b_feature(!options.no_b2b);
    let server = service::server(account, &settings)?;
    let caller = mcp_tools::Caller::new("stdio")
        .with_account(tokens::SANDBOX_ACCOUNT)
        .with_scopes(SCOPES);
    mcp_examples_support::cli::serve_stdio(server, caller).await?;
    Ok(())
}
