//! Entitlements and their enrolments: the filtered, sorted list and one with its causes and
//! the history of its Moodle changes.

use super::etag;
use super::pagination::{Page, Position, sort_of};
use super::problem::{internal, invalid, not_found};
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use mm_core::Entitlement;
use mm_core::entitlement::Cause;
use mm_engine::Engine;
use mm_engine::enrolment_list::EnrolmentQuery;
use mm_store::{AuditRecord, DesiredStatus, EnrolmentFilter, EnrolmentListRow, EnrolmentSort, JobState, SortDirection};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `active` or `revoked`.
    status: Option<String>,
    site: Option<String>,
    /// The course reference as stored (`PY101`, `id:42`).
    course: Option<String>,
    /// A part of the learner's email or name, any case.
    learner: Option<String>,
    /// The job's state: `pending`, `failing`, `dead` or `settled`.
    job: Option<String>,
    /// `learner`, `course`, `status` or `updated`; a leading `-` sorts descending.
    sort: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// An invoice line behind an entitlement, and how it stands.
#[derive(Serialize, ToSchema)]
pub struct CauseView {
    source: String,
    invoice: String,
    invoice_number: String,
    line: String,
    /// `paid`, `grace`, `unpaid`, `no_seat`, `credited` or `deleted`.
    state: String,
    /// The cause in a sentence.
    describe: String,
}

pub fn cause(c: &Cause) -> CauseView {
    let state = serde_json::to_value(&c.state)
        .ok()
        .and_then(|v| v.get("state").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_default();
    CauseView {
        source: c.invoice.source.clone(),
        invoice: c.invoice.id.clone(),
        invoice_number: c.invoice_number.clone(),
        line: c.line.clone(),
        state,
        describe: c.describe(),
    }
}

/// What Moodle holds.
#[derive(Serialize, ToSchema)]
pub struct InMoodleView {
    /// `active` or `suspended`.
    status: String,
    timestart: i64,
    /// 0: no end.
    timeend: i64,
}

/// The entitlement's job.
#[derive(Serialize, ToSchema)]
pub struct EnrolmentJobView {
    status: String,
    error: Option<String>,
    /// The error's stable code.
    code: Option<String>,
}

/// An entitlement: what the invoices say, why, and what Moodle holds.
#[derive(Serialize, ToSchema)]
pub struct EnrolmentView {
    site: String,
    course: String,
    learner: String,
    learner_name: String,
    /// `active` or `revoked`.
    desired: String,
    causes: Vec<CauseView>,
    /// Unix seconds.
    updated_at: i64,
    in_moodle: Option<InMoodleView>,
    job: Option<EnrolmentJobView>,
}

fn row(r: EnrolmentListRow) -> EnrolmentView {
    EnrolmentView {
        causes: r.causes.iter().map(cause).collect(),
        site: r.site,
        course: r.course,
        learner: r.learner,
        learner_name: r.learner_name,
        desired: r.desired,
        updated_at: r.updated_at.0,
        in_moodle: r.applied.map(|a| InMoodleView {
            status: a.status,
            timestart: a.timestart,
            timeend: a.timeend,
        }),
        job: r.job.map(|j| EnrolmentJobView {
            status: j.status,
            error: j.error,
            code: j.code,
        }),
    }
}

fn choice<T: Copy>(field: &str, given: Option<&str>, options: &[(&str, T)]) -> Result<Option<T>, ApiError> {
    let Some(g) = given.filter(|g| !g.is_empty()) else {
        return Ok(None);
    };
    options
        .iter()
        .find(|(name, _)| *name == g)
        .map(|(_, v)| Some(*v))
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            invalid(field, format!("{field} must be one of {}", names.join(", ")))
        })
}

fn text(given: Option<String>) -> Option<String> {
    given.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl ListParams {
    fn query(self) -> Result<(EnrolmentQuery, Position), ApiError> {
        let at = Position::parse(self.cursor.as_deref(), self.limit.as_deref())?;
        let (sort, descending) = sort_of(self.sort.as_deref(), &["learner", "course", "status", "updated"])?;
        let sort = match sort {
            Some("course") => EnrolmentSort::Course,
            Some("status") => EnrolmentSort::Status,
            Some("updated") => EnrolmentSort::Updated,
            _ => EnrolmentSort::Learner,
        };
        let filter = EnrolmentFilter {
            status: choice(
                "status",
                self.status.as_deref(),
                &[("active", DesiredStatus::Active), ("revoked", DesiredStatus::Revoked)],
            )?,
            job: choice(
                "job",
                self.job.as_deref(),
                &[
                    ("pending", JobState::Pending),
                    ("failing", JobState::Failing),
                    ("dead", JobState::Dead),
                    ("settled", JobState::Settled),
                ],
            )?,
            site: text(self.site),
            course: text(self.course),
            learner: text(self.learner),
            updated_from: None,
            updated_to: None,
        };
        let query = EnrolmentQuery {
            filter,
            sort,
            direction: if descending {
                SortDirection::Desc
            } else {
                SortDirection::Asc
            },
            page: at.page,
            per_page: at.per_page,
        };
        Ok((query, at))
    }
}

/// The entitlements, filtered and sorted, a page at a time.
#[utoipa::path(get, path = "/api/v1/enrolments", tag = "enrolments", params(ListParams),
    responses(
        (status = 200, description = "A page of entitlements", body = Page<EnrolmentView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let (query, at) = p.query()?;
    let page = engine.enrolment_page(&query).await.map_err(internal)?;
    let body = Page {
        next_cursor: at.next(page.total),
        items: page.rows.into_iter().map(row).collect(),
    };
    etag::read(&headers, &body)
}

/// A Moodle change made for an entitlement.
#[derive(Serialize, ToSchema)]
pub struct ChangeView {
    /// Unix seconds.
    at: i64,
    /// `enrol`, `suspend`, `reactivate`, `update`, `unenrol`, `create_user`, …
    action: String,
    before: Option<String>,
    after: Option<String>,
    reason: String,
    job: String,
    ok: bool,
    error: Option<String>,
}

pub fn change(a: AuditRecord) -> ChangeView {
    ChangeView {
        at: a.at,
        action: a.action,
        before: a.before,
        after: a.after,
        reason: a.reason,
        job: a.job,
        ok: a.ok,
        error: a.error,
    }
}

/// One entitlement with its causes and the history of its Moodle changes.
#[derive(Serialize, ToSchema)]
pub struct EnrolmentDetailView {
    site: String,
    course: String,
    learner: String,
    /// `active` or `revoked`.
    desired: String,
    causes: Vec<CauseView>,
    /// The access the invoices give, from (Unix seconds); absent when revoked.
    access_from: Option<i64>,
    /// Until (Unix seconds); absent: no end, or revoked.
    access_until: Option<i64>,
    in_moodle: Option<InMoodleView>,
    job: Option<EnrolmentJobView>,
    /// The Moodle changes made for it, oldest first.
    history: Vec<ChangeView>,
}

/// One entitlement, with its causes and history.
#[utoipa::path(get, path = "/api/v1/enrolments/{site}/{course}/{learner}", tag = "enrolments",
    params(
        ("site" = String, Path, description = "The site's name"),
        ("course" = String, Path, description = "The course reference as stored (`PY101`, `id:42`)"),
        ("learner" = String, Path, description = "The learner's email"),
    ),
    responses(
        (status = 200, description = "The entitlement", body = EnrolmentDetailView),
        (status = 404, description = "No such entitlement", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Path((site, course, learner)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let missing = || not_found(format!("no entitlement of {learner} to {course} on {site}"));
    let detail = engine
        .learner_detail(&learner)
        .await
        .map_err(internal)?
        .ok_or_else(missing)?;
    let e = detail
        .enrolments
        .into_iter()
        .find(|e| e.row.site == site && e.row.course == course)
        .ok_or_else(missing)?;
    let entitlement: Option<Entitlement> = serde_json::from_value(e.row.entitlement.clone()).ok();
    let r = e.row;
    let view = EnrolmentDetailView {
        causes: entitlement.iter().flat_map(|x| &x.causes).map(cause).collect(),
        access_from: e.access.map(|(from, _)| from),
        access_until: e.access.and_then(|(_, until)| until),
        in_moodle: r.applied_status.map(|status| InMoodleView {
            status,
            timestart: r.applied_timestart.unwrap_or(0),
            timeend: r.applied_timeend.unwrap_or(0),
        }),
        job: r.job_status.map(|status| EnrolmentJobView {
            status,
            error: r.job_error,
            code: r.job_error_code,
        }),
        history: detail
            .history
            .into_iter()
            .filter(|a| a.site == r.site && a.course == r.course)
            .map(change)
            .collect(),
        site: r.site,
        course: r.course,
        learner: r.learner,
        desired: r.desired,
    };
    etag::read(&headers, &view)
}
