//! The Moodle sites we converge: one client per site, plus what we learnt about it
//! (course ids by reference) so a round resolves each course once.

use crate::config::MoodleSite;
use mm_core::CourseRef;
use mm_moodle::{ClientOptions, CourseLookup, MoodleClient, MoodleError, SiteConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The web-service functions the product calls; checked at start so a missing one is reported
/// before the first sale, not at it (DESIGN.md trap 6).
pub use mm_moodle::site::REQUIRED_FUNCTIONS;

#[derive(Clone)]
pub struct Site {
    pub name: String,
    pub client: MoodleClient,
    courses: Arc<Mutex<HashMap<CourseRef, i64>>>,
}

impl Site {
    pub fn new(cfg: &MoodleSite) -> Result<Site, MoodleError> {
        Self::with_options(cfg, ClientOptions::default())
    }

    pub fn with_options(cfg: &MoodleSite, options: ClientOptions) -> Result<Site, MoodleError> {
        let mut sc = SiteConfig::new(cfg.name.clone(), cfg.url.clone(), cfg.token.clone());
        sc.allow_private_network = cfg.allow_private_network;
        sc.batch_size = cfg.batch_size;
        sc.concurrency = cfg.concurrency;
        sc.timeout = cfg.timeout;
        Ok(Site {
            name: cfg.name.clone(),
            client: MoodleClient::with_options(sc, options)?,
            courses: Arc::default(),
        })
    }

    /// The Moodle id of a course, looked up once per process. `Ok(None)`: no such course.
    pub async fn course_id(&self, course: &CourseRef) -> Result<Option<i64>, MoodleError> {
        if let Some(id) = self.courses.lock().ok().and_then(|c| c.get(course).copied()) {
            return Ok(Some(id));
        }
        let lookup = match course {
            CourseRef::Id(id) => CourseLookup::Id(*id),
            CourseRef::Shortname(s) => CourseLookup::Shortname(s.clone()),
            CourseRef::Idnumber(s) => CourseLookup::Idnumber(s.clone()),
        };
        let found = self.client.get_course(&lookup).await?;
        if let (Some(c), Ok(mut cache)) = (&found, self.courses.lock()) {
            cache.insert(course.clone(), c.id);
        }
        Ok(found.map(|c| c.id))
    }
}

/// Sites by name.
#[derive(Clone, Default)]
pub struct Sites(Arc<HashMap<String, Site>>);

impl Sites {
    pub fn new(sites: impl IntoIterator<Item = Site>) -> Sites {
        Sites(Arc::new(sites.into_iter().map(|s| (s.name.clone(), s)).collect()))
    }

    pub fn get(&self, name: &str) -> Option<&Site> {
        self.0.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Site> {
        self.0.values()
    }

    /// Total HTTP requests made to every site (for summaries and benchmarks).
    pub fn request_count(&self) -> u64 {
        self.0.values().map(|s| s.client.request_count()).sum()
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
