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
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Entries each table shows a page of, newest first.
const ROWS: i64 = 100;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    q: String,
    actions: Vec<OperatorActionRecord>,
    changes: Vec<AuditRecord>,
    /// The query strings of each table's next (older) page, when there is one.
    older_actions: Option<String>,
    older_changes: Option<String>,
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct AuditQuery {
    q: Option<String>,
    /// Each table's page: the entries older than this id.
    actions_before: Option<i64>,
    changes_before: Option<i64>,
}

/// A full page has a next one (at worst an empty page says "nothing older").
fn older(rows: usize, last: Option<i64>, next: impl FnOnce(i64) -> AuditQuery) -> Option<String> {
    let last = last.filter(|_| i64::try_from(rows).is_ok_and(|n| n == ROWS))?;
    serde_urlencoded::to_string(next(last)).ok()
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(query): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/audit");
    let q = query.q.clone().unwrap_or_default();
    let search = Some(q.as_str()).filter(|s| !s.trim().is_empty());
    let actions = engine
        .operator_actions_before(search, query.actions_before, ROWS)
        .await?;
    let changes = engine.audit_search_before(search, query.changes_before, ROWS).await?;
    let older_actions = older(actions.len(), actions.last().map(|a| a.id), |id| AuditQuery {
        actions_before: Some(id),
        ..query.clone()
    });
    let older_changes = older(changes.len(), changes.last().map(|a| a.id), |id| AuditQuery {
        changes_before: Some(id),
        ..query.clone()
    });
    let page = AuditPage {
        c,
        q,
        actions,
        changes,
        older_actions,
        older_changes,
    };
    Ok(Html(page.render()?))
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
