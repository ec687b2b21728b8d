//! Every `bench` scenario at a tiny size, through the real binary, so they cannot rot.
//! (The real benchmarks run from `scripts/bench.sh`, never from the test suite.)

use crate::kit::binary::BIN;
use serde_json::Value;
use std::process::Command;

fn bench(args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .arg("bench")
        .args(args)
        .arg("--json")
        .env_remove("RUST_LOG")
        .output()
        .expect("run moodle-management bench");
    assert!(
        out.status.success(),
        "bench {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bench {args:?} printed no JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

const KEYS: [&str; 7] = [
    "scenario",
    "invoices",
    "enrolments",
    "seconds",
    "moodle_calls",
    "calls_per_enrolment",
    "peak_rss_mb",
];

fn has_keys(v: &Value, extra: &[&str]) {
    for k in KEYS.iter().chain(extra) {
        assert!(v.get(k).is_some_and(|x| !x.is_null()), "missing `{k}` in {v}");
    }
    assert!(v["peak_rss_mb"].as_f64().unwrap() > 0.0, "{v}");
}

#[test]
fn bulk_converges_and_compares_with_naive() {
    let v = bench(&["bulk", "--invoices", "30", "--latency", "1ms", "--naive"]);
    has_keys(&v, &["naive_seconds", "naive_moodle_calls", "speedup"]);
    assert_eq!(v["scenario"], "bulk");
    assert_eq!(v["invoices"], 30);
    assert!(v["enrolments"].as_u64().unwrap() >= 30, "{v}");
    assert!(
        v["naive_moodle_calls"].as_u64().unwrap() > v["moodle_calls"].as_u64().unwrap(),
        "batching must save calls: {v}"
    );
}

#[test]
fn steady_reports_latency_percentiles() {
    let v = bench(&["steady", "--invoices", "20", "--rate", "50/s", "--latency", "1ms"]);
    has_keys(&v, &["p50_ms", "p95_ms", "p99_ms"]);
    assert_eq!(v["enrolments"], 20);
    let (p50, p99) = (v["p50_ms"].as_f64().unwrap(), v["p99_ms"].as_f64().unwrap());
    assert!(p50 > 0.0 && p50 <= p99, "{v}");
}

#[test]
fn sweep_and_reconcile_over_a_converged_site_change_nothing() {
    let v = bench(&["sweep", "--courses", "5", "--learners", "6", "--latency", "1ms"]);
    has_keys(&v, &["reconcile_pass_seconds", "reconcile_pass_moodle_calls"]);
    assert_eq!(v["enrolments"], 30);
    assert_eq!(v["reconcile_pass_moodle_calls"], 0, "{v}");
    assert!(
        v["moodle_calls"].as_u64().unwrap() > 0,
        "the drift sweep reads Moodle: {v}"
    );
}

#[test]
fn idle_reads_the_rss_of_serve() {
    let v = bench(&["idle", "--seconds", "2", "--latency", "1ms"]);
    has_keys(&v, &["rss_mb"]);
    let rss = v["rss_mb"].as_f64().unwrap();
    assert!(rss > 1.0 && rss < 500.0, "{v}");
}

#[test]
fn certificates_renders_seals_and_mails_every_completion() {
    // Like `SmtpServer::start`: skipped without aiosmtpd unless MM_REQUIRE_SMTP=1.
    let smtp = Command::new("/usr/bin/python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !smtp {
        assert_ne!(
            std::env::var("MM_REQUIRE_SMTP").as_deref(),
            Ok("1"),
            "MM_REQUIRE_SMTP=1 but aiosmtpd is missing: apt-get install python3-aiosmtpd"
        );
        eprintln!("skipping: no aiosmtpd (apt-get install python3-aiosmtpd)");
        return;
    }
    let v = bench(&["certificates", "--invoices", "12", "--renders", "3", "--latency", "1ms"]);
    has_keys(
        &v,
        &[
            "render_p50_ms",
            "render_p99_ms",
            "sealed_bytes",
            "certificates",
            "mails_received",
        ],
    );
    assert_eq!(v["enrolments"], 12, "{v}");
    assert_eq!(v["certificates"], 12, "{v}");
    assert_eq!(v["mails_received"], 12, "{v}");
    assert_eq!(v["renders"], 3, "{v}");
    let (p50, p99) = (
        v["render_p50_ms"].as_f64().unwrap(),
        v["render_p99_ms"].as_f64().unwrap(),
    );
    assert!(p50 > 0.0 && p50 <= p99, "{v}");
    assert!(v["sealed_bytes"].as_u64().unwrap() > 1000, "{v}");
    assert!(v["verify_url_chars"].as_u64().unwrap() > 100, "{v}");
}
