//! `core_webservice_get_site_info`, and the start-up check that the token may call what we need.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// What `core_webservice_get_site_info` says about the site and the token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Site name.
    pub sitename: String,
    /// Token user's username.
    #[serde(default)]
    pub username: String,
    /// Token user's full name.
    #[serde(default)]
    pub fullname: String,
    /// Token user's id.
    pub userid: i64,
    /// Site root URL as Moodle knows it.
    #[serde(default)]
    pub siteurl: String,
    /// Human release, e.g. `4.5.6 (Build: 20250811)`.
    #[serde(default)]
    pub release: Option<String>,
    /// Numeric version, e.g. `2024100706`.
    #[serde(default)]
    pub version: Option<String>,
    /// Names of the functions the token's service may call.
    #[serde(default, deserialize_with = "function_names")]
    pub functions: Vec<String>,
    /// Site language.
    #[serde(default)]
    pub lang: Option<String>,
    /// Whether the token user is a site admin (newer releases only).
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub userissiteadmin: Option<bool>,
}

fn function_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct F {
        name: String,
    }
    Ok(Option::<Vec<F>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.name)
        .collect())
}

/// Every function MoodleManagement's core loop needs on a site.
pub const REQUIRED_FUNCTIONS: &[&str] = &[
    "core_webservice_get_site_info",
    "core_user_get_users_by_field",
    "core_user_get_users",
    "core_user_create_users",
    "core_user_update_users",
    "core_course_get_courses_by_field",
    "enrol_manual_enrol_users",
    "enrol_manual_unenrol_users",
    "core_enrol_get_enrolled_users",
];

/// The functions a mapping with a `group` also needs (finding, creating and joining groups).
pub const GROUP_FUNCTIONS: &[&str] = &[
    "core_group_get_course_groups",
    "core_group_create_groups",
    "core_group_add_group_members",
];

/// The functions progress sync also needs (only when `[progress] interval` is not `0s`):
/// progress and completion of all of a learner's courses, the completion time, the final grades
/// of a course.
pub const PROGRESS_FUNCTIONS: &[&str] = &[
    "core_enrol_get_users_courses",
    "core_completion_get_course_completion_status",
    "gradereport_user_get_grade_items",
];

impl MoodleClient {
    /// `core_webservice_get_site_info`.
    pub async fn site_info(&self) -> Result<SiteInfo, MoodleError> {
        self.call("core_webservice_get_site_info", &Form::new(), Mode::Idempotent)
            .await
    }

    /// Check at start-up (not at the first sale) that the token's service holds `required`;
    /// the error lists the missing functions and its `fix_hint` says where to add them.
    pub async fn check_functions(&self, required: &[&str]) -> Result<SiteInfo, MoodleError> {
        let info = self.site_info().await?;
        let missing: Vec<String> = required
            .iter()
            .filter(|f| !info.functions.iter().any(|g| g == *f))
            .map(|f| (*f).to_owned())
            .collect();
        if missing.is_empty() {
            Ok(info)
        } else {
            Err(MoodleError::MissingFunctions { missing })
        }
    }
}
