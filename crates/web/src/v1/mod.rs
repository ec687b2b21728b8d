//! The versioned JSON API, `/api/v1/…`, over the same engine services as the admin pages.
//! Each handler parses, calls one engine service and answers a view; the OpenAPI 3.1 document
//! is generated from the handlers' `#[utoipa::path]` annotations and the views' schemas, so a
//! route and its documentation are registered together ([`parts`]). Summaries and descriptions
//! come from the doc comments, in English; the reference page's own labels are translated.

mod audit;
mod certificates;
mod dashboard;
mod docs;
mod enrolments;
mod etag;
mod events;
mod invoices;
mod jobs;
mod learners;
mod mappings;
mod pagination;
mod problem;
mod users;

use axum::Router;
use axum::routing::get;
use mm_engine::Engine;
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MoodleManagement API",
        version = "1",
        description = "Paid invoices enrol learners in Moodle. Authenticate with `Authorization: Bearer mmt_…` \
                       (an API token: scope read for GET, write for actions, admin for users, sites and sources)."
    ),
    security(("bearer" = [])),
    components(schemas(Problem)),
    tags(
        (name = "dashboard", description = "The dashboard's figures"),
        (name = "enrolments", description = "Entitlements and their enrolments in Moodle, with causes and history"),
        (name = "invoices", description = "Invoices and their story"),
        (name = "learners", description = "Learners, their accounts, enrolments and certificates"),
        (name = "jobs", description = "The enrolment job queue: failing and dead jobs, retry and discard"),
        (name = "mappings", description = "Products mapped to Moodle courses"),
        (name = "certificates", description = "Certificates issued on completion"),
        (name = "users", description = "The admin's users (admin scope)"),
        (name = "audit", description = "The audit logs: changes made in Moodle, and operators' actions"),
        (name = "events", description = "Outbound events: subscribers, deliveries and redelivery"),
    )
)]
struct ApiDoc;

/// What every operation shares, added once: the bearer scheme, 304 on every read, the problem
/// answers for a
/// missing, unknown or expired token (401) and a scope too narrow (403), and on each one that
/// acts the optional `Idempotency-Key` header (`crate::idempotency::guard`).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        for item in doc.paths.paths.values_mut() {
            // Every read answers with an ETag (`etag::read`), so every read may answer 304.
            if let Some(get) = item.get.as_mut() {
                get.responses.responses.entry("304".to_owned()).or_insert_with(|| {
                    RefOr::T(
                        utoipa::openapi::ResponseBuilder::new()
                            .description("Not modified (If-None-Match)")
                            .build(),
                    )
                });
            }
            for operation in [&mut item.post, &mut item.patch, &mut item.delete]
                .into_iter()
                .flatten()
            {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(idempotency_key_parameter());
            }
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                for (status, what) in [
                    ("401", "No token, or one unknown, expired or revoked"),
                    ("403", "The token's scope (or the user's role) may not do this"),
                ] {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::T(problem::response(what)));
                }
            }
        }
    }
}

/// `Idempotency-Key`: the same key and body replay the first answer; another body → 422.
fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "1 to 255 printable ASCII characters (a UUID): sent again with the same body within 24 h, \
             the first answer is replayed with `Idempotency-Replayed: true` instead of acting twice; \
             another body with the same key answers 422 `idempotency-key-reused`",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255)),
        ))
        .build()
}

/// The v1 routes and the document that describes them, from one registration each.
pub fn parts() -> (Router<Arc<Engine>>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(dashboard::figures))
        .routes(routes!(enrolments::list))
        .routes(routes!(enrolments::one))
        .routes(routes!(invoices::search))
        .routes(routes!(invoices::story_of))
        .routes(routes!(learners::list))
        .routes(routes!(learners::one))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::retry))
        .routes(routes!(jobs::discard))
        .routes(routes!(certificates::list))
        .routes(routes!(mappings::list, mappings::create))
        .routes(routes!(mappings::one, mappings::remove))
        .routes(routes!(users::list))
        .routes(routes!(users::one, users::change))
        .routes(routes!(events::subscribers))
        .routes(routes!(events::deliveries))
        .routes(routes!(events::redeliver))
        .routes(routes!(audit::changes))
        .routes(routes!(audit::actions))
        .split_for_parts();
    // The conventions reach the operations only once they are registered.
    Conventions.modify(&mut doc);
    (router, doc)
}

/// Every documented operation as (method, path), for the test that compares the router with the
/// document it serves.
pub fn operations(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
        ];
        for (method, operation) in methods {
            if operation.is_some() {
                out.push((method.to_owned(), path.clone()));
            }
        }
    }
    out
}

/// `/api/v1/…`: the routes, the document at `/api/v1/openapi.json` and its reference page.
pub fn routes() -> Router<Arc<Engine>> {
    let (router, doc) = parts();
    let doc = Arc::new(doc);
    let json = doc.clone();
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { axum::Json(json.as_ref().clone()) }
            }),
        )
        .route(
            "/api/v1/docs",
            get(move |headers: axum::http::HeaderMap| {
                let doc = doc.clone();
                async move { docs::page(&doc, &headers) }
            }),
        )
        .route("/api/v1/docs.css", get(docs::stylesheet))
        .route("/api/v1/{*rest}", axum::routing::any(problem::no_route))
}
