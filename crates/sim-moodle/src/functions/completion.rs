//! core_completion_get_course_completion_status, core_completion_get_activities_completion_status.

use super::Caller;
use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{Course, State};

/// Params of both functions.
pub fn params() -> Desc {
    d::single(vec![("courseid", d::req(Ty::Int)), ("userid", d::req(Ty::Int))])
}

fn course_and_user(state: &State, caller: &Caller, p: &V) -> Result<(Course, i64), WsError> {
    let courseid = p.get_int("courseid").unwrap_or(0);
    let userid = p.get_int("userid").unwrap_or(0);
    let course = state
        .courses
        .get(&courseid)
        .cloned()
        .ok_or_else(|| WsError::course_not_found(courseid))?;
    if state.user(userid).is_none() {
        return Err(WsError::invalid_user(userid));
    }
    if !state.can_enter_course(&caller.user, courseid) {
        return Err(WsError::require_login("Not enrolled"));
    }
    Ok((course, userid))
}

/// core_completion_get_course_completion_status
pub fn course_status(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let (course, userid) = course_and_user(state, caller, p)?;
    let own = userid == caller.user.id;
    if !course.enablecompletion || (!own && !caller.can("report/completion:view")) {
        return Err(WsError::moodle("cannotviewreport", "You cannot view this report"));
    }
    if !state.enrolments.contains_key(&(userid, course.id)) {
        return Err(if own {
            WsError::moodle("notenroled", "You are not enrolled in this course")
        } else {
            WsError::moodle("usernotenroled", "User is not enrolled in this course")
        });
    }
    let has_criteria = course.selfcompletion || !course.activities.is_empty();
    if !has_criteria {
        return Err(WsError::moodle(
            "nocriteriaset",
            "No completion criteria set for this course",
        ));
    }
    let done = state.completions.get(&(userid, course.id)).map(|c| c.timecompleted);
    let mut completions = Vec::new();
    if course.selfcompletion {
        completions.push(
            J::obj()
                .with("type", 1)
                .with("title", "Self completion")
                .with("status", if done.is_some() { "Yes" } else { "No" })
                .with("complete", done.is_some())
                .with("timecompleted", done)
                .with(
                    "details",
                    J::obj()
                        .with("type", "Self completion")
                        .with("criteria", "Self completion")
                        .with("requirement", "Marking yourself complete")
                        .with("status", ""),
                ),
        );
    }
    for a in &course.activities {
        let st = state.activity_completion.get(&(userid, a.cmid)).copied();
        let complete = st.is_some_and(|(s, _)| s == 1 || s == 2);
        completions.push(
            J::obj()
                .with("type", 4)
                .with("title", "Activity completion")
                .with("status", if complete { "Yes" } else { "No" })
                .with("complete", complete)
                .with("timecompleted", if complete { st.map(|(_, t)| t) } else { None })
                .with(
                    "details",
                    J::obj()
                        .with("type", "Activity completion")
                        .with(
                            "criteria",
                            if a.name.is_empty() {
                                format!("{} {}", a.modname, a.instance)
                            } else {
                                a.name.clone()
                            },
                        )
                        .with("requirement", "Marking yourself complete")
                        .with("status", ""),
                ),
        );
    }
    Ok(J::obj()
        .with(
            "completionstatus",
            J::obj()
                .with("completed", done.is_some())
                .with("aggregation", 1)
                .with("completions", completions),
        )
        .with("warnings", J::Arr(vec![])))
}

/// core_completion_get_activities_completion_status
pub fn activities_status(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let (course, userid) = course_and_user(state, caller, p)?;
    if userid != caller.user.id {
        caller.require("report/progress:view", "View activity completion reports")?;
    }
    let statuses: Vec<J> = if course.enablecompletion {
        course
            .activities
            .iter()
            .map(|a| {
                let (st, t) = state
                    .activity_completion
                    .get(&(userid, a.cmid))
                    .copied()
                    .unwrap_or((0, 0));
                J::obj()
                    .with("cmid", a.cmid)
                    .with("modname", a.modname.as_str())
                    .with("instance", a.instance)
                    .with("state", st)
                    .with("timecompleted", t)
                    .with("tracking", a.tracking)
                    .with("overrideby", J::Null)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(J::obj().with("statuses", statuses).with("warnings", J::Arr(vec![])))
}
