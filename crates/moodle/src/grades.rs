//! Course final grades (`gradereport_overview_get_course_grades`): every course of one user in
//! one call, so progress sync asks once per learner, not once per course.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::Warning;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// The final grade of one course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseGrade {
    /// Course id.
    #[serde(deserialize_with = "crate::de::int")]
    pub courseid: i64,
    /// As the learner's grade report shows it (`"87.50"`, `"B+"`, `"-"` when ungraded).
    #[serde(default)]
    pub grade: String,
    /// The stored final grade (`"87.50000"`), `None` when ungraded.
    #[serde(default, deserialize_with = "raw")]
    pub rawgrade: Option<String>,
}

impl CourseGrade {
    /// The grade to keep: the formatted one, unless the course is ungraded.
    pub fn shown(&self) -> Option<&str> {
        (self.rawgrade.is_some() && self.grade != "-").then_some(self.grade.as_str())
    }
}

/// Answer of `gradereport_overview_get_course_grades`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseGrades {
    /// One per course the user is enrolled in with a gradebook role.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub grades: Vec<CourseGrade>,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// PARAM_RAW: a string, a number or null.
fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

impl MoodleClient {
    /// The final grade of every course `userid` studies (needs `moodle/grade:viewall`).
    pub async fn course_grades(&self, userid: i64) -> Result<CourseGrades, MoodleError> {
        let mut f = Form::new();
        f.int("userid", userid);
        self.call("gradereport_overview_get_course_grades", &f, Mode::Idempotent)
            .await
    }
}
