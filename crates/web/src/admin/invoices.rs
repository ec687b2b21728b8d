//! One search box for invoices, learners and courses, and an invoice's story page.

use super::chrome::Chrome;
use super::job_errors;
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_core::InvoiceKey;
use mm_engine::Engine;
use mm_engine::story::InvoiceStory;
use mm_store::InvoiceHit;
use serde::Deserialize;
use std::sync::Arc;

/// Hits a search lists at most.
const HITS: i64 = 50;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    hits: Vec<InvoiceHit>,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
}

/// The invoice's page when one invoice matches, else the list of matches.
pub async fn search(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q = query.q.unwrap_or_default();
    let hits = engine.search_invoices(&q, HITS).await?;
    if let [only] = hits.as_slice() {
        return Ok(Redirect::to(&story_path(&only.key)).into_response());
    }
    let c = Chrome::new(&user, &headers, "/search");
    Ok(Html(SearchPage { c, q, hits }.render()?).into_response())
}

/// `/invoices/{source}/{id}`, each part percent-encoded.
pub fn story_path(key: &InvoiceKey) -> String {
    let part = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("/invoices/{}/{}", part(&key.source), part(&key.id))
}

#[derive(Template)]
#[template(path = "invoice.html")]
struct StoryPage {
    c: Chrome,
    story: InvoiceStory,
}

impl StoryPage {
    /// A step's time, or a dash when it has none.
    fn at(&self, at: &Option<i64>) -> String {
        at.map(|t| self.c.when(&t)).unwrap_or_else(|| "—".to_owned())
    }
}

pub async fn story(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Path((source, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let Some(mut story) = engine.invoice_story(&InvoiceKey::new(source, id)).await? else {
        return Err(PageError::not_found());
    };
    let c = Chrome::new(&user, &headers, "/search");
    // A problem stored with its code is said in the reader's language; an older one as written.
    for p in &mut story.problems {
        if let Some(e) = job_errors::translate(c.locale, p.code.as_deref(), p.params.as_deref()) {
            p.what = e.summary;
            p.fix = e.fix;
        }
    }
    Ok(Html(StoryPage { c, story }.render()?))
}
