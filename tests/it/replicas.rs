//! Several replicas on one database: jobs are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL,
//! MariaDB) or serialized writes (SQLite); every action is done exactly once.

use crate::kit::world;
use mm_demo::COURSES;
use mm_engine::Engine;
use mm_store::testing::{backends, fresh};
use std::collections::HashMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_process_two_thousand_invoices_with_each_action_done_once() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let world = world::start(&db.url, "1s").await;
        for i in 0..500 {
            let cod = world
                .fs
                .add_customer(&format!("Learner {i}"), &format!("r{i}@example.org"));
            for (n, (_, _, product, _)) in COURSES.iter().enumerate() {
                let id = world.invoice(&cod, &[product]).unwrap();
                if (i + n) % 5 != 0 {
                    world.fs.pay(id, true).unwrap();
                }
            }
        }
        let mut config = world.config.clone();
        config.worker.batch_size = 200;
        let a = Engine::build(config.clone()).await.unwrap();
        let b_app = Engine::build(config).await.unwrap();
        assert_ne!(a.worker_id(), b_app.worker_id());
        for mm_engine::pass::SourcePoll { result: r, .. } in a.poll_all().await {
            r.unwrap();
        }
        let planned = mm_engine::recompute::recompute(a.store(), mm_engine::clock::now())
            .await
            .unwrap();
        assert_eq!(planned.invoices, 2000, "{b}");
        assert_eq!(planned.planned, 1600, "{b}: 4 in 5 invoices are paid");

        let (ra, rb) = tokio::join!(a.drain(), b_app.drain());
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(
            ra.applied > 0 && rb.applied > 0,
            "{b}: both replicas worked ({ra:?} / {rb:?})"
        );
        assert_eq!(ra.applied + rb.applied, 1600, "{b}: {ra:?} + {rb:?}");

        let audit = a.store().audit_log(100_000).await.unwrap();
        let mut per_key: HashMap<(String, String, String), usize> = HashMap::new();
        for e in &audit {
            *per_key
                .entry((e.site.clone(), e.course.clone(), e.learner.clone()))
                .or_default() += 1;
        }
        assert_eq!(per_key.len(), 1600, "{b}");
        assert!(per_key.values().all(|n| *n == 1), "{b}: an action was done twice");
        let enrolments = world.moodle.enrolments();
        assert_eq!(enrolments.len(), 1600, "{b}");
        let users: Vec<_> = world
            .moodle
            .users()
            .into_iter()
            .filter(|u| u.email.starts_with('r') && u.email.ends_with("@example.org"))
            .collect();
        let mut emails: Vec<_> = users.iter().map(|u| u.email.to_lowercase()).collect();
        emails.sort();
        emails.dedup();
        assert_eq!((users.len(), emails.len()), (500, 500), "{b}: one account per learner");
        assert!(world.differences(&a).await.unwrap().is_empty(), "{b}");
        let calls = world.moodle.request_counts();
        eprintln!(
            "{b}: 1,600 enrolments by two replicas in {} Moodle requests: {calls:?}",
            world.moodle.total_requests()
        );
    }
}

#[tokio::test]
async fn a_thousand_new_paid_invoices_converge_in_a_few_dozen_moodle_calls() {
    let db = fresh("sqlite").await.unwrap();
    let world = world::start(&db.url, "1s").await;
    for i in 0..1000 {
        let cod = world
            .fs
            .add_customer(&format!("Learner {i}"), &format!("t{i}@example.org"));
        let (_, _, product, _) = COURSES[i % COURSES.len()];
        let id = world.invoice(&cod, &[product]).unwrap();
        world.fs.pay(id, true).unwrap();
    }
    let app = world::app(&world).await;
    let report = app.reconcile_once().await.unwrap();
    assert!(report.converged(), "{report:?}");
    assert_eq!(world.moodle.enrolments().len(), 1000);
    let calls = world.moodle.total_requests();
    // 10 look-ups + 10 creations + 10 enrolments of 100, 4 course look-ups.
    assert!(calls <= 40, "{calls} Moodle calls: {:?}", world.moodle.request_counts());
    eprintln!("1,000 paid invoices → 1,000 enrolments in {calls} Moodle calls");
}
