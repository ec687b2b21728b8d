//! The audit logs: what was changed in Moodle (and why), and what operators did.

use super::etag;
use super::pagination::{Keyset, Page};
use super::problem::internal;
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use mm_engine::Engine;
use mm_store::{AuditRecord, OperatorActionRecord};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries containing this text (learner, course, site, action; or actor, object).
    search: Option<String>,
    /// Page size, 1–500 (default 50).
    limit: Option<String>,
    /// `next_cursor` of the page before.
    cursor: Option<String>,
}

/// The page asked for: how many, older than which entry, matching what.
struct Window {
    search: Option<String>,
    keyset: Keyset,
}

impl AuditParams {
    fn window(self) -> Result<Window, ApiError> {
        Ok(Window {
            keyset: Keyset::parse(self.cursor.as_deref(), self.limit.as_deref())?,
            search: self.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        })
    }

    /// How many rows to read: one more than the page, to know whether a next one exists.
    fn rows(w: &Window) -> i64 {
        i64::from(w.keyset.limit) + 1
    }
}

/// One page of `rows` read with one row more than `limit`: the extra one says a next page exists.
fn page<R, V: ToSchema>(mut rows: Vec<R>, w: &Window, id: impl Fn(&R) -> i64, view: impl Fn(R) -> V) -> Page<V> {
    let limit = usize::try_from(w.keyset.limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    Page {
        next_cursor: more.then(|| rows.last().map(|r| Keyset::cursor_after(id(r)))).flatten(),
        items: rows.into_iter().map(view).collect(),
    }
}

/// One change made (or tried) in Moodle.
#[derive(Serialize, ToSchema)]
pub struct AuditChangeView {
    id: i64,
    /// Unix seconds.
    at: i64,
    site: String,
    course: String,
    learner: String,
    /// `enrol`, `suspend`, `unenrol`, …
    action: String,
    /// The enrolment before and after, as JSON text.
    before: Option<String>,
    after: Option<String>,
    /// Why: the invoices and policies behind it.
    reason: String,
    job: String,
    ok: bool,
    error: Option<String>,
}

fn change(r: AuditRecord) -> AuditChangeView {
    AuditChangeView {
        id: r.id,
        at: r.at,
        site: r.site,
        course: r.course,
        learner: r.learner,
        action: r.action,
        before: r.before,
        after: r.after,
        reason: r.reason,
        job: r.job,
        ok: r.ok,
        error: r.error,
    }
}

/// The changes made in Moodle, newest first.
#[utoipa::path(get, path = "/api/v1/audit/changes", tag = "audit", params(AuditParams),
    responses(
        (status = 200, description = "A page of changes", body = Page<AuditChangeView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn changes(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<AuditParams>,
) -> Result<Response, ApiError> {
    let w = p.window()?;
    let rows = engine
        .audit_search_before(w.search.as_deref(), w.keyset.before, AuditParams::rows(&w))
        .await
        .map_err(internal)?;
    etag::read(&headers, &page(rows, &w, |r| r.id, change))
}

/// One thing an operator did (a user, the command line or an API token).
#[derive(Serialize, ToSchema)]
pub struct AuditActionView {
    id: i64,
    /// Unix seconds.
    at: i64,
    /// A user's email, `cli`, `admin-token` or `token:<name>` (an API token).
    actor: String,
    /// A stable name: `job.retry`, `certificate.revoke`, `user.add`, …
    action: String,
    object: String,
    detail: Option<String>,
    ok: bool,
}

fn action(r: OperatorActionRecord) -> AuditActionView {
    AuditActionView {
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        object: r.object,
        detail: r.detail,
        ok: r.ok,
    }
}

/// What operators did, newest first.
#[utoipa::path(get, path = "/api/v1/audit/actions", tag = "audit", params(AuditParams),
    responses(
        (status = 200, description = "A page of operator actions", body = Page<AuditActionView>),
        (status = 400, description = "A parameter does not parse; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn actions(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Query(p): Query<AuditParams>,
) -> Result<Response, ApiError> {
    let w = p.window()?;
    let rows = engine
        .operator_actions_before(w.search.as_deref(), w.keyset.before, AuditParams::rows(&w))
        .await
        .map_err(internal)?;
    etag::read(&headers, &page(rows, &w, |r| r.id, action))
}
