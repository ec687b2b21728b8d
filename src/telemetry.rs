//! Logs: human-readable by default, JSON on request. Secrets never reach a log line because
//! they live in `SecretString`s whose `Debug` is redacted, and the HTTP clients never log bodies.
//!
//! Traces: when `[telemetry] otlp_endpoint` is set, the spans (the HTTP requests, the worker's
//! rounds and sites, …) also go to an OpenTelemetry collector over OTLP/HTTP (protobuf), in
//! batches from the SDK's own thread; [`shutdown`] sends what is left before the process ends.

use mm_engine::config::{LogFormat, OtlpConfig};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::sync::Mutex;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The exporter's provider while traces are exported, for [`shutdown`] to flush.
static TRACES: Mutex<Option<SdkTracerProvider>> = Mutex::new(None);

/// Logs only.
pub fn init(format: LogFormat, level: &str) {
    init_with_traces(format, level, None);
}

/// Logs, and traces to `otlp` when it is set.
pub fn init_with_traces(format: LogFormat, level: &str, otlp: Option<&OtlpConfig>) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let logs = match format {
        LogFormat::Human => tracing_subscriber::fmt::layer().with_writer(std::io::stderr).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let (provider, failure) = match otlp.map(tracer_provider).transpose() {
        Ok(p) => (p, None),
        Err(e) => (None, Some(e)),
    };
    let traces = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("moodle-management")));
    let result = tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(traces)
        .try_init();
    if let Some(e) = failure {
        tracing::warn!(error = %e, "traces are not exported: check telemetry.otlp_endpoint");
    }
    match (result, provider) {
        (Ok(()), Some(p)) => {
            if let Some(endpoint) = otlp.map(OtlpConfig::traces_url) {
                tracing::info!(endpoint, "exporting traces over OTLP/HTTP");
            }
            *TRACES.lock().unwrap_or_else(|p| p.into_inner()) = Some(p);
        }
        // A second initialisation (tests) keeps the first subscriber.
        (Err(_), Some(p)) => {
            let _ = p.shutdown();
        }
        (_, None) => {}
    }
}

/// Sends the spans still waiting and stops the exporter (a no-op without one). Blocks: call it
/// outside the async runtime, as the process ends.
pub fn shutdown() {
    let provider = TRACES.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(p) = provider
        && let Err(e) = p.shutdown()
    {
        eprintln!("warning: the last traces could not be sent to the collector: {e}");
    }
}

/// A batch exporter posting protobuf to `{endpoint}/v1/traces`.
fn tracer_provider(otlp: &OtlpConfig) -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(otlp.traces_url())
        .build()?;
    let resource = Resource::builder().with_service_name(otlp.service_name.clone()).build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}
