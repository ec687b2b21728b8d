//! What a pass would change (the plan), what Moodle holds that the invoices don't justify (drift,
//! read on request), and the Moodle sites with a "test connection" each.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Operate, Posted, Read, User};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Html;
use mm_engine::Engine;
use mm_engine::drift::DriftReport;
use mm_engine::recompute::Preview;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    preview: Preview,
}

pub async fn plan(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/plan");
    let preview = engine.preview().await?;
    Ok(Html(PlanPage { c, preview }.render()?))
}

#[derive(Template)]
#[template(path = "drift.html")]
struct DriftPage {
    c: Chrome,
    may_operate: bool,
    report: Option<DriftReport>,
}

pub async fn drift(
    State(_engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let page = DriftPage {
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        c: Chrome::new(&user, &headers, "/drift"),
        report: None,
    };
    Ok(Html(page.render()?))
}

/// A form whose only field is its CSRF token.
#[derive(Deserialize)]
pub struct Confirmed {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
}

/// Reads Moodle now; what differs from what we applied is queued again (the repair), and
/// enrolments nobody paid for are listed.
pub async fn sweep(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Operate, Confirmed>,
) -> Result<Html<String>, PageError> {
    let report = engine.sweep_drift_as(&posted.user.actor()).await?;
    let page = DriftPage {
        may_operate: true,
        c: Chrome::new(&posted.user, &headers, "/drift"),
        report: Some(report),
    };
    Ok(Html(page.render()?))
}

crate::session::csrf_form!(Confirmed);
