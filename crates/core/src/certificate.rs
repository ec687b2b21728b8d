//! Certificates: when one is due, when one must be revoked, and how one verifies today.
//!
//! A certificate is issued once per completion: a learner who completes a paid course gets
//! version 1; a retake (Moodle records a later completion) or an admin's re-issue gives the
//! next version, which supersedes the previous one. Revocation follows the access: a credit
//! note, a deleted invoice or an invoice unpaid again takes the certificate back (per the
//! `on_revoke_certificate` policy); access that simply ran its course does not.

use crate::entitlement::{Access, CauseState, Entitlement};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// What to do with a learner's certificates when their access is taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateRevokePolicy {
    /// Revoke them, with the reason (the default).
    #[default]
    Revoke,
    /// Keep them valid: the course was completed, whatever happened to the invoice later.
    Keep,
}

impl std::str::FromStr for CertificateRevokePolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "revoke" => Ok(CertificateRevokePolicy::Revoke),
            "keep" => Ok(CertificateRevokePolicy::Keep),
            other => Err(format!(
                "`{other}` is not a certificate revoke policy; use \"revoke\" or \"keep\""
            )),
        }
    }
}

/// The latest certificate of a key, as far as issuance cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatestCertificate {
    pub version: u32,
    /// The Moodle completion it certifies.
    pub completed_at: Timestamp,
    pub revoked: bool,
}

/// A certificate to issue: the next version of the key's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateDue {
    pub version: u32,
    pub completed_at: Timestamp,
}

/// Whether a completion calls for a certificate: the learner's access is active (a paid
/// course) and no certificate certifies this completion or a later one. A revoked certificate
/// is not replaced by itself: it takes a new completion (a retake) or an admin's re-issue.
pub fn certificate_due(
    completed_at: Option<Timestamp>,
    access_active: bool,
    latest: Option<LatestCertificate>,
) -> Option<CertificateDue> {
    let completed_at = completed_at?;
    if !access_active {
        return None;
    }
    match latest {
        Some(l) if l.completed_at >= completed_at => None,
        Some(l) => Some(CertificateDue {
            version: l.version + 1,
            completed_at,
        }),
        None => Some(CertificateDue {
            version: 1,
            completed_at,
        }),
    }
}

/// Why a certificate is revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum RevocationReason {
    /// The invoice was credited (the credit notes' numbers).
    Credited { by: Vec<String> },
    /// The invoice was deleted in its source.
    InvoiceDeleted,
    /// The invoice is unpaid again and its grace period is over.
    Unpaid,
    /// An admin revoked it.
    Admin { by: String, note: String },
}

impl std::fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RevocationReason::Credited { by } => write!(f, "the invoice was credited ({})", by.join(", ")),
            RevocationReason::InvoiceDeleted => f.write_str("the invoice was deleted"),
            RevocationReason::Unpaid => f.write_str("the invoice is unpaid"),
            RevocationReason::Admin { note, .. } if note.is_empty() => f.write_str("revoked by the issuer"),
            RevocationReason::Admin { note, .. } => f.write_str(note),
        }
    }
}

/// Whether the access behind a certificate was taken back in a way that revokes it: no cause
/// grants it any more, and at least one was credited, deleted or unpaid again. Access that ran
/// its course, or whose mapping was removed, leaves the certificate valid. `None` entitlement:
/// the key is unknown (e.g. a certificate an admin issued by hand): nothing to follow.
pub fn certificate_revocation(
    entitlement: Option<&Entitlement>,
    policy: CertificateRevokePolicy,
) -> Option<RevocationReason> {
    let e = entitlement?;
    if policy == CertificateRevokePolicy::Keep || matches!(e.access, Access::Active { .. }) {
        return None;
    }
    let granting = e
        .causes
        .iter()
        .any(|c| matches!(c.state, CauseState::Paid { .. } | CauseState::Grace { .. }));
    if granting {
        return None;
    }
    let mut credited: Vec<String> = Vec::new();
    let (mut deleted, mut unpaid) = (false, false);
    for cause in &e.causes {
        match &cause.state {
            CauseState::Credited { by } => credited.extend(by.iter().cloned()),
            CauseState::Deleted => deleted = true,
            CauseState::Unpaid => unpaid = true,
            _ => {}
        }
    }
    if !credited.is_empty() {
        credited.sort();
        credited.dedup();
        Some(RevocationReason::Credited { by: credited })
    } else if deleted {
        Some(RevocationReason::InvoiceDeleted)
    } else if unpaid {
        Some(RevocationReason::Unpaid)
    } else {
        None
    }
}

/// How a certificate verifies at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    Valid,
    Revoked {
        at: Timestamp,
        reason: String,
    },
    /// A later version replaces it (its number).
    Superseded {
        by: String,
    },
    Expired {
        on: Timestamp,
    },
}

impl Standing {
    /// Revocation wins over supersession, which wins over expiry: the strongest fact is shown.
    pub fn of(
        revoked: Option<(Timestamp, &str)>,
        superseded_by: Option<&str>,
        valid_until: Option<Timestamp>,
        now: Timestamp,
    ) -> Standing {
        if let Some((at, reason)) = revoked {
            return Standing::Revoked {
                at,
                reason: reason.to_string(),
            };
        }
        if let Some(by) = superseded_by {
            return Standing::Superseded { by: by.to_string() };
        }
        match valid_until {
            Some(until) if until <= now => Standing::Expired { on: until },
            _ => Standing::Valid,
        }
    }

    /// The stable word: `valid`, `revoked`, `superseded`, `expired`.
    pub fn code(&self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::Revoked { .. } => "revoked",
            Standing::Superseded { .. } => "superseded",
            Standing::Expired { .. } => "expired",
        }
    }
}

/// The certificate number for the `sequence`-th certificate issued: `PREFIX-YEAR-000042`.
pub fn certificate_number(prefix: &str, issued_at: Timestamp, sequence: i64) -> String {
    let year = issued_at.date().get(..4).unwrap_or("0000").to_string();
    format!("{prefix}-{year}-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entitlement::{Cause, EntitlementKey};
    use crate::invoice::InvoiceKey;
    use crate::learner::{Email, LearnerProfile};
    use crate::mapping::{CourseRef, RevokePolicy};

    fn t(s: i64) -> Timestamp {
        Timestamp(s)
    }

    #[test]
    fn a_first_completion_of_a_paid_course_is_version_one() {
        assert_eq!(
            certificate_due(Some(t(100)), true, None),
            Some(CertificateDue {
                version: 1,
                completed_at: t(100)
            })
        );
        assert_eq!(certificate_due(None, true, None), None);
        assert_eq!(certificate_due(Some(t(100)), false, None), None);
    }

    #[test]
    fn the_same_completion_issues_once_and_a_retake_supersedes() {
        let latest = LatestCertificate {
            version: 1,
            completed_at: t(100),
            revoked: false,
        };
        assert_eq!(certificate_due(Some(t(100)), true, Some(latest)), None);
        assert_eq!(
            certificate_due(Some(t(500)), true, Some(latest)).map(|d| d.version),
            Some(2)
        );
    }

    fn entitlement(access: Access, states: Vec<CauseState>) -> Entitlement {
        Entitlement {
            key: EntitlementKey {
                site: "main".into(),
                course: CourseRef::parse("C1").unwrap(),
                learner: Email::parse("a@example.org").unwrap(),
            },
            profile: LearnerProfile {
                email: Email::parse("a@example.org").unwrap(),
                firstname: "Ana".into(),
                lastname: "Pérez".into(),
                idnumber: None,
            },
            role: "student".into(),
            access,
            causes: states
                .into_iter()
                .enumerate()
                .map(|(i, state)| Cause {
                    invoice: InvoiceKey {
                        source: "fs".into(),
                        id: i.to_string(),
                    },
                    invoice_number: format!("F{i}"),
                    line: "1".into(),
                    state,
                })
                .collect(),
            groups: vec![],
            orphan: None,
        }
    }

    fn revoked() -> Access {
        Access::Revoked {
            policy: RevokePolicy::Suspend,
        }
    }

    #[test]
    fn a_credit_note_revokes_and_names_itself() {
        let e = entitlement(revoked(), vec![CauseState::Credited { by: vec!["R1".into()] }]);
        assert_eq!(
            certificate_revocation(Some(&e), CertificateRevokePolicy::Revoke),
            Some(RevocationReason::Credited { by: vec!["R1".into()] })
        );
        assert_eq!(certificate_revocation(Some(&e), CertificateRevokePolicy::Keep), None);
    }

    #[test]
    fn another_paid_invoice_keeps_the_certificate() {
        let paid = CauseState::Paid {
            start: t(0),
            end: None,
            fixed: false,
        };
        let e = entitlement(
            Access::Active { start: t(0), end: None },
            vec![CauseState::Credited { by: vec!["R1".into()] }, paid],
        );
        assert_eq!(certificate_revocation(Some(&e), CertificateRevokePolicy::Revoke), None);
    }

    #[test]
    fn access_that_ran_its_course_keeps_the_certificate() {
        let ended = CauseState::Paid {
            start: t(0),
            end: Some(t(10)),
            fixed: false,
        };
        let e = entitlement(revoked(), vec![ended]);
        assert_eq!(certificate_revocation(Some(&e), CertificateRevokePolicy::Revoke), None);
        assert_eq!(certificate_revocation(None, CertificateRevokePolicy::Revoke), None);
    }

    #[test]
    fn a_deleted_or_unpaid_invoice_revokes() {
        let e = entitlement(revoked(), vec![CauseState::Deleted]);
        assert_eq!(
            certificate_revocation(Some(&e), CertificateRevokePolicy::Revoke),
            Some(RevocationReason::InvoiceDeleted)
        );
        let e = entitlement(revoked(), vec![CauseState::Unpaid]);
        assert_eq!(
            certificate_revocation(Some(&e), CertificateRevokePolicy::Revoke),
            Some(RevocationReason::Unpaid)
        );
    }

    #[test]
    fn standing_shows_the_strongest_fact() {
        let now = t(1000);
        assert_eq!(Standing::of(None, None, None, now), Standing::Valid);
        assert_eq!(Standing::of(None, None, Some(t(2000)), now), Standing::Valid);
        assert_eq!(
            Standing::of(None, None, Some(t(999)), now),
            Standing::Expired { on: t(999) }
        );
        assert_eq!(Standing::of(None, Some("N2"), Some(t(999)), now).code(), "superseded");
        assert_eq!(
            Standing::of(Some((t(5), "credited")), Some("N2"), None, now).code(),
            "revoked"
        );
    }

    #[test]
    fn numbers_carry_the_year_and_a_padded_sequence() {
        let at = Timestamp::from_date(2026, 12, 7).unwrap();
        assert_eq!(certificate_number("MM", at, 42), "MM-2026-000042");
    }
}
