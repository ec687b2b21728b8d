//! enrol_manual_enrol_users, enrol_manual_unenrol_users, core_enrol_get_enrolled_users,
//! core_enrol_get_users_courses.

use std::collections::BTreeSet;

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{EnrolStatus, Enrolment, ManualInstance, State, now, role_shortname};

/// Params of enrol_manual_enrol_users.
pub fn enrol_params() -> Desc {
    d::single(vec![(
        "enrolments",
        d::list(d::single(vec![
            ("roleid", d::req(Ty::Int)),
            ("userid", d::req(Ty::Int)),
            ("courseid", d::req(Ty::Int)),
            ("timestart", d::opt(Ty::Int)),
            ("timeend", d::opt(Ty::Int)),
            ("suspend", d::opt(Ty::Int)),
        ])),
    )])
}

/// Roles the caller may assign in a course context (`get_assignable_roles`): none without
/// `moodle/role:assign`. The simulator folds *Allow role assignments* into that capability:
/// a caller holding it may assign teacher, non-editing teacher and student.
pub fn assignable_roles(caller: &Caller) -> BTreeSet<i64> {
    let all = [1, 3, 4, 5];
    if !caller.can("moodle/role:assign") {
        return BTreeSet::new();
    }
    if caller.can("moodle/role:manage") {
        all.into_iter().collect()
    } else {
        [3, 4, 5].into_iter().collect()
    }
}

fn wsnoinstance(courseid: i64) -> WsError {
    WsError::moodle(
        "wsnoinstance",
        format!("Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {courseid})"),
    )
}

/// One enrolment operation, validated.
struct EnrolOp {
    userid: i64,
    courseid: i64,
    roleid: i64,
    timestart: i64,
    timeend: i64,
    status: EnrolStatus,
}

/// enrol_manual_enrol_users — steps 1–6 per item, whole batch all-or-nothing, returns `null`.
pub fn enrol_users(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let assignable = assignable_roles(caller);
    let mut ops = Vec::new();
    for item in p.get("enrolments").map(V::list).unwrap_or(&[]) {
        let courseid = item.get_int("courseid").unwrap_or(0);
        let userid = item.get_int("userid").unwrap_or(0);
        let roleid = item.get_int("roleid").unwrap_or(0);
        // 1. context + validate_context
        if !state.courses.contains_key(&courseid) {
            return Err(WsError::invalid_parameter("Context does not exist"));
        }
        if !state.can_enter_course(&caller.user, courseid) {
            return Err(WsError::require_login("Not enrolled"));
        }
        // 2. capability
        caller.require("enrol/manual:enrol", "Enrol users")?;
        // 3. assignable role
        if !assignable.contains(&roleid) {
            return Err(WsError::moodle(
                "wsusercannotassign",
                format!(
                    "You don't have the permission to assign this role ({roleid}) to this user ({userid}) in this course ({courseid})."
                ),
            ));
        }
        // 4. enabled manual instance
        let enabled = state
            .courses
            .get(&courseid)
            .is_some_and(|c| c.manual == ManualInstance::Enabled);
        if !enabled {
            return Err(wsnoinstance(courseid));
        }
        // 6. user must exist
        if state.user(userid).is_none() {
            return Err(WsError::invalid_user(userid));
        }
        ops.push(EnrolOp {
            userid,
            courseid,
            roleid,
            timestart: item.get_int("timestart").unwrap_or(0),
            timeend: item.get_int("timeend").unwrap_or(0),
            status: if item.get_int("suspend").unwrap_or(0) != 0 {
                EnrolStatus::Suspended
            } else {
                EnrolStatus::Active
            },
        });
    }
    let t = now();
    for op in ops {
        state.course_index.insert((op.courseid, op.userid));
        let e = state
            .enrolments
            .entry((op.userid, op.courseid))
            .or_insert_with(|| Enrolment {
                userid: op.userid,
                courseid: op.courseid,
                status: op.status,
                timestart: op.timestart,
                timeend: op.timeend,
                roleids: BTreeSet::new(),
                timecreated: t,
            });
        // enrol_user(): update only when something differs — and then to the new values,
        // so omitted timestart/timeend/suspend reset the enrolment.
        e.status = op.status;
        e.timestart = op.timestart;
        e.timeend = op.timeend;
        e.roleids.insert(op.roleid);
    }
    Ok(J::Null)
}

/// Params of enrol_manual_unenrol_users.
pub fn unenrol_params() -> Desc {
    d::single(vec![(
        "enrolments",
        d::list(d::single(vec![
            ("userid", d::req(Ty::Int)),
            ("courseid", d::req(Ty::Int)),
            ("roleid", d::opt(Ty::Int)),
        ])),
    )])
}

/// enrol_manual_unenrol_users — silent when not enrolled, all-or-nothing, returns `null`.
pub fn unenrol_users(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let mut ops = Vec::new();
    for item in p.get("enrolments").map(V::list).unwrap_or(&[]) {
        let courseid = item.get_int("courseid").unwrap_or(0);
        let userid = item.get_int("userid").unwrap_or(0);
        let Some(course) = state.courses.get(&courseid) else {
            return Err(WsError::invalid_record(
                "course",
                "SELECT id,category FROM {course} WHERE id = ?",
                &courseid.to_string(),
            ));
        };
        if !state.can_enter_course(&caller.user, courseid) {
            return Err(WsError::require_login("Not enrolled"));
        }
        caller.require("enrol/manual:unenrol", "Unenrol users from the course")?;
        if course.manual == ManualInstance::Absent {
            return Err(wsnoinstance(courseid));
        }
        if state.user(userid).is_none() {
            return Err(WsError::invalid_user(userid));
        }
        ops.push((userid, courseid));
    }
    for k in ops {
        state.enrolments.remove(&k);
        state.course_index.remove(&(k.1, k.0));
    }
    Ok(J::Null)
}

/// `user_get_default_fields()` (Moodle 4.5): the names `userfields` may use.
const USER_DEFAULT_FIELDS: &[&str] = &[
    "id",
    "username",
    "fullname",
    "firstname",
    "lastname",
    "email",
    "address",
    "phone1",
    "phone2",
    "department",
    "institution",
    "interests",
    "firstaccess",
    "lastaccess",
    "auth",
    "confirmed",
    "idnumber",
    "lang",
    "theme",
    "timezone",
    "mailformat",
    "description",
    "descriptionformat",
    "city",
    "country",
    "profileimageurlsmall",
    "profileimageurl",
    "customfields",
    "groups",
    "roles",
    "preferences",
    "enrolledcourses",
    "suspended",
    "lastcourseaccess",
];

/// Params of core_enrol_get_enrolled_users.
pub fn enrolled_params() -> Desc {
    d::single(vec![
        ("courseid", d::req(Ty::Int)),
        (
            "options",
            d::list_def(d::single(vec![
                ("name", d::req(Ty::AlphaNumExt)),
                ("value", d::req(Ty::Raw)),
            ])),
        ),
    ])
}

fn enrolled_courses(state: &State, userid: i64) -> Vec<J> {
    let t = now();
    state
        .enrolments
        .range((userid, i64::MIN)..=(userid, i64::MAX))
        .map(|(_, e)| e)
        .filter(|e| state.enrolment_active(e, t))
        .filter_map(|e| state.courses.get(&e.courseid))
        .map(|c| {
            J::obj()
                .with("id", c.id)
                .with("fullname", c.fullname.as_str())
                .with("shortname", c.shortname.as_str())
        })
        .collect()
}

/// core_enrol_get_enrolled_users — suspended/outside-window included unless `onlyactive`.
pub fn get_enrolled_users(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let courseid = p.get_int("courseid").unwrap_or(0);
    if !state.courses.contains_key(&courseid) {
        return Err(WsError::course_not_found(courseid));
    }
    if !state.can_enter_course(&caller.user, courseid) {
        return Err(WsError::moodle(
            "errorcoursecontextnotvalid",
            format!(
                "You cannot execute functions in the course context (course id:{courseid}). The context error message was: Course or activity not accessible."
            ),
        ));
    }
    let mut onlyactive = false;
    let mut sortby = "id".to_owned();
    let mut desc = false;
    let mut limitfrom = 0usize;
    let mut limitnumber = 0usize;
    let mut userfields: Option<BTreeSet<String>> = None;
    for o in p.get("options").map(V::list).unwrap_or(&[]) {
        let name = o.get_str("name").unwrap_or("");
        let value = o.get_str("value").unwrap_or("");
        match name {
            "onlyactive" => onlyactive = value.trim() == "1" || value.eq_ignore_ascii_case("true"),
            "sortby" => {
                if !["id", "firstname", "lastname", "siteorder"].contains(&value) {
                    return Err(WsError::invalid_parameter(format!(
                        "Invalid value for sortby parameter (value: {value}), allowed values are: id,firstname,lastname,siteorder"
                    )));
                }
                sortby = value.to_owned();
            }
            "sortdirection" => {
                let up = value.to_uppercase();
                if up != "ASC" && up != "DESC" {
                    return Err(WsError::invalid_parameter(format!(
                        "Invalid sort direction parameter (value: {value}),allowed values are: asc, desc"
                    )));
                }
                desc = up == "DESC";
            }
            "limitfrom" => limitfrom = value.trim().parse().unwrap_or(0),
            "limitnumber" => limitnumber = value.trim().parse().unwrap_or(0),
            // `clean_param(PARAM_ALPHANUMEXT)` of each comma-separated name.
            "userfields" => {
                userfields = Some(
                    value
                        .split(',')
                        .map(|f| {
                            f.chars()
                                .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                                .collect::<String>()
                        })
                        .collect(),
                );
            }
            _ => {}
        }
    }
    caller.require("moodle/course:viewparticipants", "View participants")?;
    if onlyactive {
        caller.require("moodle/course:enrolreview", "Review course enrolments")?;
    }
    let t = now();
    let mut list: Vec<&Enrolment> = state
        .course_enrolments(courseid)
        .filter(|e| !onlyactive || state.enrolment_active(e, t))
        .filter(|e| state.user(e.userid).is_some())
        .collect();
    list.sort_by(|a, b| {
        let (ua, ub) = (state.users.get(&a.userid), state.users.get(&b.userid));
        let ord = match (sortby.as_str(), ua, ub) {
            ("firstname", Some(x), Some(y)) => x.firstname.cmp(&y.firstname),
            ("lastname", Some(x), Some(y)) => x.lastname.cmp(&y.lastname),
            _ => a.userid.cmp(&b.userid),
        };
        if desc { ord.reverse() } else { ord }
    });
    let (small, big) = super::picture_urls(state);
    let iter = list.into_iter().skip(limitfrom);
    let take = if limitnumber == 0 { usize::MAX } else { limitnumber };
    let page: Vec<(&Enrolment, &crate::state::User)> = iter
        .take(take)
        .filter_map(|e| state.users.get(&e.userid).map(|u| (e, u)))
        .collect();
    // `user_get_user_details`: named fields must be default fields (checked per user, so an
    // empty course never fails); `id` and `fullname` are always returned. Each other field,
    // `enrolledcourses` above all (a query per user), only when asked for or nothing is named.
    if let (Some(fields), false) = (&userfields, page.is_empty())
        && let Some(bad) = fields.iter().find(|f| !USER_DEFAULT_FIELDS.contains(&f.as_str()))
    {
        return Err(WsError::moodle(
            "invaliduserfield",
            format!("Invalid user field: {bad}"),
        ));
    }
    let want = |f: &str| userfields.as_ref().is_none_or(|s| s.contains(f));
    let out: Vec<J> = page
        .into_iter()
        .map(|(e, u)| {
            let mut o = J::obj().with("id", u.id);
            if want("username") {
                o.push("username", u.username.as_str());
            }
            if want("firstname") {
                o.push("firstname", u.firstname.as_str());
            }
            if want("lastname") {
                o.push("lastname", u.lastname.as_str());
            }
            o.push("fullname", u.fullname());
            if want("email") {
                o.push("email", u.email.as_str());
            }
            if want("department") {
                o.push("department", u.department.as_str());
            }
            if want("idnumber") && !u.idnumber.is_empty() {
                o.push("idnumber", u.idnumber.as_str());
            }
            for f in ["firstaccess", "lastaccess"] {
                if want(f) {
                    o.push(f, 0);
                }
            }
            // `COALESCE(ul.timeaccess, 0) AS lastcourseaccess` (enrol/externallib.php).
            if want("lastcourseaccess") {
                o.push("lastcourseaccess", state.last_course_access(u.id, courseid));
            }
            if want("profileimageurlsmall") {
                o.push("profileimageurlsmall", small.as_str());
            }
            if want("profileimageurl") {
                o.push("profileimageurl", big.as_str());
            }
            if want("roles") {
                let roles: Vec<J> = e
                    .roleids
                    .iter()
                    .map(|r| {
                        J::obj()
                            .with("roleid", *r)
                            .with("name", "")
                            .with("shortname", role_shortname(*r).unwrap_or(""))
                            .with("sortorder", 0)
                    })
                    .collect();
                o.push("roles", roles);
            }
            if want("enrolledcourses") {
                let ec = enrolled_courses(state, u.id);
                if !ec.is_empty() {
                    o.push("enrolledcourses", ec);
                }
            }
            o
        })
        .collect();
    Ok(J::Arr(out))
}

/// Params of core_enrol_get_users_courses.
pub fn users_courses_params() -> Desc {
    d::single(vec![
        ("userid", d::req(Ty::Int)),
        ("returnusercount", d::def(Ty::Bool, V::Bool(true))),
    ])
}

/// core_enrol_get_users_courses — only active enrolments.
pub fn get_users_courses(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let userid = p.get_int("userid").unwrap_or(0);
    let count = p.get("returnusercount").and_then(V::bool).unwrap_or(true);
    let t = now();
    let mut courses: Vec<&crate::state::Course> = state
        .enrolments
        .range((userid, i64::MIN)..=(userid, i64::MAX))
        .map(|(_, e)| e)
        .filter(|e| state.enrolment_active(e, t))
        .filter_map(|e| state.courses.get(&e.courseid))
        .filter(|c| state.can_enter_course(&caller.user, c.id))
        .collect();
    if userid != caller.user.id && !caller.can("moodle/course:viewparticipants") {
        courses.clear();
    }
    courses.sort_by_key(|c| (!c.visible, super::courses::course_sortorder(state, c)));
    let out: Vec<J> = courses
        .iter()
        .map(|c| {
            let mut o = J::obj()
                .with("id", c.id)
                .with("shortname", c.shortname.as_str())
                .with("fullname", c.fullname.as_str())
                .with("displayname", c.fullname.as_str());
            if count {
                // get_enrolled_sql($context) with its default onlyactive=false: every
                // enrolled (non-deleted) user counts, suspended ones included — the
                // recorded MATH101 count (#168) includes a suspended enrolment.
                let n = state
                    .course_enrolments(c.id)
                    .filter(|e| state.user(e.userid).is_some())
                    .count();
                o.push("enrolledusercount", i64::try_from(n).unwrap_or(0));
            }
            let progress = if c.enablecompletion && !c.activities.is_empty() {
                let done = c
                    .activities
                    .iter()
                    .filter(|a| {
                        state
                            .activity_completion
                            .get(&(userid, a.cmid))
                            .is_some_and(|(s, _)| *s == 1 || *s == 2)
                    })
                    .count();
                #[allow(clippy::cast_precision_loss)]
                let pct = done as f64 * 100.0 / c.activities.len() as f64;
                J::Float(pct)
            } else {
                J::Null
            };
            let completed = if c.enablecompletion {
                J::Bool(state.completions.contains_key(&(userid, c.id)))
            } else {
                J::Null
            };
            o.push("idnumber", c.idnumber.as_str());
            o.push("visible", i64::from(c.visible));
            o.push("summary", c.summary.as_str());
            o.push("summaryformat", c.summaryformat);
            o.push("format", "topics");
            o.push("courseimage", super::courses::course_image(state, c.id));
            o.push("showgrades", true);
            o.push("lang", "");
            o.push("enablecompletion", c.enablecompletion);
            o.push("completionhascriteria", c.enablecompletion && c.selfcompletion);
            o.push("completionusertracked", c.enablecompletion);
            o.push("category", c.category);
            o.push("progress", progress);
            o.push("completed", completed);
            o.push("startdate", c.startdate);
            o.push("enddate", c.enddate);
            o.push("marker", 0);
            // `$user->lastcourseaccess[$course->id]`: null when the user never entered it.
            o.push(
                "lastaccess",
                state.course_access.get(&(userid, c.id)).map_or(J::Null, |t| J::Int(*t)),
            );
            o.push("isfavourite", false);
            o.push("hidden", false);
            o.push("overviewfiles", J::Arr(vec![]));
            o.push("showactivitydates", false);
            o.push(
                "showcompletionconditions",
                if c.enablecompletion { J::Bool(true) } else { J::Null },
            );
            o.push("timemodified", c.timecreated);
            o
        })
        .collect();
    Ok(J::Arr(out))
}
