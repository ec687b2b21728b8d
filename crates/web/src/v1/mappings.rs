//! Mappings: every product → course mapping in force, config.toml's and the admin's.

use super::etag;
use super::pagination::Page;
use super::problem::internal;
use crate::error::ApiError;
use crate::session::{ApiCaller, Read};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use mm_engine::Engine;
use mm_store::StoredMapping;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct MappingView {
    /// The product reference on invoice lines.
    product: String,
    site: String,
    /// The course reference (`PY101`, `id:42`).
    course: String,
    /// The Moodle role's shortname.
    role: String,
    /// Access lasts this long after it starts; absent: no end.
    duration_secs: Option<i64>,
    /// `payment`, `invoice` or `enrolment`.
    starts_from: String,
    /// Fixed dates (Unix seconds), whenever paid.
    window_from: Option<i64>,
    window_until: Option<i64>,
    /// What an unpaid, credited or deleted invoice does to the access.
    on_revoke: String,
    grace_secs: i64,
    /// What removing the mapping does to the access it granted.
    on_remove: String,
    group: Option<String>,
    /// `config` (config.toml, read-only) or `ui` (the admin's).
    origin: String,
}

/// The word serde writes for a policy.
fn word(value: impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn view(s: StoredMapping) -> MappingView {
    let m = s.mapping;
    MappingView {
        course: m.course.to_string(),
        starts_from: word(m.starts_from),
        on_revoke: word(m.on_revoke),
        on_remove: word(m.on_remove),
        window_from: m.window.map(|(from, _)| from.0),
        window_until: m.window.map(|(_, until)| until.0),
        product: m.product,
        site: m.site,
        role: m.role,
        duration_secs: m.duration_secs,
        grace_secs: m.grace_secs,
        group: m.group,
        origin: s.origin.as_str().to_owned(),
    }
}

/// Every mapping in force (one page: `next_cursor` is null).
#[utoipa::path(get, path = "/api/v1/mappings", tag = "mappings",
    responses(
        (status = 200, description = "The mappings", body = Page<MappingView>),
        (status = 304, description = "Not modified (If-None-Match)"),
    ))]
pub async fn list(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mappings = engine.mapping_list().await.map_err(internal)?;
    let body = Page {
        items: mappings.into_iter().map(view).collect(),
        next_cursor: None,
    };
    etag::read(&headers, &body)
}
