//! The client's public API end-to-end against the stateful Moodle simulator (`mm-sim-moodle`)
//! served on 127.0.0.1:0. Assertions look at the simulator's state and request counters, not at
//! hard-coded answers. Every test captures all tracing output (TRACE, its own thread) and checks
//! at the end that no token of the site ever appeared in it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mm_moodle::site::REQUIRED_FUNCTIONS;
use mm_moodle::*;
use mm_sim_moodle::{EnrolStatus, ManualInstance, MoodleSim, NewSimUser, SimOptions};

const GET_SITE_INFO: &str = "core_webservice_get_site_info";
const BY_FIELD: &str = "core_user_get_users_by_field";
const GET_USERS: &str = "core_user_get_users";
const CREATE: &str = "core_user_create_users";
const ENROL: &str = "enrol_manual_enrol_users";

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

/// A simulator on loopback, plus the tracing capture of the test (current-thread runtime: the
/// client, the simulator and their spawned tasks all log into it).
struct Site {
    sim: MoodleSim,
    url: url::Url,
    capture: Capture,
    tokens: Mutex<Vec<String>>,
    _trace: tracing::subscriber::DefaultGuard,
    _task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn site() -> Site {
    site_with(SimOptions::default()).await
}

async fn site_with(opts: SimOptions) -> Site {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let trace = tracing::subscriber::set_default(subscriber);
    let sim = MoodleSim::new(opts);
    let (addr, task) = sim.clone().spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = url::Url::parse(&format!("http://{addr}/")).unwrap();
    let tokens = Mutex::new(vec![sim.token()]);
    Site {
        sim,
        url,
        capture,
        tokens,
        _trace: trace,
        _task: task,
    }
}

impl Site {
    fn config_for(&self, token: &str) -> SiteConfig {
        let mut c = SiteConfig::new("sim", self.url.clone(), SecretString::from(token.to_owned()));
        c.allow_private_network = true;
        c.retry = RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(5),
            max: Duration::from_millis(20),
        };
        c.breaker = BreakerConfig {
            failure_threshold: 50,
            cool_down: Duration::from_secs(30),
        };
        c.timeout = Duration::from_secs(10);
        c
    }

    fn config(&self) -> SiteConfig {
        self.config_for(&self.sim.token())
    }

    fn client(&self) -> MoodleClient {
        MoodleClient::new(self.config()).unwrap()
    }

    fn client_with(&self, f: impl FnOnce(&mut SiteConfig)) -> MoodleClient {
        let mut c = self.config();
        f(&mut c);
        MoodleClient::new(c).unwrap()
    }

    /// A token for `userid` whose service holds `functions` (`None` = all).
    fn token(&self, userid: i64, functions: Option<&[&str]>) -> String {
        let t = self.sim.add_token(userid, functions);
        self.tokens.lock().unwrap().push(t.clone());
        t
    }

    /// Requests the simulator received for `function` (including faulted ones).
    fn count(&self, function: &str) -> u64 {
        self.sim.request_counts().get(function).copied().unwrap_or(0)
    }

    fn learner(&self, username: &str, email: &str) -> i64 {
        self.sim.add_user(NewSimUser {
            username: username.to_owned(),
            firstname: "Learner".to_owned(),
            lastname: username.to_owned(),
            email: email.to_owned(),
            ..NewSimUser::default()
        })
    }

    fn enrolment(&self, userid: i64, courseid: i64) -> Option<mm_sim_moodle::SimEnrolment> {
        self.sim
            .enrolments()
            .into_iter()
            .find(|e| e.userid == userid && e.courseid == courseid)
    }

    /// The token never appears in anything tracing printed during the test.
    fn finish(self) {
        let Site {
            capture,
            tokens,
            _trace,
            ..
        } = self;
        drop(_trace);
        let out = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
        assert!(out.contains("moodle request"), "tracing output was captured");
        for t in tokens.lock().unwrap().iter() {
            assert!(!out.contains(t.as_str()), "token leaked into tracing output");
        }
    }
}

fn new_user(prefix: &str, i: usize) -> NewUser {
    NewUser {
        username: format!("{prefix}{i}"),
        email: format!("{prefix}{i}@example.org"),
        firstname: "New".to_owned(),
        lastname: format!("Learner {i}"),
        auth: None,
        createpassword: true,
        password: None,
        idnumber: None,
    }
}

fn enrolment(userid: i64, courseid: i64) -> Enrolment {
    Enrolment {
        roleid: 5,
        userid,
        courseid,
        timestart: 0,
        timeend: 0,
        suspend: false,
    }
}

#[tokio::test]
async fn site_info_and_check_functions() {
    let s = site().await;
    let client = s.client();
    let info = client.site_info().await.unwrap();
    let token_user = s.sim.lock().tokens[&s.sim.token()].userid;
    assert_eq!(info.userid, token_user);
    let admin = s.sim.users().into_iter().find(|u| u.id == token_user).unwrap();
    assert_eq!(info.username, admin.username);
    let checked = client.check_functions(REQUIRED_FUNCTIONS).await.unwrap();
    assert_eq!(checked.userid, token_user);
    assert_eq!(s.count(GET_SITE_INFO), 2);

    // A service without enrol_manual_enrol_users.
    let fns: Vec<&str> = REQUIRED_FUNCTIONS.iter().copied().filter(|f| *f != ENROL).collect();
    let token = s.token(token_user, Some(&fns));
    let limited = MoodleClient::new(s.config_for(&token)).unwrap();
    let info = limited.site_info().await.unwrap();
    let mut listed = info.functions.clone();
    listed.sort();
    let mut want: Vec<String> = fns.iter().map(|f| (*f).to_owned()).collect();
    want.sort();
    assert_eq!(listed, want, "site info lists exactly the service's functions");
    let err = limited.check_functions(REQUIRED_FUNCTIONS).await.unwrap_err();
    assert!(matches!(&err, MoodleError::MissingFunctions { missing } if missing == &[ENROL]));
    assert!(!err.is_retryable());
    let hint = err.fix_hint().unwrap();
    assert!(
        hint.contains("add `enrol_manual_enrol_users` to the external service"),
        "{hint}"
    );

    // Calling it anyway: Moodle's accessexception, with the same advice.
    let course = s.sim.add_course("C1", "Course 1", "");
    let before = s.count(ENROL);
    let err = limited.enrol_users(&[enrolment(token_user, course)]).await.unwrap_err();
    let e = &err.failures[0].error;
    assert_eq!(e.errorcode(), Some("accessexception"));
    assert!(e.fix_hint().unwrap().contains("add `enrol_manual_enrol_users`"));
    assert_eq!(s.count(ENROL) - before, 1, "permanent: not retried");
    assert!(s.enrolment(token_user, course).is_none());
    s.finish();
}

#[tokio::test]
async fn get_users_by_field_is_batched() {
    let s = site().await;
    let ids: Vec<i64> = (0..23)
        .map(|i| s.learner(&format!("u{i}"), &format!("U{i}@Example.org")))
        .collect();
    let mut names: Vec<String> = (0..23).map(|i| format!("u{i}")).collect();
    names.push("nobody".to_owned());
    let batch = 5;
    let client = s.client_with(|c| c.batch_size = batch);

    let found = client.get_users_by_field(UserField::Username, &names).await.unwrap();
    assert_eq!(s.count(BY_FIELD), names.len().div_ceil(batch) as u64);
    let got: BTreeSet<i64> = found.iter().map(|u| u.id).collect();
    assert_eq!(got, ids.iter().copied().collect(), "the unknown name is simply absent");
    let sim_users: BTreeMap<i64, mm_sim_moodle::User> = s.sim.users().into_iter().map(|u| (u.id, u)).collect();
    for u in &found {
        assert_eq!(u.username.as_deref(), Some(sim_users[&u.id].username.as_str()));
        assert_eq!(u.email.as_deref(), Some(sim_users[&u.id].email.as_str()));
    }

    // By id, and by email (exact, case-sensitive as on PostgreSQL).
    s.sim.reset_counts();
    let id_values: Vec<String> = ids.iter().map(i64::to_string).collect();
    let by_id = client.get_users_by_field(UserField::Id, &id_values).await.unwrap();
    assert_eq!(by_id.len(), ids.len());
    assert_eq!(s.count(BY_FIELD), ids.len().div_ceil(batch) as u64);
    let exact = client
        .get_users_by_field(
            UserField::Email,
            &["U1@Example.org".to_owned(), "u2@example.org".to_owned()],
        )
        .await
        .unwrap();
    assert_eq!(exact.iter().map(|u| u.id).collect::<Vec<_>>(), [ids[1]]);
    s.finish();
}

#[tokio::test]
async fn find_users_by_email_ci_is_case_insensitive_and_exact() {
    let s = site().await;
    let a = s.learner("a", "J_Doe@Example.ORG");
    let b = s.learner("b", "jxdoe@example.org"); // matches the LIKE pattern j_doe@…
    let c = s.learner("c", "j_doe@example.org"); // a second account, other case
    let d = s.learner("d", "100%@example.org");
    let e = s.learner("e", "100abc@example.org"); // matches the LIKE pattern 100%@…
    let client = s.client();

    let wanted = |email: &str| -> BTreeSet<i64> {
        s.sim
            .users()
            .into_iter()
            .filter(|u| u.email.to_lowercase() == email.to_lowercase())
            .map(|u| u.id)
            .collect()
    };
    let ids = |v: Vec<User>| v.into_iter().map(|u| u.id).collect::<BTreeSet<_>>();

    let found = ids(client.find_users_by_email_ci("j_DOE@example.org").await.unwrap());
    assert_eq!(found, wanted("j_doe@example.org"));
    assert_eq!(found, [a, c].into_iter().collect());
    assert!(!found.contains(&b));

    let found = ids(client.find_users_by_email_ci(" 100%@EXAMPLE.org ").await.unwrap());
    assert_eq!(found, [d].into_iter().collect());
    assert!(!found.contains(&e));

    let found = ids(client.find_users_by_email_ci("JXDOE@example.org").await.unwrap());
    assert_eq!(found, [b].into_iter().collect());
    assert!(
        client
            .find_users_by_email_ci("nobody@example.org")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.count(GET_USERS), 4, "one request per address");
    s.finish();
}

#[tokio::test]
async fn create_users_in_batches() {
    let s = site().await;
    let client = s.client_with(|c| c.batch_size = 100);
    let users: Vec<NewUser> = (0..1000).map(|i| new_user("new", i)).collect();
    let created = client.create_users(&users).await.unwrap();
    assert_eq!(s.count(CREATE), 10);
    assert_eq!(created.len(), 1000);
    for (u, c) in users.iter().zip(&created) {
        assert_eq!(u.username, c.username, "input order");
        let sim_user = s.sim.user_by_username(&u.username).unwrap();
        assert_eq!(sim_user.id, c.id);
        assert_eq!(sim_user.email, u.email);
    }
    s.finish();
}

#[tokio::test]
async fn create_users_batch_with_an_email_in_another_case_fails_as_a_whole() {
    let s = site_with(SimOptions {
        debug: true,
        ..SimOptions::default()
    })
    .await;
    let existing = s.learner("taken", "Taken.User@Example.org");
    let client = s.client_with(|c| c.batch_size = 100);
    let mut users: Vec<NewUser> = (0..250).map(|i| new_user("b", i)).collect();
    users[150].email = "taken.user@example.org".to_owned();

    let err = client.create_users(&users).await.unwrap_err();
    assert_eq!(s.count(CREATE), 3, "one request per chunk, the failed one not retried");
    assert_eq!(err.total, 250);
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].range, 100..200);
    assert_eq!(err.failed_count(), 100);
    let e = &err.failures[0].error;
    assert_eq!(e.errorcode(), Some("invalidparameter"));
    assert!(!err.is_retryable());
    let hint = e.fix_hint().unwrap();
    assert!(
        hint.contains("core_user_create_users") && hint.contains("taken.user@example.org"),
        "{hint}"
    );
    assert_eq!(err.created.len(), 150);
    for (i, u) in users.iter().enumerate() {
        let in_sim = s.sim.user_by_username(&u.username);
        if (100..200).contains(&i) {
            assert!(in_sim.is_none(), "the failed batch was rolled back: {}", u.username);
        } else {
            let in_sim = in_sim.unwrap();
            assert!(
                err.created
                    .iter()
                    .any(|c| c.id == in_sim.id && c.username == u.username)
            );
        }
    }
    // The existing account is untouched and still the only one with that address.
    let same: Vec<i64> = s
        .sim
        .users()
        .into_iter()
        .filter(|u| u.email.eq_ignore_ascii_case("taken.user@example.org"))
        .map(|u| u.id)
        .collect();
    assert_eq!(same, [existing]);
    s.finish();
}

#[tokio::test]
async fn create_users_after_an_ambiguous_failure_looks_up_then_creates_once() {
    let s = site().await;
    let client = s.client_with(|c| c.batch_size = 100);
    let users: Vec<NewUser> = (0..150).map(|i| new_user("amb", i)).collect();
    // The first create request is cut off (connection reset) before the simulator handles it.
    s.sim.faults().update(|c| {
        c.error_kind = mm_sim_fault::ErrorKind::ConnectionReset;
        c.error_keys = vec![CREATE.to_owned()];
    });
    s.sim.faults().fail_next(1);
    let created = client.create_users(&users).await.unwrap();
    assert_eq!(created.len(), 150);
    for (u, c) in users.iter().zip(&created) {
        assert_eq!(s.sim.user_by_username(&u.username).unwrap().id, c.id);
    }
    // 2 chunks + 1 repeat of the cut-off one, and one look-up before repeating it.
    assert_eq!(s.count(CREATE), 3);
    assert_eq!(s.count(BY_FIELD), 1);
    let log = s.sim.request_log();
    assert_eq!(log.iter().filter(|l| l.outcome == "fault").count(), 1);
    s.finish();
}

#[tokio::test]
async fn get_course_by_shortname_idnumber_id() {
    let s = site().await;
    let id = s.sim.add_course("MATH101", "Mathematics 101", "M101");
    s.sim.add_course("PHYS101", "Physics 101", "P101");
    let client = s.client();
    let sim_course = s.sim.lock().courses[&id].clone();
    for lookup in [
        CourseLookup::Shortname("MATH101".to_owned()),
        CourseLookup::Idnumber("M101".to_owned()),
        CourseLookup::Id(id),
    ] {
        let c = client.get_course(&lookup).await.unwrap().unwrap();
        assert_eq!(c.id, sim_course.id, "{lookup:?}");
        assert_eq!(c.shortname, sim_course.shortname);
        assert_eq!(c.fullname, sim_course.fullname);
        assert_eq!(c.idnumber.as_deref(), Some(sim_course.idnumber.as_str()));
    }
    let unknown_id = s.sim.lock().courses.keys().max().copied().unwrap() + 100;
    for lookup in [
        CourseLookup::Shortname("NOPE".to_owned()),
        CourseLookup::Idnumber("NOPE".to_owned()),
        CourseLookup::Id(unknown_id),
    ] {
        assert_eq!(client.get_course(&lookup).await.unwrap(), None, "{lookup:?}");
    }
    assert_eq!(s.count("core_course_get_courses_by_field"), 6);
    s.finish();
}

#[tokio::test]
async fn enrol_always_sends_dates_and_suspend() {
    let s = site().await;
    let course = s.sim.add_course("C1", "Course 1", "");
    let user = s.learner("l1", "l1@example.org");
    let client = s.client();
    let (start, end) = (1_700_000_000, 1_900_000_000);
    let mut e = Enrolment {
        timestart: start,
        timeend: end,
        ..enrolment(user, course)
    };
    client.enrol_users(&[e]).await.unwrap();
    let got = s.enrolment(user, course).unwrap();
    assert_eq!(
        (got.status, got.timestart, got.timeend, got.roleids.clone()),
        (EnrolStatus::Active, start, end, vec![5])
    );

    e.suspend = true;
    client.enrol_users(&[e]).await.unwrap();
    let got = s.enrolment(user, course).unwrap();
    assert_eq!(
        (got.status, got.timestart, got.timeend),
        (EnrolStatus::Suspended, start, end)
    );

    e.suspend = false;
    client.enrol_users(&[e]).await.unwrap();
    let got = s.enrolment(user, course).unwrap();
    assert_eq!(
        (got.status, got.timestart, got.timeend),
        (EnrolStatus::Active, start, end)
    );

    // Repeating the same call changes nothing (idempotent).
    client.enrol_users(&[e]).await.unwrap();
    assert_eq!(s.enrolment(user, course).unwrap(), got);
    assert_eq!(s.count(ENROL), 4);
    s.finish();
}

#[tokio::test]
async fn enrol_isolating_enrols_the_good_rows_and_names_the_bad_one() {
    let s = site().await;
    let course = s.sim.add_course("C1", "Course 1", "");
    let mut users: Vec<i64> = (0..8)
        .map(|i| s.learner(&format!("i{i}"), &format!("i{i}@example.org")))
        .collect();
    let unknown = s.sim.users().iter().map(|u| u.id).max().unwrap() + 1000;
    users[5] = unknown;
    let client = s.client_with(|c| c.batch_size = 8);
    let items: Vec<Enrolment> = users.iter().map(|u| enrolment(*u, course)).collect();

    let err = client.enrol_users_isolating(&items).await.unwrap_err();
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].range, 5..6);
    assert_eq!(err.failed_indices().collect::<Vec<_>>(), [5]);
    assert_eq!(err.failures[0].error.errorcode(), Some("invaliduser"));
    let enrolled: BTreeSet<i64> = s
        .sim
        .enrolments()
        .into_iter()
        .filter(|e| e.courseid == course)
        .map(|e| e.userid)
        .collect();
    let good: BTreeSet<i64> = users.iter().copied().filter(|u| *u != unknown).collect();
    assert_eq!(enrolled, good);
    let requests = s.count(ENROL);
    // 1 + 2 per bisection level (8 → 4 → 2 → 1).
    assert_eq!(requests, 7);
    eprintln!("isolating 1 bad row of 8 against the simulator: {requests} requests");
    s.finish();
}

#[tokio::test]
async fn disabled_instance_is_a_permanent_error_naming_the_course() {
    let s = site().await;
    let course = s.sim.add_course("C1", "Course 1", "");
    assert!(s.sim.set_manual_instance(course, ManualInstance::Disabled));
    let user = s.learner("l1", "l1@example.org");
    let client = s.client();
    let err = client.enrol_users(&[enrolment(user, course)]).await.unwrap_err();
    let e = &err.failures[0].error;
    assert_eq!(e.errorcode(), Some("wsnoinstance"));
    assert!(!e.is_retryable());
    let hint = e.fix_hint().unwrap();
    assert!(hint.contains(&format!("course id={course}")), "{hint}");
    assert_eq!(s.count(ENROL), 1, "no retry");
    assert!(s.sim.enrolments().is_empty());
    s.finish();
}

#[tokio::test]
async fn unenrol_is_silent_when_not_enrolled() {
    let s = site().await;
    let course = s.sim.add_course("C1", "Course 1", "");
    let user = s.learner("l1", "l1@example.org");
    let other = s.learner("l2", "l2@example.org");
    let client = s.client();
    client
        .enrol_users(&[enrolment(user, course), enrolment(other, course)])
        .await
        .unwrap();
    assert_eq!(s.sim.enrolments().len(), 2);
    let u = Unenrolment {
        userid: user,
        courseid: course,
    };
    client.unenrol_users(&[u]).await.unwrap();
    assert!(s.enrolment(user, course).is_none());
    assert!(s.enrolment(other, course).is_some());
    client.unenrol_users(&[u]).await.unwrap();
    assert_eq!(s.count("enrol_manual_unenrol_users"), 2);
    s.finish();
}

#[tokio::test]
async fn enrolled_users_only_active_and_users_courses() {
    let s = site().await;
    let c1 = s.sim.add_course("C1", "Course 1", "");
    let c2 = s.sim.add_course("C2", "Course 2", "");
    let c3 = s.sim.add_course("C3", "Course 3", "");
    let active = s.learner("act", "act@example.org");
    let suspended = s.learner("sus", "sus@example.org");
    let client = s.client();
    client
        .enrol_users(&[
            enrolment(active, c1),
            Enrolment {
                suspend: true,
                ..enrolment(suspended, c1)
            },
            enrolment(active, c2),
            Enrolment {
                suspend: true,
                ..enrolment(active, c3)
            },
        ])
        .await
        .unwrap();
    assert_eq!(s.count(ENROL), 1, "one batch");

    let sim_in = |course: i64, only_active: bool| -> BTreeSet<i64> {
        s.sim
            .enrolments()
            .into_iter()
            .filter(|e| e.courseid == course && (!only_active || e.status == EnrolStatus::Active))
            .map(|e| e.userid)
            .collect()
    };
    for only_active in [true, false] {
        let listed: BTreeSet<i64> = client
            .enrolled_users(
                c1,
                &EnrolledUsersOptions {
                    only_active,
                    ..EnrolledUsersOptions::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(listed, sim_in(c1, only_active), "only_active = {only_active}");
    }
    assert_eq!(sim_in(c1, true), [active].into_iter().collect());
    assert_eq!(sim_in(c1, false), [active, suspended].into_iter().collect());

    // users_courses: only active enrolments.
    let courses: BTreeSet<i64> = client
        .users_courses(active)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let sim_active: BTreeSet<i64> = s
        .sim
        .enrolments()
        .into_iter()
        .filter(|e| e.userid == active && e.status == EnrolStatus::Active)
        .map(|e| e.courseid)
        .collect();
    assert_eq!(courses, sim_active);
    assert_eq!(courses, [c1, c2].into_iter().collect());
    assert!(client.users_courses(suspended).await.unwrap().is_empty());
    s.finish();
}

#[tokio::test]
async fn completion_status_follows_the_simulator() {
    let s = site().await;
    let course = s.sim.add_course("C1", "Course 1", "");
    let user = s.learner("l1", "l1@example.org");
    let client = s.client();
    client.enrol_users(&[enrolment(user, course)]).await.unwrap();

    let before = client.course_completion_status(course, user).await.unwrap();
    assert!(!before.completionstatus.completed);
    let listed = client.users_courses(user).await.unwrap();
    assert_eq!(listed.iter().find(|c| c.id == course).unwrap().completed, Some(false));

    let when = 1_735_689_600;
    s.sim.mark_course_complete(user, course, when);
    let after = client.course_completion_status(course, user).await.unwrap();
    assert!(after.completionstatus.completed);
    let listed = client.users_courses(user).await.unwrap();
    assert_eq!(listed.iter().find(|c| c.id == course).unwrap().completed, Some(true));

    // Not enrolled: Moodle's usernotenroled, permanent.
    let stranger = s.learner("l2", "l2@example.org");
    let err = client.course_completion_status(course, stranger).await.unwrap_err();
    assert_eq!(err.errorcode(), Some("usernotenroled"));
    assert_eq!(s.count("core_completion_get_course_completion_status"), 3);
    s.finish();
}

#[tokio::test]
async fn progress_reads_access_completion_time_and_grade() {
    let s = site().await;
    s.sim.enable_progress_functions();
    let c1 = s.sim.add_course("P1", "Progress 1", "");
    let c2 = s.sim.add_course("P2", "Progress 2", "");
    let seen = s.learner("p1", "p1@example.org");
    let idle = s.learner("p2", "p2@example.org");
    let client = s.client();
    client
        .enrol_users(&[enrolment(seen, c1), enrolment(seen, c2), enrolment(idle, c1)])
        .await
        .unwrap();
    let at = 1_767_225_600;
    s.sim.record_course_access(seen, c1, at);
    let opts = EnrolledUsersOptions {
        userfields: Some(vec!["id".into(), "lastcourseaccess".into()]),
        ..EnrolledUsersOptions::default()
    };
    let users = client.enrolled_users(c1, &opts).await.unwrap();
    let access = |id: i64| users.iter().find(|u| u.id == id).unwrap().lastcourseaccess;
    assert_eq!(access(seen), Some(at));
    assert_eq!(access(idle), Some(0), "0 = never entered");

    // Completion time: the latest criterion time, as Moodle's cron sets it.
    s.sim.mark_course_complete(seen, c1, at + 60);
    let status = client.course_completion_status(c1, seen).await.unwrap();
    assert_eq!(status.completionstatus.completed_at(), Some(at + 60));
    let status = client.course_completion_status(c2, seen).await.unwrap();
    assert_eq!(status.completionstatus.completed_at(), None);

    // The course totals of every graded user of a course in one call; ungraded ⇒ no grade kept.
    s.sim.set_grade(seen, c1, 91.0);
    let items = client.course_grade_items(c1).await.unwrap();
    let total = |u: i64| {
        let user = items.usergrades.iter().find(|g| g.userid == u).unwrap();
        user.course_total().unwrap().shown()
    };
    assert_eq!(total(seen).as_deref(), Some("91.00"));
    assert_eq!(total(idle), None);
    assert_eq!(items.usergrades.len(), 2, "{items:?}");
    assert_eq!(s.count("gradereport_user_get_grade_items"), 1);
    s.finish();
}

#[tokio::test]
async fn retries_after_5xx_but_not_after_a_permanent_error() {
    let s = site().await;
    let client = s.client();
    s.sim.faults().fail_next(2);
    let info = client.site_info().await.unwrap();
    assert_eq!(info.userid, s.sim.lock().tokens[&s.sim.token()].userid);
    assert_eq!(s.count(GET_SITE_INFO), 3, "two 500s then success");
    assert_eq!(client.request_count(), 3);

    // Persistent 5xx: gives up after max_attempts.
    s.sim.reset_counts();
    s.sim.faults().fail_next(10);
    let err = client.site_info().await.unwrap_err();
    assert!(matches!(err, MoodleError::Http { status: 500, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(s.count(GET_SITE_INFO), 3);
    s.sim.faults().clear();

    // Permanent: exactly one request.
    s.sim.reset_counts();
    let course = s.sim.add_course("C1", "Course 1", "");
    let unknown = s.sim.users().iter().map(|u| u.id).max().unwrap() + 1;
    let err = client.enrol_users(&[enrolment(unknown, course)]).await.unwrap_err();
    assert_eq!(err.failures[0].error.errorcode(), Some("invaliduser"));
    assert_eq!(s.sim.total_requests(), 1);
    s.finish();
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let s = site().await;
    let client = s.client_with(|c| c.timeout = Duration::from_millis(200));
    s.sim.faults().update(|c| c.latency_fixed = Duration::from_millis(600));
    let started = Instant::now();
    let err = client.site_info().await.unwrap_err();
    assert!(matches!(err, MoodleError::Timeout), "{err:?}");
    assert!(err.is_retryable() && err.is_ambiguous());
    assert_eq!(client.request_count(), 3);
    assert_eq!(
        s.sim.faults().stats().requests,
        3,
        "three attempts reached the simulator"
    );
    assert_eq!(s.count(GET_SITE_INFO), 3, "the simulator counts abandoned requests too");
    assert!(started.elapsed() >= Duration::from_millis(600));

    // Latency below the timeout: fine.
    s.sim.faults().update(|c| c.latency_fixed = Duration::from_millis(50));
    client.site_info().await.unwrap();
    s.finish();
}

#[tokio::test]
async fn maintenance_mode_is_retryable_sitemaintenance() {
    let s = site().await;
    let user = s.sim.add_user(NewSimUser {
        username: "wsuser".to_owned(),
        firstname: "Web".to_owned(),
        lastname: "Service".to_owned(),
        email: "ws@example.org".to_owned(),
        ..NewSimUser::default()
    });
    let token = s.token(user, None);
    let client = MoodleClient::new(s.config_for(&token)).unwrap();
    s.sim.set_maintenance(true);
    let err = client.site_info().await.unwrap_err();
    assert_eq!(err.errorcode(), Some("sitemaintenance"));
    assert!(err.is_retryable());
    assert!(err.fix_hint().unwrap().contains("maintenance"));
    assert_eq!(s.count(GET_SITE_INFO), 3, "retried up to max_attempts");

    s.sim.set_maintenance(false);
    let info = client.site_info().await.unwrap();
    assert_eq!(info.userid, user);
    s.finish();
}

#[tokio::test]
async fn revoked_token_is_permanent_invalidtoken() {
    let s = site().await;
    let token = s.token(2, None);
    let client = MoodleClient::new(s.config_for(&token)).unwrap();
    client.site_info().await.unwrap();
    s.sim.revoke_token(&token);
    s.sim.reset_counts();
    let err = client.site_info().await.unwrap_err();
    assert_eq!(err.errorcode(), Some("invalidtoken"));
    assert!(!err.is_retryable());
    let hint = err.fix_hint().unwrap();
    assert!(hint.contains("Manage tokens"), "{hint}");
    assert!(!format!("{err} {err:?} {hint}").contains(&token));
    assert_eq!(s.sim.total_requests(), 1, "exactly one request");
    assert_eq!(
        client.breaker_state(),
        BreakerState::Closed,
        "an answer is not a failure"
    );
    s.finish();
}

#[tokio::test]
async fn breaker_opens_during_an_outage_and_closes_after_it() {
    let s = site().await;
    let threshold = 3;
    let cool_down = Duration::from_millis(300);
    let outage = Duration::from_millis(1500);
    let client = s.client_with(|c| {
        c.breaker = BreakerConfig {
            failure_threshold: threshold,
            cool_down,
        }
    });
    client.site_info().await.unwrap();
    s.sim.reset_counts();

    s.sim.faults().outage_for(outage);
    let started = Instant::now();
    // A burst of calls: the first one's retries open the circuit, the rest send nothing.
    let first = client.site_info().await.unwrap_err();
    assert!(matches!(first, MoodleError::Http { status: 503, .. }), "{first:?}");
    assert!(matches!(client.breaker_state(), BreakerState::Open { .. }));
    for _ in 0..50 {
        assert!(matches!(client.site_info().await, Err(MoodleError::CircuitOpen(_))));
    }
    assert_eq!(s.sim.total_requests(), u64::from(threshold), "no retry storm");

    // Keep calling (as the job queue would) until the outage is over: one probe per cool-down.
    let mut calls = 51u64;
    while started.elapsed() < outage {
        calls += 1;
        let r = client.site_info().await;
        assert!(r.is_err());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let during = s.sim.total_requests();
    let max_probes = (outage.as_millis() / cool_down.as_millis()) as u64 + 1;
    assert!(
        during <= u64::from(threshold) + max_probes,
        "{during} requests during the outage"
    );
    eprintln!(
        "outage of {outage:?}: {calls} calls, {during} requests reached the simulator \
         (threshold {threshold}, cool-down {cool_down:?})"
    );

    // After the outage and a cool-down, a probe succeeds and closes the circuit.
    tokio::time::sleep(cool_down).await;
    let info = client.site_info().await.unwrap();
    assert_eq!(info.userid, s.sim.lock().tokens[&s.sim.token()].userid);
    assert_eq!(client.breaker_state(), BreakerState::Closed);
    client.site_info().await.unwrap();
    assert_eq!(s.sim.total_requests(), during + 2);
    s.finish();
}

#[tokio::test]
async fn breaker_opens_when_the_site_hangs() {
    let s = site().await;
    let client = s.client_with(|c| {
        c.timeout = Duration::from_millis(150);
        c.breaker = BreakerConfig {
            failure_threshold: 3,
            cool_down: Duration::from_secs(30),
        }
    });
    client.site_info().await.unwrap();
    s.sim.reset_counts();
    s.sim.faults().update(|c| {
        c.outage_kind = mm_sim_fault::ErrorKind::Timeout(Duration::from_secs(2));
        c.outage = Some(mm_sim_fault::Outage {
            start_after: Duration::ZERO,
            duration: Duration::from_secs(5),
        });
    });
    let err = client.site_info().await.unwrap_err();
    assert!(matches!(err, MoodleError::Timeout), "{err:?}");
    for _ in 0..20 {
        assert!(matches!(client.site_info().await, Err(MoodleError::CircuitOpen(_))));
    }
    // Counted on arrival by the simulator, although every one of them was abandoned.
    assert_eq!(s.sim.total_requests(), 3, "no retry storm against a hanging site");
    s.sim.faults().clear();
    s.finish();
}

/// The whole "enrol 1,000 new learners" flow: look-up by email (batched), create (batched),
/// enrol (batched), with the default batch size. Prints the request count for the issue.
#[tokio::test]
async fn enrolling_1000_new_learners() {
    let s = site().await;
    let course = s.sim.add_course("BIG", "Big course", "");
    let client = s.client();
    assert_eq!(client.batch_size(), 100);
    let users: Vec<NewUser> = (0..1000).map(|i| new_user("learner", i)).collect();
    let emails: Vec<String> = users.iter().map(|u| u.email.clone()).collect();

    let found = client.get_users_by_field(UserField::Email, &emails).await.unwrap();
    assert!(found.is_empty());
    let lookups = s.sim.total_requests();
    let created = client.create_users(&users).await.unwrap();
    let creates = s.sim.total_requests() - lookups;
    let items: Vec<Enrolment> = created.iter().map(|c| enrolment(c.id, course)).collect();
    client.enrol_users(&items).await.unwrap();
    let total = s.sim.total_requests();
    let enrols = total - lookups - creates;

    let enrolled: BTreeSet<i64> = s
        .sim
        .enrolments()
        .into_iter()
        .filter(|e| e.courseid == course && e.status == EnrolStatus::Active)
        .map(|e| e.userid)
        .collect();
    assert_eq!(enrolled, created.iter().map(|c| c.id).collect());
    assert_eq!(enrolled.len(), 1000);
    assert_eq!(
        (s.count(BY_FIELD), s.count(CREATE), s.count(ENROL)),
        (lookups, creates, enrols)
    );
    assert_eq!((lookups, creates, enrols), (10, 10, 10));
    assert_eq!(client.request_count(), total);
    eprintln!(
        "1,000 new learners against the simulator: {lookups} look-ups + {creates} creates + \
         {enrols} enrols = {total} requests"
    );

    // For comparison: the case-insensitive look-up costs one request per address.
    s.sim.reset_counts();
    let per_address = futures::future::join_all(emails.iter().map(|e| client.find_users_by_email_ci(e))).await;
    assert!(per_address.iter().all(|r| r.as_ref().is_ok_and(|v| v.len() == 1)));
    eprintln!(
        "case-insensitive look-up of the same 1,000 addresses: {} requests",
        s.sim.total_requests()
    );
    s.finish();
}

// ---- course groups ------------------------------------------------------------------------------

const GET_GROUPS: &str = "core_group_get_course_groups";
const CREATE_GROUPS: &str = "core_group_create_groups";
const ADD_MEMBERS: &str = "core_group_add_group_members";

/// A site whose admin token's service holds the group functions, a course and `n` learners
/// (`g0@example.org`…), enrolled in it by hand.
async fn group_site(n: usize, debug: bool) -> (Site, i64, Vec<i64>) {
    let s = site_with(SimOptions {
        debug,
        ..SimOptions::default()
    })
    .await;
    s.sim.enable_group_functions();
    let course = s.sim.add_course("COHORTS", "Cohorts", "");
    let users: Vec<i64> = (0..n)
        .map(|i| {
            let id = s.learner(&format!("g{i}"), &format!("g{i}@example.org"));
            s.sim.enrol_by_hand(id, course, 5, EnrolStatus::Active, 0, 0);
            id
        })
        .collect();
    (s, course, users)
}

fn emails(range: impl Iterator<Item = usize>) -> Vec<String> {
    let mut v: Vec<String> = range.map(|i| format!("g{i}@example.org")).collect();
    v.sort();
    v
}

#[tokio::test]
async fn groups_find_create_and_add_members_in_batches_idempotently() {
    let (s, course, users) = group_site(250, false).await;
    let client = s.client_with(|c| c.batch_size = 100);

    assert_eq!(client.find_group_by_name(course, "Cohort 2027-01").await.unwrap(), None);
    let group = client.ensure_group(course, "Cohort 2027-01").await.unwrap();
    assert_eq!((group.courseid, group.name.as_str()), (course, "Cohort 2027-01"));
    assert_eq!(group.visibility, Some(0));
    assert_eq!(group.participation, Some(true));
    assert_eq!(s.count(CREATE_GROUPS), 1);
    // Found by name the second time: no creation.
    let again = client.ensure_group(course, " Cohort 2027-01 ").await.unwrap();
    assert_eq!(again, group);
    assert_eq!(s.count(CREATE_GROUPS), 1);
    assert_eq!(
        client.get_course_groups(course).await.unwrap(),
        std::slice::from_ref(&group)
    );

    let members: Vec<GroupMember> = users.iter().map(|u| (group.id, *u).into()).collect();
    client.add_group_members(&members).await.unwrap();
    assert_eq!(s.count(ADD_MEMBERS), 3, "batched by the site's batch size");
    assert_eq!(s.sim.group_members("COHORTS", "Cohort 2027-01"), emails(0..250));

    // Adding them again is fine (a retry after a lost answer does the same).
    client.add_group_members(&members).await.unwrap();
    assert_eq!(s.count(ADD_MEMBERS), 6);
    assert_eq!(s.sim.group_members("COHORTS", "Cohort 2027-01"), emails(0..250));

    let listed = client.get_group_members(&[group.id]).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].groupid, group.id);
    let got: BTreeSet<i64> = listed[0].userids.iter().copied().collect();
    assert_eq!(got, users.iter().copied().collect());

    client.remove_group_members(&members[..50]).await.unwrap();
    client.remove_group_members(&members[..50]).await.unwrap();
    assert_eq!(s.sim.group_members("COHORTS", "Cohort 2027-01"), emails(50..250));
    s.finish();
}

#[tokio::test]
async fn a_non_enrolled_user_rolls_back_its_member_batch() {
    let (s, course, mut users) = group_site(250, false).await;
    let outsider = s.learner("outsider", "outsider@example.org");
    users[150] = outsider;
    let client = s.client_with(|c| c.batch_size = 100);
    let group = client.ensure_group(course, "Cohort").await.unwrap();
    let members: Vec<GroupMember> = users.iter().map(|u| (group.id, *u).into()).collect();

    let err = client.add_group_members(&members).await.unwrap_err();
    assert_eq!(s.count(ADD_MEMBERS), 3, "a permanent error is not retried");
    assert_eq!(err.total, 250);
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].range, 100..200);
    assert!(!err.is_retryable());
    let e = &err.failures[0].error;
    assert_eq!(e.errorcode(), Some("invalidparameter"));
    // Debugging is off on this site: classified all the same.
    assert_eq!(e.exception().and_then(|x| x.debuginfo.as_deref()), None);
    assert_eq!(e.group_problem(), Some(GroupProblem::NotEnrolled));
    assert!(e.fix_hint().unwrap().contains("enrol the user in the course"));
    let expected: Vec<String> = emails((0..100).chain(200..250));
    assert_eq!(
        s.sim.group_members("COHORTS", "Cohort"),
        expected,
        "the whole failing request was rolled back"
    );

    // Isolating: the good rows of the failing request go in, the error names the bad one.
    let err = client.add_group_members_isolating(&members).await.unwrap_err();
    assert_eq!(err.failed_indices().collect::<Vec<_>>(), [150]);
    assert_eq!(err.failures[0].error.group_problem(), Some(GroupProblem::NotEnrolled));
    let expected: Vec<String> = emails((0..250).filter(|i| *i != 150));
    assert_eq!(s.sim.group_members("COHORTS", "Cohort"), expected);

    // With debugging on, Moodle's own words come through.
    s.sim.set_debug(mm_sim_moodle::DebugLevel::Normal);
    let err = client
        .add_group_members(&[(group.id, outsider).into()])
        .await
        .unwrap_err();
    let e = &err.failures[0].error;
    assert_eq!(
        e.exception().and_then(|x| x.debuginfo.as_deref()),
        Some("Only enrolled users may be members of groups")
    );
    assert_eq!(e.group_problem(), Some(GroupProblem::NotEnrolled));
    s.finish();
}

#[tokio::test]
async fn a_duplicate_group_name_is_refused_and_nothing_is_created() {
    let (s, course, _) = group_site(0, false).await;
    let existing = s.sim.add_group(course, "Cohort 2027-01").unwrap();
    let client = s.client();

    let err = client
        .create_groups(&[
            NewGroup::new(course, "Cohort 2027-02"),
            NewGroup::new(course, "Cohort 2027-01"),
        ])
        .await
        .unwrap_err();
    assert_eq!(err.failures[0].range, 0..2);
    let e = &err.failures[0].error;
    assert_eq!(e.group_problem(), Some(GroupProblem::DuplicateName));
    assert_eq!(s.count(CREATE_GROUPS), 1, "not retried");
    let names: Vec<String> = s.sim.groups().into_iter().map(|g| g.name).collect();
    assert_eq!(names, ["Cohort 2027-01"], "'Cohort 2027-02' rolled back");
    s.sim.set_debug(mm_sim_moodle::DebugLevel::Normal);
    let err = client
        .create_groups(&[NewGroup::new(course, "Cohort 2027-01")])
        .await
        .unwrap_err();
    let hint = err.failures[0].error.fix_hint().unwrap();
    assert!(hint.contains("already exists in the course"), "{hint}");

    // ensure_group uses the existing group.
    let g = client.ensure_group(course, "Cohort 2027-01").await.unwrap();
    assert_eq!(g.id, existing);

    // A blank name is refused before anything is sent.
    s.sim.reset_counts();
    let err = client.create_groups(&[NewGroup::new(course, "  ")]).await.unwrap_err();
    assert!(matches!(err.failures[0].error, MoodleError::Config(_)));
    assert_eq!(s.sim.total_requests(), 0);

    // Several groups in one call, in input order, with their options.
    let mut hidden = NewGroup::new(course, "Hidden");
    hidden.visibility = Some(GroupVisibility::None);
    hidden.idnumber = Some("H1".to_owned());
    let created = client
        .create_groups(&[NewGroup::new(course, "B"), hidden])
        .await
        .unwrap();
    assert_eq!(
        created.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["B", "Hidden"]
    );
    assert_eq!(created[1].visibility, Some(GroupVisibility::None.as_int()));
    assert_eq!(created[1].idnumber, "H1");
    s.finish();
}

#[tokio::test]
async fn lost_answers_create_no_duplicate_group_and_members_are_retried() {
    let (s, course, users) = group_site(3, false).await;
    let client = s.client_with(|c| c.batch_size = 100);
    // The simulator creates the groups, then the answer is lost.
    s.sim
        .faults()
        .update(|c| c.error_keys = vec![CREATE_GROUPS.to_owned(), ADD_MEMBERS.to_owned()]);
    s.sim.faults().lose_next(1);
    let wanted = ["A", "B", "C"].map(|n| NewGroup::new(course, n));
    let created = client.create_groups(&wanted).await.unwrap();
    assert_eq!(
        created.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["A", "B", "C"]
    );
    assert_eq!(s.sim.groups().len(), 3, "no duplicate");
    assert_eq!(s.count(CREATE_GROUPS), 1, "found by the look-up, not created again");
    assert_eq!(s.count(GET_GROUPS), 1);

    s.sim.faults().lose_next(1);
    let members: Vec<GroupMember> = users.iter().map(|u| (created[0].id, *u).into()).collect();
    client.add_group_members(&members).await.unwrap();
    assert_eq!(s.count(ADD_MEMBERS), 2, "retried after the lost answer");
    assert_eq!(s.sim.group_members("COHORTS", "A"), emails(0..3));
    s.sim.faults().clear();
    s.finish();
}

#[tokio::test]
async fn group_errors_name_their_fix() {
    let (s, course, users) = group_site(1, false).await;
    let client = s.client();

    // Unknown course.
    let e = client.get_course_groups(course + 100).await.unwrap_err();
    assert_eq!(e.group_problem(), Some(GroupProblem::CourseNotAccessible));
    assert!(e.fix_hint().unwrap().contains("check the course id"));
    // Unknown group and unknown user.
    let err = client.add_group_members(&[(4242, users[0]).into()]).await.unwrap_err();
    let e = &err.failures[0].error;
    assert_eq!(e.group_problem(), Some(GroupProblem::GroupNotFound));
    assert!(e.fix_hint().unwrap().contains("the group does not exist"));
    let g = client.ensure_group(course, "G").await.unwrap();
    let err = client.add_group_members(&[(g.id, 9999).into()]).await.unwrap_err();
    assert_eq!(err.failures[0].error.group_problem(), Some(GroupProblem::UserNotFound));
    assert!(client.get_group_members(&[4242]).await.is_err());

    // Token user without moodle/course:managegroups.
    let teacher = s.sim.add_user(NewSimUser {
        capabilities: ["moodle/course:view".to_owned()].into(),
        ..NewSimUser::learner("teacher", "teacher@example.org")
    });
    let token = s.token(teacher, None);
    let limited = MoodleClient::new(s.config_for(&token)).unwrap();
    let e = limited.ensure_group(course, "New").await.unwrap_err();
    assert_eq!(e.group_problem(), Some(GroupProblem::NoPermission));
    assert!(e.fix_hint().unwrap().contains("moodle/course:managegroups"));

    // A service without the group functions.
    let token = s.token(2, Some(&["core_webservice_get_site_info"]));
    let plain = MoodleClient::new(s.config_for(&token)).unwrap();
    let e = plain.get_course_groups(course).await.unwrap_err();
    assert_eq!(e.errorcode(), Some("accessexception"));
    assert!(
        e.fix_hint()
            .unwrap()
            .contains("add `core_group_get_course_groups` to the external service")
    );
    s.finish();
}

/// What an observer was told: (peer, function, outcome, timed).
#[derive(Default)]
struct Recorder(Mutex<Vec<(String, String, &'static str, bool)>>);

impl mm_net::CallObserver for Recorder {
    fn observe(&self, call: &mm_net::Call<'_>) {
        assert_eq!(call.system, mm_net::System::Moodle);
        let entry = (
            call.peer.to_owned(),
            call.function.to_owned(),
            call.outcome,
            call.elapsed.is_some(),
        );
        self.0.lock().unwrap().push(entry);
    }
}

/// The observer hears of every request the simulator received, with a fixed outcome word for
/// its answer, and of a request the open breaker refused (not timed: it was not sent).
#[tokio::test]
async fn the_observer_is_told_of_every_request_and_its_outcome() {
    let s = site().await;
    let recorder = Arc::new(Recorder::default());
    let token = s.token(2, None);
    let mut config = s.config_for(&token);
    config.retry = RetryPolicy::no_retry();
    config.breaker = BreakerConfig {
        failure_threshold: 1,
        cool_down: Duration::from_secs(60),
    };
    let options = ClientOptions {
        observer: Some(recorder.clone()),
        ..ClientOptions::default()
    };
    let client = MoodleClient::with_options(config, options).unwrap();
    client.site_info().await.unwrap();
    s.sim.revoke_token(&token);
    assert_eq!(client.site_info().await.unwrap_err().errorcode(), Some("invalidtoken"));
    let sent = s.count(GET_SITE_INFO);
    let seen = recorder.0.lock().unwrap().clone();
    let sim = || ("sim".to_owned(), GET_SITE_INFO.to_owned());
    assert_eq!(
        seen,
        vec![(sim().0, sim().1, "ok", true), (sim().0, sim().1, "denied", true)],
        "one per request"
    );
    assert_eq!(seen.len() as u64, sent);

    // A broken site: the timeout opens the breaker, the next call is refused unsent.
    s.sim.faults().update(|c| c.latency_fixed = Duration::from_secs(2));
    let slow = MoodleClient::with_options(
        SiteConfig {
            timeout: Duration::from_millis(200),
            retry: RetryPolicy::no_retry(),
            breaker: BreakerConfig {
                failure_threshold: 1,
                cool_down: Duration::from_secs(60),
            },
            ..s.config()
        },
        ClientOptions {
            observer: Some(recorder.clone()),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    recorder.0.lock().unwrap().clear();
    assert!(matches!(slow.site_info().await, Err(MoodleError::Timeout)));
    assert!(matches!(slow.site_info().await, Err(MoodleError::CircuitOpen(_))));
    let outcomes: Vec<(&str, bool)> = recorder.0.lock().unwrap().iter().map(|e| (e.2, e.3)).collect();
    assert_eq!(outcomes, vec![("timeout", true), ("circuit_open", false)]);
    s.finish();
}
