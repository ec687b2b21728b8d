//! Outbound events end to end: a receiver on loopback (axum) verifies every delivery's Standard
//! Webhooks signature; it answers 503 while enrolments are activated, suspended, reactivated and
//! revoked and a certificate is issued, then comes back and receives each event exactly once, in
//! order per learner and course. Also: a rotation signs with both secrets during the overlap, a
//! redelivery, a dead event releasing the next one, and the admin pages.

use crate::kit::admin::Admin;
use crate::kit::http::session_cookie;
use crate::kit::world;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mm_core::{RevokePolicy, Role};
use mm_demo::DemoWorld;
use mm_engine::clock::{Clock, ManualClock};
use mm_engine::config::{Config, SubscriberConfig};
use mm_engine::{Engine, EngineParts};
use mm_store::{DeliveryFilter, DeliveryState};
use mm_webhook::{Headers, Secret, Verifier};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One delivery the receiver took: its id, type, the learner and course it is about, and the
/// `webhook-signature` header as sent.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    kind: String,
    about: (String, String),
    signature: String,
}

/// What the receiver answers, and what it got.
struct Receiver {
    verifier: Mutex<Verifier>,
    clock: Arc<ManualClock>,
    up: AtomicBool,
    /// Deliveries of this type are refused with 400 (a receiver that does not want them).
    refuse: Mutex<Option<String>>,
    got: Mutex<Vec<Received>>,
    forged: Mutex<Vec<String>>,
}

impl Receiver {
    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if !r.up.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let h = Headers::from_lookup(|n| headers.get(n).and_then(|v| v.to_str().ok()));
    // The receiver's clock is the service's (a manual one): the signature's timestamp is checked.
    let verified = r.verifier.lock().unwrap().verify(&h, &body, r.clock.now().0);
    if let Err(e) = verified {
        r.forged.lock().unwrap().push(e.to_string());
        return StatusCode::UNAUTHORIZED;
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let kind = v["type"].as_str().unwrap_or_default().to_owned();
    if r.refuse.lock().unwrap().as_deref() == Some(kind.as_str()) {
        return StatusCode::BAD_REQUEST;
    }
    let data = &v["data"];
    r.got.lock().unwrap().push(Received {
        id: h.id.unwrap_or_default().to_owned(),
        kind,
        about: (
            data["learner"]["email"].as_str().unwrap_or_default().to_owned(),
            data["course"].as_str().unwrap_or_default().to_owned(),
        ),
        signature: h.signature.unwrap_or_default().to_owned(),
    });
    StatusCode::NO_CONTENT
}

/// A receiver on 127.0.0.1 accepting `secrets`: its URL and state.
async fn receiver(secrets: Vec<Secret>, clock: Arc<ManualClock>) -> (String, Arc<Receiver>) {
    let state = Arc::new(Receiver {
        verifier: Mutex::new(Verifier::new(secrets).unwrap()),
        clock,
        up: AtomicBool::new(true),
        refuse: Mutex::new(None),
        got: Mutex::new(Vec::new()),
        forged: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

struct Scene {
    world: DemoWorld,
    app: Arc<Engine>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl Scene {
    /// The demo world with certificates for PY101, JS101 unenrolled when its invoice is taken
    /// back, and the engine on a manual clock; `tune` adds subscribers.
    async fn start(clock: Arc<ManualClock>, tune: impl FnOnce(&mut Config)) -> Scene {
        let (dir, db) = world::sqlite("events.sqlite");
        let world = world::start(&db, "30s").await;
        let mut config = world.config.clone();
        config.certificates.enabled = true;
        config.certificates.dir = dir.path().join("certificates");
        config.certificates.courses.push(mm_engine::config::CourseCertificate {
            site: None,
            course: "PY101".into(),
            name: None,
            hours: None,
            valid_for: None,
            on_revoke: None,
            template: Default::default(),
        });
        for m in config.mappings.iter_mut().filter(|m| m.product == "JS-101") {
            m.on_revoke = RevokePolicy::Unenrol;
        }
        config.events.retry_base = Duration::from_secs(1);
        config.events.retry_max = Duration::from_secs(2);
        tune(&mut config);
        let sites = mm_engine::site::Sites::new(
            config
                .moodle
                .iter()
                .map(mm_engine::site::Site::new)
                .collect::<Result<Vec<_>, _>>()
                .unwrap(),
        );
        let sources = config
            .sources
            .iter()
            .filter_map(|s| mm_engine::ingest::poll::Source::from_config(s).unwrap())
            .collect();
        let app = Engine::build_from(EngineParts {
            config,
            sites,
            sources,
            clock: clock.clone(),
        })
        .await
        .unwrap();
        Scene {
            world,
            app,
            clock,
            _dir: dir,
        }
    }

    fn customer(&self, email: &str) -> String {
        self.world.customers.iter().find(|(_, e)| e == email).unwrap().0.clone()
    }

    async fn pass(&self) {
        let report = self.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{}", report.describe());
    }

    /// Moves time past every back-off and sends until nothing is left to send.
    async fn deliver_all(&self) {
        for _ in 0..20 {
            self.clock.advance(5);
            self.app.drain_events().await.unwrap();
            let left = self
                .app
                .event_deliveries(&DeliveryFilter::default(), None, 200)
                .await
                .unwrap()
                .deliveries
                .into_iter()
                .filter(|d| matches!(d.state, DeliveryState::Pending | DeliveryState::Failing))
                .count();
            if left == 0 {
                return;
            }
        }
        panic!("deliveries still pending after 20 rounds");
    }
}

fn clock() -> Arc<ManualClock> {
    ManualClock::at(mm_engine::clock::now())
}

fn new_secret() -> Secret {
    Secret::generate(&mut rand::rngs::OsRng)
}

fn subscriber(name: &str, url: &str, secrets: Vec<Secret>, events: &[&str]) -> SubscriberConfig {
    SubscriberConfig {
        name: name.into(),
        url: url.parse().unwrap(),
        secrets,
        events: events.iter().map(|e| e.to_string()).collect(),
        allow_private_network: true,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_down_for_a_while_gets_every_event_once_in_order_per_learner_and_course() {
    let clock = clock();
    let secret = new_secret();
    let (url, rx) = receiver(vec![secret.clone()], clock.clone()).await;
    let s = Scene::start(clock, |c| {
        c.subscribers.push(subscriber("crm", &url, vec![secret], &[]))
    })
    .await;
    rx.up.store(false, Ordering::SeqCst);

    let (ada, grace) = (s.world.customers[0].1.clone(), s.world.customers[1].1.clone());
    let py = s.world.invoice(&s.customer(&ada), &["PY-101"]).unwrap();
    s.world.fs.pay(py, true).unwrap();
    let js = s.world.invoice(&s.customer(&grace), &["JS-101"]).unwrap();
    s.world.fs.pay(js, true).unwrap();
    s.pass().await;
    s.world.fs.pay(py, false).unwrap();
    s.pass().await;
    s.world.fs.pay(py, true).unwrap();
    s.world.fs.credit(js, None).unwrap();
    s.pass().await;
    let (uid, cid) = (
        s.world
            .moodle
            .users()
            .into_iter()
            .find(|u| u.email.eq_ignore_ascii_case(&ada))
            .unwrap()
            .id,
        s.world.course_id("PY101").unwrap(),
    );
    let done_at = s.clock.now().0 - 600;
    s.world.moodle.record_course_access(uid, cid, done_at);
    s.world.moodle.mark_course_complete(uid, cid, done_at);
    s.pass().await;
    // A second pass over the same facts emits nothing new.
    s.pass().await;

    // Down: each head is tried, refused with 503, and waits; nothing arrives.
    for _ in 0..3 {
        s.clock.advance(5);
        let r = s.app.drain_events().await.unwrap();
        assert_eq!(r.delivered, 0);
    }
    assert!(rx.received().is_empty());
    let stored = s
        .app
        .event_deliveries(&DeliveryFilter::default(), None, 200)
        .await
        .unwrap();
    assert!(stored.deliveries.iter().any(|d| d.attempts >= 3), "retried while down");

    rx.up.store(true, Ordering::SeqCst);
    s.deliver_all().await;

    let got = rx.received();
    assert!(rx.forged.lock().unwrap().is_empty(), "every signature verified");
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "each event arrived once: {got:?}");
    assert_eq!(got.len(), stored.deliveries.len(), "every stored event arrived");
    let mut per_key: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in &got {
        per_key.entry(r.about.clone()).or_default().push(r.kind.clone());
    }
    assert_eq!(
        per_key[&(ada.to_lowercase(), "PY101".to_owned())],
        [
            "enrolment.activated",
            "enrolment.suspended",
            "enrolment.activated",
            "course.completed",
            "certificate.issued"
        ],
        "{per_key:?}"
    );
    assert_eq!(
        per_key[&(grace.to_lowercase(), "JS101".to_owned())],
        ["enrolment.activated", "enrolment.revoked"],
        "{per_key:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_signs_with_both_secrets_and_a_delivery_can_be_sent_again() {
    let clock = clock();
    // The receiver learns the secrets once the subscriber exists.
    let (url, rx) = receiver(vec![new_secret()], clock.clone()).await;
    let s = Scene::start(clock, |_| {}).await;
    let actor = mm_engine::admin::Actor::Cli;
    let draft = mm_engine::events::SubscriberDraft {
        name: "bi".into(),
        url: url.clone(),
        events: vec![],
        enabled: true,
        allow_private_network: true,
    };
    let first = s.app.create_subscriber(&actor, draft).await.unwrap();
    let first = Secret::parse(&first.secret).unwrap();
    let second = s.app.rotate_subscriber_secret(&actor, "bi").await.unwrap();
    let second = Secret::parse(&second.secret).unwrap();
    assert_eq!(
        s.app.reveal_subscriber_secret(&actor, "bi").await.unwrap().secret,
        second.expose_whsec()
    );
    *rx.verifier.lock().unwrap() = Verifier::new(vec![first.clone()]).unwrap();
    let id = s.app.send_test_event(&actor, "bi").await.unwrap();
    s.deliver_all().await;
    let got = rx.received();
    assert_eq!(got.len(), 1, "the old secret still verifies during the overlap");
    assert_eq!(got[0].signature.split(' ').count(), 2, "{}", got[0].signature);

    // Only the new one after the overlap, and a redelivery arrives again with the same id.
    s.clock.advance(25 * 3600);
    *rx.verifier.lock().unwrap() = Verifier::new(vec![second]).unwrap();
    s.app.redeliver_event(&actor, id).await.unwrap();
    s.deliver_all().await;
    let got = rx.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id, "one event, delivered twice on request");
    assert_eq!(got[1].signature.split(' ').count(), 1, "{}", got[1].signature);
    let detail = s.app.event_delivery(id).await.unwrap();
    assert_eq!(detail.attempts.len(), 2);
    assert!(detail.attempts.iter().all(|a| a.status == Some(204)));
    let actions = s.app.store().operator_actions(None, 20).await.unwrap();
    for action in [
        "subscriber.create",
        "subscriber.rotate_secret",
        "subscriber.reveal_secret",
        "event.redeliver",
    ] {
        assert!(actions.iter().any(|a| a.action == action), "{action} audited");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_event_releases_the_next_one_for_the_same_learner_and_course() {
    let clock = clock();
    let secret = new_secret();
    let (url, rx) = receiver(vec![secret.clone()], clock.clone()).await;
    let s = Scene::start(clock, |c| {
        c.events.max_attempts = 2;
        c.subscribers.push(subscriber(
            "crm",
            &url,
            vec![secret],
            &["enrolment.activated", "enrolment.suspended"],
        ));
    })
    .await;
    *rx.refuse.lock().unwrap() = Some("enrolment.activated".into());
    let ada = s.world.customers[0].1.clone();
    let py = s.world.invoice(&s.customer(&ada), &["PY-101"]).unwrap();
    s.world.fs.pay(py, true).unwrap();
    s.pass().await;
    s.world.fs.pay(py, false).unwrap();
    s.pass().await;

    s.app.drain_events().await.unwrap();
    let failing = DeliveryFilter {
        state: Some(DeliveryState::Failing),
        ..DeliveryFilter::default()
    };
    let page = s.app.event_deliveries(&failing, None, 10).await.unwrap();
    assert_eq!(
        page.deliveries.len(),
        1,
        "a 400 keeps it failing, and it holds the next back"
    );
    assert!(rx.received().is_empty());
    s.deliver_all().await;
    let got: Vec<String> = rx.received().into_iter().map(|r| r.kind).collect();
    assert_eq!(got, ["enrolment.suspended"], "the dead one released it");
    let dead = DeliveryFilter {
        state: Some(DeliveryState::Dead),
        ..DeliveryFilter::default()
    };
    let dead = s.app.event_deliveries(&dead, None, 10).await.unwrap().deliveries;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].event_type.as_str(), dead[0].last_status),
        ("enrolment.activated", Some(400))
    );
}

#[tokio::test]
async fn the_admin_pages_add_a_subscriber_show_its_secret_once_and_redeliver() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    let viewer = session_cookie(&a.app, Role::Viewer).await;
    let (status, _) = a.get(&viewer, "/subscribers").await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "subscribers are the admins'");

    let added = a
        .submit(
            &admin,
            "/subscribers",
            "/subscribers",
            &[
                ("op", "create"),
                ("name", "crm"),
                ("url", "http://127.0.0.1:9/hook"),
                ("event.certificate.issued", "on"),
                ("enabled", "on"),
                ("allow_private_network", "on"),
            ],
        )
        .await;
    assert_eq!(added.status, reqwest::StatusCode::OK, "{}", added.body);
    let shown = added
        .body
        .split("<pre data-secret>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert!(Secret::parse(shown).is_ok(), "a whsec_ secret is shown once: {shown}");
    let (_, page) = a.get(&admin, "/subscribers").await;
    assert!(page.contains(r#"data-subscriber="crm""#), "{page}");
    assert!(!page.contains(shown), "not shown again unasked");
    let subs = a.app.subscribers().await.unwrap();
    assert_eq!(subs[0].events, ["certificate.issued"]);

    // A refused address says so.
    let bad = a
        .submit(
            &admin,
            "/subscribers",
            "/subscribers",
            &[("op", "create"), ("name", "lan"), ("url", "http://127.0.0.1:9/hook")],
        )
        .await;
    assert!(bad.location.contains("error=invalid-url"), "{}", bad.location);

    // A test event, on its delivery page; an operator may send it again once it is done.
    let ping = a
        .submit(
            &admin,
            "/subscribers",
            "/subscribers",
            &[("op", "ping"), ("name", "crm")],
        )
        .await;
    assert!(ping.location.starts_with("/events/"), "{}", ping.location);
    let (status, page) = a.get(&viewer, &ping.location).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(page.contains(r#"data-state="pending""#), "{page}");
    assert!(
        !page.contains(r#"data-action="redeliver""#),
        "a viewer cannot redeliver"
    );
    let (_, list) = a.get(&viewer, "/events?subscriber=crm").await;
    assert!(list.contains(r#"data-type="ping""#), "{list}");
    a.app.drain_events().await.unwrap();
    let id: i64 = ping.location.trim_start_matches("/events/").parse().unwrap();
    let detail = a.app.event_delivery(id).await.unwrap();
    assert_eq!(detail.attempts.len(), 1, "port 9 refuses: one attempt recorded");
    assert!(detail.attempts[0].error.is_some());
    // Edited: every event now, the secret kept.
    let edited = a
        .submit(
            &admin,
            "/subscribers?edit=crm",
            "/subscribers",
            &[
                ("op", "update"),
                ("name", "crm"),
                ("url", "http://127.0.0.1:9/other"),
                ("enabled", "on"),
                ("allow_private_network", "on"),
            ],
        )
        .await;
    assert_eq!(edited.status, reqwest::StatusCode::SEE_OTHER, "{}", edited.body);
    let subs = a.app.subscribers().await.unwrap();
    assert!(subs[0].events.is_empty() && subs[0].url.ends_with("/other"), "{subs:?}");
    // Redelivery is an operator's; a viewer is refused.
    let operator = session_cookie(&a.app, Role::Operator).await;
    let r = a.post(&viewer, "/events", "/events", &[("subscriber", "crm")]).await;
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    let r = a
        .submit(
            &operator,
            "/events",
            "/events",
            &[("subscriber", "crm"), ("state", "dead")],
        )
        .await;
    assert_eq!(r.location, "/events?redelivered=0", "nothing dead to send again");
    let removed = a
        .submit(
            &admin,
            "/subscribers",
            "/subscribers",
            &[("op", "delete"), ("name", "crm")],
        )
        .await;
    assert_eq!(removed.status, reqwest::StatusCode::SEE_OTHER);
    assert!(a.app.subscribers().await.unwrap().is_empty());
}

/// `/api/v1`: the subscribers, the deliveries page by page, and sending the delivered ones
/// again, as the engine holds them.
#[tokio::test(flavor = "multi_thread")]
async fn the_api_lists_subscribers_and_deliveries_and_sends_them_again() {
    let clock = clock();
    let secret = new_secret();
    let (url, _rx) = receiver(vec![secret.clone()], clock.clone()).await;
    let s = Scene::start(clock, |c| {
        c.subscribers.push(subscriber("crm", &url, vec![secret], &[]))
    })
    .await;
    let ada = s.world.customers[0].1.clone();
    let py = s.world.invoice(&s.customer(&ada), &["PY-101", "JS-101"]).unwrap();
    s.world.fs.pay(py, true).unwrap();
    s.pass().await;
    s.deliver_all().await;
    let (base, _task) = crate::kit::http::serve(&s.app).await;
    let read = crate::api_v1::token(&s.app, "bi", mm_core::Scope::Read, None).await;
    let write = crate::api_v1::token(&s.app, "ops", mm_core::Scope::Write, None).await;
    let http = reqwest::Client::new();
    let get = |path: String| {
        let r = http.get(format!("{base}{path}")).bearer_auth(&read).send();
        async move {
            let r = r.await.unwrap();
            (r.status(), r.json::<serde_json::Value>().await.unwrap())
        }
    };

    let (status, subs) = get("/api/v1/subscribers".into()).await;
    assert_eq!(status, StatusCode::OK, "{subs}");
    assert_eq!(subs["items"][0]["name"], "crm", "{subs}");
    assert_eq!(subs["items"][0]["origin"], "config", "{subs}");

    // Page by page, one at a time, the same deliveries as the engine's, newest first.
    let stored = s
        .app
        .event_deliveries(&DeliveryFilter::default(), None, 200)
        .await
        .unwrap()
        .deliveries;
    assert!(stored.len() >= 2, "two enrolments, two events: {stored:?}");
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = get(format!("/api/v1/event-deliveries?limit=1&cursor={cursor}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, stored.iter().map(|d| d.id).collect::<Vec<_>>());
    let (status, bad) = get("/api/v1/event-deliveries?state=lost".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["field"], "state", "{bad}");

    let post = |token: &str, body: serde_json::Value| {
        http.post(format!("{base}/api/v1/event-deliveries/redeliver"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let refused = post(&read, serde_json::json!({})).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let typo = post(&write, serde_json::json!({"state": "sent"})).await.unwrap();
    assert_eq!(typo.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(typo.json::<serde_json::Value>().await.unwrap()["field"], "state");
    let again = post(&write, serde_json::json!({"subscriber": "crm", "state": "delivered"}))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let count = again.json::<serde_json::Value>().await.unwrap()["count"]
        .as_u64()
        .unwrap();
    assert_eq!(count, stored.len() as u64, "every delivered one");
    let pending = s
        .app
        .event_deliveries(
            &DeliveryFilter {
                subscriber: None,
                state: Some(DeliveryState::Pending),
            },
            None,
            200,
        )
        .await
        .unwrap()
        .deliveries;
    assert_eq!(pending.len(), stored.len(), "each one is on its way again");
}
