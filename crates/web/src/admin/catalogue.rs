//! Who holds what was sold: the seats of company invoices, assigned and released by an
//! operator (the mappings are in `mappings`).

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Operate, Posted, Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_core::{Email, InvoiceKey, SeatAssignment};
use mm_engine::Engine;
use mm_engine::seats::SeatRequest;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "seats.html")]
struct SeatsPage {
    c: Chrome,
    may_operate: bool,
    seats: Vec<SeatAssignment>,
    outcome: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SeatsQuery {
    outcome: Option<String>,
}

pub async fn seats(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<SeatsQuery>,
) -> Result<Html<String>, PageError> {
    let page = SeatsPage {
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        c: Chrome::new(&user, &headers, "/seats"),
        seats: engine.seats(None).await?,
        outcome: q.outcome,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct SeatForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    /// `assign` or `release`.
    action: String,
    source: String,
    invoice: String,
    line: String,
    learner: String,
    #[serde(default)]
    name: String,
}

pub async fn change_seat(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Operate, SeatForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    let learner = Email::parse(&f.learner).map_err(|e| PageError::bad_request(&format!("learner: {e}")))?;
    let req = SeatRequest {
        invoice: InvoiceKey::new(f.source.trim(), f.invoice.trim()),
        line: f.line.trim().to_owned(),
        learner,
        name: f.name.clone(),
    };
    let actor = posted.user.actor();
    let outcome = match f.action.as_str() {
        "assign" => engine.assign_seat_as(req, &actor).await?,
        "release" => engine.release_seat_as(&req, &actor).await?,
        other => {
            return Err(PageError::bad_request(&format!(
                "action {other:?}: use assign or release"
            )));
        }
    };
    let query = serde_urlencoded::to_string([("outcome", outcome)]).unwrap_or_default();
    Ok(Redirect::to(&format!("/seats?{query}")).into_response())
}

crate::session::csrf_form!(SeatForm);
