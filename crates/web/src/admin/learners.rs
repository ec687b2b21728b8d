//! The learners: a list searched by email or name, sorted and paginated by the database, the
//! whole filtered list as CSV; and one learner's page (their Moodle accounts, enrolments with
//! progress, certificates, invoices and history).

use super::chrome::Chrome;
use super::csv_file::CsvFile;
use super::invoices::story_path;
use super::job_errors::{ExplainedError, StoredError, explain};
use super::listing::{Listing, Order};
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use mm_engine::Engine;
use mm_engine::learner_page::{LearnerAccountView, LearnerDetail, LearnerPage, LearnerQuery};
use mm_store::{AuditRecord, LearnerFilter, LearnerListRow, LearnerSort};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Rows a page shows.
const PER_PAGE: u32 = 50;

/// The list's query string: the search, sort and page, as the form and the links send them.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
    page: Option<u32>,
}

impl Listing for ListParams {
    fn order(&mut self) -> Order<'_> {
        Order {
            sort: &mut self.sort,
            dir: &mut self.dir,
            page: &mut self.page,
        }
    }
}

impl ListParams {
    fn filter(&self) -> LearnerFilter {
        LearnerFilter {
            search: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
        }
    }

    fn query(&self) -> LearnerQuery {
        LearnerQuery {
            filter: self.filter(),
            sort: match self.sort.as_str() {
                "name" => LearnerSort::Name,
                "courses" => LearnerSort::Courses,
                "updated" => LearnerSort::Updated,
                _ => LearnerSort::Email,
            },
            direction: self.direction(),
            page: self.page.unwrap_or(1),
            per_page: PER_PAGE,
        }
    }
}

/// Where one learner's page is.
pub fn learner_path(email: &str) -> String {
    let part = url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>();
    format!("/learners/{part}")
}

#[derive(Template)]
#[template(path = "learners.html")]
struct LearnersPage {
    c: Chrome,
    p: ListParams,
    rows: Vec<LearnerListRow>,
    total: i64,
    page: i64,
    pages: i64,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Result<Html<String>, PageError> {
    let result = engine.learner_page(&p.query()).await?;
    let pages = result.pages();
    let LearnerPage { rows, total, page, .. } = result;
    let page = LearnersPage {
        c: Chrome::new(&user, &headers, "/learners"),
        rows,
        total,
        page: i64::from(page),
        pages,
        p,
    };
    Ok(Html(page.render()?))
}

/// The whole searched list as CSV (UTF-8 with a header row), whatever its length.
pub async fn export(
    State(engine): State<Arc<Engine>>,
    _user: User<Read>,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let mut file = CsvFile::new(&["email", "name", "courses", "active", "updated_at"])?;
    engine
        .learners_export(&p.filter(), |chunk| {
            for r in chunk {
                let (courses, active, updated) =
                    (r.courses.to_string(), r.active.to_string(), r.updated_at.0.to_string());
                file.row([r.email.as_str(), r.name.as_str(), &courses, &active, &updated]);
            }
        })
        .await?;
    file.into_response("learners.csv")
}

/// One enrolment as the learner's page shows it.
struct EnrolmentLine {
    site: String,
    course: String,
    desired: String,
    in_moodle: Option<String>,
    from: Option<i64>,
    until: Option<i64>,
    job: Option<String>,
    error: Option<ExplainedError>,
    percent: Option<String>,
    /// The day of completion, as the reader writes it.
    completed: Option<String>,
    grade: Option<String>,
}

/// One certificate as the learner's page shows it.
struct CertificateLine {
    code: String,
    number: String,
    course: String,
    issued_at: i64,
    revoked: bool,
}

/// One invoice as the learner's page shows it.
struct InvoiceLine {
    href: String,
    number: String,
    paid: bool,
    deleted: bool,
}

#[derive(Template)]
#[template(path = "learner.html")]
struct LearnerPageView {
    c: Chrome,
    email: String,
    name: String,
    accounts: Vec<LearnerAccountView>,
    enrolments: Vec<EnrolmentLine>,
    certificates: Vec<CertificateLine>,
    invoices: Vec<InvoiceLine>,
    history: Vec<AuditRecord>,
}

pub async fn detail(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Path(email): Path<String>,
) -> Result<Html<String>, PageError> {
    let Some(d) = engine.learner_detail(&email).await? else {
        return Err(PageError::not_found());
    };
    let c = Chrome::new(&user, &headers, "/learners");
    Ok(Html(view(c, d).render()?))
}

fn view(c: Chrome, d: LearnerDetail) -> LearnerPageView {
    let enrolments = d
        .enrolments
        .into_iter()
        .map(|e| {
            let error = e.row.job_error.as_deref().map(|message| {
                let stored = StoredError {
                    message,
                    code: e.row.job_error_code.as_deref(),
                    params: e.row.job_error_params.as_deref(),
                };
                explain(c.locale, &stored)
            });
            let progress = e.progress.as_ref();
            EnrolmentLine {
                percent: progress
                    .and_then(|p| p.percent)
                    .map(|v| mm_i18n::format_number(c.locale, v, 0)),
                completed: progress.and_then(|p| p.completed_at).map(|t| c.day(&t)),
                grade: progress.and_then(|p| p.grade.clone()),
                from: e.access.map(|(from, _)| from),
                until: e.access.and_then(|(_, until)| until),
                site: e.row.site,
                course: e.row.course,
                desired: e.row.desired,
                in_moodle: e.row.applied_status,
                job: e.row.job_status,
                error,
            }
        })
        .collect();
    let certificates = d
        .certificates
        .into_iter()
        .map(|r| CertificateLine {
            revoked: r.revoked.is_some(),
            code: r.cert.code,
            number: r.cert.number,
            course: r.cert.key.course.to_string(),
            issued_at: r.cert.issued_at.0,
        })
        .collect();
    let invoices = d
        .invoices
        .into_iter()
        .map(|i| InvoiceLine {
            href: story_path(&i.key),
            number: i.number,
            paid: i.paid,
            deleted: i.deleted,
        })
        .collect();
    LearnerPageView {
        c,
        email: d.email,
        name: d.name,
        accounts: d.accounts,
        enrolments,
        certificates,
        invoices,
        history: d.history,
    }
}
