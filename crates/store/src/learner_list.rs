//! The web admin's learners: everyone who has (or had) an entitlement, one row per email,
//! searched, sorted and paged by the database; and what one learner's page reads besides the
//! rows of `story` (their Moodle accounts, their progress). Sort columns and directions are
//! ours (an enum each), never SQL from a request; every value is bound.

use crate::dashboard::Sql;
use crate::enrolment_list::like_pattern;
use crate::progress::row_progress;
use crate::{ProgressRow, SortDirection, Store, StoreError};
use mm_core::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Which learners a list or an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerFilter {
    /// A part of the learner's email or name, any case; empty: everyone.
    pub search: Option<String>,
}

/// The columns the learner list sorts by (the email breaks ties).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LearnerSort {
    #[default]
    Email,
    Name,
    Courses,
    Updated,
}

/// One page of the learner list: `offset` rows skipped, at most `limit` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerWindow {
    pub sort: LearnerSort,
    pub direction: SortDirection,
    pub offset: i64,
    pub limit: i64,
}

/// A learner as the list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerListRow {
    pub email: String,
    /// As the latest invoice names them.
    pub name: String,
    /// Courses they have an entitlement to, active or not.
    pub courses: i64,
    /// Of those, the active ones.
    pub active: i64,
    /// When one of their entitlements last changed.
    pub updated_at: Timestamp,
}

/// A learner's Moodle account on one site, as the worker resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerAccount {
    pub site: String,
    pub user_id: i64,
}

/// One row per learner: the grouped columns of `entitlements e`.
const GROUPED: &str = "SELECT e.learner AS email, MAX(e.learner_name) AS name, COUNT(*) AS courses,
    COUNT(CASE WHEN e.status = 'active' THEN 1 END) AS active, MAX(e.updated_at) AS updated_at
    FROM entitlements e";

impl Store {
    /// How many learners the filter holds.
    pub async fn learner_count(&self, filter: &LearnerFilter) -> Result<i64, StoreError> {
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM (SELECT e.learner FROM entitlements e");
        searched(&mut sql, filter);
        sql.push(" GROUP BY e.learner) t");
        sql.fetch_count(self).await
    }

    /// One page of the filtered, sorted learner list.
    pub async fn learner_list(
        &self,
        filter: &LearnerFilter,
        window: &LearnerWindow,
    ) -> Result<Vec<LearnerListRow>, StoreError> {
        let mut sql = Sql::new(GROUPED);
        searched(&mut sql, filter);
        sql.push(" GROUP BY e.learner ORDER BY ")
            .push(&order_by(window.sort, window.direction))
            .push(" LIMIT ")
            .int(window.limit)
            .push(" OFFSET ")
            .int(window.offset);
        sql.fetch_all(self).await?.iter().map(list_row).collect()
    }

    /// The filtered learners after `after` by email, at most `limit`: an export reads the whole
    /// list chunk by chunk (keyset, so the last chunk costs what the first does).
    pub async fn learner_chunk(
        &self,
        filter: &LearnerFilter,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<LearnerListRow>, StoreError> {
        let mut sql = Sql::new(GROUPED);
        searched(&mut sql, filter);
        if let Some(email) = after {
            sql.push(" AND e.learner > ").str(email);
        }
        sql.push(" GROUP BY e.learner ORDER BY e.learner LIMIT ").int(limit);
        sql.fetch_all(self).await?.iter().map(list_row).collect()
    }

    /// A learner's Moodle account on each site where the worker matched or created one.
    pub async fn learner_accounts(&self, email: &str) -> Result<Vec<LearnerAccount>, StoreError> {
        let rows = self
            .query("SELECT site, user_id FROM moodle_users WHERE learner = $1 ORDER BY site")
            .bind(email.to_lowercase())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(LearnerAccount {
                    site: r.try_get("site")?,
                    user_id: r.try_get("user_id")?,
                })
            })
            .collect()
    }

    /// A learner's progress in each course it was read for, by site and course.
    pub async fn learner_progress(&self, email: &str) -> Result<Vec<ProgressRow>, StoreError> {
        let rows = self
            .query(
                "SELECT site, course, learner, last_access, last_checked_access, percent, completed_at, grade, synced_at
                 FROM progress WHERE learner = $1 ORDER BY site, course",
            )
            .bind(email.to_lowercase())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row_progress).collect()
    }
}

/// ` WHERE …`: the search on `entitlements e`.
fn searched(sql: &mut Sql, f: &LearnerFilter) {
    sql.push(" WHERE 1 = 1");
    if let Some(needle) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = like_pattern(needle);
        sql.push(" AND (LOWER(e.learner) LIKE ").str(&pattern);
        sql.push(" ESCAPE '!' OR LOWER(e.learner_name) LIKE ")
            .str(&pattern)
            .push(" ESCAPE '!')");
    }
}

/// The ORDER BY of a sort: whitelisted columns of [`GROUPED`], the email last so that pages
/// never overlap.
fn order_by(sort: LearnerSort, direction: SortDirection) -> String {
    let dir = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    match sort {
        LearnerSort::Email => format!("email {dir}"),
        LearnerSort::Name => format!("name {dir}, email"),
        LearnerSort::Courses => format!("courses {dir}, email"),
        LearnerSort::Updated => format!("updated_at {dir}, email"),
    }
}

fn list_row(r: &AnyRow) -> Result<LearnerListRow, StoreError> {
    Ok(LearnerListRow {
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        courses: r.try_get("courses")?,
        active: r.try_get("active")?,
        updated_at: Timestamp(r.try_get("updated_at")?),
    })
}
