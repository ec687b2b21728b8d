//! Progress of active enrolments as read from Moodle: one row per key (`progress`) and a row
//! per change of percentage, completion or grade (`progress_history`), so a retake keeps both
//! completions. The engine decides what to read; this module only keeps it.

use crate::dialect::opt_text;
use crate::rows::{key_strings, row_key};
use crate::{Store, StoreError};
use mm_core::{CourseRef, EntitlementKey, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What we know of one key's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRow {
    pub key: EntitlementKey,
    /// The learner's last access to the course (Moodle's `lastcourseaccess`); `None` = never.
    pub last_access: Option<i64>,
    /// The last access seen when the learner was last read one by one.
    pub last_checked_access: Option<i64>,
    /// Activities complete, 0–100, where the course tracks them.
    pub percent: Option<f64>,
    /// Moodle's completion time; set = complete.
    pub completed_at: Option<i64>,
    /// The final grade as the learner's grade report shows it.
    pub grade: Option<String>,
    /// When this row was last written from Moodle.
    pub synced_at: Timestamp,
}

impl ProgressRow {
    /// Whether what a learner sees (percentage, completion, grade) differs.
    fn outcome_differs(&self, other: &ProgressRow) -> bool {
        self.percent != other.percent || self.completed_at != other.completed_at || self.grade != other.grade
    }

    fn has_outcome(&self) -> bool {
        self.percent.is_some() || self.completed_at.is_some() || self.grade.is_some()
    }
}

/// One change of a key's progress, as kept in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressChange {
    pub recorded_at: Timestamp,
    pub percent: Option<f64>,
    pub completed_at: Option<i64>,
    pub grade: Option<String>,
}

/// Completions in one calendar month (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCompletions {
    /// `2027-01`
    pub month: String,
    pub completions: u64,
}

/// Learners whose percentage falls in `from..=to` (0–9, 10–19 … 90–99, 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressBucket {
    pub from: u8,
    pub to: u8,
    pub learners: u64,
}

pub(crate) fn row_progress(r: &AnyRow) -> Result<ProgressRow, StoreError> {
    Ok(ProgressRow {
        key: row_key(r)?,
        last_access: r.try_get("last_access")?,
        last_checked_access: r.try_get("last_checked_access")?,
        percent: r.try_get("percent")?,
        completed_at: r.try_get("completed_at")?,
        grade: opt_text(r, "grade")?,
        synced_at: Timestamp(r.try_get("synced_at")?),
    })
}

impl Store {
    /// Keeps what a sync read; a history row is added for each key whose percentage,
    /// completion or grade changed (or appeared). Returns how many changed so.
    // NULL_FLOAT: sqlx 0.8's `Any` binds a missing `f64` as PostgreSQL's `float4` (its
    // `AnyArguments` swaps Real and Double for nulls). A statement cached after such a bind
    // then refuses every real percentage ("incorrect binary data format"), so the two
    // statements that bind one are not kept prepared.
    pub async fn record_progress(&self, rows: &[ProgressRow]) -> Result<usize, StoreError> {
        let mut changed = 0;
        let mut tx = self.write_tx().await?;
        for row in rows {
            let (site, course, learner) = key_strings(&row.key);
            let before = self
                .query_for_update(
                    "SELECT site, course, learner, last_access, last_checked_access, percent, completed_at, grade, synced_at
                     FROM progress WHERE site = $1 AND course = $2 AND learner = $3",
                )
                .bind(site.clone())
                .bind(course.clone())
                .bind(learner.clone())
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| row_progress(&r))
                .transpose()?;
            let differs = before.as_ref().map_or(row.has_outcome(), |b| b.outcome_differs(row));
            if differs {
                changed += 1;
                self.query(
                    "INSERT INTO progress_history (site, course, learner, recorded_at, percent, completed_at, grade)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(site.clone())
                .bind(course.clone())
                .bind(learner.clone())
                .bind(row.synced_at.0)
                .bind(row.percent)
                .bind(row.completed_at)
                .bind(row.grade.clone())
                // See `NULL_FLOAT`: prepared anew, so a missing percentage types no later one.
                .persistent(false)
                .execute(&mut *tx)
                .await?;
            }
            self.query(
                "INSERT INTO progress (site, course, learner, last_access, last_checked_access, percent, completed_at, grade, synced_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (site, course, learner) DO UPDATE SET last_access = excluded.last_access,
                   last_checked_access = excluded.last_checked_access, percent = excluded.percent,
                   completed_at = excluded.completed_at, grade = excluded.grade, synced_at = excluded.synced_at",
            )
            .bind(site)
            .bind(course)
            .bind(learner)
            .bind(row.last_access)
            .bind(row.last_checked_access)
            .bind(row.percent)
            .bind(row.completed_at)
            .bind(row.grade.clone())
            .bind(row.synced_at.0)
            .persistent(false)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// One key's progress, if it was ever read.
    pub async fn progress(&self, key: &EntitlementKey) -> Result<Option<ProgressRow>, StoreError> {
        let (site, course, learner) = key_strings(key);
        self.query(
            "SELECT site, course, learner, last_access, last_checked_access, percent, completed_at, grade, synced_at
             FROM progress WHERE site = $1 AND course = $2 AND learner = $3",
        )
        .bind(site)
        .bind(course)
        .bind(learner)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| row_progress(&r))
        .transpose()
    }

    /// Every key's progress on a site, by course and learner.
    pub async fn progress_of_site(&self, site: &str) -> Result<Vec<ProgressRow>, StoreError> {
        let rows = self
            .query(
                "SELECT site, course, learner, last_access, last_checked_access, percent, completed_at, grade, synced_at
                 FROM progress WHERE site = $1 ORDER BY course, learner",
            )
            .bind(site.to_owned())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row_progress).collect()
    }

    /// The progress of one course's learners.
    pub async fn progress_of_course(&self, site: &str, course: &CourseRef) -> Result<Vec<ProgressRow>, StoreError> {
        let rows = self
            .query(
                "SELECT site, course, learner, last_access, last_checked_access, percent, completed_at, grade, synced_at
                 FROM progress WHERE site = $1 AND course = $2 ORDER BY learner",
            )
            .bind(site.to_owned())
            .bind(course.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row_progress).collect()
    }

    /// A key's changes, oldest first.
    pub async fn progress_history(&self, key: &EntitlementKey) -> Result<Vec<ProgressChange>, StoreError> {
        let (site, course, learner) = key_strings(key);
        let rows = self
            .query(
                "SELECT recorded_at, percent, completed_at, grade FROM progress_history
                 WHERE site = $1 AND course = $2 AND learner = $3 ORDER BY id",
            )
            .bind(site)
            .bind(course)
            .bind(learner)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ProgressChange {
                    recorded_at: Timestamp(r.try_get("recorded_at")?),
                    percent: r.try_get("percent")?,
                    completed_at: r.try_get("completed_at")?,
                    grade: opt_text(r, "grade")?,
                })
            })
            .collect()
    }

    /// Completions (current ones: a retaken course counts once) with Moodle's time in
    /// `from..to`, per UTC month, of one site or all; months without any are left out.
    /// Counted by the database (see [`Store::count_per_month`]).
    pub async fn completions_per_month(
        &self,
        site: Option<&str>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<MonthCompletions>, StoreError> {
        let range = crate::dashboard::DashboardRange {
            site: site.map(str::to_owned),
            from,
            to,
        };
        let column = crate::dashboard::DatedColumn {
            table: "progress",
            column: "completed_at",
        };
        Ok(self
            .count_per_month(column, &range)
            .await?
            .into_iter()
            .filter(|m| m.count > 0)
            .map(|m| MonthCompletions {
                month: m.month,
                completions: u64::try_from(m.count).unwrap_or(0),
            })
            .collect())
    }

    /// How many learners of one site (or all) are at each percentage: buckets 0–9 … 90–99 and
    /// 100, all eleven listed. Keys without a percentage (courses tracking no activity) are
    /// left out. Counted by the database: the dashboard asks for it at 100,000 keys.
    pub async fn progress_distribution(&self, site: Option<&str>) -> Result<Vec<ProgressBucket>, StoreError> {
        // The bucket of `bucket_of`, in SQL: below 10 (negatives too) is 0, 100 and above 10.
        let mut case = String::from("CASE WHEN percent >= 100 THEN 10");
        for tens in (1..10).rev() {
            case.push_str(&format!(" WHEN percent >= {} THEN {tens}", tens * 10));
        }
        case.push_str(" ELSE 0 END");
        let mut sql = crate::dashboard::Sql::new(&format!(
            "SELECT bucket, COUNT(*) AS n FROM (SELECT {case} AS bucket FROM progress WHERE percent IS NOT NULL"
        ));
        sql.site("site", site).push(") b GROUP BY bucket");
        let mut counts = [0u64; 11];
        for r in sql.fetch_all(self).await? {
            let bucket = usize::try_from(r.try_get::<i64, _>("bucket")?).unwrap_or(usize::MAX);
            if let Some(c) = counts.get_mut(bucket) {
                *c = u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0);
            }
        }
        Ok(counts
            .iter()
            .zip(0u8..)
            .map(|(n, i)| ProgressBucket {
                from: i * 10,
                to: if i == 10 { 100 } else { i * 10 + 9 },
                learners: *n,
            })
            .collect())
    }
}
