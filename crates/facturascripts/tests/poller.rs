//! The poller against the simulator over loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::{InvoiceSnapshot, Timestamp};
use mm_facturascripts::{FsClient, FsClientConfig, PollCursor, Poller, PollerConfig, RetryPolicy, TickOutput};
use mm_sim_facturascripts::{FsSim, FsSimOptions};
use secrecy::SecretString;

async fn setup() -> (FsSim, Poller) {
    let sim = FsSim::new(FsSimOptions {
        token: Some("test-key".into()),
        seed: 1,
        ..Default::default()
    });
    let url = sim.spawn().await.unwrap();
    (sim.clone(), poller_for(&url, &sim))
}

fn poller_for(url: &str, sim: &FsSim) -> Poller {
    let mut cfg = FsClientConfig::new(url.parse().unwrap(), SecretString::from(sim.token().to_string()));
    cfg.retry = RetryPolicy::no_retry();
    let client = FsClient::new(cfg).unwrap();
    let mut pc = PollerConfig::new("fs");
    pc.trailing_window = 5;
    pc.overlap = 2;
    pc.full_sweep_every = 0;
    pc.customer_ttl = std::time::Duration::ZERO;
    Poller::new(client, pc)
}

fn find(out: &TickOutput, id: i64) -> Option<&InvoiceSnapshot> {
    out.snapshots.iter().find(|s| s.key.id == id.to_string())
}

#[tokio::test]
async fn every_change_is_reported_and_resume_misses_nothing() {
    let (sim, poller) = setup().await;
    let alice = sim.add_customer("Alice Smith", "alice@example.com");
    let bob = sim.add_customer("Bob", "bob@example.com");
    sim.add_product("COURSE-A", 100.0);
    sim.add_product("COURSE-B", 50.0);
    // Older invoices that will fall out of the trailing window.
    let mut ids = Vec::new();
    for _ in 0..20 {
        let id = sim.create_invoice(&bob, &[("COURSE-B", 1.0, 50.0)]).unwrap();
        sim.pay(id, true).unwrap();
        ids.push(id);
    }
    let mut cur = PollCursor::default();
    let out = poller.tick(&mut cur).await.unwrap();
    assert_eq!(out.snapshots.len(), 20);
    assert!(out.full_sweep_ids.as_ref().is_some_and(|v| v.len() == 20));
    assert!(
        out.snapshots
            .iter()
            .all(|s| s.paid && s.customer.email.as_deref() == Some("bob@example.com"))
    );

    // Quiet tick: nothing to report.
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(out.snapshots.is_empty(), "{:?}", out.snapshots);
    println!("quiet tick on 20 invoices: {} requests", out.requests);

    // New invoice.
    let a = sim
        .create_invoice(&alice, &[("COURSE-A", 1.0, 100.0), ("COURSE-B", 2.0, 50.0)])
        .unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    let s = find(&out, a).expect("new invoice reported");
    assert!(!s.paid);
    assert_eq!(s.lines.len(), 2);
    assert_eq!(s.customer.email.as_deref(), Some("alice@example.com"));
    assert_eq!(s.customer.name, "Alice Smith");

    // Paid.
    sim.pay(a, true).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(find(&out, a).expect("paid reported").paid);

    // Unpaid again, for an old invoice outside the trailing window.
    let old = ids[0];
    sim.pay(old, false).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(!find(&out, old).expect("unpaid again reported").paid);
    sim.pay(old, true).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(find(&out, old).expect("paid again reported").paid);

    // Full credit note of an old invoice: reported unpaid at first, then paid after recompute.
    let cn = sim.credit(ids[1], None).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    let s = find(&out, cn).expect("credit note reported");
    assert_eq!(s.credit_note_for.as_deref(), Some(ids[1].to_string().as_str()));
    assert!(s.lines.iter().all(|l| l.quantity < 0.0 && l.credits_line.is_some()));
    sim.recompute(cn);
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(find(&out, cn).expect("credit note paid flip reported").paid);

    // Partial credit note of a two-line invoice.
    let lines_a = sim.lines_of(a);
    let pcn = sim.credit(a, Some(vec![(lines_a[1], 1.0)])).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    let s = find(&out, pcn).expect("partial credit note reported");
    assert_eq!(s.lines.len(), 1);
    assert_eq!(s.lines[0].quantity, -1.0);
    assert_eq!(
        s.lines[0].credits_line.as_deref(),
        Some(lines_a[1].to_string().as_str())
    );

    // Deleted (an old one, outside every scan).
    sim.delete(ids[5]).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    assert_eq!(out.deleted, vec![ids[5].to_string()]);

    // Line changed on a reopened invoice.
    let d = sim.create_invoice(&bob, &[("COURSE-A", 1.0, 100.0)]).unwrap();
    sim.pay(d, true).unwrap();
    for _ in 0..10 {
        sim.pay(sim.create_invoice(&bob, &[("COURSE-B", 1.0, 50.0)]).unwrap(), true)
            .unwrap();
    }
    poller.tick(&mut cur).await.unwrap();
    sim.set_status(d, 10).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(find(&out, d).is_some(), "reopened reported");
    let l = sim.lines_of(d)[0];
    sim.edit_line(l, 1.0, Some("COURSE-B")).unwrap();
    let out = poller.tick(&mut cur).await.unwrap();
    assert_eq!(
        find(&out, d).expect("line change reported").lines[0].product.as_deref(),
        Some("COURSE-B")
    );
    sim.set_status(d, 11).unwrap();
    poller.tick(&mut cur).await.unwrap();

    // Customer email changed (customer record) and billing contact email changed.
    sim.set_customer_email(&bob, "bob@new.example");
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(find(&out, ids[10]).is_some(), "customer change re-reports old invoices");
    let contact = sim.record("clientes", &alice).unwrap()["idcontactofact"]
        .as_i64()
        .unwrap();
    sim.set_contact_email(contact, "alice@new.example");
    let out = poller.tick(&mut cur).await.unwrap();
    assert_eq!(
        find(&out, a)
            .expect("contact email change reported")
            .customer
            .email
            .as_deref(),
        Some("alice@new.example")
    );

    // A fresh poller resuming from the serialized cursor misses nothing.
    let json = serde_json::to_string(&cur).unwrap();
    let e = sim.create_invoice(&alice, &[("COURSE-A", 1.0, 100.0)]).unwrap();
    sim.pay(ids[7], false).unwrap();
    sim.delete(ids[8]).unwrap();
    let mut cur2: PollCursor = serde_json::from_str(&json).unwrap();
    let sim_url = poller.client_base();
    let poller2 = poller_for(&sim_url, &sim);
    let out = poller2.tick(&mut cur2).await.unwrap();
    assert!(find(&out, e).is_some(), "new after resume");
    assert!(!find(&out, ids[7]).expect("unpaid after resume").paid);
    assert!(out.deleted.contains(&ids[8].to_string()));
}

#[tokio::test]
async fn an_empty_answer_never_means_everything_was_deleted() {
    let (sim, poller) = setup().await;
    let c = sim.add_customer("Carol", "carol@example.com");
    for _ in 0..5 {
        let id = sim.create_invoice(&c, &[("COURSE-A", 1.0, 10.0)]).unwrap();
        sim.pay(id, true).unwrap();
    }
    let mut cur = PollCursor::default();
    poller.tick(&mut cur).await.unwrap();
    // The API is switched off (409): an error, and the cursor is untouched.
    sim.set_api_enabled(false);
    let before = cur.clone();
    let err = poller.tick(&mut cur).await.unwrap_err();
    assert!(matches!(err, mm_facturascripts::FsError::Disabled { .. }), "{err}");
    assert_eq!(cur, before);
    sim.set_api_enabled(true);
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(out.deleted.is_empty() && out.snapshots.is_empty());
    // A swallowed SQL error: every list is `200 []`, X-Total-Count 0. Not "all deleted".
    let unpaid = sim.create_invoice(&c, &[("COURSE-A", 1.0, 10.0)]).unwrap();
    poller.tick(&mut cur).await.unwrap();
    sim.set_swallowed_sql_error(true);
    let before = cur.clone();
    let err = poller.tick(&mut cur).await.unwrap_err();
    assert!(matches!(err, mm_facturascripts::FsError::Suspicious(_)), "{err}");
    assert_eq!(cur, before);
    sim.set_swallowed_sql_error(false);
    let out = poller.tick(&mut cur).await.unwrap();
    assert!(out.deleted.is_empty(), "{:?}", out.deleted);
    assert!(out.snapshots.iter().all(|s| s.key.id != unpaid.to_string()));
}

#[tokio::test]
async fn transient_errors_are_retried_auth_errors_are_not() {
    use mm_sim_fault::{FaultConfig, Faults};
    let faults = Faults::new(FaultConfig::default());
    let sim = FsSim::new(FsSimOptions {
        token: Some("k".into()),
        seed: 1,
        faults: Some(faults.clone()),
        ..Default::default()
    });
    let url = sim.spawn().await.unwrap();
    let mut cfg = FsClientConfig::new(url.parse().unwrap(), SecretString::from("k".to_string()));
    cfg.retry = RetryPolicy {
        max_attempts: 3,
        base: std::time::Duration::from_millis(1),
        max: std::time::Duration::from_millis(5),
    };
    let client = FsClient::new(cfg).unwrap();
    faults.fail_next(1);
    let page = client
        .list_invoices(&mm_facturascripts::ListQuery::new())
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(client.request_count(), 2, "one 500, one retry");

    let mut bad = FsClientConfig::new(url.parse().unwrap(), SecretString::from("wrong".to_string()));
    bad.retry = RetryPolicy {
        max_attempts: 5,
        base: std::time::Duration::from_millis(1),
        max: std::time::Duration::from_millis(5),
    };
    let bad = FsClient::new(bad).unwrap();
    for _ in 0..5 {
        let e = bad
            .list_invoices(&mm_facturascripts::ListQuery::new())
            .await
            .unwrap_err();
        assert!(matches!(e, mm_facturascripts::FsError::Auth { status: 401, .. }));
    }
    assert_eq!(
        bad.request_count(),
        1,
        "after a 401 nothing more is sent: no self-inflicted IP ban"
    );
    client
        .list_invoices(&mm_facturascripts::ListQuery::new())
        .await
        .unwrap();

    // Banned by someone else: 429, a clear message, and no request for 10 minutes.
    sim.add_incidents("127.0.0.1", 5);
    let before = client.request_count();
    let e = client
        .list_invoices(&mm_facturascripts::ListQuery::new())
        .await
        .unwrap_err();
    assert!(matches!(e, mm_facturascripts::FsError::Banned { .. }), "{e}");
    assert!(e.retry_after() >= Some(std::time::Duration::from_secs(600)));
    assert!(e.to_string().contains("10 minutes"));
    let e2 = client
        .list_invoices(&mm_facturascripts::ListQuery::new())
        .await
        .unwrap_err();
    assert!(matches!(e2, mm_facturascripts::FsError::Banned { .. }));
    assert_eq!(client.request_count(), before + 1, "the ban is respected locally");
}

/// A key that may read invoices but not contacts: the poll fails with a 403 that names the
/// resource the key lacks, so the admin knows which permission to add.
#[tokio::test]
async fn a_key_without_one_resource_is_told_which_one() {
    let (sim, _) = setup().await;
    let url = sim.spawn().await.unwrap();
    let ada = sim.add_customer("Ada Lovelace", "ada@example.org");
    sim.add_product("COURSE-A", 100.0);
    let id = sim.create_invoice(&ada, &[("COURSE-A", 1.0, 100.0)]).unwrap();
    sim.pay(id, true).unwrap();
    let resources = [
        "facturaclientes",
        "lineafacturaclientes",
        "clientes",
        "productos",
        "variantes",
    ];
    let access: Vec<_> = resources.iter().map(|r| (*r, true, false, false, false)).collect();
    sim.add_api_key("limited-key", false, &access);
    let mut cfg = FsClientConfig::new(url.parse().unwrap(), SecretString::from("limited-key".to_string()));
    cfg.retry = RetryPolicy::no_retry();
    let mut pc = PollerConfig::new("fs");
    pc.full_sweep_every = 0;
    let poller = Poller::new(FsClient::new(cfg).unwrap(), pc);
    let err = poller.tick(&mut PollCursor::default()).await.unwrap_err().to_string();
    assert!(err.contains("403"), "{err}");
    assert!(
        err.contains("for resource `contactos`"),
        "the refused resource is named: {err}"
    );
}

/// #14 point 5: paid invoices carry their payment date, read from their paid receipts by id
/// range (the API has no `IN`), not one request per invoice; an invoice paid in two
/// instalments is paid when its last one was.
#[tokio::test]
async fn paid_invoices_are_dated_by_their_receipts_in_a_few_requests() {
    let (sim, poller) = setup().await;
    let ada = sim.add_customer("Ada Lovelace", "ada@example.org");
    sim.add_product("COURSE-A", 100.0);
    let n = 300;
    let mut ids = Vec::new();
    for i in 0..n {
        let id = sim.create_invoice(&ada, &[("COURSE-A", 1.0, 100.0)]).unwrap();
        if i % 3 != 2 {
            sim.pay_on(id, &format!("{:02}-03-2026", 1 + i % 28)).unwrap();
        }
        ids.push(id);
    }
    // Two instalments: a draft's receipt paid, its total grown (a second receipt), paid later.
    let split = sim.create_draft(&ada, &[("COURSE-A", 1.0, 100.0)]).unwrap();
    sim.pay_receipt(sim.receipts_of(split)[0], "05-04-2026").unwrap();
    sim.edit_line(sim.lines_of(split)[0], 2.0, None).unwrap();
    sim.set_status(split, 11).unwrap();
    let receipts = sim.receipts_of(split);
    assert_eq!(receipts.len(), 2, "the grown total has its own receipt");
    sim.pay_receipt(receipts[1], "20-04-2026").unwrap();

    sim.reset_request_counts();
    let out = poller.tick(&mut PollCursor::default()).await.unwrap();
    let receipt_requests = sim.request_counts().get("reciboclientes").copied().unwrap_or(0);
    println!(
        "first import of {} invoices ({} paid): {} requests, {receipt_requests} of them for receipts",
        n + 1,
        out.snapshots.iter().filter(|s| s.paid).count(),
        out.requests
    );
    assert!(
        receipt_requests <= 2,
        "receipts by range, not per invoice: {receipt_requests}"
    );
    for (i, id) in ids.iter().enumerate() {
        let s = find(&out, *id).expect("reported");
        let want = (i % 3 != 2).then(|| Timestamp::from_date(2026, 3, 1 + (i % 28) as u32).unwrap());
        assert_eq!(s.paid_on, want, "invoice {id}");
        assert!(s.issued_on.is_some());
    }
    assert_eq!(find(&out, split).unwrap().paid_on, Timestamp::from_date(2026, 4, 20));
}

/// What an observer was told: (peer, function, outcome, timed).
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, String, &'static str, bool)>>);

impl mm_net::CallObserver for Recorder {
    fn observe(&self, call: &mm_net::Call<'_>) {
        assert_eq!(call.system, mm_net::System::FacturaScripts);
        let entry = (
            call.peer.to_owned(),
            call.function.to_owned(),
            call.outcome,
            call.elapsed.is_some(),
        );
        self.0.lock().unwrap().push(entry);
    }
}

/// Each request sent is reported with its resource and a fixed outcome word, retries
/// included; requests withheld after a refused key are not requests, so not reported.
#[tokio::test]
async fn the_observer_is_told_of_every_request_sent() {
    use mm_sim_fault::{FaultConfig, Faults};
    let faults = Faults::new(FaultConfig::default());
    let sim = FsSim::new(FsSimOptions {
        token: Some("k".into()),
        seed: 1,
        faults: Some(faults.clone()),
        ..Default::default()
    });
    let url = sim.spawn().await.unwrap();
    let recorder = std::sync::Arc::new(Recorder::default());
    let config = |key: &str| {
        let mut cfg = FsClientConfig::new(url.parse().unwrap(), SecretString::from(key.to_string()));
        cfg.retry = RetryPolicy {
            max_attempts: 3,
            base: std::time::Duration::from_millis(1),
            max: std::time::Duration::from_millis(5),
        };
        cfg.name = "erp".into();
        cfg.observer = Some(recorder.clone());
        FsClient::new(cfg).unwrap()
    };
    let client = config("k");
    faults.fail_next(1);
    client
        .list_invoices(&mm_facturascripts::ListQuery::new())
        .await
        .unwrap();
    let bad = config("wrong");
    for _ in 0..3 {
        bad.list_invoices(&mm_facturascripts::ListQuery::new())
            .await
            .unwrap_err();
    }
    let seen = recorder.0.lock().unwrap().clone();
    let call = |outcome| ("erp".to_owned(), "facturaclientes".to_owned(), outcome, true);
    assert_eq!(seen, vec![call("server"), call("ok"), call("auth")]);
    assert_eq!(seen.len() as u64, client.request_count() + bad.request_count());
}
