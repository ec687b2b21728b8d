//! The Moodle sites we converge: one client per site, plus what we learnt about it
//! (course ids by reference) so a round resolves each course once.

use crate::config::MoodleSite;
use mm_core::CourseRef;
use mm_moodle::{ClientOptions, CourseLookup, MoodleClient, MoodleError, SiteConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// The web-service functions the product calls; checked at start so a missing one is reported
/// before the first sale, not at it (DESIGN.md trap 6).
pub use mm_moodle::site::REQUIRED_FUNCTIONS;

#[derive(Clone)]
pub struct Site {
    pub name: String,
    pub client: MoodleClient,
    pub usernames: crate::config::UsernamePolicy,
    courses: Arc<Mutex<HashMap<CourseRef, i64>>>,
    /// Group ids by (course id, group name), found or created once per process.
    groups: Arc<Mutex<HashMap<(i64, String), i64>>>,
}

impl Site {
    pub fn new(cfg: &MoodleSite) -> Result<Site, MoodleError> {
        Self::with_options(cfg, ClientOptions::default())
    }

    /// As [`Site::new`] with client hooks; the client reports its requests to the process'
    /// metrics unless `options` name another observer.
    pub fn with_options(cfg: &MoodleSite, mut options: ClientOptions) -> Result<Site, MoodleError> {
        if options.observer.is_none() {
            options.observer = Some(crate::metrics::Metrics::global());
        }
        let mut sc = SiteConfig::new(cfg.name.clone(), cfg.url.clone(), cfg.token.clone());
        sc.allow_private_network = cfg.allow_private_network;
        sc.batch_size = cfg.batch_size;
        sc.concurrency = cfg.concurrency;
        sc.timeout = cfg.timeout;
        Ok(Site {
            usernames: cfg.usernames.clone(),
            name: cfg.name.clone(),
            client: MoodleClient::with_options(sc, options)?,
            courses: Arc::default(),
            groups: Arc::default(),
        })
    }

    /// The id of a course's group by name, created when missing (by us or by anyone: a group
    /// made meanwhile is read back, never duplicated).
    pub async fn group_id(&self, course_id: i64, name: &str) -> Result<i64, MoodleError> {
        let key = (course_id, name.to_string());
        if let Some(id) = self.groups.lock().ok().and_then(|g| g.get(&key).copied()) {
            return Ok(id);
        }
        let group = self.client.ensure_group(course_id, name).await?;
        if let Ok(mut g) = self.groups.lock() {
            g.insert(key, group.id);
        }
        Ok(group.id)
    }

    /// The Moodle id of a course, looked up once per process. `Ok(None)`: no such course.
    pub async fn course_id(&self, course: &CourseRef) -> Result<Option<i64>, MoodleError> {
        Ok(self.course(course).await?.map(|c| c.id))
    }

    /// The course and whether its Manual enrolments method is enabled. Only courses that can
    /// take enrolments are cached, so an admin's fix is seen at the next attempt.
    pub async fn course(&self, course: &CourseRef) -> Result<Option<CourseInfo>, MoodleError> {
        if let Some(id) = self.courses.lock().ok().and_then(|c| c.get(course).copied()) {
            return Ok(Some(CourseInfo {
                id,
                manual_enabled: true,
            }));
        }
        let lookup = match course {
            CourseRef::Id(id) => CourseLookup::Id(*id),
            CourseRef::Shortname(s) => CourseLookup::Shortname(s.clone()),
            CourseRef::Idnumber(s) => CourseLookup::Idnumber(s.clone()),
        };
        let Some(found) = self.client.get_course(&lookup).await? else {
            return Ok(None);
        };
        // `enrollmentmethods` lists the course's enabled enrolment methods.
        let info = CourseInfo {
            id: found.id,
            manual_enabled: found.enrollmentmethods.iter().any(|m| m == "manual"),
        };
        if let (true, Ok(mut cache)) = (info.manual_enabled, self.courses.lock()) {
            cache.insert(course.clone(), info.id);
        }
        Ok(Some(info))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourseInfo {
    pub id: i64,
    /// Moodle refuses enrolments through the web services (`wsnoinstance`) without it.
    pub manual_enabled: bool,
}

/// Sites by name: those of the configuration, and those added in the admin, which come and go
/// while the service runs (`crate::connections`). A [`Site`] is cheap to clone (its client and
/// caches are shared), so lookups hand out clones and never hold the lock across a call.
#[derive(Clone, Default)]
pub struct Sites(Arc<RwLock<HashMap<String, Site>>>);

impl Sites {
    pub fn new(sites: impl IntoIterator<Item = Site>) -> Sites {
        Sites(Arc::new(RwLock::new(
            sites.into_iter().map(|s| (s.name.clone(), s)).collect(),
        )))
    }

    pub fn get(&self, name: &str) -> Option<Site> {
        self.read().get(name).cloned()
    }

    /// Every site, by name.
    pub fn all(&self) -> Vec<Site> {
        let mut sites: Vec<Site> = self.read().values().cloned().collect();
        sites.sort_by(|a, b| a.name.cmp(&b.name));
        sites
    }

    pub fn names(&self) -> Vec<String> {
        self.all().into_iter().map(|s| s.name).collect()
    }

    /// Adds `site`, or replaces the one of the same name.
    pub(crate) fn insert(&self, site: Site) {
        self.write().insert(site.name.clone(), site);
    }

    pub(crate) fn remove(&self, name: &str) {
        self.write().remove(name);
    }

    /// Total HTTP requests made to every site (for summaries and benchmarks).
    pub fn request_count(&self) -> u64 {
        self.read().values().map(|s| s.client.request_count()).sum()
    }

    // A panic while holding the lock cannot leave the map half-changed (each change is one
    // insert or remove), so a poisoned lock is used as it is.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Site>> {
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Site>> {
        self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Moodle's standard role ids for the shortnames admins write in mappings; a number is taken
/// as a role id as is.
pub fn role_id(role: &str) -> Option<i64> {
    match role {
        "manager" => Some(1),
        "coursecreator" => Some(2),
        "editingteacher" => Some(3),
        "teacher" => Some(4),
        "student" => Some(5),
        other => other.parse::<i64>().ok().filter(|id| *id > 0),
    }
}
