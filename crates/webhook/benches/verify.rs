//! The webhook verifier: Standard Webhooks HMAC-SHA256 over a typical invoice event.
//! `cargo bench -p mm-webhook --bench verify`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mm_webhook::{Headers, Secret, Verifier, sign};
use std::hint::black_box;

const NEW: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OLD: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const NOW: i64 = 1_764_000_000;
const NOW_TEXT: &str = "1764000000";

fn body() -> Vec<u8> {
    let lines: Vec<String> = (0..3)
        .map(|i| format!(r#"{{"id": "{i}", "product": "PY-10{i}", "quantity": 1, "amount": 120.0}}"#))
        .collect();
    format!(
        r#"{{"type": "invoice.upserted", "timestamp": "2025-11-24T16:00:00Z", "data": {{"id": "INV-2025-000123",
        "number": "2025-A-000123", "paid": true, "currency": "EUR", "issued_at": "2025-11-24",
        "customer": {{"id": "C-00042", "name": "Grace Hopper", "email": "grace.hopper@example.org"}},
        "lines": [{}], "credit_note_for": null}}}}"#,
        lines.join(", ")
    )
    .into_bytes()
}

fn bench_verify(c: &mut Criterion) {
    let new = Secret::parse(NEW).expect("secret");
    let old = Secret::parse(OLD).expect("secret");
    let body = body();
    let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    let good = sign(&new, id, NOW, &body);
    let by_old = sign(&old, id, NOW, &body);
    let forged = sign(&Secret::from_key_bytes(vec![7; 24]).expect("secret"), id, NOW, &body);
    let one = Verifier::new(vec![new.clone()]).expect("verifier");
    let rotating = Verifier::new(vec![new, old]).expect("verifier");
    let headers = |sig: &'static str| Headers {
        id: Some(id),
        timestamp: Some(NOW_TEXT),
        signature: Some(sig),
    };
    // Leaked once so the headers can borrow them for the whole run.
    let h_good: &'static str = Box::leak(good.into_boxed_str());
    let h_old: &'static str = Box::leak(by_old.into_boxed_str());
    let h_forged: &'static str = Box::leak(forged.into_boxed_str());

    let mut group = c.benchmark_group("webhook_verify");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("valid/one_secret", |b| {
        b.iter(|| one.verify(black_box(&headers(h_good)), black_box(&body), NOW).is_ok())
    });
    group.bench_function("valid/old_secret_during_rotation", |b| {
        b.iter(|| {
            rotating
                .verify(black_box(&headers(h_old)), black_box(&body), NOW)
                .is_ok()
        })
    });
    group.bench_function("forged/two_secrets", |b| {
        b.iter(|| {
            rotating
                .verify(black_box(&headers(h_forged)), black_box(&body), NOW)
                .is_err()
        })
    });
    group.bench_function("stale_timestamp/rejected_before_hmac", |b| {
        b.iter(|| {
            one.verify(black_box(&headers(h_good)), black_box(&body), NOW + 3600)
                .is_err()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
