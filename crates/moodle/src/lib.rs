//! mm-moodle: a typed client for the Moodle REST web services MoodleManagement uses.
//!
//! The wire contract is `shared/fixtures/moodle/CONTRACT.md`. What this crate adds on top of
//! "POST a form, read JSON":
//!
//! - an ordered form encoder ([`Form`]) reproducing Moodle's PHP bracket notation byte for byte,
//!   booleans as `1`/`0` (Moodle rejects `true`);
//! - the token only ever in the POST body, never in a URL, log line, `Debug` or error text;
//! - one error type ([`MoodleError`]) that says whether retrying can help and how an admin fixes
//!   the permanent ones ([`MoodleError::fix_hint`]);
//! - batching of list calls with bounded concurrency, and [`BatchError`] naming the failed index
//!   ranges, because Moodle rolls a whole batch back on one bad row;
//! - retries (idempotent calls only) and a per-site circuit breaker from `mm-net`;
//! - user creation that, after an ambiguous failure, looks the users up before creating again.

mod batch;
mod config;
mod create;
mod de;
mod error;
mod form;
mod transport;

pub mod badges;
pub mod capabilities;
pub mod cohorts;
pub mod completion;
pub mod courses;
pub mod enrol;
pub mod files;
/// Fuzzing entry point; not part of the API.
#[doc(hidden)]
pub mod fuzz;
pub mod grades;
pub mod groups;
pub mod messages;
pub mod site;
pub mod users;

pub use batch::{BatchError, BatchFailure};
pub use config::{ClientOptions, SiteConfig};
pub use error::{MoodleError, MoodleException};
pub use form::{Form, Scope};
pub use transport::{MoodleClient, parse_response};

pub use badges::{Badge, UserBadges};
pub use capabilities::{CAPABILITIES, Capability, MissingCapability, Probe};
pub use cohorts::{CohortMember, CohortRef, UserRef};
pub use completion::{
    ActivitiesCompletion, ActivityStatus, Completion, CompletionDetails, CompletionStatus, CourseCompletionStatus,
};
pub use courses::{Category, CategoryKey, Course, CourseLookup};
pub use enrol::{EnrolledUser, EnrolledUsersOptions, Enrolment, SortBy, SortDirection, Unenrolment, UserCourse};
pub use files::{FileUpload, UploadTarget, UploadedFile};
pub use grades::{CourseGradeItems, GradeItem, UserGradeItems};
pub use groups::{Group, GroupMember, GroupMembers, GroupProblem, GroupVisibility, NewGroup};
pub use messages::{InstantMessage, SentMessage};
pub use site::SiteInfo;
pub use users::{CreatedUser, NewUser, User, UserCriterion, UserField, UserUpdate, UsersSearch};

pub use mm_net::{BreakerConfig, BreakerState, RetryPolicy, SecretString};

/// A per-item, non-fatal problem reported by Moodle (`external_warnings`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Warning {
    /// What kind of item (`user`, `course`, the search key…), when given.
    #[serde(default)]
    pub item: Option<String>,
    /// Which item, when given.
    #[serde(default)]
    pub itemid: Option<i64>,
    /// Machine-readable code (a digit string for cohorts).
    pub warningcode: String,
    /// Human text.
    pub message: String,
}
