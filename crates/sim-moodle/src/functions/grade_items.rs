//! gradereport_user_get_grade_items (`grade/report/user/classes/external/user.php` and
//! `grade/report/user/classes/report/user.php::fill_table_recursive`).
//!
//! The simulated gradebook of a course holds one grade item, the course total (`itemtype`
//! `"course"`), so each user's `gradeitems` is that one item, filled as the user report does
//! with the default report settings (grade, range, percentage, feedback, weight shown; rank,
//! letter, average not).

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{Course, State, User, now};

/// The student role: `$CFG->gradebookroles` by default.
const GRADEBOOK_ROLE: i64 = 5;
/// `grade_items.grademax` of a course total by default.
const GRADEMAX: f64 = 100.0;
/// `FORMAT_PLAIN`, `grade_grade::$feedbackformat`'s default.
const FORMAT_PLAIN: i64 = 2;
/// `user_report::$maxdepth`: category (1), course item (2), plus the lead column.
const MAXDEPTH: i64 = 3;

/// Params: `courseid` (required), `userid` (default 0 = every graded user), `groupid` (0).
pub fn params() -> Desc {
    d::single(vec![
        ("courseid", d::req(Ty::Int)),
        ("userid", d::def(Ty::Int, V::Int(0))),
        ("groupid", d::def(Ty::Int, V::Int(0))),
    ])
}

/// gradereport_user_get_grade_items — the grade items of one user (`userid`) or of every
/// graded user of the course (`userid` 0: active enrolments with a gradebook role, by user
/// id, optionally members of `groupid` only).
pub fn grade_items(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let courseid = p.get_int("courseid").unwrap_or(0);
    let userid = p.get_int("userid").unwrap_or(0);
    let groupid = p.get_int("groupid").unwrap_or(0);
    let course = state
        .courses
        .get(&courseid)
        .ok_or_else(|| WsError::course_not_found(courseid))?;
    if !state.can_enter_course(&caller.user, courseid) {
        return Err(WsError::require_login("Not enrolled"));
    }
    caller.require("gradereport/user:view", "View user report")?;
    let users: Vec<&User> = if userid == 0 {
        caller.require("moodle/grade:viewall", "View grades of other users")?;
        graded_users(state, courseid, groupid)
    } else {
        let user = match state.users.get(&userid) {
            None => return Err(WsError::invalid_user(userid)),
            Some(u) if u.deleted => {
                return Err(WsError::moodle("userdeleted", "This user account has been deleted"));
            }
            Some(u) => u,
        };
        // Own grades also need `moodle/grade:view` and the course's `showgrades` (always on here).
        let own = userid == caller.user.id && caller.can("moodle/grade:view");
        if !own && !caller.can("moodle/grade:viewall") {
            return Err(WsError::moodle("nopermissiontoviewgrades", "Cannot view grades."));
        }
        vec![user]
    };
    let usergrades: Vec<J> = users
        .into_iter()
        .map(|u| user_grades(course, u, state.grades.get(&(u.id, courseid)).copied()))
        .collect();
    Ok(J::obj().with("usergrades", usergrades).with("warnings", J::Arr(vec![])))
}

/// `graded_users_iterator` with `require_active_enrolment(true)` (the default
/// `grade_report_showonlyactiveenrol`), ordered by user id.
fn graded_users(state: &State, courseid: i64, groupid: i64) -> Vec<&User> {
    let t = now();
    let group = state.groups.get(&groupid).filter(|g| g.courseid == courseid);
    state
        .course_enrolments(courseid)
        .filter(|e| e.roleids.contains(&GRADEBOOK_ROLE) && state.enrolment_active(e, t))
        .filter(|e| groupid == 0 || group.is_some_and(|g| g.members.contains_key(&e.userid)))
        .filter_map(|e| state.user(e.userid))
        .collect()
}

fn user_grades(course: &Course, user: &User, grade: Option<f64>) -> J {
    J::obj()
        .with("courseid", course.id)
        .with("courseidnumber", course.idnumber.as_str())
        .with("userid", user.id)
        .with("userfullname", user.fullname())
        .with("useridnumber", user.idnumber.as_str())
        .with("maxdepth", MAXDEPTH)
        .with("gradeitems", J::Arr(vec![course_total(course, grade)]))
}

/// The course total as `fill_table_recursive` fills `gradeitemsdata`, keys in the order of
/// `get_grade_items_returns`. Ids: the simulator numbers a course's total and its top grade
/// category after the course.
fn course_total(course: &Course, grade: Option<f64>) -> J {
    let shown = |g: f64| format!("{g:.2}");
    J::obj()
        .with("id", course.id)
        .with("itemname", J::Null)
        .with("itemtype", "course")
        .with("itemmodule", J::Null)
        .with("iteminstance", course.id)
        .with("itemnumber", J::Null)
        .with("idnumber", J::Null)
        .with("categoryid", J::Null)
        .with("outcomeid", J::Null)
        .with("scaleid", J::Null)
        .with("locked", false)
        .with("graderaw", grade)
        .with("gradedatesubmitted", J::Null)
        .with("gradedategraded", J::Null)
        .with("gradehiddenbydate", false)
        .with("gradeneedsupdate", false)
        .with("gradeishidden", false)
        .with("gradeislocked", false)
        .with("gradeisoverridden", false)
        // grade_format_gradevalue: real, 2 decimals; `-` when ungraded.
        .with("gradeformatted", grade.map_or_else(|| "-".to_owned(), shown))
        .with("grademin", 0.0)
        .with("grademax", GRADEMAX)
        .with("rangeformatted", "0&ndash;100")
        .with(
            "percentageformatted",
            grade.map_or_else(|| "-".to_owned(), |g| format!("{} %", shown(g * 100.0 / GRADEMAX))),
        )
        .with("feedback", "")
        .with("feedbackformat", FORMAT_PLAIN)
}
