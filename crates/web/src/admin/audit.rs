//! The audit page: what operators did (who, what, on what) and what we changed in Moodle.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
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
