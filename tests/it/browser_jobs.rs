//! A parked job in a real headless Chromium (issue #16): an admin whose chosen language is
//! German reads why the job failed and its fix in German (translated from the error's code, not
//! the English stored for the CLI), fixes the course in Moodle and retries the job from the page;
//! then opens the learner's page (accessible, with her Moodle account).

use crate::kit::browser::Browser;
use crate::kit::certificates::World;
use crate::kit::http::{TEST_PASSWORD, serve};
use mm_core::Role;
use mm_engine::admin::Actor;
use secrecy::SecretString;

#[tokio::test(flavor = "multi_thread")]
async fn a_german_admin_reads_a_parked_jobs_fix_in_german_and_retries_it_after_fixing_the_course() {
    let Some(w) = World::start().await else { return };
    // The browser asks for English: the page speaks the admin's own choice, German.
    let Some(b) = Browser::start().await else { return };
    let admin = "admin@test.example";
    w.app
        .add_admin_user(admin, Role::Admin, &SecretString::from(TEST_PASSWORD), &Actor::Cli)
        .await
        .unwrap();
    w.app.set_own_locale(admin, Some("de-DE".into())).await.unwrap();
    let (base, _server) = serve(&w.app).await;

    // Grace pays for a course whose Manual enrolments method is off: her job is parked.
    let grace = w.world.invoice(&w.customer("grace@example.org"), &["SQL-101"]).unwrap();
    w.world.fs.pay(grace, true).unwrap();
    let sql = w.world.course_id("SQL101").unwrap();
    w.world
        .moodle
        .set_manual_instance(sql, mm_sim_moodle::ManualInstance::Disabled);
    w.app.reconcile_once().await.unwrap();
    let stored = w.app.failing_jobs().await.unwrap().remove(0);
    assert_eq!(stored.code.as_deref(), Some("no_enrol_method"), "{stored:?}");

    b.goto(&format!("{base}/login")).await;
    b.fill("#email", admin).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.submit("form[action='/login']").await;
    b.wait_for(&format!("[data-user='{admin}']")).await;

    b.goto(&format!("{base}/jobs")).await;
    let row = "[data-job='grace@example.org']";
    let fix = b.text_of(&format!("{row} [data-fix]")).await;
    let de: mm_i18n::Locale = "de-DE".parse().unwrap();
    let german = mm_i18n::text(de, "job-error-no-enrol-method-fix", &[]);
    let english = mm_i18n::text(mm_i18n::Locale::FALLBACK, "job-error-no-enrol-method-fix", &[]);
    assert_ne!(german, english, "the fix has a German text");
    assert_eq!(fix, german, "the parked job's fix, in German");
    let summary = b.text_of(&format!("{row} [data-summary]")).await;
    assert!(
        summary.contains("SQL101") && !stored.error.contains(&summary),
        "the error names the course in German, not the stored English: {summary}"
    );
    b.assert_accessible().await;

    // Her invoice's story says what is wrong now in German too.
    b.goto(&format!("{base}/search?q=grace@example.org")).await;
    let problems = b.text_of("[data-problems]").await;
    assert!(problems.contains(&german), "the story's problem in German: {problems}");
    b.goto(&format!("{base}/jobs")).await;

    // The admin follows the fix in Moodle, then retries the job from the page.
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
    assert!(w.app.failing_jobs().await.unwrap().is_empty(), "no job fails any more");

    // The learners list and Grace's page, in German, pass axe-core.
    b.goto(&format!("{base}/learners?q=grace")).await;
    b.click("[data-learner='grace@example.org'] a").await;
    b.wait_for("[data-enrolment='SQL101']").await;
    let id = b.text_of("[data-account] [data-moodle-id]").await;
    assert_eq!(id, w.moodle_user("grace@example.org").to_string(), "her Moodle account");
    b.assert_accessible().await;
    b.screenshot("learner").await;
    b.goto(&format!("{base}/learners")).await;
    b.wait_for("[data-learner='grace@example.org']").await;
    b.assert_accessible().await;
}
