//! The enrolment list: filtered, sorted and paginated by the database, each row with its
//! causes and job; the whole filtered list as CSV.

use super::chrome::Chrome;
use super::csv_file::CsvFile;
use super::invoices::story_path;
use super::job_errors::{StoredError, explain};
use super::listing::{Listing, Order};
use crate::error::PageError;
use crate::session::{Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use mm_engine::Engine;
use mm_engine::enrolment_list::{EnrolmentPage, EnrolmentQuery};
use mm_store::{DesiredStatus, EnrolmentFilter, EnrolmentListRow, EnrolmentSort, JobState};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Rows a page shows unless asked otherwise.
const PER_PAGE: u32 = 50;

/// The list's query string: filters, sort and page, as the form and the links send them.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ListParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    learner: String,
    #[serde(default)]
    job: String,
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

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl ListParams {
    fn filter(&self) -> EnrolmentFilter {
        EnrolmentFilter {
            status: match self.status.as_str() {
                "active" => Some(DesiredStatus::Active),
                "revoked" => Some(DesiredStatus::Revoked),
                _ => None,
            },
            site: some(&self.site),
            course: some(&self.course),
            learner: some(&self.learner),
            job: match self.job.as_str() {
                "pending" => Some(JobState::Pending),
                "failing" => Some(JobState::Failing),
                "dead" => Some(JobState::Dead),
                "settled" => Some(JobState::Settled),
                _ => None,
            },
            updated_from: None,
            updated_to: None,
        }
    }

    fn query(&self) -> EnrolmentQuery {
        EnrolmentQuery {
            filter: self.filter(),
            sort: match self.sort.as_str() {
                "course" => EnrolmentSort::Course,
                "status" => EnrolmentSort::Status,
                "updated" => EnrolmentSort::Updated,
                _ => EnrolmentSort::Learner,
            },
            direction: self.direction(),
            page: self.page.unwrap_or(1),
            per_page: PER_PAGE,
        }
    }
}

/// A row as the page shows it.
struct Line {
    learner: String,
    learner_name: String,
    site: String,
    course: String,
    desired: String,
    in_moodle: Option<String>,
    causes: Vec<(String, String)>,
    job: Option<String>,
    job_error: Option<String>,
}

fn line(locale: mm_i18n::Locale, r: EnrolmentListRow) -> Line {
    Line {
        causes: r
            .causes
            .iter()
            .map(|c| (c.to_string(), story_path(&c.invoice)))
            .collect(),
        in_moodle: r.applied.map(|a| a.status),
        job: r.job.as_ref().map(|j| j.status.clone()),
        job_error: r.job.and_then(|j| {
            let message = j.error?;
            let stored = StoredError {
                message: &message,
                code: j.code.as_deref(),
                params: j.params.as_deref(),
            };
            let e = explain(locale, &stored);
            Some(match e.fix {
                Some(fix) => format!("{} {} {fix}", e.summary, mm_i18n::text(locale, "jobs-fix", &[])),
                None => e.summary,
            })
        }),
        learner: r.learner,
        learner_name: r.learner_name,
        site: r.site,
        course: r.course,
        desired: r.desired,
    }
}

#[derive(Template)]
#[template(path = "enrolments.html")]
struct EnrolmentsPage {
    c: Chrome,
    p: ListParams,
    rows: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    holds: Vec<mm_store::HoldRow>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Result<Html<String>, PageError> {
    let result = engine.enrolment_page(&p.query()).await?;
    let pages = result.pages();
    let EnrolmentPage { rows, total, page, .. } = result;
    let c = Chrome::new(&user, &headers, "/enrolments");
    let page = EnrolmentsPage {
        rows: rows.into_iter().map(|r| line(c.locale, r)).collect(),
        c,
        total,
        page: i64::from(page),
        pages,
        holds: engine.holds().await?,
        p,
    };
    Ok(Html(page.render()?))
}

/// The whole filtered list as CSV (UTF-8 with a header row), whatever its length.
pub async fn export(
    State(engine): State<Arc<Engine>>,
    _user: User<Read>,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let mut file = CsvFile::new(&[
        "learner",
        "name",
        "site",
        "course",
        "status",
        "in_moodle",
        "job",
        "job_error",
        "causes",
    ])?;
    engine
        .enrolments_export(&p.filter(), |chunk| {
            for r in chunk {
                let causes = r.causes.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                file.row([
                    r.learner.as_str(),
                    r.learner_name.as_str(),
                    r.site.as_str(),
                    r.course.as_str(),
                    r.desired.as_str(),
                    r.applied.as_ref().map_or("", |a| a.status.as_str()),
                    r.job.as_ref().map_or("", |j| j.status.as_str()),
                    r.job.as_ref().and_then(|j| j.error.as_deref()).unwrap_or(""),
                    causes.as_str(),
                ]);
            }
        })
        .await?;
    file.into_response("enrolments.csv")
}
