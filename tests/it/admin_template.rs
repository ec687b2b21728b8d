//! The certificate template editor over real HTTP: the preview follows a draft (two colours,
//! two images) and names a bad field, a saved footer and signatory are printed on the next
//! certificate, and what config.toml declares stays read-only.

use crate::kit::certificates::World;
use crate::kit::http::{csrf_of, get_with_cookie, serve, session_cookie};
use mm_core::Role;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use std::process::Command;

/// The text of a PDF (poppler), or `None` when pdftotext is missing and not required.
fn pdf_text(dir: &std::path::Path, pdf: &[u8]) -> Option<String> {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert_ne!(
            std::env::var("MM_REQUIRE_POPPLER").as_deref(),
            Ok("1"),
            "pdftotext is missing"
        );
        return None;
    }
    let path = dir.join("templated.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success());
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn an_admin_previews_and_saves_a_template_that_the_next_certificate_wears() {
    let Some(w) = World::start().await else { return };
    let cookie = session_cookie(&w.app, Role::Admin).await;
    let preview = |query: &'static str| {
        let (app, cookie) = (w.app.clone(), cookie.clone());
        async move { get_with_cookie(&app, &format!("/certificates/template/preview.png?{query}"), &cookie).await }
    };

    // The preview follows the draft.
    let (status, headers, red) = preview("primary_colour=%23aa0000").await;
    assert_eq!(status, StatusCode::OK, "{red}");
    assert_eq!(headers["content-type"], "image/png");
    let (_, _, green) = preview("primary_colour=%2300aa00").await;
    assert_ne!(red, green, "another colour, another image");
    let (status, _, why) = preview("primary_colour=red").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(why.contains("Main colour") && why.contains("#rrggbb"), "{why}");

    // Saved through the form (with its CSRF token), it is what the editor shows.
    let (base, _server) = serve(&w.app).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (_, _, page) = get_with_cookie(&w.app, "/certificates/template", &cookie).await;
    let r = http
        .post(format!("{base}/certificates/template"))
        .header(COOKIE, &cookie)
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("accent_colour", "#0a6b2d"),
            ("signatory_name", "Dra. Inés Ñúñez"),
            ("footer", "Academia Demo · Registro 2026/117"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/certificates/template?saved=true");
    let (_, _, page) = get_with_cookie(&w.app, "/certificates/template?saved=true", &cookie).await;
    assert!(
        page.contains("data-saved") && page.contains("Registro 2026/117"),
        "{page}"
    );
    let logged = w.app.operator_actions(Some("certificate.template"), 5).await.unwrap();
    assert!(logged.iter().any(|a| a.ok), "{logged:?}");

    // The next certificate wears it.
    let email = "luis.perez@example.org";
    w.enrolled(email, "PY-101").await;
    w.complete(email, "PY101", mm_engine::clock::now().0 - 3600);
    w.app.reconcile_once().await.unwrap();
    let cert = w.certificates_of(email).await.pop().expect("a certificate");
    let pdf = w.app.certificate_pdf(&cert).await.unwrap();
    if let Some(text) = pdf_text(w.dir.path(), &pdf) {
        for expected in ["Dra. Inés Ñúñez", "Registro 2026/117"] {
            assert!(text.contains(expected), "{expected:?} not in the PDF:\n{text}");
        }
    }

    // Every certificate of a search and the whole audit log export as CSV, with a header row.
    let viewer = session_cookie(&w.app, Role::Viewer).await;
    let (status, headers, csv) = get_with_cookie(&w.app, &format!("/certificates.csv?learner={email}"), &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("certificates.csv")
    );
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("number,code,learner"), "{csv}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), w.certificates_of(email).await.len(), "{csv}");
    assert!(rows[0].contains(&cert.cert.number) && rows[0].contains(email), "{csv}");
    let (_, _, actions) = get_with_cookie(&w.app, "/audit/actions.csv?q=certificate.template", &viewer).await;
    let logged = w.app.operator_actions(Some("certificate.template"), 100).await.unwrap();
    assert_eq!(actions.lines().count(), logged.len() + 1, "{actions}");
    let (_, _, changes) = get_with_cookie(&w.app, "/audit/changes.csv", &viewer).await;
    assert!(
        changes.lines().any(|l| l.contains(email) && l.contains("enrol")),
        "{changes}"
    );

    // A viewer may not edit the template.
    let (status, _, _) = get_with_cookie(&w.app, "/certificates/template", &viewer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn what_config_toml_declares_is_read_only_in_the_editor() {
    let Some(w) = World::start_with(|c| c.certificates.template.footer = Some("Declared in the file".into())).await
    else {
        return;
    };
    let cookie = session_cookie(&w.app, Role::Admin).await;
    let (_, _, page) = get_with_cookie(&w.app, "/certificates/template", &cookie).await;
    assert!(
        page.contains(r#"name="footer" value="Declared in the file" readonly"#),
        "{page}"
    );
    let e = w
        .app
        .save_certificate_template(
            &mm_engine::admin::Actor::Cli,
            mm_store::TemplateOverride {
                footer: Some("Another footer".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "declared-in-config");
    assert_eq!(e.field(), Some("footer"));
    // Posting the read-only value back as it is saves the rest.
    w.app
        .save_certificate_template(
            &mm_engine::admin::Actor::Cli,
            mm_store::TemplateOverride {
                footer: Some("Declared in the file".into()),
                signatory_title: Some("Directora".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (_, _, page) = get_with_cookie(&w.app, "/certificates/template", &cookie).await;
    assert!(page.contains(r#"value="Directora""#), "{page}");
}
