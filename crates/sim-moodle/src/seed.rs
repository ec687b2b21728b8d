//! Seeding the simulator from TOML/JSON, and a synthetic generator.

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::state::{
    Activity, Category, Cohort, Completion, Course, EnrolStatus, Enrolment, ManualInstance, State, User, now,
};

/// A category to create.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeedCategory {
    /// id (0 = next)
    pub id: i64,
    /// name
    pub name: String,
    /// idnumber
    pub idnumber: String,
    /// parent (0 = top level)
    pub parent: i64,
    /// description
    pub description: String,
    /// hidden
    pub hidden: bool,
}

/// A course to create.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeedCourse {
    /// id (0 = next)
    pub id: i64,
    /// shortname (unique)
    pub shortname: String,
    /// fullname
    pub fullname: String,
    /// idnumber
    pub idnumber: String,
    /// category id (default 1)
    pub category: Option<i64>,
    /// summary
    pub summary: String,
    /// hidden
    pub hidden: bool,
    /// completion enabled (default true)
    pub enablecompletion: Option<bool>,
    /// a self-completion criterion
    pub selfcompletion: bool,
    /// manual instance: `enabled` (default), `disabled`, `absent`
    pub manual: ManualInstance,
    /// startdate
    pub startdate: i64,
    /// activities with completion
    pub activities: Vec<Activity>,
}

/// A user to create.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct NewSimUser {
    /// id (0 = next)
    pub id: i64,
    /// username (lower case)
    pub username: String,
    /// firstname
    pub firstname: String,
    /// lastname
    pub lastname: String,
    /// email (stored as given: case matters for `get_users_by_field`)
    pub email: String,
    /// idnumber
    pub idnumber: String,
    /// auth (default manual)
    pub auth: String,
    /// suspended
    pub suspended: bool,
    /// password
    pub password: String,
    /// capabilities at system level
    pub capabilities: BTreeSet<String>,
    /// site admin
    pub admin: bool,
    /// capabilities the user lacks even as an admin
    pub lacks: BTreeSet<String>,
    /// custom profile fields
    pub customfields: BTreeMap<String, String>,
}

impl NewSimUser {
    /// A plain learner.
    pub fn learner(username: &str, email: &str) -> Self {
        Self {
            username: username.to_owned(),
            firstname: username.to_owned(),
            lastname: "Learner".to_owned(),
            email: email.to_owned(),
            ..Self::default()
        }
    }

    /// Into a stored user.
    pub fn into_user(self) -> User {
        User {
            id: self.id,
            username: self.username,
            firstname: self.firstname,
            lastname: self.lastname,
            email: self.email,
            idnumber: self.idnumber,
            auth: if self.auth.is_empty() {
                "manual".into()
            } else {
                self.auth
            },
            suspended: self.suspended,
            confirmed: true,
            lang: "en".into(),
            timezone: "99".into(),
            password: self.password,
            capabilities: self.capabilities,
            lacks: self.lacks,
            admin: self.admin,
            customfields: self.customfields,
            timecreated: now(),
            ..User::default()
        }
    }
}

/// An enrolment to create.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeedEnrolment {
    /// user id
    pub userid: i64,
    /// course id
    pub courseid: i64,
    /// role (default 5 student)
    pub roleid: Option<i64>,
    /// suspended
    pub suspended: bool,
    /// timestart
    pub timestart: i64,
    /// timeend
    pub timeend: i64,
}

/// A course completion to create.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeedCompletion {
    /// user id
    pub userid: i64,
    /// course id
    pub courseid: i64,
    /// time completed (default now)
    pub timecompleted: Option<i64>,
}

/// A user's last access to a course (`{user_lastaccess}`).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeedAccess {
    /// user id
    pub userid: i64,
    /// course id
    pub courseid: i64,
    /// time of the access (default now)
    pub time: Option<i64>,
}

/// A cohort to create.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeedCohort {
    /// id (0 = next)
    pub id: i64,
    /// name
    pub name: String,
    /// idnumber
    pub idnumber: String,
}

/// Initial state. Every list defaults to empty.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SimSeed {
    /// categories (category 1 "Category 1" always exists)
    pub categories: Vec<SeedCategory>,
    /// courses (site course 1 always exists)
    pub courses: Vec<SeedCourse>,
    /// users (guest 1 and admin 2 always exist)
    pub users: Vec<NewSimUser>,
    /// enrolments
    pub enrolments: Vec<SeedEnrolment>,
    /// completions
    pub completions: Vec<SeedCompletion>,
    /// last accesses to courses
    pub accesses: Vec<SeedAccess>,
    /// cohorts
    pub cohorts: Vec<SeedCohort>,
    /// capabilities the admin (the default token's user, who has every capability) lacks,
    /// as an integration role without them would: e.g. `["moodle/site:viewuseridentity"]`
    pub admin_lacks: BTreeSet<String>,
}

/// Error reading a seed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// I/O
    #[error("reading seed: {0}")]
    Io(#[from] std::io::Error),
    /// TOML
    #[error("seed TOML: {0}")]
    Toml(#[from] toml::de::Error),
    /// JSON
    #[error("seed JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl SimSeed {
    /// Parse TOML.
    pub fn from_toml(s: &str) -> Result<Self, SeedError> {
        Ok(toml::from_str(s)?)
    }
    /// Parse JSON.
    pub fn from_json(s: &str) -> Result<Self, SeedError> {
        Ok(serde_json::from_str(s)?)
    }
    /// Read a `.toml` or `.json` file.
    pub fn from_file(path: &std::path::Path) -> Result<Self, SeedError> {
        let text = std::fs::read_to_string(path)?;
        if path.extension().is_some_and(|e| e == "json") {
            Self::from_json(&text)
        } else {
            Self::from_toml(&text)
        }
    }

    /// A reproducible synthetic site: `users` learners, `courses` courses in 10 categories,
    /// ~2 enrolments per learner, some suspended, some completions.
    pub fn generate(users: usize, courses: usize, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut s = SimSeed::default();
        for i in 0..10 {
            s.categories.push(SeedCategory {
                id: i + 2,
                name: format!("Category {}", i + 2),
                idnumber: format!("CAT{}", i + 2),
                ..SeedCategory::default()
            });
        }
        for i in 0..courses {
            let manual = match rng.gen_range(0..100) {
                0 => ManualInstance::Disabled,
                1 => ManualInstance::Absent,
                _ => ManualInstance::Enabled,
            };
            s.courses.push(SeedCourse {
                shortname: format!("C{i:05}"),
                fullname: format!("Course {i}"),
                idnumber: format!("ID{i:05}"),
                category: Some(rng.gen_range(2..12)),
                selfcompletion: true,
                manual,
                ..SeedCourse::default()
            });
        }
        for i in 0..users {
            // a few mixed-case emails, as real billing data has
            let email = if rng.gen_range(0..20) == 0 {
                format!("Learner{i}@Example.org")
            } else {
                format!("learner{i}@example.org")
            };
            s.users.push(NewSimUser {
                username: format!("learner{i}"),
                firstname: format!("Learner{i}"),
                lastname: "Synthetic".into(),
                email,
                suspended: rng.gen_range(0..100) == 0,
                ..NewSimUser::default()
            });
        }
        let first_user = 3i64;
        let first_course = 2i64;
        if courses > 0 {
            for i in 0..users {
                for _ in 0..rng.gen_range(0..4) {
                    let c = first_course + rng.gen_range(0..i64::try_from(courses).unwrap_or(1));
                    let u = first_user + i64::try_from(i).unwrap_or(0);
                    s.enrolments.push(SeedEnrolment {
                        userid: u,
                        courseid: c,
                        roleid: Some(5),
                        suspended: rng.gen_range(0..20) == 0,
                        ..SeedEnrolment::default()
                    });
                    if rng.gen_range(0..5) == 0 {
                        s.completions.push(SeedCompletion {
                            userid: u,
                            courseid: c,
                            timecompleted: Some(1_735_689_600),
                        });
                    }
                }
            }
        }
        s
    }

    /// Apply to a state.
    pub fn apply(&self, st: &mut State) {
        let t = now();
        if let Some(admin) = st.users.get_mut(&2) {
            admin.lacks.extend(self.admin_lacks.iter().cloned());
        }
        for c in &self.categories {
            st.insert_category(Category {
                id: c.id,
                name: c.name.clone(),
                idnumber: c.idnumber.clone(),
                description: c.description.clone(),
                descriptionformat: 1,
                parent: c.parent,
                visible: !c.hidden,
                timemodified: t,
            });
        }
        for c in &self.courses {
            st.insert_course(Course {
                id: c.id,
                shortname: c.shortname.clone(),
                fullname: c.fullname.clone(),
                idnumber: c.idnumber.clone(),
                category: c.category.unwrap_or(1),
                summary: c.summary.clone(),
                summaryformat: 1,
                visible: !c.hidden,
                enablecompletion: c.enablecompletion.unwrap_or(true),
                selfcompletion: c.selfcompletion,
                startdate: c.startdate,
                enddate: 0,
                manual: c.manual,
                timecreated: t,
                activities: c.activities.clone(),
            });
        }
        for u in &self.users {
            st.insert_user(u.clone().into_user());
        }
        for e in &self.enrolments {
            st.course_index.insert((e.courseid, e.userid));
            let en = st.enrolments.entry((e.userid, e.courseid)).or_insert(Enrolment {
                userid: e.userid,
                courseid: e.courseid,
                status: EnrolStatus::Active,
                timestart: 0,
                timeend: 0,
                roleids: BTreeSet::new(),
                timecreated: t,
            });
            en.status = if e.suspended {
                EnrolStatus::Suspended
            } else {
                EnrolStatus::Active
            };
            en.timestart = e.timestart;
            en.timeend = e.timeend;
            en.roleids.insert(e.roleid.unwrap_or(5));
        }
        for c in &self.completions {
            st.completions.insert(
                (c.userid, c.courseid),
                Completion {
                    userid: c.userid,
                    courseid: c.courseid,
                    timecompleted: c.timecompleted.unwrap_or(t),
                },
            );
        }
        for a in &self.accesses {
            st.course_access.insert((a.userid, a.courseid), a.time.unwrap_or(t));
        }
        for c in &self.cohorts {
            let id = if c.id == 0 {
                st.cohorts.keys().max().copied().unwrap_or(0) + 1
            } else {
                c.id
            };
            st.cohorts.insert(
                id,
                Cohort {
                    id,
                    name: c.name.clone(),
                    idnumber: c.idnumber.clone(),
                    members: BTreeSet::new(),
                },
            );
        }
    }
}
