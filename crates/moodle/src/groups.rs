//! Course groups (`core_group_*`): find a group by name, create it when missing, add members in
//! batches.
//!
//! What Moodle does (read from `group/externallib.php`; see the simulator's `functions/groups.rs`
//! for which details are confirmed and which assumed):
//!
//! - every function needs `moodle/course:managegroups` in the course (`nopermissions`), and a
//!   course the token user cannot enter, or that does not exist, is `errorcoursecontextnotvalid`;
//! - `core_group_create_groups` runs in one transaction: a blank name (`Invalid group name`) or a
//!   name already used in the course (`Group with the same name already exists in the course`,
//!   exact comparison, so case-sensitive on PostgreSQL) is an `invalidparameter` that rolls back
//!   every row of the request; an idnumber in use is `idnumbertaken`. Not idempotent: a repeated
//!   creation fails, so a request is sent once and looked up after an ambiguous failure;
//! - `core_group_add_group_members` runs in one transaction: an unknown group or user is
//!   `invalidrecord`, a user not enrolled in the course (any enrolment, suspended included) is
//!   `invalidparameter` (`Only enrolled users may be members of groups`) and rolls back the
//!   whole request; adding an existing member is no error, so the call is idempotent and is
//!   retried on transient errors;
//! - the texts above are Moodle's `debuginfo`, present only when the site has debugging on:
//!   [`MoodleError::group_problem`] classifies the errors with or without it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::batch::{self, BatchError, BatchFailure, concat_or_first_error};
use crate::create::Creatable;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

const GET_COURSE_GROUPS: &str = "core_group_get_course_groups";
const CREATE_GROUPS: &str = "core_group_create_groups";
const ADD_MEMBERS: &str = "core_group_add_group_members";
const DELETE_MEMBERS: &str = "core_group_delete_group_members";
const GET_MEMBERS: &str = "core_group_get_group_members";

/// The web-service functions this module calls (to add to the token's external service).
pub const GROUP_FUNCTIONS: &[&str] = &[
    GET_COURSE_GROUPS,
    CREATE_GROUPS,
    ADD_MEMBERS,
    GET_MEMBERS,
    DELETE_MEMBERS,
];

/// Who sees a group and its members (Moodle 4.2+, `GROUPS_VISIBILITY_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum GroupVisibility {
    /// Everyone (Moodle's default).
    #[default]
    All,
    /// Members only.
    Members,
    /// Members see their own membership only.
    Own,
    /// Nobody (membership hidden).
    None,
}

impl GroupVisibility {
    /// The wire value (0–3).
    pub fn as_int(self) -> i64 {
        match self {
            GroupVisibility::All => 0,
            GroupVisibility::Members => 1,
            GroupVisibility::Own => 2,
            GroupVisibility::None => 3,
        }
    }

    /// From the wire value.
    pub fn from_int(v: i64) -> Option<Self> {
        Some(match v {
            0 => GroupVisibility::All,
            1 => GroupVisibility::Members,
            2 => GroupVisibility::Own,
            3 => GroupVisibility::None,
            _ => return None,
        })
    }
}

/// A course group as Moodle returns it. (The group's enrolment key is not kept: it is a secret
/// and this application does not use it.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Group id.
    #[serde(deserialize_with = "crate::de::int")]
    pub id: i64,
    /// Course id.
    #[serde(deserialize_with = "crate::de::int")]
    pub courseid: i64,
    /// Name (unique in the course).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Id number (empty when none).
    #[serde(default)]
    pub idnumber: String,
    /// Visibility as sent by Moodle (0–3, see [`GroupVisibility::from_int`]); absent before
    /// Moodle 4.2.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub visibility: Option<i64>,
    /// Activity participation (Moodle 4.2+).
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub participation: Option<bool>,
}

/// A group to create.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewGroup {
    /// Course id.
    pub courseid: i64,
    /// Name; sent trimmed (Moodle stores it trimmed but compares the untrimmed text when it
    /// checks for a duplicate).
    pub name: String,
    /// Description (Moodle requires the key; empty is fine).
    pub description: String,
    /// Id number (must be unique in the course when set).
    pub idnumber: Option<String>,
    /// Visibility; `None` = Moodle's default (everyone).
    pub visibility: Option<GroupVisibility>,
    /// Activity participation; `None` = Moodle's default (on).
    pub participation: Option<bool>,
}

impl NewGroup {
    /// A plain group: name only, Moodle's defaults for the rest.
    pub fn new(courseid: i64, name: impl Into<String>) -> Self {
        Self {
            courseid,
            name: name.into(),
            description: String::new(),
            idnumber: None,
            visibility: None,
            participation: None,
        }
    }
}

/// A user in a group (to add or remove).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupMember {
    /// Group id.
    pub groupid: i64,
    /// Moodle user id.
    pub userid: i64,
}

impl From<(i64, i64)> for GroupMember {
    /// `(groupid, userid)`.
    fn from((groupid, userid): (i64, i64)) -> Self {
        Self { groupid, userid }
    }
}

/// The members of one group (`core_group_get_group_members`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembers {
    /// Group id.
    #[serde(deserialize_with = "crate::de::int")]
    pub groupid: i64,
    /// Member user ids, by last name then first name.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub userids: Vec<i64>,
}

/// What went wrong in a group call, read from Moodle's error (see [`MoodleError::group_problem`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupProblem {
    /// `add_group_members`: a user is not enrolled in the group's course (the whole request was
    /// rolled back). Without site debugging Moodle does not say so explicitly; it is then the
    /// only parameter error this client's well-formed requests can get from that function.
    NotEnrolled,
    /// `create_groups`: a group of that name already exists in the course (the whole request
    /// was rolled back). Without site debugging it is inferred the same way (blank names are
    /// refused before sending).
    DuplicateName,
    /// `create_groups`: blank name.
    InvalidName,
    /// `create_groups`: the idnumber is used by another group of the course.
    IdnumberTaken,
    /// The group does not exist (`invalidrecord`, table `groups`).
    GroupNotFound,
    /// The user does not exist or is deleted (`invalidrecord`, table `user`).
    UserNotFound,
    /// The course does not exist or the token user cannot enter it
    /// (`errorcoursecontextnotvalid`).
    CourseNotAccessible,
    /// The token user lacks `moodle/course:managegroups` (`nopermissions`).
    NoPermission,
}

impl MoodleError {
    /// Classify the error of a `core_group_*` call; `None` for other functions and for errors
    /// that are not about groups (network, token, …).
    pub fn group_problem(&self) -> Option<GroupProblem> {
        let MoodleError::Exception { function, exception } = self else {
            return None;
        };
        if !function.starts_with("core_group_") {
            return None;
        }
        let debug = exception.debuginfo.as_deref().unwrap_or("");
        Some(match exception.errorcode.as_deref()? {
            "invalidparameter" if debug.contains("Only enrolled users") => GroupProblem::NotEnrolled,
            "invalidparameter" if debug.contains("same name already exists") => GroupProblem::DuplicateName,
            "invalidparameter" if debug.contains("Invalid group name") => GroupProblem::InvalidName,
            "invalidparameter" if debug.is_empty() && function == ADD_MEMBERS => GroupProblem::NotEnrolled,
            "invalidparameter" if debug.is_empty() && function == CREATE_GROUPS => GroupProblem::DuplicateName,
            "idnumbertaken" => GroupProblem::IdnumberTaken,
            "invalidrecord" if names_table(&exception.message, debug, "groups") => GroupProblem::GroupNotFound,
            "invalidrecord" if names_table(&exception.message, debug, "user") => GroupProblem::UserNotFound,
            "invaliduser" => GroupProblem::UserNotFound,
            "errorcoursecontextnotvalid" => GroupProblem::CourseNotAccessible,
            "nopermissions" => GroupProblem::NoPermission,
            _ => return None,
        })
    }
}

/// Whether an `invalidrecord` error is about `table` (English message or SQL debuginfo).
pub(crate) fn names_table(message: &str, debuginfo: &str, table: &str) -> bool {
    message.ends_with(&format!("table {table}.")) || debuginfo.contains(&format!("FROM {{{table}}}"))
}

fn create_form(groups: &[&NewGroup]) -> Form {
    let mut f = Form::new();
    for (i, g) in groups.iter().enumerate() {
        let mut s = f.item("groups", i);
        s.int("courseid", g.courseid)
            .text("name", g.name.trim())
            .text("description", g.description.as_str())
            .opt_text("idnumber", g.idnumber.as_deref());
        if let Some(v) = g.visibility {
            s.int("visibility", v.as_int());
        }
        if let Some(p) = g.participation {
            s.bool("participation", p);
        }
    }
    f
}

fn members_form(items: &[GroupMember]) -> Form {
    let mut f = Form::new();
    for (i, m) in items.iter().enumerate() {
        f.item("members", i).int("groupid", m.groupid).int("userid", m.userid);
    }
    f
}

impl Creatable for NewGroup {
    type Key = (i64, String);
    type Created = Group;
    const FUNCTION: &'static str = CREATE_GROUPS;
    const NOUN: &'static str = "group";
    const AMBIGUOUS: &'static str = "ambiguous group creation: looking the groups up before retrying";

    fn key(&self) -> (i64, String) {
        (self.courseid, self.name.trim().to_owned())
    }

    fn created_key(created: &Group) -> (i64, String) {
        (created.courseid, created.name.clone())
    }

    fn form(rows: &[&NewGroup]) -> Form {
        create_form(rows)
    }

    /// Reads the groups of every course concerned, once per course.
    async fn look_up(client: &MoodleClient, keys: Vec<(i64, String)>) -> Result<Vec<Group>, MoodleError> {
        let courses: BTreeSet<i64> = keys.iter().map(|(courseid, _)| *courseid).collect();
        let wanted: BTreeSet<(i64, String)> = keys.into_iter().collect();
        let mut found = Vec::new();
        for courseid in courses {
            for g in client.get_course_groups(courseid).await? {
                if wanted.contains(&(g.courseid, g.name.clone())) {
                    found.push(g);
                }
            }
        }
        Ok(found)
    }
}

impl MoodleClient {
    /// `core_group_get_course_groups`: every group of the course (by name).
    pub async fn get_course_groups(&self, courseid: i64) -> Result<Vec<Group>, MoodleError> {
        let mut f = Form::new();
        f.int("courseid", courseid);
        self.call(GET_COURSE_GROUPS, &f, Mode::Idempotent).await
    }

    /// The group of the course whose name is `name` (trimmed; exact, case-sensitive match as
    /// Moodle's duplicate check on PostgreSQL), if any.
    pub async fn find_group_by_name(&self, courseid: i64, name: &str) -> Result<Option<Group>, MoodleError> {
        let name = name.trim();
        Ok(self
            .get_course_groups(courseid)
            .await?
            .into_iter()
            .find(|g| g.name == name))
    }

    /// `core_group_create_groups`, in batches; the created groups in input order.
    ///
    /// One bad row (a name already used in its course, …) rolls back its whole request: the
    /// error names the failed index ranges, and the groups of the requests that succeeded are
    /// not in it (read them back with [`MoodleClient::get_course_groups`]). A blank name fails
    /// the whole call before anything is sent. Not idempotent, so a request is sent once; after
    /// an *ambiguous* failure (timeout, broken connection, HTTP 5xx) the courses' groups are
    /// read and only the groups still missing are created again, up to the retry policy's
    /// attempts. A group found by name afterwards is reported as created, even if another actor
    /// created it in between.
    pub async fn create_groups(&self, groups: &[NewGroup]) -> Result<Vec<Group>, BatchError> {
        if let Some(i) = groups.iter().position(|g| g.name.trim().is_empty()) {
            return Err(BatchError {
                total: groups.len(),
                failures: vec![BatchFailure {
                    range: i..i + 1,
                    error: MoodleError::Config(format!("group #{i} has a blank name; nothing was sent")),
                }],
                created: Vec::new(),
            });
        }
        let results = self
            .per_chunk(groups.len(), |range| self.create_once_or_look_up(&groups[range]))
            .await;
        Ok(batch::collect(groups.len(), results)?.into_iter().flatten().collect())
    }

    /// The group `name` of the course, created (with Moodle's defaults) when missing. A
    /// creation refused because the group appeared meanwhile (another worker, a teacher) reads
    /// it back instead of failing.
    pub async fn ensure_group(&self, courseid: i64, name: &str) -> Result<Group, MoodleError> {
        if let Some(g) = self.find_group_by_name(courseid, name).await? {
            return Ok(g);
        }
        let error = match self.create_groups(&[NewGroup::new(courseid, name)]).await {
            Ok(mut list) if !list.is_empty() => return Ok(list.remove(0)),
            Ok(_) => MoodleError::Decode {
                function: CREATE_GROUPS.to_owned(),
                detail: "Moodle returned no group".to_owned(),
            },
            Err(batch) => match batch.failures.into_iter().next() {
                Some(f) => f.error,
                None => MoodleError::Decode {
                    function: CREATE_GROUPS.to_owned(),
                    detail: "the creation failed without an error".to_owned(),
                },
            },
        };
        if error.group_problem() == Some(GroupProblem::DuplicateName)
            && let Some(g) = self.find_group_by_name(courseid, name).await?
        {
            return Ok(g);
        }
        Err(error)
    }

    /// `core_group_add_group_members`, batched by the site's batch size; idempotent (an
    /// existing member is no error), so retried on transient errors. One bad row (a user not
    /// enrolled in the group's course, an unknown group or user) fails and rolls back its whole
    /// request: the error names the failed index ranges; see
    /// [`MoodleClient::add_group_members_isolating`].
    pub async fn add_group_members(&self, members: &[GroupMember]) -> Result<(), BatchError> {
        self.batched_unit(ADD_MEMBERS, members.len(), |r| members_form(&members[r]))
            .await
    }

    /// Like [`MoodleClient::add_group_members`], but a request failing with a *permanent* error
    /// is bisected until the failing rows are isolated, so the good rows are added and the
    /// error names single indices (about `2·log2(batch)` extra requests per bad row).
    pub async fn add_group_members_isolating(&self, members: &[GroupMember]) -> Result<(), BatchError> {
        self.batched_unit_isolating(ADD_MEMBERS, members.len(), |r| members_form(&members[r]))
            .await
    }

    /// `core_group_delete_group_members`, batched; idempotent (removing a non-member is no
    /// error). An unknown group or user rolls back its request.
    pub async fn remove_group_members(&self, members: &[GroupMember]) -> Result<(), BatchError> {
        self.batched_unit(DELETE_MEMBERS, members.len(), |r| members_form(&members[r]))
            .await
    }

    /// `core_group_get_group_members`, in requests of `batch_size` group ids; one entry per
    /// group, in input order. An unknown group fails the call (`invalidrecord`).
    pub async fn get_group_members(&self, groupids: &[i64]) -> Result<Vec<GroupMembers>, MoodleError> {
        let results = self
            .call_batched(GET_MEMBERS, Mode::Idempotent, groupids.len(), |range| {
                let mut f = Form::new();
                for (i, id) in groupids[range].iter().enumerate() {
                    f.int(format!("groupids[{i}]"), *id);
                }
                f
            })
            .await;
        concat_or_first_error(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MoodleException;

    fn ex(function: &str, code: &str, message: &str, debuginfo: Option<&str>) -> MoodleError {
        MoodleError::Exception {
            function: function.to_owned(),
            exception: MoodleException {
                exception: "core\\exception\\invalid_parameter_exception".to_owned(),
                errorcode: Some(code.to_owned()),
                message: message.to_owned(),
                debuginfo: debuginfo.map(str::to_owned),
            },
        }
    }

    const INVALID: &str = "Invalid parameter value detected";

    #[test]
    fn problems_with_and_without_debuginfo() {
        let only = Some("Only enrolled users may be members of groups");
        assert_eq!(
            ex(ADD_MEMBERS, "invalidparameter", INVALID, only).group_problem(),
            Some(GroupProblem::NotEnrolled)
        );
        assert_eq!(
            ex(ADD_MEMBERS, "invalidparameter", INVALID, None).group_problem(),
            Some(GroupProblem::NotEnrolled)
        );
        let dup = Some("Group with the same name already exists in the course");
        assert_eq!(
            ex(CREATE_GROUPS, "invalidparameter", INVALID, dup).group_problem(),
            Some(GroupProblem::DuplicateName)
        );
        assert_eq!(
            ex(CREATE_GROUPS, "invalidparameter", INVALID, None).group_problem(),
            Some(GroupProblem::DuplicateName)
        );
        assert_eq!(
            ex(CREATE_GROUPS, "invalidparameter", INVALID, Some("Invalid group name")).group_problem(),
            Some(GroupProblem::InvalidName)
        );
        assert_eq!(
            ex(
                ADD_MEMBERS,
                "invalidrecord",
                "Can't find data record in database table groups.",
                None
            )
            .group_problem(),
            Some(GroupProblem::GroupNotFound)
        );
        assert_eq!(
            ex(
                ADD_MEMBERS,
                "invalidrecord",
                "x",
                Some("SELECT * FROM {user} WHERE id = ?")
            )
            .group_problem(),
            Some(GroupProblem::UserNotFound)
        );
        assert_eq!(
            ex(GET_COURSE_GROUPS, "errorcoursecontextnotvalid", "x", None).group_problem(),
            Some(GroupProblem::CourseNotAccessible)
        );
        assert_eq!(
            ex(CREATE_GROUPS, "nopermissions", "x", None).group_problem(),
            Some(GroupProblem::NoPermission)
        );
        assert_eq!(
            ex(CREATE_GROUPS, "idnumbertaken", "x", None).group_problem(),
            Some(GroupProblem::IdnumberTaken)
        );
        // Not a group function, or not a group problem.
        assert_eq!(
            ex("enrol_manual_enrol_users", "invalidparameter", INVALID, None).group_problem(),
            None
        );
        assert_eq!(ex(ADD_MEMBERS, "invalidtoken", "x", None).group_problem(), None);
        assert_eq!(MoodleError::Timeout.group_problem(), None);
    }

    #[test]
    fn hints_name_the_fix() {
        let hint = |e: MoodleError| e.fix_hint().unwrap_or_default();
        assert!(hint(ex(ADD_MEMBERS, "invalidparameter", INVALID, None)).contains("enrol the user in the course"));
        assert!(
            hint(ex(
                CREATE_GROUPS,
                "invalidparameter",
                INVALID,
                Some("Group with the same name already exists in the course")
            ))
            .contains("already exists in the course")
        );
        assert!(
            hint(ex(CREATE_GROUPS, "nopermissions", "(Manage groups).", None)).contains("moodle/course:managegroups")
        );
        assert!(
            hint(ex(
                ADD_MEMBERS,
                "invalidrecord",
                "Can't find data record in database table groups.",
                None
            ))
            .contains("the group does not exist")
        );
        assert!(hint(ex(GET_COURSE_GROUPS, "errorcoursecontextnotvalid", "x", None)).contains("course"));
        assert!(hint(ex(CREATE_GROUPS, "idnumbertaken", "x", None)).contains("ID number"));
    }

    #[test]
    fn forms() {
        let mut g = NewGroup::new(3, "  Cohort 2027-01 ");
        g.visibility = Some(GroupVisibility::Members);
        assert_eq!(
            create_form(&[&g]).encode(),
            "groups%5B0%5D%5Bcourseid%5D=3&groups%5B0%5D%5Bname%5D=Cohort+2027-01&groups%5B0%5D%5Bdescription%5D=&groups%5B0%5D%5Bvisibility%5D=1"
        );
        assert_eq!(
            members_form(&[(7, 9).into()]).encode(),
            "members%5B0%5D%5Bgroupid%5D=7&members%5B0%5D%5Buserid%5D=9"
        );
        for v in [
            GroupVisibility::All,
            GroupVisibility::Members,
            GroupVisibility::Own,
            GroupVisibility::None,
        ] {
            assert_eq!(GroupVisibility::from_int(v.as_int()), Some(v));
        }
    }

    /// The engine spawns these futures on a multi-threaded runtime: they must be `Send`.
    #[allow(dead_code)]
    fn futures_are_send(c: &MoodleClient) {
        fn send<T: Send>(_: T) {}
        send(c.get_course_groups(1));
        send(c.create_groups(&[]));
        send(c.ensure_group(1, "x"));
        send(c.add_group_members(&[]));
        send(c.add_group_members_isolating(&[]));
        send(c.get_group_members(&[]));
    }
}
