//! Policies end to end, over loopback against the simulators, on SQLite and PostgreSQL:
//! seats assigned through the API, a grace period, a mapping removed with `on_remove`.

use crate::kit::http::call;
use crate::kit::world;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use mm_core::RemovalPolicy;
use mm_demo::DemoWorld;
use mm_engine::Engine;
use mm_engine::config::Config;
use mm_sim_moodle::EnrolStatus;
use mm_store::testing::{TestDb, backends, fresh};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::Arc;

const TOKEN: &str = "test-admin-token-0123456789abcdef";

struct World {
    world: DemoWorld,
    app: Arc<Engine>,
    db: TestDb,
}

async fn start(backend: &'static str, adjust: impl FnOnce(&mut Config)) -> World {
    let db = fresh(backend).await.unwrap();
    let world = world::start(&db.url, "1s").await;
    let mut config = world.config.clone();
    config.admin_token = Some(SecretString::from(TOKEN.to_string()));
    adjust(&mut config);
    let app = Engine::build(config).await.unwrap();
    World { world, app, db }
}

impl World {
    fn enrolment(&self, email: &str, course: &str) -> Option<(EnrolStatus, i64, i64)> {
        world::enrolment(&self.world, email, course)
    }

    async fn call(&self, method: Method, uri: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let a = call(&self.app, req.body(Body::from(body.to_string())).unwrap()).await;
        (a.status, serde_json::from_str(&a.body).unwrap_or(Value::Null))
    }
}

fn seat(invoice: i64, line: i64, email: &str) -> Value {
    json!({"source": "erp", "invoice": invoice.to_string(), "line": line.to_string(), "email": email, "name": "Named Learner"})
}

#[tokio::test]
async fn seats_bought_by_a_company_go_to_the_learners_it_names() {
    for b in backends() {
        let w = start(b, |_| {}).await;
        let buyer = w.world.fs.add_customer("Acme Training SL", "purchasing@acme.example");
        let invoice = w.world.fs.create_invoice(&buyer, &[("PY-101", 3.0, 120.0)]).unwrap();
        w.world.fs.pay(invoice, true).unwrap();
        let line = w.world.fs.lines_of(invoice)[0];
        // Polled and paid, but no seat named yet: nobody is enrolled, the buyer least of all.
        w.app.reconcile_once().await.unwrap();
        assert!(w.enrolment("purchasing@acme.example", "PY101").is_none(), "{b}");
        let holds = w.app.store().holds().await.unwrap();
        assert!(
            holds
                .iter()
                .any(|h| h.message.contains("3 paid seat(s) not yet assigned")),
            "{b}: {holds:?}"
        );

        // Writes need the admin token.
        let (s, _) = w
            .call(
                Method::POST,
                "/api/seats",
                None,
                seat(invoice, line, "eve@acme.example"),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        let (s, _) = w
            .call(
                Method::POST,
                "/api/seats",
                Some("wrong-token-wrong-token-wrong"),
                seat(invoice, line, "eve@acme.example"),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        assert!(
            w.app.store().seats(None).await.unwrap().is_empty(),
            "{b}: a refused write wrote"
        );

        for email in ["eve@acme.example", "Finn@Acme.example", "gil@acme.example"] {
            let (s, body) = w
                .call(Method::POST, "/api/seats", Some(TOKEN), seat(invoice, line, email))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}: {body}");
        }
        let (s, body) = w
            .call(
                Method::POST,
                "/api/seats",
                Some(TOKEN),
                seat(invoice, line, "finn@acme.example"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: the same learner again is no new seat: {body}");
        let (s, body) = w
            .call(
                Method::POST,
                "/api/seats",
                Some(TOKEN),
                seat(invoice, line, "hal@acme.example"),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("all 3 seat(s)"),
            "{b}: {body}"
        );
        let (s, body) = w
            .call(
                Method::POST,
                "/api/seats",
                Some(TOKEN),
                seat(invoice, 999_999, "hal@acme.example"),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {body}");
        let (s, body) = w
            .call(
                Method::POST,
                "/api/seats",
                Some(TOKEN),
                json!({"source": "erp", "invoice": "1"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");

        let report = w.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{b}: {report:?}");
        for email in ["eve@acme.example", "finn@acme.example", "gil@acme.example"] {
            let e = w
                .enrolment(email, "PY101")
                .unwrap_or_else(|| panic!("{b}: {email} not enrolled"));
            assert_eq!(e.0, EnrolStatus::Active, "{b}: {email}");
        }
        assert!(w.enrolment("purchasing@acme.example", "PY101").is_none(), "{b}");
        let (s, list) = w
            .call(
                Method::GET,
                &format!("/api/seats?source=erp&invoice={invoice}"),
                Some(TOKEN),
                Value::Null,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(list.as_array().map(Vec::len), Some(3), "{b}: {list}");

        // A credit note for two seats leaves one: releasing finn's
        // seat revokes finn, the credit takes back the latest assigned (gil). Eve keeps hers.
        w.world.fs.credit(invoice, Some(vec![(line, 2.0)])).unwrap();
        let (s, _) = w
            .call(
                Method::DELETE,
                "/api/seats",
                Some(TOKEN),
                seat(invoice, line, "finn@acme.example"),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let report = w.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{b}: {report:?}");
        assert_eq!(
            w.enrolment("eve@acme.example", "PY101").unwrap().0,
            EnrolStatus::Active,
            "{b}"
        );
        assert_eq!(
            w.enrolment("finn@acme.example", "PY101").unwrap().0,
            EnrolStatus::Suspended,
            "{b}"
        );
        assert_eq!(
            w.enrolment("gil@acme.example", "PY101").unwrap().0,
            EnrolStatus::Suspended,
            "{b}"
        );
        assert!(w.world.differences(&w.app).await.unwrap().is_empty(), "{b}");
    }
}

#[tokio::test]
async fn seat_writes_are_off_without_an_admin_token() {
    let db = fresh("sqlite").await.unwrap();
    let world = world::start(&db.url, "1s").await;
    let app = world::app(&world).await;
    let w = World { world, app, db };
    let (s, body) = w
        .call(Method::POST, "/api/seats", Some(TOKEN), seat(1, 1, "eve@acme.example"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"].as_str().unwrap().contains("server.admin_token"), "{body}");
}

#[tokio::test]
async fn an_invoice_unpaid_again_keeps_access_through_the_grace_period() {
    for b in backends() {
        let w = start(b, |c| {
            for m in &mut c.mappings {
                m.grace_secs = 14 * 86_400;
            }
        })
        .await;
        let (customer, email) = w.world.customers[0].clone();
        let id = w.world.invoice(&customer, &["PY-101"]).unwrap();
        w.world.fs.pay(id, true).unwrap();
        w.app.reconcile_once().await.unwrap();
        let (status, start, end) = w.enrolment(&email, "PY101").unwrap();
        assert_eq!((status, end - start), (EnrolStatus::Active, 365 * 86_400), "{b}");

        // A returned direct debit: still active, but Moodle's end date now closes access when
        // the grace period does, even if this service were down by then.
        w.world.fs.pay(id, false).unwrap();
        let before = mm_engine::clock::now().0;
        let report = w.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{b}: {report:?}");
        let (status, start2, end2) = w.enrolment(&email, "PY101").unwrap();
        assert_eq!((status, start2), (EnrolStatus::Active, start), "{b}");
        assert!(
            (before + 14 * 86_400..=mm_engine::clock::now().0 + 14 * 86_400).contains(&end2),
            "{b}: ends {end2}, 14 days after it was seen unpaid ({before})"
        );
        let audit = w.app.store().audit_log(1).await.unwrap();
        assert!(audit[0].reason.contains("grace period"), "{b}: {}", audit[0].reason);

        // Paid again: the full paid period is back.
        w.world.fs.pay(id, true).unwrap();
        w.app.reconcile_once().await.unwrap();
        let (status, _, end3) = w.enrolment(&email, "PY101").unwrap();
        assert_eq!(status, EnrolStatus::Active, "{b}");
        assert!(end3 > end2 + 300 * 86_400, "{b}: {end3}");
    }
}

#[tokio::test]
async fn a_mapping_removed_with_on_remove_revoke_revokes_and_with_keep_leaves_alone() {
    for b in backends() {
        let w = start(b, |c| {
            for m in &mut c.mappings {
                if m.product == "PY-101" {
                    m.on_remove = RemovalPolicy::Revoke;
                }
            }
        })
        .await;
        let (customer, email) = w.world.customers[1].clone();
        let id = w.world.invoice(&customer, &["PY-101", "JS-101"]).unwrap();
        w.world.fs.pay(id, true).unwrap();
        w.app.reconcile_once().await.unwrap();
        assert_eq!(w.enrolment(&email, "PY101").unwrap().0, EnrolStatus::Active, "{b}");
        assert_eq!(w.enrolment(&email, "JS101").unwrap().0, EnrolStatus::Active, "{b}");

        // The admin deletes both mappings from the file and restarts the service.
        let mut config = w.app.config().clone();
        config
            .mappings
            .retain(|m| m.product != "PY-101" && m.product != "JS-101");
        let app = Engine::build(config).await.unwrap();
        let report = app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{b}: {report:?}");
        assert_eq!(
            w.enrolment(&email, "PY101").unwrap().0,
            EnrolStatus::Suspended,
            "{b}: PY-101 said on_remove = revoke"
        );
        assert_eq!(
            w.enrolment(&email, "JS101").unwrap().0,
            EnrolStatus::Active,
            "{b}: JS-101 kept the default, keep"
        );
        let audit = app.store().audit_log(5).await.unwrap();
        assert!(
            audit.iter().any(|a| a.reason.contains("mapping was removed")),
            "{b}: {audit:?}"
        );
        drop(w.db);
    }
}

#[tokio::test]
async fn usernames_from_a_prefix_never_collide() {
    let w = start("sqlite", |c| {
        c.moodle[0].usernames = mm_engine::config::UsernamePolicy::Prefix("learner".into());
    })
    .await;
    // Someone already made `learner2` by hand: the next free number is used instead.
    w.world.moodle.add_user(mm_sim_moodle::NewSimUser {
        username: "learner2".into(),
        firstname: "Hand".into(),
        lastname: "Made".into(),
        email: "hand.made@example.org".into(),
        ..Default::default()
    });
    for (customer, _) in w.world.customers.clone().iter().take(4) {
        let id = w.world.invoice(customer, &["SQL-101"]).unwrap();
        w.world.fs.pay(id, true).unwrap();
    }
    let report = w.app.reconcile_once().await.unwrap();
    assert!(report.converged(), "{report:?}");
    // The four learners (none had an account) each got exactly one, named prefix + number,
    // four distinct names, none of them the hand-made `learner2`.
    let users = w.world.moodle.users();
    let mut ours: Vec<String> = Vec::new();
    for (_, email) in w.world.customers.iter().take(4) {
        let accounts: Vec<&str> = users
            .iter()
            .filter(|u| u.email.eq_ignore_ascii_case(email))
            .map(|u| u.username.as_str())
            .collect();
        assert_eq!(accounts.len(), 1, "{email}: {accounts:?}");
        let number = accounts[0].strip_prefix("learner").unwrap_or_default();
        assert!(
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            "{email}: username {}",
            accounts[0]
        );
        ours.push(accounts[0].to_string());
    }
    assert!(!ours.contains(&"learner2".to_string()), "{ours:?}");
    let distinct: std::collections::BTreeSet<_> = ours.iter().collect();
    assert_eq!(distinct.len(), 4, "{ours:?}");
    assert!(w.world.differences(&w.app).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_mapping_with_a_group_puts_its_learners_in_that_group() {
    for b in backends() {
        let w = start(b, |c| {
            for m in &mut c.mappings {
                if m.product == "PY-101" {
                    m.group = Some("Cohort 2027-01".into());
                }
            }
        })
        .await;
        // Group functions are not in Moodle's service until the admin adds them: the job
        // fails with the fix, and nothing is half-done silently.
        let (customer, email) = w.world.customers[2].clone();
        let id = w.world.invoice(&customer, &["PY-101"]).unwrap();
        w.world.fs.pay(id, true).unwrap();
        let report = w.app.reconcile_once().await.unwrap();
        assert!(!report.converged(), "{b}: {report:?}");
        let failing = w.app.store().failing_jobs().await.unwrap();
        assert!(
            failing
                .iter()
                .any(|j| j.error.contains("group") && j.error.contains("fix")),
            "{b}: {failing:?}"
        );

        w.world.moodle.enable_group_functions();
        // What an admin does after fixing the service: `moodle-management jobs retry`.
        w.app.store().retry_dead(None, mm_engine::clock::now()).await.unwrap();
        let (customer2, email2) = w.world.customers[3].clone();
        let id2 = w.world.invoice(&customer2, &["PY-101", "JS-101"]).unwrap();
        w.world.fs.pay(id2, true).unwrap();
        let report = w.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{b}: {report:?}");
        let mut want = vec![email.to_lowercase(), email2.to_lowercase()];
        want.sort();
        let got: Vec<String> = w
            .world
            .moodle
            .group_members("PY101", "Cohort 2027-01")
            .into_iter()
            .map(|e| e.to_lowercase())
            .collect();
        assert_eq!(got, want, "{b}");
        assert!(
            w.world.moodle.group_members("JS101", "Cohort 2027-01").is_empty(),
            "{b}: JS-101's mapping names no group"
        );
        assert!(w.world.differences(&w.app).await.unwrap().is_empty(), "{b}");
    }
}

/// #14: two seats assigned within the same second are taken back last-assigned first, not in
/// the learners' alphabetical order (the store numbers each line's assignments).
#[tokio::test]
async fn seats_assigned_in_one_second_are_taken_back_latest_first() {
    for b in backends() {
        let w = start(b, |_| {}).await;
        let buyer = w.world.fs.add_customer("Zeta Training SL", "buyer@zeta.example");
        let invoice = w.world.fs.create_invoice(&buyer, &[("PY-101", 2.0, 120.0)]).unwrap();
        w.world.fs.pay(invoice, true).unwrap();
        let line = w.world.fs.lines_of(invoice)[0];
        w.app.reconcile_once().await.unwrap();
        let second = w.app.now();
        // Zed first, then Amy, in the same second: Amy sorts first by name, but came last.
        for email in ["zed@zeta.example", "amy@zeta.example"] {
            let seat = mm_core::SeatAssignment {
                invoice: mm_core::InvoiceKey::new("erp", invoice.to_string()),
                line: line.to_string(),
                learner: mm_core::Email::parse(email).unwrap(),
                name: "Named Learner".into(),
                assigned_at: second,
                sequence: 0,
            };
            let outcome = w.app.store().assign_seat(&seat).await.unwrap();
            assert!(
                matches!(outcome, mm_store::SeatOutcome::Assigned { .. }),
                "{b}: {outcome:?}"
            );
        }
        w.app.reconcile_once().await.unwrap();
        for email in ["zed@zeta.example", "amy@zeta.example"] {
            assert_eq!(
                w.enrolment(email, "PY101").map(|e| e.0),
                Some(EnrolStatus::Active),
                "{b}: {email}"
            );
        }

        w.world.fs.credit(invoice, Some(vec![(line, 1.0)])).unwrap();
        let report = w.app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{b}: {report:?}");
        assert_eq!(
            w.enrolment("zed@zeta.example", "PY101").map(|e| e.0),
            Some(EnrolStatus::Active),
            "{b}: the first assigned keeps the seat"
        );
        assert_ne!(
            w.enrolment("amy@zeta.example", "PY101").map(|e| e.0),
            Some(EnrolStatus::Active),
            "{b}: the last assigned gives it back"
        );
        drop(w.db);
    }
}
