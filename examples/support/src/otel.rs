//! OpenTelemetry export of the servers' spans (feature `otel`): spans go
//! over OTLP/HTTP, and each request's span is a child of the client's span
//! when the client sent a W3C `traceparent` (in `_meta`, or as an HTTP
//! header), so the server's work shows up inside the client's trace.
//!
//! The core records the client's trace context on the request span and calls
//! the hook installed by [`join_client_traces`], which makes the client's
//! span the remote parent with `tracing-opentelemetry`.

use std::io;

use mcp_tools::trace::{TraceContext, set_remote_parent_hook};
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::Span;
use tracing_opentelemetry::{OpenTelemetryLayer, OpenTelemetrySpanExt};
use tracing_subscriber::registry::LookupSpan;

/// A tracer provider that sends spans in batches to an OTLP/HTTP endpoint,
/// as the service named by the executable (`service.name`).
pub fn otlp_provider(endpoint: &str) -> io::Result<SdkTracerProvider> {
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .build()
        .map_err(|e| io::Error::other(format!("--otlp-endpoint {endpoint}: {e}")))?;
    let service = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "mcp-server".to_owned());
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(service)
                .with_attribute(KeyValue::new("telemetry.sdk.name", "mcp-tools"))
                .build(),
        )
        .build())
}

/// The `tracing` layer that turns spans into OpenTelemetry spans of `provider`.
pub fn layer<S>(provider: &SdkTracerProvider) -> OpenTelemetryLayer<S, SdkTracer>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_opentelemetry::layer().with_tracer(provider.tracer("mcp-tools"))
}

/// Makes each request span a child of the client's span (once per process;
/// later calls change nothing).
pub fn join_client_traces() {
    set_remote_parent_hook(set_remote_parent);
}

/// The client's span as the remote parent of `span`.
fn set_remote_parent(span: &Span, client: &TraceContext) {
    let state = client
        .tracestate()
        .and_then(|s| s.parse::<TraceState>().ok())
        .unwrap_or_default();
    let parent = SpanContext::new(
        TraceId::from_bytes(client.trace_id().to_bytes()),
        SpanId::from_bytes(client.parent_span_id().to_bytes()),
        TraceFlags::new(client.flags()),
        true,
        state,
    );
    if let Err(error) = span.set_parent(Context::new().with_remote_span_context(parent)) {
        tracing::debug!(%error, "could not join the client's trace");
    }
}
