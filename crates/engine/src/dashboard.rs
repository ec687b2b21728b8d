//! The web admin's dashboard: the figures of one site (or all) over a date range, gathered
//! from the store in one call. Every figure is counted by the database; the queries run
//! concurrently on the pool.

use crate::Engine;
use mm_core::Timestamp;
use mm_store::{
    CourseLearners, CourseRevenue, CurrencyRevenue, DashboardRange, MonthCount, PausedSite, ProgressBucket,
    QueueStanding, SiteActivity, SourceActivity, StatusCount, StoreError,
};

/// How many courses each top list shows.
const TOP_COURSES: usize = 10;

/// What the dashboard shows: one site or all, dates in `from..to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardFilter {
    pub site: Option<String>,
    pub from: Timestamp,
    pub to: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub cards: DashboardCards,
    /// Every configured site (and any other the store knows), by name.
    pub sites: Vec<SiteStatus>,
    /// Every configured invoice source (and any other the store knows), by name.
    pub sources: Vec<SourceStatus>,
    pub charts: DashboardCharts,
}

/// The headline figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardCards {
    /// Revenue of course invoices (lines whose product is mapped) paid in the range, per
    /// currency, credit notes subtracted.
    pub revenue: Vec<CurrencyRevenue>,
    /// Distinct learners with an active entitlement.
    pub active_learners: i64,
    /// Enrolment jobs queued or running, not failed.
    pub enrolments_pending: i64,
    /// Completions (Moodle's time) in the range.
    pub completions: i64,
    pub certificates_issued: i64,
    pub jobs_failing: Failing,
    pub mails_failing: Failing,
}

/// Jobs that failed: waiting for another attempt, or parked for an admin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failing {
    pub retrying: i64,
    pub dead: i64,
}

impl From<&QueueStanding> for Failing {
    fn from(q: &QueueStanding) -> Failing {
        Failing {
            retrying: q.retrying,
            dead: q.dead,
        }
    }
}

/// A Moodle site's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteStatus {
    pub name: String,
    /// Paused by a site-wide failure, with why and since when; `None` = reachable.
    pub pause: Option<SitePauseSummary>,
    /// When progress sync last stored a read of it.
    pub last_progress_read: Option<Timestamp>,
    /// Its enrolment jobs queued or running.
    pub backlog: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePauseSummary {
    pub code: String,
    pub reason: String,
    pub since: Timestamp,
}

/// An invoice source's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatus {
    pub name: String,
    /// When a poll last stored its invoices (webhook-only sources have none).
    pub last_poll: Option<Timestamp>,
    /// It refused us: nothing is sent to it before then.
    pub refused_until: Option<Timestamp>,
    pub refusal: Option<String>,
}

/// The series behind the charts.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardCharts {
    /// Enrolments by the month they start in Moodle, every month of the range.
    pub enrolments_per_month: Vec<MonthCount>,
    /// Entitlements per desired status.
    pub status_breakdown: Vec<StatusCount>,
    /// Learners per percentage bucket (0–9 … 90–99, 100).
    pub progress: Vec<ProgressBucket>,
    pub completions_per_month: Vec<MonthCount>,
    pub certificates_per_month: Vec<MonthCount>,
    pub top_courses_by_revenue: Vec<CourseRevenue>,
    pub top_courses_by_learners: Vec<CourseLearners>,
}

impl Engine {
    /// The dashboard for `filter`. Its queries run at once on the pool: the dashboard takes as
    /// long as the slowest, not their sum.
    pub async fn dashboard(&self, filter: &DashboardFilter) -> Result<Dashboard, StoreError> {
        let range = DashboardRange {
            site: filter.site.clone(),
            from: filter.from,
            to: filter.to,
        };
        let site = range.site.as_deref();
        let s = &self.store;
        let (counts, charts, (paused, activity, sources)) = tokio::try_join!(
            async {
                tokio::try_join!(
                    s.revenue(&range, TOP_COURSES),
                    s.active_learners(site),
                    s.job_standing(site),
                    s.mail_standing(),
                    s.certificates_issued(&range),
                    s.completions_per_month(site, range.from, range.to),
                )
            },
            self.dashboard_charts(&range),
            async { tokio::try_join!(s.paused_sites(), s.site_activity(), s.source_activity(self.now())) },
        )?;
        let (revenue, active_learners, jobs, mails, certificates_issued, completions) = counts;
        let mut charts = charts;
        charts.completions_per_month = every_month(&charts.certificates_per_month, &completions);
        charts.top_courses_by_revenue = revenue.top_courses;
        Ok(Dashboard {
            cards: DashboardCards {
                revenue: revenue.by_currency,
                active_learners,
                enrolments_pending: jobs.pending,
                completions: charts.completions_per_month.iter().map(|m| m.count).sum(),
                certificates_issued,
                jobs_failing: Failing::from(&jobs),
                mails_failing: Failing::from(&mails),
            },
            sites: self.site_statuses(site, &paused, activity),
            sources: self.source_statuses(sources),
            charts,
        })
    }

    /// The charts but the two that come with the cards' queries (completions per month, top
    /// courses by revenue), left empty here.
    async fn dashboard_charts(&self, range: &DashboardRange) -> Result<DashboardCharts, StoreError> {
        let s = &self.store;
        let site = range.site.as_deref();
        let (enrolments_per_month, rollup, progress, certificates_per_month) = tokio::try_join!(
            s.enrolments_per_month(range),
            s.entitlement_rollup(site, TOP_COURSES),
            s.progress_distribution(site),
            s.certificates_per_month(range),
        )?;
        let (status_breakdown, by_learners) = (rollup.status_counts, rollup.top_courses_by_learners);
        Ok(DashboardCharts {
            enrolments_per_month,
            status_breakdown,
            progress,
            completions_per_month: Vec::new(),
            certificates_per_month,
            top_courses_by_revenue: Vec::new(),
            top_courses_by_learners: by_learners,
        })
    }

    /// The sites in use and any other the store knows, with their pause and activity.
    fn site_statuses(&self, only: Option<&str>, paused: &[PausedSite], activity: Vec<SiteActivity>) -> Vec<SiteStatus> {
        let mut sites: std::collections::BTreeMap<String, SiteStatus> = self
            .sites
            .names()
            .into_iter()
            .map(|name| (name.clone(), blank_site(&name)))
            .collect();
        for a in activity {
            let s = sites.entry(a.site.clone()).or_insert_with(|| blank_site(&a.site));
            s.last_progress_read = a.last_progress_read;
            s.backlog = a.backlog;
        }
        for p in paused {
            let s = sites
                .entry(p.pause.site.clone())
                .or_insert_with(|| blank_site(&p.pause.site));
            s.pause = Some(SitePauseSummary {
                code: p.pause.code.clone(),
                reason: p.pause.reason.clone(),
                since: p.pause.paused_at,
            });
        }
        sites
            .into_values()
            .filter(|s| only.is_none_or(|only| only == s.name))
            .collect()
    }

    /// The sources in use and any other the store knows.
    fn source_statuses(&self, stored: Vec<SourceActivity>) -> Vec<SourceStatus> {
        let mut sources: std::collections::BTreeMap<String, SourceStatus> = self
            .source_names()
            .into_iter()
            .map(|name| (name.clone(), blank_source(&name)))
            .collect();
        for a in stored {
            sources.insert(
                a.source.clone(),
                SourceStatus {
                    name: a.source,
                    last_poll: a.last_poll,
                    refused_until: a.refused_until,
                    refusal: a.refusal,
                },
            );
        }
        sources.into_values().collect()
    }
}

fn blank_site(name: &str) -> SiteStatus {
    SiteStatus {
        name: name.to_owned(),
        pause: None,
        last_progress_read: None,
        backlog: 0,
    }
}

fn blank_source(name: &str) -> SourceStatus {
    SourceStatus {
        name: name.to_owned(),
        last_poll: None,
        refused_until: None,
        refusal: None,
    }
}

/// The completions on the same months as `axis` (every month of the range): the store leaves
/// months without completions out.
fn every_month(axis: &[MonthCount], completions: &[mm_store::MonthCompletions]) -> Vec<MonthCount> {
    axis.iter()
        .map(|m| MonthCount {
            month: m.month.clone(),
            count: completions
                .iter()
                .find(|c| c.month == m.month)
                .map_or(0, |c| i64::try_from(c.completions).unwrap_or(i64::MAX)),
        })
        .collect()
}
