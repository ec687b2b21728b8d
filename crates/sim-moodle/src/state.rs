//! The simulated Moodle database, indexed for fast lookups.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::errors::DebugLevel;

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

/// Site-wide settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    /// `$SITE->fullname`
    pub name: String,
    /// `$CFG->wwwroot`
    pub wwwroot: String,
    /// `$CFG->release`
    pub release: String,
    /// `$CFG->version`
    pub version: String,
    /// debug level
    pub debug: DebugLevel,
    /// `$CFG->allowaccountssameemail`
    pub allowaccountssameemail: bool,
    /// `$CFG->messaging`
    pub messaging: bool,
    /// `$CFG->enablebadges`
    pub badges: bool,
    /// `$CFG->maintenance_enabled`
    pub maintenance: bool,
    /// `$CFG->enablewebservices` and REST enabled
    pub webservices: bool,
    /// `$CFG->themerev`: the revision inside every theme image URL (profile pictures).
    /// Sites differ, so a seed can set it to match recorded URLs.
    #[serde(default = "default_themerev")]
    pub themerev: i64,
}

fn default_themerev() -> i64 {
    1_795_615_718
}

impl Default for Site {
    fn default() -> Self {
        Self {
            name: "Test Site".into(),
            wwwroot: "https://lms.example.org".into(),
            release: "4.5.6 (Build: 20250811)".into(),
            version: "2024100706".into(),
            debug: DebugLevel::Off,
            allowaccountssameemail: false,
            messaging: true,
            badges: true,
            maintenance: false,
            webservices: true,
            themerev: default_themerev(),
        }
    }
}

/// A web-service token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Token {
    /// token string
    pub token: String,
    /// owner user id
    pub userid: i64,
    /// functions of its service; `None` = every implemented function
    pub functions: Option<BTreeSet<String>>,
    /// `validuntil` (0 = forever)
    pub validuntil: i64,
    /// IP restriction (exact address), if any
    pub iprestriction: Option<String>,
}

/// A user.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct User {
    /// id
    pub id: i64,
    /// username (lower case)
    pub username: String,
    /// firstname
    pub firstname: String,
    /// lastname
    pub lastname: String,
    /// email as stored
    pub email: String,
    /// auth plugin
    pub auth: String,
    /// suspended
    pub suspended: bool,
    /// deleted
    pub deleted: bool,
    /// confirmed
    pub confirmed: bool,
    /// idnumber
    pub idnumber: String,
    /// department
    pub department: String,
    /// institution
    pub institution: String,
    /// city
    pub city: String,
    /// country
    pub country: String,
    /// lang
    pub lang: String,
    /// timezone
    pub timezone: String,
    /// description
    pub description: String,
    /// phone1
    pub phone1: String,
    /// password as set (the simulator does not hash)
    pub password: String,
    /// custom profile fields shortname → value
    pub customfields: BTreeMap<String, String>,
    /// capabilities granted at system level (admins have all)
    pub capabilities: BTreeSet<String>,
    /// capabilities this user lacks even as an admin: how a test removes one from the token
    /// user (by default the admin, who has every capability) without building a role
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub lacks: BTreeSet<String>,
    /// site admin
    pub admin: bool,
    /// blocks messages from non-contacts
    pub blocks_non_contacts: bool,
    /// created
    pub timecreated: i64,
}

impl User {
    /// `fullname()`
    pub fn fullname(&self) -> String {
        format!("{} {}", self.firstname, self.lastname)
    }
}

/// Manual enrolment instance state of a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ManualInstance {
    /// enabled (default for new courses)
    #[default]
    Enabled,
    /// exists but disabled
    Disabled,
    /// no manual instance
    Absent,
}

/// A course category.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Category {
    /// id
    pub id: i64,
    /// name
    pub name: String,
    /// idnumber
    pub idnumber: String,
    /// description
    pub description: String,
    /// descriptionformat
    pub descriptionformat: i64,
    /// parent id (0 = top)
    pub parent: i64,
    /// visible
    pub visible: bool,
    /// timemodified
    pub timemodified: i64,
}

/// A course.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Course {
    /// id
    pub id: i64,
    /// shortname
    pub shortname: String,
    /// fullname
    pub fullname: String,
    /// idnumber
    pub idnumber: String,
    /// category id
    pub category: i64,
    /// summary
    pub summary: String,
    /// summaryformat
    pub summaryformat: i64,
    /// visible
    pub visible: bool,
    /// completion enabled
    pub enablecompletion: bool,
    /// course completion criteria: self completion
    pub selfcompletion: bool,
    /// startdate
    pub startdate: i64,
    /// enddate
    pub enddate: i64,
    /// manual enrolment instance
    pub manual: ManualInstance,
    /// timecreated
    pub timecreated: i64,
    /// activities with completion tracking
    pub activities: Vec<Activity>,
}

/// An activity with completion tracking.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Activity {
    /// course module id
    pub cmid: i64,
    /// module name (`quiz`, `assign`…)
    pub modname: String,
    /// instance id
    pub instance: i64,
    /// tracking (1 manual, 2 automatic)
    pub tracking: i64,
    /// Activity name, shown as the criterion of a course completion status (empty:
    /// `<modname> <instance>`).
    #[serde(default)]
    pub name: String,
}

/// Enrolment status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnrolStatus {
    /// ENROL_USER_ACTIVE
    Active,
    /// ENROL_USER_SUSPENDED
    Suspended,
}

/// A user enrolment via the manual instance, with its role assignments in the course.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enrolment {
    /// user
    pub userid: i64,
    /// course
    pub courseid: i64,
    /// status
    pub status: EnrolStatus,
    /// timestart (0 = none)
    pub timestart: i64,
    /// timeend (0 = none)
    pub timeend: i64,
    /// role ids assigned in the course context
    pub roleids: BTreeSet<i64>,
    /// created
    pub timecreated: i64,
}

impl Enrolment {
    /// Active, instance enabled is checked by the caller, within the time window.
    pub fn is_active_at(&self, t: i64) -> bool {
        self.status == EnrolStatus::Active
            && (self.timestart == 0 || self.timestart <= t)
            && (self.timeend == 0 || self.timeend > t)
    }
}

/// Course completion record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Completion {
    /// user
    pub userid: i64,
    /// course
    pub courseid: i64,
    /// timecompleted
    pub timecompleted: i64,
}

/// A badge issued to a user.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Badge {
    /// badge id
    pub id: i64,
    /// name
    pub name: String,
    /// description
    pub description: String,
    /// course (0 = site badge)
    pub courseid: i64,
    /// recipient
    pub userid: i64,
    /// issued
    pub dateissued: i64,
    /// issued id
    pub issuedid: i64,
    /// hash
    pub uniquehash: String,
}

/// A cohort.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Cohort {
    /// id
    pub id: i64,
    /// name
    pub name: String,
    /// idnumber
    pub idnumber: String,
    /// members
    pub members: BTreeSet<i64>,
}

/// Group visibility (`GROUPS_VISIBILITY_*`, Moodle 4.2+).
pub mod group_visibility {
    /// Visible to all (the default).
    pub const ALL: i64 = 0;
    /// Visible to members.
    pub const MEMBERS: i64 = 1;
    /// See own membership.
    pub const OWN: i64 = 2;
    /// Membership is hidden.
    pub const NONE: i64 = 3;
}

/// A course group (`{groups}`) with its members (`{groups_members}`).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Group {
    /// id
    pub id: i64,
    /// course
    pub courseid: i64,
    /// name (trimmed by `groups_create_group`)
    pub name: String,
    /// idnumber (unique per course when not empty)
    pub idnumber: String,
    /// description
    pub description: String,
    /// descriptionformat (1 = HTML)
    pub descriptionformat: i64,
    /// enrolment key
    pub enrolmentkey: String,
    /// visibility, see [`group_visibility`]
    pub visibility: i64,
    /// activity participation
    pub participation: bool,
    /// created
    pub timecreated: i64,
    /// modified (also when a member is added or removed)
    pub timemodified: i64,
    /// members: user id → `timeadded`
    pub members: BTreeMap<i64, i64>,
}

/// A sent message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    /// id
    pub id: i64,
    /// from
    pub useridfrom: i64,
    /// to
    pub useridto: i64,
    /// text (formatted)
    pub text: String,
    /// conversation id
    pub conversationid: i64,
    /// time
    pub timecreated: i64,
}

/// A stored file (draft area).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFile {
    /// owner
    pub userid: i64,
    /// context id
    pub contextid: i64,
    /// component
    pub component: String,
    /// filearea
    pub filearea: String,
    /// itemid
    pub itemid: i64,
    /// filepath
    pub filepath: String,
    /// filename
    pub filename: String,
    /// size in bytes
    pub size: usize,
}

/// Standard roles: (id, shortname, assignable at course level).
pub const ROLES: &[(i64, &str, bool)] = &[
    (1, "manager", true),
    (2, "coursecreator", false),
    (3, "editingteacher", true),
    (4, "teacher", true),
    (5, "student", true),
    (6, "guest", false),
    (7, "user", false),
    (8, "frontpage", false),
];

/// Role shortname.
pub fn role_shortname(id: i64) -> Option<&'static str> {
    ROLES.iter().find(|r| r.0 == id).map(|r| r.1)
}

/// The whole simulated database.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    /// site settings
    pub site: Site,
    /// tokens by string
    pub tokens: HashMap<String, Token>,
    /// users by id
    pub users: BTreeMap<i64, User>,
    /// categories by id
    pub categories: BTreeMap<i64, Category>,
    /// courses by id (site course 1 included)
    pub courses: BTreeMap<i64, Course>,
    /// enrolments by (userid, courseid)
    pub enrolments: BTreeMap<(i64, i64), Enrolment>,
    /// (courseid, userid) of every enrolment: a course's participants without scanning them all.
    /// Kept in step by every insert and remove of `enrolments`.
    #[serde(skip)]
    pub course_index: BTreeSet<(i64, i64)>,
    /// course completions by (userid, courseid)
    pub completions: BTreeMap<(i64, i64), Completion>,
    /// activity completion (userid, cmid) → (state, timecompleted)
    pub activity_completion: BTreeMap<(i64, i64), (i64, i64)>,
    /// grades (userid, courseid) → final grade
    pub grades: BTreeMap<(i64, i64), f64>,
    /// `{user_lastaccess}`: (userid, courseid) → `timeaccess`, the user's last access to the
    /// course (`lastcourseaccess` of `core_enrol_get_enrolled_users`, 0 when absent)
    pub course_access: BTreeMap<(i64, i64), i64>,
    /// badges
    pub badges: Vec<Badge>,
    /// cohorts by id
    pub cohorts: BTreeMap<i64, Cohort>,
    /// course groups by id
    pub groups: BTreeMap<i64, Group>,
    /// messages
    pub messages: Vec<Message>,
    /// files
    pub files: Vec<StoredFile>,
    #[serde(skip)]
    pub(crate) by_username: HashMap<String, i64>,
    #[serde(skip)]
    pub(crate) by_email_lower: HashMap<String, BTreeSet<i64>>,
    #[serde(skip)]
    pub(crate) by_shortname: HashMap<String, i64>,
    pub(crate) next_user: i64,
    pub(crate) next_course: i64,
    pub(crate) next_category: i64,
    pub(crate) next_message: i64,
    pub(crate) next_group: i64,
}

impl State {
    /// A fresh site: guest (1), admin (2), site course (1), category 1.
    pub fn new() -> Self {
        let mut s = Self {
            site: Site::default(),
            tokens: HashMap::new(),
            users: BTreeMap::new(),
            categories: BTreeMap::new(),
            courses: BTreeMap::new(),
            enrolments: BTreeMap::new(),
            course_index: BTreeSet::new(),
            completions: BTreeMap::new(),
            activity_completion: BTreeMap::new(),
            grades: BTreeMap::new(),
            course_access: BTreeMap::new(),
            badges: Vec::new(),
            cohorts: BTreeMap::new(),
            groups: BTreeMap::new(),
            messages: Vec::new(),
            files: Vec::new(),
            by_username: HashMap::new(),
            by_email_lower: HashMap::new(),
            by_shortname: HashMap::new(),
            next_user: 1,
            next_course: 1,
            next_category: 1,
            next_message: 1,
            next_group: 1,
        };
        let t = now();
        s.insert_user(User {
            username: "guest".into(),
            firstname: "Guest user".into(),
            lastname: " ".into(),
            email: "root@localhost".into(),
            auth: "manual".into(),
            confirmed: true,
            lang: "en".into(),
            timezone: "99".into(),
            description: "This user is a special user that allows read-only access to some courses.".into(),
            timecreated: t,
            ..User::default()
        });
        s.insert_user(User {
            username: "admin".into(),
            firstname: "Admin".into(),
            lastname: "User".into(),
            email: "admin@example.org".into(),
            auth: "manual".into(),
            confirmed: true,
            lang: "en".into(),
            timezone: "99".into(),
            admin: true,
            timecreated: t,
            ..User::default()
        });
        s.insert_category(Category {
            name: "Category 1".into(),
            descriptionformat: 1,
            visible: true,
            timemodified: t,
            ..Category::default()
        });
        s.insert_course(Course {
            shortname: "site".into(),
            fullname: "Test Site".into(),
            category: 0,
            summaryformat: 1,
            visible: true,
            manual: ManualInstance::Absent,
            timecreated: t,
            ..Course::default()
        });
        s
    }

    /// Insert a user (id assigned when 0); keeps indexes.
    pub fn insert_user(&mut self, mut u: User) -> i64 {
        if u.id == 0 {
            u.id = self.next_user;
        }
        self.next_user = self.next_user.max(u.id + 1);
        self.by_username.insert(u.username.clone(), u.id);
        self.by_email_lower
            .entry(u.email.to_lowercase())
            .or_default()
            .insert(u.id);
        let id = u.id;
        self.users.insert(id, u);
        id
    }

    /// Re-index a user after its username/email changed.
    pub fn reindex_user(&mut self, id: i64, old_username: &str, old_email: &str) {
        self.by_username.remove(old_username);
        if let Some(set) = self.by_email_lower.get_mut(&old_email.to_lowercase()) {
            set.remove(&id);
        }
        if let Some(u) = self.users.get(&id) {
            self.by_username.insert(u.username.clone(), id);
            self.by_email_lower
                .entry(u.email.to_lowercase())
                .or_default()
                .insert(id);
        }
    }

    /// User by exact username (non-deleted).
    pub fn user_by_username(&self, username: &str) -> Option<&User> {
        self.by_username
            .get(username)
            .and_then(|id| self.users.get(id))
            .filter(|u| !u.deleted)
    }

    /// Users whose email equals this one case-insensitively (non-deleted).
    pub fn users_by_email_ci(&self, email: &str) -> impl Iterator<Item = &User> {
        self.by_email_lower
            .get(&email.to_lowercase())
            .into_iter()
            .flat_map(|s| s.iter())
            .filter_map(|id| self.users.get(id))
            .filter(|u| !u.deleted)
    }

    /// Existing non-deleted user.
    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.get(&id).filter(|u| !u.deleted)
    }

    /// Insert a category (id assigned when 0).
    pub fn insert_category(&mut self, mut c: Category) -> i64 {
        if c.id == 0 {
            c.id = self.next_category;
        }
        self.next_category = self.next_category.max(c.id + 1);
        let id = c.id;
        self.categories.insert(id, c);
        id
    }

    /// Insert a course (id assigned when 0).
    pub fn insert_course(&mut self, mut c: Course) -> i64 {
        if c.id == 0 {
            c.id = self.next_course;
        }
        self.next_course = self.next_course.max(c.id + 1);
        self.by_shortname.insert(c.shortname.clone(), c.id);
        let id = c.id;
        self.courses.insert(id, c);
        id
    }

    /// Course by shortname.
    pub fn course_by_shortname(&self, shortname: &str) -> Option<&Course> {
        self.by_shortname.get(shortname).and_then(|id| self.courses.get(id))
    }

    /// Next message id.
    pub fn next_message_id(&mut self) -> i64 {
        let id = self.next_message;
        self.next_message += 1;
        id
    }

    /// Insert a group (id assigned when 0); returns its id.
    pub fn insert_group(&mut self, mut g: Group) -> i64 {
        if g.id == 0 {
            g.id = self.next_group;
        }
        self.next_group = self.next_group.max(g.id + 1);
        let id = g.id;
        self.groups.insert(id, g);
        id
    }

    /// The groups of a course, by id.
    pub fn course_groups(&self, courseid: i64) -> impl Iterator<Item = &Group> {
        self.groups.values().filter(move |g| g.courseid == courseid)
    }

    /// Drop the group memberships that an unenrolment has ended.
    ///
    /// Moodle deletes a user's `groups_members` rows of a course when its last enrolment there
    /// goes (`enrol_plugin::unenrol_user`). Unenrolment code does not know about groups here, so
    /// the group functions call this first: a membership is kept while the user's enrolment in
    /// the course exists and is not younger than the membership (an enrolment re-created after
    /// the member was added means the user was unenrolled in between).
    pub fn prune_group_members(&mut self) {
        let enrolments = &self.enrolments;
        for g in self.groups.values_mut() {
            g.members.retain(|uid, added| {
                enrolments
                    .get(&(*uid, g.courseid))
                    .is_some_and(|e| e.timecreated <= *added)
            });
        }
    }

    /// Remove a user's memberships in the groups of a course (what `unenrol_user` does).
    pub fn remove_group_memberships(&mut self, userid: i64, courseid: i64) {
        for g in self.groups.values_mut().filter(|g| g.courseid == courseid) {
            g.members.remove(&userid);
        }
    }

    /// Whether the token user can enter this course (`require_login` in `validate_context`).
    pub fn can_enter_course(&self, user: &User, courseid: i64) -> bool {
        if Self::has_cap(user, "moodle/course:view") || courseid == 1 {
            return true;
        }
        self.enrolments
            .get(&(user.id, courseid))
            .is_some_and(|e| e.is_active_at(now()))
    }

    /// Capability check (admins have everything but what they were made to lack).
    pub fn has_cap(user: &User, cap: &str) -> bool {
        !user.lacks.contains(cap) && (user.admin || user.capabilities.contains(cap))
    }

    /// Users enrolled in a course.
    pub fn course_enrolments(&self, courseid: i64) -> impl Iterator<Item = &Enrolment> {
        self.course_index
            .range((courseid, i64::MIN)..=(courseid, i64::MAX))
            .filter_map(move |(c, u)| self.enrolments.get(&(*u, *c)))
    }

    /// `COALESCE(ul.timeaccess, 0)`: the user's last access to the course, 0 if never.
    pub fn last_course_access(&self, userid: i64, courseid: i64) -> i64 {
        self.course_access.get(&(userid, courseid)).copied().unwrap_or(0)
    }

    /// Whether an enrolment counts as active: status, instance enabled, time window.
    pub fn enrolment_active(&self, e: &Enrolment, t: i64) -> bool {
        e.is_active_at(t)
            && self
                .courses
                .get(&e.courseid)
                .is_some_and(|c| c.manual == ManualInstance::Enabled)
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new()
    }
}
