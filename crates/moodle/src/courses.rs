//! Courses and categories (`core_course_get_courses_by_field`, `core_course_get_categories`).

use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// How to find one course.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CourseLookup {
    /// Moodle course id.
    Id(i64),
    /// Course short name (unique).
    Shortname(String),
    /// Course id number.
    Idnumber(String),
}

/// A course (fields beyond the public ones need the caller to be able to enter the course).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// Moodle id.
    pub id: i64,
    /// Full name.
    pub fullname: String,
    /// Short name.
    pub shortname: String,
    /// Display name.
    #[serde(default)]
    pub displayname: Option<String>,
    /// Category id.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub categoryid: Option<i64>,
    /// Category name.
    #[serde(default)]
    pub categoryname: Option<String>,
    /// Id number (only for callers with `moodle/course:update`).
    #[serde(default)]
    pub idnumber: Option<String>,
    /// Course format.
    #[serde(default)]
    pub format: Option<String>,
    /// Start date (unix time).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub startdate: Option<i64>,
    /// End date (unix time, 0 = none).
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub enddate: Option<i64>,
    /// Visible to students.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub visible: Option<bool>,
    /// Completion tracking enabled.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub enablecompletion: Option<bool>,
    /// Enrolment method types present (`manual`, `self`…).
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub enrollmentmethods: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CoursesAnswer {
    #[serde(default)]
    pub(crate) courses: Vec<Course>,
    #[serde(default)]
    #[allow(dead_code)]
    warnings: Vec<Warning>,
}

/// A course category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Moodle id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Id number (managers only).
    #[serde(default)]
    pub idnumber: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Parent category id (0 = top).
    #[serde(default)]
    pub parent: i64,
    /// Sort order.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub sortorder: Option<i64>,
    /// Number of courses.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub coursecount: Option<i64>,
    /// Visible.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub visible: Option<bool>,
    /// Depth.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub depth: Option<i64>,
    /// Path of ids, e.g. `/1/4`.
    #[serde(default)]
    pub path: Option<String>,
}

/// A search key of `core_course_get_categories`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CategoryKey {
    /// Category id.
    Id,
    /// Comma-separated ids.
    Ids,
    /// Exact name.
    Name,
    /// Parent id.
    Parent,
    /// Id number (needs `moodle/category:manage`).
    Idnumber,
    /// Visibility (needs `moodle/category:viewhiddencategories`).
    Visible,
    /// Theme (needs manage).
    Theme,
}

impl CategoryKey {
    fn as_str(self) -> &'static str {
        match self {
            CategoryKey::Id => "id",
            CategoryKey::Ids => "ids",
            CategoryKey::Name => "name",
            CategoryKey::Parent => "parent",
            CategoryKey::Idnumber => "idnumber",
            CategoryKey::Visible => "visible",
            CategoryKey::Theme => "theme",
        }
    }
}

impl MoodleClient {
    async fn courses_by_field(&self, field: &str, value: &str) -> Result<Vec<Course>, MoodleError> {
        let mut f = Form::new();
        f.text("field", field).text("value", value);
        let a: CoursesAnswer = self
            .call("core_course_get_courses_by_field", &f, Mode::Idempotent)
            .await?;
        Ok(a.courses)
    }

    /// One course, `None` when it does not exist or the token user may not see it.
    pub async fn get_course(&self, lookup: &CourseLookup) -> Result<Option<Course>, MoodleError> {
        let (field, value) = match lookup {
            CourseLookup::Id(id) => ("id", id.to_string()),
            CourseLookup::Shortname(s) => ("shortname", s.clone()),
            CourseLookup::Idnumber(s) => ("idnumber", s.clone()),
        };
        Ok(self.courses_by_field(field, &value).await?.into_iter().next())
    }

    /// Several courses by id. Only pass ids that exist: Moodle 4.5 fails the whole call with a
    /// PHP `Error` for an unknown id.
    pub async fn get_courses_by_ids(&self, ids: &[i64]) -> Result<Vec<Course>, MoodleError> {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        self.courses_by_field("ids", &list).await
    }

    /// Courses of a category.
    pub async fn courses_in_category(&self, category_id: i64) -> Result<Vec<Course>, MoodleError> {
        self.courses_by_field("category", &category_id.to_string()).await
    }

    /// Every course the token user can see (includes the site course, id 1).
    pub async fn list_courses(&self) -> Result<Vec<Course>, MoodleError> {
        let a: CoursesAnswer = self
            .call("core_course_get_courses_by_field", &Form::new(), Mode::Idempotent)
            .await?;
        Ok(a.courses)
    }

    /// All visible categories.
    pub async fn get_categories(&self) -> Result<Vec<Category>, MoodleError> {
        self.call("core_course_get_categories", &Form::new(), Mode::Idempotent)
            .await
    }

    /// Categories matching `criteria`; `add_subcategories` (Moodle's default: true) adds all
    /// descendants of each match.
    pub async fn find_categories(
        &self,
        criteria: &[(CategoryKey, String)],
        add_subcategories: bool,
    ) -> Result<Vec<Category>, MoodleError> {
        let mut f = Form::new();
        for (i, (k, v)) in criteria.iter().enumerate() {
            f.item("criteria", i).text("key", k.as_str()).text("value", v.as_str());
        }
        f.bool("addsubcategories", add_subcategories);
        self.call("core_course_get_categories", &f, Mode::Idempotent).await
    }
}
