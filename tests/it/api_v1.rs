//! The versioned JSON API (issue #17), served over the demo world after a pass: each route's
//! success, a parameter that does not parse (problem+json naming the field), an unknown
//! resource, and a missing, expired or too narrow token; cursors, ETags and `If-None-Match`.

use crate::kit::http::serve;
use crate::kit::world;
use mm_core::Scope;
use mm_engine::Engine;
use mm_engine::admin::Actor;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const BOUGHT: &[(&str, &[&str])] = &[
    ("ada@example.org", &["PY-101", "JS-101"]),
    ("grace@example.org", &["SQL-101"]),
    ("alan@example.org", &["PY-101"]),
];

/// The demo world with three paid invoices, reconciled and served.
pub struct Served {
    pub app: Arc<Engine>,
    pub base: String,
    pub world: mm_demo::DemoWorld,
    _dir: tempfile::TempDir,
}

pub async fn served(file: &str) -> Served {
    let (dir, db) = world::sqlite(file);
    let w = world::start(&db, "30s").await;
    let app = world::app(&w).await;
    for (email, products) in BOUGHT {
        let customer = w.customers.iter().find(|(_, e)| e == email).unwrap().0.clone();
        let id = w.invoice(&customer, products).unwrap();
        w.fs.pay(id, true).unwrap();
    }
    let report = app.reconcile_once().await.unwrap();
    assert!(report.converged(), "{}", report.describe());
    let (base, _task) = serve(&app).await;
    Served {
        app,
        base,
        world: w,
        _dir: dir,
    }
}

pub async fn token(app: &Engine, name: &str, scope: Scope, expires: Option<Duration>) -> String {
    let t = app.create_api_token(&Actor::Cli, name, scope, expires).await.unwrap();
    t.token.expose_secret().to_owned()
}

struct Reply {
    status: StatusCode,
    content_type: String,
    etag: Option<String>,
    body: Value,
}

async fn call(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    etag: Option<&str>,
) -> Reply {
    let client = reqwest::Client::new();
    let url = format!("{base}{path}");
    let mut r = match method {
        "post" => client.post(url),
        _ => client.get(url),
    };
    if let Some(t) = token {
        r = r.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    if let Some(e) = etag {
        r = r.header(IF_NONE_MATCH, e);
    }
    let r = r.send().await.unwrap();
    let header = |name| {
        r.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(CONTENT_TYPE).unwrap_or_default();
    let etag = header(ETAG);
    let status = r.status();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        content_type,
        etag,
        body,
    }
}

fn problem(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{}", r.body);
    assert_eq!(
        r.body["type"],
        format!("urn:moodle-management:problem:{code}"),
        "{}",
        r.body
    );
}

fn invalid(r: &Reply, field: &str) {
    problem(r, StatusCode::BAD_REQUEST, "invalid-parameter");
    assert_eq!(r.body["field"], field, "{}", r.body);
}

#[tokio::test]
async fn every_route_answers_its_view_names_the_field_at_fault_and_refuses_bad_tokens() {
    let s = served("api-v1.sqlite").await;
    let base = s.base.as_str();
    let read = token(&s.app, "reader", Scope::Read, None).await;
    let write = token(&s.app, "writer", Scope::Write, None).await;
    let brief = token(&s.app, "brief", Scope::Admin, Some(Duration::from_secs(1))).await;
    let get = |path: String| {
        let read = read.clone();
        async move { call(base, "get", &path, Some(&read), None, None).await }
    };

    // Enrolments: a page of two, then the rest by its cursor; every one is the engine's.
    let total = s
        .app
        .enrolment_page(&mm_engine::EnrolmentQuery {
            filter: Default::default(),
            sort: Default::default(),
            direction: Default::default(),
            page: 1,
            per_page: 500,
        })
        .await
        .unwrap()
        .total;
    assert!(total >= 4, "the pass made the entitlements: {total}");
    let first = get("/api/v1/enrolments?limit=2&sort=-course".into()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let items = first.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(
        items[0]["course"].as_str() >= items[1]["course"].as_str(),
        "sorted descending"
    );
    let mut seen = items.len();
    let mut cursor = first.body["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let next = get(format!("/api/v1/enrolments?cursor={c}")).await;
        assert_eq!(next.status, StatusCode::OK, "{}", next.body);
        seen += next.body["items"].as_array().unwrap().len();
        cursor = next.body["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(
        i64::try_from(seen).unwrap(),
        total,
        "the cursors walk the whole list once"
    );
    let ada = get("/api/v1/enrolments?learner=ada&status=active".into()).await;
    let rows = ada.body["items"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{}", ada.body);
    assert!(
        rows.iter()
            .all(|r| r["learner"] == "ada@example.org" && r["desired"] == "active")
    );
    for (path, field) in [
        ("/api/v1/enrolments?limit=0", "limit"),
        ("/api/v1/enrolments?limit=many", "limit"),
        ("/api/v1/enrolments?cursor=not-ours", "cursor"),
        ("/api/v1/enrolments?sort=price", "sort"),
        ("/api/v1/enrolments?status=sleeping", "status"),
        ("/api/v1/enrolments?job=lost", "job"),
        ("/api/v1/learners?sort=-age", "sort"),
        ("/api/v1/learners?limit=501", "limit"),
        ("/api/v1/invoices?limit=-1", "limit"),
        ("/api/v1/dashboard?from=yesterday", "from"),
        ("/api/v1/dashboard?to=2027-13-01", "to"),
    ] {
        invalid(&get(path.into()).await, field);
    }

    // One enrolment, with its causes and history.
    let row = &rows[0];
    let one_path = format!(
        "/api/v1/enrolments/{}/{}/{}",
        row["site"].as_str().unwrap(),
        row["course"].as_str().unwrap(),
        row["learner"].as_str().unwrap()
    );
    let one = get(one_path.clone()).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.body["causes"], row["causes"], "the same causes as the list's");
    let history = one.body["history"].as_array().unwrap();
    assert!(
        history.iter().any(|h| h["action"] == "enrol" && h["ok"] == true),
        "{}",
        one.body
    );
    problem(
        &get(format!(
            "/api/v1/enrolments/{}/NOPE-1/ada@example.org",
            row["site"].as_str().unwrap()
        ))
        .await,
        StatusCode::NOT_FOUND,
        "not-found",
    );

    // ETags: the same answer has the same tag, and a current copy is not sent again.
    let tag = one.etag.clone().expect("an ETag");
    let again = call(base, "get", &one_path, Some(&read), None, Some(&tag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let stale = call(base, "get", &one_path, Some(&read), None, Some("\"other\"")).await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.etag.as_deref(), Some(tag.as_str()));

    // Invoices: the search, one story, an unknown one.
    let cause = &row["causes"][0];
    let found = get(format!(
        "/api/v1/invoices?q={}",
        cause["invoice_number"].as_str().unwrap()
    ))
    .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["items"][0]["id"], cause["invoice"], "{}", found.body);
    let story = get(format!(
        "/api/v1/invoices/{}/{}",
        cause["source"].as_str().unwrap(),
        cause["invoice"].as_str().unwrap()
    ))
    .await;
    assert_eq!(story.status, StatusCode::OK, "{}", story.body);
    assert_eq!(story.body["number"], cause["invoice_number"]);
    assert_eq!(
        story.body["courses"].as_array().unwrap().len(),
        2,
        "Ada's two courses: {}",
        story.body
    );
    problem(
        &get(format!("/api/v1/invoices/{}/999999", cause["source"].as_str().unwrap())).await,
        StatusCode::NOT_FOUND,
        "not-found",
    );

    // Learners: the list, one, an unknown one.
    let learners = get("/api/v1/learners?search=EXAMPLE&sort=email".into()).await;
    let emails: Vec<&str> = learners.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ada@example.org", "alan@example.org", "grace@example.org"]);
    let ada = get("/api/v1/learners/ada@example.org".into()).await;
    assert_eq!(ada.status, StatusCode::OK, "{}", ada.body);
    assert_eq!(ada.body["enrolments"].as_array().unwrap().len(), 2);
    assert!(!ada.body["accounts"].as_array().unwrap().is_empty());
    problem(
        &get("/api/v1/learners/nobody@example.org".into()).await,
        StatusCode::NOT_FOUND,
        "not-found",
    );

    // Certificates: none is due yet (no completion), so an empty page; a bad limit names it.
    let certificates = get("/api/v1/certificates?learner=ada@example.org&limit=10".into()).await;
    assert_eq!(certificates.status, StatusCode::OK, "{}", certificates.body);
    assert_eq!(certificates.body, json!({"items": [], "next_cursor": null}));
    invalid(&get("/api/v1/certificates?limit=x".into()).await, "limit");

    // Mappings: the engine's, each once.
    let mappings = get("/api/v1/mappings".into()).await;
    assert_eq!(mappings.status, StatusCode::OK, "{}", mappings.body);
    let expected = s.app.mapping_list().await.unwrap();
    let items = mappings.body["items"].as_array().unwrap();
    assert_eq!(items.len(), expected.len());
    assert!(
        items.iter().any(|m| m["product"] == "PY-101" && m["course"] == "PY101"),
        "{}",
        mappings.body
    );

    // The dashboard counts as the engine does.
    let dash = get("/api/v1/dashboard".into()).await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    assert_eq!(dash.body["active_learners"], 3, "{}", dash.body);

    // Jobs: the list; retry and discard need a write token, and name the field at fault.
    let jobs = get("/api/v1/jobs".into()).await;
    assert_eq!(jobs.status, StatusCode::OK, "{}", jobs.body);
    let refused = call(
        base,
        "post",
        "/api/v1/jobs/retry",
        Some(&read),
        Some(json!({"all": true})),
        None,
    )
    .await;
    problem(&refused, StatusCode::FORBIDDEN, "insufficient-scope");
    for action in ["retry", "discard"] {
        let path = format!("/api/v1/jobs/{action}");
        let done = call(base, "post", &path, Some(&write), Some(json!({"all": true})), None).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(done.body["count"], 0, "no job is dead: {}", done.body);
        let half = call(
            base,
            "post",
            &path,
            Some(&write),
            Some(json!({"site": "x", "course": "PY101"})),
            None,
        )
        .await;
        problem(&half, StatusCode::UNPROCESSABLE_ENTITY, "invalid-body");
        assert_eq!(half.body["field"], "learner", "{}", half.body);
        let typed = call(base, "post", &path, Some(&write), Some(json!({"all": "yes"})), None).await;
        problem(&typed, StatusCode::UNPROCESSABLE_ENTITY, "invalid-body");
        assert_eq!(typed.body["field"], "all", "{}", typed.body);
    }
    let logged = s.app.operator_actions(Some("job."), 10).await.unwrap();
    assert!(
        logged
            .iter()
            .any(|a| a.action == "job.retry" && a.actor.contains("writer")),
        "the token's action is in the operator log: {logged:?}"
    );

    // Every route refuses no token, a wrong one and an expired one; and an unknown path.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let routes = [
        ("get", "/api/v1/dashboard".to_owned()),
        ("get", "/api/v1/enrolments".to_owned()),
        ("get", one_path.clone()),
        ("get", "/api/v1/invoices".to_owned()),
        ("get", "/api/v1/learners".to_owned()),
        ("get", "/api/v1/learners/ada@example.org".to_owned()),
        ("get", "/api/v1/jobs".to_owned()),
        ("get", "/api/v1/certificates".to_owned()),
        ("get", "/api/v1/mappings".to_owned()),
        ("post", "/api/v1/jobs/retry".to_owned()),
        ("post", "/api/v1/jobs/discard".to_owned()),
    ];
    for (method, path) in &routes {
        let body = (*method == "post").then(|| json!({"all": true}));
        for t in [None, Some("mmt_unknown"), Some(brief.as_str())] {
            let r = call(base, method, path, t, body.clone(), None).await;
            problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        }
    }
    problem(
        &call(base, "get", "/api/v1/nothing-here", Some(&read), None, None).await,
        StatusCode::NOT_FOUND,
        "no-route",
    );
    let _ = &s.world;
}

async fn patch(base: &str, path: &str, token: &str, body: Value, if_match: Option<&str>) -> Reply {
    let mut r = reqwest::Client::new()
        .patch(format!("{base}{path}"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .json(&body);
    if let Some(m) = if_match {
        r = r.header(reqwest::header::IF_MATCH, m);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let content_type = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = r.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        content_type,
        etag: None,
        body,
    }
}

#[tokio::test]
async fn a_user_changes_only_with_a_current_if_match_and_an_admin_token() {
    let s = served("api-v1-users.sqlite").await;
    let base = s.base.as_str();
    let password = secrecy::SecretString::from("a long enough passphrase".to_owned());
    s.app
        .add_admin_user("ops@example.org", mm_core::Role::Operator, &password, &Actor::Cli)
        .await
        .unwrap();
    let admin = token(&s.app, "root", Scope::Admin, None).await;
    let write = token(&s.app, "writer", Scope::Write, None).await;
    let path = "/api/v1/users/ops@example.org";

    problem(
        &call(base, "get", "/api/v1/users", Some(&write), None, None).await,
        StatusCode::FORBIDDEN,
        "insufficient-scope",
    );
    let list = call(base, "get", "/api/v1/users", Some(&admin), None, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["email"] == "ops@example.org")
    );
    let read = call(base, "get", path, Some(&admin), None, None).await;
    assert_eq!(read.body["role"], "operator", "{}", read.body);
    let tag = read.etag.clone().expect("an ETag");
    problem(
        &call(
            base,
            "get",
            "/api/v1/users/nobody@example.org",
            Some(&admin),
            None,
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not-found",
    );

    // No If-Match: 428; a stale one: 412; nothing changed by either.
    let body = json!({"role": "viewer"});
    problem(
        &patch(base, path, &admin, body.clone(), None).await,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    );
    problem(
        &patch(base, path, &admin, body.clone(), Some("\"stale\"")).await,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    );
    assert_eq!(
        s.app.admin_user("ops@example.org").await.unwrap().role,
        mm_core::Role::Operator
    );
    let wrong = patch(base, path, &admin, json!({"role": "king"}), Some(&tag)).await;
    problem(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "invalid-body");
    assert_eq!(wrong.body["field"], "role", "{}", wrong.body);
    problem(
        &patch(base, path, &write, body.clone(), Some(&tag)).await,
        StatusCode::FORBIDDEN,
        "insufficient-scope",
    );

    // The current tag changes it, once: the old tag is then stale.
    let done = patch(base, path, &admin, body.clone(), Some(&tag)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["role"], "viewer");
    assert_eq!(
        s.app.admin_user("ops@example.org").await.unwrap().role,
        mm_core::Role::Viewer
    );
    problem(
        &patch(base, path, &admin, json!({"disabled": true}), Some(&tag)).await,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    );
    let logged = s.app.operator_actions(Some("user.change"), 10).await.unwrap();
    assert!(logged.iter().any(|a| a.actor == "token:root"), "{logged:?}");
    for t in [None, Some("mmt_unknown")] {
        let r = call(base, "get", path, t, None, None).await;
        problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

/// The v1 actions take `Idempotency-Key` as `/api/seats` does, and the document says so.
#[tokio::test]
async fn a_v1_action_sent_again_with_its_idempotency_key_is_answered_from_the_first() {
    let s = served("idempotent.sqlite").await;
    let write = token(&s.app, "script", Scope::Write, None).await;
    let client = reqwest::Client::new();
    let send = |body: Value| {
        client
            .post(format!("{}/api/v1/jobs/retry", s.base))
            .header(AUTHORIZATION, format!("Bearer {write}"))
            .header("Idempotency-Key", "retry-all-2026-12-08")
            .json(&body)
            .send()
    };
    let first = send(json!({"all": true})).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first.headers().get("idempotency-replayed").is_none());
    let first = first.text().await.unwrap();
    let again = send(json!({"all": true})).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotency-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first, "the first answer, byte for byte");
    let other = send(json!({"site": "x", "course": "PY101", "learner": "ada@example.org"}))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = other.json().await.unwrap();
    assert_eq!(problem["type"], "urn:moodle-management:problem:idempotency-key-reused");
    assert_eq!(problem["field"], "Idempotency-Key");

    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names = |method: &str, path: &str| -> Vec<String> {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(names("post", "/api/v1/jobs/retry").contains(&"Idempotency-Key".to_owned()));
    assert!(!names("get", "/api/v1/jobs").contains(&"Idempotency-Key".to_owned()));
}

/// The audit logs page by page, newest first, as the engine holds them; a token's action is
/// in the operators' log under its name.
#[tokio::test]
async fn the_audit_logs_page_backwards_and_name_the_token_that_acted() {
    let s = served("audit.sqlite").await;
    let write = token(&s.app, "nightly", Scope::Write, None).await;
    let read = token(&s.app, "bi", Scope::Read, None).await;
    let done = call(
        &s.base,
        "post",
        "/api/v1/jobs/retry",
        Some(&write),
        Some(json!({"all": true})),
        None,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let changes = s.app.audit_search_before(None, None, 1000).await.unwrap();
    assert!(changes.len() >= 3, "three learners were enrolled: {changes:?}");
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/audit/changes?limit=2&cursor={cursor}");
        let page = call(&s.base, "get", &path, Some(&read), None, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        ids.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(ids, changes.iter().map(|c| c.id).collect::<Vec<_>>());

    let actions = call(
        &s.base,
        "get",
        "/api/v1/audit/actions?search=job.retry",
        Some(&read),
        None,
        None,
    )
    .await;
    assert_eq!(actions.status, StatusCode::OK, "{}", actions.body);
    let first = &actions.body["items"][0];
    assert_eq!(first["actor"], "token:nightly", "{}", actions.body);
    assert_eq!(first["action"], "job.retry", "{}", actions.body);
    let bad = call(
        &s.base,
        "get",
        "/api/v1/audit/actions?cursor=yesterday",
        Some(&read),
        None,
        None,
    )
    .await;
    invalid(&bad, "cursor");
}

/// An admin adds a mapping and removes it under `If-Match`; config.toml's stay; a bad field is
/// named.
#[tokio::test]
async fn mappings_are_added_and_removed_by_an_admin_token_under_if_match() {
    let s = served("mappings-api.sqlite").await;
    let admin = token(&s.app, "ops", Scope::Admin, None).await;
    let write = token(&s.app, "script", Scope::Write, None).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", s.base);
    let body = json!({"product": "PY-201", "site": "main", "course": "PY101", "duration": "30d"});

    let refused = http
        .post(url("/api/v1/mappings"))
        .bearer_auth(&write)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let wrong = json!({"product": "PY-201", "site": "main", "course": "NOPE999"});
    let wrong = http
        .post(url("/api/v1/mappings"))
        .bearer_auth(&admin)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json::<Value>().await.unwrap()["field"], "course");

    let made = http
        .post(url("/api/v1/mappings"))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    assert_eq!(
        (made["origin"].as_str(), made["duration_secs"].as_i64()),
        (Some("ui"), Some(30 * 86_400))
    );
    let in_force = s.app.mapping_list().await.unwrap();
    assert!(
        in_force.iter().any(|m| m.mapping.product == "PY-201"),
        "the engine holds it"
    );

    let path = "/api/v1/mappings/PY-201/main/PY101";
    let read = call(&s.base, "get", path, Some(&admin), None, None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let tag = read.etag.unwrap();
    let delete = |if_match: Option<&str>| {
        let mut r = http.delete(url(path)).bearer_auth(&admin);
        if let Some(t) = if_match {
            r = r.header(reqwest::header::IF_MATCH, t);
        }
        r.send()
    };
    assert_eq!(delete(None).await.unwrap().status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(
        delete(Some("\"stale\"")).await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(delete(Some(&tag)).await.unwrap().status(), StatusCode::NO_CONTENT);
    let gone = call(&s.base, "get", path, Some(&admin), None, None).await;
    problem(&gone, StatusCode::NOT_FOUND, "not-found");
    assert!(
        !s.app
            .mapping_list()
            .await
            .unwrap()
            .iter()
            .any(|m| m.mapping.product == "PY-201")
    );

    // A mapping of config.toml is changed there.
    let declared = &s.app.mapping_list().await.unwrap()[0].mapping;
    let path = format!(
        "/api/v1/mappings/{}/{}/{}",
        declared.product, declared.site, declared.course
    );
    let tag = call(&s.base, "get", &path, Some(&admin), None, None)
        .await
        .etag
        .unwrap();
    let kept = http
        .delete(url(&path))
        .bearer_auth(&admin)
        .header(reqwest::header::IF_MATCH, tag)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), StatusCode::CONFLICT);
}
