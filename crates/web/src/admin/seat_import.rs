//! Seat assignments imported as CSV by an operator: a preview of every row first, nothing
//! assigned until confirmed; then each row's outcome.

use super::chrome::Chrome;
use super::mappings::{file_problem_text, import_page, preview_rows};
use crate::error::PageError;
use crate::session::{Operate, Posted, User};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_engine::Engine;
use mm_engine::mappings::ImportError;
use mm_engine::seats::SEAT_COLUMNS;
use mm_i18n::text;
use serde::Deserialize;
use std::sync::Arc;

/// Refused rows named in the outcome, at most (the rest are counted).
const NAMED_REFUSALS: usize = 10;

#[derive(Deserialize)]
pub struct SeatImportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    csv: String,
    /// `preview` (nothing assigned) or `apply`.
    #[serde(default)]
    step: String,
}

crate::session::csrf_form!(SeatImportForm);

fn page(
    c: Chrome,
    csv: String,
    error: Option<String>,
    preview: Option<(Vec<super::mappings::PreviewRow>, usize, usize)>,
) -> Result<String, PageError> {
    import_page(
        c,
        "/seats/import",
        "seat-import-title",
        SEAT_COLUMNS,
        csv,
        error,
        preview,
    )
}

pub async fn form(user: User<Operate>, headers: HeaderMap) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/seats");
    Ok(Html(page(c, String::new(), None, None)?))
}

pub async fn import(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Operate, SeatImportForm>,
) -> Result<Response, PageError> {
    let c = Chrome::new(&posted.user, &headers, "/seats");
    let csv = posted.form.csv.clone();
    let refused = |p: &mm_engine::import::FileProblem, c: Chrome, csv: String| -> Result<Response, PageError> {
        let error = Some(file_problem_text(&c, p));
        Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page(c, csv, error, None)?)).into_response())
    };
    if posted.form.step == "apply" {
        return match engine.apply_seat_import(&posted.user.actor(), &csv).await {
            Ok(rows) => {
                let assigned = rows.iter().filter(|r| r.assigned).count();
                let mut said = text(
                    c.locale,
                    "seat-import-done",
                    &[
                        ("assigned", &assigned.to_string()),
                        ("refused", &(rows.len() - assigned).to_string()),
                    ],
                );
                for r in rows.iter().filter(|r| !r.assigned).take(NAMED_REFUSALS) {
                    said.push_str(&format!(
                        " · {}: {}",
                        c.t1("import-at-line", "line", &r.line_no),
                        r.said
                    ));
                }
                let query = serde_urlencoded::to_string([("outcome", said)]).unwrap_or_default();
                Ok(Redirect::to(&format!("/seats?{query}")).into_response())
            }
            Err(ImportError::File(p)) => refused(&p, c, csv),
            Err(e) => Err(e.into()),
        };
    }
    match engine.preview_seat_import(&csv) {
        Ok(p) => {
            let rows = preview_rows(&c, &p.rows, |s| {
                vec![
                    s.invoice.source.clone(),
                    s.invoice.id.clone(),
                    s.line.clone(),
                    s.learner.as_str().to_owned(),
                    s.name.clone(),
                ]
            });
            let (valid, invalid) = (p.valid(), p.invalid());
            Ok(Html(page(c, csv, None, Some((rows, valid, invalid)))?).into_response())
        }
        Err(p) => refused(&p, c, csv),
    }
}
