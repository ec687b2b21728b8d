//! The web admin over real HTTP as people use it: signing in (CSRF, wrong passwords, throttling),
//! roles (a viewer cannot act, an operator can), the operator audit log, signing out, disabling a
//! user, and the pages in the reader's language.

use crate::kit::http::{TEST_PASSWORD, csrf_of, serve};
use crate::kit::world;
use mm_core::Role;
use mm_engine::Engine;
use mm_engine::admin::Actor;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use secrecy::SecretString;
use std::sync::Arc;

struct Admin {
    app: Arc<Engine>,
    base: String,
    http: reqwest::Client,
    _world: mm_demo::DemoWorld,
    _dir: tempfile::TempDir,
}

/// A browser's state: the cookies it holds.
#[derive(Default)]
struct Visitor {
    cookies: Vec<String>,
}

impl Visitor {
    fn cookie_header(&self) -> String {
        self.cookies.join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for c in r.headers().get_all(SET_COOKIE) {
            let pair = c.to_str().unwrap().split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            self.cookies.retain(|k| !k.starts_with(&format!("{name}=")));
            if !pair.ends_with('=') {
                self.cookies.push(pair);
            }
        }
    }
}

impl Admin {
    async fn start() -> Admin {
        let (dir, db) = world::sqlite("admin.sqlite");
        let world = world::start(&db, "30s").await;
        world.seed_invoices().unwrap();
        let app = world::app(&world).await;
        app.reconcile_once().await.unwrap();
        for role in Role::ALL {
            let email = format!("{role}@test.example");
            app.add_admin_user(&email, role, &SecretString::from(TEST_PASSWORD), &Actor::Cli)
                .await
                .unwrap();
        }
        let (base, _task) = serve(&app).await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Admin {
            app,
            base,
            http,
            _world: world,
            _dir: dir,
        }
    }

    async fn get(&self, v: &mut Visitor, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, v.cookie_header())
            .send()
            .await
            .unwrap();
        v.keep(&r);
        (r.status(), r.text().await.unwrap())
    }

    async fn post(&self, v: &mut Visitor, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, v.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        v.keep(&r);
        r
    }

    /// The story page a search leads to: straight there for one match, else the first listed.
    async fn first_hit(&self, v: &mut Visitor, q: &str) -> String {
        let r = self
            .http
            .get(format!("{}/search?q={q}", self.base))
            .header(COOKIE, v.cookie_header())
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::SEE_OTHER {
            return r.headers()[LOCATION].to_str().unwrap().to_owned();
        }
        let page = r.text().await.unwrap();
        let at = page
            .find(r#"href="/invoices/"#)
            .unwrap_or_else(|| panic!("no hit for {q}: {page}"));
        let rest = &page[at + r#"href=""#.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// Signs in through the form; the visitor then holds the session cookie.
    async fn sign_in(&self, v: &mut Visitor, email: &str, password: &str) -> reqwest::Response {
        let (status, page) = self.get(v, "/login?next=/jobs").await;
        assert_eq!(status, StatusCode::OK);
        let csrf = csrf_of(&page);
        self.post(
            v,
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/jobs"),
            ],
        )
        .await
    }
}

#[tokio::test]
async fn signing_in_needs_the_form_token_and_the_right_password_and_opens_a_strict_cookie_session() {
    let a = Admin::start().await;
    let mut v = Visitor::default();
    let (status, _) = a.get(&mut v, "/jobs").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "no session: to the sign-in page");

    let wrong = a.sign_in(&mut v, "admin@test.example", "not the password at all").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("Wrong email or password"));

    // A sign-in without the form's token (a forged cross-site post) is refused.
    let forged = a
        .post(
            &mut Visitor::default(),
            "/login",
            &[
                ("email", "admin@test.example"),
                ("password", TEST_PASSWORD),
                ("csrf", "guess"),
            ],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let ok = a.sign_in(&mut v, "admin@test.example", TEST_PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/jobs", "back where the visitor was going");
    let cookie = ok
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("mm_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let (status, page) = a.get(&mut v, "/jobs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("admin@test.example"), "the page names who is signed in");

    // Signing out ends the session on the server, not only in this browser.
    let old = v.cookie_header();
    let csrf = csrf_of(&page);
    let out = a.post(&mut v, "/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let replay = a
        .http
        .get(format!("{}/jobs", a.base))
        .header(COOKIE, old)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER, "the old cookie opens nothing");
}

#[tokio::test]
async fn a_viewer_cannot_act_an_operator_can_with_the_form_token_and_the_audit_log_names_them() {
    let a = Admin::start().await;
    let mut viewer = Visitor::default();
    a.sign_in(&mut viewer, "viewer@test.example", TEST_PASSWORD).await;
    let (_, page) = a.get(&mut viewer, "/jobs").await;
    assert!(!page.contains(r#"data-action="retry""#), "no retry button for a viewer");
    let csrf = csrf_of(&page);
    let refused = a
        .post(&mut viewer, "/jobs", &[("csrf", &csrf), ("action", "retry")])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a viewer's post is refused");

    let mut operator = Visitor::default();
    a.sign_in(&mut operator, "operator@test.example", TEST_PASSWORD).await;
    let (_, page) = a.get(&mut operator, "/jobs?confirm=retry").await;
    assert!(
        page.contains(r#"data-confirm="retry""#),
        "a bulk retry asks first, with its count"
    );
    // An empty token and a form without one are both refused with the CSRF page.
    for form in [&[("action", "retry"), ("csrf", "")][..], &[("action", "retry")][..]] {
        let no_token = a.post(&mut operator, "/jobs", form).await;
        assert_eq!(
            no_token.status(),
            StatusCode::FORBIDDEN,
            "no CSRF token, no action: {form:?}"
        );
    }
    let done = a
        .post(
            &mut operator,
            "/jobs",
            &[("csrf", &csrf_of(&page)), ("action", "retry")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert!(done.headers()[LOCATION].to_str().unwrap().starts_with("/jobs?done="));

    let (_, audit) = a.get(&mut operator, "/audit?q=job").await;
    assert!(
        audit.contains("operator@test.example") && audit.contains("job.retry"),
        "the audit log names who retried: {audit}"
    );
    let refused_logged = a.app.operator_actions(Some("viewer@test.example"), 10).await.unwrap();
    assert!(
        refused_logged.iter().all(|e| e.action != "job.retry"),
        "a refused action did not happen"
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let a = Admin::start().await;
    let mut v = Visitor::default();
    for _ in 0..5 {
        let r = a
            .sign_in(&mut v, "operator@test.example", "wrong password, again")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = a.sign_in(&mut v, "operator@test.example", TEST_PASSWORD).await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(locked.text().await.unwrap().contains("Try again in"));
    let other = a
        .sign_in(&mut Visitor::default(), "viewer@test.example", TEST_PASSWORD)
        .await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER, "other accounts are not locked");
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_the_last_admin_stays() {
    let a = Admin::start().await;
    let mut viewer = Visitor::default();
    a.sign_in(&mut viewer, "viewer@test.example", TEST_PASSWORD).await;
    assert_eq!(a.get(&mut viewer, "/").await.0, StatusCode::OK);

    let mut admin = Visitor::default();
    a.sign_in(&mut admin, "admin@test.example", TEST_PASSWORD).await;
    let (_, users) = a.get(&mut admin, "/users").await;
    let csrf = csrf_of(&users);
    let r = a
        .post(
            &mut admin,
            "/users/change",
            &[("csrf", &csrf), ("email", "viewer@test.example"), ("disabled", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        a.get(&mut viewer, "/").await.0,
        StatusCode::SEE_OTHER,
        "the disabled viewer is signed out"
    );

    let r = a
        .post(
            &mut admin,
            "/users/change",
            &[("csrf", &csrf), ("email", "admin@test.example"), ("role", "viewer")],
        )
        .await;
    let back = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(back.contains("error=last-admin"), "{back}");
    let (_, users) = a.get(&mut admin, &back).await;
    assert!(users.contains("last active administrator"), "the refusal is explained");
}

#[tokio::test]
async fn pages_follow_the_browsers_language_then_the_users_choice() {
    let a = Admin::start().await;
    let spanish = a
        .http
        .get(format!("{}/login", a.base))
        .header(ACCEPT_LANGUAGE, "es-ES,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        spanish.contains(r#"lang="es-ES""#) && spanish.contains("Iniciar sesión"),
        "{spanish}"
    );

    let mut v = Visitor::default();
    a.sign_in(&mut v, "operator@test.example", TEST_PASSWORD).await;
    let (_, page) = a.get(&mut v, "/jobs").await;
    let r = a
        .post(&mut v, "/me/locale", &[("csrf", &csrf_of(&page)), ("locale", "de-DE")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = a.get(&mut v, "/jobs").await;
    assert!(page.contains(r#"lang="de-DE""#) && page.contains("Abmelden"), "{page}");
}

#[tokio::test]
async fn one_search_box_finds_an_invoice_by_email_number_or_course_and_its_story_reaches_enrolled() {
    let a = Admin::start().await;
    let mut v = Visitor::default();
    a.sign_in(&mut v, "viewer@test.example", TEST_PASSWORD).await;
    let story_path = a.first_hit(&mut v, "ADA@example.org").await;
    let (status, story) = a.get(&mut v, &story_path).await;
    assert_eq!(status, StatusCode::OK);
    for step in ["seen", "paid", "enrolled"] {
        assert!(story.contains(&format!(r#"data-step="{step}""#)), "{step} in {story}");
    }
    let number = story
        .split(r#"data-invoice=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(a.first_hit(&mut v, &number).await, story_path, "the number finds it");
    // A course's name finds the invoices behind its enrolments.
    a.first_hit(&mut v, "py101").await;
    let (_, nothing) = a.get(&mut v, "/search?q=no-such-thing-anywhere").await;
    assert!(nothing.contains(r#"data-empty="search""#), "{nothing}");
    let (status, _) = a.get(&mut v, "/invoices/erp/does-not-exist").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_operator_tests_the_sites_connection_reads_drift_and_sees_the_plan() {
    let a = Admin::start().await;
    let mut v = Visitor::default();
    a.sign_in(&mut v, "operator@test.example", TEST_PASSWORD).await;
    let (status, plan) = a.get(&mut v, "/plan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        plan.contains(r#"data-empty="plan""#),
        "converged: the plan is empty: {plan}"
    );

    let (_, sites) = a.get(&mut v, "/sites").await;
    assert!(sites.contains(r#"data-site="main""#), "{sites}");
    let tested = a.post(&mut v, "/sites", &[("csrf", &csrf_of(&sites))]).await;
    assert_eq!(tested.status(), StatusCode::OK);
    let tested = tested.text().await.unwrap();
    assert!(
        tested.contains(r#"data-result="ok""#),
        "the simulator answers: {tested}"
    );

    let (_, drift) = a.get(&mut v, "/drift").await;
    let swept = a.post(&mut v, "/drift", &[("csrf", &csrf_of(&drift))]).await;
    assert_eq!(swept.status(), StatusCode::OK);
    assert!(swept.text().await.unwrap().contains(r#"data-report="drift""#));
    let logged = a.app.operator_actions(Some("drift.sweep"), 5).await.unwrap();
    assert_eq!(logged.first().map(|l| l.actor.as_str()), Some("operator@test.example"));
}

#[tokio::test]
async fn products_are_listed_and_a_seat_on_an_unknown_line_is_refused_with_the_reason() {
    let a = Admin::start().await;
    let mut v = Visitor::default();
    a.sign_in(&mut v, "operator@test.example", TEST_PASSWORD).await;
    let (_, products) = a.get(&mut v, "/mappings").await;
    let mapped = a.app.mappings().await.unwrap();
    assert!(!mapped.is_empty());
    for m in &mapped {
        assert!(
            products.contains(&format!(r#"data-product="{}""#, m.product)),
            "{}",
            m.product
        );
    }
    let (_, seats) = a.get(&mut v, "/seats").await;
    let r = a
        .post(
            &mut v,
            "/seats",
            &[
                ("csrf", &csrf_of(&seats)),
                ("action", "assign"),
                ("source", "erp"),
                ("invoice", "no-such-invoice"),
                ("line", "1"),
                ("learner", "eve@example.org"),
            ],
        )
        .await;
    let back = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let (_, page) = a.get(&mut v, &back).await;
    assert!(
        page.contains(r#"data-outcome="seat""#) && page.contains("no line"),
        "{page}"
    );
    let logged = a.app.operator_actions(Some("seat.assign"), 5).await.unwrap();
    assert_eq!(
        logged.first().map(|l| l.ok),
        Some(false),
        "the refusal is in the audit log"
    );
}

#[tokio::test]
async fn the_enrolment_list_filters_pages_and_exports_the_whole_result_and_the_dashboard_counts_learners() {
    let a = Admin::start().await;
    let mut v = Visitor::default();
    a.sign_in(&mut v, "viewer@test.example", TEST_PASSWORD).await;
    let all = a.app.enrolments().await.unwrap();
    let total_of = |page: &str| -> i64 {
        page.split(r#"data-total=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    let (_, page) = a.get(&mut v, "/enrolments").await;
    assert_eq!(total_of(&page), all.len() as i64);
    let ada = all.iter().filter(|r| r.learner.contains("ada@")).count();
    let (_, page) = a.get(&mut v, "/enrolments?learner=ADA%40").await;
    assert_eq!(total_of(&page), ada as i64, "filtered by learner, any case");
    assert!(!page.contains("grace@example.org"), "others are filtered out");

    let r = a
        .http
        .get(format!("{}/enrolments.csv", a.base))
        .header(COOKIE, v.cookie_header())
        .send()
        .await
        .unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert_eq!(csv.lines().count(), all.len() + 1, "every row and a header: {csv}");
    assert!(csv.starts_with("learner,name,site,course,status"), "{csv}");

    let active_learners: std::collections::BTreeSet<_> = all
        .iter()
        .filter(|r| r.desired == "active")
        .map(|r| r.learner.clone())
        .collect();
    let (status, dashboard) = a.get(&mut v, "/").await;
    assert_eq!(status, StatusCode::OK);
    let learners = dashboard
        .split(r#"data-card="learners">"#)
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap();
    assert_eq!(
        learners,
        active_learners.len().to_string(),
        "active learners on the card"
    );
    assert!(dashboard.matches("<svg").count() >= 7, "the charts are drawn");
}
