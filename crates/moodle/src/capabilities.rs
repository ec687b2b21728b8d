//! What the token user's role must allow, and the read-only probes that tell at start which
//! of it is missing (CONTRACT.md §0). Moodle does not say which capabilities a user holds, and
//! several missing ones fail silently (a hidden email makes every look-up answer `[]`), so each
//! probe reads something whose answer changes with one capability.

use crate::enrol::EnrolledUsersOptions;
use crate::error::MoodleError;
use crate::transport::MoodleClient;
use crate::users::UserField;

/// How the start check can tell that a capability is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// The site-info call of the function check fails without it (`accessexception`).
    SiteInfo,
    /// Reading another account (the guest, id 1) by id: Moodle leaves it out without
    /// `moodle/user:viewdetails`, and leaves out its email without
    /// `moodle/site:viewuseridentity`. (Not the token user: Moodle always shows a user their
    /// own email.)
    ReadAccount,
    /// An `onlyactive` read of a mapped course's enrolments (one user, its id only).
    ReadCourse,
    /// Only a write could tell: the first enrolment or creation fails with the fix.
    NotProbeable,
}

/// A capability the integration role needs (at system context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// Moodle's name, e.g. `moodle/site:viewuseridentity`.
    pub name: &'static str,
    /// What MoodleManagement does with it.
    pub needed_for: &'static str,
    /// How the start check finds it missing.
    pub probe: Probe,
    /// Needed only when a mapping puts learners in a course group.
    pub groups_only: bool,
}

const fn cap(name: &'static str, needed_for: &'static str, probe: Probe) -> Capability {
    Capability {
        name,
        needed_for,
        probe,
        groups_only: false,
    }
}

/// Every capability of the integration role; README's "Connecting a real Moodle" lists exactly
/// these (a test compares them).
pub const CAPABILITIES: &[Capability] = &[
    cap("webservice/rest:use", "calling the REST web services", Probe::SiteInfo),
    cap(
        "moodle/user:viewdetails",
        "seeing learners' accounts at all",
        Probe::ReadAccount,
    ),
    cap(
        "moodle/site:viewuseridentity",
        "seeing accounts' emails, by which learners are matched",
        Probe::ReadAccount,
    ),
    cap(
        "moodle/course:view",
        "entering the mapped courses without being enrolled in them",
        Probe::ReadCourse,
    ),
    cap(
        "moodle/course:viewparticipants",
        "reading a course's enrolments (drift sweep)",
        Probe::ReadCourse,
    ),
    cap(
        "moodle/course:enrolreview",
        "telling active from suspended enrolments (drift sweep)",
        Probe::ReadCourse,
    ),
    cap("moodle/user:create", "creating learners' accounts", Probe::NotProbeable),
    cap(
        "moodle/user:update",
        "giving an account its learner's new email",
        Probe::NotProbeable,
    ),
    cap(
        "enrol/manual:enrol",
        "enrolling, suspending and reactivating",
        Probe::NotProbeable,
    ),
    cap(
        "enrol/manual:unenrol",
        "unenrolling (`on_revoke = \"unenrol\"`)",
        Probe::NotProbeable,
    ),
    cap(
        "moodle/role:assign",
        "giving the mapping's role (with *Allow role assignments* → student)",
        Probe::NotProbeable,
    ),
    cap(
        "report/completion:view",
        "reading learners' course completion and its time (progress sync)",
        Probe::NotProbeable,
    ),
    cap(
        "moodle/grade:viewall",
        "reading learners' final grades (progress sync)",
        Probe::NotProbeable,
    ),
    cap(
        "gradereport/user:view",
        "reading a course's final grades through the user grade report (progress sync)",
        Probe::NotProbeable,
    ),
    Capability {
        name: "moodle/course:managegroups",
        needed_for: "finding, creating and joining course groups",
        probe: Probe::NotProbeable,
        groups_only: true,
    },
];

/// The account the identity probe reads: the guest, which every Moodle has (id 1, email
/// `root@localhost`) and which is never the token user.
pub const PROBE_ACCOUNT_ID: i64 = 1;

/// A capability a probe found missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCapability {
    /// Moodle's name.
    pub capability: &'static str,
    /// What the probe saw and what breaks because of it.
    pub evidence: String,
}

impl MissingCapability {
    fn new(capability: &'static str, evidence: impl Into<String>) -> MissingCapability {
        MissingCapability {
            capability,
            evidence: evidence.into(),
        }
    }

    /// How an admin fixes it.
    pub fn fix(&self) -> String {
        let extra = if self.capability == "moodle/site:viewuseridentity" {
            ", and keep `email` in Site administration → Users → Permissions → User policies → Show user identity"
        } else {
            ""
        };
        format!(
            "allow `{}` in the token user's role (Site administration → Users → Permissions → Define roles; \
             the role assigned at system context){extra}",
            self.capability
        )
    }
}

impl std::fmt::Display for MissingCapability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the token user lacks `{}`: {}", self.capability, self.evidence)
    }
}

impl MoodleClient {
    /// The capabilities the read-only probes find missing: the account probe always, the
    /// course probe when `course_id` (a mapped course) is given. An error: a probe could not
    /// run (network, missing function), so nothing is known.
    pub async fn probe_capabilities(&self, course_id: Option<i64>) -> Result<Vec<MissingCapability>, MoodleError> {
        let mut missing = self.probe_account().await?;
        if let Some(id) = course_id {
            missing.extend(self.probe_course(id).await?);
        }
        Ok(missing)
    }

    async fn probe_account(&self) -> Result<Vec<MissingCapability>, MoodleError> {
        let found = self
            .get_users_by_field(UserField::Id, &[PROBE_ACCOUNT_ID.to_string()])
            .await?;
        let Some(account) = found.first() else {
            return Ok(vec![MissingCapability::new(
                "moodle/user:viewdetails",
                format!(
                    "core_user_get_users_by_field(id={PROBE_ACCOUNT_ID}) did not return the guest account, so no \
                     look-up returns any account"
                ),
            )]);
        };
        if account.email.as_deref().is_none_or(str::is_empty) {
            return Ok(vec![MissingCapability::new(
                "moodle/site:viewuseridentity",
                format!(
                    "core_user_get_users_by_field(id={PROBE_ACCOUNT_ID}) returned the guest account without its email: \
                     Moodle hides every email from the token user, so every look-up by email answers [] and an \
                     existing learner is never matched (creating their account then fails `invalidparameter`, \
                     \"Email address already exists\")"
                ),
            )]);
        }
        Ok(Vec::new())
    }

    async fn probe_course(&self, course_id: i64) -> Result<Vec<MissingCapability>, MoodleError> {
        let options = EnrolledUsersOptions {
            only_active: true,
            userfields: Some(vec!["id".to_owned()]),
            limitnumber: Some(1),
            ..EnrolledUsersOptions::default()
        };
        let e = match self.enrolled_users(course_id, &options).await {
            Ok(_) => return Ok(Vec::new()),
            Err(e) => e,
        };
        let message = e.exception().map(|x| x.message.as_str()).unwrap_or_default();
        let capability = match e.errorcode() {
            Some("errorcoursecontextnotvalid" | "requireloginerror") => "moodle/course:view",
            Some("nopermissions") if message.contains("(View participants)") => "moodle/course:viewparticipants",
            Some("nopermissions") if message.contains("(Review course enrolments)") => "moodle/course:enrolreview",
            // The course is gone, or something else: the jobs of that course say so.
            Some(_) => return Ok(Vec::new()),
            None => return Err(e),
        };
        let evidence = format!(
            "reading the active enrolments of course id={course_id} (core_enrol_get_enrolled_users, onlyactive) \
             failed: {e}; the drift sweep cannot read any course"
        );
        Ok(vec![MissingCapability::new(capability, evidence)])
    }
}
