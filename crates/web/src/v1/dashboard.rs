//! The dashboard's figures, as the admin's dashboard counts them.

use super::etag;
use super::problem::{internal, invalid};
use crate::admin::dashboard::{DashboardQuery, filter_of};
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use mm_engine::Engine;
use mm_engine::dashboard::{Dashboard, Failing};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// One site's figures; all sites when absent.
    site: Option<String>,
    /// First day, `YYYY-MM-DD` (default: twelve months before `to`).
    #[param(format = Date)]
    from: Option<String>,
    /// Last day, inclusive, `YYYY-MM-DD` (default: today).
    #[param(format = Date)]
    to: Option<String>,
}

/// The headline figures over a date range, and how each site and source stands.
#[derive(Serialize, ToSchema)]
pub struct DashboardView {
    site: Option<String>,
    #[schema(format = Date)]
    from: String,
    #[schema(format = Date)]
    to: String,
    /// Revenue of course invoices paid in the range, per currency, credit notes subtracted.
    revenue: Vec<RevenueView>,
    /// Distinct learners with an active entitlement.
    active_learners: i64,
    /// Enrolment jobs queued or running.
    enrolments_pending: i64,
    /// Completions in the range.
    completions: i64,
    certificates_issued: i64,
    jobs_failing: FailingView,
    mails_failing: FailingView,
    sites: Vec<SiteView>,
    sources: Vec<SourceView>,
}

#[derive(Serialize, ToSchema)]
pub struct RevenueView {
    currency: Option<String>,
    /// In hundredths of the currency.
    cents: i64,
}

/// Jobs waiting for another attempt, and parked for an admin.
#[derive(Serialize, ToSchema)]
pub struct FailingView {
    retrying: i64,
    dead: i64,
}

impl From<Failing> for FailingView {
    fn from(f: Failing) -> FailingView {
        FailingView {
            retrying: f.retrying,
            dead: f.dead,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SiteView {
    name: String,
    /// Why the site is paused (a stable code), when it is.
    paused: Option<String>,
    paused_since: Option<i64>,
    /// Unix seconds.
    last_progress_read: Option<i64>,
    backlog: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SourceView {
    name: String,
    /// Unix seconds.
    last_poll: Option<i64>,
    refused_until: Option<i64>,
    refusal: Option<String>,
}

fn date(field: &str, given: Option<String>) -> Result<Option<String>, ApiError> {
    match given.filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map(|_| Some(d))
            .map_err(|_| invalid(field, format!("{field} must be a date, YYYY-MM-DD"))),
    }
}

/// The dashboard's figures.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", params(DashboardParams),
    responses(
        (status = 200, description = "The figures", body = DashboardView),
        (status = 400, description = "A parameter does not parse", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn figures(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<DashboardParams>,
) -> Result<Response, ApiError> {
    let q = DashboardQuery {
        site: p.site,
        from: date("from", p.from)?,
        to: date("to", p.to)?,
    };
    let (from, to, filter) = filter_of(&q, engine.now());
    let d = engine.dashboard(&filter).await.map_err(internal)?;
    etag::read(&headers, &view(filter.site, from, to, d))
}

fn view(site: Option<String>, from: NaiveDate, to: NaiveDate, d: Dashboard) -> DashboardView {
    let k = d.cards;
    DashboardView {
        site,
        from: from.to_string(),
        to: to.to_string(),
        revenue: k
            .revenue
            .into_iter()
            .map(|r| RevenueView {
                currency: r.currency,
                cents: r.cents,
            })
            .collect(),
        active_learners: k.active_learners,
        enrolments_pending: k.enrolments_pending,
        completions: k.completions,
        certificates_issued: k.certificates_issued,
        jobs_failing: k.jobs_failing.into(),
        mails_failing: k.mails_failing.into(),
        sites: d
            .sites
            .into_iter()
            .map(|s| SiteView {
                paused_since: s.pause.as_ref().map(|p| p.since.0),
                paused: s.pause.map(|p| p.code),
                last_progress_read: s.last_progress_read.map(|t| t.0),
                backlog: s.backlog,
                name: s.name,
            })
            .collect(),
        sources: d
            .sources
            .into_iter()
            .map(|s| SourceView {
                name: s.name,
                last_poll: s.last_poll.map(|t| t.0),
                refused_until: s.refused_until.map(|t| t.0),
                refusal: s.refusal,
            })
            .collect(),
    }
}
