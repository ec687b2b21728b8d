//! The audit page: what operators did (who, what, on what) and what we changed in Moodle.

use super::chrome::Chrome;
use super::csv_file::CsvFile;
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use mm_engine::Engine;
use mm_store::{AuditRecord, OperatorActionRecord};
use serde::Deserialize;
use std::sync::Arc;

/// Entries each table shows, newest first.
const ROWS: i64 = 200;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    q: String,
    actions: Vec<OperatorActionRecord>,
    changes: Vec<AuditRecord>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    q: Option<String>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(query): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/audit");
    let q = query.q.unwrap_or_default();
    let search = Some(q.as_str()).filter(|s| !s.trim().is_empty());
    let actions = engine.operator_actions(search, ROWS).await?;
    let changes = engine.audit_search(search, ROWS).await?;
    Ok(Html(AuditPage { c, q, actions, changes }.render()?))
}

/// Entries an export holds at most: the audit log of a busy year fits; the CLI's database
/// backup has it all.
const EXPORT_ROWS: i64 = 1_000_000;

/// What operators did, as CSV: every entry of the search, newest first.
pub async fn export_actions(
    State(engine): State<Arc<Engine>>,
    _user: User<Read>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let q = query.q.unwrap_or_default();
    let search = Some(q.as_str()).filter(|s| !s.trim().is_empty());
    let mut file = CsvFile::new(&["at", "actor", "action", "object", "detail", "ok"])?;
    for a in engine.operator_actions(search, EXPORT_ROWS).await? {
        let at = a.at.to_string();
        let ok = if a.ok { "true" } else { "false" };
        file.row([
            at.as_str(),
            &a.actor,
            &a.action,
            &a.object,
            a.detail.as_deref().unwrap_or(""),
            ok,
        ]);
    }
    file.into_response("operator-actions.csv")
}

/// What we changed in Moodle, as CSV: every entry of the search, newest first.
pub async fn export_changes(
    State(engine): State<Arc<Engine>>,
    _user: User<Read>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let q = query.q.unwrap_or_default();
    let search = Some(q.as_str()).filter(|s| !s.trim().is_empty());
    let mut file = CsvFile::new(&[
        "at", "site", "course", "learner", "action", "before", "after", "reason", "job", "ok", "error",
    ])?;
    for r in engine.audit_search(search, EXPORT_ROWS).await? {
        let at = r.at.to_string();
        let ok = if r.ok { "true" } else { "false" };
        file.row([
            at.as_str(),
            &r.site,
            &r.course,
            &r.learner,
            &r.action,
            r.before.as_deref().unwrap_or(""),
            r.after.as_deref().unwrap_or(""),
            &r.reason,
            &r.job,
            ok,
            r.error.as_deref().unwrap_or(""),
        ]);
    }
    file.into_response("moodle-changes.csv")
}
