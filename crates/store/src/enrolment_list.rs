//! The web admin's enrolment list, a page at a time: desired entitlements next to what Moodle
//! holds and their job, filtered and sorted by the database. Sort columns and directions are
//! ours (an enum each), never SQL from a request; every value is bound.

use crate::dashboard::Sql;
use crate::dialect::{opt_text, text};
use crate::{Store, StoreError};
use mm_core::Timestamp;
use mm_core::entitlement::Cause;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The desired status an entitlement has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesiredStatus {
    Active,
    Revoked,
}

impl DesiredStatus {
    fn as_str(self) -> &'static str {
        match self {
            DesiredStatus::Active => "active",
            DesiredStatus::Revoked => "revoked",
        }
    }
}

/// Where an entitlement's job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Queued or running, not failed.
    Pending,
    /// Failed: waiting for another attempt, or parked.
    Failing,
    /// Parked for an admin.
    Dead,
    /// No job waiting: never queued, or done.
    Settled,
}

impl JobState {
    /// The condition on the job row `j` (absent when never queued).
    fn condition(self) -> &'static str {
        match self {
            JobState::Pending => "j.status IN ('queued', 'running') AND j.last_error IS NULL",
            JobState::Failing => {
                "(j.status = 'dead' OR (j.status IN ('queued', 'running') AND j.last_error IS NOT NULL))"
            }
            JobState::Dead => "j.status = 'dead'",
            JobState::Settled => "(j.status IS NULL OR j.status = 'done')",
        }
    }
}

/// Which entitlements a list or an export holds. Empty texts are no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnrolmentFilter {
    pub status: Option<DesiredStatus>,
    pub site: Option<String>,
    /// The course reference as stored (`PY101`, `id:42`).
    pub course: Option<String>,
    /// A part of the learner's email or name, any case.
    pub learner: Option<String>,
    pub job: Option<JobState>,
    /// Desired state last changed in `updated_from..updated_to`.
    pub updated_from: Option<Timestamp>,
    pub updated_to: Option<Timestamp>,
}

/// The columns a list sorts by (the key breaks ties).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EnrolmentSort {
    #[default]
    Learner,
    Course,
    Status,
    Updated,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// One page of a filtered, sorted list: `offset` rows skipped, at most `limit` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentWindow {
    pub sort: EnrolmentSort,
    pub direction: SortDirection,
    pub offset: i64,
    pub limit: i64,
}

/// An entitlement as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentListRow {
    pub site: String,
    pub course: String,
    pub learner: String,
    pub learner_name: String,
    /// `active` or `revoked`.
    pub desired: String,
    /// The invoice lines behind it and how each stands.
    pub causes: Vec<Cause>,
    pub updated_at: Timestamp,
    /// What Moodle holds, as last applied or read back; `None` = not enrolled.
    pub applied: Option<AppliedState>,
    pub job: Option<JobRow>,
}

/// An enrolment as Moodle holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedState {
    /// `active` or `suspended`.
    pub status: String,
    pub timestart: i64,
    pub timeend: i64,
}

/// An entitlement's job: its status and last error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub status: String,
    pub error: Option<String>,
    /// The error's code and parameters (JSON), when it was stored with them.
    pub code: Option<String>,
    pub params: Option<String>,
}

/// Where an export's chunk ends: the next one starts after this key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListKey {
    pub site: String,
    pub course: String,
    pub learner: String,
}

const ROW_COLUMNS: &str = "e.site, e.course, e.learner, e.learner_name, e.status, e.body, e.updated_at,
    a.status AS applied_status, a.timestart AS applied_timestart, a.timeend AS applied_timeend,
    j.status AS job_status, j.last_error AS job_error, j.error_code AS job_error_code,
    j.error_params AS job_error_params";

const ROW_JOINS: &str = "JOIN entitlements e ON e.site = k.site AND e.course = k.course AND e.learner = k.learner
    LEFT JOIN applied_enrolments a ON a.site = e.site AND a.course = e.course AND a.learner = e.learner
    LEFT JOIN jobs j ON j.site = e.site AND j.course = e.course AND j.learner = e.learner";

impl Store {
    /// How many entitlements the filter holds.
    pub async fn enrolment_count(&self, filter: &EnrolmentFilter) -> Result<i64, StoreError> {
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM entitlements e");
        filtered(&mut sql, filter);
        sql.fetch_count(self).await
    }

    /// One page of the filtered list. The page's keys are chosen from `entitlements` (and
    /// `jobs` when filtered by job) alone, then joined: a deep page skips index entries, not
    /// joined rows.
    pub async fn enrolment_list(
        &self,
        filter: &EnrolmentFilter,
        window: &EnrolmentWindow,
    ) -> Result<Vec<EnrolmentListRow>, StoreError> {
        let order = order_by(window.sort, window.direction);
        let mut sql = Sql::new(&format!(
            "SELECT {ROW_COLUMNS} FROM (SELECT e.site, e.course, e.learner FROM entitlements e"
        ));
        filtered(&mut sql, filter);
        sql.push(&format!(" ORDER BY {order} LIMIT "))
            .int(window.limit)
            .push(" OFFSET ")
            .int(window.offset);
        sql.push(&format!(") k {ROW_JOINS} ORDER BY {order}"));
        sql.fetch_all(self).await?.iter().map(list_row).collect()
    }

    /// The filtered entitlements after `after` in key order, at most `limit`: an export reads
    /// the whole list chunk by chunk (keyset, so the last chunk costs what the first does).
    pub async fn enrolment_chunk(
        &self,
        filter: &EnrolmentFilter,
        after: Option<&ListKey>,
        limit: i64,
    ) -> Result<Vec<EnrolmentListRow>, StoreError> {
        let order = "e.site, e.course, e.learner";
        let mut sql = Sql::new(&format!(
            "SELECT {ROW_COLUMNS} FROM (SELECT e.site, e.course, e.learner FROM entitlements e"
        ));
        filtered(&mut sql, filter);
        if let Some(k) = after {
            sql.push(" AND (e.site, e.course, e.learner) > (")
                .str(&k.site)
                .push(", ")
                .str(&k.course)
                .push(", ")
                .str(&k.learner)
                .push(")");
        }
        sql.push(&format!(" ORDER BY {order} LIMIT ")).int(limit);
        sql.push(&format!(") k {ROW_JOINS} ORDER BY {order}"));
        sql.fetch_all(self).await?.iter().map(list_row).collect()
    }
}

/// ` [LEFT JOIN jobs j …] WHERE …`: the filter's conditions on `entitlements e`.
fn filtered(sql: &mut Sql, f: &EnrolmentFilter) {
    if f.job.is_some() {
        sql.push(" LEFT JOIN jobs j ON j.site = e.site AND j.course = e.course AND j.learner = e.learner");
    }
    sql.push(" WHERE 1 = 1");
    if let Some(status) = f.status {
        sql.push(" AND e.status = ").str(status.as_str());
    }
    if let Some(site) = f.site.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND e.site = ").str(site);
    }
    if let Some(course) = f.course.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND e.course = ").str(course);
    }
    if let Some(needle) = f.learner.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = like_pattern(needle);
        sql.push(" AND (LOWER(e.learner) LIKE ").str(&pattern);
        sql.push(" ESCAPE '!' OR LOWER(e.learner_name) LIKE ")
            .str(&pattern)
            .push(" ESCAPE '!')");
    }
    if let Some(job) = f.job {
        sql.push(" AND ").push(job.condition());
    }
    if let Some(from) = f.updated_from {
        sql.push(" AND e.updated_at >= ").int(from.0);
    }
    if let Some(to) = f.updated_to {
        sql.push(" AND e.updated_at < ").int(to.0);
    }
}

/// `%needle%`, lower-case, with LIKE's wildcards in the needle escaped (by `!`: a backslash
/// means something else in each backend's string literals).
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The ORDER BY of a sort: whitelisted columns, the key last so that pages never overlap.
fn order_by(sort: EnrolmentSort, direction: SortDirection) -> String {
    let columns: &[&str] = match sort {
        EnrolmentSort::Learner => &["e.learner", "e.site", "e.course"],
        EnrolmentSort::Course => &["e.course", "e.site", "e.learner"],
        EnrolmentSort::Status => &["e.status", "e.site", "e.course", "e.learner"],
        EnrolmentSort::Updated => &["e.updated_at", "e.site", "e.course", "e.learner"],
    };
    let dir = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    columns
        .iter()
        .map(|c| format!("{c} {dir}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_row(r: &AnyRow) -> Result<EnrolmentListRow, StoreError> {
    let entitlement: mm_core::Entitlement = serde_json::from_str(&text(r, "body")?)?;
    let applied = match r.try_get::<Option<String>, _>("applied_status")? {
        Some(status) => Some(AppliedState {
            status,
            timestart: r.try_get::<Option<i64>, _>("applied_timestart")?.unwrap_or(0),
            timeend: r.try_get::<Option<i64>, _>("applied_timeend")?.unwrap_or(0),
        }),
        None => None,
    };
    let job = match r.try_get::<Option<String>, _>("job_status")? {
        Some(status) => Some(JobRow {
            status,
            error: opt_text(r, "job_error")?,
            code: opt_text(r, "job_error_code")?,
            params: opt_text(r, "job_error_params")?,
        }),
        None => None,
    };
    Ok(EnrolmentListRow {
        site: r.try_get("site")?,
        course: r.try_get("course")?,
        learner: r.try_get("learner")?,
        learner_name: r.try_get("learner_name")?,
        desired: r.try_get("status")?,
        causes: entitlement.causes,
        updated_at: Timestamp(r.try_get("updated_at")?),
        applied,
        job,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_a_search_are_literal() {
        assert_eq!(like_pattern("Ana_50%!"), "%ana!_50!%!!%");
    }

    #[test]
    fn every_sort_ends_with_the_key() {
        assert_eq!(
            order_by(EnrolmentSort::Updated, SortDirection::Desc),
            "e.updated_at DESC, e.site DESC, e.course DESC, e.learner DESC"
        );
    }
}
