//! Request cost of the poller on 100,000 generated invoices with 10 changes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_facturascripts::{FsClient, FsClientConfig, PollCursor, Poller, PollerConfig, RetryPolicy};
use mm_sim_facturascripts::{FsSim, FsSimOptions, generate};
use secrecy::SecretString;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_thousand_invoices_ten_changes() {
    let n: usize = std::env::var("MM_FS_SCALE_INVOICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let sim = FsSim::new(FsSimOptions {
        token: Some("k".into()),
        seed: 7,
        ..Default::default()
    });
    let t = Instant::now();
    let g = generate(&sim, n, 42);
    println!("generated {g:?} in {:?}", t.elapsed());
    let url = sim.spawn().await.unwrap();
    let mut cfg = FsClientConfig::new(url.parse().unwrap(), SecretString::from("k".to_string()));
    cfg.retry = RetryPolicy::no_retry();
    let mut pc = PollerConfig::new("fs");
    pc.full_sweep_every = 4; // ticks 1 (import) and 4 are full sweeps
    let poller = Poller::new(FsClient::new(cfg).unwrap(), pc);
    let mut cur = PollCursor::default();

    let t = Instant::now();
    let first = poller.tick(&mut cur).await.unwrap();
    println!(
        "tick 1 (initial import, full sweep): {} snapshots, {} requests, {:?}",
        first.snapshots.len(),
        first.requests,
        t.elapsed()
    );
    assert_eq!(first.full_sweep_ids.as_ref().map(Vec::len), Some(sim.invoice_count()));

    let t = Instant::now();
    let quiet = poller.tick(&mut cur).await.unwrap();
    println!(
        "tick 2 (no change): {} snapshots, {} requests, {:?}",
        quiet.snapshots.len(),
        quiet.requests,
        t.elapsed()
    );
    assert!(quiet.snapshots.is_empty());

    // Ten changes.
    let cust = sim.add_customer("New Learner", "new@example.com");
    let mut expect: Vec<i64> = Vec::new();
    for _ in 0..3 {
        expect.push(sim.create_invoice(&cust, &[("COURSE-01", 1.0, 60.0)]).unwrap());
    }
    let unpaid: Vec<i64> = (g.first_id..g.last_id)
        .filter(|id| {
            sim.record("facturaclientes", &id.to_string())
                .is_some_and(|r| r["pagada"] == false && r["editable"] == false && r["idfacturarect"].is_null())
        })
        .take(3)
        .collect();
    for id in &unpaid {
        sim.pay(*id, true).unwrap();
        expect.push(*id);
    }
    let paid_old = (g.first_id + 10..g.last_id)
        .find(|id| {
            sim.record("facturaclientes", &id.to_string())
                .is_some_and(|r| r["pagada"] == true && r["idfacturarect"].is_null())
        })
        .unwrap();
    sim.pay(paid_old, false).unwrap();
    expect.push(paid_old);
    let credited = paid_old + 1000;
    let cn = sim
        .credit(credited, None)
        .unwrap_or_else(|_| sim.credit(credited + 1, None).unwrap());
    expect.push(cn);
    let del = (g.first_id + 5000..g.last_id)
        .find(|id| sim.delete(*id).is_ok())
        .unwrap();
    let some_customer_invoice = g.first_id + 20_000.min(n as i64 / 2);
    let code = sim
        .record("facturaclientes", &some_customer_invoice.to_string())
        .unwrap()["codcliente"]
        .as_str()
        .unwrap()
        .to_string();
    sim.set_customer_email(&code, "changed@example.com");

    let t = Instant::now();
    let changed = poller.tick(&mut cur).await.unwrap();
    println!(
        "tick 3 (10 changes): {} snapshots, {} deleted, {} requests, {:?}",
        changed.snapshots.len(),
        changed.deleted.len(),
        changed.requests,
        t.elapsed()
    );
    for id in &expect {
        assert!(
            changed.snapshots.iter().any(|s| s.key.id == id.to_string()),
            "change to {id} not reported"
        );
    }
    assert_eq!(changed.deleted, vec![del.to_string()]);

    // The customer whose email changed is found by the rotating customer scan.
    let mut latency = 0;
    let mut rotating_requests = Vec::new();
    let target = some_customer_invoice.to_string();
    for tick in 1..=10 {
        if tick == 1 && changed.snapshots.iter().any(|s| s.key.id == target) {
            break;
        }
        let mut c2 = cur.clone();
        c2.ticks = 1; // not a sweep tick
        let out = poller.tick(&mut c2).await.unwrap();
        rotating_requests.push(out.requests);
        if out
            .snapshots
            .iter()
            .any(|s| s.key.id == target && s.customer.id == code)
        {
            latency = tick;
            cur = PollCursor { ticks: cur.ticks, ..c2 };
            break;
        }
        cur = PollCursor { ticks: cur.ticks, ..c2 };
    }
    println!("customer email change reported after {latency} more tick(s); requests per tick {rotating_requests:?}");
    assert!(
        latency > 0 || changed.snapshots.iter().any(|s| s.key.id == target),
        "customer change never reported"
    );

    let t = Instant::now();
    let sweep = poller.tick(&mut cur).await.unwrap();
    println!(
        "tick 4 (periodic full sweep, no change): {} snapshots, {} requests, {:?}",
        sweep.snapshots.len(),
        sweep.requests,
        t.elapsed()
    );
    assert!(sweep.full_sweep_ids.is_some());
    let cursor_json = serde_json::to_string(&cur).unwrap();
    println!(
        "cursor: {} bytes as JSON; watched {} invoices; {} customers, {} contacts fingerprinted",
        cursor_json.len(),
        cur.watched.len(),
        cur.customers.len(),
        cur.contacts.len()
    );
    println!("requests per resource: {:?}", sim.request_counts());
}
