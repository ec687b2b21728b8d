//! The certificate template editor: colours, signatory and footer, with a preview of a sample
//! certificate that follows the form as it is typed (`assets/template-editor.js`) or on its
//! Preview button. Fields config.toml declares are shown read-only.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Administer, Posted, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_engine::Engine;
use mm_engine::certificates::template::{TemplateError, TemplateField, TemplateFieldState};
use mm_store::TemplateOverride;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "template.html")]
struct TemplatePage {
    c: Chrome,
    fields: Vec<FieldLine>,
    /// The preview image's address: the draft's values as its query.
    preview: String,
    saved: bool,
    error: Option<String>,
}

/// A field of the form.
struct FieldLine {
    name: &'static str,
    value: String,
    read_only: bool,
    colour: bool,
}

/// The template's fields as a form posts them (also the preview's query).
#[derive(Deserialize, Default, serde::Serialize)]
pub struct Draft {
    #[serde(default)]
    primary_colour: String,
    #[serde(default)]
    accent_colour: String,
    #[serde(default)]
    signatory_name: String,
    #[serde(default)]
    signatory_title: String,
    #[serde(default)]
    footer: String,
}

impl Draft {
    fn of(fields: &[TemplateFieldState]) -> Draft {
        let value = |f: TemplateField| {
            fields
                .iter()
                .find(|s| s.field == f)
                .map(|s| s.value.clone())
                .unwrap_or_default()
        };
        Draft {
            primary_colour: value(TemplateField::PrimaryColour),
            accent_colour: value(TemplateField::AccentColour),
            signatory_name: value(TemplateField::SignatoryName),
            signatory_title: value(TemplateField::SignatoryTitle),
            footer: value(TemplateField::Footer),
        }
    }

    fn get(&self, f: TemplateField) -> &str {
        match f {
            TemplateField::PrimaryColour => &self.primary_colour,
            TemplateField::AccentColour => &self.accent_colour,
            TemplateField::SignatoryName => &self.signatory_name,
            TemplateField::SignatoryTitle => &self.signatory_title,
            TemplateField::Footer => &self.footer,
        }
    }

    fn to_override(&self) -> TemplateOverride {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        TemplateOverride {
            primary_colour: some(&self.primary_colour),
            accent_colour: some(&self.accent_colour),
            signatory_name: some(&self.signatory_name),
            signatory_title: some(&self.signatory_title),
            footer: some(&self.footer),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    saved: bool,
    /// Present when the Preview button (without script) asked for a draft.
    #[serde(default)]
    preview: bool,
    #[serde(flatten)]
    draft: Draft,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/certificates");
    let states = engine.certificate_template().await?;
    let draft = if q.preview { q.draft } else { Draft::of(&states) };
    render(c, &states, &draft, q.saved, None)
}

fn render(
    c: Chrome,
    states: &[TemplateFieldState],
    draft: &Draft,
    saved: bool,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let query = serde_urlencoded::to_string(draft).map_err(|e| PageError::bad_request(&e.to_string()))?;
    let page = TemplatePage {
        fields: states
            .iter()
            .map(|s| FieldLine {
                name: s.field.as_str(),
                value: if s.declared_in_config {
                    s.value.clone()
                } else {
                    draft.get(s.field).to_owned()
                },
                read_only: s.declared_in_config,
                colour: s.field.is_colour(),
            })
            .collect(),
        preview: format!("/certificates/template/preview.png?{query}"),
        saved,
        error,
        c,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct TemplateForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    draft: Draft,
}

crate::session::csrf_form!(TemplateForm);

pub async fn save(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Administer, TemplateForm>,
) -> Result<Response, PageError> {
    let draft = &posted.form.draft;
    match engine
        .save_certificate_template(&posted.user.actor(), draft.to_override())
        .await
    {
        Ok(()) => Ok(Redirect::to("/certificates/template?saved=true").into_response()),
        Err(TemplateError::Store(e)) => Err(e.into()),
        Err(e) => {
            let c = Chrome::new(&posted.user, &headers, "/certificates");
            let error = explain(&c, &e);
            let states = engine.certificate_template().await?;
            Ok(render(c, &states, draft, false, Some(error))?.into_response())
        }
    }
}

fn explain(c: &Chrome, e: &TemplateError) -> String {
    let field = e
        .field()
        .map(|f| c.t(&format!("template-field-{f}")))
        .unwrap_or_default();
    c.t1(&format!("template-error-{}", e.code()), "field", &field)
}

/// The preview of a draft: a PNG, or a 400 naming the field at fault.
pub async fn preview(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(draft): Query<Draft>,
) -> Result<Response, PageError> {
    let c = Chrome::new(&user, &headers, "/certificates");
    match engine.preview_certificate(draft.to_override(), c.locale).await {
        Ok(png) => Ok((
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            png,
        )
            .into_response()),
        Err(TemplateError::Store(e)) => Err(e.into()),
        Err(e) => Ok((StatusCode::BAD_REQUEST, explain(&c, &e)).into_response()),
    }
}
