//! Client behaviour against a loopback stub: batching, retries, ambiguous creation, circuit
//! breaker, token hygiene.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Reply, Stub, TOKEN, pairs, param};
use mm_moodle::*;
use serde_json::{Value, json};

fn function_of(body: &str) -> String {
    param(&pairs(body), "wsfunction").unwrap_or("").to_owned()
}

fn new_user(i: usize) -> NewUser {
    NewUser {
        username: format!("learner{i}"),
        email: format!("learner{i}@example.org"),
        firstname: "L".into(),
        lastname: format!("N{i}"),
        auth: None,
        createpassword: true,
        password: None,
        idnumber: None,
    }
}

/// A stub that answers create_users with ids, lookups by username from what it created,
/// enrol with null, get_users (email) with nothing.
fn crud_handler(created: Arc<Mutex<HashMap<String, i64>>>) -> common::Handler {
    Arc::new(move |_, body| {
        let p = pairs(body);
        match function_of(body).as_str() {
            "core_user_create_users" => {
                let mut db = created.lock().unwrap();
                let mut out = Vec::new();
                for (k, v) in &p {
                    if k.ends_with("[username]") {
                        let id = 100 + db.len() as i64;
                        db.insert(v.clone(), id);
                        out.push(json!({"id": id, "username": v}));
                    }
                }
                Reply::json(Value::from(out))
            }
            "core_user_get_users_by_field" => {
                let db = created.lock().unwrap();
                let out: Vec<Value> = p
                    .iter()
                    .filter(|(k, _)| k.starts_with("values["))
                    .filter_map(|(_, v)| db.get(v).map(|id| json!({"id": id, "username": v, "fullname": "x"})))
                    .collect();
                Reply::json(Value::from(out))
            }
            "core_user_get_users" => Reply::json(json!({"users": [], "warnings": []})),
            "enrol_manual_enrol_users" | "enrol_manual_unenrol_users" => Reply::json(Value::Null),
            other => Reply::json(json!({"exception":"moodle_exception","errorcode":"unexpected","message": other})),
        }
    })
}

#[tokio::test]
async fn batching_250_items_makes_3_requests() {
    let created = Arc::new(Mutex::new(HashMap::new()));
    let stub = Stub::start(crud_handler(created.clone())).await;
    let client = common::client(&stub);

    let users: Vec<NewUser> = (0..250).map(new_user).collect();
    let out = client.create_users(&users).await.expect("create");
    assert_eq!(out.len(), 250);
    assert_eq!(out[249].username, "learner249");
    assert_eq!(stub.count(), 3);
    assert_eq!(client.request_count(), 3);

    let names: Vec<String> = users.iter().map(|u| u.username.clone()).collect();
    let found = client
        .get_users_by_field(UserField::Username, &names)
        .await
        .expect("lookup");
    assert_eq!(found.len(), 250);
    assert_eq!(stub.count(), 6);

    let enrolments: Vec<Enrolment> = out
        .iter()
        .map(|u| Enrolment {
            roleid: 5,
            userid: u.id,
            courseid: 3,
            timestart: 0,
            timeend: 0,
            suspend: false,
        })
        .collect();
    client.enrol_users(&enrolments).await.expect("enrol");
    assert_eq!(stub.count(), 9);
    // Every enrolment carries timestart, timeend and suspend.
    let body = stub.last_body().unwrap();
    let p = pairs(&body);
    assert_eq!(param(&p, "enrolments[0][timestart]"), Some("0"));
    assert_eq!(param(&p, "enrolments[0][timeend]"), Some("0"));
    assert_eq!(param(&p, "enrolments[0][suspend]"), Some("0"));
    assert!(!body.contains("true"));
}

/// The request count of enrolling 1,000 new learners with batch_size 100.
#[tokio::test]
async fn enrolling_1000_new_learners_request_count() {
    let created = Arc::new(Mutex::new(HashMap::new()));
    let stub = Stub::start(crud_handler(created.clone())).await;
    let client = common::client(&stub);
    let users: Vec<NewUser> = (0..1000).map(new_user).collect();

    // 1. case-insensitive look-up: one request per address (core_user_get_users accepts one
    //    email criterion per call), run with the per-site concurrency limit.
    let lookups = futures::future::join_all(users.iter().map(|u| client.find_users_by_email_ci(&u.email))).await;
    assert!(lookups.iter().all(|r| r.as_ref().is_ok_and(Vec::is_empty)));
    let after_lookup = client.request_count();
    // 2. create in batches, 3. enrol in batches.
    let out = client.create_users(&users).await.expect("create");
    let after_create = client.request_count();
    let enrolments: Vec<Enrolment> = out
        .iter()
        .map(|u| Enrolment {
            roleid: 5,
            userid: u.id,
            courseid: 3,
            timestart: 0,
            timeend: 0,
            suspend: false,
        })
        .collect();
    client.enrol_users(&enrolments).await.expect("enrol");
    let total = client.request_count();
    eprintln!(
        "1000 new learners: {after_lookup} look-ups + {} creates + {} enrols = {total} requests",
        after_create - after_lookup,
        total - after_create
    );
    assert_eq!(
        (after_lookup, after_create - after_lookup, total - after_create),
        (1000, 10, 10)
    );
}

#[tokio::test]
async fn retries_after_5xx_and_timeouts_but_not_permanent_errors() {
    // 503 then success.
    let stub = Stub::start(Arc::new(|n, _| {
        if n == 0 {
            Reply::raw(503, "text/html", "busy")
        } else {
            Reply::json(json!([{"id": 7, "fullname": "J"}]))
        }
    }))
    .await;
    let client = common::client(&stub);
    let users = client
        .get_users_by_field(UserField::Id, &["7".into()])
        .await
        .expect("retried");
    assert_eq!(users[0].id, 7);
    assert_eq!(stub.count(), 2);

    // A timeout then success.
    let stub = Stub::start(Arc::new(|n, _| {
        let r = Reply::json(json!([{"id": 7, "fullname": "J"}]));
        if n == 0 {
            r.delayed(Duration::from_millis(1500))
        } else {
            r
        }
    }))
    .await;
    let mut cfg = common::config(&stub);
    cfg.timeout = Duration::from_millis(300);
    let client = MoodleClient::new(cfg).unwrap();
    let users = client
        .get_users_by_field(UserField::Id, &["7".into()])
        .await
        .expect("retried after timeout");
    assert_eq!(users.len(), 1);
    assert_eq!(stub.count(), 2);

    // Persistent 5xx: gives up after max_attempts (3).
    let stub = Stub::start(Arc::new(|_, _| Reply::raw(502, "text/html", "bad gateway"))).await;
    let client = common::client(&stub);
    let err = client.site_info().await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(stub.count(), 3);

    // Permanent: exactly one request.
    let stub = Stub::start(Arc::new(|_, _| {
        Reply::json(json!({"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}))
    }))
    .await;
    let client = common::client(&stub);
    let err = client.site_info().await.unwrap_err();
    assert_eq!(err.errorcode(), Some("invalidtoken"));
    assert!(!err.is_retryable());
    assert!(err.fix_hint().unwrap().contains("Manage tokens"));
    assert_eq!(stub.count(), 1);

    // Permanent error in an enrol batch: one request, BatchError names the range.
    let stub = Stub::start(Arc::new(|_, _| {
        Reply::json(json!({"exception":"moodle_exception","errorcode":"wsnoinstance","message":"Manual enrolment plugin instance doesn't exist or is disabled for the course (id = 8)"}))
    }))
    .await;
    let client = common::client(&stub);
    let e = [Enrolment {
        roleid: 5,
        userid: 7,
        courseid: 8,
        timestart: 0,
        timeend: 0,
        suspend: false,
    }];
    let err = client.enrol_users(&e).await.unwrap_err();
    assert_eq!(stub.count(), 1);
    assert_eq!(err.failures[0].range, 0..1);
    assert!(err.failures[0].error.fix_hint().unwrap().contains("course id=8"));
}

#[tokio::test]
async fn ambiguous_create_looks_up_instead_of_creating_twice() {
    let created: Arc<Mutex<HashMap<String, i64>>> = Arc::new(Mutex::new(HashMap::new()));
    let creates = Arc::new(AtomicUsize::new(0));
    let inner = crud_handler(created.clone());
    let c2 = creates.clone();
    let stub = Stub::start(Arc::new(move |n, body| {
        let r = inner(n, body);
        if function_of(body) == "core_user_create_users" {
            // Moodle commits, but the answer arrives after the client's timeout.
            c2.fetch_add(1, Ordering::SeqCst);
            return r.delayed(Duration::from_millis(1500));
        }
        r
    }))
    .await;
    let mut cfg = common::config(&stub);
    cfg.timeout = Duration::from_millis(300);
    let client = MoodleClient::new(cfg).unwrap();
    let out = client
        .create_users(&[new_user(1), new_user(2)])
        .await
        .expect("recovered by look-up");
    assert_eq!(
        out.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(),
        ["learner1", "learner2"]
    );
    assert_eq!(out[0].id, created.lock().unwrap()["learner1"]);
    assert_eq!(creates.load(Ordering::SeqCst), 1, "never created twice");
    assert_eq!(stub.count(), 2, "one create + one look-up");
}

#[tokio::test]
async fn ambiguous_create_retries_when_nothing_was_created() {
    // First create: 500 without creating; the look-up finds nothing; the retry creates.
    let created: Arc<Mutex<HashMap<String, i64>>> = Arc::new(Mutex::new(HashMap::new()));
    let inner = crud_handler(created.clone());
    let creates = Arc::new(AtomicUsize::new(0));
    let c2 = creates.clone();
    let stub = Stub::start(Arc::new(move |n, body| {
        if function_of(body) == "core_user_create_users" && c2.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::raw(500, "text/html", "oops");
        }
        inner(n, body)
    }))
    .await;
    let client = common::client(&stub);
    let out = client.create_users(&[new_user(1)]).await.expect("created on retry");
    assert_eq!(out.len(), 1);
    assert_eq!(creates.load(Ordering::SeqCst), 2);
    assert_eq!(stub.count(), 3, "create, look-up, create");

    // A permanent error is not retried and no look-up happens.
    let stub = Stub::start(Arc::new(|_, _| {
        Reply::json(json!({"exception":"invalid_parameter_exception","errorcode":"invalidparameter","message":"Invalid parameter value detected","debuginfo":"Username already exists: learner1"}))
    }))
    .await;
    let client = common::client(&stub);
    let err = client.create_users(&[new_user(1)]).await.unwrap_err();
    assert_eq!(err.failures[0].error.errorcode(), Some("invalidparameter"));
    assert_eq!(stub.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaker_opens_probes_once_and_closes() {
    let healthy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let h2 = healthy.clone();
    let stub = Stub::start(Arc::new(move |_, _| {
        if h2.load(Ordering::SeqCst) {
            Reply::json(json!({"sitename":"S","userid":2,"functions":[]})).delayed(Duration::from_millis(200))
        } else {
            Reply::raw(503, "text/html", "down")
        }
    }))
    .await;
    let clock = Arc::new(mm_net::ManualClock::new());
    let mut cfg = common::config(&stub);
    cfg.retry = RetryPolicy::no_retry();
    cfg.breaker = BreakerConfig {
        failure_threshold: 2,
        cool_down: Duration::from_secs(60),
    };
    let client = MoodleClient::with_options(
        cfg,
        ClientOptions {
            clock: Some(clock.clone()),
            ..ClientOptions::default()
        },
    )
    .unwrap();

    assert_eq!(client.breaker_state(), BreakerState::Closed);
    for _ in 0..2 {
        assert!(matches!(
            client.site_info().await,
            Err(MoodleError::Http { status: 503, .. })
        ));
    }
    assert!(matches!(client.breaker_state(), BreakerState::Open { .. }));
    assert!(matches!(client.site_info().await, Err(MoodleError::CircuitOpen(_))));
    assert_eq!(stub.count(), 2, "open circuit sends nothing");

    clock.advance(Duration::from_secs(61));
    healthy.store(true, Ordering::SeqCst);
    assert_eq!(client.breaker_state(), BreakerState::HalfOpen);
    let calls = (0..10).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.site_info().await })
    });
    let results: Vec<_> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let open = results
        .iter()
        .filter(|r| matches!(r, Err(MoodleError::CircuitOpen(_))))
        .count();
    assert_eq!((ok, open), (1, 9), "exactly one probe");
    assert_eq!(stub.count(), 3);
    assert_eq!(client.breaker_state(), BreakerState::Closed);
    assert!(client.site_info().await.is_ok());

    // Re-open on a failed probe.
    healthy.store(false, Ordering::SeqCst);
    for _ in 0..2 {
        let _ = client.site_info().await;
    }
    clock.advance(Duration::from_secs(61));
    assert!(client.site_info().await.is_err());
    assert!(matches!(client.breaker_state(), BreakerState::Open { .. }));
}

#[tokio::test]
async fn email_lookup_is_case_insensitive_and_exact() {
    let stub = Stub::start(Arc::new(|_, body| {
        let p = pairs(body);
        assert_eq!(param(&p, "criteria[0][key]"), Some("email"));
        // `_` is a LIKE wildcard: Moodle returns look-alikes; the client must drop them.
        Reply::json(json!({"users": [
            {"id": 1, "fullname": "a", "email": "j_doe@example.org"},
            {"id": 2, "fullname": "b", "email": "jxdoe@example.org"},
            {"id": 3, "fullname": "c", "email": "J_DOE@Example.ORG"},
            {"id": 4, "fullname": "d"}
        ], "warnings": []}))
    }))
    .await;
    let client = common::client(&stub);
    let found = client.find_users_by_email_ci("J_Doe@example.org").await.unwrap();
    assert_eq!(found.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 3]);
}

#[tokio::test]
async fn check_functions_lists_missing() {
    let stub = Stub::start(Arc::new(|_, _| {
        Reply::json(
            json!({"sitename":"S","userid":2,"functions":[{"name":"core_webservice_get_site_info","version":"1"}]}),
        )
    }))
    .await;
    let client = common::client(&stub);
    let err = client
        .check_functions(&["core_webservice_get_site_info", "enrol_manual_enrol_users"])
        .await
        .unwrap_err();
    assert!(matches!(&err, MoodleError::MissingFunctions { missing } if missing == &["enrol_manual_enrol_users"]));
    assert!(
        err.fix_hint()
            .unwrap()
            .contains("add `enrol_manual_enrol_users` to the external service")
    );
}

#[tokio::test]
async fn site_url_checked_against_ssrf() {
    let mut cfg = SiteConfig::new(
        "x",
        url::Url::parse("http://127.0.0.1/").unwrap(),
        SecretString::from(TOKEN),
    );
    cfg.allow_private_network = false;
    let err = MoodleClient::new(cfg.clone()).unwrap_err();
    assert!(matches!(err, MoodleError::Ssrf(_)));
    // the whole chain of causes, as `{:#}` prints it at start: the block, the key, said once
    let mut chain = err.to_string();
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        chain = format!("{chain}: {c}");
        cause = c.source();
    }
    assert_eq!(
        chain,
        "[[moodle]] `x`: url http://127.0.0.1/ is a loopback address (127.0.0.1), refused (anti-SSRF); \
         fix: set `allow_private_network = true` in that [[moodle]] block if it is on your network"
    );
    assert_eq!(
        err.fix_hint(),
        None,
        "the fix is in the message, not repeated as a hint"
    );
    cfg.url = url::Url::parse("http://user@lms.example.org/").unwrap();
    assert!(matches!(MoodleClient::new(cfg.clone()), Err(MoodleError::Ssrf(_))));
    cfg.url = url::Url::parse("https://lms.example.org/moodle").unwrap();
    let c = MoodleClient::new(cfg).unwrap();
    assert_eq!(
        c.endpoint().as_str(),
        "https://lms.example.org/moodle/webservice/rest/server.php"
    );
}

/// Writer capturing everything tracing prints.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn token_and_passwords_never_in_logs_debug_or_errors() {
    let capture = Capture::default();
    let c2 = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || c2.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // A server that echoes the whole body back into its error (worst case).
    let stub = Stub::start(Arc::new(|n, body| match n % 3 {
        0 => Reply::json(json!({"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token", "debuginfo": body})),
        1 => Reply::raw(500, "text/html", body),
        _ => Reply::raw(200, "application/xml", &format!("<x>{body}</x>")),
    }))
    .await;
    let mut cfg = common::config(&stub);
    cfg.retry = RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(1),
        max: Duration::from_millis(2),
    };
    let client = MoodleClient::new(cfg.clone()).unwrap();

    let mut texts = vec![format!("{client:?}"), format!("{cfg:?}")];
    let mut user = new_user(1);
    user.password = Some(SecretString::from("Pa55word-Secret!".to_owned()));
    texts.push(format!("{user:?}"));
    for _ in 0..3 {
        if let Err(e) = client.site_info().await {
            texts.push(format!("{e} {e:?} {:?}", e.fix_hint()));
        }
        if let Err(e) = client.create_users(std::slice::from_ref(&user)).await {
            texts.push(format!("{e} {e:?}"));
        }
    }
    // Unreachable site: connection errors.
    let mut dead = cfg.clone();
    dead.url = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let dead = MoodleClient::new(dead).unwrap();
    if let Err(e) = dead.site_info().await {
        texts.push(format!("{e} {e:?}"));
    }
    drop(_guard);
    texts.push(String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned());
    let all = texts.join("\n");
    assert!(all.contains("REDACTED"), "the echoed token was redacted");
    assert!(!all.contains(TOKEN), "token leaked");
    assert!(!all.contains("Pa55word-Secret"), "password leaked in Debug");
    assert!(all.contains("moodle request"), "tracing output was captured");
}

#[tokio::test]
async fn isolating_enrolment_bisects_to_the_bad_row() {
    let enrolled = Arc::new(Mutex::new(Vec::<String>::new()));
    let e2 = enrolled.clone();
    let stub = Stub::start(Arc::new(move |_, body| {
        let p = pairs(body);
        let users: Vec<String> = p
            .iter()
            .filter(|(k, _)| k.ends_with("[userid]"))
            .map(|(_, v)| v.clone())
            .collect();
        if users.iter().any(|u| u == "13") {
            // Moodle rolls back the whole request.
            return Reply::json(
                json!({"exception":"dml_missing_record_exception","errorcode":"invaliduser","message":"Invalid user"}),
            );
        }
        e2.lock().unwrap().extend(users);
        Reply::json(Value::Null)
    }))
    .await;
    let client = common::client(&stub);
    let items: Vec<Enrolment> = [10, 11, 12, 13, 14, 15, 16, 17]
        .into_iter()
        .map(|u| Enrolment {
            roleid: 5,
            userid: u,
            courseid: 3,
            timestart: 0,
            timeend: 0,
            suspend: false,
        })
        .collect();
    let err = client.enrol_users_isolating(&items).await.unwrap_err();
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].range, 3..4);
    assert_eq!(err.failures[0].error.errorcode(), Some("invaliduser"));
    let mut done = enrolled.lock().unwrap().clone();
    done.sort();
    assert_eq!(done, ["10", "11", "12", "14", "15", "16", "17"]);
    eprintln!("bisecting 8 rows with one bad row took {} requests", stub.count());
}
