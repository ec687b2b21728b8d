//! The jobs page: counts, paused sites, failing and dead jobs with their errors; retry or
//! discard one dead job, or all of them after a page that shows how many.

use super::chrome::Chrome;
use super::job_errors::{ExplainedError, StoredError, explain};
use crate::error::PageError;
use crate::session::{Operate, Posted, Read, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mm_core::{CourseRef, Email, EntitlementKey};
use mm_engine::Engine;
use mm_engine::jobs::DeadJobs;
use serde::Deserialize;
use std::sync::Arc;

/// A failing job as the page shows it.
struct JobLine {
    site: String,
    course: String,
    learner: String,
    dead: bool,
    error: ExplainedError,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    c: Chrome,
    counts: mm_store::JobCounts,
    mail: mm_store::JobCounts,
    jobs: Vec<JobLine>,
    paused: Vec<mm_store::PausedSite>,
    may_operate: bool,
    /// A bulk action waiting for confirmation, with how many jobs it touches.
    confirm: Option<BulkConfirm>,
    done: Option<String>,
}

struct BulkConfirm {
    action: String,
    count: i64,
}

#[derive(Deserialize, Default)]
pub struct JobsQuery {
    /// `retry` or `discard`: show the count and ask before acting on all dead jobs.
    confirm: Option<String>,
    /// A message after an action (how many jobs it touched).
    done: Option<String>,
}

pub async fn show(
    State(engine): State<Arc<Engine>>,
    user: User<Read>,
    headers: HeaderMap,
    Query(q): Query<JobsQuery>,
) -> Result<Html<String>, PageError> {
    let c = Chrome::new(&user, &headers, "/jobs");
    let overview = engine.jobs().await?;
    let jobs = engine
        .failing_jobs()
        .await?
        .into_iter()
        .map(|j| JobLine {
            site: j.key.site,
            course: j.key.course.to_string(),
            learner: j.key.learner.as_str().to_owned(),
            dead: j.status == "dead",
            error: explain(
                c.locale,
                &StoredError {
                    message: &j.error,
                    code: j.code.as_deref(),
                    params: j.params.as_deref(),
                },
            ),
        })
        .collect();
    let confirm = q
        .confirm
        .filter(|a| a == "retry" || a == "discard")
        .map(|action| BulkConfirm {
            action,
            count: overview.counts.dead,
        });
    let done = q
        .done
        .and_then(|n| n.parse::<u64>().ok())
        .map(|n| c.t1("jobs-done", "count", &n));
    let page = JobsPage {
        may_operate: user.session.user.role.may(mm_core::Permission::Operate),
        c,
        counts: overview.counts,
        mail: overview.mail,
        jobs,
        paused: overview.paused,
        confirm,
        done,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct JobAction {
    /// Absent counts as wrong: the CSRF page, not a parse error.
    #[serde(default)]
    csrf: String,
    /// `retry` or `discard`.
    action: String,
    /// One job's key; absent: every dead job.
    site: Option<String>,
    course: Option<String>,
    learner: Option<String>,
}

impl JobAction {
    fn which(&self) -> Result<DeadJobs, PageError> {
        match (&self.site, &self.course, &self.learner) {
            (Some(site), Some(course), Some(learner)) => Ok(DeadJobs::One(EntitlementKey {
                site: site.clone(),
                course: CourseRef::parse(course).map_err(|e| PageError::bad_request(&format!("course: {e}")))?,
                learner: Email::parse(learner).map_err(|e| PageError::bad_request(&format!("learner: {e}")))?,
            })),
            (None, None, None) => Ok(DeadJobs::All),
            _ => Err(PageError::bad_request(
                "give site, course and learner of one job, or none of them for all",
            )),
        }
    }
}

pub async fn act(State(engine): State<Arc<Engine>>, posted: Posted<Operate, JobAction>) -> Result<Response, PageError> {
    let which = posted.form.which()?;
    let actor = posted.user.actor();
    let n = match posted.form.action.as_str() {
        "retry" => engine.retry_dead_jobs(&which, &actor).await?,
        "discard" => engine.discard_dead_jobs(&which, &actor).await?,
        other => {
            return Err(PageError::bad_request(&format!(
                "action {other:?}: use retry or discard"
            )));
        }
    };
    Ok(Redirect::to(&format!("/jobs?done={n}")).into_response())
}

crate::session::csrf_form!(JobAction);
