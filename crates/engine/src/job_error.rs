//! Why a job failed, as data: a stable [`JobErrorCode`], its parameters (the variant's fields)
//! and a [`RetryPolicy`]. The English text an admin reads — stored in the jobs table, shown by
//! `jobs`, `/api/jobs`, the enrolments page and the logs — is rendered from them
//! ([`JobError::summary`], [`JobError::fix`], `Display`), so a UI can translate by code and an
//! API can return the code.

use mm_moodle::MoodleError;
use mm_store::{ErrorNote, StoreError};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What the queue does with a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPolicy {
    /// Transient: back off and try again.
    Retry,
    /// Parked as dead: an admin fixes the cause, then `jobs retry`.
    Park,
    /// Not the job's fault but its site's ([`SiteCondition`]): the site is paused, the job
    /// waits queued and runs again by itself once a check of the site passes.
    PauseSite,
}

/// A failure that says nothing about one job and everything about its site: Moodle refuses
/// every call of this token, or is not there. Every job of the site would fail the same way,
/// so the site is paused instead of parking its jobs as dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteCondition {
    /// `invalidtoken`, or an expired token (`accessexception` "token expired").
    InvalidToken,
    /// `accessexception`: a function is not in the token's service, the service is disabled or
    /// the token user is not allowed to use it (or is suspended).
    AccessRefused,
    /// The token's service lacks functions, or Moodle has no such function.
    FunctionMissing,
    /// The token user lacks a capability (`nopermissions`, `required_capability_exception`,
    /// `wsusercannotassign`).
    CapabilityMissing,
    /// `sitemaintenance`.
    Maintenance,
    /// Web services or the REST protocol are disabled (HTTP 403, empty body).
    WebServicesDisabled,
    /// The site did not answer after the client's retries: its circuit breaker opened.
    Unreachable,
}

impl SiteCondition {
    /// The condition of a Moodle error, if it is site-wide.
    pub fn of(e: &MoodleError) -> Option<SiteCondition> {
        let debug = e.exception().and_then(|x| x.debuginfo.as_deref()).unwrap_or("");
        Some(match e {
            MoodleError::Exception { exception, .. } => match exception.errorcode.as_deref() {
                Some("invalidtoken") => SiteCondition::InvalidToken,
                Some("accessexception") if debug.contains("token expired") => SiteCondition::InvalidToken,
                Some("accessexception" | "wsaccessusersuspended" | "wsaccessuserunconfirmed") => {
                    SiteCondition::AccessRefused
                }
                Some("invalidrecord") if exception.message.contains("external_functions") => {
                    SiteCondition::FunctionMissing
                }
                Some("nopermissions" | "wsusercannotassign") => SiteCondition::CapabilityMissing,
                _ if exception.exception.ends_with("required_capability_exception") => SiteCondition::CapabilityMissing,
                Some("sitemaintenance") => SiteCondition::Maintenance,
                _ => return None,
            },
            MoodleError::MissingFunctions { .. } => SiteCondition::FunctionMissing,
            MoodleError::WebServicesDisabled => SiteCondition::WebServicesDisabled,
            MoodleError::CircuitOpen(_) => SiteCondition::Unreachable,
            _ => return None,
        })
    }

    /// The stable code, as stored with the pause.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteCondition::InvalidToken => "invalid_token",
            SiteCondition::AccessRefused => "access_refused",
            SiteCondition::FunctionMissing => "function_missing",
            SiteCondition::CapabilityMissing => "capability_missing",
            SiteCondition::Maintenance => "maintenance",
            SiteCondition::WebServicesDisabled => "web_services_disabled",
            SiteCondition::Unreachable => "unreachable",
        }
    }

    /// In a few words, for "site `x` paused: …".
    pub fn describe(self) -> &'static str {
        match self {
            SiteCondition::InvalidToken => "invalid token",
            SiteCondition::AccessRefused => "the token may not call a function",
            SiteCondition::FunctionMissing => "a function is missing from the token's service",
            SiteCondition::CapabilityMissing => "the token user lacks a capability",
            SiteCondition::Maintenance => "the site is in maintenance mode",
            SiteCondition::WebServicesDisabled => "web services are disabled",
            SiteCondition::Unreachable => "the site does not answer",
        }
    }

    /// The functions the token's service must hold again before the condition can be over
    /// (the start check does not look for every function a job calls, e.g. the group ones).
    pub fn functions(e: &MoodleError) -> Vec<String> {
        match e {
            MoodleError::MissingFunctions { missing } => missing.clone(),
            MoodleError::Exception { function, exception }
                if matches!(
                    exception.errorcode.as_deref(),
                    Some("accessexception" | "invalidrecord")
                ) =>
            {
                vec![function.clone()]
            }
            _ => Vec::new(),
        }
    }

    /// Whether a job error stored by a version that parked site-wide failures as dead reads as
    /// one: such jobs are queued again when their site answers (their text is all that is left).
    pub fn in_legacy_message(message: &str) -> bool {
        const MARKS: &[&str] = &[
            "(invalidtoken)",
            "(accessexception)",
            "(wsaccessusersuspended)",
            "(wsaccessuserunconfirmed)",
            "(nopermissions)",
            "(wsusercannotassign)",
            "(sitemaintenance)",
            "the web service of this token lacks:",
            "web services or the REST protocol are disabled",
        ];
        MARKS.iter().any(|m| message.contains(m))
    }
}

impl fmt::Display for SiteCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The stable code of a job error (what a UI translates, what an API returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobErrorCode {
    /// The key names a site no `[[moodle]]` block declares.
    SiteNotConfigured,
    /// The mapped course does not exist on the site.
    CourseMissing,
    /// The course has no enabled Manual enrolments method.
    NoEnrolMethod,
    /// The mapping's role is neither a known name nor an id.
    UnknownRole,
    /// Several Moodle accounts share the learner's email.
    AccountConflict,
    /// Moodle refused to give an account the learner's new email.
    EmailRefused,
    /// Moodle refused to create an account that no look-up found: emails are hidden from us.
    EmailHidden,
    /// Moodle created accounts but did not return this one.
    NewUserNotReturned,
    /// Moodle answered without creating the learner's account.
    AccountNotCreated,
    /// Moodle answered without updating the learner's email.
    EmailNotUpdated,
    /// The learner's account was not looked up in this round.
    LearnerNotLookedUp,
    /// The change was not sent to Moodle in this round.
    NotSent,
    /// Our own database failed.
    StoreFailed,
    /// Moodle could not be reached, or answered with a transient failure.
    MoodleUnreachable,
    /// Moodle refused the call (an exception).
    MoodleRefused,
    /// The token's service lacks the course group functions (or access to them).
    GroupFunctionsMissing,
    /// The site or its web services are not set up for us (disabled, missing functions,
    /// refused URL, a 4xx answer).
    MoodleMisconfigured,
    /// Moodle's answer was not what the client understands.
    MoodleBadAnswer,
}

impl JobErrorCode {
    /// Every code, so a catalogue of texts can be checked to say each one.
    pub const ALL: &'static [JobErrorCode] = &[
        JobErrorCode::SiteNotConfigured,
        JobErrorCode::CourseMissing,
        JobErrorCode::NoEnrolMethod,
        JobErrorCode::UnknownRole,
        JobErrorCode::AccountConflict,
        JobErrorCode::EmailRefused,
        JobErrorCode::EmailHidden,
        JobErrorCode::NewUserNotReturned,
        JobErrorCode::AccountNotCreated,
        JobErrorCode::EmailNotUpdated,
        JobErrorCode::LearnerNotLookedUp,
        JobErrorCode::NotSent,
        JobErrorCode::StoreFailed,
        JobErrorCode::MoodleUnreachable,
        JobErrorCode::MoodleRefused,
        JobErrorCode::GroupFunctionsMissing,
        JobErrorCode::MoodleMisconfigured,
        JobErrorCode::MoodleBadAnswer,
    ];

    /// The code of a stored string, if it is one of ours.
    pub fn parse(code: &str) -> Option<JobErrorCode> {
        JobErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// The code as a stable snake-case string.
    pub fn as_str(self) -> &'static str {
        match self {
            JobErrorCode::SiteNotConfigured => "site_not_configured",
            JobErrorCode::CourseMissing => "course_missing",
            JobErrorCode::NoEnrolMethod => "no_enrol_method",
            JobErrorCode::UnknownRole => "unknown_role",
            JobErrorCode::AccountConflict => "account_conflict",
            JobErrorCode::EmailRefused => "email_refused",
            JobErrorCode::EmailHidden => "email_hidden",
            JobErrorCode::NewUserNotReturned => "new_user_not_returned",
            JobErrorCode::AccountNotCreated => "account_not_created",
            JobErrorCode::EmailNotUpdated => "email_not_updated",
            JobErrorCode::LearnerNotLookedUp => "learner_not_looked_up",
            JobErrorCode::NotSent => "not_sent",
            JobErrorCode::StoreFailed => "store_failed",
            JobErrorCode::MoodleUnreachable => "moodle_unreachable",
            JobErrorCode::MoodleRefused => "moodle_refused",
            JobErrorCode::GroupFunctionsMissing => "group_functions_missing",
            JobErrorCode::MoodleMisconfigured => "moodle_misconfigured",
            JobErrorCode::MoodleBadAnswer => "moodle_bad_answer",
        }
    }
}

impl fmt::Display for JobErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What we were doing when a Moodle call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoodleStep {
    LookUpCourse,
    ReadEnrolments,
    Enrol,
    Unenrol,
    FindOrCreateGroup { group: String },
    JoinGroup,
    LookUpLearners,
    LookUpLearner,
    CreateAccounts,
    CreateAccount,
    UpdateEmail,
}

impl MoodleStep {
    /// Every step (a group step with an empty name), so a catalogue can be checked to say each.
    pub fn all() -> Vec<MoodleStep> {
        vec![
            MoodleStep::LookUpCourse,
            MoodleStep::ReadEnrolments,
            MoodleStep::Enrol,
            MoodleStep::Unenrol,
            MoodleStep::FindOrCreateGroup { group: String::new() },
            MoodleStep::JoinGroup,
            MoodleStep::LookUpLearners,
            MoodleStep::LookUpLearner,
            MoodleStep::CreateAccounts,
            MoodleStep::CreateAccount,
            MoodleStep::UpdateEmail,
        ]
    }

    /// The step as a stable snake-case string, stored with a job's error.
    pub fn as_str(&self) -> &'static str {
        match self {
            MoodleStep::LookUpCourse => "look_up_course",
            MoodleStep::ReadEnrolments => "read_enrolments",
            MoodleStep::Enrol => "enrol",
            MoodleStep::Unenrol => "unenrol",
            MoodleStep::FindOrCreateGroup { .. } => "find_or_create_group",
            MoodleStep::JoinGroup => "join_group",
            MoodleStep::LookUpLearners => "look_up_learners",
            MoodleStep::LookUpLearner => "look_up_learner",
            MoodleStep::CreateAccounts => "create_accounts",
            MoodleStep::CreateAccount => "create_account",
            MoodleStep::UpdateEmail => "update_email",
        }
    }
}

impl fmt::Display for MoodleStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoodleStep::LookUpCourse => f.write_str("looking up the course"),
            MoodleStep::ReadEnrolments => f.write_str("reading the course's enrolments"),
            MoodleStep::Enrol => f.write_str("enrolment"),
            MoodleStep::Unenrol => f.write_str("unenrolment"),
            MoodleStep::FindOrCreateGroup { group } => write!(f, "finding or creating the group `{group}`"),
            MoodleStep::JoinGroup => f.write_str("adding the learner to a course group"),
            MoodleStep::LookUpLearners => f.write_str("looking up learners"),
            MoodleStep::LookUpLearner => f.write_str("looking up the learner"),
            MoodleStep::CreateAccounts => f.write_str("creating learners' accounts"),
            MoodleStep::CreateAccount => f.write_str("creating the learner's account"),
            MoodleStep::UpdateEmail => f.write_str("updating a learner's email"),
        }
    }
}

/// A Moodle call that failed: on which site, doing what, and Moodle's error.
#[derive(Debug, Clone)]
pub struct MoodleFailure {
    pub site: String,
    pub step: MoodleStep,
    pub error: MoodleError,
}

impl MoodleFailure {
    pub fn new(site: &str, step: MoodleStep, error: &MoodleError) -> MoodleFailure {
        MoodleFailure {
            site: site.to_string(),
            step,
            error: error.clone(),
        }
    }

    pub fn code(&self) -> JobErrorCode {
        let e = &self.error;
        match e {
            MoodleError::Exception { function, .. }
                if function.starts_with("core_group_") && e.errorcode() == Some("accessexception") =>
            {
                JobErrorCode::GroupFunctionsMissing
            }
            MoodleError::MissingFunctions { missing } if missing.iter().any(|f| f.starts_with("core_group_")) => {
                JobErrorCode::GroupFunctionsMissing
            }
            MoodleError::Exception { .. } => JobErrorCode::MoodleRefused,
            _ if e.is_retryable() => JobErrorCode::MoodleUnreachable,
            MoodleError::NotJson { .. } | MoodleError::Decode { .. } => JobErrorCode::MoodleBadAnswer,
            _ => JobErrorCode::MoodleMisconfigured,
        }
    }

    pub fn retry(&self) -> RetryPolicy {
        if self.site_condition().is_some() {
            RetryPolicy::PauseSite
        } else if self.error.is_retryable() {
            RetryPolicy::Retry
        } else {
            RetryPolicy::Park
        }
    }

    /// The site-wide condition this failure shows, if it is one.
    pub fn site_condition(&self) -> Option<SiteCondition> {
        SiteCondition::of(&self.error)
    }

    /// `{step} on Moodle `{site}` failed: {error}`.
    pub fn summary(&self) -> String {
        format!("{} on Moodle `{}` failed: {}", self.step, self.site, self.error)
    }

    /// Moodle's advice, if it has some.
    pub fn fix(&self) -> Option<String> {
        self.error.fix_hint()
    }
}

impl fmt::Display for MoodleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        if let Some(fix) = self.fix() {
            write!(f, " — fix: {fix}")?;
        }
        Ok(())
    }
}

/// Why a job failed. The variant is the code, its fields the parameters; the text is rendered.
#[derive(Debug, Clone)]
pub enum JobError {
    SiteNotConfigured {
        site: String,
    },
    CourseMissing {
        site: String,
        course: String,
    },
    NoEnrolMethod {
        site: String,
        course: String,
        course_id: i64,
    },
    UnknownRole {
        role: String,
    },
    AccountConflict {
        site: String,
        email: String,
        user_ids: Vec<i64>,
    },
    EmailRefused {
        site: String,
        user_id: i64,
        reason: String,
    },
    /// Creating the account failed after every look-up by email found nothing.
    EmailHidden {
        site: String,
        email: String,
        /// Moodle's error.
        reason: String,
    },
    NewUserNotReturned,
    AccountNotCreated,
    EmailNotUpdated,
    LearnerNotLookedUp,
    NotSent,
    Store(Arc<StoreError>),
    /// Boxed: Moodle's error is large and a job error travels in every result.
    Moodle(Box<MoodleFailure>),
}

impl JobError {
    pub fn from_moodle(site: &str, step: MoodleStep, e: &MoodleError) -> JobError {
        JobError::Moodle(Box::new(MoodleFailure::new(site, step, e)))
    }

    pub fn store(e: StoreError) -> JobError {
        JobError::Store(Arc::new(e))
    }

    pub fn code(&self) -> JobErrorCode {
        match self {
            JobError::SiteNotConfigured { .. } => JobErrorCode::SiteNotConfigured,
            JobError::CourseMissing { .. } => JobErrorCode::CourseMissing,
            JobError::NoEnrolMethod { .. } => JobErrorCode::NoEnrolMethod,
            JobError::UnknownRole { .. } => JobErrorCode::UnknownRole,
            JobError::AccountConflict { .. } => JobErrorCode::AccountConflict,
            JobError::EmailRefused { .. } => JobErrorCode::EmailRefused,
            JobError::EmailHidden { .. } => JobErrorCode::EmailHidden,
            JobError::NewUserNotReturned => JobErrorCode::NewUserNotReturned,
            JobError::AccountNotCreated => JobErrorCode::AccountNotCreated,
            JobError::EmailNotUpdated => JobErrorCode::EmailNotUpdated,
            JobError::LearnerNotLookedUp => JobErrorCode::LearnerNotLookedUp,
            JobError::NotSent => JobErrorCode::NotSent,
            JobError::Store(_) => JobErrorCode::StoreFailed,
            JobError::Moodle(m) => m.code(),
        }
    }

    pub fn retry(&self) -> RetryPolicy {
        match self {
            JobError::NewUserNotReturned | JobError::LearnerNotLookedUp | JobError::NotSent | JobError::Store(_) => {
                RetryPolicy::Retry
            }
            JobError::Moodle(m) => m.retry(),
            _ => RetryPolicy::Park,
        }
    }

    pub fn is_retryable(&self) -> bool {
        self.retry() == RetryPolicy::Retry
    }

    /// The Moodle failure behind this error, if it is one.
    pub fn moodle(&self) -> Option<&MoodleFailure> {
        match self {
            JobError::Moodle(m) => Some(m),
            _ => None,
        }
    }

    /// What went wrong, without the fix.
    pub fn summary(&self) -> String {
        match self {
            JobError::SiteNotConfigured { site } => format!("Moodle site `{site}` is not configured"),
            JobError::CourseMissing { site, course } => format!("course `{course}` does not exist on Moodle `{site}`"),
            JobError::NoEnrolMethod {
                site,
                course,
                course_id,
            } => format!(
                "course `{course}` on Moodle `{site}` (id {course_id}) has no enabled Manual enrolments method \
                 (wsnoinstance)"
            ),
            JobError::UnknownRole { role } => format!("role `{role}` is unknown"),
            JobError::AccountConflict { site, email, user_ids } => {
                let ids: Vec<String> = user_ids.iter().map(i64::to_string).collect();
                format!(
                    "{} Moodle accounts on `{site}` share the email {email} (user ids {})",
                    ids.len(),
                    ids.join(", ")
                )
            }
            JobError::EmailRefused { site, user_id, reason } => {
                format!("Moodle `{site}` refused the new email of user {user_id}: {reason}")
            }
            JobError::EmailHidden { site, email, reason } => format!(
                "Moodle `{site}` refused to create the account of {email} though no account with that email was \
                 found: {reason}"
            ),
            JobError::NewUserNotReturned => "Moodle did not return the new user".into(),
            JobError::AccountNotCreated => "Moodle did not create the learner's account".into(),
            JobError::EmailNotUpdated => "Moodle did not update the learner's email".into(),
            JobError::LearnerNotLookedUp => {
                "the learner's Moodle account was not looked up in this round; retrying".into()
            }
            JobError::NotSent => "this change was not sent to Moodle in this round; retrying".into(),
            JobError::Store(e) => e.to_string(),
            JobError::Moodle(m) => m.summary(),
        }
    }

    /// How an admin fixes it, when they can.
    pub fn fix(&self) -> Option<String> {
        Some(match self {
            JobError::SiteNotConfigured { site } => format!("add a [[moodle]] block named `{site}`"),
            JobError::CourseMissing { .. } => "fix the mapping or create the course".into(),
            JobError::NoEnrolMethod { .. } => "in the course, Participants → Enrolment methods → enable \"Manual \
                                               enrolments\", then `moodle-management jobs retry`"
                .into(),
            JobError::UnknownRole { .. } => "use student, teacher, editingteacher, manager or a role id".into(),
            JobError::AccountConflict { .. } => {
                "merge them or change the address of all but one in Moodle, then retry".into()
            }
            JobError::EmailRefused { .. } => "fix the account in Moodle, then retry".into(),
            JobError::EmailHidden { .. } => "the likely cause is that the token user lacks \
                                             `moodle/site:viewuseridentity`: Moodle then hides every email from it, \
                                             so the learner's existing account is never found. Allow it in the token \
                                             user's role (and keep `email` in Show user identity), then \
                                             `moodle-management jobs retry`"
                .into(),
            JobError::Moodle(m) => return m.fix(),
            JobError::NewUserNotReturned
            | JobError::AccountNotCreated
            | JobError::EmailNotUpdated
            | JobError::LearnerNotLookedUp
            | JobError::NotSent
            | JobError::Store(_) => return None,
        })
    }

    /// The English text as stored in the jobs table: [`JobError::summary`], then the fix (joined
    /// as each message always was).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The parameters a translation of [`JobError::summary`] and [`JobError::fix`] needs, by
    /// name. Moodle's own error and hint stay in English (`detail`, `hint`): they are Moodle's
    /// words or name its screens.
    pub fn params(&self) -> BTreeMap<&'static str, String> {
        let mut p = BTreeMap::new();
        match self {
            JobError::SiteNotConfigured { site } => {
                p.insert("site", site.clone());
            }
            JobError::CourseMissing { site, course } => {
                p.insert("site", site.clone());
                p.insert("course", course.clone());
            }
            JobError::NoEnrolMethod {
                site,
                course,
                course_id,
            } => {
                p.insert("site", site.clone());
                p.insert("course", course.clone());
                p.insert("course_id", course_id.to_string());
            }
            JobError::UnknownRole { role } => {
                p.insert("role", role.clone());
            }
            JobError::AccountConflict { site, email, user_ids } => {
                let ids: Vec<String> = user_ids.iter().map(i64::to_string).collect();
                p.insert("site", site.clone());
                p.insert("email", email.clone());
                p.insert("count", ids.len().to_string());
                p.insert("user_ids", ids.join(", "));
            }
            JobError::EmailRefused { site, user_id, reason } => {
                p.insert("site", site.clone());
                p.insert("user_id", user_id.to_string());
                p.insert("reason", reason.clone());
            }
            JobError::EmailHidden { site, email, reason } => {
                p.insert("site", site.clone());
                p.insert("email", email.clone());
                p.insert("reason", reason.clone());
            }
            JobError::Store(e) => {
                p.insert("detail", e.to_string());
            }
            JobError::Moodle(m) => {
                p.insert("site", m.site.clone());
                p.insert("step", m.step.as_str().to_owned());
                if let MoodleStep::FindOrCreateGroup { group } = &m.step {
                    p.insert("group", group.clone());
                }
                p.insert("detail", m.error.to_string());
                if let Some(hint) = m.fix() {
                    p.insert("hint", hint);
                }
            }
            JobError::NewUserNotReturned
            | JobError::AccountNotCreated
            | JobError::EmailNotUpdated
            | JobError::LearnerNotLookedUp
            | JobError::NotSent => {}
        }
        p
    }

    /// What the queue stores: the English [`JobError::message`], the code and the
    /// [`JobError::params`] as a JSON object.
    pub fn note(&self) -> ErrorNote {
        ErrorNote {
            message: self.message(),
            code: Some(self.code().as_str().to_owned()),
            params: serde_json::to_string(&self.params()).ok(),
        }
    }

    /// Between the summary and the fix, as the texts were always written.
    fn fix_separator(&self) -> &'static str {
        match self {
            JobError::NoEnrolMethod { .. } => "; fix: ",
            JobError::UnknownRole { .. } => ": ",
            JobError::Moodle(_) => " — fix: ",
            _ => "; ",
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        if let Some(fix) = self.fix() {
            write!(f, "{}{fix}", self.fix_separator())?;
        }
        Ok(())
    }
}

impl std::error::Error for JobError {}

impl std::error::Error for MoodleFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts are what the jobs table, `jobs`, `/api/jobs` and the pages showed before the
    /// errors were typed; e2e tests assert on them.
    #[test]
    fn messages_are_rendered_as_they_always_read() {
        let cases: Vec<(JobError, &str)> = vec![
            (
                JobError::SiteNotConfigured { site: "x".into() },
                "Moodle site `x` is not configured; add a [[moodle]] block named `x`",
            ),
            (
                JobError::CourseMissing {
                    site: "main".into(),
                    course: "PY101".into(),
                },
                "course `PY101` does not exist on Moodle `main`; fix the mapping or create the course",
            ),
            (
                JobError::NoEnrolMethod {
                    site: "main".into(),
                    course: "PY101".into(),
                    course_id: 7,
                },
                "course `PY101` on Moodle `main` (id 7) has no enabled Manual enrolments method (wsnoinstance); fix: \
                 in the course, Participants → Enrolment methods → enable \"Manual enrolments\", then \
                 `moodle-management jobs retry`",
            ),
            (
                JobError::UnknownRole { role: "boss".into() },
                "role `boss` is unknown: use student, teacher, editingteacher, manager or a role id",
            ),
            (
                JobError::AccountConflict {
                    site: "main".into(),
                    email: "ada@example.org".into(),
                    user_ids: vec![3, 4],
                },
                "2 Moodle accounts on `main` share the email ada@example.org (user ids 3, 4); merge them or change \
                 the address of all but one in Moodle, then retry",
            ),
            (
                JobError::EmailRefused {
                    site: "main".into(),
                    user_id: 9,
                    reason: "taken".into(),
                },
                "Moodle `main` refused the new email of user 9: taken; fix the account in Moodle, then retry",
            ),
            (
                JobError::from_moodle("main", MoodleStep::Enrol, &MoodleError::Timeout),
                "enrolment on Moodle `main` failed: the Moodle site did not answer in time",
            ),
            (
                JobError::from_moodle(
                    "main",
                    MoodleStep::FindOrCreateGroup { group: "G".into() },
                    &MoodleError::WebServicesDisabled,
                ),
                "finding or creating the group `G` on Moodle `main` failed: web services or the REST protocol are \
                 disabled on the Moodle site (HTTP 403, empty body) — fix: enable web services (Site administration \
                 > Advanced features) and the REST protocol (Site administration > Server > Web services > Manage \
                 protocols)",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.message(), want, "{:?}", e.code());
        }
    }

    #[test]
    fn every_code_is_listed_once_and_parses_back() {
        let mut seen = std::collections::BTreeSet::new();
        for c in JobErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{c} listed twice");
            assert_eq!(JobErrorCode::parse(c.as_str()), Some(*c));
        }
        assert_eq!(JobErrorCode::parse("no_such_code"), None);
    }

    #[test]
    fn a_note_carries_the_code_and_the_parameters_of_the_text() {
        let e = JobError::AccountConflict {
            site: "main".into(),
            email: "ada@example.org".into(),
            user_ids: vec![3, 4],
        };
        let note = e.note();
        assert_eq!(note.message, e.message());
        assert_eq!(note.code.as_deref(), Some("account_conflict"));
        let params: BTreeMap<String, String> =
            serde_json::from_str(note.params.as_deref().unwrap_or("")).expect("params are a JSON object");
        assert_eq!(params["count"], "2");
        assert_eq!(params["user_ids"], "3, 4");
        let m = JobError::from_moodle(
            "main",
            MoodleStep::FindOrCreateGroup { group: "G".into() },
            &MoodleError::WebServicesDisabled,
        );
        let p = m.params();
        assert_eq!(
            (p["step"].as_str(), p["group"].as_str(), p["site"].as_str()),
            ("find_or_create_group", "G", "main")
        );
        assert_eq!(p.get("hint"), m.fix().as_ref());
    }

    #[test]
    fn codes_and_policies() {
        let timeout = JobError::from_moodle("main", MoodleStep::Enrol, &MoodleError::Timeout);
        assert_eq!(timeout.code(), JobErrorCode::MoodleUnreachable);
        assert_eq!(timeout.retry(), RetryPolicy::Retry);
        let missing = JobError::CourseMissing {
            site: "main".into(),
            course: "C".into(),
        };
        assert_eq!(
            (missing.code().as_str(), missing.retry()),
            ("course_missing", RetryPolicy::Park)
        );
        assert_eq!(JobError::NotSent.retry(), RetryPolicy::Retry);
    }
}
