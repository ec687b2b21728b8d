//! Certificates: the list, filtered, newest first, a page at a time.

use super::etag;
use super::pagination::{Page, Position};
use super::problem::internal;
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use mm_engine::Engine;
use mm_store::{CertificateFilter, CertificateRow};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    site: Option<String>,
    /// The course reference as stored (`PY101`, `id:42`).
    course: Option<String>,
    /// The learner's email.
    learner: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CertificateView {
    /// The public code (`/verify/{code}`).
    code: String,
    /// The printed number.
    number: String,
    site: String,
    course: String,
    learner: String,
    learner_name: String,
    course_name: String,
    version: u32,
    /// Unix seconds.
    completed_at: i64,
    issued_at: i64,
    valid_until: Option<i64>,
    /// `completion` or `admin`.
    cause: String,
    /// `valid`, `revoked`, `superseded` or `expired`.
    standing: String,
    revoked_at: Option<i64>,
    revoked_reason: Option<String>,
    superseded_by: Option<String>,
    emailed_at: Option<i64>,
}

fn view(standing: &str, r: CertificateRow) -> CertificateView {
    let c = r.cert;
    CertificateView {
        code: c.code,
        number: c.number,
        site: c.key.site,
        course: c.key.course.to_string(),
        learner: c.key.learner.as_str().to_owned(),
        learner_name: c.learner_name,
        course_name: c.course_name,
        version: c.version,
        completed_at: c.completed_at.0,
        issued_at: c.issued_at.0,
        valid_until: c.valid_until.map(|t| t.0),
        cause: c.cause,
        standing: standing.to_owned(),
        revoked_at: r.revoked.as_ref().map(|v| v.at.0),
        revoked_reason: r.revoked.map(|v| v.reason),
        superseded_by: r.superseded_by,
        emailed_at: r.emailed_at.map(|t| t.0),
    }
}

fn text(given: Option<String>) -> Option<String> {
    given.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The certificates, newest first, filtered by site, course or learner.
#[utoipa::path(get, path = "/api/v1/certificates", tag = "certificates", params(ListParams),
    responses(
        (status = 200, description = "A page of certificates", body = Page<CertificateView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let at = Position::parse(p.cursor.as_deref(), p.limit.as_deref())?;
    let filter = CertificateFilter {
        site: text(p.site),
        course: text(p.course),
        learner: text(p.learner).map(|l| l.to_lowercase()),
    };
    // One row past the page says whether another follows.
    let mut rows = engine
        .certificates_page(&filter, at.offset(), i64::from(at.per_page) + 1)
        .await
        .map_err(internal)?;
    let per_page = usize::try_from(at.per_page).unwrap_or(usize::MAX);
    let more = rows.len() > per_page;
    rows.truncate(per_page);
    let items = rows
        .into_iter()
        .map(|r| view(engine.certificate_standing(&r), r))
        .collect();
    let body = Page {
        items,
        next_cursor: at.next_if(more),
    };
    etag::read(&headers, &body)
}
