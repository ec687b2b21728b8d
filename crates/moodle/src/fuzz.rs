//! Fuzzing entry point (`fuzz/fuzz_targets/moodle_response.rs`): not part of the API.
//!
//! The typed methods of [`MoodleClient`](crate::MoodleClient) need an HTTP exchange; this runs
//! what they do with the answer (classification, token redaction, decoding into the type each
//! method expects) on bytes given directly, so that a fuzzer can reach every decoder.

use crate::transport::decode;
use crate::{
    ActivitiesCompletion, Category, CourseCompletionStatus, CreatedUser, EnrolledUser, Group, GroupMembers,
    MoodleError, SentMessage, SiteInfo, UploadedFile, User, UserBadges, UserCourse, UsersSearch, courses,
    parse_response, users,
};
use mm_net::SecretString;
use serde::de::IgnoredAny;
use std::time::Duration;

/// Every web-service function whose answer the client decodes, as [`decode_answer`] names them.
#[doc(hidden)]
pub const FUNCTIONS: &[&str] = &[
    "core_webservice_get_site_info",
    "core_user_get_users_by_field",
    "core_user_get_users",
    "core_user_create_users",
    "core_user_update_users",
    "core_course_get_courses_by_field",
    "core_course_get_categories",
    "enrol_manual_enrol_users",
    "enrol_manual_unenrol_users",
    "core_enrol_get_enrolled_users",
    "core_enrol_get_users_courses",
    "core_cohort_add_cohort_members",
    "core_completion_get_course_completion_status",
    "core_completion_get_activities_completion_status",
    "core_badges_get_user_badges",
    "core_message_send_instant_messages",
    "core_files_upload",
    "core_group_get_course_groups",
    "core_group_create_groups",
    "core_group_add_group_members",
    "core_group_delete_group_members",
    "core_group_get_group_members",
];

/// Classifies an answer to `function` as the client does ([`parse_response`], the redaction of
/// `token` from any error), and decodes it into the type the client method for
/// `function` returns: `Ok` holds that value's `Debug` text. An unknown `function` decodes as
/// [`crate::MoodleClient::call_raw`] would (the JSON value itself).
#[doc(hidden)]
pub fn decode_answer(
    function: &str,
    status: u16,
    content_type: &str,
    retry_after: Option<Duration>,
    body: &[u8],
    token: &SecretString,
) -> Result<String, MoodleError> {
    let typed = |value| -> Result<String, MoodleError> {
        Ok(match function {
            "core_webservice_get_site_info" => format!("{:?}", decode::<SiteInfo>(function, value, token)?),
            "core_user_get_users_by_field" => format!("{:?}", decode::<Vec<User>>(function, value, token)?),
            "core_user_get_users" => format!("{:?}", decode::<UsersSearch>(function, value, token)?),
            "core_user_create_users" => format!("{:?}", decode::<Vec<CreatedUser>>(function, value, token)?),
            "core_user_update_users" => {
                let w = decode::<Option<users::WarningsOnly>>(function, value, token)?;
                format!("{:?}", w.map(|w| w.warnings).unwrap_or_default())
            }
            "core_course_get_courses_by_field" => {
                format!(
                    "{:?}",
                    decode::<courses::CoursesAnswer>(function, value, token)?.courses
                )
            }
            "core_course_get_categories" => format!("{:?}", decode::<Vec<Category>>(function, value, token)?),
            "enrol_manual_enrol_users"
            | "enrol_manual_unenrol_users"
            | "core_group_add_group_members"
            | "core_group_delete_group_members" => {
                decode::<IgnoredAny>(function, value, token)?;
                String::new()
            }
            "core_enrol_get_enrolled_users" => format!("{:?}", decode::<Vec<EnrolledUser>>(function, value, token)?),
            "core_enrol_get_users_courses" => format!("{:?}", decode::<Vec<UserCourse>>(function, value, token)?),
            "core_cohort_add_cohort_members" => {
                format!("{:?}", decode::<users::WarningsOnly>(function, value, token)?.warnings)
            }
            "core_completion_get_course_completion_status" => {
                format!("{:?}", decode::<CourseCompletionStatus>(function, value, token)?)
            }
            "core_completion_get_activities_completion_status" => {
                format!("{:?}", decode::<ActivitiesCompletion>(function, value, token)?)
            }
            "core_badges_get_user_badges" => format!("{:?}", decode::<UserBadges>(function, value, token)?),
            "core_message_send_instant_messages" => {
                format!("{:?}", decode::<Vec<SentMessage>>(function, value, token)?)
            }
            "core_files_upload" => format!("{:?}", decode::<UploadedFile>(function, value, token)?),
            "core_group_get_course_groups" | "core_group_create_groups" => {
                format!("{:?}", decode::<Vec<Group>>(function, value, token)?)
            }
            "core_group_get_group_members" => format!("{:?}", decode::<Vec<GroupMembers>>(function, value, token)?),
            _ => format!("{value:?}"),
        })
    };
    // As `MoodleClient::send_once` then `MoodleClient::call` (whose `decode` redacts too).
    let value = parse_response(function, status, content_type, retry_after, body).map_err(|e| e.redacted(token))?;
    typed(value)
}
