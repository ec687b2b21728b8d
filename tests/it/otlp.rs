//! Optional OTLP trace export (issue #17): `serve` with `[telemetry] otlp_endpoint` posts its
//! spans as OTLP/HTTP protobuf to `{endpoint}/v1/traces`, and the last batch goes out when the
//! process stops (SIGTERM), not only on the exporter's timer.

use crate::kit::binary::serve_command;
use crate::kit::http::free_port;
use crate::kit::world;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri, header};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the collector received.
#[derive(Debug, Clone)]
struct Export {
    method: Method,
    path: String,
    content_type: String,
    body: Vec<u8>,
}

/// A collector on loopback that keeps every request: (its base URL, what it received).
async fn collector() -> (String, Arc<Mutex<Vec<Export>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let kept = kept.clone();
        async move {
            kept.lock().unwrap().push(Export {
                method,
                path: uri.path().to_owned(),
                content_type: headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned(),
                body: body.to_vec(),
            });
            // An empty ExportTraceServiceResponse: everything accepted.
            ([(header::CONTENT_TYPE, "application/x-protobuf")], Vec::<u8>::new())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());
    (base, received)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_exports_its_request_spans_to_the_collector_and_flushes_them_on_shutdown() {
    let (collector_url, received) = collector().await;
    let (dir, db) = world::sqlite("otlp.sqlite");
    let listen = free_port();
    let w = world::start_on(&db, listen, "1s").await;
    let cfg = dir.path().join("mm.toml");
    let text = format!(
        "{}\n[telemetry]\notlp_endpoint = \"{collector_url}\"\nservice_name = \"mm-otlp-test\"\n",
        w.config_text
    );
    std::fs::write(&cfg, text).unwrap();

    // The exporter's timer is set far off, so what arrives came with the shutdown's flush.
    let mut child = serve_command(&cfg)
        .env("RUST_LOG", "info")
        .env("OTEL_BSP_SCHEDULE_DELAY", "600000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://{listen}");
    let started = Instant::now();
    loop {
        let ready = http.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let healthz = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(healthz.status().is_success());
    let code_path = http
        .get(format!("{base}/verify/not-a-real-code-1234"))
        .send()
        .await
        .unwrap();
    assert!(code_path.status().is_client_error());
    // A sale polled and converged: the worker's spans name the site and course, not the learner.
    let buyer = w.fs.add_customer("Traced Learner", "traced.learner@example.org");
    let invoice = w.fs.create_invoice(&buyer, &[("PY-101", 1.0, 120.0)]).unwrap();
    w.fs.pay(invoice, true).unwrap();
    while world::enrolment(&w, "traced.learner@example.org", "PY101").is_none() {
        assert!(started.elapsed() < Duration::from_secs(90), "the sale was not enrolled");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        received.lock().unwrap().is_empty(),
        "nothing exported before the batch is due or the process stops"
    );

    let pid = child.id().unwrap().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(term.success());
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("serve stops on SIGTERM")
        .unwrap();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        e.read_to_string(&mut stderr).await.unwrap();
    }
    assert!(out.success(), "{stderr}");

    let exports = received.lock().unwrap().clone();
    assert!(!exports.is_empty(), "the collector received nothing: {stderr}");
    for e in &exports {
        assert_eq!(
            (&e.method, e.path.as_str(), e.content_type.as_str()),
            (&Method::POST, "/v1/traces", "application/x-protobuf")
        );
        assert!(!e.body.is_empty());
    }
    let all: Vec<u8> = exports.iter().flat_map(|e| e.body.clone()).collect();
    assert!(
        contains(&all, b"GET /healthz"),
        "the request's span, named by its route"
    );
    assert!(
        contains(&all, b"GET /verify/{code}"),
        "a path's code stays out of the span name"
    );
    assert!(!contains(&all, b"not-a-real-code-1234"), "nor anywhere in the span");
    assert!(contains(&all, b"mm-otlp-test"), "the service.name resource attribute");
    assert!(
        contains(&all, b"worker.site") && contains(&all, b"PY101"),
        "the worker's span of the site"
    );
    assert!(!contains(&all, b"traced.learner"), "no learner in any span");
}
