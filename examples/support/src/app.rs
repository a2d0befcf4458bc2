//! Serving an axum application: an MCP endpoint with more routes beside it
//! (the sandbox authorization server, file routes), until interrupted.

use std::io;
use std::net::SocketAddr;

use axum::Router;
use axum::serve::ListenerExt as _;
use tokio::net::TcpListener;

use crate::cli::{SHUTDOWN_GRACE, shutdown_signal};

/// Serves `app` on `listener` (see [`ServeArgs::bind`](crate::cli::ServeArgs::bind)),
/// prints the banner text made from the bound address (a
/// [`Banner`](crate::cli::Banner), rendered, and whatever the example adds),
/// and runs until Ctrl-C (or
/// SIGTERM). Requests in flight then have [`SHUTDOWN_GRACE`] to finish; open
/// event streams are cut off after it.
///
/// The counterpart of [`serve_until_interrupted`](crate::cli::serve_until_interrupted)
/// for an example whose MCP service is the fallback of a larger router.
pub async fn serve_app_until_interrupted(
    app: Router,
    listener: TcpListener,
    banner: impl FnOnce(SocketAddr) -> String,
) -> io::Result<()> {
    let bound = listener.local_addr()?;
    // Answers written in pieces (SSE progress) would otherwise wait on Nagle.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    print!("{}", banner(bound));
    tracing::info!(%bound, "serving; press Ctrl-C to stop");
    shutdown_signal().await;
    tracing::info!("shutting down");
    let _ = stop.send(());
    match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(io::Error::other(e)),
        Err(_) => {
            tracing::warn!(grace = ?SHUTDOWN_GRACE, "requests still running at the end of the grace period were cut off");
            Ok(())
        }
    }
}
