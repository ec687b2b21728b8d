//! Manual enrolment (`enrol_manual_enrol_users`, `enrol_manual_unenrol_users`) and observation
//! of enrolments (`core_enrol_get_enrolled_users`, `core_enrol_get_users_courses`).

use std::ops::Range;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::batch::{self, BatchError, BatchFailure};
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// One enrolment to create or update.
///
/// All of `timestart`, `timeend` and `suspend` are always sent: Moodle treats an omitted value
/// as 0/active, so a repeated call without them would clear the dates and reactivate a
/// suspended enrolment (verified on Moodle 4.5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Enrolment {
    /// Role id (student is usually 5).
    pub roleid: i64,
    /// Moodle user id.
    pub userid: i64,
    /// Moodle course id.
    pub courseid: i64,
    /// Start (unix time, 0 = now/unbounded).
    pub timestart: i64,
    /// End (unix time, 0 = never).
    pub timeend: i64,
    /// Suspended enrolment.
    pub suspend: bool,
}

/// One enrolment to remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unenrolment {
    /// Moodle user id.
    pub userid: i64,
    /// Moodle course id.
    pub courseid: i64,
}

/// Sort key of `core_enrol_get_enrolled_users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// user id
    Id,
    /// first name
    Firstname,
    /// last name
    Lastname,
    /// site order
    Siteorder,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortDirection {
    /// ascending
    Asc,
    /// descending
    Desc,
}

/// Options of `core_enrol_get_enrolled_users`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnrolledUsersOptions {
    /// Only active enrolments within their time window. Without it, suspended and not-yet-
    /// started enrolments are listed too and cannot be told apart (needs
    /// `moodle/course:enrolreview`).
    pub only_active: bool,
    /// Restrict returned user fields (comma-joined), e.g. `id`, `email`, `username`.
    pub userfields: Option<Vec<String>>,
    /// Group filter.
    pub groupid: Option<i64>,
    /// Paging offset.
    pub limitfrom: Option<u32>,
    /// Page size.
    pub limitnumber: Option<u32>,
    /// Sort key.
    pub sortby: Option<SortBy>,
    /// Sort direction.
    pub sortdirection: Option<SortDirection>,
}

/// A role held in the course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    /// Role id.
    pub roleid: i64,
    /// Custom name (empty for standard roles).
    #[serde(default)]
    pub name: String,
    /// Short name, e.g. `student`.
    #[serde(default)]
    pub shortname: String,
}

/// A user enrolled in a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolledUser {
    /// Moodle user id.
    pub id: i64,
    /// Username.
    #[serde(default)]
    pub username: Option<String>,
    /// Full name.
    #[serde(default)]
    pub fullname: String,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Id number.
    #[serde(default)]
    pub idnumber: Option<String>,
    /// Roles in the course.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub roles: Vec<RoleRef>,
    /// Last access to this course (unix time).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub lastcourseaccess: Option<i64>,
}

/// A course a user is actively enrolled in (`core_enrol_get_users_courses`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserCourse {
    /// Course id.
    pub id: i64,
    /// Short name.
    pub shortname: String,
    /// Full name.
    pub fullname: String,
    /// Id number.
    #[serde(default)]
    pub idnumber: Option<String>,
    /// Visible.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub visible: Option<bool>,
    /// Category id.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub category: Option<i64>,
    /// Progress percentage (null when completion is off).
    #[serde(default)]
    pub progress: Option<f64>,
    /// Completed (null when completion is off).
    #[serde(default)]
    pub completed: Option<bool>,
    /// Start date.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub startdate: Option<i64>,
    /// End date.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub enddate: Option<i64>,
    /// Last access (null = never).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub lastaccess: Option<i64>,
    /// Enrolled users (only when asked for).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub enrolledusercount: Option<i64>,
}

pub(crate) fn enrol_form(items: &[Enrolment]) -> Form {
    let mut f = Form::new();
    for (i, e) in items.iter().enumerate() {
        f.item("enrolments", i)
            .int("roleid", e.roleid)
            .int("userid", e.userid)
            .int("courseid", e.courseid)
            .int("timestart", e.timestart)
            .int("timeend", e.timeend)
            .bool("suspend", e.suspend);
    }
    f
}

pub(crate) fn unenrol_form(items: &[Unenrolment]) -> Form {
    let mut f = Form::new();
    for (i, e) in items.iter().enumerate() {
        f.item("enrolments", i)
            .int("userid", e.userid)
            .int("courseid", e.courseid);
    }
    f
}

impl MoodleClient {
    /// Sends `len` items in requests of the site's batch size to a function answering `null`,
    /// idempotently (retried on transient errors); the error names the failed index ranges.
    pub(crate) async fn batched_unit(
        &self,
        function: &'static str,
        len: usize,
        form: impl Fn(Range<usize>) -> Form,
    ) -> Result<(), BatchError> {
        // Returns JSON `null`; accept anything that is not an error.
        let results = self
            .call_batched::<IgnoredAny>(function, Mode::Idempotent, len, form)
            .await;
        batch::collect(len, results).map(|_| ())
    }

    /// `enrol_manual_enrol_users`, batched; idempotent, so retried on transient errors. One bad
    /// row fails (and rolls back) its whole request: the error names the failed index ranges;
    /// see [`MoodleClient::enrol_users_isolating`].
    pub async fn enrol_users(&self, items: &[Enrolment]) -> Result<(), BatchError> {
        self.batched_unit("enrol_manual_enrol_users", items.len(), |r| enrol_form(&items[r]))
            .await
    }

    /// `enrol_manual_unenrol_users`, batched; idempotent (silent when not enrolled).
    pub async fn unenrol_users(&self, items: &[Unenrolment]) -> Result<(), BatchError> {
        self.batched_unit("enrol_manual_unenrol_users", items.len(), |r| unenrol_form(&items[r]))
            .await
    }

    /// Like [`MoodleClient::enrol_users`], but a request failing with a *permanent* error is
    /// bisected until the failing rows are isolated, so the good rows of a batch are enrolled
    /// and the error names single indices (cost: about `2·log2(batch)` extra requests per bad
    /// row).
    pub async fn enrol_users_isolating(&self, items: &[Enrolment]) -> Result<(), BatchError> {
        self.batched_unit_isolating("enrol_manual_enrol_users", items.len(), |r| enrol_form(&items[r]))
            .await
    }

    /// [`MoodleClient::batched_unit`], then every request that failed with a *permanent* error
    /// is bisected until its failing rows stand alone: the good rows take effect and the error
    /// names single indices (about `2·log2(batch)` extra requests per bad row).
    pub(crate) async fn batched_unit_isolating(
        &self,
        function: &'static str,
        len: usize,
        form: impl Fn(Range<usize>) -> Form,
    ) -> Result<(), BatchError> {
        let Err(first) = self.batched_unit(function, len, &form).await else {
            return Ok(());
        };
        let mut failures = Vec::new();
        let mut stack: Vec<(Range<usize>, MoodleError)> =
            first.failures.into_iter().rev().map(|f| (f.range, f.error)).collect();
        while let Some((range, error)) = stack.pop() {
            if range.len() <= 1 || error.is_retryable() {
                failures.push(BatchFailure { range, error });
                continue;
            }
            let mid = range.start + range.len() / 2;
            for half in [range.start..mid, mid..range.end].into_iter().rev() {
                let f = form(half.clone());
                if let Err(e) = self.call::<IgnoredAny>(function, &f, Mode::Idempotent).await {
                    stack.push((half, e));
                }
            }
        }
        failures.sort_by_key(|f| f.range.start);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(BatchError {
                total: len,
                failures,
                created: Vec::new(),
            })
        }
    }

    /// `core_enrol_get_enrolled_users`.
    pub async fn enrolled_users(
        &self,
        courseid: i64,
        options: &EnrolledUsersOptions,
    ) -> Result<Vec<EnrolledUser>, MoodleError> {
        let mut f = Form::new();
        f.int("courseid", courseid);
        let mut opts: Vec<(&str, String)> = Vec::new();
        if let Some(g) = options.groupid {
            opts.push(("groupid", g.to_string()));
        }
        if options.only_active {
            opts.push(("onlyactive", "1".to_owned()));
        }
        if let Some(fields) = &options.userfields {
            opts.push(("userfields", fields.join(",")));
        }
        if let Some(v) = options.limitfrom {
            opts.push(("limitfrom", v.to_string()));
        }
        if let Some(v) = options.limitnumber {
            opts.push(("limitnumber", v.to_string()));
        }
        if let Some(s) = options.sortby {
            let s = match s {
                SortBy::Id => "id",
                SortBy::Firstname => "firstname",
                SortBy::Lastname => "lastname",
                SortBy::Siteorder => "siteorder",
            };
            opts.push(("sortby", s.to_owned()));
        }
        if let Some(d) = options.sortdirection {
            opts.push((
                "sortdirection",
                if d == SortDirection::Asc { "ASC" } else { "DESC" }.to_owned(),
            ));
        }
        for (i, (name, value)) in opts.into_iter().enumerate() {
            f.item("options", i).text("name", name).text("value", value);
        }
        self.call("core_enrol_get_enrolled_users", &f, Mode::Idempotent).await
    }

    /// Courses the user is *actively* enrolled in (`core_enrol_get_users_courses`,
    /// `returnusercount=0`: counting users per course is expensive and unused here).
    pub async fn users_courses(&self, userid: i64) -> Result<Vec<UserCourse>, MoodleError> {
        let mut f = Form::new();
        f.int("userid", userid).bool("returnusercount", false);
        self.call("core_enrol_get_users_courses", &f, Mode::Idempotent).await
    }

    /// Same, with Moodle's default `returnusercount=1` (fills `enrolledusercount`).
    pub async fn users_courses_with_count(&self, userid: i64) -> Result<Vec<UserCourse>, MoodleError> {
        let mut f = Form::new();
        f.int("userid", userid);
        self.call("core_enrol_get_users_courses", &f, Mode::Idempotent).await
    }
}
