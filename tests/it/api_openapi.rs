//! The OpenAPI document (issue #17): every route of the v1 router is in the document served at
//! `/api/v1/openapi.json`, every documented operation answers on the running service with a
//! status the document lists and a body its schema describes, and the reference page shows
//! every operation with its labels in the reader's language.

use crate::api_v1::{served, token};
use mm_core::Scope;
use mm_i18n::Locale;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The document's schema for one answer, its `$ref`s resolved against the document's own
/// components (they sit at the root, where `#/components/…` points).
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.as_object().cloned().unwrap_or_default();
    root.insert("components".into(), doc["components"].clone());
    root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    jsonschema::validator_for(&Value::Object(root)).expect("the documented schema compiles")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

#[tokio::test]
async fn the_document_lists_every_route_and_every_operation_answers_as_documented() {
    let s = served("api-openapi.sqlite").await;
    let admin = token(&s.app, "walker", Scope::Admin, None).await;
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/api/v1/openapi.json", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    // The router's own list (the same registrations that build it) against the served document.
    let (_, registered) = mm_web::v1::parts();
    let router: BTreeSet<(String, String)> = mm_web::v1::operations(&registered).into_iter().collect();
    assert!(router.len() >= 10, "{router:?}");
    assert_eq!(
        router,
        operations(&doc),
        "every registered route is in the served document"
    );

    // Every read carries an ETag, so the document lets every read answer 304.
    for (path, item) in doc["paths"].as_object().unwrap() {
        if let Some(get) = item.get("get") {
            assert!(
                get["responses"].get("304").is_some(),
                "GET {path} does not document 304"
            );
        }
    }

    // Values for the path parameters, read from the running service.
    let enrolments: Value = http
        .get(format!("{}/api/v1/enrolments?learner=ada", s.base))
        .header(AUTHORIZATION, format!("Bearer {admin}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = &enrolments["items"][0];
    let params: BTreeMap<&str, String> = [
        ("site", row["site"].as_str().unwrap().to_owned()),
        ("course", row["course"].as_str().unwrap().to_owned()),
        ("learner", row["learner"].as_str().unwrap().to_owned()),
        ("email", row["learner"].as_str().unwrap().to_owned()),
        ("source", row["causes"][0]["source"].as_str().unwrap().to_owned()),
        ("id", row["causes"][0]["invoice"].as_str().unwrap().to_owned()),
    ]
    .into_iter()
    .collect();

    let password = secrecy::SecretString::from("a long enough passphrase".to_owned());
    s.app
        .add_admin_user(
            "ops@example.org",
            mm_core::Role::Operator,
            &password,
            &mm_engine::admin::Actor::Cli,
        )
        .await
        .unwrap();

    let mut walked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        // Read before acting, and remove last: a DELETE's If-Match comes from the GET.
        let rank = |m: &str| ["get", "post", "patch", "put", "delete"].iter().position(|x| *x == m);
        let mut methods: Vec<(&String, &Value)> = item.as_object().unwrap().iter().collect();
        methods.sort_by_key(|(m, _)| rank(m));
        for (method, op) in methods {
            let mut url = path.clone();
            if path.starts_with("/api/v1/users/") {
                url = url.replace("{email}", "ops@example.org");
            }
            if path.starts_with("/api/v1/mappings/") {
                // The mapping the walk's POST /api/v1/mappings added (its example).
                url = url
                    .replace("{product}", "PY-201")
                    .replace("{site}", "main")
                    .replace("{course}", "PY101");
            }
            for (name, value) in &params {
                url = url.replace(&format!("{{{name}}}"), value);
            }
            assert!(!url.contains('{'), "a path parameter without a value: {path}");
            let mut request = match method.as_str() {
                "get" => http.get(format!("{}{url}", s.base)),
                "post" => http.post(format!("{}{url}", s.base)),
                "patch" => http.patch(format!("{}{url}", s.base)),
                "delete" => http.delete(format!("{}{url}", s.base)),
                other => panic!("no walker for {other} {path}"),
            }
            .header(AUTHORIZATION, format!("Bearer {admin}"));
            let wants_if_match = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            if wants_if_match {
                let current = http
                    .get(format!("{}{url}", s.base))
                    .header(AUTHORIZATION, format!("Bearer {admin}"))
                    .send()
                    .await
                    .unwrap();
                let tag = current
                    .headers()
                    .get(reqwest::header::ETAG)
                    .expect("an ETag to match")
                    .clone();
                request = request.header(reqwest::header::IF_MATCH, tag);
            }
            if let Some(body) = op.get("requestBody") {
                let media = &body["content"]["application/json"]["schema"];
                let schema = match media.get("$ref").and_then(Value::as_str) {
                    Some(r) => doc.pointer(&r[1..]).unwrap().clone(),
                    None => media.clone(),
                };
                let example = schema.get("example").cloned().unwrap_or_else(|| json!({}));
                request = request.json(&example);
            }
            let answer = request.send().await.unwrap();
            let status = answer.status().as_u16().to_string();
            let content_type = answer
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let text = answer.text().await.unwrap();
            let documented = op["responses"]
                .get(&status)
                .unwrap_or_else(|| panic!("{method} {path} answered {status}, not documented: {text}"));
            assert!(
                status.starts_with('2'),
                "{method} {path} should succeed: {status} {text}"
            );
            let Some((media, content)) = documented["content"].as_object().and_then(|c| c.iter().next()) else {
                // An answer without a body (204): its status is documented, nothing more to check.
                walked += 1;
                continue;
            };
            assert!(
                content_type.starts_with(media.as_str()),
                "{method} {path}: {content_type} is not {media}"
            );
            let body: Value = serde_json::from_str(&text).unwrap();
            let v = validator(&doc, &content["schema"]);
            let errors: Vec<String> = v
                .iter_errors(&body)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{method} {path} answered a shape the document does not describe: {errors:?}\n{body}"
            );
            walked += 1;
        }
    }
    assert_eq!(walked, router.len(), "every operation was called and checked");

    // A shape check that can fail: a body missing a required member is refused by the schema.
    let dashboard =
        &doc["paths"]["/api/v1/dashboard"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(!validator(&doc, dashboard).is_valid(&json!({"site": null})));

    // The reference page: every operation, the labels in the reader's language.
    for locale in [Locale::FALLBACK, Locale::negotiate(Some("de"), Locale::FALLBACK)] {
        let page = http
            .get(format!("{}/api/v1/docs", s.base))
            .header(ACCEPT_LANGUAGE, locale.tag())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains(&mm_i18n::text(locale, "api-docs-title", &[])), "{html}");
        assert!(html.contains(&mm_i18n::text(locale, "api-docs-responses", &[])));
        for (method, path) in &router {
            assert!(
                html.contains(&format!("<code>{path}</code>")),
                "{method} {path} is on the page"
            );
        }
    }
    let css = http.get(format!("{}/api/v1/docs.css", s.base)).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
}
