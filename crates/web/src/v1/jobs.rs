//! The enrolment job queue: the failing and dead jobs; retry or discard one dead job, or all.

use super::etag;
use super::pagination::Page;
use super::problem::{Body, internal};
use crate::error::ApiError;
use crate::session::{ApiCaller, Operate, Read};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mm_core::{CourseRef, Email, EntitlementKey};
use mm_engine::Engine;
use mm_engine::jobs::DeadJobs;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// A job backing off (`failing`) or parked for an admin (`dead`), with its last error.
#[derive(Serialize, ToSchema)]
pub struct JobView {
    site: String,
    course: String,
    learner: String,
    /// `failing` or `dead`.
    status: String,
    error: String,
    /// The error's stable code, when typed.
    code: Option<String>,
}

/// The jobs backing off or parked, with their last error (one page: `next_cursor` is null).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs",
    responses(
        (status = 200, description = "The failing and dead jobs", body = Page<JobView>),
    ))]
pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let jobs = engine.failing_jobs().await.map_err(internal)?;
    let body = Page {
        items: jobs
            .into_iter()
            .map(|j| JobView {
                site: j.key.site,
                course: j.key.course.to_string(),
                learner: j.key.learner.as_str().to_owned(),
                status: j.status,
                error: j.error,
                code: j.code,
            })
            .collect(),
        next_cursor: None,
    };
    etag::read(&headers, &body)
}

/// Which dead jobs: one entitlement's (`site`, `course`, `learner`), or every one (`all`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"all": true}))]
pub struct JobTarget {
    #[serde(default)]
    all: bool,
    site: Option<String>,
    /// The course reference (`PY101`, `id:42`).
    course: Option<String>,
    learner: Option<String>,
}

impl JobTarget {
    fn which(self) -> Result<DeadJobs, ApiError> {
        if self.all {
            return Ok(DeadJobs::All);
        }
        let need = |field: &'static str, v: Option<String>| {
            v.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-body",
                    format!("name the job by site, course and learner, or send \"all\": true; {field} is missing"),
                )
                .field(field)
            })
        };
        let site = need("site", self.site)?;
        let course = need("course", self.course)?;
        let learner = need("learner", self.learner)?;
        let bad = |field: &'static str, e: String| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", e).field(field)
        };
        Ok(DeadJobs::One(EntitlementKey {
            site,
            course: CourseRef::parse(&course).map_err(|e| bad("course", e.to_string()))?,
            learner: Email::parse(&learner).map_err(|e| bad("learner", e.to_string()))?,
        }))
    }
}

/// How many jobs an action touched.
#[derive(Serialize, ToSchema)]
pub struct Touched {
    pub(super) count: u64,
}

/// Queues dead jobs again, due now: one entitlement's, or all of them.
#[utoipa::path(post, path = "/api/v1/jobs/retry", tag = "jobs", request_body = JobTarget,
    responses(
        (status = 200, description = "How many were queued again", body = Touched),
        (status = 422, description = "The body does not name the jobs; `field` says what is missing", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry(
    State(engine): State<Arc<Engine>>,
    caller: ApiCaller<Operate>,
    Body(target): Body<JobTarget>,
) -> Result<Json<Touched>, ApiError> {
    let which = target.which()?;
    let count = engine.retry_dead_jobs(&which, &caller.actor).await.map_err(internal)?;
    Ok(Json(Touched { count }))
}

/// Drops dead jobs (planned again on their key's next change or sweep): one, or all of them.
#[utoipa::path(post, path = "/api/v1/jobs/discard", tag = "jobs", request_body = JobTarget,
    responses(
        (status = 200, description = "How many were dropped", body = Touched),
        (status = 422, description = "The body does not name the jobs; `field` says what is missing", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn discard(
    State(engine): State<Arc<Engine>>,
    caller: ApiCaller<Operate>,
    Body(target): Body<JobTarget>,
) -> Result<Json<Touched>, ApiError> {
    let which = target.which()?;
    let count = engine
        .discard_dead_jobs(&which, &caller.actor)
        .await
        .map_err(internal)?;
    Ok(Json(Touched { count }))
}
