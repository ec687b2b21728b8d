//! The API's reference page, rendered by the binary from the OpenAPI document: each tag, its
//! operations (method, path, summary, parameters, request and response schemas) and the
//! schemas. Its labels come from `api-docs.ftl`; the summaries and descriptions are the
//! handlers' doc comments, in English (one source for the document and the page).

use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use mm_i18n::Locale;
use serde_json::Value;
use utoipa::openapi::OpenApi as Document;

const STYLESHEET: &str = include_str!("../../assets/api-docs.css");

pub async fn stylesheet() -> Response {
    crate::pages::css(STYLESHEET)
}

/// The page's labels in the reader's language.
struct Labels {
    title: String,
    auth: String,
    document: String,
    contents: String,
    parameters: String,
    request: String,
    responses: String,
    schemas: String,
    name: String,
    location: String,
    kind: String,
    required: String,
    description: String,
    status: String,
    schema: String,
    yes: String,
    no: String,
}

impl Labels {
    fn of(locale: Locale) -> Labels {
        let t = |key: &str| mm_i18n::text(locale, key, &[]);
        Labels {
            title: t("api-docs-title"),
            auth: t("api-docs-auth"),
            document: t("api-docs-document"),
            contents: t("api-docs-contents"),
            parameters: t("api-docs-parameters"),
            request: t("api-docs-request"),
            responses: t("api-docs-responses"),
            schemas: t("api-docs-schemas"),
            name: t("api-docs-name"),
            location: t("api-docs-location"),
            kind: t("api-docs-kind"),
            required: t("api-docs-required"),
            description: t("api-docs-description"),
            status: t("api-docs-status"),
            schema: t("api-docs-schema"),
            yes: t("api-docs-yes"),
            no: t("api-docs-no"),
        }
    }
}

struct Tag {
    name: String,
    description: String,
    operations: Vec<Operation>,
}

struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    parameters: Vec<Parameter>,
    request: Option<String>,
    responses: Vec<Answer>,
}

struct Parameter {
    name: String,
    location: String,
    kind: String,
    required: bool,
    description: String,
}

struct Answer {
    status: String,
    description: String,
    schema: Option<String>,
}

struct Schema {
    name: String,
    json: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    lang: &'static str,
    t: Labels,
    intro: String,
    tags: Vec<Tag>,
    schemas: Vec<Schema>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn parameter(p: &Value) -> Parameter {
    let schema = p.get("schema").cloned().unwrap_or(Value::Null);
    let kind = match schema.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
        _ => String::new(),
    };
    Parameter {
        name: text(p, "name"),
        location: text(p, "in"),
        kind,
        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        description: text(p, "description"),
    }
}

fn operation(method: &str, path: &str, op: &Value) -> Operation {
    let content_schema = |v: &Value| {
        v.get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .map(pretty)
    };
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|r| {
            r.iter()
                .map(|(status, v)| Answer {
                    status: status.clone(),
                    description: text(v, "description"),
                    schema: content_schema(v),
                })
                .collect()
        })
        .unwrap_or_default();
    Operation {
        anchor: text(op, "operationId"),
        method: method.to_owned(),
        path: path.to_owned(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        parameters: op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().map(parameter).collect())
            .unwrap_or_default(),
        request: op.get("requestBody").and_then(content_schema),
        responses,
    }
}

fn tags(doc: &Value) -> Vec<Tag> {
    let mut tags: Vec<Tag> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .map(|t| Tag {
                    name: text(t, "name"),
                    description: text(t, "description"),
                    operations: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let paths = doc.get("paths").and_then(Value::as_object).cloned().unwrap_or_default();
    for (path, item) in &paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let tag = op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if !tags.iter().any(|t| t.name == tag) {
                tags.push(Tag {
                    name: tag.clone(),
                    description: String::new(),
                    operations: Vec::new(),
                });
            }
            if let Some(t) = tags.iter_mut().find(|t| t.name == tag) {
                t.operations.push(operation(method, path, op));
            }
        }
    }
    tags
}

/// The reference page of `doc`, in the reader's language (`Accept-Language`).
pub fn page(doc: &Document, headers: &HeaderMap) -> Response {
    let locale = crate::admin::reader_locale(None, headers);
    let value = serde_json::to_value(doc).unwrap_or(Value::Null);
    let schemas = value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .map(|(name, schema)| Schema {
                    name: name.clone(),
                    json: pretty(schema),
                })
                .collect()
        })
        .unwrap_or_default();
    let page = DocsPage {
        lang: locale.tag(),
        t: Labels::of(locale),
        intro: value
            .pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        tags: tags(&value),
        schemas,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::error::ApiError::internal("API reference page", e).into_response(),
    }
}
