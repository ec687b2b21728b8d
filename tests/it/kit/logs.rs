//! What the service logs, captured in memory for the tests that read it.
//!
//! A process has one global `tracing` subscriber, and this test binary runs every test: under
//! nextest each test in a process of its own, under `cargo test` as threads of one process. So
//! the kit installs one global subscriber, once ([`OnceLock`]), the first time a test asks for
//! a [`Capture`], and each `Capture` is a buffer registered with it until dropped:
//!
//! - an event goes to the captures of the tokio runtime it is emitted on. Each `#[tokio::test]`
//!   builds its own runtime, so this is the test's own events, also from its worker threads,
//!   its blocking pool and every task it spawned (the service's loops, the simulators);
//! - an event emitted outside any runtime (SQLite's connection threads, plain threads) goes to
//!   every live capture: it cannot be told apart, and a test that looks for secrets in its
//!   logs must see all of its own.
//!
//! Under nextest a capture therefore holds exactly what its test logged; under `cargo test`,
//! the same plus the runtime-less events of tests running at the same time.
//!
//! The subscriber records everything at TRACE, `log` records included (the `tracing-log`
//! bridge), but formats an event only when a live capture wants it: with no capture alive its
//! cost is one atomic load per event.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use tracing::{Level, Metadata};
use tracing_subscriber::filter::{LevelFilter, dynamic_filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The log lines of one test, from its creation until it is dropped.
pub struct Capture(Arc<Sink>);

struct Sink {
    /// The runtime the capture was made on; `None` outside any: every event.
    runtime: Option<tokio::runtime::Id>,
    /// The most verbose level wanted.
    level: Level,
    /// Each event also as a JSON line (the `--log-json` format, with its spans).
    json: bool,
    buf: Mutex<Vec<u8>>,
}

/// The live captures, and how many there are (read first, without the lock).
static SINKS: Mutex<Vec<Arc<Sink>>> = Mutex::new(Vec::new());
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Every event at `level` and above, in the human format (`serve`'s default).
pub fn capture(level: Level) -> Capture {
    Capture::start(level, false)
}

/// Every event at TRACE, this service's and every dependency's, in both formats the service
/// writes: human and `--log-json` (with the current span and the span list).
pub fn capture_everything() -> Capture {
    Capture::start(Level::TRACE, true)
}

impl Capture {
    fn start(level: Level, json: bool) -> Capture {
        install();
        let sink = Arc::new(Sink {
            runtime: tokio::runtime::Handle::try_current().ok().map(|h| h.id()),
            level,
            json,
            buf: Mutex::new(Vec::new()),
        });
        let mut sinks = SINKS.lock().unwrap_or_else(PoisonError::into_inner);
        sinks.push(sink.clone());
        LIVE.store(sinks.len(), Ordering::SeqCst);
        Capture(sink)
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.buf.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }

    /// Everything captured so far, line by line.
    pub fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_string).collect()
    }

    /// On a failing test, prints the last log lines (when the guard is dropped at the end of
    /// the test).
    pub fn dump_on_panic(&self) -> DumpOnPanic<'_> {
        DumpOnPanic(self)
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let mut sinks = SINKS.lock().unwrap_or_else(PoisonError::into_inner);
        sinks.retain(|s| !Arc::ptr_eq(s, &self.0));
        LIVE.store(sinks.len(), Ordering::SeqCst);
    }
}

pub struct DumpOnPanic<'a>(&'a Capture);

impl Drop for DumpOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let lines = self.0.lines();
            let tail = &lines[lines.len().saturating_sub(60)..];
            eprintln!("--- the service's last log lines ---\n{}", tail.join("\n"));
        }
    }
}

/// The live captures that want an event of `meta` emitted on this thread, in this format.
fn wanted(meta: &Metadata<'_>, json: bool) -> Vec<Arc<Sink>> {
    if LIVE.load(Ordering::SeqCst) == 0 {
        return Vec::new();
    }
    let here = tokio::runtime::Handle::try_current().ok().map(|h| h.id());
    SINKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|s| meta.level() <= &s.level && (!json || s.json))
        .filter(|s| s.runtime.is_none() || here.is_none() || s.runtime == here)
        .cloned()
        .collect()
}

/// Installs the global subscriber, once per process.
fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let human = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_target(true)
            .with_writer(Route { json: false })
            .with_filter(
                dynamic_filter_fn(|m, _| !wanted(m, false).is_empty()).with_max_level_hint(LevelFilter::TRACE),
            );
        let json = tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(Route { json: true })
            .with_filter(dynamic_filter_fn(|m, _| !wanted(m, true).is_empty()).with_max_level_hint(LevelFilter::TRACE));
        tracing_subscriber::registry()
            .with(human)
            .with(json)
            .try_init()
            .expect("the test kit's subscriber is the only global one of this test binary");
    });
}

/// Hands each formatted event to the captures that want it.
struct Route {
    json: bool,
}

/// One event's text, for some captures.
struct Fanout(Vec<Arc<Sink>>);

impl<'a> MakeWriter<'a> for Route {
    type Writer = Fanout;

    fn make_writer(&'a self) -> Fanout {
        // Only called without metadata, which the fmt layers never do for events.
        Fanout(Vec::new())
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Fanout {
        Fanout(wanted(meta, self.json))
    }
}

impl Write for Fanout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for s in &self.0 {
            s.buf
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
