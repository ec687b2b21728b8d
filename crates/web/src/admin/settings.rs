//! The settings page: what config.toml sets, read-only, secrets shown only as "set".

use super::chrome::Chrome;
use crate::error::PageError;
use crate::session::{Administer, User};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Html;
use mm_engine::Engine;
use mm_engine::settings::{SettingGroup, SettingValue};
use std::sync::Arc;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    groups: Vec<SettingGroup>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let page = SettingsPage {
        c: Chrome::new(&user, &headers, "/settings"),
        groups: engine.settings(),
    };
    Ok(Html(page.render()?))
}
