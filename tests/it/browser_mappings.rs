//! Mapping a product in a real headless Chromium (issue #16, "map a product"): an admin signs
//! in, opens the products page, maps a new product to a course picked from Moodle's live list
//! and sees it listed as made in the admin; a paid invoice for that product then tells its
//! story up to "enrolled". The form (empty and with its errors), the list and the import page
//! pass axe-core without a serious or critical violation; an import previewed then confirmed.

use crate::kit::browser::Browser;
use crate::kit::http::{TEST_PASSWORD, serve};
use crate::kit::world;
use mm_core::Role;
use mm_engine::admin::Actor;
use secrecy::SecretString;

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_maps_a_product_to_a_live_course_and_its_paid_invoice_reaches_enrolled() {
    let Some(b) = Browser::start().await else { return };
    let (_dir, db) = world::sqlite("browser-mappings.sqlite");
    let w = world::start(&db, "30s").await;
    w.moodle.add_course("WEB101", "Web development", "demo-web101");
    w.fs.add_product("WEB-1", 90.0);
    let app = world::app(&w).await;
    app.add_admin_user(
        "admin@test.example",
        Role::Admin,
        &SecretString::from(TEST_PASSWORD),
        &Actor::Cli,
    )
    .await
    .unwrap();
    let (base, _server) = serve(&app).await;

    b.goto(&format!("{base}/login")).await;
    b.fill("#email", "admin@test.example").await;
    b.fill("#password", TEST_PASSWORD).await;
    b.submit("form[action='/login']").await;
    b.wait_for("[data-user='admin@test.example']").await;

    // The products page: config.toml's mappings read-only, a link to map a new one.
    b.goto(&format!("{base}/mappings")).await;
    b.wait_for("[data-product='PY-101'][data-origin=config] [data-readonly=config]")
        .await;
    b.assert_accessible().await;
    b.click("[data-action=new-mapping]").await;
    b.wait_for("form[data-form=mapping]").await;
    b.assert_accessible().await;

    // A wrong duration first: the form says which field and keeps what was typed.
    let course = b.wait_for("#m-course").await;
    course
        .select_by_value("WEB101")
        .await
        .expect("WEB101 is in Moodle's live list");
    b.fill("#m-product", "WEB-1").await;
    b.fill("#m-duration", "three months").await;
    b.click("[data-action=save-mapping]").await;
    b.wait_for("[data-error=duration]").await;
    b.screenshot("mapping-form").await;
    assert_eq!(b.attr_of("#m-duration", "aria-invalid").await.as_deref(), Some("true"));
    b.assert_accessible().await;
    b.fill("#m-duration", "90d").await;
    b.click("[data-action=save-mapping]").await;
    b.wait_for("[data-done=mappings]").await;
    let row = "[data-product='WEB-1'][data-origin=ui]";
    b.wait_for(&format!("{row} [data-action=edit]")).await;
    assert!(b.text_of(row).await.contains("WEB101"));
    b.screenshot("mappings").await;
    b.assert_accessible().await;

    // The import page, for the record.
    b.goto(&format!("{base}/mappings/import")).await;
    b.wait_for("form[data-form=import]").await;
    b.fill("#csv", "product,site,course\nWEB-2,main,WEB101\nWEB-3,nowhere,WEB101\n")
        .await;
    b.click("[data-action=preview-import]").await;
    b.wait_for("[data-line='3'][data-valid=false] [data-error=row]").await;
    b.assert_accessible().await;
    b.screenshot("mapping-import").await;
    b.click("[data-action=confirm-import]").await;
    b.wait_for("[data-done=mappings]").await;
    b.wait_for("[data-product='WEB-2'][data-origin=ui]").await;
    b.assert_accessible().await;

    // A paid invoice for the product is enrolled, and its story says so.
    let (joan, email) = w
        .customers
        .iter()
        .find(|(_, e)| e == "joan@example.org")
        .cloned()
        .unwrap();
    let id = w.invoice(&joan, &["WEB-1"]).unwrap();
    w.fs.pay(id, true).unwrap();
    app.reconcile_once().await.unwrap();
    assert!(world::enrolment(&w, &email, "WEB101").is_some(), "enrolled in Moodle");
    b.goto(&format!("{base}/search?q={email}")).await;
    b.wait_for("[data-step=paid]").await;
    b.wait_for("[data-step=enrolled]").await;
    b.assert_accessible().await;
}
