//! `bench`: measures the engine on the machine it runs on, against the simulators on loopback.
//!
//! Scenarios (see `BENCHMARKS.md` for figures and `scripts/bench.sh` to reproduce them):
//! - `bulk`: N paid invoices already in FacturaScripts, Moodle answering each call after a
//!   fixed latency → time until Moodle matches the desired state, calls, peak RSS;
//! - `steady`: invoices paid one at a time through signed webhooks to the running service →
//!   latency from the webhook's 2xx to "enrolled in Moodle" (p50/p95/p99);
//! - `sweep`: courses × learners all already enrolled → the drift sweep (reads every mapped
//!   course's enrolments back from Moodle) and one reconcile pass, both changing nothing;
//! - `idle`: the real binary's `serve` idling with one site and one source → its RSS;
//! - `progress`: one progress sync when 5 % of the learners were active since the last one;
//! - `certificates`: one renderer rendering and sealing a certificate (p50/p99, size), then N
//!   learners completing at once → time until their N certificates are mailed to a real SMTP
//!   server on loopback;
//! - `dashboard`: the web admin's dashboard and enrolment list (first, filtered, deep page) over
//!   N enrolments seeded straight into the store → p50/p95 per call, on SQLite and, with
//!   `--postgres <url>`, PostgreSQL.
//!
//! `--naive` runs the same scenario again with batching off (Moodle batch size 1, worker batch
//! size 1, concurrency 1: one call per user and per enrolment, as the usual plugins do) and
//! prints the ratio naive/ours.

mod certificates;
mod dashboard;
mod progress;

pub use certificates::CertificateFigures;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use mm_demo::{COURSES, DemoWorld};
use mm_engine::Engine;
use mm_engine::clock::now;
use mm_engine::config::Config;
use mm_sim_facturascripts::{FsSim, FsSimOptions};
use mm_sim_fault::FaultConfig;
use mm_sim_moodle::{EnrolStatus, MoodleSim, NewSimUser, SimOptions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// The webhook secret of the `steady` scenario's source (a benchmark-only value).
const BENCH_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Courses of `bulk` and `steady`.
const BULK_COURSES: usize = 50;
/// Share of learners who already have a Moodle account.
const EXISTING_SHARE: f64 = 0.3;
/// Invoices of the naive `bulk` run unless `--naive-invoices` says otherwise.
const NAIVE_BULK_DEFAULT: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// N paid invoices in FacturaScripts → time until Moodle matches.
    Bulk,
    /// Invoices paid one at a time through signed webhooks → enrolment latency.
    Steady,
    /// Everything already enrolled → one reconcile pass that changes nothing.
    Sweep,
    /// RSS of `serve` idling with one site and one source.
    Idle,
    /// One progress sync when 5 % of learners entered their course since the last one (the
    /// other scenarios run with progress off, so their passes measure enrolment alone).
    Progress,
    /// One renderer rendering and sealing a certificate (p50/p99 ms, size), then N learners all
    /// completing at once → seconds until the N-th certificate mail is received (SMTP on
    /// loopback: needs python3-aiosmtpd).
    Certificates,
    /// The web admin's dashboard and enrolment list over N enrolments (default 100,000) →
    /// p50/p95 ms per call.
    Dashboard,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Bulk => "bulk",
            Scenario::Steady => "steady",
            Scenario::Sweep => "sweep",
            Scenario::Idle => "idle",
            Scenario::Progress => "progress",
            Scenario::Certificates => "certificates",
            Scenario::Dashboard => "dashboard",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum)]
    pub scenario: Scenario,
    /// Paid invoices (bulk: 10000, steady: 200, certificates: 1000 learners completing; sweep
    /// derives them from --courses × --learners).
    #[arg(long)]
    pub invoices: Option<usize>,
    /// Latency the Moodle simulator adds to every call.
    #[arg(long, default_value = "20ms")]
    pub latency: humantime::Duration,
    /// Also run with batching off (batch size 1, concurrency 1) and print the ratio naive/ours.
    #[arg(long)]
    pub naive: bool,
    /// bulk: invoices of the naive run (default: the smaller of --invoices and 300); its time
    /// and calls are then extrapolated per enrolment to the full size.
    #[arg(long)]
    pub naive_invoices: Option<usize>,
    /// steady: invoices paid per second, e.g. `20/s` or `20`.
    #[arg(long, default_value = "20/s", value_parser = parse_rate)]
    pub rate: f64,
    /// sweep: courses.
    #[arg(long, default_value_t = 500)]
    pub courses: usize,
    /// sweep: learners, each enrolled in every course.
    #[arg(long, default_value_t = 200)]
    pub learners: usize,
    /// idle: how long `serve` idles before its RSS is read.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// idle, bulk: the binary to run (default: this one).
    #[arg(long, hide = true)]
    pub binary: Option<PathBuf>,
    /// certificates: renders timed by one renderer on one thread.
    #[arg(long, default_value_t = 200)]
    pub renders: usize,
    /// dashboard: timed calls of each query.
    #[arg(long, default_value_t = 50)]
    pub runs: usize,
    /// dashboard: also measure on this PostgreSQL server (a fresh database is created there and
    /// dropped after), e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
    #[arg(long, env = "MM_BENCH_POSTGRES_URL")]
    pub postgres: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// bulk: time each phase (poll, recompute, every worker round) on standard error.
    #[arg(long, hide = true)]
    pub phases: bool,
    /// bulk: run the engine inside this process, next to the simulators, instead of in a child
    /// process of its own (then its peak RSS includes theirs; handy under `perf`).
    #[arg(long, hide = true)]
    pub in_process: bool,
    /// Internal: only run the engine against this configuration until Moodle matches, then
    /// print one JSON object (what the parent of a `bulk` run reads).
    #[arg(long, hide = true)]
    pub engine_config: Option<PathBuf>,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let n = s.trim().trim_end_matches("/s");
    match n.trim().parse::<f64>() {
        Ok(r) if r > 0.0 && r.is_finite() => Ok(r),
        _ => Err(format!("`{s}` is not a rate like 20/s")),
    }
}

/// What one run measured.
#[derive(Debug, Clone, Default)]
pub struct Measure {
    pub invoices: usize,
    /// Enrolments made (bulk, steady) or checked (sweep, idle).
    pub enrolments: usize,
    pub seconds: f64,
    pub moodle_calls: u64,
    pub facturascripts_calls: u64,
    pub peak_rss_mb: f64,
    /// Time spent seeding the simulators (and, for `sweep`, converging once), not measured.
    pub setup_seconds: f64,
    /// RSS of the process once the simulators were seeded, before the engine started.
    pub rss_before_engine_mb: f64,
    /// bulk with the engine in a child process: the peak RSS of this process, which holds the
    /// simulators (`peak_rss_mb` is then the engine's alone).
    pub simulators_peak_rss_mb: Option<f64>,
    /// steady: webhook 2xx → enrolled, in milliseconds, sorted.
    pub latencies_ms: Vec<f64>,
    /// idle: the child's resident set after idling.
    pub rss_mb: f64,
    /// sweep: the no-op reconcile pass (seconds, Moodle calls); `seconds` is the drift sweep.
    pub reconcile_pass: Option<(f64, u64)>,
    /// steady: webhook deliveries answered 5xx and sent again.
    pub retried_deliveries: usize,
    /// steady: what the first refused delivery was told.
    pub first_refusal: Option<String>,
    /// certificates: rendering and delivery figures.
    pub certificates: Option<CertificateFigures>,
}

impl Measure {
    fn calls_per_enrolment(&self) -> f64 {
        if self.enrolments == 0 {
            0.0
        } else {
            self.moodle_calls as f64 / self.enrolments as f64
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        percentile(&self.latencies_ms, p)
    }
}

/// The result of `bench`: our run, and the naive one when asked.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenario: Scenario,
    pub ours: Measure,
    /// The naive run as measured (possibly on fewer invoices).
    pub naive_measured: Option<Measure>,
    /// Naive seconds and calls at our size (extrapolated per enrolment when smaller).
    pub naive_seconds: Option<f64>,
    pub naive_moodle_calls: Option<u64>,
    pub notes: Vec<String>,
}

impl Report {
    pub fn speedup(&self) -> Option<f64> {
        self.naive_seconds
            .filter(|_| self.ours.seconds > 0.0)
            .map(|n| n / self.ours.seconds)
    }

    /// The `--json` object.
    pub fn to_json(&self) -> Value {
        let o = &self.ours;
        let mut v = json!({
            "scenario": self.scenario.name(),
            "invoices": o.invoices,
            "enrolments": o.enrolments,
            "seconds": round(o.seconds, 4),
            "moodle_calls": o.moodle_calls,
            "calls_per_enrolment": round(o.calls_per_enrolment(), 5),
            "peak_rss_mb": round(o.peak_rss_mb, 1),
        });
        if let Some(map) = v.as_object_mut() {
            if let (Some(ns), Some(nc)) = (self.naive_seconds, self.naive_moodle_calls) {
                map.insert("naive_seconds".into(), json!(round(ns, 4)));
                map.insert("naive_moodle_calls".into(), json!(nc));
                map.insert("speedup".into(), json!(self.speedup().map(|s| round(s, 2))));
            }
            if self.scenario == Scenario::Steady {
                map.insert("p50_ms".into(), json!(round(o.percentile(50.0), 2)));
                map.insert("p95_ms".into(), json!(round(o.percentile(95.0), 2)));
                map.insert("p99_ms".into(), json!(round(o.percentile(99.0), 2)));
                map.insert("retried_deliveries".into(), json!(o.retried_deliveries));
            }
            if self.scenario == Scenario::Idle {
                map.insert("rss_mb".into(), json!(round(o.rss_mb, 1)));
            }
            if let Some(sims) = o.simulators_peak_rss_mb {
                map.insert("peak_rss_simulators_mb".into(), json!(round(sims, 1)));
            }
            if let Some((secs, calls)) = o.reconcile_pass {
                map.insert("reconcile_pass_seconds".into(), json!(round(secs, 4)));
                map.insert("reconcile_pass_moodle_calls".into(), json!(calls));
            }
            if let Some(c) = &o.certificates {
                map.insert("renders".into(), json!(c.renders));
                map.insert("render_p50_ms".into(), json!(round(c.render_p50_ms, 2)));
                map.insert("render_p99_ms".into(), json!(round(c.render_p99_ms, 2)));
                map.insert("sealed_bytes".into(), json!(c.sealed_bytes));
                map.insert("verify_url_chars".into(), json!(c.verify_url_chars));
                map.insert("certificates".into(), json!(c.certificates));
                map.insert("mails_received".into(), json!(c.mails));
                map.insert(
                    "certificates_per_second".into(),
                    json!(round(c.per_second(o.seconds), 2)),
                );
                map.insert("sync_seconds".into(), json!(round(c.sync_seconds, 4)));
                map.insert("issue_seconds".into(), json!(round(c.issue_seconds, 4)));
                map.insert("mail_seconds".into(), json!(round(c.mail_seconds, 4)));
            }
        }
        v
    }

    /// The human table.
    pub fn to_table(&self) -> String {
        let o = &self.ours;
        let n = self.naive_measured.as_ref();
        let mut rows: Vec<(String, String, String)> = Vec::new();
        let mut row = |what: &str, ours: String, naive: Option<String>| {
            rows.push((what.to_string(), ours, naive.unwrap_or_default()));
        };
        row("invoices", o.invoices.to_string(), n.map(|n| n.invoices.to_string()));
        let enrol_label = match self.scenario {
            Scenario::Sweep => "enrolments checked (all already right)",
            Scenario::Idle => "enrolments (demo data)",
            Scenario::Progress => "active enrolments (5 % entered since the last sync)",
            Scenario::Certificates => "enrolments completed at once",
            _ => "enrolments made",
        };
        row(
            enrol_label,
            o.enrolments.to_string(),
            n.map(|n| n.enrolments.to_string()),
        );
        let secs_label = match self.scenario {
            Scenario::Bulk => "seconds until Moodle matches",
            Scenario::Steady => "seconds, first webhook → last enrolled",
            Scenario::Sweep => "seconds, drift sweep (reads Moodle back)",
            Scenario::Idle => "seconds idle",
            Scenario::Progress => "seconds, one progress sync",
            Scenario::Certificates => "seconds, progress sync → last mail received",
            Scenario::Dashboard => "seconds",
        };
        row(
            secs_label,
            format!("{:.3}", o.seconds),
            n.map(|n| format!("{:.3}", n.seconds)),
        );
        row(
            "Moodle calls",
            o.moodle_calls.to_string(),
            n.map(|n| n.moodle_calls.to_string()),
        );
        row(
            "Moodle calls per enrolment",
            format!("{:.4}", o.calls_per_enrolment()),
            n.map(|n| format!("{:.4}", n.calls_per_enrolment())),
        );
        row(
            "FacturaScripts calls",
            o.facturascripts_calls.to_string(),
            n.map(|n| n.facturascripts_calls.to_string()),
        );
        if self.scenario == Scenario::Steady {
            for p in [50.0, 95.0, 99.0] {
                row(
                    &format!("p{p} ms, 2xx → enrolled"),
                    format!("{:.1}", o.percentile(p)),
                    n.map(|n| format!("{:.1}", n.percentile(p))),
                );
            }
        }
        if let Some((secs, calls)) = o.reconcile_pass {
            row("seconds, no-op reconcile pass", format!("{secs:.3}"), None);
            row("Moodle calls, no-op reconcile pass", calls.to_string(), None);
        }
        if let Some(c) = &o.certificates {
            row("renders timed (one renderer, one thread)", c.renders.to_string(), None);
            row(
                "p50 ms per certificate, render + seal",
                format!("{:.1}", c.render_p50_ms),
                None,
            );
            row(
                "p99 ms per certificate, render + seal",
                format!("{:.1}", c.render_p99_ms),
                None,
            );
            row("sealed PDF bytes", c.sealed_bytes.to_string(), None);
            row("verification URL characters", c.verify_url_chars.to_string(), None);
            row("certificates issued", c.certificates.to_string(), None);
            row("mails received", c.mails.to_string(), None);
            row(
                "certificates per second, sync → mail",
                format!("{:.1}", c.per_second(o.seconds)),
                None,
            );
            row("seconds, progress sync", format!("{:.3}", c.sync_seconds), None);
            row(
                "seconds, issue + render + seal (reconcile_certificates)",
                format!("{:.3}", c.issue_seconds),
                None,
            );
            row("seconds, mail (drain_outbox)", format!("{:.3}", c.mail_seconds), None);
        }
        if self.scenario == Scenario::Steady {
            row(
                "deliveries answered 5xx, sent again",
                o.retried_deliveries.to_string(),
                n.map(|n| n.retried_deliveries.to_string()),
            );
        }
        if self.scenario == Scenario::Idle {
            row("RSS of `serve` (VmRSS) MB", format!("{:.1}", o.rss_mb), None);
            row("peak RSS of `serve` (VmHWM) MB", format!("{:.1}", o.peak_rss_mb), None);
        } else if let Some(sims) = o.simulators_peak_rss_mb {
            row(
                "peak RSS MB, the engine (its own process)",
                format!("{:.1}", o.peak_rss_mb),
                n.map(|n| format!("{:.1}", n.peak_rss_mb)),
            );
            row(
                "peak RSS MB, both simulators (this process)",
                format!("{sims:.1}"),
                n.and_then(|n| n.simulators_peak_rss_mb).map(|s| format!("{s:.1}")),
            );
            row(
                "setup seconds (not measured)",
                format!("{:.2}", o.setup_seconds),
                n.map(|n| format!("{:.2}", n.setup_seconds)),
            );
        } else {
            row(
                "peak RSS MB (engine + both simulators)",
                format!("{:.1}", o.peak_rss_mb),
                n.map(|n| format!("{:.1}", n.peak_rss_mb)),
            );
            row(
                "RSS MB once simulators seeded",
                format!("{:.1}", o.rss_before_engine_mb),
                None,
            );
            row(
                "setup seconds (not measured)",
                format!("{:.2}", o.setup_seconds),
                n.map(|n| format!("{:.2}", n.setup_seconds)),
            );
        }
        let mut out = format!("bench {}\n", self.scenario.name());
        let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(4);
        let show_naive = n.is_some();
        if show_naive {
            out.push_str(&format!("{:w0$}  {:>w1$}  {}\n", "", "ours", "naive (measured)"));
        }
        for (what, ours, naive) in &rows {
            let pad = w0 - what.chars().count();
            if show_naive {
                out.push_str(&format!("{what}{}  {ours:>w1$}  {naive}\n", " ".repeat(pad)));
            } else {
                out.push_str(&format!("{what}{}  {ours:>w1$}\n", " ".repeat(pad)));
            }
        }
        if let (Some(ns), Some(nc), Some(s)) = (self.naive_seconds, self.naive_moodle_calls, self.speedup()) {
            out.push_str(&format!(
                "naive at this size: {ns:.1} s, {nc} Moodle calls → naive/ours = {s:.1}× time, {:.1}× calls\n",
                if o.moodle_calls > 0 {
                    nc as f64 / o.moodle_calls as f64
                } else {
                    0.0
                }
            ));
        }
        for m in std::iter::once(o).chain(n) {
            if let Some(r) = &m.first_refusal {
                out.push_str(&format!("note: a webhook delivery was refused with: {r}\n"));
            }
        }
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        out
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Nearest-rank percentile of sorted values (0 when empty).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `moodle-management bench …`.
pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.engine_config {
        println!("{}", engine_only(path, args.phases).await?);
        return Ok(ExitCode::SUCCESS);
    }
    if args.scenario == Scenario::Dashboard {
        let n = args.invoices.unwrap_or(100_000);
        dashboard::dashboard(n, args.runs, args.postgres.as_deref()).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let report = measure(&args).await?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_table());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the scenario (and its naive twin) and returns what was measured.
pub async fn measure(args: &BenchArgs) -> anyhow::Result<Report> {
    let latency: Duration = args.latency.into();
    let mut notes = Vec::new();
    let (ours, naive_measured) = match args.scenario {
        Scenario::Bulk => {
            let n = args.invoices.unwrap_or(10_000);
            let engine = if args.in_process {
                EngineProcess::InProcess
            } else {
                EngineProcess::Child(match &args.binary {
                    Some(b) => b.clone(),
                    None => std::env::current_exe().context("finding this program's path")?,
                })
            };
            let ours = bulk(n, latency, false, args.phases, &engine).await?;
            let naive = if args.naive {
                let nn = args.naive_invoices.unwrap_or(n.min(NAIVE_BULK_DEFAULT)).max(1);
                Some(bulk(nn, latency, true, false, &engine).await?)
            } else {
                None
            };
            (ours, naive)
        }
        Scenario::Steady => {
            let n = args.invoices.unwrap_or(200);
            let ours = steady(n, args.rate, latency, false).await?;
            let naive = if args.naive {
                Some(steady(n, args.rate, latency, true).await?)
            } else {
                None
            };
            (ours, naive)
        }
        Scenario::Sweep => {
            notes.push(
                "every enrolment is already right: the drift sweep reads each mapped course's enrolments back from \
                 Moodle and must find nothing to repair; the no-op reconcile pass (poll, desired state, plan, worker) \
                 is timed too"
                    .into(),
            );
            if args.invoices.is_some() {
                notes.push("--invoices is ignored by sweep: use --courses and --learners".into());
            }
            let ours = sweep(args.courses, args.learners, latency, false).await?;
            let naive = if args.naive {
                Some(sweep(args.courses, args.learners, latency, true).await?)
            } else {
                None
            };
            (ours, naive)
        }
        Scenario::Progress => {
            notes.push(
                "naive = one core_completion_get_course_completion_status per active enrolment; \
                 progress takes --courses and --learners (per course)"
                    .into(),
            );
            let (ours, naive) = progress::progress(args.courses, args.learners, latency).await?;
            (ours, Some(naive))
        }
        Scenario::Certificates => {
            if args.naive {
                notes.push("--naive does not apply to certificates".into());
            }
            let n = args.invoices.unwrap_or(1000);
            (certificates::certificates(n, args.renders, latency).await?, None)
        }
        Scenario::Dashboard => bail!("dashboard prints its own timings: run it as `bench dashboard`"),
        Scenario::Idle => {
            if args.naive {
                notes.push("--naive does not apply to idle".into());
            }
            let exe = match &args.binary {
                Some(b) => b.clone(),
                None => std::env::current_exe().context("finding this program's path")?,
            };
            (idle(&exe, Duration::from_secs(args.seconds), latency).await?, None)
        }
    };
    let (naive_seconds, naive_moodle_calls) = match &naive_measured {
        Some(n) if n.enrolments > 0 && n.enrolments != ours.enrolments && args.scenario == Scenario::Bulk => {
            let f = ours.enrolments as f64 / n.enrolments as f64;
            notes.push(format!(
                "naive measured on {} invoices ({} enrolments) and extrapolated per enrolment to {} enrolments",
                n.invoices, n.enrolments, ours.enrolments
            ));
            (Some(n.seconds * f), Some((n.moodle_calls as f64 * f).round() as u64))
        }
        Some(n) => (Some(n.seconds), Some(n.moodle_calls)),
        None => (None, None),
    };
    Ok(Report {
        scenario: args.scenario,
        ours,
        naive_measured,
        naive_seconds,
        naive_moodle_calls,
        notes,
    })
}

// ---- memory -----------------------------------------------------------------------------------

/// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`) in MB; `None` off Linux.
pub fn proc_status_mb(pid: Option<u32>, field: &str) -> Option<f64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".to_string(),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(&format!("{field}:")))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

// ---- the world --------------------------------------------------------------------------------

/// Both simulators on loopback, seeded, and what the engine is expected to do.
struct World {
    moodle: MoodleSim,
    moodle_url: String,
    fs: FsSim,
    fs_url: String,
    /// (shortname, product) per course.
    courses: Vec<(String, String)>,
    /// Keys that must end active: (learner email, course shortname).
    expected: BTreeSet<(String, String)>,
    invoices: usize,
}

impl World {
    async fn start(courses: usize, latency: Duration) -> anyhow::Result<World> {
        let moodle = MoodleSim::new(SimOptions {
            faults: FaultConfig::with_latency(latency),
            ..SimOptions::default()
        });
        moodle.enable_progress_functions();
        let fs = FsSim::new(FsSimOptions::default());
        let courses: Vec<(String, String)> = (1..=courses)
            .map(|i| (format!("BC{i:03}"), format!("BP-{i:03}")))
            .collect();
        for (short, product) in &courses {
            moodle.add_course(short, &format!("Bench course {short}"), &format!("bench-{short}"));
            fs.add_product(product, 100.0);
        }
        let (addr, _task) = moodle
            .clone()
            .spawn("127.0.0.1:0".parse()?)
            .await
            .context("starting the Moodle simulator")?;
        let fs_url = fs.spawn().await.context("starting the FacturaScripts simulator")?;
        Ok(World {
            moodle,
            moodle_url: format!("http://{addr}"),
            fs,
            fs_url,
            courses,
            expected: BTreeSet::new(),
            invoices: 0,
        })
    }

    fn add_existing_user(&self, i: usize, email: &str) {
        self.moodle.add_user(NewSimUser {
            username: format!("existing{i}"),
            firstname: "Existing".into(),
            lastname: format!("Learner {i}"),
            email: email.to_string(),
            ..NewSimUser::default()
        });
    }

    /// One paid invoice in FacturaScripts for `codcliente`, one line per course index.
    fn paid_invoice(&mut self, codcliente: &str, email: &str, course_indexes: &[usize]) -> anyhow::Result<()> {
        let lines: Vec<(&str, f64, f64)> = course_indexes
            .iter()
            .map(|&c| (self.courses[c].1.as_str(), 1.0, 100.0))
            .collect();
        let id = self
            .fs
            .create_invoice(codcliente, &lines)
            .map_err(|e| anyhow::anyhow!("the FacturaScripts simulator refused an invoice: {e:?}"))?;
        self.fs
            .pay(id, true)
            .map_err(|e| anyhow::anyhow!("the FacturaScripts simulator refused a payment: {e:?}"))?;
        for &c in course_indexes {
            self.expected.insert((email.to_string(), self.courses[c].0.clone()));
        }
        self.invoices += 1;
        Ok(())
    }

    /// The engine's configuration against this world.
    fn config(
        &self,
        database_url: &str,
        listen: SocketAddr,
        source: SourceKind,
        naive: bool,
    ) -> anyhow::Result<Config> {
        let toml = self.config_toml(database_url, listen, source, naive);
        Ok(Config::from_toml(&toml, Path::new("bench.toml"), |_| None)?)
    }

    /// The text of [`World::config`], for an engine in another process.
    fn config_toml(&self, database_url: &str, listen: SocketAddr, source: SourceKind, naive: bool) -> String {
        engine_toml(
            database_url,
            listen,
            &self.moodle_url,
            &self.moodle.token(),
            &source_block(source, &self.fs_url, self.fs.token()),
            &self.courses,
            naive,
        )
    }

    /// Moodle (the simulator) against the desired state the engine computed, both ways.
    async fn check_converged(&self, app: &Engine, config: &Config) -> anyhow::Result<()> {
        let demo = DemoWorld {
            moodle: self.moodle.clone(),
            moodle_url: self.moodle_url.clone(),
            fs: self.fs.clone(),
            fs_url: self.fs_url.clone(),
            config: config.clone(),
            config_text: String::new(),
            customers: Vec::new(),
            fs_faults: Default::default(),
            secrets_dir: Arc::new(tempfile::tempdir()?),
        };
        let diffs = demo.differences(app).await?;
        if let Some(first) = diffs.first() {
            bail!(
                "Moodle does not match the desired state: {} differences, e.g. {first}",
                diffs.len()
            );
        }
        let active: BTreeSet<(String, String)> = self
            .moodle
            .enrolments()
            .into_iter()
            .filter(|e| e.status == EnrolStatus::Active)
            .map(|e| (e.email.to_lowercase(), e.course_shortname))
            .collect();
        if active != self.expected {
            let missing = self.expected.difference(&active).count();
            let extra = active.difference(&self.expected).count();
            bail!("Moodle's active enrolments differ from the invoices: {missing} missing, {extra} unexpected");
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum SourceKind {
    FacturaScripts { poll_interval: &'static str },
    Webhook,
}

fn source_block(kind: SourceKind, fs_url: &str, fs_token: &str) -> String {
    match kind {
        SourceKind::FacturaScripts { poll_interval } => format!(
            "[[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"{fs_url}\"\ntoken = \"{fs_token}\"\n\
             poll_interval = \"{poll_interval}\"\nallow_private_network = true\n"
        ),
        SourceKind::Webhook => {
            format!("[[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = \"{BENCH_SECRET}\"\n")
        }
    }
}

fn engine_toml(
    database_url: &str,
    listen: SocketAddr,
    moodle_url: &str,
    moodle_token: &str,
    source: &str,
    courses: &[(String, String)],
    naive: bool,
) -> String {
    let (worker_batch, moodle_batch) = if naive {
        ("batch_size = 1\n", "batch_size = 1\nconcurrency = 1\n")
    } else {
        ("", "")
    };
    let mut toml = format!(
        "[server]\nlisten = \"{listen}\"\n[database]\nurl = \"{database_url}\"\n\
         [worker]\n{worker_batch}retry_base = \"1s\"\nretry_max = \"5s\"\n\
         [progress]\ninterval = \"0s\"\n\
         [[moodle]]\nname = \"main\"\nurl = \"{moodle_url}\"\ntoken = \"{moodle_token}\"\nallow_private_network = true\n{moodle_batch}\
         {source}"
    );
    for (course, product) in courses {
        toml.push_str(&format!(
            "[[mapping]]\nproduct = \"{product}\"\nmoodle = \"main\"\ncourse = \"{course}\"\nrole = \"student\"\nduration = \"365d\"\n"
        ));
    }
    toml
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("bench.sqlite").display())
}

fn free_addr() -> anyhow::Result<SocketAddr> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?)
}

/// Reconcile passes until converged (at most `max_passes`); returns the changes made.
async fn converge(app: &Engine, max_passes: usize) -> anyhow::Result<usize> {
    let mut applied = 0;
    for _ in 0..max_passes {
        let report = app.reconcile_once().await?;
        applied += report.worker.applied;
        if report.converged() {
            return Ok(applied);
        }
        if let Some(f) = report.failing.first() {
            bail!(
                "the engine did not converge: {} failing keys, e.g. {f}",
                report.failing.len()
            );
        }
    }
    bail!("the engine did not converge in {max_passes} passes")
}

// ---- bulk -------------------------------------------------------------------------------------

async fn bulk(
    invoices: usize,
    latency: Duration,
    naive: bool,
    phases: bool,
    engine: &EngineProcess,
) -> anyhow::Result<Measure> {
    let setup = Instant::now();
    let mut world = World::start(BULK_COURSES, latency).await?;
    let mut rng = StdRng::seed_from_u64(42);
    let learners = (invoices * 7 / 10).max(1);
    let mut customers: HashMap<usize, (String, String)> = HashMap::new();
    for _ in 0..invoices {
        let l = rng.gen_range(0..learners);
        let (cod, email) = match customers.get(&l) {
            Some(c) => c.clone(),
            None => {
                let email = format!("learner{l:06}@bench.example");
                if rng.gen_bool(EXISTING_SHARE) {
                    world.add_existing_user(l, &email);
                }
                let cod = world.fs.add_customer(&format!("Learner {l}"), &email);
                customers.insert(l, (cod.clone(), email.clone()));
                (cod, email)
            }
        };
        let nlines = rng.gen_range(1..=3usize);
        let mut lines: Vec<usize> = Vec::with_capacity(nlines);
        while lines.len() < nlines {
            let c = rng.gen_range(0..world.courses.len());
            if !lines.contains(&c) {
                lines.push(c);
            }
        }
        world.paid_invoice(&cod, &email, &lines)?;
    }
    let setup_seconds = setup.elapsed().as_secs_f64();
    let rss_before_engine_mb = proc_status_mb(None, "VmRSS").unwrap_or(0.0);

    let dir = tempfile::tempdir()?;
    let toml = world.config_toml(
        &sqlite_url(dir.path()),
        "127.0.0.1:0".parse()?,
        SourceKind::FacturaScripts { poll_interval: "30s" },
        naive,
    );
    let config = Config::from_toml(&toml, Path::new("bench.toml"), |_| None)?;
    let calls_before = world.moodle.total_requests();
    let (run, simulators_peak_rss_mb) = match engine {
        EngineProcess::InProcess => {
            let app = Engine::build(config.clone()).await?;
            let mut run = run_engine(&app, phases).await?;
            run.peak_rss_mb = proc_status_mb(None, "VmHWM").unwrap_or(0.0);
            app.store().close().await;
            (run, None)
        }
        EngineProcess::Child(exe) => {
            let path = dir.path().join("bench-engine.toml");
            std::fs::write(&path, &toml)?;
            let run = engine_in_child(exe, &path, phases).await?;
            (run, Some(proc_status_mb(None, "VmHWM").unwrap_or(0.0)))
        }
    };
    let moodle_calls = world.moodle.total_requests() - calls_before;
    let app = Engine::build(config.clone()).await?;
    world.check_converged(&app, &config).await?;
    app.store().close().await;
    Ok(Measure {
        invoices: world.invoices,
        enrolments: run.applied,
        seconds: run.seconds,
        moodle_calls,
        facturascripts_calls: run.facturascripts_calls,
        peak_rss_mb: run.peak_rss_mb,
        setup_seconds,
        rss_before_engine_mb,
        simulators_peak_rss_mb,
        ..Measure::default()
    })
}

/// Where `bulk` runs the engine.
enum EngineProcess {
    /// In this process, next to the simulators.
    InProcess,
    /// In a child process of this binary (`bench bulk --engine-config FILE`), so its memory is
    /// measured alone.
    Child(PathBuf),
}

/// What the engine did in a `bulk` run, as the child reports it.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct EngineRun {
    applied: usize,
    seconds: f64,
    facturascripts_calls: u64,
    peak_rss_mb: f64,
}

/// Reconcile passes (or timed phases) until Moodle matches.
async fn run_engine(app: &Engine, phases: bool) -> anyhow::Result<EngineRun> {
    let started = Instant::now();
    let applied = if phases {
        timed_phases(app).await?
    } else {
        converge(app, 5).await?
    };
    Ok(EngineRun {
        applied,
        seconds: started.elapsed().as_secs_f64(),
        facturascripts_calls: app.sources().iter().map(|s| s.request_count()).sum(),
        peak_rss_mb: 0.0,
    })
}

/// `bench bulk --engine-config FILE`: the engine alone, against simulators another process runs.
async fn engine_only(path: &Path, phases: bool) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let config = Config::from_toml(&text, path, |_| None)?;
    let app = Engine::build(config).await?;
    let mut run = run_engine(&app, phases).await?;
    app.store().close().await;
    run.peak_rss_mb = proc_status_mb(None, "VmHWM").unwrap_or(0.0);
    Ok(serde_json::to_value(run)?)
}

/// Runs `exe bench bulk --engine-config config` while this process keeps serving the
/// simulators; its standard error (phases, warnings) passes through.
async fn engine_in_child(exe: &Path, config: &Path, phases: bool) -> anyhow::Result<EngineRun> {
    let mut cmd = tokio::process::Command::new(exe);
    cmd.arg("bench")
        .arg("bulk")
        .arg("--engine-config")
        .arg(config)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    if phases {
        cmd.arg("--phases");
    }
    // Not `output()`, which would capture standard error too.
    let out = cmd
        .spawn()
        .with_context(|| format!("starting {} for the engine", exe.display()))?
        .wait_with_output()
        .await?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("the engine process failed ({}): {stdout}", out.status);
    }
    // The last line that parses: a wrapper (`--binary` running it under a profiler) may print too.
    stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .with_context(|| format!("the engine process printed no result: {stdout}"))
}

/// One pass, phase by phase, with timings on standard error (profiling aid for `bulk`).
async fn timed_phases(app: &Engine) -> anyhow::Result<usize> {
    let t = Instant::now();
    app.poll_all().await;
    let rss = || {
        format!(
            "RSS {:.0} MB (peak so far {:.0} MB)",
            proc_status_mb(None, "VmRSS").unwrap_or(0.0),
            proc_status_mb(None, "VmHWM").unwrap_or(0.0)
        )
    };
    eprintln!("phase poll: {:.3}s, {}", t.elapsed().as_secs_f64(), rss());
    let t = Instant::now();
    let r = app.recompute().await?;
    eprintln!(
        "phase recompute: {:.3}s ({} invoices, {} entitlements, {} planned), {}",
        t.elapsed().as_secs_f64(),
        r.invoices,
        r.entitlements,
        r.planned,
        rss()
    );
    let worker = app.worker();
    let (mut applied, mut rounds, mut round_secs) = (0, 0, Vec::new());
    let t_all = Instant::now();
    loop {
        let (t, calls) = (Instant::now(), app.sites().request_count());
        let r = worker.run_round(now()).await?;
        if r.claimed == 0 {
            break;
        }
        rounds += 1;
        applied += r.applied;
        let secs = t.elapsed().as_secs_f64();
        round_secs.push(secs);
        if rounds <= 3 || rounds % 10 == 0 {
            eprintln!(
                "phase worker round {rounds}: {:.3}s, {} claimed, {} Moodle calls",
                secs,
                r.claimed,
                app.sites().request_count() - calls
            );
        }
    }
    eprintln!(
        "phase worker: {:.3}s in {rounds} rounds (mean {:.3}s), {}",
        t_all.elapsed().as_secs_f64(),
        round_secs.iter().sum::<f64>() / round_secs.len().max(1) as f64,
        rss()
    );
    let t = Instant::now();
    let r = app.recompute().await?;
    eprintln!(
        "phase recompute (converged, no-op): {:.3}s, {} planned, {}",
        t.elapsed().as_secs_f64(),
        r.planned,
        rss()
    );
    Ok(applied)
}

// ---- steady -----------------------------------------------------------------------------------

async fn steady(invoices: usize, rate: f64, latency: Duration, naive: bool) -> anyhow::Result<Measure> {
    let setup = Instant::now();
    let mut world = World::start(BULK_COURSES, latency).await?;
    let mut rng = StdRng::seed_from_u64(7);
    // One invoice per learner, one course each; 30 % of the learners already have an account.
    let plan: Vec<(String, usize)> = (0..invoices)
        .map(|i| {
            let email = format!("steady{i:06}@bench.example");
            if rng.gen_bool(EXISTING_SHARE) {
                world.add_existing_user(i, &email);
            }
            (email, rng.gen_range(0..world.courses.len()))
        })
        .collect();
    let rss_before_engine_mb = proc_status_mb(None, "VmRSS").unwrap_or(0.0);
    let dir = tempfile::tempdir()?;
    let listen = free_addr()?;
    let config = world.config(&sqlite_url(dir.path()), listen, SourceKind::Webhook, naive)?;
    let app = Engine::build(config.clone()).await?;
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(mm_web::serve(app.clone(), shutdown.clone()));
    let http = reqwest::Client::new();
    wait_healthy(&http, listen, Duration::from_secs(30)).await?;
    let setup_seconds = setup.elapsed().as_secs_f64();

    let secret = mm_webhook::Secret::parse(BENCH_SECRET).context("the bench secret")?;
    let url = format!("http://{listen}/webhooks/shop");
    let pending: Arc<Mutex<HashMap<(String, String), Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
    let sending_done = CancellationToken::new();
    let monitor = tokio::spawn(watch_enrolments(
        world.moodle.clone(),
        pending.clone(),
        latencies.clone(),
        sending_done.clone(),
    ));

    let calls_before = world.moodle.total_requests();
    let (mut retried, mut first_refusal) = (0usize, None::<String>);
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    for (i, (email, course)) in plan.iter().enumerate() {
        ticker.tick().await;
        let (short, product) = &world.courses[*course];
        let body = serde_json::to_vec(&json!({"type": "invoice.upserted", "data": {
            "id": format!("S{i}"), "number": format!("BENCH-{i}"), "paid": true, "currency": "EUR",
            "customer": {"id": format!("C{i}"), "name": format!("Steady Learner {i}"), "email": email},
            "lines": [{"id": "1", "product": product, "quantity": 1, "amount": 100.0}],
            "credit_note_for": null}}))?;
        let id = format!("msg_bench_{i}");
        // A 5xx is retried after 20 ms, as a Standard Webhooks sender would (sooner than most);
        // the latency counts from the 2xx.
        let mut attempt = 0;
        let accepted = loop {
            attempt += 1;
            let ts = now().0;
            let signature = mm_webhook::sign(&secret, &id, ts, &body);
            let res = http
                .post(&url)
                .header("content-type", "application/json")
                .header("webhook-id", &id)
                .header("webhook-timestamp", ts.to_string())
                .header("webhook-signature", signature)
                .body(body.clone())
                .send()
                .await
                .context("posting a webhook")?;
            let at = Instant::now();
            let status = res.status();
            if status.is_success() {
                break at;
            }
            let text = res.text().await.unwrap_or_default();
            if !status.is_server_error() || attempt >= 10 {
                shutdown.cancel();
                bail!("the webhook was refused: {status} {text}");
            }
            retried += 1;
            if first_refusal.is_none() {
                first_refusal = Some(format!("{status} {text}"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        if let Ok(mut p) = pending.lock() {
            p.insert((email.clone(), short.clone()), accepted);
        }
        world.expected.insert((email.clone(), short.clone()));
        world.invoices += 1;
    }
    sending_done.cancel();
    // Past the service's 60 s periodic recompute, which picks up whatever a failed one missed.
    let deadline = Duration::from_secs(120) + Duration::from_secs_f64(invoices as f64 / rate);
    let watched = tokio::time::timeout(deadline, monitor).await;
    let seconds = started.elapsed().as_secs_f64();
    let moodle_calls = world.moodle.total_requests() - calls_before;
    let peak_rss_mb = proc_status_mb(None, "VmHWM").unwrap_or(0.0);
    let checked = match watched {
        Ok(Ok(())) => world.check_converged(&app, &config).await,
        Ok(Err(e)) => Err(anyhow::anyhow!("the enrolment watcher failed: {e}")),
        Err(_) => {
            let left = pending.lock().map(|p| p.len()).unwrap_or(0);
            let mut done = latencies.lock().map(|l| l.clone()).unwrap_or_default();
            done.sort_by(f64::total_cmp);
            Err(anyhow::anyhow!(
                "{left} invoices were not enrolled within {deadline:?} ({retried} deliveries answered 5xx and sent \
                 again; the {} enrolled: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms)",
                done.len(),
                percentile(&done, 50.0),
                percentile(&done, 95.0),
                percentile(&done, 99.0)
            ))
        }
    };
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(30), server).await;
    checked?;
    let mut latencies_ms = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    latencies_ms.sort_by(f64::total_cmp);
    Ok(Measure {
        invoices: world.invoices,
        enrolments: latencies_ms.len(),
        seconds,
        moodle_calls,
        facturascripts_calls: 0,
        peak_rss_mb,
        setup_seconds,
        rss_before_engine_mb,
        latencies_ms,
        rss_mb: 0.0,
        reconcile_pass: None,
        retried_deliveries: retried,
        first_refusal,
        ..Measure::default()
    })
}

/// Polls the simulator every 2 ms; records 2xx → active enrolment per pending key. Returns once
/// sending is done and nothing is pending.
async fn watch_enrolments(
    moodle: MoodleSim,
    pending: Arc<Mutex<HashMap<(String, String), Instant>>>,
    latencies: Arc<Mutex<Vec<f64>>>,
    sending_done: CancellationToken,
) {
    loop {
        let waiting = pending.lock().map(|p| !p.is_empty()).unwrap_or(false);
        if waiting {
            let seen = Instant::now();
            let active: HashSet<(String, String)> = moodle
                .enrolments()
                .into_iter()
                .filter(|e| e.status == EnrolStatus::Active)
                .map(|e| (e.email.to_lowercase(), e.course_shortname))
                .collect();
            if let (Ok(mut p), Ok(mut l)) = (pending.lock(), latencies.lock()) {
                p.retain(|key, accepted| {
                    if active.contains(key) {
                        l.push(seen.saturating_duration_since(*accepted).as_secs_f64() * 1000.0);
                        false
                    } else {
                        true
                    }
                });
            }
        } else if sending_done.is_cancelled() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn wait_healthy(http: &reqwest::Client, addr: SocketAddr, within: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    let url = format!("http://{addr}/healthz");
    loop {
        if let Ok(r) = http.get(&url).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if started.elapsed() > within {
            bail!("the service did not answer {url} within {within:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---- sweep ------------------------------------------------------------------------------------

async fn sweep(courses: usize, learners: usize, latency: Duration, naive: bool) -> anyhow::Result<Measure> {
    const LINES_PER_INVOICE: usize = 10;
    let setup = Instant::now();
    // Seeded and converged without latency; the measured pass runs with it.
    let mut world = World::start(courses.max(1), Duration::ZERO).await?;
    for l in 0..learners {
        let email = format!("sweep{l:06}@bench.example");
        let cod = world.fs.add_customer(&format!("Sweep Learner {l}"), &email);
        let all: Vec<usize> = (0..world.courses.len()).collect();
        for chunk in all.chunks(LINES_PER_INVOICE) {
            world.paid_invoice(&cod, &email, chunk)?;
        }
    }
    let dir = tempfile::tempdir()?;
    let config = world.config(
        &sqlite_url(dir.path()),
        "127.0.0.1:0".parse()?,
        SourceKind::FacturaScripts { poll_interval: "30s" },
        naive,
    )?;
    let app = Engine::build(config.clone()).await?;
    converge(&app, 5).await?;
    world.check_converged(&app, &config).await?;
    let setup_seconds = setup.elapsed().as_secs_f64();
    let rss_before_engine_mb = proc_status_mb(None, "VmRSS").unwrap_or(0.0);

    world.moodle.faults().set(FaultConfig::with_latency(latency));
    let moodle_before = world.moodle.total_requests();
    let fs_before: u64 = app.sources().iter().map(|s| s.request_count()).sum();
    let started = Instant::now();
    let report = app.reconcile_once().await?;
    let seconds = started.elapsed().as_secs_f64();
    let moodle_calls = world.moodle.total_requests() - moodle_before;
    let fs_calls = app.sources().iter().map(|s| s.request_count()).sum::<u64>() - fs_before;
    let peak_rss_mb = proc_status_mb(None, "VmHWM").unwrap_or(0.0);
    if !report.converged() || report.worker.applied != 0 {
        bail!(
            "the pass over a converged site changed {} enrolments (converged: {})",
            report.worker.applied,
            report.converged()
        );
    }
    // The drift sweep: reads every mapped course's enrolments back from Moodle.
    let drift_before = world.moodle.total_requests();
    let t = Instant::now();
    let drift = app.sweep_drift().await?;
    let drift_seconds = t.elapsed().as_secs_f64();
    let drift_calls = world.moodle.total_requests() - drift_before;
    if !drift.repaired.is_empty() || !drift.errors.is_empty() {
        bail!(
            "the drift sweep over a converged site found {} to repair and {} errors, e.g. {:?}",
            drift.repaired.len(),
            drift.errors.len(),
            drift.errors.first().or(drift.repaired.first())
        );
    }
    let peak_rss_mb = proc_status_mb(None, "VmHWM").unwrap_or(0.0).max(peak_rss_mb);
    app.store().close().await;
    Ok(Measure {
        invoices: world.invoices,
        enrolments: report.after.entitlements,
        seconds: drift_seconds,
        moodle_calls: drift_calls,
        reconcile_pass: Some((seconds, moodle_calls)),
        facturascripts_calls: fs_calls,
        peak_rss_mb,
        setup_seconds,
        rss_before_engine_mb,
        ..Measure::default()
    })
}

// ---- idle -------------------------------------------------------------------------------------

/// Runs `exe serve` against the demo simulators (one site, one FacturaScripts source) and
/// reads its RSS after `idle`.
async fn idle(exe: &Path, idle: Duration, latency: Duration) -> anyhow::Result<Measure> {
    let dir = tempfile::tempdir()?;
    let db = sqlite_url(dir.path());
    let listen = free_addr()?;
    let world = DemoWorld::start(&db, listen, "30s").await?;
    world.moodle.faults().set(FaultConfig::with_latency(latency));
    world.seed_invoices()?;
    let mut toml = format!(
        "[server]\nlisten = \"{listen}\"\n[database]\nurl = \"{db}\"\n[log]\nlevel = \"warn\"\n\
         [[moodle]]\nname = \"main\"\nurl = \"{}\"\ntoken = \"{}\"\nallow_private_network = true\n{}",
        world.moodle_url,
        world.moodle.token(),
        source_block(
            SourceKind::FacturaScripts { poll_interval: "30s" },
            &world.fs_url,
            world.fs.token()
        )
    );
    for (course, _, product, duration) in COURSES {
        toml.push_str(&format!(
            "[[mapping]]\nproduct = \"{product}\"\nmoodle = \"main\"\ncourse = \"{course}\"\nduration = \"{duration}\"\n"
        ));
    }
    let config_path = dir.path().join("bench-idle.toml");
    std::fs::write(&config_path, toml)?;
    let calls_before = world.moodle.total_requests();
    let mut child = std::process::Command::new(exe)
        .arg("serve")
        .arg("--config")
        .arg(&config_path)
        .env_remove("MM_DATABASE_URL")
        .env_remove("MM_SERVER_LISTEN")
        .env_remove("MM_LOG_LEVEL")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("starting {} serve", exe.display()))?;
    let pid = child.id();
    let result = async {
        let http = reqwest::Client::new();
        wait_healthy(&http, listen, Duration::from_secs(60)).await?;
        let started = Instant::now();
        tokio::time::sleep(idle).await;
        if let Ok(Some(status)) = child.try_wait() {
            bail!("`serve` exited early: {status}");
        }
        let rss_mb = proc_status_mb(Some(pid), "VmRSS").context("reading the child's VmRSS")?;
        let peak_rss_mb = proc_status_mb(Some(pid), "VmHWM").unwrap_or(0.0);
        Ok(Measure {
            invoices: world.fs.invoice_count(),
            enrolments: world
                .moodle
                .enrolments()
                .iter()
                .filter(|e| e.status == EnrolStatus::Active)
                .count(),
            seconds: started.elapsed().as_secs_f64(),
            moodle_calls: world.moodle.total_requests() - calls_before,
            facturascripts_calls: world.fs.request_count(),
            peak_rss_mb,
            rss_mb,
            ..Measure::default()
        })
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn rates_parse() {
        assert_eq!(parse_rate("20/s"), Ok(20.0));
        assert_eq!(parse_rate("2.5"), Ok(2.5));
        assert!(parse_rate("0/s").is_err());
        assert!(parse_rate("fast").is_err());
    }

    #[test]
    fn naive_config_turns_batching_off() {
        let toml = engine_toml(
            "sqlite://x.sqlite",
            "127.0.0.1:1".parse().unwrap(),
            "http://127.0.0.1:2",
            "t",
            &source_block(SourceKind::Webhook, "", ""),
            &[("C1".into(), "P1".into())],
            true,
        );
        let c = Config::from_toml(&toml, Path::new("t.toml"), |_| None).unwrap();
        assert_eq!(c.worker.batch_size, 1);
        assert_eq!(c.moodle[0].batch_size, 1);
        assert_eq!(c.moodle[0].concurrency, 1);
        let ours = toml.replace("batch_size = 1\n", "").replace("concurrency = 1\n", "");
        let c = Config::from_toml(&ours, Path::new("t.toml"), |_| None).unwrap();
        assert!(c.worker.batch_size > 1 && c.moodle[0].batch_size > 1 && c.moodle[0].concurrency > 1);
    }
}
