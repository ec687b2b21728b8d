//! gradereport_overview_get_course_grades (`grade/report/overview/classes/external.php`).

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::State;

/// The student role: `$CFG->gradebookroles` by default.
const GRADEBOOK_ROLE: i64 = 5;

/// Params: `userid` (default 0 = the caller).
pub fn params() -> Desc {
    d::single(vec![("userid", d::def(Ty::Int, V::Int(0)))])
}

/// `grade_format_gradevalue` with the default display (real, 2 decimals); `-` when ungraded.
fn formatted(grade: Option<f64>) -> String {
    grade.map_or_else(|| "-".to_owned(), |g| format!("{g:.2}"))
}

/// gradereport_overview_get_course_grades — the final grade of every course the user is
/// enrolled in with a gradebook role. For another user: `enrol_get_users_courses($userid,
/// false)`, so suspended and ended enrolments are listed too; needs `moodle/grade:viewall`.
pub fn course_grades(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let asked = p.get_int("userid").unwrap_or(0);
    let userid = if asked == 0 { caller.user.id } else { asked };
    if userid != caller.user.id {
        if state.user(userid).is_none() {
            return Err(WsError::invalid_user(userid));
        }
        caller.require("moodle/grade:viewall", "View all grades")?;
    }
    let grades: Vec<J> = state
        .enrolments
        .range((userid, i64::MIN)..=(userid, i64::MAX))
        .map(|(_, e)| e)
        .filter(|e| e.roleids.contains(&GRADEBOOK_ROLE))
        .filter(|e| {
            state
                .courses
                .get(&e.courseid)
                .is_some_and(|c| c.visible || caller.can("moodle/course:viewhiddencourses"))
        })
        .map(|e| {
            let grade = state.grades.get(&(userid, e.courseid)).copied();
            // `finalgrade` as the database holds it: numeric(10,5).
            let raw = grade.map_or(J::Null, |g| J::Str(format!("{g:.5}")));
            J::obj()
                .with("courseid", e.courseid)
                .with("grade", formatted(grade))
                .with("rawgrade", raw)
        })
        .collect();
    Ok(J::obj().with("grades", grades).with("warnings", J::Arr(vec![])))
}
