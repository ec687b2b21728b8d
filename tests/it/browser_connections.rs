//! Adding a Moodle site and a webhook source in a real headless Chromium (issue #16): "test
//! connection" names the function the token's service lacks, a complete token tests green and
//! the saved site is in use; a webhook source shows its endpoint, secret and a signed example.
//! The forms pass axe-core without a serious or critical violation.

use crate::kit::browser::Browser;
use crate::kit::certificates::World;
use crate::kit::http::{TEST_PASSWORD, serve};
use mm_core::Role;
use mm_engine::admin::Actor;
use secrecy::SecretString;

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_adds_a_moodle_site_whose_test_names_a_missing_function_then_a_webhook_source() {
    let Some(w) = World::start().await else { return };
    let Some(b) = Browser::start().await else { return };
    w.app
        .add_admin_user(
            "admin@test.example",
            Role::Admin,
            &SecretString::from(TEST_PASSWORD),
            &Actor::Cli,
        )
        .await
        .unwrap();
    let (base, _server) = serve(&w.app).await;
    b.goto(&format!("{base}/login")).await;
    b.fill("#email", "admin@test.example").await;
    b.fill("#password", TEST_PASSWORD).await;
    b.submit("form[action='/login']").await;
    b.wait_for("[data-user='admin@test.example']").await;

    // A token whose service lacks the enrolment function: the test says which one.
    let all_but_enrol: Vec<&str> = mm_moodle::site::REQUIRED_FUNCTIONS
        .iter()
        .copied()
        .filter(|f| *f != "enrol_manual_enrol_users")
        .collect();
    let lacking = w.world.moodle.add_token(2, Some(&all_but_enrol));
    b.goto(&format!("{base}/sites")).await;
    b.click("[data-action=add-site]").await;
    b.wait_for("#site-name").await;
    b.assert_accessible().await;
    b.fill("#site-name", "campus").await;
    b.fill("#site-url", &w.world.moodle_url).await;
    b.fill("#site-token", &lacking).await;
    b.click("input[name=allow_private_network]").await;
    b.click("[data-action=test-site]").await;
    let said = b.text_of("[data-check=campus] [data-result=error]").await;
    assert!(said.contains("enrol_manual_enrol_users"), "{said}");
    assert!(w.app.sites().get("campus").is_none(), "testing saves nothing");

    // The right token: green, saved, listed and in use.
    b.fill("#site-token", &w.world.moodle.token()).await;
    b.click("[data-action=test-site]").await;
    b.wait_for("[data-check=campus] [data-result=ok]").await;
    b.click("[data-action=save-site]").await;
    b.wait_for("[data-site=campus]").await;
    assert!(w.app.sites().get("campus").is_some());

    // A webhook source: its endpoint, its secret on request, a signed example to copy.
    b.goto(&format!("{base}/sources/new")).await;
    b.wait_for("#source-name").await;
    b.assert_accessible().await;
    b.fill("#source-name", "shop").await;
    b.click("input[name=kind][value=webhook]").await;
    b.click("[data-action=save-source]").await;
    let endpoint = b.text_of("[data-endpoint]").await;
    assert!(endpoint.ends_with("/webhooks/shop"), "{endpoint}");
    let example = b.text_of("[data-example]").await;
    assert!(example.contains("webhook-signature: v1,"), "{example}");
    b.click("[data-action=reveal-secret]").await;
    let secret = b.text_of("[data-secret]").await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    b.assert_accessible().await;
}
