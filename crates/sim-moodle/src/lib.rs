//! mm-sim-moodle — a faithful, stateful Moodle 4.5.6 web-services simulator.
//!
//! The contract is `shared/fixtures/moodle/CONTRACT.md` (beside the repository); every recorded example in
//! `examples.json` is replayed by `tests/contract_replay.rs`. Use it in-process
//! ([`MoodleSim::router`], [`MoodleSim::spawn`]) or standalone ([`run_standalone`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mm_sim_moodle::{MoodleSim, SimOptions};
//! let sim = MoodleSim::new(SimOptions::default());
//! let course = sim.add_course("MATH101", "Mathematics 101", "M101");
//! let (addr, _task) = sim.clone().spawn("127.0.0.1:0".parse().unwrap()).await?;
//! println!("http://{addr}/webservice/rest/server.php?wstoken={}", sim.token());
//! # let _ = course; Ok(()) }
//! ```

pub mod errors;
pub mod functions;
pub mod json;
pub mod params;
pub mod seed;
pub mod server;
pub mod state;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use mm_sim_fault::{FaultConfig, Faults};
use serde::Serialize;

pub use errors::{DebugLevel, WsError};
pub use seed::{NewSimUser, SeedAccess, SeedCompletion, SeedCourse, SeedEnrolment, SimSeed};
pub use state::{Course, EnrolStatus, Group, ManualInstance, State, Token, User};

/// Options for [`MoodleSim::new`].
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// The admin token string (random when `None`).
    pub token: Option<String>,
    /// Initial data.
    pub seed: Option<SimSeed>,
    /// Initial faults (none by default); change at run time via [`MoodleSim::faults`].
    pub faults: FaultConfig,
    /// Site debugging (NORMAL): errors carry `debuginfo`.
    pub debug: bool,
    /// Mount `/__admin/…` endpoints.
    pub admin: bool,
}

/// An enrolment as seen by tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimEnrolment {
    /// user id
    pub userid: i64,
    /// username
    pub username: String,
    /// email
    pub email: String,
    /// course id
    pub courseid: i64,
    /// course shortname
    pub course_shortname: String,
    /// roles in the course
    pub roleids: Vec<i64>,
    /// status
    pub status: EnrolStatus,
    /// timestart
    pub timestart: i64,
    /// timeend
    pub timeend: i64,
}

/// One logged request.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// sequence number
    pub seq: u64,
    /// unix time (ms)
    pub at_ms: u128,
    /// wsfunction (or path)
    pub function: String,
    /// `ok`, an errorcode, `fault`, `forbidden`, `abandoned` (the client went away before the
    /// answer, e.g. after its timeout), or `lost:` and one of those (processed, then the answer
    /// was lost by fault injection)
    pub outcome: String,
}

const LOG_CAP: usize = 10_000;

struct Inner {
    state: Mutex<State>,
    faults: Faults,
    token: String,
    admin: bool,
    counts: Mutex<BTreeMap<String, u64>>,
    total: AtomicU64,
    log: Mutex<VecDeque<LogEntry>>,
}

/// The simulator (cheap to clone).
#[derive(Clone)]
pub struct MoodleSim {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MoodleSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MoodleSim").field("token", &self.inner.token).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn random_token() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

impl MoodleSim {
    /// A new site: guest (1), admin (2, holding the admin token), site course (1), category 1,
    /// then the seed. The admin token's service is the one recorded on Moodle 4.5.6
    /// ([`functions::recorded_service`]): every implemented function but the group functions,
    /// which [`MoodleSim::enable_group_functions`] adds.
    pub fn new(opts: SimOptions) -> Self {
        let mut st = State::new();
        if opts.debug {
            st.site.debug = DebugLevel::Normal;
        }
        let token = opts.token.unwrap_or_else(random_token);
        st.tokens.insert(
            token.clone(),
            Token {
                token: token.clone(),
                userid: 2,
                functions: Some(functions::recorded_service()),
                validuntil: 0,
                iprestriction: None,
            },
        );
        if let Some(seed) = &opts.seed {
            seed.apply(&mut st);
        }
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(st),
                faults: Faults::new(opts.faults),
                token,
                admin: opts.admin,
                counts: Mutex::new(BTreeMap::new()),
                total: AtomicU64::new(0),
                log: Mutex::new(VecDeque::new()),
            }),
        }
    }

    /// Lock the state (for custom inspection/driving in tests).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.inner.state)
    }

    /// Run a closure on the state.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.lock())
    }

    /// The axum router.
    pub fn router(&self) -> axum::Router {
        server::router(self.clone())
    }

    /// Serve on a listener until the task is dropped.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let app = self.router();
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
    }

    /// Bind and serve in a background task.
    pub async fn spawn(
        self,
        addr: SocketAddr,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        Ok((local, tokio::spawn(self.serve(listener))))
    }

    /// The admin token.
    pub fn token(&self) -> String {
        self.inner.token.clone()
    }

    /// The fault injector (keyed by wsfunction).
    pub fn faults(&self) -> Faults {
        self.inner.faults.clone()
    }

    /// Whether `/__admin/` is mounted.
    pub fn admin_enabled(&self) -> bool {
        self.inner.admin
    }

    /// Add a course in category 1 with an enabled manual instance and completion enabled.
    pub fn add_course(&self, shortname: &str, fullname: &str, idnumber: &str) -> i64 {
        self.add_course_with(SeedCourse {
            shortname: shortname.to_owned(),
            fullname: fullname.to_owned(),
            idnumber: idnumber.to_owned(),
            selfcompletion: true,
            ..SeedCourse::default()
        })
    }

    /// Add a course described by a seed entry; returns its id.
    pub fn add_course_with(&self, c: SeedCourse) -> i64 {
        let mut st = self.lock();
        let before: BTreeSet<i64> = st.courses.keys().copied().collect();
        SimSeed {
            courses: vec![c],
            ..SimSeed::default()
        }
        .apply(&mut st);
        st.courses.keys().copied().find(|k| !before.contains(k)).unwrap_or(0)
    }

    /// Add a category; returns its id.
    pub fn add_category(&self, name: &str, idnumber: &str, parent: i64) -> i64 {
        self.lock().insert_category(state::Category {
            name: name.to_owned(),
            idnumber: idnumber.to_owned(),
            descriptionformat: 1,
            parent,
            visible: true,
            timemodified: state::now(),
            ..state::Category::default()
        })
    }

    /// Set the manual enrolment instance of a course; false if the course does not exist.
    pub fn set_manual_instance(&self, courseid: i64, m: ManualInstance) -> bool {
        match self.lock().courses.get_mut(&courseid) {
            Some(c) => {
                c.manual = m;
                true
            }
            None => false,
        }
    }

    /// Add a user; returns its id.
    pub fn add_user(&self, u: NewSimUser) -> i64 {
        self.lock().insert_user(u.into_user())
    }

    /// Create a token for a user; `functions` = the service's functions (`None` = all).
    pub fn add_token(&self, userid: i64, functions: Option<&[&str]>) -> String {
        let token = random_token();
        self.lock().tokens.insert(
            token.clone(),
            Token {
                token: token.clone(),
                userid,
                functions: functions.map(|f| f.iter().map(|s| (*s).to_owned()).collect()),
                validuntil: 0,
                iprestriction: None,
            },
        );
        token
    }

    /// Add functions to the service of `token` (a token with every function is left as it is);
    /// false if there is no such token.
    pub fn add_service_functions(&self, token: &str, names: &[&str]) -> bool {
        match self.lock().tokens.get_mut(token) {
            Some(t) => {
                if let Some(set) = &mut t.functions {
                    set.extend(names.iter().map(|n| (*n).to_owned()));
                }
                true
            }
            None => false,
        }
    }

    /// Add the group functions ([`functions::GROUP_FUNCTIONS`]) to the admin token's service,
    /// as an administrator adds them to the external service in Moodle.
    pub fn enable_group_functions(&self) {
        self.add_service_functions(&self.inner.token, functions::GROUP_FUNCTIONS);
    }

    /// Add the progress functions ([`functions::PROGRESS_FUNCTIONS`]) to the admin token's
    /// service, as an administrator does when turning progress sync on.
    pub fn enable_progress_functions(&self) {
        self.add_service_functions(&self.inner.token, functions::PROGRESS_FUNCTIONS);
    }

    /// Make the user of `token` lack (`lack = true`) or hold again a capability: how a test
    /// plays an integration role without it (the default token's user is the admin, who holds
    /// every capability). False if there is no such token.
    pub fn set_token_capability(&self, token: &str, capability: &str, lack: bool) -> bool {
        let mut st = self.lock();
        let Some(userid) = st.tokens.get(token).map(|t| t.userid) else {
            return false;
        };
        let Some(user) = st.users.get_mut(&userid) else {
            return false;
        };
        if lack {
            user.lacks.insert(capability.to_owned());
        } else {
            user.lacks.remove(capability);
        }
        true
    }

    /// [`MoodleSim::set_token_capability`] for the admin token: its user lacks `capability`.
    pub fn remove_capability(&self, capability: &str) {
        self.set_token_capability(&self.inner.token, capability, true);
    }

    /// Give the admin token's user `capability` back.
    pub fn restore_capability(&self, capability: &str) {
        self.set_token_capability(&self.inner.token, capability, false);
    }

    /// Revoke (delete) a token: later calls get `invalidtoken`.
    pub fn revoke_token(&self, token: &str) {
        self.lock().tokens.remove(token);
    }

    /// Site debug level.
    pub fn set_debug(&self, level: DebugLevel) {
        self.lock().site.debug = level;
    }

    /// Maintenance mode (non-admin tokens get `sitemaintenance`).
    pub fn set_maintenance(&self, on: bool) {
        self.lock().site.maintenance = on;
    }

    /// All users (including guest and admin).
    pub fn users(&self) -> Vec<User> {
        self.lock().users.values().cloned().collect()
    }

    /// User by username.
    pub fn user_by_username(&self, username: &str) -> Option<User> {
        self.lock().user_by_username(username).cloned()
    }

    /// All enrolments.
    pub fn enrolments(&self) -> Vec<SimEnrolment> {
        let st = self.lock();
        st.enrolments
            .values()
            .map(|e| {
                let u = st.users.get(&e.userid);
                let c = st.courses.get(&e.courseid);
                SimEnrolment {
                    userid: e.userid,
                    username: u.map(|u| u.username.clone()).unwrap_or_default(),
                    email: u.map(|u| u.email.clone()).unwrap_or_default(),
                    courseid: e.courseid,
                    course_shortname: c.map(|c| c.shortname.clone()).unwrap_or_default(),
                    roleids: e.roleids.iter().copied().collect(),
                    status: e.status,
                    timestart: e.timestart,
                    timeend: e.timeend,
                }
            })
            .collect()
    }

    /// Enrol directly (as a teacher would in the UI); adds the role.
    pub fn enrol_by_hand(
        &self,
        userid: i64,
        courseid: i64,
        roleid: i64,
        status: EnrolStatus,
        timestart: i64,
        timeend: i64,
    ) {
        let mut st = self.lock();
        st.course_index.insert((courseid, userid));
        let e = st
            .enrolments
            .entry((userid, courseid))
            .or_insert_with(|| state::Enrolment {
                userid,
                courseid,
                status,
                timestart,
                timeend,
                roleids: BTreeSet::new(),
                timecreated: state::now(),
            });
        e.status = status;
        e.timestart = timestart;
        e.timeend = timeend;
        e.roleids.insert(roleid);
    }

    /// Unenrol directly (as a teacher would in the UI); the user leaves the course's groups.
    pub fn unenrol_by_hand(&self, userid: i64, courseid: i64) {
        let mut st = self.lock();
        st.enrolments.remove(&(userid, courseid));
        st.course_index.remove(&(courseid, userid));
        st.remove_group_memberships(userid, courseid);
    }

    /// Create a group in a course directly (as a teacher would in the UI); returns its id, or
    /// `None` when the course does not exist.
    pub fn add_group(&self, courseid: i64, name: &str) -> Option<i64> {
        let mut st = self.lock();
        if !st.courses.contains_key(&courseid) {
            return None;
        }
        let t = state::now();
        Some(st.insert_group(state::Group {
            courseid,
            name: name.trim().to_owned(),
            descriptionformat: 1,
            participation: true,
            timecreated: t,
            timemodified: t,
            ..state::Group::default()
        }))
    }

    /// Add a member directly (no enrolment check, as a test fixture may need).
    pub fn add_group_member_by_hand(&self, groupid: i64, userid: i64) -> bool {
        match self.lock().groups.get_mut(&groupid) {
            Some(g) => {
                g.members.entry(userid).or_insert_with(state::now);
                true
            }
            None => false,
        }
    }

    /// All groups (with their members), by id.
    pub fn groups(&self) -> Vec<state::Group> {
        let mut st = self.lock();
        st.prune_group_members();
        st.groups.values().cloned().collect()
    }

    /// The emails of the members of the group `group_name` of the course `course_shortname`,
    /// sorted; empty when there is no such course or group. Memberships ended by an
    /// unenrolment are not listed.
    pub fn group_members(&self, course_shortname: &str, group_name: &str) -> Vec<String> {
        let mut st = self.lock();
        st.prune_group_members();
        let Some(courseid) = st.course_by_shortname(course_shortname).map(|c| c.id) else {
            return Vec::new();
        };
        let mut emails: Vec<String> = st
            .course_groups(courseid)
            .filter(|g| g.name == group_name)
            .flat_map(|g| g.members.keys())
            .filter_map(|uid| st.users.get(uid))
            .map(|u| u.email.clone())
            .collect();
        emails.sort();
        emails.dedup();
        emails
    }

    /// Record a course completion (what Moodle's cron would do).
    pub fn mark_course_complete(&self, userid: i64, courseid: i64, timecompleted: i64) {
        self.lock().completions.insert(
            (userid, courseid),
            state::Completion {
                userid,
                courseid,
                timecompleted,
            },
        );
    }

    /// Record that a user entered a course at `time` (`user_accesstime_log`: the
    /// `{user_lastaccess}` row read back as `lastcourseaccess`). Never moves it back.
    pub fn record_course_access(&self, userid: i64, courseid: i64, time: i64) {
        let mut st = self.lock();
        let t = st.course_access.entry((userid, courseid)).or_insert(time);
        *t = (*t).max(time);
    }

    /// A retake: the user's course completion, its criteria and the course's activity
    /// completions are deleted (what a course-completion reset does); access and grade stay.
    pub fn reset_course_completion(&self, userid: i64, courseid: i64) {
        let mut st = self.lock();
        st.completions.remove(&(userid, courseid));
        let cmids: Vec<i64> = st
            .courses
            .get(&courseid)
            .map(|c| c.activities.iter().map(|a| a.cmid).collect())
            .unwrap_or_default();
        for cmid in cmids {
            st.activity_completion.remove(&(userid, cmid));
        }
    }

    /// Set an activity completion state (0 incomplete, 1 complete, 2 pass, 3 fail).
    pub fn set_activity_completion(&self, userid: i64, cmid: i64, st: i64, time: i64) {
        self.lock().activity_completion.insert((userid, cmid), (st, time));
    }

    /// Set a course final grade.
    pub fn set_grade(&self, userid: i64, courseid: i64, grade: f64) {
        self.lock().grades.insert((userid, courseid), grade);
    }

    /// Issue a badge.
    pub fn issue_badge(&self, userid: i64, courseid: i64, name: &str) -> i64 {
        let mut st = self.lock();
        let id = i64::try_from(st.badges.len()).unwrap_or(0) + 1;
        st.badges.push(state::Badge {
            id,
            name: name.to_owned(),
            description: String::new(),
            courseid,
            userid,
            dateissued: state::now(),
            issuedid: id,
            uniquehash: format!("{:040x}", id * 7919),
        });
        id
    }

    /// Add a cohort.
    pub fn add_cohort(&self, name: &str, idnumber: &str) -> i64 {
        let mut st = self.lock();
        let id = st.cohorts.keys().max().copied().unwrap_or(0) + 1;
        st.cohorts.insert(
            id,
            state::Cohort {
                id,
                name: name.to_owned(),
                idnumber: idnumber.to_owned(),
                members: BTreeSet::new(),
            },
        );
        id
    }

    /// Count a request when it arrives (before any injected latency), so that requests whose
    /// client gives up (timeout) are counted too; the returned guard logs the outcome, or
    /// `abandoned` when the handler is dropped first (the client closed the connection).
    pub(crate) fn arrive(&self, function: &str) -> InFlight {
        let seq = self.inner.total.fetch_add(1, Ordering::Relaxed) + 1;
        *lock(&self.inner.counts).entry(function.to_owned()).or_insert(0) += 1;
        InFlight {
            sim: self.clone(),
            seq,
            function: function.to_owned(),
            done: false,
        }
    }

    fn log_outcome(&self, seq: u64, function: &str, outcome: &str) {
        let mut log = lock(&self.inner.log);
        if log.len() >= LOG_CAP {
            log.pop_front();
        }
        log.push_back(LogEntry {
            seq,
            at_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0),
            function: function.to_owned(),
            outcome: outcome.to_owned(),
        });
    }

    /// Requests per function (including failed, faulted and abandoned ones), counted when they
    /// arrive.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        lock(&self.inner.counts).clone()
    }

    /// Total requests.
    pub fn total_requests(&self) -> u64 {
        self.inner.total.load(Ordering::Relaxed)
    }

    /// Reset counters and the log.
    pub fn reset_counts(&self) {
        lock(&self.inner.counts).clear();
        self.inner.total.store(0, Ordering::Relaxed);
        lock(&self.inner.log).clear();
    }

    /// The last (up to 10 000) requests.
    pub fn request_log(&self) -> Vec<LogEntry> {
        lock(&self.inner.log).iter().cloned().collect()
    }

    /// The whole state as JSON.
    pub fn dump(&self) -> serde_json::Value {
        let st = self.lock();
        let enrolments: Vec<&state::Enrolment> = st.enrolments.values().collect();
        let completions: Vec<&state::Completion> = st.completions.values().collect();
        serde_json::json!({
            "site": st.site,
            "tokens": st.tokens.values().collect::<Vec<_>>(),
            "users": st.users.values().collect::<Vec<_>>(),
            "categories": st.categories.values().collect::<Vec<_>>(),
            "courses": st.courses.values().collect::<Vec<_>>(),
            "enrolments": enrolments,
            "completions": completions,
            "badges": st.badges,
            "cohorts": st.cohorts.values().collect::<Vec<_>>(),
            "groups": st.groups.values().collect::<Vec<_>>(),
            "messages": st.messages,
            "files": st.files,
        })
    }
}

/// A request counted on arrival whose outcome is not logged yet (see [`MoodleSim::arrive`]).
pub(crate) struct InFlight {
    sim: MoodleSim,
    seq: u64,
    function: String,
    done: bool,
}

impl InFlight {
    /// Log the outcome (`ok`, an errorcode, `fault`, `forbidden`…).
    pub(crate) fn finish(mut self, outcome: &str) {
        self.done = true;
        self.sim.log_outcome(self.seq, &self.function, outcome);
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if !self.done {
            self.sim.log_outcome(self.seq, &self.function, "abandoned");
        }
    }
}

/// Standalone server: prints its URL and token, serves until killed.
pub async fn run_standalone(listen: SocketAddr, opts: SimOptions) -> std::io::Result<()> {
    let admin = opts.admin;
    let sim = MoodleSim::new(opts);
    // A site set up as README asks, progress sync (on by default) included.
    sim.enable_progress_functions();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    println!("Moodle simulator (4.5.6) listening on http://{addr}");
    println!("  REST endpoint: http://{addr}/webservice/rest/server.php");
    println!("  token: {}", sim.token());
    if admin {
        println!("  admin: http://{addr}/__admin/state, /__admin/faults");
    }
    sim.serve(listener).await
}
