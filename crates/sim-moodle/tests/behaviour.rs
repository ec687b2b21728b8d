//! Behaviour of the simulator over real HTTP (127.0.0.1:0, reqwest), as a client sees it:
//! batch transactions, enrolment semantics, e-mail case rules, instance states, enrolment
//! visibility, completion, and the fault/maintenance/token/counter controls tests rely on.
//! Each case cites the contract section (shared/fixtures/moodle/CONTRACT.md) it pins down.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::time::{Duration, Instant};

use mm_sim_fault::{ErrorKind, FaultConfig};
use mm_sim_moodle::{DebugLevel, EnrolStatus, MoodleSim, NewSimUser, SimEnrolment, SimOptions};
use serde_json::{Value, json};

struct Site {
    sim: MoodleSim,
    url: String,
    http: reqwest::Client,
    math: i64,
    dis: i64,
    jdoe: i64,
    asmith: i64,
    _server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// MATH101 (enabled manual instance, self-completion), DIS101 (manual instance disabled),
/// jdoe (mixed-case e-mail `Jane.Doe@Example.org`) and asmith; debugging on so that errors
/// carry their debuginfo.
async fn site() -> Site {
    let sim = MoodleSim::new(SimOptions {
        token: Some("ADMINTOKEN".into()),
        debug: true,
        ..SimOptions::default()
    });
    let math = sim.add_course("MATH101", "Mathematics 101", "M101");
    let dis = sim.add_course("DIS101", "Disabled 101", "D101");
    assert!(sim.set_manual_instance(dis, mm_sim_moodle::ManualInstance::Disabled));
    let jdoe = sim.add_user(NewSimUser {
        username: "jdoe".into(),
        firstname: "Jane".into(),
        lastname: "Doe".into(),
        email: "Jane.Doe@Example.org".into(),
        ..NewSimUser::default()
    });
    let asmith = sim.add_user(NewSimUser::learner("asmith", "asmith@example.org"));
    let (addr, server) = sim
        .clone()
        .spawn("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    Site {
        sim,
        url: format!("http://{addr}/webservice/rest/server.php"),
        http: reqwest::Client::new(),
        math,
        dis,
        jdoe,
        asmith,
        _server: server,
    }
}

impl Site {
    /// POST a form call with `token`; returns the HTTP status and the raw body.
    async fn raw(&self, token: &str, f: &str, params: &[(&str, String)]) -> (u16, String) {
        let mut form: Vec<(&str, String)> = vec![
            ("wstoken", token.to_owned()),
            ("moodlewsrestformat", "json".to_owned()),
            ("wsfunction", f.to_owned()),
        ];
        form.extend(params.iter().cloned());
        let resp = self.http.post(&self.url).form(&form).send().await.expect("HTTP");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    /// A call with the admin token: must be HTTP 200 (every Moodle error is, §1.6).
    async fn call(&self, f: &str, params: &[(&str, String)]) -> Value {
        self.call_as(&self.sim.token(), f, params).await
    }

    async fn call_as(&self, token: &str, f: &str, params: &[(&str, String)]) -> Value {
        let (status, body) = self.raw(token, f, params).await;
        assert_eq!(status, 200, "{f}: {body}");
        serde_json::from_str(&body).expect("JSON body")
    }

    fn enrolments(&self) -> Vec<SimEnrolment> {
        let mut e = self.sim.enrolments();
        e.sort_by_key(|x| (x.userid, x.courseid));
        e
    }
}

fn p(k: &str, v: impl ToString) -> (&str, String) {
    (k, v.to_string())
}

fn errorcode(v: &Value) -> &str {
    v["errorcode"].as_str().unwrap_or("")
}

fn enrol_item(i: usize, roleid: i64, userid: i64, courseid: i64) -> Vec<(String, String)> {
    vec![
        (format!("enrolments[{i}][roleid]"), roleid.to_string()),
        (format!("enrolments[{i}][userid]"), userid.to_string()),
        (format!("enrolments[{i}][courseid]"), courseid.to_string()),
    ]
}

fn borrow(v: &[(String, String)]) -> Vec<(&str, String)> {
    v.iter().map(|(k, x)| (k.as_str(), x.clone())).collect()
}

fn new_user(i: usize, username: &str, email: &str) -> Vec<(String, String)> {
    [
        ("username", username),
        ("password", "Secret-123"),
        ("firstname", "New"),
        ("lastname", "User"),
        ("email", email),
    ]
    .iter()
    .map(|(k, v)| (format!("users[{i}][{k}]"), (*v).to_owned()))
    .collect()
}

// ---- batches are all-or-nothing (§1.10) ------------------------------------------------------

#[tokio::test]
async fn create_users_batch_is_all_or_nothing() {
    let s = site().await;
    let before = s.sim.users().len();
    let mut form = new_user(0, "fresh1", "fresh1@example.org");
    form.extend(new_user(1, "jdoe", "other@example.org")); // duplicate username
    let r = s.call("core_user_create_users", &borrow(&form)).await;
    assert_eq!(errorcode(&r), "invalidparameter");
    assert_eq!(r["debuginfo"], "Username already exists: jdoe");
    assert!(s.sim.user_by_username("fresh1").is_none(), "first user rolled back");
    assert_eq!(s.sim.users().len(), before);

    // A bad e-mail in the last row rolls back the rows before it too.
    let mut form = new_user(0, "fresh1", "fresh1@example.org");
    form.extend(new_user(1, "fresh2", "fresh2@example.org"));
    form.extend(new_user(2, "fresh3", "not-an-email"));
    let r = s.call("core_user_create_users", &borrow(&form)).await;
    assert_eq!(r["debuginfo"], "Email address is invalid: not-an-email");
    assert_eq!(s.sim.users().len(), before);

    // The same batch without the bad row succeeds, in input order.
    let form = [
        new_user(0, "fresh1", "fresh1@example.org"),
        new_user(1, "fresh2", "fresh2@example.org"),
    ]
    .concat();
    let r = s.call("core_user_create_users", &borrow(&form)).await;
    assert_eq!(r[0]["username"], "fresh1");
    assert_eq!(r[1]["username"], "fresh2");
    assert_eq!(s.sim.users().len(), before + 2);
}

#[tokio::test]
async fn enrol_batch_is_all_or_nothing() {
    let s = site().await;
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Suspended, 0, 0);
    let before = s.enrolments();
    for bad in [
        enrol_item(2, 5, s.jdoe, s.dis),   // wsnoinstance
        enrol_item(2, 5, 999_999, s.math), // invaliduser
        enrol_item(2, 7, s.jdoe, s.math),  // wsusercannotassign
        enrol_item(2, 5, s.jdoe, 999_999), // invalidparameter (context)
    ] {
        let form = [
            enrol_item(0, 5, s.jdoe, s.math),   // new enrolment
            enrol_item(1, 5, s.asmith, s.math), // reactivation of a suspended one
            bad,
        ]
        .concat();
        let r = s.call("enrol_manual_enrol_users", &borrow(&form)).await;
        assert!(r.get("exception").is_some(), "{r}");
        assert_eq!(s.enrolments(), before, "state unchanged after {r}");
    }
}

#[tokio::test]
async fn unenrol_batch_is_all_or_nothing() {
    let s = site().await;
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Active, 0, 0);
    let before = s.enrolments();
    let form = vec![
        p("enrolments[0][userid]", s.jdoe),
        p("enrolments[0][courseid]", s.math),
        p("enrolments[1][userid]", s.asmith),
        p("enrolments[1][courseid]", 999_999),
    ];
    let r = s.call("enrol_manual_unenrol_users", &form).await;
    assert_eq!(errorcode(&r), "invalidrecord");
    assert_eq!(s.enrolments(), before);
    let form = vec![
        p("enrolments[0][userid]", s.jdoe),
        p("enrolments[0][courseid]", s.math),
        p("enrolments[1][userid]", 999_999),
        p("enrolments[1][courseid]", s.math),
    ];
    let r = s.call("enrol_manual_unenrol_users", &form).await;
    assert_eq!(errorcode(&r), "invaliduser");
    assert_eq!(s.enrolments(), before);
}

// ---- enrol_user() semantics (§2.8) ------------------------------------------------------------

#[tokio::test]
async fn reenrol_without_times_resets_dates_and_reactivates() {
    let s = site().await;
    let mut form = enrol_item(0, 5, s.jdoe, s.math);
    form.extend([
        ("enrolments[0][timestart]".to_owned(), "1735689600".to_owned()),
        ("enrolments[0][timeend]".to_owned(), "1767225600".to_owned()),
        ("enrolments[0][suspend]".to_owned(), "1".to_owned()),
    ]);
    assert_eq!(s.call("enrol_manual_enrol_users", &borrow(&form)).await, Value::Null);
    let e = &s.enrolments()[0];
    assert_eq!(
        (e.status, e.timestart, e.timeend),
        (EnrolStatus::Suspended, 1_735_689_600, 1_767_225_600)
    );
    let courses = s.call("core_enrol_get_users_courses", &[p("userid", s.jdoe)]).await;
    assert_eq!(courses, json!([]), "suspended: not listed");

    let form = enrol_item(0, 5, s.jdoe, s.math);
    assert_eq!(s.call("enrol_manual_enrol_users", &borrow(&form)).await, Value::Null);
    let e = &s.enrolments()[0];
    assert_eq!((e.status, e.timestart, e.timeend), (EnrolStatus::Active, 0, 0));
    let courses = s.call("core_enrol_get_users_courses", &[p("userid", s.jdoe)]).await;
    assert_eq!(courses[0]["id"], s.math);
}

#[tokio::test]
async fn identical_reenrol_changes_nothing() {
    let s = site().await;
    let mut form = enrol_item(0, 5, s.jdoe, s.math);
    form.push(("enrolments[0][timeend]".to_owned(), "1767225600".to_owned()));
    s.call("enrol_manual_enrol_users", &borrow(&form)).await;
    let once = s.enrolments();
    let dump = s.sim.dump()["enrolments"].clone();
    for _ in 0..3 {
        assert_eq!(s.call("enrol_manual_enrol_users", &borrow(&form)).await, Value::Null);
    }
    assert_eq!(s.enrolments(), once);
    assert_eq!(s.sim.dump()["enrolments"], dump, "not even timecreated moves");
    assert_eq!(once.len(), 1);
    assert_eq!(once[0].roleids, vec![5]);
}

#[tokio::test]
async fn different_roleid_adds_a_second_role() {
    let s = site().await;
    s.call("enrol_manual_enrol_users", &borrow(&enrol_item(0, 5, s.jdoe, s.math)))
        .await;
    s.call("enrol_manual_enrol_users", &borrow(&enrol_item(0, 4, s.jdoe, s.math)))
        .await;
    let e = s.enrolments();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].roleids, vec![4, 5], "the student role is kept");
    let users = s.call("core_enrol_get_enrolled_users", &[p("courseid", s.math)]).await;
    let roles: Vec<&str> = users[0]["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .filter_map(|r| r["shortname"].as_str())
        .collect();
    assert_eq!(roles, ["teacher", "student"]);
}

// ---- e-mail case rules (§2.2, §2.3, §2.5) -----------------------------------------------------

#[tokio::test]
async fn email_lookup_is_case_sensitive_but_create_refuses_any_case() {
    let s = site().await;
    let by = |v: &str| vec![p("field", "email"), p("values[0]", v)];
    let r = s
        .call("core_user_get_users_by_field", &by("jane.doe@example.org"))
        .await;
    assert_eq!(r, json!([]), "PostgreSQL: exact, case-sensitive");
    let r = s
        .call("core_user_get_users_by_field", &by("Jane.Doe@Example.org"))
        .await;
    assert_eq!(r[0]["id"], s.jdoe);

    let form = new_user(0, "jdoe2", "JANE.DOE@EXAMPLE.ORG");
    let r = s.call("core_user_create_users", &borrow(&form)).await;
    assert_eq!(errorcode(&r), "invalidparameter");
    assert_eq!(r["debuginfo"], "Email address already exists: JANE.DOE@EXAMPLE.ORG");
    assert!(s.sim.user_by_username("jdoe2").is_none());

    let like = |v: &str| vec![p("criteria[0][key]", "email"), p("criteria[0][value]", v)];
    let ids = |r: &Value| -> Vec<i64> {
        r["users"]
            .as_array()
            .expect("users")
            .iter()
            .filter_map(|u| u["id"].as_i64())
            .collect()
    };
    let r = s.call("core_user_get_users", &like("%@EXAMPLE.org")).await;
    assert_eq!(
        ids(&r),
        vec![2, s.jdoe, s.asmith],
        "LIKE is case-insensitive (admin@example.org too)"
    );
    let r = s.call("core_user_get_users", &like("jane_doe@example.org")).await;
    assert_eq!(ids(&r), vec![s.jdoe], "_ matches one character");
    let r = s.call("core_user_get_users", &like("jane%")).await;
    assert_eq!(ids(&r), vec![s.jdoe], "% matches any run");
    let r = s.call("core_user_get_users", &like("jane.doe")).await;
    assert_eq!(ids(&r), Vec::<i64>::new(), "no wildcard: whole value");
}

// ---- instance states and enrolment visibility (§2.8–2.11) ------------------------------------

#[tokio::test]
async fn disabled_instance_refuses_enrol_but_unenrol_works() {
    let s = site().await;
    let r = s
        .call("enrol_manual_enrol_users", &borrow(&enrol_item(0, 5, s.jdoe, s.dis)))
        .await;
    assert_eq!(errorcode(&r), "wsnoinstance");
    assert_eq!(
        r["message"],
        format!(
            "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {})",
            s.dis
        )
    );
    assert!(s.enrolments().is_empty());
    // Enrolled before the instance was disabled: unenrol still goes through it.
    s.sim.enrol_by_hand(s.jdoe, s.dis, 5, EnrolStatus::Active, 0, 0);
    let form = vec![p("enrolments[0][userid]", s.jdoe), p("enrolments[0][courseid]", s.dis)];
    assert_eq!(s.call("enrol_manual_unenrol_users", &form).await, Value::Null);
    assert!(s.enrolments().is_empty());
    // Unenrolling someone not enrolled is silent.
    assert_eq!(s.call("enrol_manual_unenrol_users", &form).await, Value::Null);
}

#[tokio::test]
async fn enrolled_users_include_suspended_unless_onlyactive_and_users_courses_only_active() {
    let s = site().await;
    let future = s.sim.add_user(NewSimUser::learner("future", "future@example.org"));
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Suspended, 0, 0);
    s.sim
        .enrol_by_hand(future, s.math, 5, EnrolStatus::Active, 4_000_000_000, 0);
    let ids = |r: &Value| -> Vec<i64> {
        r.as_array()
            .expect("array")
            .iter()
            .filter_map(|u| u["id"].as_i64())
            .collect()
    };
    let all = s.call("core_enrol_get_enrolled_users", &[p("courseid", s.math)]).await;
    assert_eq!(ids(&all), vec![s.jdoe, s.asmith, future]);
    let active = s
        .call(
            "core_enrol_get_enrolled_users",
            &[
                p("courseid", s.math),
                p("options[0][name]", "onlyactive"),
                p("options[0][value]", 1),
            ],
        )
        .await;
    assert_eq!(ids(&active), vec![s.jdoe]);

    let mine = s.call("core_enrol_get_users_courses", &[p("userid", s.jdoe)]).await;
    assert_eq!(ids(&mine), vec![s.math]);
    assert_eq!(
        mine[0]["enrolledusercount"], 3,
        "get_enrolled_sql counts every enrolment"
    );
    for u in [s.asmith, future] {
        let r = s.call("core_enrol_get_users_courses", &[p("userid", u)]).await;
        assert_eq!(r, json!([]), "user {u}: suspended / not started");
    }
}

#[tokio::test]
async fn enrolled_users_userfields_limit_the_answer_and_unknown_fields_fail() {
    let s = site().await;
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(s.jdoe, s.dis, 5, EnrolStatus::Active, 0, 0);
    let full = s.call("core_enrol_get_enrolled_users", &[p("courseid", s.math)]).await;
    assert!(full[0]["enrolledcourses"].is_array(), "by default: {full}");
    assert!(full[0]["roles"].is_array() && full[0]["username"].is_string(), "{full}");
    let lean = s
        .call(
            "core_enrol_get_enrolled_users",
            &[
                p("courseid", s.math),
                p("options[0][name]", "userfields"),
                p("options[0][value]", "id, email"),
            ],
        )
        .await;
    let mut keys: Vec<&str> = lean[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec!["email", "fullname", "id"],
        "id and fullname are always there: {lean}"
    );
    assert_eq!(lean[0]["email"], "Jane.Doe@Example.org");
    let bad = s
        .call(
            "core_enrol_get_enrolled_users",
            &[
                p("courseid", s.math),
                p("options[0][name]", "userfields"),
                p("options[0][value]", "id,password"),
            ],
        )
        .await;
    assert_eq!(errorcode(&bad), "invaliduserfield", "{bad}");
}

// ---- completion (§2.12) -----------------------------------------------------------------------

#[tokio::test]
async fn completion_can_be_driven() {
    let s = site().await;
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    let args = [p("courseid", s.math), p("userid", s.jdoe)];
    let r = s.call("core_completion_get_course_completion_status", &args).await;
    assert_eq!(r["completionstatus"]["completed"], false);
    assert_eq!(r["completionstatus"]["completions"][0]["timecompleted"], Value::Null);
    s.sim.mark_course_complete(s.jdoe, s.math, 1_767_225_600);
    let r = s.call("core_completion_get_course_completion_status", &args).await;
    assert_eq!(r["completionstatus"]["completed"], true);
    assert_eq!(r["completionstatus"]["completions"][0]["complete"], true);
    assert_eq!(r["completionstatus"]["completions"][0]["timecompleted"], 1_767_225_600);
    let courses = s.call("core_enrol_get_users_courses", &[p("userid", s.jdoe)]).await;
    assert_eq!(courses[0]["completed"], true);
}

#[tokio::test]
async fn lastcourseaccess_is_the_last_access_to_that_course_and_0_before_any() {
    let s = site().await;
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Active, 0, 0);
    let args = |s: &Site| {
        vec![
            p("courseid", s.math),
            p("options[0][name]", "userfields"),
            p("options[0][value]", "id,lastcourseaccess"),
        ]
    };
    let before = s.call("core_enrol_get_enrolled_users", &args(&s)).await;
    assert_eq!(before[0]["lastcourseaccess"], 0, "{before}");
    s.sim.record_course_access(s.jdoe, s.math, 1_767_225_600);
    s.sim.record_course_access(s.jdoe, s.math, 1_767_000_000); // an older one does not move it back
    s.sim.record_course_access(s.jdoe, s.dis, 1_767_300_000); // another course is another row
    let after = s.call("core_enrol_get_enrolled_users", &args(&s)).await;
    let of = |id: i64| after.as_array().and_then(|a| a.iter().find(|u| u["id"] == id)).cloned();
    assert_eq!(of(s.jdoe).expect("jdoe")["lastcourseaccess"], 1_767_225_600, "{after}");
    assert_eq!(of(s.asmith).expect("asmith")["lastcourseaccess"], 0, "{after}");
    assert!(
        of(s.jdoe).expect("jdoe").get("username").is_none(),
        "only the named fields"
    );
    // core_enrol_get_users_courses: the same access as `lastaccess`, null before any.
    let courses = s.call("core_enrol_get_users_courses", &[p("userid", s.jdoe)]).await;
    assert_eq!(courses[0]["lastaccess"], 1_767_225_600, "{courses}");
    let courses = s.call("core_enrol_get_users_courses", &[p("userid", s.asmith)]).await;
    assert_eq!(courses[0]["lastaccess"], Value::Null, "{courses}");
}

#[tokio::test]
async fn a_reset_completion_is_gone_until_completed_again() {
    let s = site().await;
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.mark_course_complete(s.jdoe, s.math, 1_767_225_600);
    s.sim.reset_course_completion(s.jdoe, s.math);
    let args = [p("courseid", s.math), p("userid", s.jdoe)];
    let r = s.call("core_completion_get_course_completion_status", &args).await;
    assert_eq!(r["completionstatus"]["completed"], false, "{r}");
    let courses = s.call("core_enrol_get_users_courses", &[p("userid", s.jdoe)]).await;
    assert_eq!(courses[0]["completed"], false, "{courses}");
    s.sim.mark_course_complete(s.jdoe, s.math, 1_767_300_000);
    let r = s.call("core_completion_get_course_completion_status", &args).await;
    assert_eq!(
        r["completionstatus"]["completions"][0]["timecompleted"], 1_767_300_000,
        "{r}"
    );
}

const GRADE_ITEMS: &str = "gradereport_user_get_grade_items";

/// The course total of each user of an answer: (userid, gradeformatted, graderaw).
fn course_totals(r: &Value) -> Vec<(i64, String, Value)> {
    r["usergrades"]
        .as_array()
        .unwrap_or_else(|| panic!("usergrades: {r}"))
        .iter()
        .map(|u| {
            let total = u["gradeitems"]
                .as_array()
                .expect("gradeitems")
                .iter()
                .find(|i| i["itemtype"] == "course")
                .expect("course total");
            (
                u["userid"].as_i64().expect("userid"),
                total["gradeformatted"].as_str().expect("formatted").to_owned(),
                total["graderaw"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn grade_items_of_a_course_list_every_active_student_with_the_course_total() {
    let s = site().await;
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math)]).await;
    assert_eq!(errorcode(&r), "accessexception", "not in the recorded service: {r}");
    s.sim.enable_progress_functions();
    let bsmith = s.sim.add_user(NewSimUser::learner("bsmith", "bsmith@example.org"));
    let teacher = s.sim.add_user(NewSimUser::learner("teach", "teach@example.org"));
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(bsmith, s.math, 5, EnrolStatus::Suspended, 0, 0);
    s.sim.enrol_by_hand(teacher, s.math, 3, EnrolStatus::Active, 0, 0);
    s.sim.set_grade(s.jdoe, s.math, 87.5);
    s.sim.set_grade(bsmith, s.math, 50.0);

    // userid = 0: active enrolments with a gradebook role, by user id; ungraded ⇒ "-", null.
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math)]).await;
    assert_eq!(
        course_totals(&r),
        vec![
            (s.jdoe, "87.50".to_owned(), json!(87.5)),
            (s.asmith, "-".to_owned(), Value::Null),
        ],
        "{r}"
    );
    let jane = &r["usergrades"][0];
    assert_eq!(jane["courseid"], s.math, "{r}");
    assert_eq!(jane["courseidnumber"], "M101", "{r}");
    assert_eq!(jane["userfullname"], "Jane Doe", "{r}");
    let total = &jane["gradeitems"][0];
    assert_eq!(total["itemname"], Value::Null, "{r}");
    assert_eq!(total["percentageformatted"], "87.50 %", "{r}");
    assert_eq!(total["rangeformatted"], "0&ndash;100", "{r}");
    assert_eq!(r["warnings"], json!([]), "{r}");

    // One user, even one not listed above (the report does not check enrolment).
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math), p("userid", bsmith)]).await;
    assert_eq!(
        course_totals(&r),
        vec![(bsmith, "50.00".to_owned(), json!(50.0))],
        "{r}"
    );

    // Errors, in the order check_report_access meets them.
    let r = s.call(GRADE_ITEMS, &[p("courseid", 9999)]).await;
    assert_eq!(errorcode(&r), "invalidrecord", "{r}");
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math), p("userid", 9999)]).await;
    assert_eq!(errorcode(&r), "invaliduser", "{r}");
    s.sim.remove_capability("moodle/grade:viewall");
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math)]).await;
    assert_eq!(errorcode(&r), "nopermissions", "{r}");
    assert!(
        r["message"].as_str().unwrap().contains("View grades of other users"),
        "{r}"
    );
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math), p("userid", s.jdoe)]).await;
    assert_eq!(errorcode(&r), "nopermissiontoviewgrades", "{r}");
    s.sim.remove_capability("gradereport/user:view");
    let r = s.call(GRADE_ITEMS, &[p("courseid", s.math)]).await;
    assert_eq!(errorcode(&r), "nopermissions", "{r}");
    assert!(r["message"].as_str().unwrap().contains("View user report"), "{r}");
}

// ---- controls: faults, maintenance, tokens, counters ------------------------------------------

#[tokio::test]
async fn fault_latency_and_error_rate() {
    let s = site().await;
    s.sim
        .faults()
        .set(FaultConfig::with_latency(Duration::from_millis(150)));
    let t = Instant::now();
    s.call("core_webservice_get_site_info", &[]).await;
    assert!(t.elapsed() >= Duration::from_millis(150), "latency applied");

    s.sim.faults().set(FaultConfig {
        error_rate: 1.0,
        error_kind: ErrorKind::Http503,
        error_keys: vec!["enrol_manual_enrol_users".into()],
        ..FaultConfig::default()
    });
    let (status, _) = s
        .raw(
            &s.sim.token(),
            "enrol_manual_enrol_users",
            &borrow(&enrol_item(0, 5, s.jdoe, s.math)),
        )
        .await;
    assert_eq!(status, 503);
    assert!(s.enrolments().is_empty(), "a faulted call does nothing");
    let (status, _) = s.raw(&s.sim.token(), "core_webservice_get_site_info", &[]).await;
    assert_eq!(status, 200, "other functions unaffected");

    s.sim.faults().set(FaultConfig {
        error_rate: 1.0,
        ..FaultConfig::default()
    });
    let (status, _) = s.raw(&s.sim.token(), "core_webservice_get_site_info", &[]).await;
    assert_eq!(status, 500);
    s.sim.faults().clear();
    let (status, _) = s.raw(&s.sim.token(), "core_webservice_get_site_info", &[]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn maintenance_mode_and_revoked_token() {
    let s = site().await;
    s.sim.set_debug(DebugLevel::Off);
    let teacher = s.sim.add_user(NewSimUser {
        capabilities: ["moodle/course:view".to_owned(), "enrol/manual:enrol".to_owned()].into(),
        ..NewSimUser::learner("teacher", "teacher@example.org")
    });
    let token = s.sim.add_token(teacher, None);
    s.sim.set_maintenance(true);
    let r = s.call_as(&token, "core_webservice_get_site_info", &[]).await;
    assert_eq!(
        r,
        json!({"exception": "core\\exception\\moodle_exception", "errorcode": "sitemaintenance",
               "message": "The site is undergoing maintenance and is currently not available"})
    );
    let r = s.call("core_webservice_get_site_info", &[]).await;
    assert_eq!(r["userid"], 2, "the admin has moodle/site:maintenanceaccess");
    s.sim.set_maintenance(false);
    let r = s.call_as(&token, "core_webservice_get_site_info", &[]).await;
    assert_eq!(r["userid"], teacher);

    s.sim.revoke_token(&token);
    let r = s.call_as(&token, "core_webservice_get_site_info", &[]).await;
    assert_eq!(errorcode(&r), "invalidtoken");
    s.sim.revoke_token(&s.sim.token());
    let r = s
        .call("enrol_manual_enrol_users", &borrow(&enrol_item(0, 5, s.jdoe, s.math)))
        .await;
    assert_eq!(r["errorcode"], "invalidtoken");
    assert!(s.enrolments().is_empty());
}

#[tokio::test]
async fn request_counters_per_function() {
    let s = site().await;
    for _ in 0..3 {
        s.call("core_webservice_get_site_info", &[]).await;
    }
    s.call(
        "core_user_get_users_by_field",
        &[p("field", "id"), p("values[0]", s.jdoe)],
    )
    .await;
    s.call(
        "core_user_get_users_by_field",
        &[p("field", "bogus"), p("values[0]", 1)],
    )
    .await; // an error counts
    s.sim.faults().set(FaultConfig {
        error_rate: 1.0,
        ..FaultConfig::default()
    });
    s.raw(&s.sim.token(), "enrol_manual_enrol_users", &[]).await; // a fault counts
    s.sim.faults().clear();
    let counts = s.sim.request_counts();
    assert_eq!(counts.get("core_webservice_get_site_info"), Some(&3));
    assert_eq!(counts.get("core_user_get_users_by_field"), Some(&2));
    assert_eq!(counts.get("enrol_manual_enrol_users"), Some(&1));
    assert_eq!(s.sim.total_requests(), 6);
    let log = s.sim.request_log();
    assert_eq!(log.last().map(|l| l.outcome.as_str()), Some("fault"));
    assert_eq!(log[4].outcome, "codingerror");
    s.sim.reset_counts();
    assert_eq!(s.sim.total_requests(), 0);
    assert!(s.sim.request_counts().is_empty());
}

/// Regression: a request whose client gives up during the injected latency (its timeout) used to
/// be counted only if the handler ran to the end, i.e. not at all once hyper dropped it, so retry
/// and breaker tests undercounted. Requests are now counted on arrival and logged `abandoned`.
#[tokio::test]
async fn requests_abandoned_by_the_client_are_counted() {
    let s = site().await;
    s.sim
        .faults()
        .set(FaultConfig::with_latency(Duration::from_millis(400)));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    let form = [
        ("wstoken", s.sim.token()),
        ("moodlewsrestformat", "json".to_owned()),
        ("wsfunction", "core_webservice_get_site_info".to_owned()),
    ];
    for _ in 0..2 {
        let err = http.post(&s.url).form(&form).send().await.expect_err("timed out");
        assert!(err.is_timeout());
    }
    // Counted at once, without waiting for the handlers.
    assert_eq!(s.sim.total_requests(), 2);
    assert_eq!(s.sim.request_counts().get("core_webservice_get_site_info"), Some(&2));
    // Once the server has noticed the closed connections, each is logged as abandoned.
    let deadline = Instant::now() + Duration::from_secs(3);
    while s.sim.request_log().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = s.sim.request_log();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter().all(|l| l.outcome == "abandoned" || l.outcome == "ok"),
        "{log:?}"
    );
    s.sim.faults().clear();
    s.call("core_webservice_get_site_info", &[]).await;
    assert_eq!(s.sim.total_requests(), 3);
    assert_eq!(s.sim.request_log().last().map(|l| l.outcome.as_str()), Some("ok"));
}

// ---- course groups (group/externallib.php; not in the contract) --------------------------------

const GROUP_FNS: &[&str] = &[
    "core_group_get_course_groups",
    "core_group_create_groups",
    "core_group_add_group_members",
    "core_group_get_group_members",
    "core_group_delete_group_members",
];

fn group_item(i: usize, courseid: i64, name: &str) -> Vec<(String, String)> {
    vec![
        (format!("groups[{i}][courseid]"), courseid.to_string()),
        (format!("groups[{i}][name]"), name.to_owned()),
        (format!("groups[{i}][description]"), String::new()),
    ]
}

fn member_item(i: usize, groupid: i64, userid: i64) -> Vec<(String, String)> {
    vec![
        (format!("members[{i}][groupid]"), groupid.to_string()),
        (format!("members[{i}][userid]"), userid.to_string()),
    ]
}

/// `site()` with the group functions in the admin token's service.
async fn group_site() -> Site {
    let s = site().await;
    s.sim.enable_group_functions();
    s
}

impl Site {
    async fn create_groups(&self, names: &[&str]) -> Value {
        let form: Vec<(String, String)> = names
            .iter()
            .enumerate()
            .flat_map(|(i, n)| group_item(i, self.math, n))
            .collect();
        self.call("core_group_create_groups", &borrow(&form)).await
    }

    async fn add_members(&self, pairs: &[(i64, i64)]) -> Value {
        let form: Vec<(String, String)> = pairs
            .iter()
            .enumerate()
            .flat_map(|(i, (g, u))| member_item(i, *g, *u))
            .collect();
        self.call("core_group_add_group_members", &borrow(&form)).await
    }

    async fn members_of(&self, groupid: i64) -> Value {
        let r = self
            .call("core_group_get_group_members", &[p("groupids[0]", groupid)])
            .await;
        r[0]["userids"].clone()
    }
}

#[tokio::test]
async fn groups_create_list_and_add_members_idempotently() {
    let s = group_site().await;
    let created = s.create_groups(&["Cohort 2027-02", "  Cohort 2027-01 "]).await;
    let ids: Vec<i64> = created
        .as_array()
        .expect("array")
        .iter()
        .map(|g| g["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids.len(), 2);
    // Input order, name trimmed by groups_create_group, 4.2+ defaults.
    assert_eq!(
        created[1],
        json!({"id": ids[1], "courseid": s.math, "name": "Cohort 2027-01", "description": "",
               "descriptionformat": 1, "enrolmentkey": "", "idnumber": "", "visibility": 0,
               "participation": true})
    );
    // Listed by name, with (empty) custom fields.
    let listed = s.call("core_group_get_course_groups", &[p("courseid", s.math)]).await;
    let names: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|g| g["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Cohort 2027-01", "Cohort 2027-02"]);
    assert_eq!(listed[0]["customfields"], json!([]));
    assert_eq!(
        s.call("core_group_get_course_groups", &[p("courseid", s.dis)]).await,
        json!([])
    );

    // Members in one batch (a suspended enrolment counts as enrolled: is_enrolled without
    // onlyactive).
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Suspended, 0, 0);
    let g = ids[1];
    assert_eq!(s.add_members(&[(g, s.jdoe), (g, s.asmith)]).await, Value::Null);
    let mut members: Vec<i64> = s
        .members_of(g)
        .await
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    members.sort_unstable();
    let mut want = vec![s.jdoe, s.asmith];
    want.sort_unstable();
    assert_eq!(members, want);
    // Adding again is no error and changes nothing.
    assert_eq!(s.add_members(&[(g, s.asmith), (g, s.jdoe)]).await, Value::Null);
    assert_eq!(
        s.sim.group_members("MATH101", "Cohort 2027-01"),
        ["Jane.Doe@Example.org", "asmith@example.org"]
    );
    assert!(s.sim.group_members("MATH101", "Cohort 2027-02").is_empty());
    assert!(s.sim.group_members("NOPE", "Cohort 2027-01").is_empty());
    for f in ["core_group_add_group_members", "core_group_create_groups"] {
        assert!(s.sim.request_counts().get(f).copied().unwrap_or(0) >= 1, "{f} counted");
    }
}

#[tokio::test]
async fn group_members_sorted_by_last_then_first_name() {
    let s = group_site().await;
    let g = s.sim.add_group(s.math, "G").expect("course");
    let mut ids = Vec::new();
    for (u, first, last) in [("u1", "Zoe", "Adams"), ("u2", "Amy", "Brown"), ("u3", "Al", "Adams")] {
        let id = s.sim.add_user(NewSimUser {
            username: u.into(),
            firstname: first.into(),
            lastname: last.into(),
            email: format!("{u}@example.org"),
            ..NewSimUser::default()
        });
        s.sim.enrol_by_hand(id, s.math, 5, EnrolStatus::Active, 0, 0);
        ids.push(id);
    }
    s.add_members(&[(g, ids[0]), (g, ids[1]), (g, ids[2])]).await;
    assert_eq!(s.members_of(g).await, json!([ids[2], ids[0], ids[1]]));
}

#[tokio::test]
async fn a_non_enrolled_user_rolls_the_whole_member_batch_back() {
    let s = group_site().await;
    let g = s.sim.add_group(s.math, "Cohort").expect("course");
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    let r = s.add_members(&[(g, s.jdoe), (g, s.asmith)]).await;
    assert_eq!(errorcode(&r), "invalidparameter");
    assert_eq!(r["message"], "Invalid parameter value detected");
    assert_eq!(r["debuginfo"], "Only enrolled users may be members of groups");
    assert_eq!(s.members_of(g).await, json!([]), "jdoe rolled back too");
    assert!(s.sim.group_members("MATH101", "Cohort").is_empty());

    // Unknown group and unknown user: dml_missing_record_exception invalidrecord.
    let r = s.add_members(&[(g, s.jdoe), (9999, s.jdoe)]).await;
    assert_eq!(
        r,
        json!({"exception": "dml_missing_record_exception", "errorcode": "invalidrecord",
               "message": "Can't find data record in database table groups.",
               "debuginfo": "SELECT id, courseid FROM {groups} WHERE id = ?\n[array (\n  0 => 9999,\n)]"})
    );
    let r = s.add_members(&[(g, 777)]).await;
    assert_eq!(errorcode(&r), "invalidrecord");
    assert_eq!(r["message"], "Can't find data record in database table user.");
    assert!(s.sim.group_members("MATH101", "Cohort").is_empty());
    let r = s.call("core_group_get_group_members", &[p("groupids[0]", 4242)]).await;
    assert_eq!(r["message"], "Can't find data record in database table groups.");
}

#[tokio::test]
async fn duplicate_group_names_are_refused_and_nothing_is_created() {
    let s = group_site().await;
    s.sim.add_group(s.math, "Cohort 2027-01").expect("course");
    let r = s.create_groups(&["New one", "Cohort 2027-01"]).await;
    assert_eq!(errorcode(&r), "invalidparameter");
    assert_eq!(r["debuginfo"], "Group with the same name already exists in the course");
    assert_eq!(s.sim.groups().len(), 1, "'New one' rolled back");
    // A name repeated inside one call: the second row sees the first (same transaction).
    let r = s.create_groups(&["Twice", "Twice"]).await;
    assert_eq!(r["debuginfo"], "Group with the same name already exists in the course");
    assert_eq!(s.sim.groups().len(), 1);
    // Blank name.
    let r = s.create_groups(&["   "]).await;
    assert_eq!(r["debuginfo"], "Invalid group name");
    // The same name in another course is fine.
    let mut form = group_item(0, s.dis, "Cohort 2027-01");
    form.push(("groups[0][idnumber]".into(), "C1".into()));
    let r = s.call("core_group_create_groups", &borrow(&form)).await;
    assert_eq!(r[0]["idnumber"], "C1");
    // An idnumber already used in the course: moodle_exception idnumbertaken.
    let mut form = group_item(0, s.dis, "Other");
    form.push(("groups[0][idnumber]".into(), "C1".into()));
    let r = s.call("core_group_create_groups", &borrow(&form)).await;
    assert_eq!(errorcode(&r), "idnumbertaken");
    // Bad visibility.
    let mut form = group_item(0, s.dis, "Hidden");
    form.push(("groups[0][visibility]".into(), "9".into()));
    let r = s.call("core_group_create_groups", &borrow(&form)).await;
    assert_eq!(errorcode(&r), "invalidparameter");
    assert_eq!(s.sim.groups().len(), 2);
}

#[tokio::test]
async fn group_functions_check_course_capability_and_service() {
    let s = site().await;
    // Not in the recorded service of the admin token until enabled.
    let r = s.call("core_group_get_course_groups", &[p("courseid", s.math)]).await;
    assert_eq!(errorcode(&r), "accessexception");
    s.sim.enable_group_functions();
    let info = s.call("core_webservice_get_site_info", &[]).await;
    let listed: Vec<&str> = info["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    for f in GROUP_FNS {
        assert!(listed.contains(f), "{f} listed once enabled");
    }

    // Unknown course: validate_context fails and is re-thrown as errorcoursecontextnotvalid.
    let r = s.call("core_group_get_course_groups", &[p("courseid", 999)]).await;
    assert_eq!(
        r,
        json!({"exception": "core\\exception\\moodle_exception", "errorcode": "errorcoursecontextnotvalid",
               "message": "You cannot execute functions in the course context (course id:999). The context error message was: Invalid parameter value detected"})
    );
    let r = s
        .call("core_group_create_groups", &borrow(&group_item(0, 999, "X")))
        .await;
    assert_eq!(errorcode(&r), "errorcoursecontextnotvalid");

    // A caller who may enter the course but lacks moodle/course:managegroups.
    let teacher = s.sim.add_user(NewSimUser {
        capabilities: ["moodle/course:view".to_owned()].into(),
        ..NewSimUser::learner("teacher", "teacher@example.org")
    });
    let token = s.sim.add_token(teacher, None);
    let r = s
        .call_as(&token, "core_group_create_groups", &borrow(&group_item(0, s.math, "X")))
        .await;
    assert_eq!(errorcode(&r), "nopermissions");
    assert_eq!(
        r["message"],
        "Sorry, but you do not currently have permissions to do that (Manage groups)."
    );
    assert!(s.sim.groups().is_empty());
    // A caller who cannot enter the course at all.
    let outsider = s.sim.add_user(NewSimUser::learner("outsider", "o@example.org"));
    let token = s.sim.add_token(outsider, None);
    let r = s
        .call_as(&token, "core_group_get_course_groups", &[p("courseid", s.math)])
        .await;
    assert_eq!(
        r["message"],
        "You cannot execute functions in the course context (course id:2). The context error message was: Course or activity not accessible."
    );
}

#[tokio::test]
async fn unenrolment_ends_group_membership_and_members_can_be_removed() {
    let s = group_site().await;
    let g = s.sim.add_group(s.math, "Cohort").expect("course");
    for u in [s.jdoe, s.asmith] {
        s.sim.enrol_by_hand(u, s.math, 5, EnrolStatus::Active, 0, 0);
    }
    s.add_members(&[(g, s.jdoe), (g, s.asmith)]).await;
    // Unenrolled through the web service: the membership goes with the enrolment.
    let form = vec![
        ("enrolments[0][userid]".to_owned(), s.asmith.to_string()),
        ("enrolments[0][courseid]".to_owned(), s.math.to_string()),
    ];
    assert_eq!(s.call("enrol_manual_unenrol_users", &borrow(&form)).await, Value::Null);
    assert_eq!(s.members_of(g).await, json!([s.jdoe]));
    // Re-enrolled later: not a member again by itself (memberships are dated to the second).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    s.sim.enrol_by_hand(s.asmith, s.math, 5, EnrolStatus::Active, 0, 0);
    assert_eq!(s.members_of(g).await, json!([s.jdoe]));

    // delete_group_members: silent for a non-member, all-or-nothing on a bad row.
    let del = |pairs: &[(i64, i64)]| {
        pairs
            .iter()
            .enumerate()
            .flat_map(|(i, (g, u))| member_item(i, *g, *u))
            .collect::<Vec<_>>()
    };
    let r = s
        .call(
            "core_group_delete_group_members",
            &borrow(&del(&[(g, s.jdoe), (g, 888)])),
        )
        .await;
    assert_eq!(errorcode(&r), "invalidrecord");
    assert_eq!(s.members_of(g).await, json!([s.jdoe]));
    let r = s
        .call(
            "core_group_delete_group_members",
            &borrow(&del(&[(g, s.jdoe), (g, s.asmith)])),
        )
        .await;
    assert_eq!(r, Value::Null);
    assert_eq!(s.members_of(g).await, json!([]));
}

#[tokio::test]
async fn group_calls_take_faults_like_the_others() {
    let s = group_site().await;
    let g = s.sim.add_group(s.math, "Cohort").expect("course");
    s.sim.enrol_by_hand(s.jdoe, s.math, 5, EnrolStatus::Active, 0, 0);
    s.sim.faults().set(FaultConfig {
        error_rate: 1.0,
        error_kind: ErrorKind::Http503,
        error_keys: vec!["core_group_add_group_members".into()],
        ..FaultConfig::default()
    });
    let form = member_item(0, g, s.jdoe);
    let (status, _) = s
        .raw(&s.sim.token(), "core_group_add_group_members", &borrow(&form))
        .await;
    assert_eq!(status, 503);
    assert!(
        s.sim.group_members("MATH101", "Cohort").is_empty(),
        "a faulted call does nothing"
    );
    // A lost answer: the work is done, the client sees a broken connection.
    s.sim.faults().clear();
    s.sim.faults().set(FaultConfig {
        error_keys: vec!["core_group_add_group_members".into()],
        ..FaultConfig::default()
    });
    s.sim.faults().lose_next(1);
    assert!(
        s.http
            .post(&s.url)
            .form(&[
                ("wstoken", s.sim.token()),
                ("moodlewsrestformat", "json".to_owned()),
                ("wsfunction", "core_group_add_group_members".to_owned()),
                ("members[0][groupid]", g.to_string()),
                ("members[0][userid]", s.jdoe.to_string()),
            ])
            .send()
            .await
            .is_err()
    );
    assert_eq!(s.sim.group_members("MATH101", "Cohort"), ["Jane.Doe@Example.org"]);
    let log = s.sim.request_log();
    assert_eq!(log.last().map(|l| l.outcome.as_str()), Some("lost:ok"));
    assert_eq!(s.sim.request_counts().get("core_group_add_group_members"), Some(&2));
    s.sim.faults().clear();
}

// ---- the token user's capabilities (CONTRACT.md §0) ------------------------------------------

#[tokio::test]
async fn a_token_user_without_viewuseridentity_sees_no_email_and_cannot_create_an_existing_address() {
    let s = site().await;
    let by_email = [p("field", "email"), p("values[0]", "Jane.Doe@Example.org")];
    assert_eq!(
        s.call("core_user_get_users_by_field", &by_email)
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    s.sim.remove_capability("moodle/site:viewuseridentity");
    assert_eq!(
        s.call("core_user_get_users_by_field", &by_email).await,
        json!([]),
        "even an exact match"
    );
    let search = [
        p("criteria[0][key]", "email"),
        p("criteria[0][value]", "jane.doe@example.org"),
    ];
    assert_eq!(s.call("core_user_get_users", &search).await["users"], json!([]));
    let by_id = [p("field", "id"), p("values[0]", s.jdoe), p("values[1]", 2)];
    let found = s.call("core_user_get_users_by_field", &by_id).await;
    assert_eq!(
        (found[0]["id"].as_i64(), found[1]["id"].as_i64()),
        (Some(2), Some(s.jdoe)),
        "by id"
    );
    assert_eq!(
        found[0]["email"], "admin@example.org",
        "a user always sees their own email"
    );
    assert!(
        found[1].get("email").is_none(),
        "another user's email is hidden: {found}"
    );
    let r = s
        .call(
            "core_user_create_users",
            &borrow(&new_user(0, "again", "jane.doe@example.org")),
        )
        .await;
    assert_eq!(errorcode(&r), "invalidparameter");
    assert_eq!(r["debuginfo"], "Email address already exists: jane.doe@example.org");
    s.sim.restore_capability("moodle/site:viewuseridentity");
    assert_eq!(
        s.call("core_user_get_users_by_field", &by_email)
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn onlyactive_needs_enrolreview_and_enrolling_needs_role_assign() {
    let s = site().await;
    let onlyactive = [
        p("courseid", s.math),
        p("options[0][name]", "onlyactive"),
        p("options[0][value]", 1),
    ];
    assert!(s.call("core_enrol_get_enrolled_users", &onlyactive).await.is_array());
    s.sim.remove_capability("moodle/course:enrolreview");
    let r = s.call("core_enrol_get_enrolled_users", &onlyactive).await;
    assert_eq!(errorcode(&r), "nopermissions");
    assert_eq!(
        r["message"],
        "Sorry, but you do not currently have permissions to do that (Review course enrolments)."
    );
    assert!(
        s.call("core_enrol_get_enrolled_users", &[p("courseid", s.math)])
            .await
            .is_array(),
        "without onlyactive the read works"
    );

    s.sim.remove_capability("moodle/role:assign");
    let r = s
        .call("enrol_manual_enrol_users", &borrow(&enrol_item(0, 5, s.jdoe, s.math)))
        .await;
    assert_eq!(errorcode(&r), "wsusercannotassign");
    assert!(s.enrolments().is_empty());
    s.sim.restore_capability("moodle/role:assign");
    let r = s
        .call("enrol_manual_enrol_users", &borrow(&enrol_item(0, 5, s.jdoe, s.math)))
        .await;
    assert_eq!(r, Value::Null);
}
