//! `/metrics` scraped over HTTP around a scenario (invoices paid and reconciled, completions
//! certified, one webhook delivery accepted and one refused): every counter moves by what the
//! scenario did, as the simulators and the engine's own reports count it; the standings equal
//! the store's; the text is valid OpenMetrics; and it is private unless configured public.

use crate::kit::http::{SHOP_SECRET, get, serve, signature};
use crate::kit::world;
use mm_engine::Engine;
use mm_engine::config::Config;
use reqwest::StatusCode;
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const TOKEN: &str = "metrics-test-admin-token-0123456789";

/// One sample: its metric name and labels, sorted.
type Series = (String, BTreeMap<String, String>);

/// A scrape, parsed and checked.
struct Scrape {
    samples: BTreeMap<Series, f64>,
}

impl Scrape {
    /// Σ of the samples named `name` whose labels include `labels`.
    fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples
            .iter()
            .filter(|((n, l), _)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
            .map(|(_, v)| v)
            .sum()
    }

    fn has(&self, name: &str, labels: &[(&str, &str)]) -> bool {
        self.samples
            .keys()
            .any(|(n, l)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
    }

    /// The label values `label` takes in samples named `name`.
    fn values_of(&self, name: &str, label: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .samples
            .keys()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, l)| l.get(label).cloned())
            .collect();
        v.dedup();
        v
    }
}

/// A strict OpenMetrics text parser: every line a `# HELP`/`# TYPE`/`# UNIT` of a family or a
/// sample of the family declared last, names and labels well formed, values numbers, sample
/// names the family's plus its type's suffix, histogram buckets cumulative up to `_count`, and
/// `# EOF` last. Panics naming the line at the first fault.
fn parse(text: &str) -> Scrape {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "the text ends with # EOF");
    let mut samples = BTreeMap::new();
    let mut family: Option<(String, String)> = None;
    for line in &lines[..lines.len() - 1] {
        if let Some(meta) = line.strip_prefix("# ") {
            let mut parts = meta.splitn(3, ' ');
            let (kind, name, rest) = (parts.next(), parts.next(), parts.next());
            let name = name.unwrap_or_else(|| panic!("no metric name: {line}"));
            assert!(valid_name(name), "bad family name: {line}");
            assert!(name.starts_with("moodle_management_"), "unprefixed: {line}");
            match kind {
                Some("TYPE") => {
                    let t = rest.unwrap_or_default();
                    assert!(
                        ["counter", "gauge", "histogram", "info", "stateset", "unknown"].contains(&t),
                        "unknown type: {line}"
                    );
                    family = Some((name.to_owned(), t.to_owned()));
                }
                Some("HELP") | Some("UNIT") => {}
                _ => panic!("unexpected comment: {line}"),
            }
            continue;
        }
        let (name, labels, value) = sample(line);
        let (fam, kind) = family
            .as_ref()
            .unwrap_or_else(|| panic!("a sample before any TYPE: {line}"));
        let suffixes: &[&str] = match kind.as_str() {
            "counter" => &["_total", "_created"],
            "histogram" => &["_bucket", "_sum", "_count", "_created"],
            "info" => &["_info"],
            _ => &[""],
        };
        assert!(
            suffixes.iter().any(|s| name == format!("{fam}{s}")),
            "{name} does not belong to the {kind} {fam}: {line}"
        );
        for key in labels.keys() {
            assert!(
                !["learner", "email", "invoice", "course", "user"].contains(&key.as_str()),
                "a per-learner label: {line}"
            );
        }
        assert!(
            samples.insert((name, labels), value).is_none(),
            "a series twice: {line}"
        );
    }
    check_histograms(&samples);
    Scrape { samples }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `name{k="v",…} value` → (name, labels, value).
fn sample(line: &str) -> (String, BTreeMap<String, String>, f64) {
    let (head, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
    let value: f64 = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().unwrap_or_else(|_| panic!("value is not a number: {line}")),
    };
    let (name, labels) = match head.split_once('{') {
        None => (head, BTreeMap::new()),
        Some((name, rest)) => {
            let body = rest
                .strip_suffix('}')
                .unwrap_or_else(|| panic!("unclosed labels: {line}"));
            (name, labels(body, line))
        }
    };
    assert!(valid_name(name), "bad sample name: {line}");
    (name.to_owned(), labels, value)
}

/// `k="v",k2="v2"`, values with `\\`, `\"` and `\n` escapes only.
fn labels(body: &str, line: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("bad label: {line}"));
        assert!(valid_name(key) && !key.contains(':'), "bad label name {key}: {line}");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    _ => panic!("bad escape: {line}"),
                },
                Some((i, '"')) => break i,
                Some((_, c)) => value.push(c),
                None => panic!("unterminated label value: {line}"),
            }
        };
        assert!(out.insert(key.to_owned(), value).is_none(), "label twice: {line}");
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
    out
}

/// Each histogram's buckets grow with `le` and end at `+Inf` = `_count`.
fn check_histograms(samples: &BTreeMap<Series, f64>) {
    let mut buckets: BTreeMap<Series, Vec<(f64, f64)>> = BTreeMap::new();
    for ((name, labels), v) in samples {
        if let Some(base) = name.strip_suffix("_bucket") {
            let mut rest = labels.clone();
            let le = rest
                .remove("le")
                .unwrap_or_else(|| panic!("a bucket without le: {name}"));
            let le: f64 = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().expect("le")
            };
            buckets.entry((base.to_owned(), rest)).or_default().push((le, *v));
        }
    }
    assert!(!buckets.is_empty(), "histograms are written");
    for ((base, labels), mut b) in buckets {
        b.sort_by(|x, y| x.0.total_cmp(&y.0));
        assert!(
            b.windows(2).all(|w| w[0].1 <= w[1].1),
            "{base} {labels:?}: not cumulative"
        );
        let last = b.last().expect("a bucket");
        assert_eq!(last.0, f64::INFINITY, "{base} {labels:?}: no +Inf bucket");
        let count = samples.get(&(format!("{base}_count"), labels.clone()));
        assert_eq!(count, Some(&last.1), "{base} {labels:?}: +Inf bucket is not _count");
    }
}

/// The demo world's configuration with a `shop` webhook source, an admin token and
/// `metrics_public` as asked.
async fn app(world: &mm_demo::DemoWorld, metrics_public: bool) -> Arc<Engine> {
    let text = format!(
        "{}[[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = \"{SHOP_SECRET}\"\n",
        world.config_text
    );
    let mut config = Config::from_toml(&text, Path::new("metrics.toml"), |_| None).expect("config");
    config.admin_token = Some(SecretString::from(TOKEN));
    config.metrics_public = metrics_public;
    Engine::build(config).await.expect("build the app")
}

async fn scrape(http: &reqwest::Client, base: &str) -> Scrape {
    let r = http
        .get(format!("{base}/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("scrape");
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(ct, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    parse(&r.text().await.unwrap())
}

/// A signed `invoice.upserted` for `email`; with `tamper` its body changes after signing.
async fn deliver(http: &reqwest::Client, base: &str, id: &str, email: &str, tamper: bool) -> StatusCode {
    let body = serde_json::json!({"type": "invoice.upserted", "data": {
        "id": id, "number": id, "paid": true, "currency": "EUR", "issued_at": "2026-11-25",
        "customer": {"id": id, "name": "Webhook Learner", "email": email},
        "lines": [{"id": "1", "product": "PY-101", "quantity": 1, "amount": 100.0}],
        "credit_note_for": null}});
    let mut body = serde_json::to_vec(&body).unwrap();
    let (ts, sig) = signature(SHOP_SECRET, id, &body);
    if tamper {
        body.extend_from_slice(b" ");
    }
    http.post(format!("{base}/webhooks/shop"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

/// Each Moodle function's requests as the simulator counted them.
fn moodle_counts(world: &mm_demo::DemoWorld) -> BTreeMap<String, u64> {
    world.moodle.request_counts()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_move_by_what_a_scenario_did() {
    let (_dir, db) = world::sqlite("metrics.sqlite");
    let world = world::start(&db, "30s").await;
    let app = app(&world, false).await;
    let (base, _server) = serve(&app).await;
    let http = reqwest::Client::new();

    // Private by default: neither anonymous nor a wrong token reads it.
    let anonymous = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = http
        .get(format!("{base}/metrics"))
        .bearer_auth("not-the-token-at-all-0000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    let before = scrape(&http, &base).await;
    let (moodle_before, fs_before) = (moodle_counts(&world), world.fs.request_count());

    // The scenario: invoices paid and reconciled, completions certified, two deliveries.
    let paid = world.seed_invoices().unwrap();
    let first = app.reconcile_once().await.unwrap();
    assert!(first.converged(), "{:?}", first.failing);
    let completed = world.complete_certified();
    let second = app.reconcile_once().await.unwrap();
    assert_eq!(
        deliver(&http, &base, "msg_good", "hook@example.org", false).await,
        StatusCode::OK
    );
    let refused = deliver(&http, &base, "msg_forged", "forged@example.org", true).await;
    assert!(refused.is_client_error(), "{refused}");

    let after = scrape(&http, &base).await;
    let delta = |name: &str, labels: &[(&str, &str)]| after.sum(name, labels) - before.sum(name, labels);

    // Every Moodle request, by function, as the simulator received them; none refused unsent.
    let moodle_after = moodle_counts(&world);
    let functions: Vec<&String> = moodle_after.keys().collect();
    assert!(
        functions.iter().any(|f| *f == "enrol_manual_enrol_users"),
        "{functions:?}"
    );
    for f in functions {
        let sent = moodle_after[f] - moodle_before.get(f).copied().unwrap_or(0);
        let counted = delta(
            "moodle_management_moodle_calls_total",
            &[("site", "main"), ("function", f)],
        );
        assert_eq!(counted, sent as f64, "{f}: counted {counted}, the simulator saw {sent}");
        let timed = delta(
            "moodle_management_moodle_call_duration_seconds_count",
            &[("site", "main"), ("function", f)],
        );
        assert_eq!(timed, sent as f64, "{f}: each request timed");
    }
    assert!(
        delta(
            "moodle_management_moodle_calls_total",
            &[("function", "enrol_manual_enrol_users"), ("outcome", "ok")]
        ) >= 1.0
    );
    assert_eq!(
        delta("moodle_management_moodle_calls_total", &[("outcome", "circuit_open")]),
        0.0
    );
    // FacturaScripts: every request the simulator served.
    let fs_sent = world.fs.request_count() - fs_before;
    assert!(fs_sent > 0);
    assert_eq!(
        delta("moodle_management_facturascripts_calls_total", &[("source", "erp")]),
        fs_sent as f64
    );

    // Invoices: what the polls reported, and the one delivery accepted.
    let polled: usize = [&first, &second]
        .iter()
        .flat_map(|r| &r.polled)
        .map(|p| p.result.as_ref().map_or(0, |s| s.seen))
        .sum();
    assert!(polled >= paid.len(), "{polled} seen, {} paid", paid.len());
    assert_eq!(
        delta(
            "moodle_management_invoices_seen_total",
            &[("source", "erp"), ("via", "poll")]
        ),
        polled as f64
    );
    assert_eq!(
        delta("moodle_management_polls_total", &[("source", "erp"), ("outcome", "ok")]),
        2.0,
        "one poll per pass"
    );
    assert_eq!(
        delta(
            "moodle_management_invoices_seen_total",
            &[("source", "shop"), ("via", "webhook")]
        ),
        1.0
    );
    let webhook = |outcome| {
        delta(
            "moodle_management_webhook_deliveries_received_total",
            &[("source", "shop"), ("outcome", outcome)],
        )
    };
    assert_eq!((webhook("accepted"), webhook("refused")), (1.0, 1.0));

    // Jobs: what the worker reported, each done one timed.
    let jobs = |f: fn(&mm_engine::worker::RoundOutcome) -> usize| (f(&first.worker) + f(&second.worker)) as f64;
    let applied = jobs(|w| w.applied);
    assert!(applied >= paid.len() as f64);
    assert_eq!(
        delta("moodle_management_job_outcomes_total", &[("outcome", "applied")]),
        applied
    );
    assert_eq!(
        delta("moodle_management_job_outcomes_total", &[("outcome", "unchanged")]),
        jobs(|w| w.unchanged)
    );
    assert_eq!(
        delta("moodle_management_job_outcomes_total", &[("outcome", "dead")]),
        jobs(|w| w.dead)
    );
    assert_eq!(
        delta("moodle_management_job_latency_seconds_count", &[]),
        applied + jobs(|w| w.unchanged)
    );

    // Certificates: those the passes issued for the completions.
    let issued: usize = [&first, &second]
        .iter()
        .filter_map(|r| r.certificates.as_ref())
        .map(|c| c.issued.len())
        .sum();
    assert!(completed > 0 && issued > 0, "{completed} completed, {issued} issued");
    assert_eq!(
        delta("moodle_management_certificates_total", &[("outcome", "issued")]),
        issued as f64
    );

    // Standings, counted at scrape: entitlements as the store lists them.
    let rows = app.enrolments().await.unwrap();
    let mut by_status: BTreeMap<String, f64> = BTreeMap::new();
    for row in &rows {
        *by_status.entry(row.desired.clone()).or_default() += 1.0;
    }
    assert!(
        by_status.get("active").is_some_and(|n| *n >= paid.len() as f64),
        "{by_status:?}"
    );
    for (status, n) in &by_status {
        assert_eq!(
            after.sum("moodle_management_entitlements", &[("status", status)]),
            *n,
            "{status}"
        );
    }
    let standing = app.jobs().await.unwrap();
    assert_eq!(
        after.sum("moodle_management_jobs", &[("state", "dead")]),
        standing.dead.len() as f64
    );
    assert!(after.has(
        "moodle_management_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))]
    ));
    assert_eq!(after.sum("moodle_management_database_ready", &[]), 1.0);
    assert_eq!(
        after.sum(
            "moodle_management_site_breaker",
            &[("site", "main"), ("state", "closed")]
        ),
        1.0
    );
    assert_eq!(
        after.sum("moodle_management_site_breaker", &[("site", "main"), ("state", "open")]),
        0.0
    );
    let lag = after.sum("moodle_management_poll_lag_seconds", &[("source", "erp")]);
    assert!(
        after.has("moodle_management_poll_lag_seconds", &[("source", "erp")]) && (0.0..60.0).contains(&lag),
        "{lag}"
    );
    assert_eq!(
        after.values_of("moodle_management_site_breaker", "site"),
        vec!["main".to_owned()]
    );
}

#[tokio::test]
async fn metrics_are_public_only_when_configured_so() {
    let (_dir, db) = world::sqlite("public.sqlite");
    let world = world::start(&db, "30s").await;
    let private = app(&world, false).await;
    assert_eq!(get(&private, "/metrics").await.0, axum::http::StatusCode::UNAUTHORIZED);
    let public = app(&world, true).await;
    // The settings page says which it is.
    let shown = |app: &Engine| {
        app.settings()
            .into_iter()
            .flat_map(|g| g.settings)
            .find(|s| s.key == "metrics_public")
            .map(|s| s.value)
    };
    use mm_engine::settings::SettingValue;
    assert_eq!(
        (shown(&private), shown(&public)),
        (Some(SettingValue::No), Some(SettingValue::Yes))
    );
    let (status, headers, body) = get(&public, "/metrics").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let scrape = parse(&body);
    assert!(scrape.has("moodle_management_build_info", &[]));
    assert_eq!(scrape.sum("moodle_management_database_ready", &[]), 1.0);
}

#[tokio::test]
async fn readyz_reports_each_dependency() {
    let (_dir, db) = world::sqlite("ready.sqlite");
    let world = world::start(&db, "30s").await;
    let app = app(&world, false).await;
    let (status, headers, body) = get(&app, "/readyz").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert_eq!(body["checks"]["sites"]["main"]["breaker"], "closed");
    assert_eq!(body["checks"]["sources"]["erp"]["breaker"], "closed");
    assert_eq!(
        body["checks"]["smtp"]["status"], "not_configured",
        "the demo has no [smtp]"
    );
    // The database goes: 503, and the breakers are still reported.
    app.store().close().await;
    let (status, _, body) = get(&app, "/readyz").await;
    assert_eq!(status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"]["database"]["status"], "unreachable");
    assert_eq!(body["checks"]["sites"]["main"]["breaker"], "closed");
}
