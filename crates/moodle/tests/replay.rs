//! Replays every recorded example of `tests/fixtures/moodle/examples.json` (copied from
//! `shared/fixtures/moodle/examples.json`; a missing copy fails the test):
//! - typed: the request is built by the typed API and must equal `request_form` byte for byte
//!   (modulo the token value); the answer must parse into the right value or error;
//! - raw: requests the typed API deliberately cannot produce (stray keys, `true` for a bool,
//!   missing required keys, no `moodlewsrestformat`, GET) go through `call_raw`, and the answer
//!   must classify correctly;
//! - parse-only: `webservice/upload.php` is not the REST server; its answers go through
//!   `parse_response`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine;
use common::{Reply, Stub, TOKEN};
use mm_moodle::*;
use serde_json::{Value, json};

/// The typed calls the replay can make.
#[derive(Debug)]
enum Call {
    SiteInfo,
    UsersByField(UserField, Vec<String>),
    CreateUsers(Vec<NewUser>),
    UpdateUsers(Vec<UserUpdate>),
    SearchUsers(Vec<(UserCriterion, String)>),
    GetCourse(CourseLookup),
    CoursesByIds(Vec<i64>),
    CoursesInCategory(i64),
    ListCourses,
    Categories,
    FindCategories(Vec<(CategoryKey, String)>, bool),
    Enrol(Vec<Enrolment>),
    Unenrol(Vec<Unenrolment>),
    EnrolledUsers(i64, EnrolledUsersOptions),
    UsersCourses(i64),
    UsersCoursesWithCount(i64),
    CourseCompletion(i64, i64),
    ActivitiesCompletion(i64, i64),
    Badges(Option<i64>),
    Cohorts(Vec<CohortMember>),
    Messages(Vec<InstantMessage>),
    Upload(FileUpload),
}

/// A strict cursor over the parameters: any deviation from the order the typed API writes
/// means "not producible by the typed API".
struct Cur<'a> {
    p: &'a [(String, String)],
    i: usize,
}

impl<'a> Cur<'a> {
    fn next_key(&self) -> Option<&'a str> {
        self.p.get(self.i).map(|(k, _)| k.as_str())
    }
    fn take(&mut self, key: &str) -> Option<&'a str> {
        let (k, v) = self.p.get(self.i)?;
        if k == key {
            self.i += 1;
            Some(v.as_str())
        } else {
            None
        }
    }
    fn opt(&mut self, key: &str) -> Option<&'a str> {
        self.take(key)
    }
    fn int(&mut self, key: &str) -> Option<i64> {
        self.take(key)?.parse().ok()
    }
    fn b01(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }
    fn has_item(&self, list: &str, i: usize) -> bool {
        self.next_key().is_some_and(|k| k.starts_with(&format!("{list}[{i}][")))
    }
    fn done(&self) -> bool {
        self.i == self.p.len()
    }
}

fn k(list: &str, i: usize, key: &str) -> String {
    format!("{list}[{i}][{key}]")
}

fn decode(function: &str, p: &[(String, String)]) -> Option<Call> {
    let mut c = Cur { p, i: 0 };
    let call = match function {
        "core_webservice_get_site_info" => Call::SiteInfo,
        "core_user_get_users_by_field" => {
            let field = match c.take("field")? {
                "id" => UserField::Id,
                "idnumber" => UserField::Idnumber,
                "username" => UserField::Username,
                "email" => UserField::Email,
                _ => return None,
            };
            let mut values = Vec::new();
            while let Some(v) = c.take(&format!("values[{}]", values.len())) {
                values.push(v.to_owned());
            }
            if values.is_empty() {
                return None;
            }
            Call::UsersByField(field, values)
        }
        "core_user_create_users" => {
            let mut users = Vec::new();
            let mut i = 0;
            while c.has_item("users", i) {
                let username = c.take(&k("users", i, "username"))?.to_owned();
                let createpassword = match c.opt(&k("users", i, "createpassword")) {
                    None => false,
                    Some("1") => true,
                    Some(_) => return None,
                };
                let password = c
                    .opt(&k("users", i, "password"))
                    .map(|s| SecretString::from(s.to_owned()));
                let firstname = c.take(&k("users", i, "firstname"))?.to_owned();
                let lastname = c.take(&k("users", i, "lastname"))?.to_owned();
                let email = c.take(&k("users", i, "email"))?.to_owned();
                let auth = c.opt(&k("users", i, "auth")).map(str::to_owned);
                let idnumber = c.opt(&k("users", i, "idnumber")).map(str::to_owned);
                users.push(NewUser {
                    username,
                    email,
                    firstname,
                    lastname,
                    auth,
                    createpassword,
                    password,
                    idnumber,
                });
                i += 1;
            }
            if users.is_empty() {
                return None;
            }
            Call::CreateUsers(users)
        }
        "core_user_update_users" => {
            let mut users = Vec::new();
            let mut i = 0;
            while c.has_item("users", i) {
                let id = c.int(&k("users", i, "id"))?;
                let username = c.opt(&k("users", i, "username")).map(str::to_owned);
                let auth = c.opt(&k("users", i, "auth")).map(str::to_owned);
                let suspended = match c.opt(&k("users", i, "suspended")) {
                    None => None,
                    Some("1") => Some(true),
                    Some("0") => Some(false),
                    Some(_) => return None,
                };
                let password = c
                    .opt(&k("users", i, "password"))
                    .map(|s| SecretString::from(s.to_owned()));
                let firstname = c.opt(&k("users", i, "firstname")).map(str::to_owned);
                let lastname = c.opt(&k("users", i, "lastname")).map(str::to_owned);
                let email = c.opt(&k("users", i, "email")).map(str::to_owned);
                let idnumber = c.opt(&k("users", i, "idnumber")).map(str::to_owned);
                users.push(UserUpdate {
                    id,
                    username,
                    auth,
                    suspended,
                    password,
                    firstname,
                    lastname,
                    email,
                    idnumber,
                });
                i += 1;
            }
            if users.is_empty() {
                return None;
            }
            Call::UpdateUsers(users)
        }
        "core_user_get_users" => {
            let mut crit = Vec::new();
            let mut i = 0;
            while c.has_item("criteria", i) {
                let key = match c.take(&k("criteria", i, "key"))? {
                    "id" => UserCriterion::Id,
                    "idnumber" => UserCriterion::Idnumber,
                    "username" => UserCriterion::Username,
                    "auth" => UserCriterion::Auth,
                    "email" => UserCriterion::Email,
                    "firstname" => UserCriterion::Firstname,
                    "lastname" => UserCriterion::Lastname,
                    _ => return None,
                };
                crit.push((key, c.take(&k("criteria", i, "value"))?.to_owned()));
                i += 1;
            }
            if crit.is_empty() {
                return None;
            }
            Call::SearchUsers(crit)
        }
        "core_course_get_courses_by_field" => {
            if c.done() {
                Call::ListCourses
            } else {
                let field = c.take("field")?;
                let value = c.take("value")?;
                match field {
                    "id" => Call::GetCourse(CourseLookup::Id(value.parse().ok()?)),
                    "shortname" => Call::GetCourse(CourseLookup::Shortname(value.to_owned())),
                    "idnumber" => Call::GetCourse(CourseLookup::Idnumber(value.to_owned())),
                    "ids" => {
                        Call::CoursesByIds(value.split(',').map(|s| s.parse().ok()).collect::<Option<Vec<i64>>>()?)
                    }
                    "category" => Call::CoursesInCategory(value.parse().ok()?),
                    _ => return None,
                }
            }
        }
        "core_course_get_categories" => {
            if c.done() {
                Call::Categories
            } else {
                let mut crit = Vec::new();
                let mut i = 0;
                while c.has_item("criteria", i) {
                    let key = match c.take(&k("criteria", i, "key"))? {
                        "id" => CategoryKey::Id,
                        "ids" => CategoryKey::Ids,
                        "name" => CategoryKey::Name,
                        "parent" => CategoryKey::Parent,
                        "idnumber" => CategoryKey::Idnumber,
                        "visible" => CategoryKey::Visible,
                        "theme" => CategoryKey::Theme,
                        _ => return None,
                    };
                    crit.push((key, c.take(&k("criteria", i, "value"))?.to_owned()));
                    i += 1;
                }
                let add = c.b01("addsubcategories")?;
                Call::FindCategories(crit, add)
            }
        }
        "enrol_manual_enrol_users" => {
            let mut items = Vec::new();
            let mut i = 0;
            while c.has_item("enrolments", i) {
                items.push(Enrolment {
                    roleid: c.int(&k("enrolments", i, "roleid"))?,
                    userid: c.int(&k("enrolments", i, "userid"))?,
                    courseid: c.int(&k("enrolments", i, "courseid"))?,
                    timestart: c.int(&k("enrolments", i, "timestart"))?,
                    timeend: c.int(&k("enrolments", i, "timeend"))?,
                    suspend: c.b01(&k("enrolments", i, "suspend"))?,
                });
                i += 1;
            }
            if items.is_empty() {
                return None;
            }
            Call::Enrol(items)
        }
        "enrol_manual_unenrol_users" => {
            let mut items = Vec::new();
            let mut i = 0;
            while c.has_item("enrolments", i) {
                items.push(Unenrolment {
                    userid: c.int(&k("enrolments", i, "userid"))?,
                    courseid: c.int(&k("enrolments", i, "courseid"))?,
                });
                i += 1;
            }
            if items.is_empty() {
                return None;
            }
            Call::Unenrol(items)
        }
        "core_enrol_get_enrolled_users" => {
            let courseid = c.int("courseid")?;
            let mut o = EnrolledUsersOptions::default();
            let mut i = 0;
            while c.has_item("options", i) {
                let name = c.take(&k("options", i, "name"))?;
                let value = c.take(&k("options", i, "value"))?;
                match name {
                    "onlyactive" if value == "1" => o.only_active = true,
                    "groupid" => o.groupid = Some(value.parse().ok()?),
                    "userfields" => o.userfields = Some(value.split(',').map(str::to_owned).collect()),
                    "limitfrom" => o.limitfrom = Some(value.parse().ok()?),
                    "limitnumber" => o.limitnumber = Some(value.parse().ok()?),
                    "sortby" => {
                        o.sortby = Some(match value {
                            "id" => SortBy::Id,
                            "firstname" => SortBy::Firstname,
                            "lastname" => SortBy::Lastname,
                            "siteorder" => SortBy::Siteorder,
                            _ => return None,
                        })
                    }
                    _ => return None,
                }
                i += 1;
            }
            Call::EnrolledUsers(courseid, o)
        }
        "core_enrol_get_users_courses" => {
            let userid = c.int("userid")?;
            if c.done() {
                Call::UsersCoursesWithCount(userid)
            } else if c.b01("returnusercount")? {
                return None;
            } else {
                Call::UsersCourses(userid)
            }
        }
        "core_completion_get_course_completion_status" => Call::CourseCompletion(c.int("courseid")?, c.int("userid")?),
        "core_completion_get_activities_completion_status" => {
            Call::ActivitiesCompletion(c.int("courseid")?, c.int("userid")?)
        }
        "core_badges_get_user_badges" => Call::Badges(if c.done() { None } else { Some(c.int("userid")?) }),
        "core_cohort_add_cohort_members" => {
            let mut members = Vec::new();
            let mut i = 0;
            while c.has_item("members", i) {
                let ct = c.take(&format!("members[{i}][cohorttype][type]"))?;
                let cv = c.take(&format!("members[{i}][cohorttype][value]"))?;
                let cohort = match ct {
                    "id" => CohortRef::Id(cv.parse().ok()?),
                    "idnumber" => CohortRef::Idnumber(cv.to_owned()),
                    _ => return None,
                };
                let ut = c.take(&format!("members[{i}][usertype][type]"))?;
                let uv = c.take(&format!("members[{i}][usertype][value]"))?;
                let user = match ut {
                    "id" => UserRef::Id(uv.parse().ok()?),
                    "username" => UserRef::Username(uv.to_owned()),
                    _ => return None,
                };
                members.push(CohortMember { cohort, user });
                i += 1;
            }
            if members.is_empty() {
                return None;
            }
            Call::Cohorts(members)
        }
        "core_message_send_instant_messages" => {
            let mut msgs = Vec::new();
            let mut i = 0;
            while c.has_item("messages", i) {
                msgs.push(InstantMessage {
                    touserid: c.int(&k("messages", i, "touserid"))?,
                    text: c.take(&k("messages", i, "text"))?.to_owned(),
                    textformat: match c.opt(&k("messages", i, "textformat")) {
                        None => None,
                        Some(v) => Some(v.parse().ok()?),
                    },
                    clientmsgid: c.opt(&k("messages", i, "clientmsgid")).map(str::to_owned),
                });
                i += 1;
            }
            if msgs.is_empty() {
                return None;
            }
            Call::Messages(msgs)
        }
        "core_files_upload" => {
            let target = if let Some(id) = c.opt("contextid") {
                UploadTarget::ContextId(id.parse().ok()?)
            } else {
                if c.take("contextlevel")? != "user" {
                    return None;
                }
                UploadTarget::User(c.int("instanceid")?)
            };
            if c.take("component")? != "user" || c.take("filearea")? != "draft" {
                return None;
            }
            let itemid = c.int("itemid")?;
            let filepath = c.take("filepath")?.to_owned();
            let filename = c.take("filename")?.to_owned();
            let content = base64::engine::general_purpose::STANDARD
                .decode(c.take("filecontent")?)
                .ok()?;
            Call::Upload(FileUpload {
                target,
                itemid,
                filepath,
                filename,
                content,
            })
        }
        _ => return None,
    };
    c.done().then_some(call)
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> i64) -> Value {
    Value::from(items.iter().map(id).collect::<Vec<_>>())
}

fn codes(w: &[Warning]) -> Value {
    Value::from(w.iter().map(|w| w.warningcode.clone()).collect::<Vec<_>>())
}

/// Run a typed call; summarise a success so it can be compared with the recorded answer.
async fn run(client: &MoodleClient, call: &Call) -> Result<Value, MoodleError> {
    let batch = |e: BatchError| e.failures.into_iter().next().map(|f| f.error).expect("a failure");
    Ok(match call {
        Call::SiteInfo => {
            let s = client.site_info().await?;
            json!([s.sitename, s.userid, s.functions])
        }
        Call::UsersByField(f, v) => ids(&client.get_users_by_field(*f, v).await?, |u| u.id),
        Call::CreateUsers(u) => {
            let c = client.create_users(u).await.map_err(batch)?;
            Value::from(c.iter().map(|c| json!([c.id, c.username])).collect::<Vec<_>>())
        }
        Call::UpdateUsers(u) => codes(&client.update_users(u).await.map_err(batch)?),
        Call::SearchUsers(c) => {
            let r = client.search_users(c).await?;
            json!([ids(&r.users, |u| u.id), codes(&r.warnings)])
        }
        Call::GetCourse(l) => client.get_course(l).await?.map_or(Value::Null, |c| c.id.into()),
        Call::CoursesByIds(i) => ids(&client.get_courses_by_ids(i).await?, |c| c.id),
        Call::CoursesInCategory(i) => ids(&client.courses_in_category(*i).await?, |c| c.id),
        Call::ListCourses => ids(&client.list_courses().await?, |c| c.id),
        Call::Categories => ids(&client.get_categories().await?, |c| c.id),
        Call::FindCategories(c, a) => ids(&client.find_categories(c, *a).await?, |c| c.id),
        Call::Enrol(e) => {
            client.enrol_users(e).await.map_err(batch)?;
            Value::Null
        }
        Call::Unenrol(e) => {
            client.unenrol_users(e).await.map_err(batch)?;
            Value::Null
        }
        Call::EnrolledUsers(c, o) => ids(&client.enrolled_users(*c, o).await?, |u| u.id),
        Call::UsersCourses(u) => ids(&client.users_courses(*u).await?, |c| c.id),
        Call::UsersCoursesWithCount(u) => ids(&client.users_courses_with_count(*u).await?, |c| c.id),
        Call::CourseCompletion(c, u) => {
            let s = client.course_completion_status(*c, *u).await?.completionstatus;
            json!([
                s.completed,
                s.aggregation,
                s.completions.iter().map(|c| c.kind).collect::<Vec<_>>()
            ])
        }
        Call::ActivitiesCompletion(c, u) => {
            ids(&client.activities_completion_status(*c, *u).await?.statuses, |s| s.cmid)
        }
        Call::Badges(u) => {
            let b = client.user_badges(*u).await?;
            Value::from(b.badges.iter().map(|b| b.name.clone()).collect::<Vec<_>>())
        }
        Call::Cohorts(m) => codes(&client.add_cohort_members(m).await.map_err(batch)?),
        Call::Messages(m) => ids(&client.send_instant_messages(m).await?, |m| m.msgid),
        Call::Upload(u) => {
            let f = client.upload_file(u).await?;
            json!([f.itemid, f.filename])
        }
    })
}

/// The same summary computed from the recorded answer.
fn expected_summary(call: &Call, r: &Value) -> Value {
    let arr_ids = |v: &Value| {
        Value::from(
            v.as_array()
                .map(|a| a.iter().map(|x| x["id"].clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        )
    };
    let arr_codes = |v: &Value| {
        Value::from(
            v.as_array()
                .map(|a| a.iter().map(|x| x["warningcode"].clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        )
    };
    match call {
        Call::SiteInfo => json!([
            r["sitename"],
            r["userid"],
            r["functions"]
                .as_array()
                .map(|a| a.iter().map(|f| f["name"].clone()).collect::<Vec<_>>())
        ]),
        Call::UsersByField(..) | Call::Categories | Call::FindCategories(..) | Call::EnrolledUsers(..) => arr_ids(r),
        Call::UsersCourses(_) | Call::UsersCoursesWithCount(_) => arr_ids(r),
        Call::CreateUsers(_) => Value::from(
            r.as_array()
                .map(|a| a.iter().map(|x| json!([x["id"], x["username"]])).collect::<Vec<_>>())
                .unwrap_or_default(),
        ),
        Call::UpdateUsers(_) | Call::Cohorts(_) => arr_codes(&r["warnings"]),
        Call::SearchUsers(_) => json!([arr_ids(&r["users"]), arr_codes(&r["warnings"])]),
        Call::GetCourse(_) => r["courses"].get(0).map_or(Value::Null, |c| c["id"].clone()),
        Call::CoursesByIds(_) | Call::CoursesInCategory(_) | Call::ListCourses => arr_ids(&r["courses"]),
        Call::Enrol(_) | Call::Unenrol(_) => Value::Null,
        Call::CourseCompletion(..) => {
            let s = &r["completionstatus"];
            json!([
                s["completed"],
                s["aggregation"],
                s["completions"]
                    .as_array()
                    .map(|a| a.iter().map(|c| c["type"].clone()).collect::<Vec<_>>())
            ])
        }
        Call::ActivitiesCompletion(..) => Value::from(
            r["statuses"]
                .as_array()
                .map(|a| a.iter().map(|x| x["cmid"].clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        ),
        Call::Badges(_) => Value::from(
            r["badges"]
                .as_array()
                .map(|a| a.iter().map(|x| x["name"].clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        ),
        Call::Messages(_) => Value::from(
            r.as_array()
                .map(|a| a.iter().map(|x| x["msgid"].clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        ),
        Call::Upload(_) => json!([r["itemid"], r["filename"]]),
    }
}

/// What the stub sends back for a recorded answer.
fn reply_for(example: &Value) -> Reply {
    let r = &example["response_json"];
    match r {
        Value::String(s) if s.is_empty() && example["note"].as_str().unwrap_or("").contains("403") => {
            Reply::raw(403, "text/html; charset=utf-8", "")
        }
        Value::String(s) if s.trim_start().starts_with('<') => Reply::raw(200, "application/xml; charset=utf-8", s),
        Value::String(s) => Reply::raw(200, "text/html", s),
        other => Reply::json(other.clone()),
    }
}

/// Assert the outcome matches the recorded answer.
fn check_error(i: usize, example: &Value, err: &MoodleError) {
    let r = &example["response_json"];
    match r {
        Value::Object(m) if m.contains_key("exception") => {
            let want = m.get("errorcode").and_then(Value::as_str);
            assert_eq!(err.errorcode(), want, "example {i}: errorcode");
            let ex = err
                .exception()
                .unwrap_or_else(|| panic!("example {i}: expected a Moodle exception, got {err:?}"));
            assert_eq!(
                Some(ex.message.as_str()),
                m.get("message").and_then(Value::as_str),
                "example {i}: message"
            );
            assert_eq!(
                err.is_retryable(),
                want == Some("sitemaintenance"),
                "example {i}: retryable"
            );
        }
        Value::String(s) if s.is_empty() => {
            assert!(matches!(err, MoodleError::WebServicesDisabled), "example {i}: {err:?}");
            assert!(!err.is_retryable() && err.fix_hint().is_some());
        }
        Value::String(_) => {
            assert!(matches!(err, MoodleError::NotJson { .. }), "example {i}: {err:?}");
            assert!(!err.is_retryable());
        }
        other => panic!("example {i}: unexpected error {err:?} for answer {other}"),
    }
}

/// The recorded examples at `path`, or a panic naming it: a missing copy fails the replay, never
/// skips it (see `tests/fixtures/README.md`).
fn read_fixture(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "contract examples not found at {}: {e}. The copy in the repository is required; \
             re-copy it from ../shared/fixtures beside the repository (see tests/fixtures/README.md)",
            path.display()
        )
    })
}

#[test]
#[should_panic(expected = "tests/fixtures/moodle/no-such-examples.json")]
fn a_missing_fixture_fails_with_its_path() {
    read_fixture(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/moodle/no-such-examples.json"));
}

fn is_error_answer(r: &Value) -> bool {
    match r {
        Value::Object(m) => m.contains_key("exception") || (m.contains_key("error") && m.contains_key("errorcode")),
        Value::String(_) => true,
        _ => false,
    }
}

#[tokio::test]
async fn replay_every_recorded_example() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/moodle/examples.json");
    let text = read_fixture(&path);
    let examples: Vec<Value> = serde_json::from_str(&text).expect("examples.json is JSON");

    let current = Arc::new(std::sync::Mutex::new(Reply::json(Value::Null)));
    let cur2 = current.clone();
    let stub = Stub::start(Arc::new(move |_, _| cur2.lock().unwrap().clone())).await;
    let mut cfg = common::config(&stub);
    cfg.retry = RetryPolicy::no_retry();
    let client = MoodleClient::new(cfg).expect("client");

    let (mut typed, mut raw, mut parse_only) = (0, 0, 0);
    let mut raw_examples = Vec::new();
    for (i, ex) in examples.iter().enumerate() {
        let function = ex["wsfunction"].as_str().unwrap_or("");
        let form = ex["request_form"].as_str().unwrap_or("");
        let response = &ex["response_json"];

        if function == "webservice/upload.php" {
            // Not the REST server (multipart, `token=`); check the answer classification only.
            let body = response.to_string();
            match mm_moodle::parse_response(function, 200, "application/json", None, body.as_bytes()) {
                Ok(v) => assert_eq!(&v, response, "example {i}"),
                Err(e) => assert_eq!(e.errorcode(), response["errorcode"].as_str(), "example {i}"),
            }
            parse_only += 1;
            continue;
        }

        *current.lock().unwrap() = reply_for(ex);
        let before = stub.count();

        // Split the recorded form into the envelope and the function parameters.
        let is_get = form.starts_with("GET ");
        let pairs = common::pairs(form.trim_start_matches("GET ").trim_start_matches('?'));
        let standard_prefix = pairs.len() >= 3
            && pairs[0].0 == "wstoken"
            && pairs[1] == ("moodlewsrestformat".to_owned(), "json".to_owned())
            && pairs[2].0 == "wsfunction";
        let params: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "wstoken" | "moodlewsrestformat" | "wsfunction"))
            .cloned()
            .collect();
        let call = if standard_prefix && !is_get && pairs[2].1 == function {
            decode(function, &pairs[3..])
        } else {
            None
        };

        match call {
            Some(call) => {
                let outcome = run(&client, &call).await;
                assert_eq!(stub.count() - before, 1, "example {i}: one request");
                // The body must be the recorded one, byte for byte, modulo the token value.
                let token_enc: String = url::form_urlencoded::byte_serialize(pairs[0].1.as_bytes()).collect();
                let expected = form.replacen(&format!("wstoken={token_enc}"), &format!("wstoken={TOKEN}"), 1);
                assert_eq!(
                    stub.last_body().as_deref(),
                    Some(expected.as_str()),
                    "example {i} ({function}): request body"
                );
                match outcome {
                    Ok(summary) => {
                        assert!(
                            !is_error_answer(response),
                            "example {i}: expected an error, got {summary}"
                        );
                        assert_eq!(
                            summary,
                            expected_summary(&call, response),
                            "example {i} ({function}): parsed value"
                        );
                    }
                    Err(e) => check_error(i, ex, &e),
                }
                typed += 1;
            }
            None => {
                let outcome = client
                    .call_raw(
                        if function == "(none)" { "" } else { function },
                        &Form::from_pairs(params),
                    )
                    .await;
                assert_eq!(stub.count() - before, 1, "example {i}: one request");
                let body = stub.last_body().unwrap_or_default();
                assert!(
                    body.starts_with(&format!("wstoken={TOKEN}&moodlewsrestformat=json&wsfunction=")),
                    "example {i}: envelope"
                );
                match outcome {
                    Ok(v) => {
                        assert!(!is_error_answer(response), "example {i}: expected an error, got {v}");
                        assert_eq!(&v, response, "example {i}");
                    }
                    Err(e) => check_error(i, ex, &e),
                }
                raw += 1;
                raw_examples.push(i);
            }
        }
    }
    let total = typed + raw + parse_only;
    eprintln!(
        "replayed {total}/{} Moodle examples: {typed} through the typed API, {raw} raw (not producible by the typed API), {parse_only} parse-only (webservice/upload.php)",
        examples.len()
    );
    eprintln!("raw examples: {raw_examples:?}");
    assert_eq!(total, examples.len(), "every example must be handled");
    assert!(
        typed >= 100,
        "most examples should go through the typed API, got {typed}"
    );
}
