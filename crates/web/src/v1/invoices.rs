//! Invoices: the search box's hits and one invoice's story.

use super::etag;
use super::pagination::{MAX_LIMIT, Page};
use super::problem::{internal, invalid, not_found};
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use mm_core::InvoiceKey;
use mm_engine::Engine;
use mm_engine::story::{CourseStory, InvoiceStory, StoryProblem, StoryStep};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A part of the number, customer, email or product; empty: the latest invoices.
    q: Option<String>,
    /// At most this many, 1 to 500 (default 50).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceHitView {
    source: String,
    id: String,
    number: String,
    customer: String,
    email: Option<String>,
    paid: bool,
    /// Unix seconds.
    updated_at: i64,
}

/// Invoices whose number, customer, email or products contain `q`, newest change first (one
/// page: `next_cursor` is always null).
#[utoipa::path(get, path = "/api/v1/invoices", tag = "invoices", params(SearchParams),
    responses(
        (status = 200, description = "The invoices found", body = Page<InvoiceHitView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let limit = match p.limit.as_deref().filter(|l| !l.is_empty()) {
        None => 50,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=i64::from(MAX_LIMIT)).contains(n))
            .ok_or_else(|| invalid("limit", format!("limit must be a whole number from 1 to {MAX_LIMIT}")))?,
    };
    let hits = engine
        .search_invoices(p.q.as_deref().unwrap_or("").trim(), limit)
        .await
        .map_err(internal)?;
    let body = Page {
        items: hits
            .into_iter()
            .map(|h| InvoiceHitView {
                source: h.key.source,
                id: h.key.id,
                number: h.number,
                customer: h.customer,
                email: h.email,
                paid: h.paid,
                updated_at: h.updated_at.0,
            })
            .collect(),
        next_cursor: None,
    };
    etag::read(&headers, &body)
}

/// A step of the story: `seen`, `paid`, `learner-created`, `learner-matched`, `enrolled`,
/// `suspended`, `reactivated`, `updated`, `unenrolled`, `change-failed`, `progress`,
/// `completed`, `certificate-issued`, `certificate-revoked`, `emailed`.
#[derive(Serialize, ToSchema)]
pub struct StepView {
    /// Unix seconds, when known.
    at: Option<i64>,
    step: String,
    detail: String,
    job: Option<String>,
    /// The access a change gave, as Moodle holds it (`timeend` 0: no end).
    timestart: Option<i64>,
    timeend: Option<i64>,
    ok: bool,
}

fn step(s: StoryStep) -> StepView {
    StepView {
        at: s.at,
        step: s.step.to_owned(),
        detail: s.detail,
        job: s.job,
        timestart: s.access.map(|a| a.from),
        timeend: s.access.map(|a| a.until),
        ok: s.ok,
    }
}

/// The story of one course the invoice grants.
#[derive(Serialize, ToSchema)]
pub struct CourseStoryView {
    site: String,
    course: String,
    /// `active`, `suspended` or `removed`.
    desired: String,
    in_moodle: Option<String>,
    steps: Vec<StepView>,
}

fn course(c: CourseStory) -> CourseStoryView {
    CourseStoryView {
        site: c.site,
        course: c.course,
        desired: c.desired,
        in_moodle: c.in_moodle,
        steps: c.steps.into_iter().map(step).collect(),
    }
}

/// What is wrong now, and how to fix it.
#[derive(Serialize, ToSchema)]
pub struct ProblemView {
    what: String,
    fix: Option<String>,
    code: Option<String>,
}

fn problem(p: StoryProblem) -> ProblemView {
    ProblemView {
        what: p.what,
        fix: p.fix,
        code: p.code,
    }
}

/// An invoice and what happened because of it, in order.
#[derive(Serialize, ToSchema)]
pub struct StoryView {
    source: String,
    id: String,
    number: String,
    customer: String,
    email: Option<String>,
    paid: bool,
    deleted: bool,
    steps: Vec<StepView>,
    courses: Vec<CourseStoryView>,
    problems: Vec<ProblemView>,
}

fn story(s: InvoiceStory) -> StoryView {
    StoryView {
        source: s.source,
        id: s.id,
        number: s.number,
        customer: s.customer,
        email: s.email,
        paid: s.paid,
        deleted: s.deleted,
        steps: s.steps.into_iter().map(step).collect(),
        courses: s.courses.into_iter().map(course).collect(),
        problems: s.problems.into_iter().map(problem).collect(),
    }
}

/// One invoice's story: seen, paid, the learner matched or created, enrolled, progress,
/// completion, certificate and mail, and what is wrong now.
#[utoipa::path(get, path = "/api/v1/invoices/{source}/{id}", tag = "invoices",
    params(
        ("source" = String, Path, description = "The invoice source's name"),
        ("id" = String, Path, description = "The invoice's id in its source"),
    ),
    responses(
        (status = 200, description = "The story", body = StoryView),
        (status = 404, description = "Never seen", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn story_of(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Path((source, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let key = InvoiceKey::new(source, id);
    let found = engine.invoice_story(&key).await.map_err(internal)?;
    let s = found.ok_or_else(|| not_found(format!("no invoice {} from {}", key.id, key.source)))?;
    etag::read(&headers, &story(s))
}
