//! #14 "Right on a real install", the invoice points: access is dated from the payment (not
//! from when the service first saw the invoice paid), `plan` records nothing, a
//! FacturaScripts refusal is remembered across processes, and learners keep the first and
//! last names their billing contact has.
//!
//! Simulator functions used here beyond the shared contract's examples (documented in
//! `crates/sim-facturascripts/README.md`): `FsSim::pay_on` (`pagarFacturaCliente` with
//! `fechapago`), `FsSim::request_count`.

use crate::kit::world;
use mm_core::Timestamp;
use mm_engine::clock::ManualClock;
use mm_engine::config::Config;
use mm_engine::{Engine, EngineParts};
use mm_sim_moodle::EnrolStatus;
use std::path::Path;

const DAY: i64 = 86_400;

/// The day `days` before today (UTC): FacturaScripts' `dd-mm-YYYY`, and its midnight UTC.
fn days_ago(days: i64) -> (String, Timestamp) {
    let d = chrono::Utc::now().date_naive() - chrono::Days::new(days as u64);
    let midnight = Timestamp(d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp());
    (d.format("%d-%m-%Y").to_string(), midnight)
}

/// The demo configuration with `extra` TOML appended.
fn config_with(world: &mm_demo::DemoWorld, extra: &str) -> Config {
    let text = format!("{}{extra}", world.config_text);
    Config::from_toml(&text, Path::new("test.toml"), |_| None).unwrap()
}

/// An engine over `config` whose clock reads `now`.
async fn engine_at(config: Config, now: Timestamp) -> std::sync::Arc<Engine> {
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
    Engine::build_from(EngineParts {
        config,
        sites,
        sources,
        clock: ManualClock::at(now),
    })
    .await
    .unwrap()
}

/// Point 5: an invoice paid 30 days ago starts 30 days ago; one whose mapping is added later
/// still starts on its payment day; one paid 400 days ago (a first install over years of
/// invoices) is over and grants nothing, and says so.
#[tokio::test(flavor = "multi_thread")]
async fn access_starts_on_the_payment_day_whenever_it_is_seen() {
    let (_dir, db) = world::sqlite("dates.sqlite");
    let world = world::start(&db, "30s").await;
    let (ada, grace, alan) = (&world.customers[0], &world.customers[1], &world.customers[2]);
    let recent = world.invoice(&ada.0, &["PY-101"]).unwrap();
    let (paid_30, day_30) = days_ago(30);
    world.fs.pay_on(recent, &paid_30).unwrap();
    let old = world.invoice(&grace.0, &["DATA-201"]).unwrap();
    world.fs.pay_on(old, &days_ago(400).0).unwrap();
    let late = world.invoice(&alan.0, &["LATE-1"]).unwrap();
    let (paid_20, day_20) = days_ago(20);
    world.fs.pay_on(late, &paid_20).unwrap();

    let app = world::app(&world).await;
    let first = app.reconcile_once().await.unwrap();
    assert!(first.converged(), "{}", first.describe());
    let py = world::enrolment(&world, &ada.1, "PY101").expect("enrolled");
    assert_eq!(
        (py.0, py.1, py.2),
        (EnrolStatus::Active, day_30.0, day_30.0 + 365 * DAY),
        "dated from the payment, not from the first poll"
    );
    assert_eq!(
        world::enrolment(&world, &grace.1, "DATA201"),
        None,
        "over before it was enrolled"
    );
    let notes: Vec<String> = app.holds().await.unwrap().into_iter().map(|h| h.message).collect();
    assert!(
        notes.iter().any(|m| m.contains("before it was ever enrolled")),
        "the admin is told why: {notes:?}"
    );
    drop(app);

    // The mapping for LATE-1 arrives ten days later: still dated from its payment.
    let later = config_with(
        &world,
        "[[mapping]]\nproduct = \"LATE-1\"\nmoodle = \"main\"\ncourse = \"JS101\"\nduration = \"180d\"\n",
    );
    let app = engine_at(later, Timestamp(mm_engine::clock::now().0 + 10 * DAY)).await;
    let second = app.reconcile_once().await.unwrap();
    assert!(second.converged(), "{}", second.describe());
    let js = world::enrolment(&world, &alan.1, "JS101").expect("enrolled once mapped");
    assert_eq!((js.1, js.2), (day_20.0, day_20.0 + 180 * DAY));
}

/// Point 5: `starts_from = "enrolment"` keeps the old behaviour for a mapping that wants it.
#[tokio::test(flavor = "multi_thread")]
async fn starts_from_enrolment_counts_from_when_the_service_saw_it_paid() {
    let (_dir, db) = world::sqlite("enrolment.sqlite");
    let world = world::start(&db, "30s").await;
    let ada = &world.customers[0];
    let id = world.invoice(&ada.0, &["ENR-1"]).unwrap();
    world.fs.pay_on(id, &days_ago(30).0).unwrap();
    let config = config_with(
        &world,
        "[[mapping]]\nproduct = \"ENR-1\"\nmoodle = \"main\"\ncourse = \"SQL101\"\nduration = \"10d\"\nstarts_from = \"enrolment\"\n",
    );
    let seen = Timestamp(mm_engine::clock::now().0 + 3600);
    let app = engine_at(config, seen).await;
    app.reconcile_once().await.unwrap();
    let e = world::enrolment(&world, &ada.1, "SQL101").expect("enrolled");
    assert_eq!((e.1, e.2), (seen.0, seen.0 + 10 * DAY));
}

/// Point 7 (and 5): a new, empty store over a Moodle that already holds the enrolments (a
/// move from SQLite to PostgreSQL, days later) computes the same dates: Moodle is not
/// re-dated, no account is created and nothing is unenrolled. Moodle cannot tell a client an
/// enrolment's dates, so the new store sends its one batched, idempotent
/// `enrol_manual_enrol_users`, which Moodle applies as no change (`enrol_user()` writes only
/// what differs); the enrolments are compared field by field, creation time included.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_store_over_a_converged_moodle_changes_no_enrolment() {
    let (dir, db) = world::sqlite("old.sqlite");
    let world = world::start(&db, "30s").await;
    for (i, (cod, _)) in world.customers.iter().take(8).enumerate() {
        let (_, _, product, _) = mm_demo::COURSES[i % mm_demo::COURSES.len()];
        let id = world.invoice(cod, &[product]).unwrap();
        world.fs.pay_on(id, &days_ago(5 + i as i64).0).unwrap();
    }
    let old = world::app(&world).await;
    assert!(old.reconcile_once().await.unwrap().converged());
    drop(old);
    let snapshot = |w: &mm_demo::DemoWorld| {
        let mut e: Vec<_> = w
            .moodle
            .with_state(|st| st.enrolments.values().cloned().collect::<Vec<_>>())
            .into_iter()
            .map(|e| {
                (
                    e.userid,
                    e.courseid,
                    format!("{:?}", e.status),
                    e.timestart,
                    e.timeend,
                    e.roleids,
                    e.timecreated,
                )
            })
            .collect();
        e.sort();
        e
    };
    let before = snapshot(&world);
    assert_eq!(before.len(), 8);
    let calls_before = world.moodle.request_counts();

    let mut config = world.config.clone();
    config.database_url = format!("sqlite://{}", dir.path().join("new.sqlite").display());
    let fresh = engine_at(config, Timestamp(mm_engine::clock::now().0 + 3 * DAY)).await;
    let pass = fresh.reconcile_once().await.unwrap();
    assert!(pass.converged(), "{}", pass.describe());
    assert_eq!(snapshot(&world), before, "no enrolment was re-dated");
    let calls: std::collections::BTreeMap<String, u64> = world
        .moodle
        .request_counts()
        .into_iter()
        .map(|(f, n)| (f.clone(), n - calls_before.get(&f).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    for write in [
        "core_user_create_users",
        "enrol_manual_unenrol_users",
        "core_user_update_users",
    ] {
        assert!(!calls.contains_key(write), "{write} was called: {calls:?}");
    }
    assert!(
        calls.get("enrol_manual_enrol_users").copied().unwrap_or(0) <= 1,
        "one batched call at most: {calls:?}"
    );
}

/// Point 7: `plan` leaves the store as it was: the next pass still reads every invoice.
#[tokio::test(flavor = "multi_thread")]
async fn plan_records_nothing_so_the_next_pass_reads_every_invoice() {
    let (_dir, db) = world::sqlite("plan.sqlite");
    let world = world::start(&db, "30s").await;
    let paid = world.seed_invoices().unwrap();
    let app = world::app(&world).await;
    let (polled, preview) = app.plan(true).await.unwrap();
    let read = polled[0].result.clone().unwrap();
    assert!(read.seen > paid.len(), "plan read the invoices: {read:?}");
    assert!(preview.changes.len() >= paid.len() - 2, "{}", preview.describe());
    assert_eq!(app.store().invoice_count().await.unwrap(), 0, "no invoice recorded");
    assert_eq!(
        app.store().cursor("erp").await.unwrap(),
        None,
        "the cursor did not move"
    );

    let pass = app.reconcile_once().await.unwrap();
    let seen = pass.polled[0].result.clone().unwrap().seen;
    assert_eq!(seen, read.seen, "{}", pass.describe());
    assert!(pass.converged(), "{}", pass.describe());
}

/// Point 7: `plan` with a configuration that maps one more product previews its enrolments
/// but does not write that mapping to the store (a dry run of a configuration change).
#[tokio::test(flavor = "multi_thread")]
async fn plan_with_a_new_mapping_previews_it_without_storing_it() {
    let (_dir, db) = world::sqlite("plan-mapping.sqlite");
    let world = world::start(&db, "30s").await;
    world.seed_invoices().unwrap();
    let mut before = world.config.clone();
    let added = before.mappings.pop().expect("the demo maps products");
    let serving = Engine::build(before).await.unwrap();
    assert!(serving.reconcile_once().await.unwrap().converged());
    let stored = serving.store().mappings().await.unwrap();
    serving.stop().await;

    let dry = Engine::build_dry_run(world.config.clone()).await.unwrap();
    let (_, preview) = dry.plan(false).await.unwrap();
    let course = added.course.to_string();
    assert!(
        preview
            .changes
            .iter()
            .any(|c| c.change == "enrol" && c.course == course),
        "the new mapping's enrolments are previewed: {}",
        preview.describe()
    );
    assert_eq!(
        dry.store().mappings().await.unwrap(),
        stored,
        "the store's mappings are as they were"
    );
}

/// Point 7: a refused key is remembered by the store: the next `reconcile --once` (another
/// process) sends nothing until the cool-down ends, instead of spending one more of the five
/// refusals that ban the IP.
#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_is_remembered_by_the_next_process() {
    let (_dir, db) = world::sqlite("refused.sqlite");
    let world = world::start(&db, "30s").await;
    world.seed_invoices().unwrap();
    let text = world.config_text.replace(world.fs.token(), "a-revoked-key");
    let config = Config::from_toml(&text, Path::new("test.toml"), |_| None).unwrap();

    let first = Engine::build(config.clone()).await.unwrap();
    let pass = first.reconcile_once().await.unwrap();
    let err = pass.polled[0].result.clone().unwrap_err();
    assert!(err.contains("401"), "{err}");
    first.stop().await;
    let requests = world.fs.request_count();

    let second = Engine::build(config).await.unwrap();
    let pass = second.reconcile_once().await.unwrap();
    let err = pass.polled[0].result.clone().unwrap_err();
    assert!(err.contains("not asked until") && err.contains("401"), "{err}");
    assert!(!pass.converged());
    assert_eq!(world.fs.request_count(), requests, "the second process sent nothing");
}

/// Point 7: the billing contact's `nombre` and `apellidos` become Moodle's first and last
/// names as they are (two surnames stay the last name).
#[tokio::test(flavor = "multi_thread")]
async fn learners_keep_their_contacts_first_and_last_names() {
    let (_dir, db) = world::sqlite("names.sqlite");
    let world = world::start(&db, "30s").await;
    let jose = world.fs.add_customer("José Ñúñez Müller", "jose@example.org");
    let id = world.invoice(&jose, &["PY-101"]).unwrap();
    world.fs.pay(id, true).unwrap();
    let app = world::app(&world).await;
    assert!(app.reconcile_once().await.unwrap().converged());
    let names = world.moodle.with_state(|st| {
        st.users
            .values()
            .find(|u| u.email == "jose@example.org")
            .map(|u| (u.firstname.clone(), u.lastname.clone()))
    });
    assert_eq!(names, Some(("José".to_string(), "Ñúñez Müller".to_string())));
}
