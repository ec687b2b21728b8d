//! Server-rendered pages, from templates compiled into the binary (askama: a template that
//! does not compile fails the build, not a request), with their stylesheet embedded.

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};

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

pub(crate) fn css(body: &'static str) -> Response {
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

const TEMPLATE_EDITOR_SCRIPT: &str = include_str!("../assets/template-editor.js");

/// The certificate template editor's live preview: the only script of the admin, and the
/// editor works without it (its Preview button).
pub async fn template_editor_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        TEMPLATE_EDITOR_SCRIPT,
    )
        .into_response()
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
