//! Course final grades (`gradereport_user_get_grade_items` with `userid=0`): the course total of
//! every graded user of one course in one call, so progress sync asks once per course.

use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// One grade item of one user, as the user grade report fills it (only what we read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeItem {
    /// `course` for the course total, `mod`, `category`, `manual`… for the others.
    #[serde(default)]
    pub itemtype: String,
    /// The final grade, `None` when ungraded (or hidden from the caller).
    #[serde(default)]
    pub graderaw: Option<f64>,
    /// As the report shows it (`"87.50"`, `"B+"`, `"-"` when ungraded); may carry a pass/fail
    /// icon's HTML when the item has a grade to pass.
    #[serde(default)]
    pub gradeformatted: Option<String>,
}

impl GradeItem {
    /// The grade to keep: the formatted one without HTML, unless the item is ungraded.
    pub fn shown(&self) -> Option<String> {
        self.graderaw?;
        let text = strip_tags(self.gradeformatted.as_deref()?);
        (!text.is_empty() && text != "-").then_some(text)
    }
}

/// The grade items of one user of the course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserGradeItems {
    /// User id.
    #[serde(deserialize_with = "crate::de::int")]
    pub userid: i64,
    /// Every grade item the report shows the user, the course total among them.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub gradeitems: Vec<GradeItem>,
}

impl UserGradeItems {
    /// The course total (`itemtype` `course`).
    pub fn course_total(&self) -> Option<&GradeItem> {
        self.gradeitems.iter().find(|i| i.itemtype == "course")
    }
}

/// Answer of `gradereport_user_get_grade_items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseGradeItems {
    /// One per graded user: active enrolments with a gradebook role, by user id.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub usergrades: Vec<UserGradeItems>,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// Text of an HTML fragment (the report prefixes a pass/fail icon to the grade).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

impl MoodleClient {
    /// The grade items of every graded user of `courseid` (needs `gradereport/user:view` and
    /// `moodle/grade:viewall`).
    pub async fn course_grade_items(&self, courseid: i64) -> Result<CourseGradeItems, MoodleError> {
        let mut f = Form::new();
        f.int("courseid", courseid);
        self.call("gradereport_user_get_grade_items", &f, Mode::Idempotent)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(raw: Option<f64>, formatted: &str) -> GradeItem {
        GradeItem {
            itemtype: "course".into(),
            graderaw: raw,
            gradeformatted: Some(formatted.into()),
        }
    }

    #[test]
    fn shown_grade_drops_the_pass_icon_and_ungraded_totals() {
        let passed =
            r#"<i class="icon fa fa-check text-success fa-fw " title="Pass" role="img" aria-label="Pass"></i>87.50"#;
        assert_eq!(item(Some(87.5), passed).shown().as_deref(), Some("87.50"));
        assert_eq!(item(Some(87.5), "B+").shown().as_deref(), Some("B+"));
        assert_eq!(item(None, "-").shown(), None);
        assert_eq!(item(Some(0.0), "-").shown(), None, "hidden from the caller");
    }
}
