//! Mappings: which product reference grants which course, on which Moodle site.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a mapping names its course in Moodle.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CourseRef {
    Id(i64),
    Shortname(String),
    Idnumber(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a course reference: use a shortname, `id:42` or `idnumber:X`")]
pub struct CourseRefError(String);

impl CourseRef {
    /// `PY101` (shortname), `id:42`, `idnumber:X`.
    pub fn parse(raw: &str) -> Result<CourseRef, CourseRefError> {
        let raw = raw.trim();
        if let Some(id) = raw.strip_prefix("id:") {
            return id
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 1)
                .map(CourseRef::Id)
                .ok_or_else(|| CourseRefError(raw.to_string()));
        }
        if let Some(idn) = raw.strip_prefix("idnumber:") {
            let idn = idn.trim();
            return if idn.is_empty() {
                Err(CourseRefError(raw.to_string()))
            } else {
                Ok(CourseRef::Idnumber(idn.to_string()))
            };
        }
        if raw.is_empty() {
            Err(CourseRefError(raw.to_string()))
        } else {
            Ok(CourseRef::Shortname(raw.to_string()))
        }
    }
}

impl fmt::Display for CourseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CourseRef::Id(id) => write!(f, "id:{id}"),
            CourseRef::Shortname(s) => f.write_str(s),
            CourseRef::Idnumber(s) => write!(f, "idnumber:{s}"),
        }
    }
}

/// What happens to access when its invoice is unpaid again, credited or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevokePolicy {
    /// Keep the enrolment but suspend it: grades and progress survive a late payment.
    #[default]
    Suspend,
    /// Remove the enrolment.
    Unenrol,
}

/// What happens to the access a mapping granted once the mapping itself is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemovalPolicy {
    /// Leave the enrolments as they are: removing a mapping never revokes paid access by surprise.
    #[default]
    Keep,
    /// Revoke them, per the mapping's `on_revoke`.
    Revoke,
}

/// What a mapping's `duration` counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartsFrom {
    /// The day the source says the invoice was paid, else its invoice date: a new store, a
    /// late mapping or a held invoice all give the same dates.
    #[default]
    Payment,
    /// The invoice's date.
    Invoice,
    /// When this service first saw the invoice paid (the behaviour before payment dates).
    Enrolment,
}

impl StartsFrom {
    pub fn parse(raw: &str) -> Option<StartsFrom> {
        match raw {
            "payment" => Some(StartsFrom::Payment),
            "invoice" => Some(StartsFrom::Invoice),
            "enrolment" => Some(StartsFrom::Enrolment),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StartsFrom::Payment => "payment",
            StartsFrom::Invoice => "invoice",
            StartsFrom::Enrolment => "enrolment",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// Product reference as it appears on invoice lines.
    pub product: String,
    /// Name of the configured Moodle site.
    pub site: String,
    pub course: CourseRef,
    /// Role shortname in Moodle (`student`, `teacher`, …).
    pub role: String,
    /// Access ends this many seconds after it starts (see `starts_from`); `None` = no end.
    pub duration_secs: Option<i64>,
    /// What access starts from: the payment (default), the invoice date or our enrolment.
    #[serde(default)]
    pub starts_from: StartsFrom,
    /// Fixed dates (a cohort): access from the first to the second, whenever it was paid.
    /// Takes precedence over `duration_secs`.
    pub window: Option<(Timestamp, Timestamp)>,
    pub on_revoke: RevokePolicy,
    /// How long access survives an invoice that was paid and is unpaid again (a returned
    /// direct debit, a receipt reopened), counted from when we saw it unpaid. 0 = none.
    /// Credit notes and deletions are explicit and revoke at once.
    #[serde(default)]
    pub grace_secs: i64,
    /// Once this mapping is removed from the configuration.
    #[serde(default)]
    pub on_remove: RemovalPolicy,
    /// A course group (by name) the learner joins while their access is active; created in
    /// the course when missing.
    #[serde(default)]
    pub group: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_refs_parse() {
        assert_eq!(CourseRef::parse("PY101"), Ok(CourseRef::Shortname("PY101".into())));
        assert_eq!(CourseRef::parse("id:42"), Ok(CourseRef::Id(42)));
        assert_eq!(CourseRef::parse("idnumber:X-1"), Ok(CourseRef::Idnumber("X-1".into())));
        assert!(CourseRef::parse("id:abc").is_err());
        assert!(CourseRef::parse("id:1").is_err(), "course 1 is the site front page");
        assert!(CourseRef::parse("idnumber:").is_err());
        assert!(CourseRef::parse("  ").is_err());
        assert_eq!(CourseRef::parse("id:42").unwrap().to_string(), "id:42");
    }
}
