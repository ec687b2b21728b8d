//! Learners: the searched, sorted list and one learner with their accounts, enrolments,
//! certificates, invoices and history.

use super::enrolments::{ChangeView, change};
use super::etag;
use super::pagination::{Page, Position, sort_of};
use super::problem::{internal, not_found};
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use mm_engine::Engine;
use mm_engine::learner_page::{LearnerDetail, LearnerEnrolment, LearnerQuery};
use mm_store::{CertificateRow, LearnerFilter, LearnerSort, SortDirection};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A part of the email or name, any case.
    search: Option<String>,
    /// `email`, `name`, `courses` or `updated`; a leading `-` sorts descending.
    sort: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LearnerView {
    email: String,
    name: String,
    /// Courses they have an entitlement to, active or not.
    courses: i64,
    /// Of those, the active ones.
    active: i64,
    /// Unix seconds.
    updated_at: i64,
}

/// The learners (one per email), searched and sorted, a page at a time.
#[utoipa::path(get, path = "/api/v1/learners", tag = "learners", params(ListParams),
    responses(
        (status = 200, description = "A page of learners", body = Page<LearnerView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let at = Position::parse(p.cursor.as_deref(), p.limit.as_deref())?;
    let (sort, descending) = sort_of(p.sort.as_deref(), &["email", "name", "courses", "updated"])?;
    let query = LearnerQuery {
        filter: LearnerFilter {
            search: p.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        },
        sort: match sort {
            Some("name") => LearnerSort::Name,
            Some("courses") => LearnerSort::Courses,
            Some("updated") => LearnerSort::Updated,
            _ => LearnerSort::Email,
        },
        direction: if descending {
            SortDirection::Desc
        } else {
            SortDirection::Asc
        },
        page: at.page,
        per_page: at.per_page,
    };
    let page = engine.learner_page(&query).await.map_err(internal)?;
    let body = Page {
        next_cursor: at.next(page.total),
        items: page
            .rows
            .into_iter()
            .map(|r| LearnerView {
                email: r.email,
                name: r.name,
                courses: r.courses,
                active: r.active,
                updated_at: r.updated_at.0,
            })
            .collect(),
    };
    etag::read(&headers, &body)
}

/// Their Moodle account on one site.
#[derive(Serialize, ToSchema)]
pub struct AccountView {
    site: String,
    user_id: i64,
    /// We created it; else an existing account was matched.
    created: bool,
    since: Option<i64>,
}

/// One of their entitlements with what Moodle holds and their progress.
#[derive(Serialize, ToSchema)]
pub struct LearnerEnrolmentView {
    site: String,
    course: String,
    /// `active` or `revoked`.
    desired: String,
    /// What Moodle holds: `active` or `suspended`.
    in_moodle: Option<String>,
    job: Option<String>,
    /// Activities complete, 0–100.
    percent: Option<f64>,
    completed_at: Option<i64>,
    grade: Option<String>,
}

fn enrolment(e: LearnerEnrolment) -> LearnerEnrolmentView {
    let p = e.progress;
    LearnerEnrolmentView {
        site: e.row.site,
        course: e.row.course,
        desired: e.row.desired,
        in_moodle: e.row.applied_status,
        job: e.row.job_status,
        percent: p.as_ref().and_then(|p| p.percent),
        completed_at: p.as_ref().and_then(|p| p.completed_at),
        grade: p.and_then(|p| p.grade),
    }
}

#[derive(Serialize, ToSchema)]
pub struct CertificateSummary {
    code: String,
    number: String,
    site: String,
    course: String,
    version: u32,
    /// Unix seconds.
    issued_at: i64,
    revoked: bool,
    superseded_by: Option<String>,
}

fn certificate(c: CertificateRow) -> CertificateSummary {
    CertificateSummary {
        code: c.cert.code,
        number: c.cert.number,
        site: c.cert.key.site,
        course: c.cert.key.course.to_string(),
        version: c.cert.version,
        issued_at: c.cert.issued_at.0,
        revoked: c.revoked.is_some(),
        superseded_by: c.superseded_by,
    }
}

#[derive(Serialize, ToSchema)]
pub struct LearnerInvoiceView {
    source: String,
    id: String,
    number: String,
    paid: bool,
    deleted: bool,
}

/// One learner, as their admin page shows them.
#[derive(Serialize, ToSchema)]
pub struct LearnerDetailView {
    email: String,
    name: String,
    accounts: Vec<AccountView>,
    enrolments: Vec<LearnerEnrolmentView>,
    certificates: Vec<CertificateSummary>,
    invoices: Vec<LearnerInvoiceView>,
    /// The Moodle changes made for them, oldest first.
    history: Vec<ChangeView>,
}

fn detail(d: LearnerDetail) -> LearnerDetailView {
    LearnerDetailView {
        email: d.email,
        name: d.name,
        accounts: d
            .accounts
            .into_iter()
            .map(|a| AccountView {
                site: a.site,
                user_id: a.user_id,
                created: a.created,
                since: a.since,
            })
            .collect(),
        enrolments: d.enrolments.into_iter().map(enrolment).collect(),
        certificates: d.certificates.into_iter().map(certificate).collect(),
        invoices: d
            .invoices
            .into_iter()
            .map(|i| LearnerInvoiceView {
                source: i.key.source,
                id: i.key.id,
                number: i.number,
                paid: i.paid,
                deleted: i.deleted,
            })
            .collect(),
        history: d.history.into_iter().map(change).collect(),
    }
}

/// One learner: accounts, enrolments with progress, certificates, invoices, history.
#[utoipa::path(get, path = "/api/v1/learners/{email}", tag = "learners",
    params(("email" = String, Path, description = "The learner's email")),
    responses(
        (status = 200, description = "The learner", body = LearnerDetailView),
        (status = 404, description = "No learner of that email", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Path(email): Path<String>,
) -> Result<Response, ApiError> {
    let found = engine.learner_detail(&email).await.map_err(internal)?;
    let d = found.ok_or_else(|| not_found(format!("we know no learner {email}")))?;
    etag::read(&headers, &detail(d))
}
