//! Logs and traces of the example servers: one line per event on stderr, as
//! text for a person or as JSON for a log collector, filtered by `RUST_LOG`
//! (default `info`); with the `otel` feature, spans exported over OTLP.
//!
//! Every JSON-RPC request runs in a span named `mcp.request` (see
//! [`mcp_tools::trace`]) whose fields (`method`, `id`, `tool`, `caller`,
//! `version`, and the client's `trace_id` and `parent_span_id` when it sent
//! a `traceparent`) are on every line logged inside it: in text after the
//! span name, in JSON under `"span"` and `"spans"`.

use std::io::{self, IsTerminal};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// The environment variable that sets the log format when `--log-format` is absent.
pub const LOG_FORMAT_ENV: &str = "MCP_LOG_FORMAT";

/// The environment variable that sets the OTLP endpoint when `--otlp-endpoint` is absent.
pub const OTLP_ENDPOINT_ENV: &str = "MCP_OTLP_ENDPOINT";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines; coloured only when stderr is a terminal.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `fields`, `target`,
    /// and the spans the event happened in (`span`, `spans`).
    Json,
}

/// The logging flags every example server takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LogArgs {
    /// Log lines on stderr as `text` (for people) or `json` (one object a
    /// line, with the request's span fields, for log collectors).
    #[arg(long, value_enum, env = LOG_FORMAT_ENV, default_value = "text", value_name = "FORMAT")]
    pub log_format: LogFormat,
    /// Export spans over OTLP/HTTP (protobuf) to this URL, such as
    /// `http://127.0.0.1:4318/v1/traces`; each request's span is a child of
    /// the client's span when the client sent a `traceparent`. Needs a
    /// build with the `otel` feature.
    #[arg(long, env = OTLP_ENDPOINT_ENV, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
}

impl LogArgs {
    /// The settings from the environment alone ([`LOG_FORMAT_ENV`],
    /// [`OTLP_ENDPOINT_ENV`]), for a server that sets up logging before it
    /// reads its command line. An unknown format is reported on stderr and
    /// text is used.
    pub fn from_env() -> Self {
        let log_format = match std::env::var(LOG_FORMAT_ENV) {
            Ok(value) => <LogFormat as clap::ValueEnum>::from_str(&value, true).unwrap_or_else(|_| {
                eprintln!("{LOG_FORMAT_ENV}={value:?} is not a log format; use text or json. Logging as text.");
                LogFormat::Text
            }),
            Err(_) => LogFormat::Text,
        };
        let otlp_endpoint = std::env::var(OTLP_ENDPOINT_ENV)
            .ok()
            .filter(|e| !e.is_empty());
        Self {
            log_format,
            otlp_endpoint,
        }
    }

    /// Installs the process's `tracing` subscriber: the log lines, and the
    /// OTLP export when an endpoint is set. Keep the returned [`Logging`]
    /// until the server stops: dropping it sends the spans still buffered.
    ///
    /// Fails when an endpoint is set but this build has no `otel` feature, or
    /// the exporter cannot be built. A second initialisation in one process
    /// (tests calling a main twice) leaves the first in place.
    pub fn init(&self) -> io::Result<Logging> {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        // Each layer has its own filter: the exporter wants the request spans
        // (`debug`) whatever level the lines are printed at.
        let mut layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> =
            vec![self.lines_layer().with_filter(filter).boxed()];
        let logging = match &self.otlp_endpoint {
            None => Logging::default(),
            Some(endpoint) => otlp(endpoint, &mut layers)?,
        };
        let _ = Registry::default().with(layers).try_init();
        Ok(logging)
    }

    fn lines_layer(&self) -> Box<dyn Layer<Registry> + Send + Sync> {
        let lines = tracing_subscriber::fmt::layer().with_writer(io::stderr);
        match self.log_format {
            // Colour only for a person at a terminal, never into a file or a pipe.
            LogFormat::Text => lines.with_ansi(io::stderr().is_terminal()).boxed(),
            LogFormat::Json => lines
                .json()
                .with_current_span(true)
                .with_span_list(true)
                .boxed(),
        }
    }
}

/// What logging holds while the server runs. With OTLP export, dropping it
/// flushes and shuts down the exporter.
#[derive(Default)]
#[must_use = "dropping it stops the span export"]
pub struct Logging {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl std::fmt::Debug for Logging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let exporting = {
            #[cfg(feature = "otel")]
            {
                self.provider.is_some()
            }
            #[cfg(not(feature = "otel"))]
            {
                false
            }
        };
        f.debug_struct("Logging")
            .field("exporting", &exporting)
            .finish()
    }
}

#[cfg(feature = "otel")]
impl Drop for Logging {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("could not send the last spans: {error}");
        }
    }
}

#[cfg(feature = "otel")]
fn otlp(
    endpoint: &str,
    layers: &mut Vec<Box<dyn Layer<Registry> + Send + Sync>>,
) -> io::Result<Logging> {
    let provider = crate::otel::otlp_provider(endpoint)?;
    let spans = EnvFilter::new("info,mcp_tools=debug");
    layers.push(crate::otel::layer(&provider).with_filter(spans).boxed());
    crate::otel::join_client_traces();
    Ok(Logging {
        provider: Some(provider),
    })
}

#[cfg(not(feature = "otel"))]
fn otlp(
    endpoint: &str,
    _: &mut Vec<Box<dyn Layer<Registry> + Send + Sync>>,
) -> io::Result<Logging> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!(
            "--otlp-endpoint {endpoint}: this build cannot export spans; rebuild with the `otel` feature (cargo run --features mcp-examples-support/otel …) or drop the flag"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        logging: LogArgs,
    }

    #[test]
    fn the_format_flag_takes_text_or_json() {
        let cli = Cli::try_parse_from(["x", "--log-format", "json"]).unwrap();
        assert_eq!(cli.logging.log_format, LogFormat::Json);
        let error = Cli::try_parse_from(["x", "--log-format", "xml"])
            .err()
            .unwrap();
        let error = error.to_string();
        assert!(error.contains("text") && error.contains("json"), "{error}");
    }

    #[cfg(not(feature = "otel"))]
    #[test]
    fn an_endpoint_without_the_feature_says_how_to_get_it() {
        let args = LogArgs {
            log_format: LogFormat::Text,
            otlp_endpoint: Some("http://127.0.0.1:4318/v1/traces".into()),
        };
        let error = args.init().unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::Unsupported);
        assert!(error.to_string().contains("otel"), "{error}");
    }
}
