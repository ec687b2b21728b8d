//! The certificates page: every certificate with its standing; download, revoke, resend or
//! re-issue one.

use super::chrome::Chrome;
use super::csv_file::CsvFile;
use crate::error::PageError;
use crate::session::{Operate, Posted, Read, User};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_engine::Engine;
use mm_engine::certificates::CertificateOperation;
use mm_store::CertificateFilter;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Rows a page lists (the CSV export has them all).
const PAGE_ROWS: i64 = 50;

struct CertificateLine {
    code: String,
    number: String,
    learner_name: String,
    learner: String,
    course: String,
    issued_at: i64,
    standing: &'static str,
}

#[derive(Template)]
#[template(path = "certificates.html")]
struct CertificatesPage {
    c: Chrome,
    rows: Vec<CertificateLine>,
    learner: String,
    may_operate: bool,
    may_administer: bool,
    done: Option<String>,
    /// The query strings of the previous and next pages, when there are.
    newer: Option<String>,
    older: Option<String>,
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct CertificatesQuery {
    learner: Option<String>,
    done: Option<String>,
    /// 1-based.
    page: Option<i64>,
}

impl CertificatesQuery {
    fn on_page(&self, page: i64) -> Option<String> {
        let q = CertificatesQuery {
            page: Some(page),
            done: None,
            ..self.clone()
        };
        serde_urlencoded::to_string(q).ok()
    }
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<CertificatesQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/certificates");
    let learner = q.learner.clone().unwrap_or_default();
    let filter = CertificateFilter {
        learner: Some(learner.trim().to_lowercase()).filter(|l| !l.is_empty()),
        ..CertificateFilter::default()
    };
    let page = q.page.unwrap_or(1).max(1);
    // One row more than a page says whether there is a next one.
    let mut found = engine
        .certificates_page(&filter, (page - 1) * PAGE_ROWS, PAGE_ROWS + 1)
        .await?;
    let more = found.len() > usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX);
    found.truncate(usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX));
    let (newer, older) = (
        (page > 1).then(|| q.on_page(page - 1)).flatten(),
        more.then(|| q.on_page(page + 1)).flatten(),
    );
    let rows = found
        .into_iter()
        .map(|r| CertificateLine {
            standing: engine.certificate_standing(&r),
            code: r.cert.code,
            number: r.cert.number,
            learner_name: r.cert.learner_name,
            learner: r.cert.key.learner.as_str().to_owned(),
            course: r.cert.course_name,
            issued_at: r.cert.issued_at.0,
        })
        .collect();
    let done = q.done.map(|what| c.t(&format!("certificates-done-{what}")));
    let page = CertificatesPage {
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        may_administer: user.session.user.role.may(mm_core::Permission::Administer),
        c,
        rows,
        learner,
        done,
        newer,
        older,
    };
    Ok(Html(page.render()?))
}

/// Every certificate of the filter as CSV (the page shows the newest [`PAGE_ROWS`]).
pub async fn export(
    State(engine): State<Arc<Engine>>,
    _user: User<Read>,
    Query(q): Query<CertificatesQuery>,
) -> Result<Response, PageError> {
    let filter = CertificateFilter {
        learner: q.learner.map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()),
        ..CertificateFilter::default()
    };
    let mut file = CsvFile::new(&[
        "number",
        "code",
        "learner",
        "name",
        "site",
        "course",
        "course_name",
        "version",
        "issued_at",
        "valid_until",
        "standing",
    ])?;
    for r in engine.list_certificates(&filter).await? {
        let c = &r.cert;
        let (course, version, issued) = (
            c.key.course.to_string(),
            c.version.to_string(),
            c.issued_at.0.to_string(),
        );
        let until = c.valid_until.map(|t| t.0.to_string()).unwrap_or_default();
        file.row([
            c.number.as_str(),
            c.code.as_str(),
            c.key.learner.as_str(),
            c.learner_name.as_str(),
            c.key.site.as_str(),
            course.as_str(),
            c.course_name.as_str(),
            version.as_str(),
            issued.as_str(),
            until.as_str(),
            engine.certificate_standing(&r),
        ]);
    }
    file.into_response("certificates.csv")
}

/// The PDF, for a signed-in user (learners use their mail's signed link).
pub async fn download(
    State(engine): State<Arc<Engine>>,
    _user: User<Read>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let Some(code) = file.strip_suffix(".pdf") else {
        return Err(PageError::not_found());
    };
    let Some(row) = engine.certificate_by_code(code).await? else {
        return Err(PageError::not_found());
    };
    crate::verify::pdf_attachment(&engine, &row).await
}

#[derive(Deserialize)]
pub struct CertificateAction {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    /// `revoke`, `resend` or `reissue`.
    action: String,
    #[serde(default)]
    note: String,
}

pub async fn act(
    State(engine): State<Arc<Engine>>,
    Path(code): Path<String>,
    posted: Posted<Operate, CertificateAction>,
) -> Result<Response, PageError> {
    let form = &posted.form;
    let operation = match form.action.as_str() {
        "revoke" if form.note.trim().is_empty() => {
            return Err(PageError::bad_request("note: say why the certificate is revoked"));
        }
        "revoke" => CertificateOperation::Revoke {
            note: form.note.trim().to_owned(),
        },
        "resend" => CertificateOperation::Resend,
        "reissue" => CertificateOperation::Reissue,
        other => {
            return Err(PageError::bad_request(&format!(
                "action {other:?}: use revoke, resend or reissue"
            )));
        }
    };
    engine
        .operate_certificate(&code, &operation, &posted.user.actor())
        .await
        .map_err(|e| PageError::bad_request(&e.to_string()))?;
    Ok(Redirect::to(&format!("/certificates?done={}", form.action)).into_response())
}

crate::session::csrf_form!(CertificateAction);
