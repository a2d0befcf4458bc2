//! The command line every example server starts from.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use mcp_tools::{Caller, Server};
use mcp_transport_http::{McpService, serve_listener};
use mcp_transport_stdio::StdioTransport;
use tokio::net::TcpListener;

use crate::logging::{LogArgs, Logging};

/// How long in-flight calls may run on after Ctrl-C before they are cut off.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Flags every example server takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: the sandbox is for this machine.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Serve one client over stdin and stdout instead of HTTP, the way local
    /// clients (Claude Desktop, Claude Code) start `command` servers. The
    /// client is served as the sandbox's own user, with every scope.
    #[arg(long, conflicts_with = "listen")]
    pub stdio: bool,
    /// `--redis`, `--shared-secret`, `--previous-shared-secret`: see
    /// [`crate::replicas`].
    #[command(flatten)]
    pub replicas: crate::replicas::ReplicaArgs,
    /// Log format and span export.
    #[command(flatten)]
    pub logging: LogArgs,
}

impl ServeArgs {
    /// Sends `tracing` output to stderr in the `--log-format` chosen (text,
    /// coloured only on a terminal, or JSON lines), filtered by `RUST_LOG`
    /// (default `info`), and exports spans when `--otlp-endpoint` is set.
    /// Keep the returned [`Logging`] until the server stops.
    pub fn init_logging(&self) -> io::Result<Logging> {
        self.logging.init()
    }

    /// Binds the `--listen` address. Bind before building the service when it
    /// must name its own address (a metadata `resource`, a banner): with port
    /// 0, [`local_addr`](TcpListener::local_addr) gives the port the system
    /// chose, and [`serve_until_interrupted`] serves on this very socket.
    pub async fn bind(&self) -> io::Result<TcpListener> {
        TcpListener::bind(self.listen)
            .await
            .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {}: {e}", self.listen)))
    }
}

/// A fresh random secret of `bytes` bytes, hex-encoded (for generated API keys).
pub fn random_secret(bytes: usize) -> io::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| io::Error::other(format!("no OS randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// What a server prints at start so a developer can connect at once.
#[derive(Debug, Clone)]
pub struct Banner {
    /// The name to register the server under in a client (`claude mcp add NAME …`).
    pub name: String,
    /// The MCP endpoint.
    pub url: String,
    /// Credentials to show, one `(label, header line)` pair per credential,
    /// such as `("API key", "x-api-key: 3f…")`.
    pub credentials: Vec<(String, String)>,
}

impl Banner {
    /// The banner's text: URL, each credential, and a ready `claude mcp add` line.
    pub fn render(&self) -> String {
        let mut out = format!("MCP endpoint: {}\n", self.url);
        for (label, header) in &self.credentials {
            out.push_str(&format!("{label}: {header}\n"));
        }
        if let Some((_, header)) = self.credentials.first() {
            out.push_str(&format!(
                "Connect Claude Code:\n  claude mcp add --transport http {} {} --header \"{}\"\n",
                self.name, self.url, header
            ));
        } else {
            out.push_str(&format!(
                "Connect Claude Code:\n  claude mcp add --transport http {} {}\n",
                self.name, self.url
            ));
        }
        out
    }
}

/// The URL of an endpoint path on a bound address.
pub fn endpoint_url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

/// Serves `service` on `listener` (see [`ServeArgs::bind`]) with the
/// transport's `serve` (its connection limits, timeouts and graceful
/// shutdown cover every route of the service, its
/// [fallback](mcp_transport_http::McpServiceBuilder::fallback) included),
/// prints the banner text made from the bound address (a [`Banner`],
/// rendered, and whatever the example adds), and runs until Ctrl-C (or
/// SIGTERM); then in-flight calls have [`SHUTDOWN_GRACE`] to finish.
pub async fn serve_until_interrupted(
    service: McpService,
    listener: TcpListener,
    banner: impl FnOnce(SocketAddr) -> String,
) -> io::Result<()> {
    // Listening for signals before anything is announced: see shutdown_signal.
    let stop = shutdown_signal();
    let serving = serve_listener(service, listener)?;
    let bound = serving.local_addr();
    print!("{}", banner(bound));
    tracing::info!(%bound, "serving; press Ctrl-C to stop");
    stop.await;
    tracing::info!("shutting down");
    serving.shutdown(SHUTDOWN_GRACE).await;
    Ok(())
}

/// Serves `server` to one client over stdin and stdout, as `caller`, until
/// the client closes stdin or Ctrl-C (or SIGTERM). Nothing but the protocol
/// goes to stdout; logs go to stderr (see [`ServeArgs::init_logging`]).
pub async fn serve_stdio(server: Server, caller: Caller) -> io::Result<()> {
    let stop = shutdown_signal();
    tracing::info!(caller = caller.id(), "serving one client over stdio");
    let transport = StdioTransport::new(server)
        .caller(caller)
        .shutdown_grace(SHUTDOWN_GRACE);
    tokio::select! {
        served = transport.serve() => served,
        () = stop => {
            tracing::info!("interrupted; stopping");
            Ok(())
        }
    }
}

/// Listens for Ctrl-C and, on Unix, SIGTERM from the moment it is called,
/// and completes at the first of them.
///
/// The handlers are installed by this call, not when the future is first
/// polled: a signal that arrives before then (a supervisor stopping a server
/// that has just printed its banner) is caught, not left to the default
/// action that ends the process on the spot. Call it before announcing
/// anything.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                // No handler could be installed: Ctrl-C alone, as tokio offers it.
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_has_a_ready_claude_line() {
        let banner = Banner {
            name: "reply".into(),
            url: "http://127.0.0.1:8080/".into(),
            credentials: vec![("API key".into(), "x-api-key: abc".into())],
        };
        let text = banner.render();
        assert!(text.contains("MCP endpoint: http://127.0.0.1:8080/"));
        assert!(text.contains(
            "claude mcp add --transport http reply http://127.0.0.1:8080/ --header \"x-api-key: abc\""
        ));
    }

    #[test]
    fn secrets_are_fresh_hex() {
        let a = random_secret(16).unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_secret(16).unwrap());
    }
}
