//! Mappings: every product → course mapping in force, config.toml's and the admin's; the
//! admin's added and removed.

use super::etag;
use super::pagination::Page;
use super::problem::{Body, internal, invalid, not_found};
use crate::error::ApiError;
use crate::session::{Administer, ApiCaller, Read};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mm_core::CourseRef;
use mm_engine::Engine;
use mm_engine::mappings::{MappingDraft, MappingError, MappingKey};
use mm_store::{MappingOrigin, StoredMapping};
use serde::{Deserialize, Serialize};
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

/// A mapping to add, as the admin's form takes it: empty members mean the defaults (role
/// `student`, the site's policies, no end).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({"product": "PY-201", "site": "main", "course": "PY101", "duration": "365d"}))]
pub struct MappingBody {
    product: String,
    site: String,
    /// A shortname, `id:42` or `idnumber:X`.
    course: String,
    role: String,
    /// `365d`, `12h`.
    duration: String,
    /// Fixed dates (`2027-01-11`) instead of a duration.
    starts: String,
    ends: String,
    /// `suspend` or `unenrol`.
    on_revoke: String,
    /// `14d`.
    grace: String,
    /// `keep` or `revoke`.
    on_remove: String,
    group: String,
    /// `payment`, `invoice` or `enrolment`.
    starts_from: String,
}

impl From<MappingBody> for MappingDraft {
    fn from(b: MappingBody) -> MappingDraft {
        MappingDraft {
            product: b.product,
            site: b.site,
            course: b.course,
            role: b.role,
            duration: b.duration,
            starts: b.starts,
            ends: b.ends,
            on_revoke: b.on_revoke,
            grace: b.grace,
            on_remove: b.on_remove,
            group: b.group,
            starts_from: b.starts_from,
        }
    }
}

/// A refused mapping change: which field and why, or that config.toml holds it.
fn refusal(e: MappingError) -> ApiError {
    match e {
        MappingError::Invalid(errors) => {
            let field = errors.first().map(|f| f.field);
            let error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-mapping",
                MappingError::Invalid(errors).to_string(),
            );
            match field {
                Some(f) => error.field(f),
                None => error,
            }
        }
        MappingError::NotEditable(what) => ApiError::new(
            StatusCode::CONFLICT,
            "declared-in-config",
            MappingError::NotEditable(what).to_string(),
        ),
        MappingError::Store(e) => internal(e),
    }
}

/// Adds a mapping (or replaces the admin's one for the same product, site and course), each
/// field checked against the sites and Moodle's live course list. Paid invoices of the product
/// enrol at the next pass.
#[utoipa::path(post, path = "/api/v1/mappings", tag = "mappings", request_body = MappingBody,
    responses(
        (status = 201, description = "The mapping as saved", body = MappingView),
        (status = 409, description = "config.toml declares this mapping: change it there", body = super::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid; `field` names it", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(engine): State<Arc<Engine>>,
    caller: ApiCaller<Administer>,
    Body(body): Body<MappingBody>,
) -> Result<(StatusCode, Json<MappingView>), ApiError> {
    let mapping = engine
        .save_mapping(&caller.actor, &body.into())
        .await
        .map_err(refusal)?;
    let saved = StoredMapping {
        mapping,
        origin: MappingOrigin::Ui,
    };
    Ok((StatusCode::CREATED, Json(view(saved))))
}

/// The mapping in force for a product, site and course, as `mapping_list` holds it.
async fn find(engine: &Engine, product: &str, site: &str, course: &str) -> Result<StoredMapping, ApiError> {
    let course_ref = CourseRef::parse(course).map_err(|e| invalid("course", e.to_string()))?;
    engine
        .mapping_list()
        .await
        .map_err(internal)?
        .into_iter()
        .find(|m| m.mapping.product == product && m.mapping.site == site && m.mapping.course == course_ref)
        .ok_or_else(|| not_found(format!("no mapping of {product} to {site}/{course}")))
}

/// One mapping; its ETag is what a removal's `If-Match` sends.
#[utoipa::path(get, path = "/api/v1/mappings/{product}/{site}/{course}", tag = "mappings",
    params(
        ("product" = String, Path, description = "The product reference"),
        ("site" = String, Path, description = "The Moodle site"),
        ("course" = String, Path, description = "The course reference (`PY101`, `id:42`)"),
    ),
    responses(
        (status = 200, description = "The mapping", body = MappingView),
        (status = 404, description = "No such mapping", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(engine): State<Arc<Engine>>,
    _caller: ApiCaller<Read>,
    headers: HeaderMap,
    Path((product, site, course)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let found = find(&engine, &product, &site, &course).await?;
    etag::read(&headers, &view(found))
}

/// Removes a mapping made in the admin (config.toml's are changed there); what it granted
/// follows its `on_remove`. Send `If-Match` with the mapping's ETag.
#[utoipa::path(delete, path = "/api/v1/mappings/{product}/{site}/{course}", tag = "mappings",
    params(
        ("product" = String, Path, description = "The product reference"),
        ("site" = String, Path, description = "The Moodle site"),
        ("course" = String, Path, description = "The course reference (`PY101`, `id:42`)"),
        ("If-Match" = String, Header, description = "The ETag of the mapping as last read"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such mapping", body = super::Problem, content_type = "application/problem+json"),
        (status = 409, description = "config.toml declares this mapping: change it there", body = super::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The mapping changed since read: read again", body = super::Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = super::Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove(
    State(engine): State<Arc<Engine>>,
    caller: ApiCaller<Administer>,
    headers: HeaderMap,
    Path((product, site, course)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let found = find(&engine, &product, &site, &course).await?;
    etag::check(&headers, &view(found.clone()))?;
    engine
        .remove_mapping(&caller.actor, &MappingKey::of(&found.mapping))
        .await
        .map_err(refusal)?;
    Ok(StatusCode::NO_CONTENT)
}
