//! The plan: desired state vs. what we last applied in Moodle → the actions that converge.
//!
//! `applied` is what Moodle holds for a key as far as we know: what our worker last set,
//! corrected by drift sweeps that read Moodle's real enrolments.

use crate::entitlement::{Access, DesiredState, Entitlement, EntitlementKey, Orphan};
use crate::learner::LearnerProfile;
use crate::mapping::RevokePolicy;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, btree_map};
use std::fmt::Write;
use std::iter::Peekable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnrolmentStatus {
    Active,
    Suspended,
}

/// A manual enrolment as it stands in Moodle. `timeend == 0` means "no end", as in Moodle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedEnrolment {
    pub status: EnrolmentStatus,
    pub role: String,
    pub timestart: i64,
    pub timeend: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create or update the enrolment with exactly these values (the learner's account is
    /// matched or created first). Always carries all three of timestart/timeend/suspend,
    /// because Moodle resets any that a repeated call omits (DESIGN.md trap 5).
    Enrol {
        key: EntitlementKey,
        profile: LearnerProfile,
        role: String,
        timestart: i64,
        timeend: i64,
        suspended: bool,
        /// Course groups to join once enrolled (none for a suspension).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<String>,
        reason: String,
    },
    /// Remove the enrolment.
    Unenrol { key: EntitlementKey, reason: String },
}

impl Action {
    pub fn key(&self) -> &EntitlementKey {
        match self {
            Action::Enrol { key, .. } | Action::Unenrol { key, .. } => key,
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Action::Enrol { reason, .. } | Action::Unenrol { reason, .. } => reason,
        }
    }

    /// What this action leaves in Moodle once done (`None` = no enrolment).
    pub fn outcome(&self) -> Option<AppliedEnrolment> {
        match self {
            Action::Enrol {
                role,
                timestart,
                timeend,
                suspended,
                ..
            } => Some(AppliedEnrolment {
                status: if *suspended {
                    EnrolmentStatus::Suspended
                } else {
                    EnrolmentStatus::Active
                },
                role: role.clone(),
                timestart: *timestart,
                timeend: *timeend,
            }),
            Action::Unenrol { .. } => None,
        }
    }
}

/// Plans every key of the desired state. Keys only in `applied` (their mapping was removed)
/// are left alone: removing a mapping never revokes paid access by surprise.
pub fn plan(desired: &DesiredState, applied: &BTreeMap<EntitlementKey, AppliedEnrolment>) -> Vec<Action> {
    // Both maps are in key order: walk `applied` alongside the desired keys (a merge join)
    // instead of searching it once per key.
    let mut applied = applied.iter().peekable();
    desired
        .entitlements
        .values()
        .filter_map(|e| plan_key(e, advance_to(&mut applied, &e.key)))
        .collect()
}

/// Moves `applied` past every key before `key` and returns `key`'s enrolment, if it has one.
fn advance_to<'a>(
    applied: &mut Peekable<btree_map::Iter<'a, EntitlementKey, AppliedEnrolment>>,
    key: &EntitlementKey,
) -> Option<&'a AppliedEnrolment> {
    loop {
        let (next, enrolment) = *applied.peek()?;
        match next.cmp(key) {
            Ordering::Less => {
                applied.next();
            }
            Ordering::Equal => {
                applied.next();
                return Some(enrolment);
            }
            Ordering::Greater => return None,
        }
    }
}

/// Plans one key: `None` when Moodle already matches.
pub fn plan_key(e: &Entitlement, applied: Option<&AppliedEnrolment>) -> Option<Action> {
    // The reason is only written for keys that change: most keys, most of the time, don't.
    let reason = || {
        if e.causes.is_empty() {
            match e.orphan {
                Some(Orphan::MappingRemoved) => {
                    "its course mapping was removed, with `on_remove = \"revoke\"`".to_string()
                }
                _ => "no invoice grants this any more (the learner's email changed or the line was edited)".to_string(),
            }
        } else {
            // One string per action, sized for a cause or two, rather than one per cause joined.
            let mut reason = String::with_capacity(64 * e.causes.len());
            for (i, cause) in e.causes.iter().enumerate() {
                if i > 0 {
                    reason.push_str("; ");
                }
                // Writing into a `String` cannot fail.
                let _ = write!(reason, "{cause}");
            }
            reason
        }
    };
    match (&e.access, applied) {
        (Access::Active { start, end }, _) => {
            let timeend = end.map_or(0, |t| t.0);
            let unchanged = applied.is_some_and(|a| {
                a.status == EnrolmentStatus::Active
                    && a.role == e.role
                    && a.timestart == start.0
                    && a.timeend == timeend
            });
            (!unchanged).then(|| {
                let want = AppliedEnrolment {
                    status: EnrolmentStatus::Active,
                    role: e.role.clone(),
                    timestart: start.0,
                    timeend,
                };
                enrol(e, want, reason())
            })
        }
        (Access::Revoked { .. }, None) => None,
        (
            Access::Revoked {
                policy: RevokePolicy::Suspend,
            },
            Some(a),
        ) => (a.status == EnrolmentStatus::Active).then(|| {
            let want = AppliedEnrolment {
                status: EnrolmentStatus::Suspended,
                ..a.clone()
            };
            enrol(e, want, reason())
        }),
        (
            Access::Revoked {
                policy: RevokePolicy::Unenrol,
            },
            Some(_),
        ) => Some(Action::Unenrol {
            key: e.key.clone(),
            reason: reason(),
        }),
    }
}

fn enrol(e: &Entitlement, want: AppliedEnrolment, reason: String) -> Action {
    let suspended = want.status == EnrolmentStatus::Suspended;
    Action::Enrol {
        key: e.key.clone(),
        profile: e.profile.clone(),
        role: want.role,
        timestart: want.timestart,
        timeend: want.timeend,
        suspended,
        groups: if suspended { Vec::new() } else { e.groups.clone() },
        reason,
    }
}
