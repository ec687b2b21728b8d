//! Course groups: `core_group_get_course_groups`, `core_group_create_groups`,
//! `core_group_add_group_members`, `core_group_get_group_members`,
//! `core_group_delete_group_members`.
//!
//! The contract (CONTRACT.md) does not cover groups; this follows Moodle's own source,
//! `group/externallib.php` (`core_group_external`), `group/lib.php` and `lib/db/services.php`.
//! What each detail rests on:
//!
//! * **Confirmed from source** (stored `group/externallib.php`, 2.x–3.x revisions; the check
//!   order and messages are unchanged in 4.x copies): the per-item order of every function;
//!   `Invalid group name`, `Group with the same name already exists in the course` and
//!   `Only enrolled users may be members of groups` as `invalid_parameter_exception` (their
//!   text is the *debuginfo*; the message is `Invalid parameter value detected`); the exact,
//!   untrimmed name comparison of the duplicate check (the stored name is trimmed afterwards
//!   by `groups_create_group`); `context_course::instance(…, IGNORE_MISSING)` then
//!   `validate_context` re-thrown as `errorcoursecontextnotvalid`; capability
//!   `moodle/course:managegroups` (services.php); `groups_get_group(…, MUST_EXIST)` and the
//!   user `get_record(… deleted=0, mnethostid …, MUST_EXIST)` (`invalidrecord`); `is_enrolled()`
//!   without `onlyactive` (a suspended enrolment counts); one delegated transaction per call for
//!   create / add / delete (all-or-nothing); `add_group_members` and `delete_group_members`
//!   return `null`; `groups_add_member` returns early for an existing member (idempotent);
//!   `groups_create_group` throws `moodle_exception('idnumbertaken')` for an idnumber already
//!   used in the course; `get_group_members` sorts by `lastname, firstname`.
//! * **Confirmed from 4.x tests and generated 4.x API descriptions** (not from the stored core
//!   file): the 4.2+ keys `idnumber` (optional), `visibility` (default 0), `participation`
//!   (default true), `customfields` (optional, `{shortname, value}`) on create and in every group
//!   returned; an invalid visibility is an `invalid_parameter_exception`.
//! * **Assumed**: the debuginfo text of a bad visibility (`Invalid group visibility option: <v>`);
//!   the English `idnumbertaken` text; `formatnotsupported` for a bad `descriptionformat`;
//!   participation forced off for the "own"/"none" visibilities; `customfields: []` on the
//!   groups read back (the simulator defines no group custom fields, so values sent on create
//!   are echoed and not stored); groups listed by name (`groups_get_all_groups` orders by
//!   `g.name`); a caller holding `moodle/course:managegroups` sees every group whatever its
//!   visibility.

use super::Caller;
use crate::errors::{WsError, class};
use crate::json::J;
use crate::params::{Desc, Ty, V, d};
use crate::state::{Group, State, group_visibility, now};

/// Capability of every group function (`lib/db/services.php`) and its human name.
const MANAGE: (&str, &str) = ("moodle/course:managegroups", "Manage groups");

/// `validate_context(context_course::instance($courseid, IGNORE_MISSING))`, re-thrown the way
/// `core_group_external` does: `moodle_exception('errorcoursecontextnotvalid', 'webservice')`.
fn course_context(state: &State, caller: &Caller, courseid: i64) -> Result<(), WsError> {
    let inner = if !state.courses.contains_key(&courseid) {
        // validate_context(false): invalid_parameter_exception('Context does not exist').
        "Invalid parameter value detected"
    } else if !state.can_enter_course(&caller.user, courseid) {
        "Course or activity not accessible."
    } else {
        return Ok(());
    };
    Err(WsError::moodle(
        "errorcoursecontextnotvalid",
        format!(
            "You cannot execute functions in the course context (course id:{courseid}). The context error message was: {inner}"
        ),
    ))
}

/// `groups_get_group($id, $fields, MUST_EXIST)`.
fn group_must_exist<'a>(state: &'a State, id: i64, fields: &str) -> Result<&'a Group, WsError> {
    state.groups.get(&id).ok_or_else(|| {
        WsError::invalid_record(
            "groups",
            &format!("SELECT {fields} FROM {{groups}} WHERE id = ?"),
            &id.to_string(),
        )
    })
}

/// `$DB->get_record('user', ['id' => …, 'deleted' => 0, 'mnethostid' => …], '*', MUST_EXIST)`.
fn user_must_exist(state: &State, id: i64) -> Result<(), WsError> {
    if state.user(id).is_some() {
        return Ok(());
    }
    Err(WsError::new(
        class::DML_MISSING,
        "invalidrecord",
        "Can't find data record in database table user.",
    )
    .debug(format!(
        "SELECT * FROM {{user}} WHERE id = ? AND deleted = ? AND mnethostid = ?\n[array (\n  0 => {id},\n  1 => 0,\n  2 => '1',\n)]"
    )))
}

/// `is_enrolled($context, $userid)`: any enrolment, active or not.
fn is_enrolled(state: &State, userid: i64, courseid: i64) -> bool {
    state.enrolments.contains_key(&(userid, courseid))
}

fn group_json(g: &Group) -> J {
    J::obj()
        .with("id", g.id)
        .with("courseid", g.courseid)
        .with("name", g.name.as_str())
        .with("description", g.description.as_str())
        .with("descriptionformat", g.descriptionformat)
        .with("enrolmentkey", g.enrolmentkey.as_str())
        .with("idnumber", g.idnumber.as_str())
        .with("visibility", g.visibility)
        .with("participation", g.participation)
}

/// Params of core_group_get_course_groups.
pub fn course_groups_params() -> Desc {
    d::single(vec![("courseid", d::req(Ty::Int))])
}

/// core_group_get_course_groups — every group of the course, by name.
pub fn get_course_groups(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    state.prune_group_members();
    let courseid = p.get_int("courseid").unwrap_or(0);
    course_context(state, caller, courseid)?;
    caller.require(MANAGE.0, MANAGE.1)?;
    let mut groups: Vec<&Group> = state.course_groups(courseid).collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(J::Arr(
        groups
            .into_iter()
            .map(|g| group_json(g).with("customfields", J::Arr(vec![])))
            .collect(),
    ))
}

/// Params of core_group_create_groups (4.2+ keys included, see the module notes).
pub fn create_params() -> Desc {
    d::single(vec![(
        "groups",
        d::list(d::single(vec![
            ("courseid", d::req(Ty::Int)),
            ("name", d::req(Ty::Text)),
            ("description", d::req(Ty::Raw)),
            ("descriptionformat", d::def(Ty::Int, V::Int(1))),
            ("enrolmentkey", d::opt(Ty::Raw)),
            ("idnumber", d::opt(Ty::Raw)),
            ("visibility", d::def(Ty::Int, V::Int(group_visibility::ALL))),
            ("participation", d::def(Ty::Bool, V::Bool(true))),
            (
                "customfields",
                d::list_opt(d::single(vec![
                    ("shortname", d::req(Ty::AlphaNumExt)),
                    ("value", d::req(Ty::Raw)),
                ])),
            ),
        ])),
    )])
}

/// core_group_create_groups — one transaction: any failing row creates nothing. Rows are
/// checked in order against the groups existing *and* those created by earlier rows of the
/// same call (Moodle inserts them inside the transaction).
pub fn create_groups(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    let mut created: Vec<(Group, Option<J>)> = Vec::new();
    let t = now();
    for item in p.get("groups").map(V::list).unwrap_or(&[]) {
        let courseid = item.get_int("courseid").unwrap_or(0);
        let name = item.get_str("name").unwrap_or("");
        if name.trim().is_empty() {
            return Err(WsError::invalid_parameter("Invalid group name"));
        }
        // Exact comparison with the name as sent (untrimmed), like the SQL `name = ?`.
        let same_name = state
            .course_groups(courseid)
            .chain(created.iter().map(|(g, _)| g).filter(|g| g.courseid == courseid))
            .any(|g| g.name == name);
        if same_name {
            return Err(WsError::invalid_parameter(
                "Group with the same name already exists in the course",
            ));
        }
        course_context(state, caller, courseid)?;
        caller.require(MANAGE.0, MANAGE.1)?;
        let descriptionformat = item.get_int("descriptionformat").unwrap_or(1);
        if ![0, 1, 2, 4].contains(&descriptionformat) {
            return Err(
                WsError::moodle("formatnotsupported", "Format not supported").debug(format!(
                    "The format with value={descriptionformat} is not supported by this Moodle site"
                )),
            );
        }
        let visibility = item.get_int("visibility").unwrap_or(group_visibility::ALL);
        if !(group_visibility::ALL..=group_visibility::NONE).contains(&visibility) {
            return Err(WsError::invalid_parameter(format!(
                "Invalid group visibility option: {visibility}"
            )));
        }
        let participation = item.get("participation").and_then(V::bool).unwrap_or(true)
            && (visibility == group_visibility::ALL || visibility == group_visibility::MEMBERS);
        // groups_create_group(): trims name and idnumber; an idnumber in use → idnumbertaken.
        let idnumber = item.get_str("idnumber").unwrap_or("").trim().to_owned();
        if !idnumber.is_empty()
            && state
                .course_groups(courseid)
                .chain(created.iter().map(|(g, _)| g).filter(|g| g.courseid == courseid))
                .any(|g| g.idnumber == idnumber)
        {
            return Err(WsError::moodle(
                "idnumbertaken",
                "ID number is already used for another course",
            ));
        }
        let customfields = item.get("customfields").map(|cf| {
            J::Arr(
                cf.list()
                    .iter()
                    .map(|f| {
                        J::obj()
                            .with("shortname", f.get_str("shortname").unwrap_or(""))
                            .with("value", f.get_str("value").unwrap_or(""))
                    })
                    .collect(),
            )
        });
        created.push((
            Group {
                id: 0,
                courseid,
                name: name.trim().to_owned(),
                idnumber,
                description: item.get_str("description").unwrap_or("").to_owned(),
                descriptionformat,
                enrolmentkey: item.get_str("enrolmentkey").unwrap_or("").to_owned(),
                visibility,
                participation,
                timecreated: t,
                timemodified: t,
                members: Default::default(),
            },
            customfields,
        ));
    }
    let mut out = Vec::with_capacity(created.len());
    for (g, customfields) in created {
        let id = state.insert_group(g);
        let Some(g) = state.groups.get(&id) else {
            continue;
        };
        let mut o = group_json(g);
        if let Some(cf) = customfields {
            o.push("customfields", cf);
        }
        out.push(o);
    }
    Ok(J::Arr(out))
}

/// Params of core_group_add_group_members and core_group_delete_group_members.
pub fn members_params() -> Desc {
    d::single(vec![(
        "members",
        d::list(d::single(vec![
            ("groupid", d::req(Ty::Int)),
            ("userid", d::req(Ty::Int)),
        ])),
    )])
}

/// The per-item checks shared by add and delete: group, user, context, capability.
fn member_checks(state: &State, caller: &Caller, groupid: i64, userid: i64) -> Result<i64, WsError> {
    let courseid = group_must_exist(state, groupid, "id, courseid")?.courseid;
    user_must_exist(state, userid)?;
    course_context(state, caller, courseid)?;
    caller.require(MANAGE.0, MANAGE.1)?;
    Ok(courseid)
}

fn member_pairs(p: &V) -> impl Iterator<Item = (i64, i64)> + '_ {
    p.get("members")
        .map(V::list)
        .unwrap_or(&[])
        .iter()
        .map(|m| (m.get_int("groupid").unwrap_or(0), m.get_int("userid").unwrap_or(0)))
}

/// core_group_add_group_members — all-or-nothing; an existing member is no error; returns `null`.
pub fn add_group_members(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    state.prune_group_members();
    let mut adds = Vec::new();
    for (groupid, userid) in member_pairs(p) {
        let courseid = member_checks(state, caller, groupid, userid)?;
        if !is_enrolled(state, userid, courseid) {
            return Err(WsError::invalid_parameter(
                "Only enrolled users may be members of groups",
            ));
        }
        adds.push((groupid, userid));
    }
    let t = now();
    for (groupid, userid) in adds {
        if let Some(g) = state.groups.get_mut(&groupid)
            && !g.members.contains_key(&userid)
        {
            g.members.insert(userid, t);
            g.timemodified = t;
        }
    }
    Ok(J::Null)
}

/// core_group_delete_group_members — all-or-nothing; a non-member is no error; returns `null`.
/// (`groups_remove_member_allowed` refuses memberships owned by a component, e.g. cohort
/// sync; the simulator has none.)
pub fn delete_group_members(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    state.prune_group_members();
    let mut removals = Vec::new();
    for (groupid, userid) in member_pairs(p) {
        member_checks(state, caller, groupid, userid)?;
        removals.push((groupid, userid));
    }
    let t = now();
    for (groupid, userid) in removals {
        if let Some(g) = state.groups.get_mut(&groupid)
            && g.members.remove(&userid).is_some()
        {
            g.timemodified = t;
        }
    }
    Ok(J::Null)
}

/// Params of core_group_get_group_members.
pub fn get_members_params() -> Desc {
    d::single(vec![("groupids", d::list(d::req(Ty::Int)))])
}

/// core_group_get_group_members — `[{groupid, userids}]` in request order, members by
/// last name then first name.
pub fn get_group_members(state: &mut State, caller: &Caller, p: &V) -> Result<J, WsError> {
    state.prune_group_members();
    let mut out = Vec::new();
    for groupid in p.get("groupids").map(V::list).unwrap_or(&[]).iter().filter_map(V::int) {
        let g = group_must_exist(state, groupid, "id, courseid, name, enrolmentkey")?;
        course_context(state, caller, g.courseid)?;
        caller.require(MANAGE.0, MANAGE.1)?;
        let mut members: Vec<(&str, &str, i64)> = g
            .members
            .keys()
            .filter_map(|uid| state.users.get(uid))
            .map(|u| (u.lastname.as_str(), u.firstname.as_str(), u.id))
            .collect();
        members.sort();
        out.push(J::obj().with("groupid", groupid).with(
            "userids",
            J::Arr(members.into_iter().map(|(_, _, id)| J::Int(id)).collect()),
        ));
    }
    Ok(J::Arr(out))
}
