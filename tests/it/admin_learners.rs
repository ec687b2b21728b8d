//! The learners pages over HTTP (issue #16): the list finds a learner by a part of their email,
//! their page shows the courses and the Moodle account the engine's run resolved, a viewer may
//! read both, and the CSV export holds every learner of the search.

use crate::kit::http::{get_as, session_cookie};
use crate::kit::world;
use axum::http::StatusCode;
use mm_core::Role;
use std::collections::BTreeSet;

/// The invoices paid and the service's pass run: (learner, products).
const BOUGHT: &[(&str, &[&str])] = &[
    ("ada@example.org", &["PY-101", "JS-101"]),
    ("grace@example.org", &["SQL-101"]),
    ("alan@example.org", &["PY-101"]),
];

#[tokio::test]
async fn a_viewer_finds_a_learner_reads_their_courses_and_moodle_account_and_exports_the_search() {
    let (_dir, db) = world::sqlite("learners.sqlite");
    let w = world::start(&db, "30s").await;
    let app = world::app(&w).await;
    for (email, products) in BOUGHT {
        let customer = w.customers.iter().find(|(_, e)| e == email).unwrap().0.clone();
        let id = w.invoice(&customer, products).unwrap();
        w.fs.pay(id, true).unwrap();
    }
    let report = app.reconcile_once().await.unwrap();
    assert!(report.converged(), "{}", report.describe());
    let viewer = Role::Viewer;
    session_cookie(&app, viewer).await;

    // The list: a part of the email, in another case, finds Ada and only her.
    let (status, _, page) = get_as(&app, "/learners?q=ADA%40EXAMPLE", viewer).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"data-learner="ada@example.org""#), "{page}");
    assert!(!page.contains(r#"data-learner="grace@example.org""#), "{page}");
    assert!(page.contains(r#"data-total="1""#), "{page}");
    assert!(page.contains(r#"href="/learners""#), "the navigation links the list");

    // Her page: both courses, and her Moodle account as the run resolved it.
    let (status, _, page) = get_as(&app, "/learners/ada%40example.org", viewer).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for course in ["PY101", "JS101"] {
        assert!(
            page.contains(&format!(r#"data-enrolment="{course}""#)),
            "{course}: {page}"
        );
    }
    assert!(
        !page.contains(r#"data-enrolment="SQL101""#),
        "Grace's course is not hers"
    );
    let moodle_id = w
        .moodle
        .users()
        .into_iter()
        .find(|u| u.email.eq_ignore_ascii_case("ada@example.org"))
        .unwrap()
        .id;
    assert!(
        page.contains(&format!("<td data-moodle-id>{moodle_id}</td>")),
        "Moodle user {moodle_id}: {page}"
    );
    assert!(page.contains(r#"data-invoice="#), "her invoice is linked: {page}");
    assert!(page.contains(r#"href="/invoices/"#), "{page}");

    let (status, _, _) = get_as(&app, "/learners/nobody%40example.org", viewer).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an unknown learner");

    // The export: every learner of the search, once, whatever the page size.
    let (status, headers, csv) = get_as(&app, "/learners.csv?q=example.org&page=2", viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("email,name,courses,active,updated_at"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let exported: BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
    let bought: BTreeSet<&str> = BOUGHT.iter().map(|(e, _)| *e).collect();
    assert_eq!(exported, bought, "{csv}");
    assert_eq!(rows.len(), bought.len(), "each once: {csv}");
    let ada = rows.iter().find(|r| r[0] == "ada@example.org").unwrap();
    assert_eq!((ada[2], ada[3]), ("2", "2"), "two courses, both active: {csv}");
}
