//! Outbound events: a CRM or a BI tool hears about a learner without polling.
//!
//! An event is emitted where its cause happens: the worker's recorded enrolment changes
//! (`enrolment.activated`, `.suspended`, `.revoked`, in the same transaction) and dead jobs
//! (`job.dead`), progress sync's completions (`course.completed`), the certificates issued and
//! revoked (`certificate.issued`, `.revoked`) right after they are stored. Its id is derived
//! from its cause ([`event_id`]), so a retried or repeated cause stores nothing new. The store
//! fans it out to every enabled subscriber whose filter takes its type; [`delivery`] sends each
//! one, signed with Standard Webhooks, in order per subscriber, site, course and learner.
//! [`subscribers`] holds the admin's services.

pub mod delivery;
pub mod subscribers;

use mm_core::{AppliedEnrolment, EnrolmentStatus, EntitlementKey, Timestamp};
use mm_store::NewEvent;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use crate::config::EVENT_TYPES;
pub use delivery::EventRound;
pub use subscribers::{
    DeliveryDetail, DeliveryPage, EventError, RevealedSecret, SubscriberDraft, SubscriberEntry, SubscriberOrigin,
};

pub const ENROLMENT_ACTIVATED: &str = "enrolment.activated";
pub const ENROLMENT_SUSPENDED: &str = "enrolment.suspended";
pub const ENROLMENT_REVOKED: &str = "enrolment.revoked";
pub const COURSE_COMPLETED: &str = "course.completed";
pub const CERTIFICATE_ISSUED: &str = "certificate.issued";
pub const CERTIFICATE_REVOKED: &str = "certificate.revoked";
pub const JOB_DEAD: &str = "job.dead";
/// The test event an admin sends to one subscriber.
pub const PING: &str = "ping";

impl crate::engine::Engine {
    /// Stores events right after the change that caused them (when that change had no
    /// transaction to share) and wakes the deliveries. A failure is logged: the change is done,
    /// and its event's id, derived from the cause, lets a later emission store it still.
    pub(crate) async fn emit(&self, events: &[NewEvent]) {
        match self.store.insert_events(events, self.now()).await {
            Ok(()) => self.signals.events_queued(),
            Err(e) => tracing::error!(error = %e, "storing outbound events failed"),
        }
    }
}

/// The `webhook-id` of an event: `evt_` and 32 hex digits of the SHA-256 of its cause. Stable
/// for one cause; carries no learner data (it appears in the receiver's logs).
pub fn event_id(cause: &str) -> String {
    format!("evt_{}", &hex(cause.as_bytes())[..32])
}

/// The ordering key of a (site, course, learner): its events go out in order.
pub fn ordering_key(key: &EntitlementKey) -> String {
    hex(format!("{}\u{0}{}\u{0}{}", key.site, key.course, key.learner.as_str()).as_bytes())
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// An event of `kind` about `key`, with `data` beside the key's site, course and learner.
pub fn event(kind: &str, cause: &str, key: &EntitlementKey, now: Timestamp, mut data: Value) -> NewEvent {
    if let Value::Object(map) = &mut data {
        map.insert("site".into(), json!(key.site));
        map.insert("course".into(), json!(key.course.to_string()));
        map.insert("learner".into(), json!({ "email": key.learner.as_str() }));
    }
    NewEvent {
        id: event_id(cause),
        event_type: kind.to_owned(),
        payload: body(kind, now, data),
        ordering_key: ordering_key(key),
    }
}

/// The Standard Webhooks body: `{"type", "timestamp", "data"}`.
pub fn body(kind: &str, now: Timestamp, data: Value) -> String {
    json!({ "type": kind, "timestamp": rfc3339(now), "data": data }).to_string()
}

pub(crate) fn rfc3339(t: Timestamp) -> String {
    chrono::DateTime::from_timestamp(t.0, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The event an enrolment change is, if any: active after not being so, suspended after being
/// active, removed after being there. `version` tells two changes of one key apart (the job's
/// generation and the time).
pub fn enrolment_event(
    key: &EntitlementKey,
    before: Option<&AppliedEnrolment>,
    after: Option<&AppliedEnrolment>,
    reason: &str,
    moodle: Option<(i64, i64)>,
    version: &str,
    now: Timestamp,
) -> Option<NewEvent> {
    let was = before.map(|b| b.status);
    let kind = match after.map(|a| a.status) {
        Some(EnrolmentStatus::Active) if was != Some(EnrolmentStatus::Active) => ENROLMENT_ACTIVATED,
        Some(EnrolmentStatus::Suspended) if was == Some(EnrolmentStatus::Active) => ENROLMENT_SUSPENDED,
        None if was.is_some() => ENROLMENT_REVOKED,
        _ => return None,
    };
    let dates = after.or(before);
    let mut data = json!({
        "reason": reason,
        "timestart": dates.map(|d| d.timestart),
        "timeend": dates.map(|d| d.timeend),
    });
    if let (Some((user, course)), Value::Object(map)) = (moodle, &mut data) {
        map.insert("moodle".into(), json!({ "user_id": user, "course_id": course }));
    }
    let cause = format!("{kind}:{}:{}:{}:{version}", key.site, key.course, key.learner.as_str());
    Some(event(kind, &cause, key, now, data))
}

/// `course.completed` for a completion found by progress sync.
pub fn completion_event(key: &EntitlementKey, completed_at: i64, grade: Option<&str>, now: Timestamp) -> NewEvent {
    let cause = format!(
        "{COURSE_COMPLETED}:{}:{}:{}:{completed_at}",
        key.site,
        key.course,
        key.learner.as_str()
    );
    let data = json!({ "completed_at": rfc3339(Timestamp(completed_at)), "grade": grade });
    event(COURSE_COMPLETED, &cause, key, now, data)
}

/// `certificate.issued` / `certificate.revoked` for the certificate `code`.
pub fn certificate_event(
    kind: &str,
    key: &EntitlementKey,
    code: &str,
    number: &str,
    extra: Value,
    now: Timestamp,
) -> NewEvent {
    let mut data = json!({ "certificate": { "code": code, "number": number } });
    if let (Value::Object(map), Value::Object(more)) = (&mut data, extra) {
        map.extend(more);
    }
    event(kind, &format!("{kind}:{code}"), key, now, data)
}

/// `job.dead` for a job parked dead after its attempts.
pub fn job_dead_event(key: &EntitlementKey, generation: i64, attempts: i64, code: &str, now: Timestamp) -> NewEvent {
    let cause = format!(
        "{JOB_DEAD}:{}:{}:{}:{generation}:{attempts}:{}",
        key.site,
        key.course,
        key.learner.as_str(),
        now.0
    );
    event(
        JOB_DEAD,
        &cause,
        key,
        now,
        json!({ "error": code, "attempts": attempts }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mm_core::{CourseRef, Email};

    fn key() -> EntitlementKey {
        EntitlementKey {
            site: "main".into(),
            course: CourseRef::parse("PY101").expect("course"),
            learner: Email::parse("ada@example.org").expect("email"),
        }
    }

    fn enrolment(status: EnrolmentStatus) -> AppliedEnrolment {
        AppliedEnrolment {
            status,
            role: "student".into(),
            timestart: 10,
            timeend: 20,
        }
    }

    #[test]
    fn only_transitions_of_access_are_events() {
        let (a, s) = (
            enrolment(EnrolmentStatus::Active),
            enrolment(EnrolmentStatus::Suspended),
        );
        let kind = |b: Option<&AppliedEnrolment>, af: Option<&AppliedEnrolment>| {
            enrolment_event(&key(), b, af, "r", None, "1", Timestamp(0)).map(|e| e.event_type)
        };
        assert_eq!(kind(None, Some(&a)).as_deref(), Some(ENROLMENT_ACTIVATED));
        assert_eq!(kind(Some(&s), Some(&a)).as_deref(), Some(ENROLMENT_ACTIVATED));
        assert_eq!(kind(Some(&a), Some(&s)).as_deref(), Some(ENROLMENT_SUSPENDED));
        assert_eq!(kind(Some(&a), None).as_deref(), Some(ENROLMENT_REVOKED));
        assert_eq!(kind(Some(&a), Some(&a)), None, "new dates only");
        assert_eq!(kind(None, Some(&s)), None, "never had access");
        assert_eq!(kind(None, None), None);
    }

    #[test]
    fn ids_follow_the_cause_and_hide_the_learner() {
        let e = completion_event(&key(), 5, Some("9.5"), Timestamp(7));
        let again = completion_event(&key(), 5, Some("9.5"), Timestamp(8));
        assert_eq!(e.id, again.id, "same cause, same id");
        assert_ne!(e.id, completion_event(&key(), 6, None, Timestamp(7)).id);
        assert!(e.id.starts_with("evt_") && !e.id.contains("ada"), "{}", e.id);
        let v: Value = serde_json::from_str(&e.payload).expect("json");
        assert_eq!(v["type"], COURSE_COMPLETED);
        assert_eq!(v["data"]["learner"]["email"], "ada@example.org");
        assert_eq!(v["data"]["course"], "PY101");
        assert_eq!(v["timestamp"], "1970-01-01T00:00:07Z");
    }
}
