//! The web admin in a real headless Chromium (issue #16), as an admin of a training business
//! uses it: sign in (a wrong password refused), pay an invoice and watch its story reach
//! "enrolled", read a failing job's fix and retry it, download and revoke a certificate; a viewer
//! sees no action buttons; every page passes axe-core without a serious or critical violation;
//! the dashboard, an invoice's story and the enrolments are screenshotted at 1280×800; German and
//! Spanish pages, Spanish dates.

use crate::kit::browser::Browser;
use crate::kit::certificates::World;
use crate::kit::http::{TEST_PASSWORD, serve};
use mm_core::Role;
use mm_engine::admin::Actor;
use secrecy::SecretString;

async fn add_users(w: &World) {
    for role in Role::ALL {
        let email = format!("{role}@test.example");
        let password = SecretString::from(TEST_PASSWORD);
        w.app
            .add_admin_user(&email, role, &password, &Actor::Cli)
            .await
            .unwrap();
    }
}

async fn sign_in(b: &Browser, base: &str, email: &str, password: &str) {
    b.goto(&format!("{base}/login")).await;
    b.fill("#email", email).await;
    b.fill("#password", password).await;
    b.submit("form[action='/login']").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_follows_an_invoice_to_enrolled_fixes_a_failing_job_and_revokes_a_certificate() {
    let Some(w) = World::start().await else { return };
    let Some(b) = Browser::start().await else { return };
    add_users(&w).await;
    let (base, _server) = serve(&w.app).await;

    // Signing in: the page is accessible, a wrong password is refused.
    b.goto(&format!("{base}/jobs")).await;
    assert_eq!(b.current_url().await.path(), "/login", "no session: the sign-in page");
    b.assert_accessible().await;
    sign_in(&b, &base, "admin@test.example", "not the password, sorry").await;
    b.wait_for("[data-error=login]").await;
    sign_in(&b, &base, "admin@test.example", TEST_PASSWORD).await;
    b.wait_for("[data-user='admin@test.example']").await;

    // A paid invoice, and one for a course whose enrolment method is off in Moodle.
    let ada = w.world.invoice(&w.customer("ada@example.org"), &["JS-101"]).unwrap();
    w.world.fs.pay(ada, true).unwrap();
    let grace = w.world.invoice(&w.customer("grace@example.org"), &["SQL-101"]).unwrap();
    w.world.fs.pay(grace, true).unwrap();
    let sql = w.world.course_id("SQL101").unwrap();
    w.world
        .moodle
        .set_manual_instance(sql, mm_sim_moodle::ManualInstance::Disabled);
    w.app.reconcile_once().await.unwrap();

    // Ada's invoice, found by her email, tells its story up to "enrolled".
    b.goto(&format!("{base}/search?q=ada@example.org")).await;
    b.wait_for("[data-step=enrolled]").await;
    b.wait_for("[data-step=paid]").await;
    b.assert_accessible().await;
    b.screenshot("invoice").await;

    // Grace's job is parked with its fix; the course is fixed in Moodle and the job retried.
    b.goto(&format!("{base}/jobs")).await;
    let row = "[data-job='grace@example.org']";
    let error = b.text_of(&format!("{row} td.err")).await;
    assert!(error.contains("fix:"), "the error says how to fix it: {error}");
    b.assert_accessible().await;
    w.world
        .moodle
        .set_manual_instance(sql, mm_sim_moodle::ManualInstance::Enabled);
    b.click(&format!("{row} [data-action=retry]")).await;
    b.wait_for("[data-done=jobs]").await;
    w.app.reconcile_once().await.unwrap();
    let enrolled = w
        .world
        .moodle
        .enrolments()
        .into_iter()
        .any(|e| e.email.eq_ignore_ascii_case("grace@example.org") && e.courseid == sql);
    assert!(enrolled, "the retried job enrolled Grace");

    // A certificate: downloaded as the signed-in admin, then revoked with a note.
    let learner = "zoi@example.org";
    w.enrolled(learner, "PY-101").await;
    w.complete(learner, "PY101", mm_engine::clock::now().0 - 3600);
    w.app.reconcile_once().await.unwrap();
    let cert = w.certificates_of(learner).await.remove(0);
    b.goto(&format!("{base}/certificates")).await;
    let row = format!("[data-certificate='{}']", cert.cert.number);
    let href = b
        .attr_of(&format!("{row} [data-action=download]"), "href")
        .await
        .unwrap();
    let cookie = b
        .cookies()
        .await
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let pdf = reqwest::Client::new()
        .get(format!("{base}{href}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"), "a PDF");
    b.fill(&format!("{row} input[name=note]"), "issued by mistake").await;
    b.click(&format!("{row} [data-action=revoke]")).await;
    b.wait_for("[data-done=certificates]").await;
    b.wait_for(&format!("{row} [data-standing=revoked]")).await;
    b.assert_accessible().await;

    for (path, shot) in [("/enrolments", "enrolments"), ("/", "dashboard")] {
        b.goto(&format!("{base}{path}")).await;
        b.wait_for("main h1").await;
        b.assert_accessible().await;
        b.screenshot(shot).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_sees_no_action_and_pages_speak_german_then_spanish_with_spanish_dates() {
    let Some(w) = World::start().await else { return };
    let Some(b) = Browser::start_with_language("de-DE").await else {
        return;
    };
    add_users(&w).await;
    let (base, _server) = serve(&w.app).await;
    b.goto(&format!("{base}/login")).await;
    let german = mm_i18n::text("de-DE".parse().unwrap(), "login-title", &[]);
    assert_eq!(b.text_of("main h1").await, german, "the browser's language");
    sign_in(&b, &base, "viewer@test.example", TEST_PASSWORD).await;
    b.wait_for("[data-user='viewer@test.example']").await;
    let sign_out = mm_i18n::text("de-DE".parse().unwrap(), "sign-out", &[]);
    assert_eq!(b.text_of("[data-action=sign-out]").await, sign_out);

    // A viewer's jobs page has no buttons that act.
    b.goto(&format!("{base}/jobs")).await;
    let page = b.page_text().await;
    let retry = mm_i18n::text("de-DE".parse().unwrap(), "jobs-retry-all", &[]);
    assert!(!page.contains(&retry), "{page}");

    // The user picks Spanish: texts and dates follow.
    let es: mm_i18n::Locale = "es-ES".parse().unwrap();
    let select = b.wait_for("#locale").await;
    select.select_by_value("es-ES").await.expect("choose Spanish");
    b.submit("form[action='/me/locale']").await;
    b.wait_for("html[lang=es-ES]").await;
    b.goto(&format!("{base}/audit")).await;
    let today = mm_i18n::format_date_short(es, mm_engine::clock::now().0);
    b.wait_for_text(&today).await;
    assert_eq!(b.text_of("main h1").await, mm_i18n::text(es, "audit-title", &[]));
    b.assert_accessible().await;
}
