//! Completion (`core_completion_get_course_completion_status`,
//! `core_completion_get_activities_completion_status`). Moodle computes completion in its cron,
//! so these values lag by one cron cycle.

use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// Details of one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionDetails {
    /// Criterion type name.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Criterion.
    #[serde(default)]
    pub criteria: String,
    /// Requirement.
    #[serde(default)]
    pub requirement: String,
    /// Status text.
    #[serde(default)]
    pub status: String,
}

/// One completion criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// Criterion type id.
    #[serde(rename = "type")]
    pub kind: i64,
    /// Title.
    pub title: String,
    /// Status text.
    pub status: String,
    /// Met.
    pub complete: bool,
    /// When (null while incomplete).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub timecompleted: Option<i64>,
    /// Details.
    pub details: CompletionDetails,
}

/// Aggregated course completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionStatus {
    /// Course completed.
    pub completed: bool,
    /// 1 = all criteria, 2 = any.
    pub aggregation: i64,
    /// Criteria.
    #[serde(default)]
    pub completions: Vec<Completion>,
}

impl CompletionStatus {
    /// When the course was completed: Moodle's cron marks it complete at the **latest**
    /// criterion `timecompleted` (`lib/completionlib.php::aggregate_completions`). `None` while
    /// incomplete, or when no criterion carries a time.
    pub fn completed_at(&self) -> Option<i64> {
        if !self.completed {
            return None;
        }
        self.completions.iter().filter_map(|c| c.timecompleted).max()
    }
}

/// Answer of `core_completion_get_course_completion_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseCompletionStatus {
    /// Status.
    pub completionstatus: CompletionStatus,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// Completion state of one activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityStatus {
    /// Course module id.
    pub cmid: i64,
    /// Module name (`quiz`…).
    pub modname: String,
    /// Instance id.
    pub instance: i64,
    /// 0 incomplete, 1 complete, 2 pass, 3 fail.
    pub state: i64,
    /// When (0/null = not).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub timecompleted: Option<i64>,
    /// 0 none, 1 manual, 2 automatic.
    pub tracking: i64,
    /// Overridden by user id.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub overrideby: Option<i64>,
}

/// Answer of `core_completion_get_activities_completion_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitiesCompletion {
    /// Activities with completion tracking visible to the caller.
    #[serde(default)]
    pub statuses: Vec<ActivityStatus>,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl MoodleClient {
    /// Course completion of a user. `nocriteriaset`, `cannotviewreport` and
    /// `usernotenroled` come back as [`MoodleError::Exception`].
    pub async fn course_completion_status(
        &self,
        courseid: i64,
        userid: i64,
    ) -> Result<CourseCompletionStatus, MoodleError> {
        let mut f = Form::new();
        f.int("courseid", courseid).int("userid", userid);
        self.call("core_completion_get_course_completion_status", &f, Mode::Idempotent)
            .await
    }

    /// Activity completion of a user.
    pub async fn activities_completion_status(
        &self,
        courseid: i64,
        userid: i64,
    ) -> Result<ActivitiesCompletion, MoodleError> {
        let mut f = Form::new();
        f.int("courseid", courseid).int("userid", userid);
        self.call("core_completion_get_activities_completion_status", &f, Mode::Idempotent)
            .await
    }
}
