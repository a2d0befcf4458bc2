//! The `reteno` example's command line: serve the sandbox until Ctrl-C, or
//! print an access token for scripts.

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mcp_examples_support::cli::{self as support, Banner, ServeArgs};
use mcp_examples_support::replicas::Replicas;
use tokio::net::TcpListener;

use crate::account::clock::Clock;
use crate::account::{Account, DEFAULT_BRANDKIT_DURATION, Settings};
use crate::{access, http};

/// Serve Reteno's MCP surface over a sandbox account.
#[derive(Debug, Parser)]
#[command(
    name = "reteno",
    version,
    about = "Serves the 82 tools of Reteno's MCP server (contacts, segments, events, messages in \
             four channels, workflows, sending, analytics, media, an AI brand kit) over Streamable \
             HTTP on an in-memory sandbox account, with a sandbox OAuth sign-in and upload URLs \
             served by the same process. Nothing reaches a real Reteno account or a real contact."
)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
    /// How long one brand-kit extraction runs, in seconds (the hosted service
    /// takes eight to ten minutes).
    #[arg(
        long = "brandkit-seconds",
        value_name = "SECONDS",
        default_value_t = DEFAULT_BRANDKIT_DURATION.as_secs_f64(),
        value_parser = brandkit_seconds,
    )]
    brandkit_seconds: f64,
    /// The origin clients reach this server at when it is not the --listen
    /// address, such as a load balancer's https://mcp.example.com in front of
    /// several replicas. The OAuth issuer, the resource tokens are issued for
    /// (URL/mcp) and the upload and download links name it, so a token issued
    /// through one replica is accepted by every replica started with the same
    /// URL. Default: http:// and the --listen address.
    #[arg(long = "public-url", value_name = "URL", value_parser = public_url)]
    public_url: Option<String>,
    /// Print an access token for this sandbox user (owner, editor or analyst)
    /// carrying all their scopes, then exit. It is valid for an hour against
    /// a server started with the same --listen address.
    #[arg(long = "issue-token", value_name = "USER")]
    issue_token: Option<String>,
}

/// The longest brand-kit run the option accepts: the tool's own time limit
/// (15 minutes) would stop a longer one anyway.
const MAX_BRANDKIT_SECONDS: f64 = 900.0;

fn brandkit_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.0..=MAX_BRANDKIT_SECONDS).contains(&seconds) {
        return Err(format!(
            "the brand-kit duration must be between 0 and {MAX_BRANDKIT_SECONDS} seconds"
        ));
    }
    Ok(seconds)
}

/// Checks a `--public-url`: an http(s) origin, without path, query or
/// fragment (the endpoint is its `/mcp`).
fn public_url(text: &str) -> Result<String, String> {
    let origin = text.trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| format!("{text:?} is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return Err(format!(
            "{text:?} must be an origin only (scheme, host and port, such as \
             https://mcp.example.com): the endpoint is its /mcp"
        ));
    }
    Ok(origin.to_owned())
}

/// The origin the server names in tokens and links: `--public-url`, else the
/// address it listens on.
fn origin_of(public: Option<&str>, listen: SocketAddr) -> String {
    public.map_or_else(|| support::endpoint_url(listen, ""), str::to_owned)
}

/// Runs the example from the process's command line: the `reteno` example's
/// whole program.
pub fn main() -> ExitCode {
    let args = Cli::parse();
    if let Some(user) = &args.issue_token {
        return match issue_token(
            &origin_of(args.public_url.as_deref(), args.serve.listen),
            user,
        ) {
            Ok(token) => {
                println!("{token}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let _logging = match args.serve.init_logging() {
        Ok(logging) => logging,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A token for `user` with every scope they may grant, for the endpoint a
/// server at `origin` serves.
fn issue_token(origin: &str, user: &str) -> Result<String, mcp_sandbox_oauth::Error> {
    let oauth = access::authorization_server(origin, &http::mcp_url(origin))?;
    Ok(oauth.issue_user_token(user)?.access_token().to_owned())
}

async fn run(args: Cli) -> io::Result<()> {
    // Refuses to start, before anything is bound, when --redis or the
    // shared secret cannot be used.
    let replicas = args
        .serve
        .replicas
        .connect()
        .await
        .map_err(io::Error::other)?;
    if args.serve.stdio {
        return serve_stdio(&args, &replicas).await;
    }
    // Bound first, so that the URLs the server hands out (metadata, upload
    // and download links) name the port really served, also for port 0.
    let listener = args.serve.bind().await?;
    let addr = listener.local_addr()?;
    let origin = origin_of(args.public_url.as_deref(), addr);
    let settings = Settings {
        public_url: origin.clone(),
        brandkit_duration: Duration::from_secs_f64(args.brandkit_seconds),
    };
    let account = Account::new(Clock::system(), settings);
    let oauth =
        access::authorization_server(&origin, &http::mcp_url(&origin)).map_err(io::Error::other)?;
    let service = http::service_with(account, &oauth, !addr.ip().is_loopback(), &replicas)
        .map_err(io::Error::other)?;
    tracing::info!(
        brandkit_seconds = args.brandkit_seconds,
        "built the sandbox account and its 82 tools"
    );
    let public = args.public_url;
    support::serve_until_interrupted(service, listener, move |addr| {
        banner(addr, public.as_deref())
    })
    .await
}

/// Serves one client over stdio as the sandbox owner. Upload and download
/// links still need HTTP: the file routes are served on a loopback port of
/// the system's choosing, which the links name.
async fn serve_stdio(args: &Cli, replicas: &Replicas) -> io::Result<()> {
    let files = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let origin = support::endpoint_url(files.local_addr()?, "");
    let settings = Settings {
        public_url: origin,
        brandkit_duration: Duration::from_secs_f64(args.brandkit_seconds),
    };
    let account = Account::new(Clock::system(), settings);
    let server = replicas
        .server(crate::server::builder(account.clone()).require_authentication())
        .build()
        .map_err(io::Error::other)?;
    let routes = http::files::routes(account);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(files, routes).await {
            tracing::warn!("the upload and download routes stopped: {e}");
        }
    });
    let owner = mcp_tools::Caller::new(access::OWNER)
        .with_account(access::ACCOUNT)
        .with_scopes(access::ALL_SCOPES);
    support::serve_stdio(server, owner).await
}

/// What the server prints at start: the endpoint, a ready `claude mcp add`
/// line (no header: the client signs in with OAuth), the sandbox users, and
/// how to get a token for curl.
fn banner(addr: SocketAddr, public: Option<&str>) -> String {
    let origin = origin_of(public, addr);
    let target = match public {
        Some(public) => format!("--public-url {public}"),
        None => format!("--listen {addr}"),
    };
    let mut text = Banner {
        name: "reteno".to_owned(),
        url: http::mcp_url(&origin),
        credentials: Vec::new(),
    }
    .render();
    let users: Vec<String> = access::users()
        .iter()
        .map(|u| format!("{} ({})", u.id(), u.display_name()))
        .collect();
    text.push_str(&format!(
        "Sign in with /mcp in Claude Code and pick a sandbox user: {}.\n\
         For curl: TOKEN=$(cargo run -q --example reteno -- {target} --issue-token owner)\n",
        users.join(", ")
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_carry_the_users_scopes_for_the_listen_address() {
        let listen: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let token = issue_token(&origin_of(None, listen), access::ANALYST).unwrap();
        let origin = "http://127.0.0.1:8080";
        // Another process with the same --listen verifies it: the key is fixed.
        let oauth = access::authorization_server(origin, &http::mcp_url(origin)).unwrap();
        let caller = oauth.resource_server().validate(&token).unwrap();
        // The SDK namespaces OAuth callers by issuer and subject.
        assert!(
            caller
                .caller()
                .id()
                .ends_with(&format!("#{}", access::ANALYST)),
            "{}",
            caller.caller().id()
        );
        assert!(caller.caller().has_scope(access::READ));
        assert!(!caller.caller().has_scope(access::WRITE));
        // A server on another port serves another resource.
        let other = "http://127.0.0.1:9090";
        let elsewhere = access::authorization_server(other, &http::mcp_url(other)).unwrap();
        assert!(elsewhere.resource_server().validate(&token).is_err());
    }

    #[test]
    fn an_unknown_user_is_told_who_there_is() {
        let listen: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let error = issue_token(&origin_of(None, listen), "mallory")
            .unwrap_err()
            .to_string();
        for user in [access::OWNER, access::EDITOR, access::ANALYST] {
            assert!(error.contains(user), "{error}");
        }
    }

    #[test]
    fn the_banner_has_a_ready_claude_line_without_a_header() {
        let text = banner("127.0.0.1:8123".parse().unwrap(), None);
        assert!(
            text.contains("MCP endpoint: http://127.0.0.1:8123/mcp\n"),
            "{text}"
        );
        assert!(
            text.contains("  claude mcp add --transport http reteno http://127.0.0.1:8123/mcp\n"),
            "{text}"
        );
        assert!(!text.contains("--header"), "{text}");
        assert!(
            text.contains("--listen 127.0.0.1:8123 --issue-token owner"),
            "{text}"
        );
    }

    #[test]
    fn replicas_behind_one_public_url_accept_each_others_tokens() {
        let public = public_url("http://127.0.0.1:9000/").unwrap();
        assert_eq!(public, "http://127.0.0.1:9000");
        // Issued for the public URL; checked by a replica listening elsewhere.
        let token = issue_token(&public, access::OWNER).unwrap();
        let replica = origin_of(Some(&public), "127.0.0.1:8081".parse().unwrap());
        let oauth = access::authorization_server(&replica, &http::mcp_url(&replica)).unwrap();
        assert!(oauth.resource_server().validate(&token).is_ok());
        let text = banner("127.0.0.1:8081".parse().unwrap(), Some(&public));
        assert!(
            text.contains("--public-url http://127.0.0.1:9000 --issue-token owner"),
            "{text}"
        );
        for bad in [
            "127.0.0.1:9000",
            "ftp://x.example",
            "https://x.example/mcp",
            "https://",
        ] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_brandkit_duration_is_bounded() {
        assert_eq!(brandkit_seconds("2.5"), Ok(2.5));
        assert!(brandkit_seconds("-1").is_err());
        assert!(brandkit_seconds("901").is_err());
        assert!(brandkit_seconds("soon").is_err());
    }

    #[test]
    fn the_command_line_parses() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "reteno",
            "--listen",
            "127.0.0.1:0",
            "--brandkit-seconds",
            "1",
        ])
        .unwrap();
        assert_eq!(cli.brandkit_seconds, 1.0);
        assert!(cli.issue_token.is_none());
    }
}
