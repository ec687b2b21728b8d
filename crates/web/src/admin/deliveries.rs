//! Webhook deliveries as received: when, from which source, applied or waiting, their body;
//! an operator applies one again.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Operate, Posted, Read, User};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_engine::Engine;
use mm_store::DeliveryRecord;
use serde::Deserialize;
use std::sync::Arc;

/// Deliveries the page lists, newest first.
const ROWS: i64 = 200;

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveriesPage {
    c: Chrome,
    may_operate: bool,
    deliveries: Vec<DeliveryRecord>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let page = DeliveriesPage {
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        c: Chrome::new(&user, &headers, "/deliveries"),
        deliveries: engine.webhook_deliveries(ROWS).await?,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct Reapply {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    source: String,
    id: String,
}

pub async fn reapply(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Operate, Reapply>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    if !engine.reapply_delivery(&f.source, &f.id, &posted.user.actor()).await? {
        return Err(PageError::not_found());
    }
    Ok(Redirect::to("/deliveries").into_response())
}

crate::session::csrf_form!(Reapply);
