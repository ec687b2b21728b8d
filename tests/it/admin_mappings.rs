//! Mappings made in the web admin over real HTTP (issue #16): a product mapped through the form
//! to a course from Moodle's live list is in force (its paid invoice enrols the learner); a
//! mapping of config.toml cannot be changed; a CSV import shows each bad row's error and applies
//! nothing until confirmed, then the valid rows; the export imports back; seats imported by an
//! operator; a viewer or an operator cannot change mappings.

use crate::kit::admin::{Admin, Answer};
use crate::kit::http::session_cookie;
use crate::kit::world;
use mm_core::Role;
use mm_sim_moodle::EnrolStatus;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

const FORM: &[(&str, &str)] = &[
    ("product", "WEB-1"),
    ("site", "main"),
    ("course", "WEB101"),
    ("role", "student"),
    ("duration", "30d"),
    ("starts", ""),
    ("ends", ""),
    ("on_revoke", "unenrol"),
    ("grace", ""),
    ("on_remove", "revoke"),
    // The demo's Moodle token may not manage groups: none here (the import test sets one).
    ("group", ""),
    ("starts_from", ""),
];

#[tokio::test]
async fn a_product_mapped_in_the_form_to_a_live_course_enrols_its_buyer_and_config_ones_stay_read_only() {
    let a = Admin::start().await;
    a.world.moodle.add_course("WEB101", "Web development", "demo-web101");
    a.world.fs.add_product("WEB-1", 90.0);
    let ada = a.world.customers[0].clone();
    let invoice = a.world.invoice(&ada.0, &["WEB-1"]).unwrap();
    a.world.fs.pay(invoice, true).unwrap();
    a.app.reconcile_once().await.unwrap();
    assert!(world::enrolment(&a.world, &ada.1, "WEB101").is_none(), "not mapped yet");

    let admin = session_cookie(&a.app, Role::Admin).await;
    let (status, list) = a.get(&admin, "/mappings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(r#"data-product="PY-101" data-origin="config""#) && list.contains("declared in config.toml"),
        "config.toml's mappings are marked read-only: {list}"
    );

    // The form offers Moodle's live course list.
    let (status, form) = a.get(&admin, "/mappings/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(r#"<option value="WEB101">WEB101 — Web development</option>"#),
        "{form}"
    );

    // Wrong fields: each says what is wrong, nothing is saved.
    let mut bad = FORM.to_vec();
    bad[2] = ("course", "NOPE101");
    bad[4] = ("duration", "soon");
    let Answer { status, body: page, .. } = a.submit(&admin, "/mappings/new", "/mappings/save", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(r#"data-error="course""#) && page.contains("NOPE101"),
        "{page}"
    );
    assert!(
        page.contains(r#"data-error="duration""#) && page.contains("soon"),
        "{page}"
    );
    assert!(roles_of(&a, "WEB-1").await.is_empty(), "nothing saved");

    let Answer { status, location, .. } = a.submit(&admin, "/mappings/new", "/mappings/save", FORM).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/mappings?done=saved");
    let (_, list) = a.get(&admin, &location).await;
    assert!(list.contains(r#"data-product="WEB-1" data-origin="ui""#), "{list}");
    assert!(list.contains(r#"data-done="mappings""#));
    let saved = a
        .app
        .mappings()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.product == "WEB-1")
        .unwrap();
    assert_eq!(saved.duration_secs, Some(30 * 86_400));
    assert_eq!(saved.on_revoke, mm_core::RevokePolicy::Unenrol);
    assert_eq!(saved.on_remove, mm_core::RemovalPolicy::Revoke);
    let logged = a.app.operator_actions(Some("mapping.save"), 5).await.unwrap();
    assert!(
        logged
            .iter()
            .any(|l| l.ok && l.object.contains("WEB-1") && l.actor == "admin@test.example"),
        "{logged:?}"
    );

    // In force: the paid invoice enrols its buyer.
    a.app.reconcile_once().await.unwrap();
    let (status, ..) = world::enrolment(&a.world, &ada.1, "WEB101").expect("enrolled by the new mapping");
    assert_eq!(status, EnrolStatus::Active);

    // Edited (the key fixed, the rest changed), then removed: its `revoke` policy takes the access back.
    let edit = "/mappings/edit?product=WEB-1&site=main&course=WEB101";
    let (status, page) = a.get(&admin, edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<option value="unenrol" selected>"#),
        "the form holds the mapping: {page}"
    );
    let mut changed = FORM.to_vec();
    changed[3] = ("role", "teacher");
    changed.push(("editing", "true"));
    let Answer { status, .. } = a.submit(&admin, edit, "/mappings/save", &changed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(roles_of(&a, "WEB-1").await, vec!["teacher".to_owned()]);
    let remove = [("product", "WEB-1"), ("site", "main"), ("course", "WEB101")];
    let Answer { status, location, .. } = a.submit(&admin, "/mappings", "/mappings/remove", &remove).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/mappings?done=removed")
    );
    assert!(roles_of(&a, "WEB-1").await.is_empty());
    a.app.reconcile_once().await.unwrap();
    assert!(
        world::enrolment(&a.world, &ada.1, "WEB101").is_none_or(|(s, ..)| s != EnrolStatus::Active),
        "removed with on_remove = revoke and on_revoke = unenrol"
    );

    // config.toml's mapping: no edit form, and a post over it is refused and changes nothing.
    let (status, page) = a
        .get(&admin, "/mappings/edit?product=PY-101&site=main&course=PY101")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("config.toml"), "{page}");
    let mut hijack = FORM.to_vec();
    hijack[0] = ("product", "PY-101");
    hijack[2] = ("course", "PY101");
    hijack[3] = ("role", "teacher");
    let Answer { status, body: page, .. } = a.submit(&admin, "/mappings/new", "/mappings/save", &hijack).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("declared in config.toml"), "{page}");
    assert_eq!(roles_of(&a, "PY-101").await, vec!["student".to_owned()]);
    let Answer { status, .. } = a
        .submit(
            &admin,
            "/mappings",
            "/mappings/remove",
            &[("product", "PY-101"), ("site", "main"), ("course", "PY101")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(roles_of(&a, "PY-101").await.len(), 1, "still in force");
}

#[tokio::test]
async fn a_csv_import_previews_every_row_applies_nothing_until_confirmed_then_the_valid_rows() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    let csv = "product,site,course,role,duration,starts,ends,group\n\
               BUNDLE-1,main,SQL101,student,,2027-01-11,2027-03-31,Spring\n\
               BUNDLE-2,nowhere,SQL101,wizard,soon,,,\n\
               PY-101,main,PY101,,,,,\n";
    let preview = [("csv", csv), ("step", "preview")];
    let Answer { status, body: page, .. } = a.submit(&admin, "/mappings/import", "/mappings/import", &preview).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"data-line="2" data-valid="true""#), "{page}");
    assert!(page.contains(r#"data-line="3" data-valid="false""#), "{page}");
    for said in ["nowhere", "wizard", "soon"] {
        assert!(page.contains(said), "line 3's error names {said}: {page}");
    }
    assert!(
        page.contains(r#"data-line="4" data-valid="false""#),
        "config's is refused: {page}"
    );
    assert!(roles_of(&a, "BUNDLE-1").await.is_empty(), "a preview applies nothing");
    assert!(page.contains(r#"data-action="confirm-import""#));

    // A file with an unknown column is refused as a whole.
    let Answer { status, body: page, .. } = a
        .submit(
            &admin,
            "/mappings/import",
            "/mappings/import",
            &[
                ("csv", "product,site,course,colour\nX,main,PY101,red\n"),
                ("step", "preview"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(r#"data-error="import""#) && page.contains("colour"),
        "{page}"
    );

    // Confirmed: the valid row only.
    let apply = [("csv", csv), ("step", "apply")];
    let Answer { status, location, .. } = a.submit(&admin, "/mappings/import", "/mappings/import", &apply).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/mappings?done=imported&applied=1&skipped=2");
    let cohort = a
        .app
        .mappings()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.product == "BUNDLE-1")
        .unwrap();
    assert_eq!(cohort.group.as_deref(), Some("Spring"));
    assert_eq!(
        cohort.window.map(|w| w.1.0 - w.0.0),
        Some(80 * 86_400),
        "from the first day to the end of the last: 21 + 28 + 31 days"
    );
    assert!(roles_of(&a, "BUNDLE-2").await.is_empty());

    // The export imports back: the UI's row is valid again, config.toml's are refused.
    let (status, exported) = a.get(&admin, "/mappings.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        exported
            .starts_with("product,site,course,role,duration,starts,ends,on_revoke,grace,on_remove,group,starts_from\n")
    );
    assert!(
        exported.contains("BUNDLE-1,main,SQL101,student,,2027-01-11,2027-03-31,"),
        "{exported}"
    );
    let preview = a.app.preview_mapping_import(&exported).await.unwrap();
    assert_eq!(preview.valid(), 1, "{preview:?}");
    assert_eq!(preview.rows.len(), 1 + mm_demo::COURSES.len());
}

#[tokio::test]
async fn seats_are_imported_by_an_operator_and_mappings_are_changed_only_by_an_admin() {
    let a = Admin::start().await;
    let buyer = a.world.fs.add_customer("Acme Training SL", "purchasing@acme.example");
    let invoice = a.world.fs.create_invoice(&buyer, &[("PY-101", 2.0, 120.0)]).unwrap();
    a.world.fs.pay(invoice, true).unwrap();
    let line = a.world.fs.lines_of(invoice)[0];
    a.app.reconcile_once().await.unwrap();

    for role in [Role::Viewer, Role::Operator] {
        let cookie = session_cookie(&a.app, role).await;
        for path in ["/mappings/new", "/mappings/import"] {
            assert_eq!(a.get(&cookie, path).await.0, StatusCode::FORBIDDEN, "{role} {path}");
        }
        let Answer { status, .. } = a.submit(&cookie, "/mappings", "/mappings/save", FORM).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        assert!(roles_of(&a, "WEB-1").await.is_empty());
        let (_, list) = a.get(&cookie, "/mappings").await;
        assert!(
            !list.contains(r#"data-action="new-mapping""#),
            "{role}: no link to what it may not do"
        );
    }
    let viewer = session_cookie(&a.app, Role::Viewer).await;
    assert_eq!(a.get(&viewer, "/seats/import").await.0, StatusCode::FORBIDDEN);
    // An admin's post without the session's form token (a forged cross-site post) is refused.
    let admin = session_cookie(&a.app, Role::Admin).await;
    let mut forged = FORM.to_vec();
    forged.push(("csrf", "guess"));
    let r = a
        .http
        .post(format!("{}/mappings/save", a.base))
        .header(COOKIE, &admin)
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(roles_of(&a, "WEB-1").await.is_empty());

    let operator = session_cookie(&a.app, Role::Operator).await;
    let csv = format!(
        "source,invoice,line,email,name\n\
         erp,{invoice},{line},eve@acme.example,Eve Adams\n\
         erp,{invoice},{line},not-an-email,Nobody\n\
         erp,{invoice},{line},finn@acme.example,Finn Brown\n\
         erp,{invoice},{line},hal@acme.example,Hal Jones\n"
    );
    let Answer { status, body: page, .. } = a
        .submit(
            &operator,
            "/seats/import",
            "/seats/import",
            &[("csv", &csv), ("step", "preview")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"data-line="3" data-valid="false""#) && page.contains("not-an-email"),
        "{page}"
    );
    assert!(a.app.seats(None).await.unwrap().is_empty(), "a preview assigns nothing");
    let Answer { status, location, .. } = a
        .submit(
            &operator,
            "/seats/import",
            "/seats/import",
            &[("csv", &csv), ("step", "apply")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, seats) = a.get(&operator, &location).await;
    assert!(
        seats.contains("Seats assigned: 2; not assigned: 1."),
        "two seats on the line: {seats}"
    );
    assert!(seats.contains("Line 5"), "the refused row is named: {seats}");
    let held: Vec<String> = a
        .app
        .seats(None)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.learner.as_str().to_owned())
        .collect();
    assert_eq!(
        held,
        vec!["eve@acme.example".to_owned(), "finn@acme.example".to_owned()]
    );
}

#[tokio::test]
async fn with_moodle_unreachable_the_form_takes_a_typed_course_and_says_why() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    a.world.moodle.revoke_token(&a.world.moodle.token());
    let (status, form) = a.get(&admin, "/mappings/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"data-error="courses""#), "{form}");
    assert!(
        form.contains(r#"<input id="m-course" name="course" type="text""#),
        "a text input instead of the list: {form}"
    );
    let mut typed = FORM.to_vec();
    typed[2] = ("course", "idnumber:LATER-1");
    let Answer {
        status,
        location,
        body: page,
    } = a.submit(&admin, "/mappings/new", "/mappings/save", &typed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location, "/mappings?done=saved");
    let saved = a
        .app
        .mappings()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.product == "WEB-1")
        .unwrap();
    assert_eq!(saved.course, mm_core::CourseRef::Idnumber("LATER-1".into()));
}

/// The roles of the mappings in force that sell `product`.
async fn roles_of(a: &Admin, product: &str) -> Vec<String> {
    a.app
        .mappings()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.product == product)
        .map(|m| m.role)
        .collect()
}
