//! API tokens (issue #17): made on the command line or in the admin, shown once, stored only as
//! a hash, checked per route by scope, with their last use; revoked or expired ones refused.

use crate::kit::binary::run;
use crate::kit::http::{csrf_of, serve, session_cookie};
use crate::kit::world;
use mm_core::{Role, Scope};
use mm_engine::Engine;
use mm_engine::admin::Actor;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE};
use secrecy::ExposeSecret;
use std::time::Duration;

async fn get(base: &str, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_reads_by_its_scope_until_revoked_or_expired_and_its_use_is_seen() {
    let (_dir, db) = world::sqlite("tokens.sqlite");
    let w = world::start(&db, "30s").await;
    let app = world::app(&w).await;
    let (base, _server) = serve(&app).await;

    let read = app
        .create_api_token(&Actor::Cli, "crm", Scope::Read, None)
        .await
        .unwrap();
    let token = read.token.expose_secret().to_owned();
    assert!(token.starts_with("mmt_") && token.len() > 40, "{token}");
    let stored = app.store().api_tokens().await.unwrap();
    assert!(
        stored
            .iter()
            .all(|t| !token.contains(&t.prefix[4..]) || t.prefix.len() < 12),
        "only a prefix is kept"
    );

    // Read scope reads, is refused where a write scope is needed, and its use is noted.
    assert_eq!(get(&base, "/api/enrolments", &token).await.status(), StatusCode::OK);
    let metrics = get(&base, "/metrics", &token).await;
    assert_eq!(metrics.status(), StatusCode::OK, "a read token may scrape");
    let used = app.api_tokens().await.unwrap();
    assert!(used[0].last_used_at.is_some(), "{used:?}");
    let post_seat = |token: String| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/seats"))
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap()
        }
    };
    let r = post_seat(token.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("insufficient-scope"));
    let writer = app
        .create_api_token(&Actor::Cli, "seats bot", Scope::Write, None)
        .await
        .unwrap();
    let r = post_seat(writer.token.expose_secret().to_owned()).await;
    assert!(
        !matches!(r.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
        "a write token may assign seats (this body is then refused for what it lacks): {}",
        r.status()
    );
    let wrong = format!("{token}x");
    assert_eq!(
        get(&base, "/api/enrolments", &wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A second token with the same name is refused; revoking ends the first at once.
    let taken = app.create_api_token(&Actor::Cli, "crm", Scope::Admin, None).await;
    assert_eq!(taken.err().map(|e| e.code()), Some("name-taken"));
    app.revoke_api_token(&Actor::Cli, "crm").await.unwrap();
    let r = get(&base, "/api/enrolments", &token).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("revoked"));

    // An expired token is refused.
    let brief = app
        .create_api_token(&Actor::Cli, "brief", Scope::Read, Some(Duration::from_secs(1)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = get(&base, "/api/enrolments", brief.token.expose_secret()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let logged = app.operator_actions(Some("token."), 10).await.unwrap();
    assert!(logged.iter().any(|a| a.action == "token.revoke" && a.ok), "{logged:?}");
}

#[tokio::test]
async fn an_admin_makes_a_token_in_the_admin_sees_it_once_and_revokes_it() {
    let (_dir, db) = world::sqlite("tokens-ui.sqlite");
    let w = world::start(&db, "30s").await;
    let app: std::sync::Arc<Engine> = world::app(&w).await;
    let (base, _server) = serve(&app).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let admin = session_cookie(&app, Role::Admin).await;
    let page = http
        .get(format!("{base}/tokens"))
        .header(COOKIE, &admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let made = http
        .post(format!("{base}/tokens"))
        .header(COOKIE, &admin)
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("name", "bi export"),
            ("scope", "write"),
            ("expires_days", "90"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = made.find("data-token>").expect("the token is shown") + "data-token>".len();
    let token = made[at..at + made[at..].find('<').unwrap()].to_owned();
    assert_eq!(get(&base, "/api/jobs", &token).await.status(), StatusCode::OK);
    let again = http
        .get(format!("{base}/tokens"))
        .header(COOKIE, &admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&token), "shown once");
    assert!(
        again.contains(r#"data-token-row="bi export" data-standing="live""#),
        "{again}"
    );
    let r = http
        .post(format!("{base}/tokens/revoke"))
        .header(COOKIE, &admin)
        .form(&[("csrf", csrf_of(&again).as_str()), ("name", "bi export")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&base, "/api/jobs", &token).await.status(), StatusCode::UNAUTHORIZED);

    // A viewer may not see the tokens page.
    let viewer = session_cookie(&app, Role::Viewer).await;
    let r = http
        .get(format!("{base}/tokens"))
        .header(COOKIE, &viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[test]
fn the_command_line_makes_lists_and_revokes_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let db = dir.path().join("t.sqlite");
    std::fs::write(&cfg, format!("[database]\nurl = \"sqlite://{}\"\n", db.display())).unwrap();
    let cfg = cfg.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "token",
        "create",
        "--scope",
        "write",
        "--expires",
        "90d",
        "ci",
        "--config",
        cfg,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("token: "))
        .expect("printed once");
    assert!(token.starts_with("mmt_"));
    let (_, list, _) = run(&["token", "list", "--config", cfg]);
    assert!(
        list.contains("ci\twrite") && list.contains("live") && !list.contains(token),
        "{list}"
    );
    let (code, _, stderr) = run(&["token", "create", "--scope", "root", "x", "--config", cfg]);
    assert_ne!(code, 0);
    assert!(stderr.contains("read, write or admin"), "{stderr}");
    let (code, _, _) = run(&["token", "revoke", "ci", "--config", cfg]);
    assert_eq!(code, 0);
    let (_, list, _) = run(&["token", "list", "--config", cfg]);
    assert!(list.contains("revoked"), "{list}");
    let (code, _, stderr) = run(&["token", "revoke", "ci", "--config", cfg]);
    assert_ne!(code, 0);
    assert!(stderr.contains("no live token"), "{stderr}");
}
