//! Moodle sites and invoice sources added in the admin, over real HTTP: "test connection" names
//! the function the token's service lacks, a saved site is used at once and its token is sealed
//! at rest, the configuration's stay read-only, a viewer cannot add one; a webhook source gets a
//! secret whose signed example is accepted, and a rotation keeps the old secret for a while; a
//! stored FacturaScripts source is polled; another replica sees them all.

use crate::kit::admin::Admin;
use crate::kit::http::{session_cookie, signature};
use mm_core::Role;
use mm_engine::Engine;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use secrecy::ExposeSecret;
use std::sync::Arc;

#[tokio::test]
async fn an_admin_adds_a_moodle_site_tests_it_and_the_service_uses_it() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    let functions_but_enrol: Vec<&str> = mm_moodle::site::REQUIRED_FUNCTIONS
        .iter()
        .copied()
        .filter(|f| *f != "enrol_manual_enrol_users")
        .collect();
    let lacking = a.world.moodle.add_token(2, Some(&functions_but_enrol));
    let site = |token: &'static str, action: &'static str| -> Vec<(&'static str, &'static str)> {
        let url: &'static str = a.world.moodle_url.clone().leak();
        vec![
            ("name", "campus"),
            ("url", url),
            ("token", token),
            ("allow_private_network", "on"),
            ("action", action),
        ]
    };
    let (lacking, token): (&'static str, &'static str) = (lacking.leak(), a.world.moodle.token().leak());

    // Testing names the function the token's service lacks, and saves nothing.
    let r = a
        .post(&admin, "/sites/edit", "/sites/edit", &site(lacking, "test"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-result="error""#), "{page}");
    assert!(
        page.contains("enrol_manual_enrol_users"),
        "the missing function is named: {page}"
    );
    assert!(a.app.sites().get("campus").is_none(), "a test saves nothing");

    // With a complete token the test gives the site's name and release; saving uses it at once.
    let page = a
        .post(&admin, "/sites/edit", "/sites/edit", &site(token, "test"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-result="ok""#), "{page}");
    let r = a.post(&admin, "/sites/edit", "/sites/edit", &site(token, "save")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let used = a.app.sites().get("campus").expect("the saved site is in use");
    assert!(
        used.client.site_info().await.is_ok(),
        "its client reaches the simulator"
    );
    let (_, list) = a.get(&admin, "/sites").await;
    assert!(
        list.contains(r#"data-site="campus""#) && list.contains(r#"data-site="main""#),
        "{list}"
    );

    // Sealed at rest: the database holds no token in clear.
    let stored = a.app.store().stored_sites().await.unwrap();
    assert!(stored[0].token.starts_with("enc:v1:"), "{:?}", stored[0].token);
    assert!(!stored[0].token.contains(token));
    let actions = a.app.operator_actions(Some("site.save"), 10).await.unwrap();
    assert!(actions.iter().any(|x| x.object == "campus" && x.ok), "{actions:?}");

    // Editing with an empty token keeps the stored one.
    let fields = [
        ("editing", "campus"),
        ("name", "campus"),
        ("url", a.world.moodle_url.as_str()),
        ("token", ""),
        ("allow_private_network", "on"),
        ("action", "test"),
    ];
    let page = a
        .post(&admin, "/sites/edit?name=campus", "/sites/edit", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-result="ok""#), "the stored token is used: {page}");

    // The configuration's site is read-only here.
    let fields = [
        ("name", "main"),
        ("url", a.world.moodle_url.as_str()),
        ("token", token),
        ("action", "save"),
    ];
    let page = a
        .post(&admin, "/sites/edit", "/sites/edit", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-error") && page.contains("config.toml"), "{page}");

    // A viewer may look, not add.
    let viewer = session_cookie(&a.app, Role::Viewer).await;
    let (status, _) = a.get(&viewer, "/sites/edit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, list) = a.get(&viewer, "/sites").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!list.contains("remove-site"), "no buttons for a viewer");

    // Another replica on the same database uses the site too; removing it stops both.
    let other = Engine::build(a.world.config.clone()).await.unwrap();
    assert!(other.sites().get("campus").is_some());
    let r = a.post(&admin, "/sites", "/sites/remove", &[("name", "campus")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(a.app.sites().get("campus").is_none());
    other.refresh_connections().await.unwrap();
    assert!(
        other.sites().get("campus").is_none(),
        "the other replica drops it at its next refresh"
    );
}

#[tokio::test]
async fn a_webhook_source_gets_a_secret_a_working_signed_example_and_a_gentle_rotation() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    let r = a
        .post(
            &admin,
            "/sources/new",
            "/sources",
            &[("name", "shop"), ("kind", "webhook")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/sources/shop");

    // The secret is shown on request (and the reveal is in the operator's log).
    let r = a
        .post(&admin, "/sources/shop", "/sources/shop", &[("action", "reveal")])
        .await;
    let page = r.text().await.unwrap();
    let at = page.find("data-secret>").expect("the secret is shown") + "data-secret>".len();
    let old_secret = page[at..at + page[at..].find('<').unwrap()].to_owned();
    assert!(old_secret.starts_with("whsec_"), "{old_secret}");
    assert!(
        !a.app
            .operator_actions(Some("source.reveal_secret"), 5)
            .await
            .unwrap()
            .is_empty()
    );

    // The signed example the page shows is accepted as it is.
    let example = a.app.signed_example("shop").await.unwrap();
    let (_, page) = a.get(&admin, "/sources/shop").await;
    assert!(
        page.contains("data-example") && page.contains("webhook-signature"),
        "{page}"
    );
    let send = |headers: Vec<(String, String)>, body: String| {
        let mut req = a.http.post(format!("{}/webhooks/shop", a.base)).body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    let headers = example
        .headers
        .iter()
        .map(|h| (h.name.to_owned(), h.value.clone()))
        .collect();
    let r = send(headers, example.body.clone()).await.unwrap();
    assert!(r.status().is_success(), "{:?}", r.text().await);

    // After a rotation both secrets are accepted (for a day), and a made-up one is not.
    let r = a
        .post(&admin, "/sources/shop", "/sources/shop", &[("action", "rotate")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let signed_with = |secret: &str, id: &str| {
        let body = format!(r#"{{"type":"invoice.hint","timestamp":null,"data":{{"id":"{id}"}}}}"#);
        let (ts, sig) = signature(secret, id, body.as_bytes());
        let headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("webhook-id".to_owned(), id.to_owned()),
            ("webhook-timestamp".to_owned(), ts.to_string()),
            ("webhook-signature".to_owned(), sig),
        ];
        (headers, body)
    };
    let (h, b) = signed_with(&old_secret, "msg_old");
    assert!(
        send(h, b).await.unwrap().status().is_success(),
        "the old secret still works"
    );
    let example = a.app.signed_example("shop").await.unwrap();
    let h = example
        .headers
        .iter()
        .map(|h| (h.name.to_owned(), h.value.clone()))
        .collect();
    assert!(
        send(h, example.body).await.unwrap().status().is_success(),
        "the new one works"
    );
    let forged = mm_webhook::Secret::generate(&mut rand::rngs::OsRng).expose_whsec();
    let (h, b) = signed_with(&forged, "msg_forged");
    assert_eq!(send(h, b).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let (_, page) = a.get(&admin, "/sources/shop").await;
    assert!(!page.contains(&old_secret), "a secret shows only when asked");
}

#[tokio::test]
async fn a_facturascripts_source_added_in_the_admin_is_polled_and_refused_without_a_key() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    let fields = [
        ("name", "erp2"),
        ("kind", "facturascripts"),
        ("url", a.world.fs_url.as_str()),
        ("token", a.world.fs.token()),
        ("poll_secs", "60"),
        ("allow_private_network", "on"),
    ];
    let r = a.post(&admin, "/sources/new", "/sources", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let polls = a.app.poll_all().await;
    let erp2 = polls
        .iter()
        .find(|p| p.source == "erp2")
        .expect("the new source is polled");
    assert!(erp2.result.is_ok(), "{:?}", erp2.result);
    let (_, list) = a.get(&admin, "/sources").await;
    assert!(
        list.contains(r#"data-source="erp2""#) && list.contains(r#"data-source="erp""#),
        "{list}"
    );

    // A bad interval is refused with its reason, and nothing is stored.
    let mut bad = fields;
    bad[0] = ("name", "erp3");
    bad[4] = ("poll_secs", "1");
    let r = a.post(&admin, "/sources/new", "/sources", &bad).await;
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.contains("error=invalid-interval"), "{to}");
    let (_, page) = a.get(&admin, &to).await;
    assert!(page.contains("86400"), "the reason names the bounds: {page}");
    assert!(
        a.app
            .store()
            .stored_sources()
            .await
            .unwrap()
            .iter()
            .all(|s| s.name != "erp3")
    );

    // Without a secret key nothing secret can be stored: the admin is told how to make one.
    let mut keyless = a.world.config.clone();
    keyless.secret_key = None;
    let app = Engine::build(keyless).await.unwrap();
    let e = app
        .save_site(
            &mm_engine::admin::Actor::Cli,
            mm_engine::connections::SiteDraft {
                name: "lms".into(),
                url: a.world.moodle_url.clone(),
                token: Some(a.world.moodle.token().into()),
                allow_private_network: true,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "no-secret-key");
    assert!(e.to_string().contains("secret keygen"), "{e}");
}

#[tokio::test]
async fn the_settings_page_shows_the_configuration_and_never_a_secret() {
    let a = Admin::start().await;
    let admin = session_cookie(&a.app, Role::Admin).await;
    let (status, page) = a.get(&admin, "/settings").await;
    assert_eq!(status, StatusCode::OK);
    let public_url = a.app.config().public_url.to_string();
    assert!(
        page.contains(r#"data-setting="server.public_url""#) && page.contains(&public_url),
        "{page}"
    );
    assert!(page.contains(r#"data-setting="secrets.key""#), "{page}");
    let secret_key = a.app.config().secret_key.as_ref().expect("the demo has a key");
    for secret in [
        a.world.moodle.token(),
        a.world.fs.token().to_owned(),
        secret_key.to_base64().expose_secret().to_owned(),
    ] {
        assert!(!page.contains(&secret), "a secret on the settings page");
    }
    let viewer = session_cookie(&a.app, Role::Viewer).await;
    let (status, _) = a.get(&viewer, "/settings").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_running_service_starts_polling_a_source_added_in_the_admin_and_stops_when_removed() {
    let a = Admin::start().await;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let mut loops = tokio::task::JoinSet::new();
    mm_engine::runtime::spawn_loops(&a.app, &mut loops, &shutdown);
    let polled = |app: Arc<Engine>| async move {
        let now = mm_engine::clock::now();
        let activity = app.store().source_activity(now).await.unwrap();
        activity
            .into_iter()
            .any(|s| s.source == "erp2" && s.last_poll.is_some())
    };
    assert!(!polled(a.app.clone()).await);
    a.app
        .save_source(
            &mm_engine::admin::Actor::Cli,
            mm_engine::connections::SourceDraft {
                name: "erp2".into(),
                kind: mm_engine::connections::SourceDraftKind::FacturaScripts {
                    url: a.world.fs_url.clone(),
                    token: Some(a.world.fs.token().to_owned().into()),
                    poll_secs: 10,
                    allow_private_network: true,
                },
            },
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !polled(a.app.clone()).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new source was never polled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    a.app
        .remove_source(&mm_engine::admin::Actor::Cli, "erp2")
        .await
        .unwrap();
    assert!(
        a.app.pollers().iter().all(|p| p.name() != "erp2"),
        "no poller is kept for it"
    );
    shutdown.cancel();
    while loops.join_next().await.is_some() {}
}

#[tokio::test]
async fn the_audit_log_pages_backwards_and_exports_every_entry() {
    let a = Admin::start().await;
    let viewer = session_cookie(&a.app, Role::Viewer).await;
    for i in 0..130 {
        a.app
            .record_action(
                &mm_engine::admin::Actor::Cli,
                "job.retry",
                &format!("job-{i:03}"),
                None,
                true,
            )
            .await;
    }
    let (_, first) = a.get(&viewer, "/audit?q=job.retry").await;
    assert!(
        first.contains("job-129") && !first.contains("job-029"),
        "newest first, one page"
    );
    let at = first
        .find(r#"data-action="older-actions""#)
        .expect("a link to older entries");
    let href_at = first[..at].rfind("href=\"").unwrap() + "href=\"".len();
    let href = first[href_at..].split('"').next().unwrap().replace("&amp;", "&");
    let (_, second) = a.get(&viewer, &href).await;
    assert!(second.contains("job-029") && second.contains("job-000"), "{second}");
    assert!(!second.contains("job-030"), "no entry on two pages");
    assert!(!second.contains(r#"data-action="older-actions""#), "the last page");
    let (_, csv) = a.get(&viewer, "/audit/actions.csv?q=job.retry").await;
    assert_eq!(csv.lines().count(), 131, "a header and every entry");
}
