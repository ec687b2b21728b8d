//! Moodle sites and invoice sources: those of config.toml read-only, those added here editable
//! by an admin, each site testable before it is saved ("test connection"), each source with its
//! webhook endpoint, secret (revealed on request, rotated) and a signed example to send.

use super::chrome::Chrome;
use super::operations::Confirmed;
use crate::error::PageError;
use crate::session::{Administer, Operate, Posted, Read, User};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_engine::Engine;
use mm_engine::connections::{
    ConnectionError, Origin, SignedExample, SiteDraft, SiteEntry, SourceDraft, SourceDraftKind, SourceEntry,
    SourceEntryKind,
};
use mm_engine::site_check::SiteCheck;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "sites.html")]
struct SitesPage {
    c: Chrome,
    sites: Vec<SiteEntry>,
    checks: Vec<SiteCheck>,
    may_administer: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ErrorQuery {
    /// A [`ConnectionError`] code and its detail, to explain.
    error: Option<String>,
    detail: Option<String>,
}

impl ErrorQuery {
    fn explain(&self, c: &Chrome) -> Option<String> {
        let code = self.error.as_deref()?;
        Some(explain(c, code, self.detail.as_deref().unwrap_or_default()))
    }
}

fn explain(c: &Chrome, code: &str, detail: &str) -> String {
    c.t1(&format!("connections-error-{code}"), "detail", &detail)
}

/// Back to `to` with a refusal explained, or a failure as an error page.
fn refused(to: &str, e: ConnectionError) -> Result<Response, PageError> {
    if let ConnectionError::Store(e) = e {
        return Err(e.into());
    }
    let query = serde_urlencoded::to_string([("error", e.code()), ("detail", e.detail().as_str())])
        .map_err(|e| PageError::bad_request(&e.to_string()))?;
    Ok(Redirect::to(&format!("{to}?{query}")).into_response())
}

fn is_admin<P: crate::session::Need>(user: &User<P>) -> bool {
    user.session.user.role.may(mm_core::Permission::Administer)
}

pub async fn sites(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<ErrorQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/sites");
    let page = SitesPage {
        error: q.explain(&c),
        may_administer: is_admin(&user),
        sites: engine.site_entries().await?,
        checks: Vec::new(),
        c,
    };
    Ok(Html(page.render()?))
}

/// Runs every site's start check now: its name and release, or what is wrong and the fix.
pub async fn test_sites(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Operate, Confirmed>,
) -> Result<Html<String>, PageError> {
    let page = SitesPage {
        c: Chrome::new(&posted.user, &headers, "/sites"),
        may_administer: is_admin(&posted.user),
        sites: engine.site_entries().await?,
        checks: engine.check_sites().await,
        error: None,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "site_form.html")]
struct SiteFormPage {
    c: Chrome,
    /// The name of the site being edited; `None` for a new one.
    editing: Option<String>,
    name: String,
    url: String,
    /// What the admin typed, kept across a test so they need not paste it again.
    token: String,
    allow_private_network: bool,
    check: Option<SiteCheck>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    name: Option<String>,
}

/// The form for a new site, or for editing one added here (`?name=`).
pub async fn site_form(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Query(q): Query<EditQuery>,
) -> Result<Response, PageError> {
    let c = Chrome::new(&user, &headers, "/sites");
    let existing = match &q.name {
        Some(name) => {
            let sites = engine.site_entries().await?;
            match sites.into_iter().find(|s| &s.name == name && s.origin == Origin::Admin) {
                Some(s) => Some(s),
                None => return Err(PageError::not_found()),
            }
        }
        None => None,
    };
    let page = SiteFormPage {
        editing: existing.as_ref().map(|s| s.name.clone()),
        name: existing.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        url: existing.as_ref().map(|s| s.url.clone()).unwrap_or_default(),
        token: String::new(),
        allow_private_network: existing.as_ref().is_some_and(|s| s.allow_private_network),
        check: None,
        error: None,
        c,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct SiteForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    editing: String,
    name: String,
    url: String,
    /// Empty when editing keeps the stored token.
    #[serde(default)]
    token: String,
    /// A checkbox: present when ticked.
    allow_private_network: Option<String>,
    /// `test` or `save`.
    action: String,
}

impl SiteForm {
    fn draft(&self) -> SiteDraft {
        let token = self.token.trim();
        SiteDraft {
            name: self.name.trim().to_owned(),
            url: self.url.trim().to_owned(),
            token: (!token.is_empty()).then(|| SecretString::from(token.to_owned())),
            allow_private_network: self.allow_private_network.is_some(),
        }
    }
}

/// Tests the site as typed, or saves it; either way a refusal comes back on the form.
pub async fn save_site(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    posted: Posted<Administer, SiteForm>,
) -> Result<Response, PageError> {
    let f = &posted.form;
    let c = Chrome::new(&posted.user, &headers, "/sites");
    let (check, result) = if f.action == "test" {
        match engine.test_site(&f.draft()).await {
            Ok(check) => (Some(check), Ok(())),
            Err(e) => (None, Err(e)),
        }
    } else {
        match engine.save_site(&posted.user.actor(), f.draft()).await {
            Ok(()) => return Ok(Redirect::to("/sites").into_response()),
            Err(e) => (None, Err(e)),
        }
    };
    let error = match result {
        Err(ConnectionError::Store(e)) => return Err(e.into()),
        Err(e) => Some(explain(&c, e.code(), &e.detail())),
        Ok(()) => None,
    };
    let page = SiteFormPage {
        editing: (!f.editing.is_empty()).then(|| f.editing.clone()),
        name: f.name.clone(),
        url: f.url.clone(),
        token: f.token.clone(),
        allow_private_network: f.allow_private_network.is_some(),
        check,
        error,
        c,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct NameForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    name: String,
}

pub async fn remove_site(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Administer, NameForm>,
) -> Result<Response, PageError> {
    match engine.remove_site(&posted.user.actor(), &posted.form.name).await {
        Ok(()) => Ok(Redirect::to("/sites").into_response()),
        Err(e) => refused("/sites", e),
    }
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    c: Chrome,
    sources: Vec<SourceEntry>,
    may_administer: bool,
    error: Option<String>,
}

pub async fn sources(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<ErrorQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/sources");
    let page = SourcesPage {
        error: q.explain(&c),
        may_administer: is_admin(&user),
        sources: engine.source_entries().await?,
        c,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    c: Chrome,
    source: Option<SourceEntry>,
    /// A new source, or one added here (a configured one is read-only).
    editable: bool,
    /// The fields of the form (a new source, or the one shown).
    form: SourceFields,
    /// The endpoint's address and a delivery to try it with (sources added here).
    example: Option<SignedExample>,
    /// The secret, after an admin asked to see it.
    secret: Option<String>,
    previous_until: Option<String>,
    error: Option<String>,
}

/// The values a source's form shows.
#[derive(Default)]
struct SourceFields {
    name: String,
    polled: bool,
    url: String,
    poll_secs: u64,
    allow_private_network: bool,
}

impl SourceFields {
    fn of(entry: &SourceEntry) -> SourceFields {
        let (polled, url, poll_secs) = match &entry.kind {
            SourceEntryKind::Polled { url, every_secs } => (true, url.clone(), *every_secs),
            SourceEntryKind::Pushed => (false, String::new(), 60),
        };
        SourceFields {
            name: entry.name.clone(),
            polled,
            url,
            poll_secs,
            allow_private_network: false,
        }
    }
}

/// The form for a new source.
pub async fn new_source(user: User<Administer>, headers: HeaderMap) -> Result<Html<String>, PageError> {
    let page = SourcePage {
        c: Chrome::new(&user, &headers, "/sources"),
        source: None,
        editable: true,
        form: SourceFields {
            polled: true,
            poll_secs: 60,
            ..SourceFields::default()
        },
        example: None,
        secret: None,
        previous_until: None,
        error: None,
    };
    Ok(Html(page.render()?))
}

/// One source: how it delivers, its endpoint, and for one added here its secret, rotation,
/// a signed example and its form.
pub async fn source(
    State(engine): State<Arc<Engine>>,
    user: User<Administer>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<ErrorQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/sources");
    let error = q.explain(&c);
    render_source(&engine, c, &name, None, error).await
}

async fn render_source(
    engine: &Engine,
    c: Chrome,
    name: &str,
    secret: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let entry = engine
        .source_entries()
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(PageError::not_found)?;
    let example = match entry.origin {
        Origin::Admin => engine.signed_example(name).await.ok(),
        Origin::Config => None,
    };
    let page = SourcePage {
        form: SourceFields::of(&entry),
        previous_until: entry.previous_secret_until.map(|t| c.when(&t.0)),
        editable: entry.origin == Origin::Admin,
        source: Some(entry),
        example,
        secret,
        error,
        c,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct SourceForm {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    name: String,
    /// `facturascripts` or `webhook`.
    kind: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    poll_secs: String,
    allow_private_network: Option<String>,
}

impl SourceForm {
    fn draft(&self) -> Result<SourceDraft, ConnectionError> {
        let kind = match self.kind.as_str() {
            "webhook" => SourceDraftKind::Webhook,
            _ => SourceDraftKind::FacturaScripts {
                url: self.url.trim().to_owned(),
                token: Some(self.token.trim())
                    .filter(|t| !t.is_empty())
                    .map(|t| SecretString::from(t.to_owned())),
                poll_secs: self
                    .poll_secs
                    .trim()
                    .parse()
                    .map_err(|_| ConnectionError::InvalidInterval)?,
                allow_private_network: self.allow_private_network.is_some(),
            },
        };
        Ok(SourceDraft {
            name: self.name.trim().to_owned(),
            kind,
        })
    }
}

pub async fn save_source(
    State(engine): State<Arc<Engine>>,
    posted: Posted<Administer, SourceForm>,
) -> Result<Response, PageError> {
    let saved = match posted.form.draft() {
        Ok(draft) => engine.save_source(&posted.user.actor(), draft).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/sources/{}", posted.form.name.trim())).into_response()),
        Err(e) => refused("/sources", e),
    }
}

#[derive(Deserialize)]
pub struct SourceAction {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    /// `reveal`, `rotate` or `remove`.
    action: String,
}

pub async fn act_on_source(
    State(engine): State<Arc<Engine>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    posted: Posted<Administer, SourceAction>,
) -> Result<Response, PageError> {
    let actor = posted.user.actor();
    let back = format!("/sources/{name}");
    match posted.form.action.as_str() {
        "reveal" => match engine.reveal_source_secret(&actor, &name).await {
            Ok(secret) => {
                let c = Chrome::new(&posted.user, &headers, "/sources");
                let shown = Some(secret.expose_secret().to_owned());
                Ok(render_source(&engine, c, &name, shown, None).await?.into_response())
            }
            Err(e) => refused(&back, e),
        },
        "rotate" => match engine.rotate_source_secret(&actor, &name).await {
            Ok(()) => Ok(Redirect::to(&back).into_response()),
            Err(e) => refused(&back, e),
        },
        "remove" => match engine.remove_source(&actor, &name).await {
            Ok(()) => Ok(Redirect::to("/sources").into_response()),
            Err(e) => refused(&back, e),
        },
        other => Err(PageError::bad_request(&format!(
            "action `{other}`: expected reveal, rotate or remove"
        ))),
    }
}

crate::session::csrf_form!(SiteForm, NameForm, SourceForm, SourceAction);
