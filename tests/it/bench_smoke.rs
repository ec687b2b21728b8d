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
