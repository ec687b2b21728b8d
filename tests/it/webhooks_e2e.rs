//! Webhooks from any billing system, over HTTP: signed deliveries in, Moodle converged out,
//! and every forged, replayed or malformed delivery refused without losing anything.

use crate::kit::http::{ERP_SECRET as OLD, SHOP_SECRET as NEW, free_port, serve, signature};
use crate::kit::world;
use mm_demo::DemoWorld;
use mm_engine::config::Config;
use mm_engine::{Engine, clock::now};
use mm_sim_moodle::EnrolStatus;
use mm_store::testing::{TestDb, backends, fresh};
use mm_webhook::{Secret, sign};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

struct Shop {
    world: DemoWorld,
    app: Arc<Engine>,
    url: String,
    http: reqwest::Client,
    _db: TestDb,
}

impl Shop {
    async fn start(backend: &'static str) -> Shop {
        let db = fresh(backend).await.unwrap();
        let world = world::start(&db.url, "1s").await;
        let toml = format!(
            "[database]\nurl = \"{}\"\n[[moodle]]\nname = \"main\"\nurl = \"{}\"\ntoken = \"{}\"\nallow_private_network = true\n\
             [[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = [\"{NEW}\", \"{OLD}\"]\n\
             [[mapping]]\nproduct = \"PY-101\"\nmoodle = \"main\"\ncourse = \"PY101\"\nduration = \"30d\"\n",
            db.url,
            world.moodle_url,
            world.moodle.token()
        );
        let config = Config::from_toml(&toml, Path::new("shop.toml"), |_| None).unwrap();
        let app = Engine::build(config).await.unwrap();
        let (base, _) = serve(&app).await;
        let url = format!("{base}/webhooks/shop");
        Shop {
            world,
            app,
            url,
            http: reqwest::Client::new(),
            _db: db,
        }
    }

    async fn post(&self, url: &str, id: &str, ts: i64, sig: &str, body: &[u8]) -> (u16, serde_json::Value) {
        let res = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    async fn send(&self, secret: &str, id: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let body = serde_json::to_vec(body).unwrap();
        let (ts, sig) = signature(secret, id, &body);
        self.post(&self.url, id, ts, &sig, &body).await
    }
}

fn invoice(id: &str, email: &str, paid: bool) -> serde_json::Value {
    json!({"type": "invoice.upserted", "data": {
        "id": id, "number": format!("2026-{id}"), "paid": paid, "currency": "EUR", "issued_at": "2026-11-25",
        "customer": {"id": "C1", "name": "Grace Hopper", "email": email},
        "lines": [{"id": "1", "product": "PY-101", "quantity": 1, "amount": 100.0}],
        "credit_note_for": null}})
}

fn status_of(shop: &Shop, email: &str) -> Option<EnrolStatus> {
    shop.world
        .moodle
        .enrolments()
        .into_iter()
        .find(|e| e.email == email && e.course_shortname == "PY101")
        .map(|e| e.status)
}

#[tokio::test]
async fn a_signed_paid_invoice_enrols_and_later_events_converge() {
    for b in backends() {
        let shop = Shop::start(b).await;
        let (status, body) = shop
            .send(NEW, "msg_1", &invoice("INV-1", "grace@example.org", true))
            .await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["duplicate"], false);
        assert!(shop.app.reconcile_once().await.unwrap().converged());
        assert_eq!(status_of(&shop, "grace@example.org"), Some(EnrolStatus::Active), "{b}");

        // The old secret still works during a rotation.
        let (status, _) = shop
            .send(OLD, "msg_2", &invoice("INV-1", "grace@example.org", false))
            .await;
        assert_eq!(status, 200, "{b}");
        shop.app.reconcile_once().await.unwrap();
        assert_eq!(
            status_of(&shop, "grace@example.org"),
            Some(EnrolStatus::Suspended),
            "{b}: unpaid again"
        );

        let (status, _) = shop
            .send(NEW, "msg_3", &invoice("INV-1", "grace@example.org", true))
            .await;
        assert_eq!(status, 200);
        shop.app.reconcile_once().await.unwrap();
        assert_eq!(
            status_of(&shop, "grace@example.org"),
            Some(EnrolStatus::Active),
            "{b}: paid again"
        );

        let (status, _) = shop
            .send(
                NEW,
                "msg_4",
                &json!({"type": "invoice.deleted", "data": {"id": "INV-1"}}),
            )
            .await;
        assert_eq!(status, 200);
        shop.app.reconcile_once().await.unwrap();
        assert_eq!(
            status_of(&shop, "grace@example.org"),
            Some(EnrolStatus::Suspended),
            "{b}: deleted"
        );
    }
}

#[tokio::test]
async fn a_replayed_delivery_is_acknowledged_once_and_applied_once() {
    let shop = Shop::start("sqlite").await;
    let first = shop
        .send(NEW, "msg_dup", &invoice("INV-7", "ada@example.org", true))
        .await;
    assert_eq!(first.0, 200);
    // Same id, even with another body: acknowledged as a duplicate, not applied.
    let again = shop
        .send(NEW, "msg_dup", &invoice("INV-7", "ada@example.org", false))
        .await;
    assert_eq!(again.0, 200);
    assert_eq!(again.1["duplicate"], true);
    let invoices = shop.app.store().invoices().await.unwrap();
    assert_eq!(invoices.len(), 1);
    assert!(
        invoices[0].is_paid(),
        "the duplicate did not overwrite the first delivery"
    );
}

#[tokio::test]
async fn forged_expired_tampered_oversized_and_malformed_deliveries_are_refused() {
    let shop = Shop::start("sqlite").await;
    let body = serde_json::to_vec(&invoice("INV-9", "eve@example.org", true)).unwrap();
    let key = Secret::parse(NEW).unwrap();
    let t = now().0;
    let good = sign(&key, "msg_x", t, &body);
    let wrong = sign(
        &Secret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap(),
        "msg_x",
        t,
        &body,
    );
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    // (name, url, timestamp header, signature header, body, expected status)
    type Delivery<'a> = (&'a str, String, i64, String, Vec<u8>, u16);
    let cases: Vec<Delivery> = vec![
        ("wrong secret", shop.url.clone(), t, wrong, body.clone(), 401),
        ("tampered body", shop.url.clone(), t, good.clone(), tampered, 401),
        (
            "expired",
            shop.url.clone(),
            t - 6 * 60,
            sign(&key, "msg_x", t - 6 * 60, &body),
            body.clone(),
            401,
        ),
        (
            "from the future",
            shop.url.clone(),
            t + 6 * 60,
            sign(&key, "msg_x", t + 6 * 60, &body),
            body.clone(),
            401,
        ),
        (
            "timestamp changed after signing",
            shop.url.clone(),
            t + 1,
            good.clone(),
            body.clone(),
            401,
        ),
        ("no signature", shop.url.clone(), t, String::new(), body.clone(), 400),
        (
            "unknown source",
            shop.url.replace("/shop", "/nope"),
            t,
            good.clone(),
            body.clone(),
            404,
        ),
    ];
    for (name, url, ts, sig, body, want) in cases {
        let (status, answer) = shop.post(&url, "msg_x", ts, &sig, &body).await;
        assert_eq!(status, want, "{name}: {answer}");
        assert!(!answer.to_string().contains("MfKQ9r8"), "{name}: no secret in answers");
    }
    // Oversized: refused before anything is read into memory.
    let big = vec![b' '; 300 * 1024];
    let (status, _) = shop
        .post(&shop.url, "msg_big", t, &sign(&key, "msg_big", t, &big), &big)
        .await;
    assert_eq!(status, 413);
    // Well signed but malformed: 400 naming the field.
    let bad = serde_json::to_vec(
        &json!({"type": "invoice.upserted", "data": {"id": "X", "number": "1", "paid": "yes",
        "customer": {"id": "C", "name": "n", "email": null}, "lines": [], "credit_note_for": null}}),
    )
    .unwrap();
    let (status, answer) = shop
        .post(&shop.url, "msg_bad", t, &sign(&key, "msg_bad", t, &bad), &bad)
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("data.paid"), "{answer}");
    let (status, _) = shop
        .post(
            &shop.url,
            "msg_nojson",
            t,
            &sign(&key, "msg_nojson", t, b"{not json"),
            b"{not json",
        )
        .await;
    assert_eq!(status, 400);
    // Nothing refused reached the store; the valid one still goes through afterwards.
    assert!(shop.app.store().invoices().await.unwrap().is_empty());
    let (status, _) = shop.post(&shop.url, "msg_x", t, &good, &body).await;
    assert_eq!(status, 200);
    assert_eq!(shop.app.store().invoices().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_delivery_stored_but_not_applied_before_a_crash_is_applied_at_the_next_start() {
    let shop = Shop::start("sqlite").await;
    let body = serde_json::to_string(&invoice("INV-5", "alan@example.org", true)).unwrap();
    // As if the process died right after storing the delivery and answering.
    assert!(
        shop.app
            .store()
            .record_delivery("shop", "msg_crash", &body, now().0, now())
            .await
            .unwrap()
    );
    assert!(shop.app.store().invoices().await.unwrap().is_empty());
    let restarted = Engine::build(shop.app.config().clone()).await.unwrap();
    assert_eq!(restarted.store().invoices().await.unwrap().len(), 1);
    assert!(restarted.store().pending_deliveries().await.unwrap().is_empty());
    assert!(restarted.reconcile_once().await.unwrap().converged());
    assert_eq!(status_of(&shop, "alan@example.org"), Some(EnrolStatus::Active));
}

#[tokio::test]
async fn credit_notes_and_an_email_change_sent_as_webhooks_converge() {
    let shop = Shop::start("sqlite").await;
    let two_lines = json!({"type": "invoice.upserted", "data": {
        "id": "INV-2", "number": "2026-002", "paid": true, "currency": "EUR", "issued_at": "2026-11-25",
        "customer": {"id": "C2", "name": "Ken Thompson", "email": "ken@example.org"},
        "lines": [{"id": "1", "product": "PY-101", "quantity": 1, "amount": 100.0},
                  {"id": "2", "product": "PY-101", "quantity": 1, "amount": 100.0}],
        "credit_note_for": null}});
    assert_eq!(shop.send(NEW, "m1", &two_lines).await.0, 200);
    shop.app.reconcile_once().await.unwrap();
    assert_eq!(status_of(&shop, "ken@example.org"), Some(EnrolStatus::Active));
    // A partial credit note for one of the two lines: the other still grants access.
    let partial = json!({"type": "invoice.upserted", "data": {
        "id": "CN-1", "number": "R-001", "paid": false, "currency": "EUR", "issued_at": "2026-11-26",
        "customer": {"id": "C2", "name": "Ken Thompson", "email": "ken@example.org"},
        "lines": [{"id": "1", "product": "PY-101", "quantity": -1, "amount": -100.0, "credits_line": "1"}],
        "credit_note_for": "INV-2"}});
    let (status, body) = shop.send(NEW, "m2", &partial).await;
    assert_eq!(status, 200, "{body}");
    shop.app.reconcile_once().await.unwrap();
    assert_eq!(
        status_of(&shop, "ken@example.org"),
        Some(EnrolStatus::Active),
        "one line still paid"
    );
    // The rest is credited too: access is revoked.
    let rest = json!({"type": "invoice.upserted", "data": {
        "id": "CN-2", "number": "R-002", "paid": false, "currency": "EUR", "issued_at": "2026-11-27",
        "customer": {"id": "C2", "name": "Ken Thompson", "email": "ken@example.org"},
        "lines": [{"id": "1", "product": "PY-101", "quantity": -1, "amount": -100.0, "credits_line": "2"}],
        "credit_note_for": "INV-2"}});
    assert_eq!(shop.send(NEW, "m3", &rest).await.0, 200);
    shop.app.reconcile_once().await.unwrap();
    assert_eq!(
        status_of(&shop, "ken@example.org"),
        Some(EnrolStatus::Suspended),
        "fully credited"
    );

    // Another invoice; then the customer's email changes in the billing system.
    assert_eq!(
        shop.send(NEW, "m4", &invoice("INV-3", "joan@example.org", true))
            .await
            .0,
        200
    );
    shop.app.reconcile_once().await.unwrap();
    assert_eq!(
        shop.send(NEW, "m5", &invoice("INV-3", "joan.clarke@example.org", true))
            .await
            .0,
        200
    );
    assert!(shop.app.reconcile_once().await.unwrap().converged());
    assert_eq!(status_of(&shop, "joan.clarke@example.org"), Some(EnrolStatus::Active));
    // Her account followed the new address (found by the idnumber we gave it): the old one no
    // longer exists in Moodle, so nothing is left enrolled under it.
    assert_eq!(status_of(&shop, "joan@example.org"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_facturascripts_hint_makes_the_service_poll_now() {
    let db = fresh("sqlite").await.unwrap();
    let listen = free_port();
    let world = world::start_on(&db.url, listen, "60s").await;
    let mut config = world.config.clone();
    if let mm_engine::config::SourceConfig::FacturaScripts { webhook_secrets, .. } = &mut config.sources[0] {
        webhook_secrets.push(Secret::parse(NEW).unwrap());
    }
    let app = Engine::build(config).await.unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let service = tokio::spawn(mm_web::serve(app.clone(), stop.clone()));
    let http = reqwest::Client::new();
    // Wait for the server and the first (immediate) poll.
    let start = std::time::Instant::now();
    while http.get(format!("http://{listen}/readyz")).send().await.is_err() {
        assert!(start.elapsed().as_secs() < 20, "service did not start");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let (cod, email) = world.customers[9].clone();
    let id = world.invoice(&cod, &["PY-101"]).unwrap();
    world.fs.pay(id, true).unwrap();
    let body = serde_json::to_vec(&json!({"type": "invoice.hint", "data": {"id": id.to_string()}})).unwrap();
    let ts = now().0;
    let sig = sign(&Secret::parse(NEW).unwrap(), "hint-1", ts, &body);
    let res = http
        .post(format!("http://{listen}/webhooks/erp"))
        .header("webhook-id", "hint-1")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let hinted = std::time::Instant::now();
    let mut enrolled = false;
    while hinted.elapsed().as_secs() < 10 {
        if world
            .moodle
            .enrolments()
            .iter()
            .any(|e| e.email.eq_ignore_ascii_case(&email) && e.course_shortname == "PY101")
        {
            enrolled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let took = hinted.elapsed();
    stop.cancel();
    service.await.unwrap().unwrap();
    assert!(enrolled, "the hint did not trigger a poll (poll interval is 60 s)");
    eprintln!("hint → enrolled in {took:?}");
}

#[tokio::test]
async fn an_older_event_arriving_late_does_not_undo_a_newer_one() {
    for b in backends() {
        let shop = Shop::start(b).await;
        let t = now().0;
        let send_at = |id: &'static str, ts: i64, body: serde_json::Value| {
            let body = serde_json::to_vec(&body).unwrap();
            let sig = sign(&Secret::parse(NEW).unwrap(), id, ts, &body);
            (id, ts, sig, body)
        };
        // Paid at t, but the "unpaid" event of t-60 arrives after it.
        let newer = send_at("m-new", t, invoice("INV-8", "linus@example.org", true));
        let older = send_at("m-old", t - 60, invoice("INV-8", "linus@example.org", false));
        for (id, ts, sig, body) in [newer, older] {
            assert_eq!(shop.post(&shop.url, id, ts, &sig, &body).await.0, 200);
        }
        shop.app.reconcile_once().await.unwrap();
        assert_eq!(
            status_of(&shop, "linus@example.org"),
            Some(EnrolStatus::Active),
            "the late, older event was ignored"
        );
        // A late, older deletion is ignored too.
        let (id, ts, sig, body) = send_at(
            "m-del",
            t - 30,
            json!({"type": "invoice.deleted", "data": {"id": "INV-8"}}),
        );
        assert_eq!(shop.post(&shop.url, id, ts, &sig, &body).await.0, 200);
        shop.app.reconcile_once().await.unwrap();
        assert_eq!(status_of(&shop, "linus@example.org"), Some(EnrolStatus::Active));
    }
}

#[tokio::test]
async fn a_retry_of_a_stored_but_unapplied_delivery_is_applied_then() {
    let shop = Shop::start("sqlite").await;
    let body = invoice("INV-6", "barbara@example.org", true);
    let text = serde_json::to_string(&body).unwrap();
    // As if applying failed after storing (the sender got a 503 and retries).
    let t = now().0;
    assert!(
        shop.app
            .store()
            .record_delivery("shop", "msg_retry", &text, t, now())
            .await
            .unwrap()
    );
    let bytes = text.into_bytes();
    let sig = sign(&Secret::parse(NEW).unwrap(), "msg_retry", t, &bytes);
    let (status, answer) = shop.post(&shop.url, "msg_retry", t, &sig, &bytes).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["duplicate"], true);
    assert_eq!(
        shop.app.store().invoices().await.unwrap().len(),
        1,
        "applied on the retry, not at the next start"
    );
    assert!(shop.app.store().pending_deliveries().await.unwrap().is_empty());
}
