//! The dashboard: the business at a glance.

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Html;
use mm_engine::Engine;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    jobs: mm_store::JobCounts,
    paused: usize,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/");
    let overview = engine.jobs().await?;
    let page = DashboardPage {
        c,
        jobs: overview.counts,
        paused: overview.paused.len(),
    };
    Ok(Html(page.render()?))
}
