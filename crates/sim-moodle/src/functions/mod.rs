//! The web-service functions: declarations (parameters) and bodies.

pub mod completion;
pub mod courses;
pub mod enrol;
pub mod grade_items;
pub mod groups;
pub mod misc;
pub mod site;
pub mod users;

use crate::errors::WsError;
use crate::json::J;
use crate::params::{Desc, V};
use crate::state::{State, User};

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's user.
    pub user: User,
    /// The token's service functions (`None` = all).
    pub functions: Option<std::collections::BTreeSet<String>>,
}

impl Caller {
    /// `require_capability` at system or course level.
    pub fn require(&self, cap: &str, human: &str) -> Result<(), WsError> {
        if State::has_cap(&self.user, cap) {
            Ok(())
        } else {
            Err(WsError::nopermissions(human))
        }
    }
    /// Has a capability.
    pub fn can(&self, cap: &str) -> bool {
        State::has_cap(&self.user, cap)
    }
}

/// A function body.
pub type Handler = fn(&mut State, &Caller, &V) -> Result<J, WsError>;

/// A registered function.
pub struct Function {
    /// name
    pub name: &'static str,
    /// component version shown in site info
    pub version: &'static str,
    /// parameters
    pub params: fn() -> Desc,
    /// body
    pub handler: Handler,
}

/// Every implemented function, in the order of the recorded service.
pub static FUNCTIONS: &[Function] = &[
    Function {
        name: "core_webservice_get_site_info",
        version: "2024100706",
        params: site::params,
        handler: site::get_site_info,
    },
    Function {
        name: "core_user_get_users_by_field",
        version: "2024100706",
        params: users::by_field_params,
        handler: users::get_users_by_field,
    },
    Function {
        name: "core_user_create_users",
        version: "2024100706",
        params: users::create_params,
        handler: users::create_users,
    },
    Function {
        name: "core_user_update_users",
        version: "2024100706",
        params: users::update_params,
        handler: users::update_users,
    },
    Function {
        name: "core_user_get_users",
        version: "2024100706",
        params: users::get_users_params,
        handler: users::get_users,
    },
    Function {
        name: "core_course_get_courses_by_field",
        version: "2024100706",
        params: courses::by_field_params,
        handler: courses::get_courses_by_field,
    },
    Function {
        name: "core_course_get_categories",
        version: "2024100706",
        params: courses::categories_params,
        handler: courses::get_categories,
    },
    Function {
        name: "enrol_manual_enrol_users",
        version: "2024100700",
        params: enrol::enrol_params,
        handler: enrol::enrol_users,
    },
    Function {
        name: "enrol_manual_unenrol_users",
        version: "2024100700",
        params: enrol::unenrol_params,
        handler: enrol::unenrol_users,
    },
    Function {
        name: "core_enrol_get_enrolled_users",
        version: "2024100706",
        params: enrol::enrolled_params,
        handler: enrol::get_enrolled_users,
    },
    Function {
        name: "core_enrol_get_users_courses",
        version: "2024100706",
        params: enrol::users_courses_params,
        handler: enrol::get_users_courses,
    },
    Function {
        name: "core_completion_get_course_completion_status",
        version: "2024100706",
        params: completion::params,
        handler: completion::course_status,
    },
    Function {
        name: "gradereport_user_get_grade_items",
        version: "2024100700",
        params: grade_items::params,
        handler: grade_items::grade_items,
    },
    Function {
        name: "core_completion_get_activities_completion_status",
        version: "2024100706",
        params: completion::params,
        handler: completion::activities_status,
    },
    Function {
        name: "core_badges_get_user_badges",
        version: "2024100706",
        params: misc::badges_params,
        handler: misc::get_user_badges,
    },
    Function {
        name: "core_cohort_add_cohort_members",
        version: "2024100706",
        params: misc::cohort_params,
        handler: misc::add_cohort_members,
    },
    Function {
        name: "core_message_send_instant_messages",
        version: "2024100706",
        params: misc::message_params,
        handler: misc::send_instant_messages,
    },
    Function {
        name: "core_files_upload",
        version: "2024100706",
        params: misc::upload_params,
        handler: misc::files_upload,
    },
    Function {
        name: "core_group_get_course_groups",
        version: "2024100706",
        params: groups::course_groups_params,
        handler: groups::get_course_groups,
    },
    Function {
        name: "core_group_create_groups",
        version: "2024100706",
        params: groups::create_params,
        handler: groups::create_groups,
    },
    Function {
        name: "core_group_add_group_members",
        version: "2024100706",
        params: groups::members_params,
        handler: groups::add_group_members,
    },
    Function {
        name: "core_group_get_group_members",
        version: "2024100706",
        params: groups::get_members_params,
        handler: groups::get_group_members,
    },
    Function {
        name: "core_group_delete_group_members",
        version: "2024100706",
        params: groups::members_params,
        handler: groups::delete_group_members,
    },
];

/// The group functions. They were not in the external service recorded on Moodle 4.5.6 (the
/// `functions` of example #64), so the admin token's service lacks them until they are added
/// ([`crate::MoodleSim::enable_group_functions`], [`crate::MoodleSim::add_service_functions`]);
/// a token made with every function (`functions: None`) has them.
pub static GROUP_FUNCTIONS: &[&str] = &[
    "core_group_get_course_groups",
    "core_group_create_groups",
    "core_group_add_group_members",
    "core_group_get_group_members",
    "core_group_delete_group_members",
];

/// The functions progress sync adds to the recorded service (the final grades of a course);
/// like the group functions they are added with [`crate::MoodleSim::enable_progress_functions`].
pub static PROGRESS_FUNCTIONS: &[&str] = &["gradereport_user_get_grade_items"];

/// The service of the simulator's admin token: the MoodleManagement external service as
/// recorded on Moodle 4.5.6, i.e. every implemented function but [`GROUP_FUNCTIONS`],
/// [`PROGRESS_FUNCTIONS`].
pub fn recorded_service() -> std::collections::BTreeSet<String> {
    FUNCTIONS
        .iter()
        .filter(|f| !GROUP_FUNCTIONS.contains(&f.name) && !PROGRESS_FUNCTIONS.contains(&f.name))
        .map(|f| f.name.to_owned())
        .collect()
}

/// Functions that exist in a real Moodle but are not simulated: they are "registered" (so a
/// call gets `accessexception`, not `invalidrecord`, when the service lacks them).
pub static KNOWN_UNIMPLEMENTED: &[&str] = &[
    "core_course_get_courses",
    "core_course_create_courses",
    "core_user_delete_users",
    "core_enrol_get_course_enrolment_methods",
    "core_course_get_contents",
    "core_grades_get_grades",
    "core_cohort_get_cohorts",
    "core_cohort_delete_cohort_members",
    "core_completion_mark_course_self_completed",
    "core_completion_update_activity_completion_status_manually",
    "core_role_assign_roles",
    "core_role_unassign_roles",
    "core_group_get_groups",
    "core_group_update_groups",
    "core_group_delete_groups",
    "core_group_get_course_user_groups",
];

/// Look a function up.
pub fn find(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// `{wwwroot}/theme/image.php/boost/core/<rev>/u/f1|f2`
pub fn picture_urls(state: &State) -> (String, String) {
    let base = format!(
        "{}/theme/image.php/boost/core/{}/u/",
        state.site.wwwroot, state.site.themerev
    );
    (format!("{base}f2"), format!("{base}f1"))
}
