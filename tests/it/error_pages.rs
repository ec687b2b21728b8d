//! The HTML error pages speak their reader's language (issue #16): the signed-in user's choice,
//! else the browser's `Accept-Language`, like every other page.

use crate::kit::http::{call, session_cookie};
use crate::kit::world;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};
use axum::http::{Request, StatusCode};
use mm_core::Role;
use mm_i18n::{Locale, text};

fn locale(tag: &str) -> Locale {
    tag.parse().unwrap()
}

/// The page's title and message in `tag`, as the catalogue has them (and not English).
fn says(page: &str, tag: &str, title: &str, message: &str) {
    let (l, en) = (locale(tag), Locale::FALLBACK);
    for key in [title, message] {
        assert_ne!(text(l, key, &[]), text(en, key, &[]), "{key} has a {tag} text");
        assert!(page.contains(&text(l, key, &[])), "{key} in {tag}: {page}");
    }
    assert!(page.contains(&format!(r#"lang="{tag}""#)), "{page}");
}

#[tokio::test]
async fn a_missing_page_is_in_the_browsers_language_and_a_forged_form_in_the_users() {
    let (_dir, db) = world::sqlite("error-pages.sqlite");
    let w = world::start(&db, "30s").await;
    let app = world::app(&w).await;

    // No session: the browser's language.
    let req = Request::get("/no/such/page")
        .header(ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.5")
        .body(Body::empty())
        .unwrap();
    let a = call(&app, req).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    says(&a.body, "de-DE", "error-not-found-title", "error-not-found-message");

    // A form without this session's CSRF token: the CSRF page, in Spanish for a Spanish browser.
    let cookie = session_cookie(&app, Role::Operator).await;
    let post = |cookie: &str, accept: &str| {
        Request::post("/jobs")
            .header(COOKIE, cookie)
            .header(ACCEPT_LANGUAGE, accept)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("csrf=forged&action=retry"))
            .unwrap()
    };
    let a = call(&app, post(&cookie, "es-ES,es;q=0.9")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    says(&a.body, "es-ES", "error-csrf-title", "error-csrf-message");

    // A user who chose Polish reads Polish whatever the browser asks for.
    app.set_own_locale("operator@test.example", Some("pl-PL".into()))
        .await
        .unwrap();
    let a = call(&app, post(&cookie, "es-ES,es;q=0.9")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    says(&a.body, "pl-PL", "error-csrf-title", "error-csrf-message");

    // A viewer refused an operator's page: the 403 in the browser's language, its length right.
    let viewer = session_cookie(&app, Role::Viewer).await;
    let a = call(&app, post(&viewer, "fr-FR")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    says(&a.body, "fr-FR", "error-forbidden-title", "error-forbidden-message");
}
