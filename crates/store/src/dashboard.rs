//! The web admin's dashboard figures, each counted by the database (no row is brought back to
//! be counted here): revenue from `invoice_lines`, learners and statuses from `entitlements`,
//! the backlog from `jobs` and `outbox`, certificates, and counts per calendar month (UTC).
//! Completions and the progress distribution are `progress`'s ([`Store::completions_per_month`],
//! [`Store::progress_distribution`]); pauses, cursors and refusals have their own modules.

use crate::dialect::{self, opt_text};
use crate::{Backend, Store, StoreError, revenue};
use chrono::{Datelike, NaiveDate};
use mm_core::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// Which figures, as the dashboard's filter states it: one site or all, dates in `from..to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardRange {
    pub site: Option<String>,
    pub from: Timestamp,
    pub to: Timestamp,
}

/// Revenue in one currency (`None`: lines whose source gave no currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyRevenue {
    pub currency: Option<String>,
    pub cents: i64,
}

/// A count in one calendar month (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCount {
    /// `2027-01`
    pub month: String,
    pub count: i64,
}

/// How many entitlements have one desired status (`active`, `revoked`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

/// The entitlements per status and the courses with most active learners.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntitlementRollup {
    /// By status.
    pub status_counts: Vec<StatusCount>,
    /// Most learners first.
    pub top_courses_by_learners: Vec<CourseLearners>,
}

/// A course's revenue in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseRevenue {
    pub site: String,
    pub course: String,
    pub currency: Option<String>,
    pub cents: i64,
}

/// The revenue figures of a range, see [`Store::revenue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revenue {
    pub by_currency: Vec<CurrencyRevenue>,
    /// At most the limit asked, most first.
    pub top_courses: Vec<CourseRevenue>,
}

/// A course's learners with active access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseLearners {
    pub site: String,
    pub course: String,
    pub learners: i64,
}

/// A leased queue's jobs by standing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueStanding {
    /// Queued or running, not failed.
    pub pending: i64,
    /// Failed and waiting for another attempt.
    pub retrying: i64,
    /// Parked for an admin.
    pub dead: i64,
}

/// What the dashboard shows of one site's activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteActivity {
    pub site: String,
    /// When progress sync last stored a read of the site.
    pub last_progress_read: Option<Timestamp>,
    /// Its enrolment jobs queued or running.
    pub backlog: i64,
}

/// An invoice source's last successful poll and any refusal in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceActivity {
    pub source: String,
    /// When its cursor last moved (a poll stored its invoices).
    pub last_poll: Option<Timestamp>,
    /// No request to it before this, and why.
    pub refused_until: Option<Timestamp>,
    pub refusal: Option<String>,
}

/// A statement built from parts, its placeholders numbered in the order they are written (as
/// MySQL's `?` needs). Only our own SQL text goes in; values are always bound.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub(crate) text: String,
    binds: Vec<Bind>,
}

#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends the next placeholder, bound to `v`.
    pub(crate) fn int(&mut self, v: i64) -> &mut Sql {
        self.binds.push(Bind::Int(v));
        self.placeholder()
    }

    pub(crate) fn str(&mut self, v: &str) -> &mut Sql {
        self.binds.push(Bind::Text(v.to_owned()));
        self.placeholder()
    }

    fn placeholder(&mut self) -> &mut Sql {
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// `AND <column> = $n` when a site is chosen.
    pub(crate) fn site(&mut self, column: &str, site: Option<&str>) -> &mut Sql {
        if let Some(site) = site {
            self.push(&format!(" AND {column} = ")).str(site);
        }
        self
    }

    pub(crate) async fn fetch_all(&self, store: &Store) -> Result<Vec<AnyRow>, StoreError> {
        let sql = dialect::sql(store.backend, &self.text);
        let mut q = sqlx::query(&sql);
        for b in &self.binds {
            q = match b {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.clone()),
            };
        }
        Ok(q.fetch_all(&store.pool).await?)
    }

    pub(crate) async fn fetch_count(&self, store: &Store) -> Result<i64, StoreError> {
        let rows = self.fetch_all(store).await?;
        Ok(match rows.first() {
            Some(r) => r.try_get("n")?,
            None => 0,
        })
    }
}

/// `SUM(expr)` as a BIGINT on every backend (PostgreSQL sums BIGINTs to NUMERIC, MySQL to
/// DECIMAL, neither of which `sqlx::Any` reads as an integer).
fn sum_bigint(backend: Backend, expr: &str) -> String {
    match backend {
        Backend::MySql => format!("CAST(SUM({expr}) AS SIGNED)"),
        Backend::Sqlite | Backend::Postgres => format!("CAST(SUM({expr}) AS BIGINT)"),
    }
}

/// Where revenue is summed from, as `l`: its date and amount columns.
struct RevenueTable {
    table: &'static str,
    date: &'static str,
    cents: &'static str,
}

impl RevenueTable {
    const DAYS: RevenueTable = RevenueTable {
        table: "revenue_days",
        date: "l.day",
        cents: "l.cents",
    };
    const LINES: RevenueTable = RevenueTable {
        table: "invoice_lines",
        date: "l.paid_on",
        cents: "l.amount_cents",
    };
}

/// A date column counted per month: ours, never user input (it is written into the SQL).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DatedColumn {
    pub(crate) table: &'static str,
    pub(crate) column: &'static str,
}

/// The most months a per-month count spans: a wider range is counted up to its end's last
/// 120 months (ten years of bars is already more than a chart can show).
const MAX_MONTHS: usize = 120;

impl Store {
    /// Revenue of course invoices paid in the range, per currency: the amounts of the lines
    /// whose product a mapping names (of the site, when one is chosen), credit notes
    /// subtracting.
    pub async fn revenue_by_currency(&self, range: &DashboardRange) -> Result<Vec<CurrencyRevenue>, StoreError> {
        Ok(self.revenue(range, 0).await?.by_currency)
    }

    /// The ten courses (or `limit`) earning most in the range, per currency. A line whose
    /// product maps to several courses (a bundle) counts in full for each of them.
    pub async fn top_courses_by_revenue(
        &self,
        range: &DashboardRange,
        limit: usize,
    ) -> Result<Vec<CourseRevenue>, StoreError> {
        Ok(self.revenue(range, limit).await?.top_courses)
    }

    /// Both revenue figures from one pass over the lines: the database sums them per (product,
    /// currency), a few hundred rows at most, which are then added up per currency and per
    /// mapped course here.
    pub async fn revenue(&self, range: &DashboardRange, limit: usize) -> Result<Revenue, StoreError> {
        let mut sql = Sql::default();
        self.revenue_per_product(&mut sql, range, range.site.as_deref());
        let per_product = sql.fetch_all(self).await?;
        let mut mapped = Sql::new("SELECT DISTINCT product, site, course FROM mappings WHERE 1 = 1");
        mapped.site("site", range.site.as_deref());
        let mut courses: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for r in mapped.fetch_all(self).await? {
            courses
                .entry(r.try_get("product")?)
                .or_default()
                .push((r.try_get("site")?, r.try_get("course")?));
        }
        let mut by_currency: BTreeMap<Option<String>, i64> = BTreeMap::new();
        let mut by_course: BTreeMap<(String, String, Option<String>), i64> = BTreeMap::new();
        for r in &per_product {
            let product: String = r.try_get("product")?;
            let currency = revenue::currency_of(r.try_get("currency")?);
            let cents = r.try_get::<Option<i64>, _>("cents")?.unwrap_or(0);
            *by_currency.entry(currency.clone()).or_default() += cents;
            for (site, course) in courses.get(&product).into_iter().flatten() {
                *by_course
                    .entry((site.clone(), course.clone(), currency.clone()))
                    .or_default() += cents;
            }
        }
        let mut top_courses: Vec<CourseRevenue> = by_course
            .into_iter()
            .map(|((site, course, currency), cents)| CourseRevenue {
                site,
                course,
                currency,
                cents,
            })
            .collect();
        // Most first; the map's order (site, course, currency) breaks ties.
        top_courses.sort_by_key(|c| std::cmp::Reverse(c.cents));
        top_courses.truncate(limit);
        Ok(Revenue {
            by_currency: by_currency
                .into_iter()
                .map(|(currency, cents)| CurrencyRevenue { currency, cents })
                .collect(),
            top_courses,
        })
    }

    /// `product, currency, cents` of the mapped products' lines paid in the range. A range of
    /// whole days (the admin's, the API's) sums `revenue_days`: a year is a few hundred rows per
    /// product. Any other range sums the lines themselves, in the order of
    /// `invoice_lines_revenue`, so the database neither sorts nor reads the table.
    fn revenue_per_product(&self, sql: &mut Sql, range: &DashboardRange, site: Option<&str>) {
        let RevenueTable { table, date, cents } = if revenue::whole_days(range.from.0, range.to.0) {
            RevenueTable::DAYS
        } else {
            RevenueTable::LINES
        };
        sql.push(&format!(
            "SELECT l.product, l.currency, {} AS cents FROM {table} l
             WHERE l.product IN (SELECT m.product FROM mappings m WHERE 1 = 1",
            sum_bigint(self.backend, cents)
        ));
        sql.site("m.site", site)
            .push(&format!(") AND {date} >= "))
            .int(range.from.0);
        sql.push(&format!(" AND {date} < ")).int(range.to.0);
        sql.push(&format!(" AND {cents} IS NOT NULL GROUP BY l.product, l.currency"));
    }

    /// Entitlements (of the site) per status, and the courses (at most `limit`) with most
    /// learners whose access is active: both from one grouped pass over the entitlements
    /// (a few hundred groups), not two.
    pub async fn entitlement_rollup(&self, site: Option<&str>, limit: usize) -> Result<EntitlementRollup, StoreError> {
        let mut sql = Sql::new("SELECT status, site, course, COUNT(*) AS n FROM entitlements WHERE 1 = 1");
        sql.site("site", site).push(" GROUP BY status, site, course");
        let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
        let mut active: Vec<CourseLearners> = Vec::new();
        for r in sql.fetch_all(self).await? {
            let (status, n): (String, i64) = (r.try_get("status")?, r.try_get("n")?);
            if status == "active" {
                active.push(CourseLearners {
                    site: r.try_get("site")?,
                    course: r.try_get("course")?,
                    learners: n,
                });
            }
            *by_status.entry(status).or_default() += n;
        }
        // Most learners first, then by site and course.
        active.sort_by(|a, b| {
            b.learners
                .cmp(&a.learners)
                .then_with(|| (&a.site, &a.course).cmp(&(&b.site, &b.course)))
        });
        active.truncate(limit);
        Ok(EntitlementRollup {
            status_counts: by_status
                .into_iter()
                .map(|(status, count)| StatusCount { status, count })
                .collect(),
            top_courses_by_learners: active,
        })
    }

    /// Distinct learners with at least one active entitlement (of the site).
    pub async fn active_learners(&self, site: Option<&str>) -> Result<i64, StoreError> {
        // Grouped rather than `COUNT(DISTINCT …)`, which PostgreSQL always sorts: 6 ms against
        // 27 ms at 50,000 active learners.
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM (SELECT learner FROM entitlements WHERE status = 'active'");
        sql.site("site", site).push(" GROUP BY learner) d");
        sql.fetch_count(self).await
    }

    /// The enrolment jobs (of the site) by standing.
    pub async fn job_standing(&self, site: Option<&str>) -> Result<QueueStanding, StoreError> {
        self.queue_standing("jobs", site).await
    }

    /// When the enrolment job due the longest ago became due (queued, or its back-off over),
    /// if any job is due at `now`: its age is how far the worker is behind.
    pub async fn oldest_due_job(&self, now: Timestamp) -> Result<Option<Timestamp>, StoreError> {
        let row = self
            .query("SELECT MIN(run_at) AS at FROM jobs WHERE status IN ('queued', 'running') AND run_at <= $1")
            .bind(now.0)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<Option<i64>, _>("at")?.map(Timestamp))
    }

    /// The mail outbox by standing.
    pub async fn mail_standing(&self) -> Result<QueueStanding, StoreError> {
        self.queue_standing("outbox", None).await
    }

    /// `table` is ours (`jobs`, `outbox`), never user input. A job failed once has its last
    /// error until it is queued again or succeeds.
    async fn queue_standing(&self, table: &'static str, site: Option<&str>) -> Result<QueueStanding, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT COUNT(CASE WHEN status IN ('queued', 'running') AND last_error IS NULL THEN 1 END) AS pending,
               COUNT(CASE WHEN status IN ('queued', 'running') AND last_error IS NOT NULL THEN 1 END) AS retrying,
               COUNT(CASE WHEN status = 'dead' THEN 1 END) AS dead
             FROM {table} WHERE status IN ('queued', 'running', 'dead')"
        ));
        sql.site("site", site);
        let rows = sql.fetch_all(self).await?;
        let Some(r) = rows.first() else {
            return Ok(QueueStanding::default());
        };
        Ok(QueueStanding {
            pending: r.try_get("pending")?,
            retrying: r.try_get("retrying")?,
            dead: r.try_get("dead")?,
        })
    }

    /// Certificates (of the site) issued in the range, revoked ones included.
    pub async fn certificates_issued(&self, range: &DashboardRange) -> Result<i64, StoreError> {
        let mut sql = Sql::new("SELECT COUNT(*) AS n FROM certificates WHERE issued_at >= ");
        sql.int(range.from.0).push(" AND issued_at < ").int(range.to.0);
        sql.site("site", range.site.as_deref());
        sql.fetch_count(self).await
    }

    /// Certificates issued per month of the range, every month listed.
    pub async fn certificates_per_month(&self, range: &DashboardRange) -> Result<Vec<MonthCount>, StoreError> {
        let column = DatedColumn {
            table: "certificates",
            column: "issued_at",
        };
        self.count_per_month(column, range).await
    }

    /// Enrolments per month of their start in Moodle (what we applied), every month listed.
    pub async fn enrolments_per_month(&self, range: &DashboardRange) -> Result<Vec<MonthCount>, StoreError> {
        let column = DatedColumn {
            table: "applied_enrolments",
            column: "timestart",
        };
        self.count_per_month(column, range).await
    }

    /// Rows of `column.table` (of the site) whose date falls in each month of the range, every
    /// month listed (zero included). The months are cut in Rust and counted by the database in
    /// one statement: `CASE WHEN t < <next month> THEN 0 WHEN …`, the same SQL on every backend.
    pub(crate) async fn count_per_month(
        &self,
        column: DatedColumn,
        range: &DashboardRange,
    ) -> Result<Vec<MonthCount>, StoreError> {
        let months = months_of(range.from, range.to);
        let Some(first) = months.first() else {
            return Ok(Vec::new());
        };
        let DatedColumn { table, column } = column;
        let last = months.len() - 1;
        let mut sql = Sql::new("SELECT bucket, COUNT(*) AS n FROM (SELECT ");
        if last == 0 {
            sql.push("0");
        } else {
            sql.push("CASE");
            for (i, m) in months.iter().enumerate().take(last) {
                sql.push(&format!(" WHEN {column} < "))
                    .int(m.end)
                    .push(&format!(" THEN {i}"));
            }
            sql.push(&format!(" ELSE {last} END"));
        }
        sql.push(&format!(" AS bucket FROM {table} WHERE {column} >= "))
            .int(first.start)
            .push(&format!(" AND {column} < "))
            .int(range.to.0);
        sql.site("site", range.site.as_deref()).push(") b GROUP BY bucket");
        let mut counts = vec![0i64; months.len()];
        for r in sql.fetch_all(self).await? {
            let bucket = usize::try_from(r.try_get::<i64, _>("bucket")?).unwrap_or(usize::MAX);
            if let Some(c) = counts.get_mut(bucket) {
                *c = r.try_get("n")?;
            }
        }
        Ok(months
            .into_iter()
            .zip(counts)
            .map(|(m, count)| MonthCount { month: m.label, count })
            .collect())
    }

    /// Per site with jobs or progress: when progress was last read, and its backlog.
    pub async fn site_activity(&self) -> Result<Vec<SiteActivity>, StoreError> {
        let backlog = self
            .query("SELECT site, COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running') GROUP BY site")
            .fetch_all(&self.pool)
            .await?;
        let reads = self
            .query("SELECT site, MAX(synced_at) AS at FROM progress GROUP BY site")
            .fetch_all(&self.pool)
            .await?;
        let mut sites = std::collections::BTreeMap::<String, SiteActivity>::new();
        let entry = |sites: &mut std::collections::BTreeMap<String, SiteActivity>, site: String| {
            sites.entry(site.clone()).or_insert(SiteActivity {
                site,
                last_progress_read: None,
                backlog: 0,
            });
        };
        for r in &backlog {
            let site: String = r.try_get("site")?;
            entry(&mut sites, site.clone());
            if let Some(s) = sites.get_mut(&site) {
                s.backlog = r.try_get("n")?;
            }
        }
        for r in &reads {
            let site: String = r.try_get("site")?;
            entry(&mut sites, site.clone());
            if let Some(s) = sites.get_mut(&site) {
                s.last_progress_read = r.try_get::<Option<i64>, _>("at")?.map(Timestamp);
            }
        }
        Ok(sites.into_values().collect())
    }

    /// Every source with a cursor or a refusal: its last successful poll and the refusal in
    /// force at `now`.
    pub async fn source_activity(&self, now: Timestamp) -> Result<Vec<SourceActivity>, StoreError> {
        let polls = self
            .query("SELECT source, updated_at FROM source_cursors")
            .fetch_all(&self.pool)
            .await?;
        let refusals = self
            .query("SELECT source, blocked_until, message FROM source_refusals WHERE blocked_until > $1")
            .bind(now.0)
            .fetch_all(&self.pool)
            .await?;
        let mut sources = std::collections::BTreeMap::<String, SourceActivity>::new();
        let blank = |source: String| SourceActivity {
            source,
            last_poll: None,
            refused_until: None,
            refusal: None,
        };
        for r in &polls {
            let source: String = r.try_get("source")?;
            let s = sources.entry(source.clone()).or_insert_with(|| blank(source));
            s.last_poll = Some(Timestamp(r.try_get("updated_at")?));
        }
        for r in &refusals {
            let source: String = r.try_get("source")?;
            let s = sources.entry(source.clone()).or_insert_with(|| blank(source));
            s.refused_until = Some(Timestamp(r.try_get("blocked_until")?));
            s.refusal = opt_text(r, "message")?;
        }
        Ok(sources.into_values().collect())
    }
}

/// One calendar month of a range, clipped to it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Month {
    label: String,
    start: i64,
    end: i64,
}

/// The calendar months (UTC) that `from..to` touches, clipped to it; the last
/// [`MAX_MONTHS`] of them.
fn months_of(from: Timestamp, to: Timestamp) -> Vec<Month> {
    let mut months = Vec::new();
    let Some(mut day) = chrono::DateTime::from_timestamp(from.0, 0).and_then(|d| d.date_naive().with_day(1)) else {
        return months;
    };
    let mut start = from.0;
    while start < to.0 {
        let Some(next) = next_month(day) else {
            break;
        };
        let next_start = next.and_hms_opt(0, 0, 0).map_or(i64::MAX, |t| t.and_utc().timestamp());
        let end = next_start.min(to.0);
        months.push(Month {
            label: day.format("%Y-%m").to_string(),
            start,
            end,
        });
        (day, start) = (next, end);
    }
    let skip = months.len().saturating_sub(MAX_MONTHS);
    months.split_off(skip)
}

fn next_month(d: NaiveDate) -> Option<NaiveDate> {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32) -> Timestamp {
        Timestamp::from_date(y, m, d).expect("date")
    }

    #[test]
    fn months_are_clipped_to_the_range() {
        let m = months_of(Timestamp(at(2026, 11, 15).0 + 3600), at(2027, 2, 1));
        let labels: Vec<&str> = m.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["2026-11", "2026-12", "2027-01"]);
        assert_eq!(m[0].start, at(2026, 11, 15).0 + 3600);
        assert_eq!(m[0].end, at(2026, 12, 1).0);
        assert_eq!(m[2].end, at(2027, 2, 1).0);
        assert!(months_of(at(2027, 1, 1), at(2027, 1, 1)).is_empty());
        assert_eq!(months_of(at(2000, 1, 1), at(2027, 1, 1)).len(), MAX_MONTHS);
    }

    #[test]
    fn sql_numbers_its_placeholders_in_order() {
        let mut s = Sql::new("SELECT 1 WHERE a = ");
        s.int(1).site("site", Some("x")).push(" LIMIT ").int(3);
        assert_eq!(s.text, "SELECT 1 WHERE a = $1 AND site = $2 LIMIT $3");
    }
}
