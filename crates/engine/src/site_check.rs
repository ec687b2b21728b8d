//! The start check of a Moodle site: can the token call every function the mappings need, and
//! may its user do what they need? Said at start, not at the first sale (DESIGN.md trap 6).

use crate::site::Site;
use mm_core::Mapping;
use mm_moodle::site::{GROUP_FUNCTIONS, PROGRESS_FUNCTIONS, REQUIRED_FUNCTIONS};
use mm_moodle::{MissingCapability, MoodleError};
use std::fmt;

/// A site's answer to the start check.
#[derive(Debug, Clone)]
pub struct SiteCheck {
    pub site: String,
    /// The site's name and release, or why it cannot be used at all (unreachable, refused
    /// token, missing functions) and how to fix it.
    pub result: Result<String, String>,
    /// What works only in part, each with its fix: the site is used, but some jobs will fail
    /// until it is fixed. Empty when `result` is an error (nothing more could be checked).
    pub problems: Vec<SiteProblem>,
}

impl SiteCheck {
    /// Usable and nothing missing.
    pub fn is_ready(&self) -> bool {
        self.result.is_ok() && self.problems.is_empty()
    }
}

/// Something the start check found wrong that does not stop the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteProblem {
    pub code: SiteProblemCode,
    /// What is wrong and what it breaks.
    pub message: String,
    pub fix: String,
}

/// The stable code of a [`SiteProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteProblemCode {
    /// The token user lacks a capability (its name is in the message).
    MissingCapability,
    /// A capability probe could not run, so the capabilities are unknown.
    ProbeFailed,
}

impl SiteProblemCode {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteProblemCode::MissingCapability => "missing_capability",
            SiteProblemCode::ProbeFailed => "probe_failed",
        }
    }
}

impl fmt::Display for SiteProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} — fix: {}", self.message, self.fix)
    }
}

impl From<MissingCapability> for SiteProblem {
    fn from(m: MissingCapability) -> SiteProblem {
        SiteProblem {
            code: SiteProblemCode::MissingCapability,
            fix: m.fix(),
            message: m.to_string(),
        }
    }
}

/// The functions `mappings` need on `site`: the core loop's, the group functions when a
/// mapping of the site puts learners in a group, and the progress functions when progress
/// sync is on (`[progress] interval` not `0s`).
pub fn required_functions(site: &str, mappings: &[Mapping], progress: bool) -> Vec<&'static str> {
    let mut functions = REQUIRED_FUNCTIONS.to_vec();
    if mappings.iter().any(|m| m.site == site && m.group.is_some()) {
        functions.extend_from_slice(GROUP_FUNCTIONS);
    }
    if progress {
        functions.extend(
            PROGRESS_FUNCTIONS
                .iter()
                .filter(|f| !functions.contains(f))
                .collect::<Vec<_>>(),
        );
    }
    functions
}

/// Checks one site: its functions, then (when they are all there) its user's capabilities.
pub async fn check(site: &Site, mappings: &[Mapping], progress: bool) -> SiteCheck {
    let functions = required_functions(&site.name, mappings, progress);
    let result = match site.client.check_functions(&functions).await {
        Ok(info) => Ok(format!("{} ({})", info.sitename, info.release.unwrap_or_default())),
        Err(e) => Err(with_fix(&e)),
    };
    let problems = if result.is_ok() {
        probe(site, mappings).await
    } else {
        Vec::new()
    };
    SiteCheck {
        site: site.name.clone(),
        result,
        problems,
    }
}

/// The capability probes: the account probe, and the course probe on the first mapped course
/// that exists.
pub(crate) async fn probe(site: &Site, mappings: &[Mapping]) -> Vec<SiteProblem> {
    let mut course_id = None;
    for m in mappings.iter().filter(|m| m.site == site.name).take(3) {
        if let Ok(Some(id)) = site.course_id(&m.course).await {
            course_id = Some(id);
            break;
        }
    }
    match site.client.probe_capabilities(course_id).await {
        Ok(missing) => missing.into_iter().map(SiteProblem::from).collect(),
        Err(e) => vec![SiteProblem {
            code: SiteProblemCode::ProbeFailed,
            message: format!("the token user's capabilities could not be checked: {e}"),
            fix: e
                .fix_hint()
                .unwrap_or_else(|| "check the site is reachable, then restart".to_string()),
        }],
    }
}

fn with_fix(e: &MoodleError) -> String {
    match e.fix_hint() {
        Some(h) => format!("{e} — fix: {h}"),
        None => e.to_string(),
    }
}
