//! Server-rendered pages, from templates compiled into the binary (askama: a template that
//! does not compile fails the build, not a request), with their stylesheet embedded.

use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use mm_engine::Engine;
use mm_store::EntitlementRow;
use std::sync::Arc;

/// The escaper of every `.html` template (see `askama.toml`): named entities for the five
/// characters that matter in text and quoted attributes.
#[derive(Debug, Clone, Copy)]
pub struct HtmlEntities;

impl askama::filters::Escaper for HtmlEntities {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        let mut rest = string;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            dest.write_str(&rest[..i])?;
            dest.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        dest.write_str(rest)
    }
}

const STYLESHEET: &str = include_str!("../assets/app.css");
const CHART_STYLESHEET: &str = include_str!("../assets/charts.css");

fn css(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    css(STYLESHEET)
}

pub async fn chart_stylesheet() -> Response {
    css(CHART_STYLESHEET)
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub message: &'a str,
    pub detail: Option<&'a str>,
    pub home: &'a str,
}

#[derive(Template)]
#[template(path = "enrolments.html")]
struct EnrolmentsPage {
    c: crate::admin::Chrome,
    entitlements: usize,
    jobs: mm_store::JobCounts,
    rows: Vec<EnrolmentRow>,
    holds: Vec<mm_store::HoldRow>,
}

/// One table row, as the page shows it.
struct EnrolmentRow {
    learner: String,
    site: String,
    course: String,
    desired: String,
    in_moodle: String,
    causes: Vec<String>,
    job: Option<String>,
    job_error: Option<String>,
}

impl EnrolmentRow {
    fn from_row(r: EntitlementRow) -> EnrolmentRow {
        let in_moodle = match (&r.applied_status, r.applied_timeend) {
            (Some(s), Some(end)) if end > 0 => format!("{s} until {}", date(end)),
            (Some(s), _) => s.clone(),
            (None, _) => "—".into(),
        };
        EnrolmentRow {
            causes: causes(&r.entitlement),
            learner: r.learner,
            site: r.site,
            course: r.course,
            desired: r.desired,
            in_moodle,
            job: r.job_status,
            job_error: r.job_error,
        }
    }
}

/// "invoice line N (state)" for each cause of an entitlement.
fn causes(entitlement: &serde_json::Value) -> Vec<String> {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).unwrap_or("?").to_string();
    entitlement
        .get("causes")
        .and_then(|c| c.as_array())
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let state = c.get("state").and_then(|s| s.get("state"));
                    format!(
                        "{} line {} ({})",
                        text(c.get("invoice_number")),
                        text(c.get("line")),
                        text(state)
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub async fn enrolments(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let rows = engine.enrolments().await?;
    let page = EnrolmentsPage {
        c: crate::admin::Chrome::new(&user, &headers, "/enrolments"),
        entitlements: rows.len(),
        jobs: engine.jobs().await?.counts,
        holds: engine.holds().await?,
        rows: rows.into_iter().map(EnrolmentRow::from_row).collect(),
    };
    Ok(Html(page.render()?))
}

fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
