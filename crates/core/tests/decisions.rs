//! The core's decisions as tables of cases: invoices + mappings + what Moodle holds → actions.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::HoldReason;
use mm_core::entitlement::{Access, CauseState};
use mm_core::*;
use std::collections::BTreeMap;

const DAY: i64 = 86_400;
const T0: i64 = 1_767_225_600; // 2026-01-01

fn mapping(product: &str, course: &str, duration_days: Option<i64>, on_revoke: RevokePolicy) -> Mapping {
    Mapping {
        starts_from: Default::default(),
        product: product.into(),
        site: "main".into(),
        course: CourseRef::parse(course).unwrap(),
        role: "student".into(),
        duration_secs: duration_days.map(|d| d * DAY),
        window: None,
        on_revoke,
        grace_secs: 0,
        on_remove: RemovalPolicy::Keep,
        group: None,
    }
}

/// A compact invoice: id, email, products, paid at (days after T0).
fn inv(id: &str, email: Option<&str>, products: &[&str], paid_day: Option<i64>) -> Invoice {
    Invoice {
        currency: None,
        issued_on: None,
        paid_on: None,
        key: InvoiceKey::new("erp", id),
        number: format!("F{id}"),
        customer: Customer {
            given_names: None,
            id: "C1".into(),
            name: "Ada Lovelace".into(),
            email: email.map(str::to_string),
        },
        lines: products
            .iter()
            .enumerate()
            .map(|(i, p)| InvoiceLine {
                amount: None,
                id: format!("{id}-{i}"),
                product: (!p.is_empty()).then(|| p.to_string()),
                quantity: 1.0,
                credits_line: None,
            })
            .collect(),
        paid_at: paid_day.map(|d| Timestamp(T0 + d * DAY)),
        credit_note_for: None,
        deleted: false,
        lapsed: None,
    }
}

fn credit(id: &str, of: &str, lines: &[&str]) -> Invoice {
    let mut c = inv(id, Some("ada@example.org"), &[], None);
    c.credit_note_for = Some(of.into());
    c.lines = lines
        .iter()
        .map(|l| InvoiceLine {
            amount: None,
            id: format!("{id}-{l}"),
            product: None,
            quantity: -1.0,
            credits_line: Some(l.to_string()),
        })
        .collect();
    if lines.is_empty() {
        c.lines = vec![InvoiceLine {
            amount: None,
            id: format!("{id}-0"),
            product: None,
            quantity: -1.0,
            credits_line: None,
        }];
    }
    c
}

/// A company's invoice: one line of `qty` seats of `product`, paid on `paid_day`.
fn company(id: &str, product: &str, qty: f64, paid_day: Option<i64>) -> Invoice {
    let mut i = inv(id, Some("buyer@acme.example"), &[product], paid_day);
    i.customer.name = "Acme SL".into();
    i.lines[0].quantity = qty;
    i
}

/// A seat of invoice `id`'s first line, assigned to `email` on `day`.
fn seat(id: &str, email: &str, day: i64) -> SeatAssignment {
    SeatAssignment {
        invoice: InvoiceKey::new("erp", id),
        line: format!("{id}-0"),
        learner: Email::parse(email).unwrap(),
        name: String::new(),
        assigned_at: Timestamp(T0 + day * DAY),
        sequence: day,
    }
}

/// A credit note taking back `qty` of invoice `of`'s first line.
fn credit_qty(id: &str, of: &str, qty: f64) -> Invoice {
    let mut c = credit(id, of, &[&format!("{of}-0")]);
    c.lines[0].quantity = -qty;
    c
}

/// Invoice `i`, paid on `paid_day` and seen unpaid again on `unpaid_day`.
fn lapsed(mut i: Invoice, paid_day: i64, unpaid_day: i64) -> Invoice {
    i.paid_at = None;
    i.lapsed = Some(Lapse {
        paid_on: None,
        paid_at: Timestamp(T0 + paid_day * DAY),
        unpaid_since: Timestamp(T0 + unpaid_day * DAY),
    });
    i
}

fn with_grace(mut m: Mapping, days: i64) -> Mapping {
    m.grace_secs = days * DAY;
    m
}

fn removable(mut m: Mapping) -> Mapping {
    m.on_remove = RemovalPolicy::Revoke;
    m
}

/// Course COH1 sold as product COHORT with fixed dates (days after T0).
fn cohort(start_day: i64, end_day: i64) -> Mapping {
    Mapping {
        window: Some((Timestamp(T0 + start_day * DAY), Timestamp(T0 + end_day * DAY))),
        ..mapping("COHORT", "COH1", None, Suspend)
    }
}

fn deleted(mut i: Invoice) -> Invoice {
    i.deleted = true;
    i
}

fn key(course: &str, email: &str) -> EntitlementKey {
    EntitlementKey {
        site: "main".into(),
        course: CourseRef::parse(course).unwrap(),
        learner: Email::parse(email).unwrap(),
    }
}

fn applied(status: EnrolmentStatus, start_day: i64, end_day: Option<i64>) -> AppliedEnrolment {
    AppliedEnrolment {
        status,
        role: "student".into(),
        timestart: T0 + start_day * DAY,
        timeend: end_day.map_or(0, |d| T0 + d * DAY),
    }
}

/// Expected outcome per key after the plan: Some((status, start_day, end_day)) or None (absent / untouched).
type Want = Option<(EnrolmentStatus, i64, Option<i64>)>;

#[derive(Default)]
struct Case {
    name: &'static str,
    invoices: Vec<Invoice>,
    mappings: Vec<Mapping>,
    applied: Vec<(EntitlementKey, AppliedEnrolment)>,
    /// (key, number of actions expected for it, resulting state)
    want: Vec<(EntitlementKey, usize, Want)>,
    holds: usize,
    hold_errors: usize,
    seats: Vec<SeatAssignment>,
    /// Mappings removed from the configuration (tombstones).
    removed: Vec<Mapping>,
    /// When the pass runs, in days after T0.
    now_day: i64,
}

fn run(case: &Case) {
    let mut desired = desired_state(
        &case.invoices,
        &case.mappings,
        &case.seats,
        Timestamp(T0 + case.now_day * DAY),
    );
    let applied: BTreeMap<_, _> = case.applied.iter().cloned().collect();
    desired.revoke_orphans(&applied, &case.mappings, &case.removed);
    let actions = plan(&desired, &applied);
    for (k, n, want) in &case.want {
        let mine: Vec<&Action> = actions.iter().filter(|a| a.key() == k).collect();
        assert_eq!(mine.len(), *n, "{}: actions for {k}: {mine:?}", case.name);
        let result = match mine.last() {
            Some(a) => a.outcome(),
            None => applied.get(k).cloned(),
        };
        let got: Want = result.map(|r| {
            (
                r.status,
                (r.timestart - T0) / DAY,
                (r.timeend != 0).then(|| (r.timeend - T0) / DAY),
            )
        });
        assert_eq!(&got, want, "{}: state of {k}", case.name);
    }
    let total_wanted: usize = case.want.iter().map(|w| w.1).sum();
    assert_eq!(
        actions.len(),
        total_wanted,
        "{}: unexpected extra actions {actions:?}",
        case.name
    );
    assert_eq!(
        desired.holds.len(),
        case.holds,
        "{}: holds {:?}",
        case.name,
        desired.holds
    );
    assert_eq!(
        desired.holds.iter().filter(|h| h.is_error()).count(),
        case.hold_errors,
        "{}: hold errors",
        case.name
    );
    // Idempotence: applying the plan and planning again yields nothing.
    let mut after = applied.clone();
    for a in &actions {
        match a.outcome() {
            Some(o) => after.insert(a.key().clone(), o),
            None => after.remove(a.key()),
        };
    }
    assert!(
        plan(&desired, &after).is_empty(),
        "{}: second plan not empty",
        case.name
    );
}

use EnrolmentStatus::{Active, Suspended};
use RevokePolicy::{Suspend, Unenrol};

#[test]
fn decision_table() {
    let ada = "ada@example.org";
    let m365 = || vec![mapping("PY-101", "PY101", Some(365), Suspend)];
    let cases = vec![
        Case {
            name: "paid invoice enrols for the mapped duration",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "unpaid invoice grants nothing and plans nothing",
            invoices: vec![inv("1", Some(ada), &["PY-101"], None)],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 0, None)],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "paid then unpaid again suspends, keeping dates",
            invoices: vec![inv("1", Some(ada), &["PY-101"], None)],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Suspended, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "already suspended stays as is",
            invoices: vec![inv("1", Some(ada), &["PY-101"], None)],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Suspended, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Suspended, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "suspended then paid again reactivates",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Suspended, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "already enrolled with the right values: nothing to do",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a changed end date in Moodle is put back",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, None))],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "unenrol policy removes the enrolment on unpay",
            invoices: vec![inv("1", Some(ada), &["PY-101"], None)],
            mappings: vec![mapping("PY-101", "PY101", Some(365), Unenrol)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, None)],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "unenrol policy also removes a suspended enrolment",
            invoices: vec![inv("1", Some(ada), &["PY-101"], None)],
            mappings: vec![mapping("PY-101", "PY101", Some(365), Unenrol)],
            applied: vec![(key("PY101", ada), applied(Suspended, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, None)],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "no duration means no end date",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(3))],
            mappings: vec![mapping("PY-101", "PY101", None, Suspend)],
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 3, None)))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "unmapped product: nothing, with a visible note",
            invoices: vec![inv("1", Some(ada), &["BOOK-1"], Some(0))],
            mappings: m365(),
            applied: vec![],
            want: vec![],
            holds: 1,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "line without product: a note",
            invoices: vec![inv("1", Some(ada), &["", "PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(365))))],
            holds: 1,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "customer without email: held as an error, others unaffected",
            invoices: vec![
                inv("1", None, &["PY-101"], Some(0)),
                inv("2", Some("bob@example.org"), &["PY-101"], Some(0)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", "bob@example.org"), 1, Some((Active, 0, Some(365))))],
            holds: 1,
            hold_errors: 1,
            ..Default::default()
        },
        Case {
            name: "invalid email is held as an error",
            invoices: vec![inv("1", Some("not-an-email"), &["PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![],
            want: vec![],
            holds: 1,
            hold_errors: 1,
            ..Default::default()
        },
        Case {
            name: "no email but no mapped product: only the note",
            invoices: vec![inv("1", None, &["BOOK-1"], Some(0))],
            mappings: m365(),
            applied: vec![],
            want: vec![],
            holds: 1,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "email case does not split a learner",
            invoices: vec![
                inv("1", Some("Ada@Example.org"), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(400)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(765))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "renewal paid before the end extends from the old end",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(300)),
            ],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(730))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "renewal paid after expiry starts afresh",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(500)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(865))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "two invoices, one unpaid: the paid one keeps access",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], None),
            ],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "full credit note revokes",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0)), credit("9", "1", &[])],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Suspended, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "partial credit note revokes only the credited line",
            invoices: vec![
                inv("1", Some(ada), &["PY-101", "JS-101"], Some(0)),
                credit("9", "1", &["1-1"]),
            ],
            mappings: vec![
                mapping("PY-101", "PY101", Some(365), Suspend),
                mapping("JS-101", "JS101", Some(365), Suspend),
            ],
            applied: vec![
                (key("PY101", ada), applied(Active, 0, Some(365))),
                (key("JS101", ada), applied(Active, 0, Some(365))),
            ],
            want: vec![
                (key("PY101", ada), 0, Some((Active, 0, Some(365)))),
                (key("JS101", ada), 1, Some((Suspended, 0, Some(365)))),
            ],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "credit note for one invoice leaves the other invoice's access",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(10)),
                credit("9", "1", &[]),
            ],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Active, 10, Some(375))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a deleted credit note no longer credits",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                deleted(credit("9", "1", &[])),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "credit note for an unknown invoice is held",
            invoices: vec![credit("9", "77", &[])],
            mappings: m365(),
            applied: vec![],
            want: vec![],
            holds: 1,
            hold_errors: 1,
            ..Default::default()
        },
        Case {
            name: "deleted invoice revokes",
            invoices: vec![deleted(inv("1", Some(ada), &["PY-101"], Some(0)))],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Suspended, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "deleted invoice without email raises no hold",
            invoices: vec![deleted(inv("1", None, &["PY-101"], Some(0)))],
            mappings: m365(),
            applied: vec![],
            want: vec![],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "bundle: one product, two courses",
            invoices: vec![inv("1", Some(ada), &["BUNDLE"], Some(0))],
            mappings: vec![
                mapping("BUNDLE", "PY101", Some(30), Suspend),
                mapping("BUNDLE", "JS101", None, Suspend),
            ],
            applied: vec![],
            want: vec![
                (key("PY101", ada), 1, Some((Active, 0, Some(30)))),
                (key("JS101", ada), 1, Some((Active, 0, None))),
            ],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "mapping removed: existing enrolment left alone",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: vec![],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Active, 0, Some(365))))],
            holds: 1,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "two learners, same course, independent",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some("bob@example.org"), &["PY-101"], None),
            ],
            mappings: m365(),
            applied: vec![(key("PY101", "bob@example.org"), applied(Active, 0, Some(365)))],
            want: vec![
                (key("PY101", ada), 1, Some((Active, 0, Some(365)))),
                (key("PY101", "bob@example.org"), 1, Some((Suspended, 0, Some(365)))),
            ],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "two invoices paid the same day chain their durations",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(0)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(730))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a renewal chain of three",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(100)),
                inv("3", Some(ada), &["PY-101"], Some(200)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(1095))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "causes are ordered by payment date, not invoice number",
            invoices: vec![
                inv("9", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-101"], Some(400)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(765))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "an unlimited cause makes the access unlimited",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["PY-LIFE"], Some(10)),
            ],
            mappings: vec![
                mapping("PY-101", "PY101", Some(365), Suspend),
                mapping("PY-LIFE", "PY101", None, Suspend),
            ],
            applied: vec![],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, None)))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a deleted invoice next to a paid one: the paid one grants",
            invoices: vec![
                deleted(inv("1", Some(ada), &["PY-101"], Some(0))),
                inv("2", Some(ada), &["PY-101"], Some(5)),
            ],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Active, 5, Some(370))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a deleted unpaid invoice plans nothing",
            invoices: vec![deleted(inv("1", Some(ada), &["PY-101"], None))],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 0, None)],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "unenrol policy with nothing in Moodle plans nothing",
            invoices: vec![inv("1", Some(ada), &["PY-101"], None)],
            mappings: vec![mapping("PY-101", "PY101", Some(365), Unenrol)],
            applied: vec![],
            want: vec![(key("PY101", ada), 0, None)],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a credit note for another invoice's line changes nothing",
            invoices: vec![
                inv("1", Some(ada), &["PY-101"], Some(0)),
                inv("2", Some(ada), &["JS-101"], Some(0)),
                credit("9", "2", &["1-0"]),
            ],
            mappings: vec![
                mapping("PY-101", "PY101", Some(365), Suspend),
                mapping("JS-101", "JS101", Some(365), Suspend),
            ],
            applied: vec![],
            want: vec![
                (key("PY101", ada), 1, Some((Active, 0, Some(365)))),
                (key("JS101", ada), 1, Some((Active, 0, Some(365)))),
            ],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a bundle credited: both courses revoked, each per its own policy",
            invoices: vec![inv("1", Some(ada), &["BUNDLE"], Some(0)), credit("9", "1", &[])],
            mappings: vec![
                mapping("BUNDLE", "PY101", Some(30), Suspend),
                mapping("BUNDLE", "JS101", Some(30), Unenrol),
            ],
            applied: vec![
                (key("PY101", ada), applied(Active, 0, Some(30))),
                (key("JS101", ada), applied(Active, 0, Some(30))),
            ],
            want: vec![
                (key("PY101", ada), 1, Some((Suspended, 0, Some(30)))),
                (key("JS101", ada), 1, None),
            ],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a mapping to another site makes a key on that site",
            invoices: vec![inv("1", Some(ada), &["EU-1"], Some(0))],
            mappings: vec![Mapping {
                site: "eu".into(),
                ..mapping("EU-1", "EU101", Some(10), Suspend)
            }],
            applied: vec![],
            want: vec![(
                EntitlementKey {
                    site: "eu".into(),
                    course: CourseRef::parse("EU101").unwrap(),
                    learner: Email::parse(ada).unwrap(),
                },
                1,
                Some((Active, 0, Some(10))),
            )],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "whitespace and case in the billing email are normalised",
            invoices: vec![inv("1", Some("  ADA@example.ORG "), &["PY-101"], Some(0))],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Active, 0, Some(365))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "a credit note never grants access by itself",
            invoices: vec![
                {
                    let mut c = inv("9", Some(ada), &["PY-101"], Some(0));
                    c.credit_note_for = Some("1".into());
                    c
                },
                inv("1", Some(ada), &["JS-101"], Some(0)),
            ],
            mappings: m365(),
            applied: vec![],
            want: vec![(key("PY101", ada), 0, None)],
            holds: 1,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "fixed dates: the cohort's dates, whenever it was paid",
            invoices: vec![inv("1", Some(ada), &["COHORT"], Some(3))],
            mappings: vec![cohort(10, 100)],
            applied: vec![],
            want: vec![(key("COH1", ada), 1, Some((Active, 10, Some(100))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "fixed dates: a second invoice does not extend the cohort",
            invoices: vec![
                inv("1", Some(ada), &["COHORT"], Some(3)),
                inv("2", Some(ada), &["COHORT"], Some(50)),
            ],
            mappings: vec![cohort(10, 100)],
            applied: vec![],
            want: vec![(key("COH1", ada), 1, Some((Active, 10, Some(100))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        },
        Case {
            name: "fixed dates next to a duration: from the earliest start to the latest end",
            invoices: vec![
                inv("1", Some(ada), &["COHORT"], Some(3)),
                inv("2", Some(ada), &["SELF"], Some(90)),
            ],
            mappings: vec![
                cohort(10, 100),
                Mapping {
                    product: "SELF".into(),
                    ..mapping("SELF", "COH1", Some(30), Suspend)
                },
            ],
            applied: vec![],
            want: vec![(key("COH1", ada), 1, Some((Active, 10, Some(120))))],
            holds: 0,
            hold_errors: 0,
            ..Default::default()
        }, // ---- grace period before revoking an invoice unpaid again ----
        Case {
            name: "grace: unpaid again within the grace period keeps access until it ends",
            invoices: vec![lapsed(inv("1", Some(ada), &["PY-101"], None), 0, 30)],
            mappings: vec![with_grace(mapping("PY-101", "PY101", Some(365), Suspend), 14)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(44))))],
            now_day: 35,
            ..Default::default()
        },
        Case {
            name: "grace: once the grace period is over, the policy applies",
            invoices: vec![lapsed(inv("1", Some(ada), &["PY-101"], None), 0, 30)],
            mappings: vec![with_grace(mapping("PY-101", "PY101", Some(365), Suspend), 14)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(44)))],
            want: vec![(key("PY101", ada), 1, Some((Suspended, 0, Some(44))))],
            now_day: 44,
            ..Default::default()
        },
        Case {
            name: "grace: never cuts access later than the paid end",
            invoices: vec![lapsed(inv("1", Some(ada), &["PY-101"], None), 0, 360)],
            mappings: vec![with_grace(mapping("PY-101", "PY101", Some(365), Suspend), 14)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Active, 0, Some(365))))],
            now_day: 361,
            ..Default::default()
        },
        Case {
            name: "grace: without a grace period, unpaid again suspends at once",
            invoices: vec![lapsed(inv("1", Some(ada), &["PY-101"], None), 0, 30)],
            mappings: m365(),
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, Some((Suspended, 0, Some(365))))],
            now_day: 30,
            ..Default::default()
        },
        Case {
            name: "grace: a credit note revokes at once, grace or not",
            invoices: vec![
                lapsed(inv("1", Some(ada), &["PY-101"], None), 0, 30),
                credit("9", "1", &[]),
            ],
            mappings: vec![with_grace(mapping("PY-101", "PY101", Some(365), Unenrol), 14)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, None)],
            now_day: 31,
            ..Default::default()
        },
        Case {
            name: "grace: another paid invoice keeps the access beyond the grace period",
            invoices: vec![
                lapsed(inv("1", Some(ada), &["PY-101"], None), 0, 30),
                inv("2", Some(ada), &["PY-101"], Some(20)),
            ],
            mappings: vec![with_grace(mapping("PY-101", "PY101", Some(365), Suspend), 14)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(730)))],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(385))))],
            now_day: 31,
            ..Default::default()
        },
        // ---- seats bought by a company ----
        Case {
            name: "seats: a line of 5 unassigned grants nothing, noted as free seats",
            invoices: vec![company("1", "PY-101", 5.0, Some(0))],
            mappings: m365(),
            want: vec![(key("PY101", "buyer@acme.example"), 0, None)],
            holds: 1,
            ..Default::default()
        },
        Case {
            name: "seats: each assigned learner is enrolled, not the buyer",
            invoices: vec![company("1", "PY-101", 3.0, Some(0))],
            mappings: m365(),
            seats: vec![seat("1", ada, 1), seat("1", "bob@example.org", 2)],
            want: vec![
                (key("PY101", ada), 1, Some((Active, 0, Some(365)))),
                (key("PY101", "bob@example.org"), 1, Some((Active, 0, Some(365)))),
                (key("PY101", "buyer@acme.example"), 0, None),
            ],
            holds: 1,
            ..Default::default()
        },
        Case {
            name: "seats: a partial credit note releases the latest assigned seats",
            invoices: vec![company("1", "PY-101", 3.0, Some(0)), credit_qty("9", "1", 2.0)],
            mappings: m365(),
            seats: vec![
                seat("1", ada, 1),
                seat("1", "bob@example.org", 2),
                seat("1", "cy@example.org", 3),
            ],
            applied: vec![
                (key("PY101", ada), applied(Active, 0, Some(365))),
                (key("PY101", "bob@example.org"), applied(Active, 0, Some(365))),
                (key("PY101", "cy@example.org"), applied(Active, 0, Some(365))),
            ],
            want: vec![
                (key("PY101", ada), 0, Some((Active, 0, Some(365)))),
                (key("PY101", "bob@example.org"), 1, Some((Suspended, 0, Some(365)))),
                (key("PY101", "cy@example.org"), 1, Some((Suspended, 0, Some(365)))),
            ],
            ..Default::default()
        },
        Case {
            name: "seats: a full credit note revokes every seat",
            invoices: vec![company("1", "PY-101", 2.0, Some(0)), credit("9", "1", &[])],
            mappings: vec![mapping("PY-101", "PY101", Some(365), Unenrol)],
            seats: vec![seat("1", ada, 1), seat("1", "bob@example.org", 2)],
            applied: vec![
                (key("PY101", ada), applied(Active, 0, Some(365))),
                (key("PY101", "bob@example.org"), applied(Active, 0, Some(365))),
            ],
            want: vec![(key("PY101", ada), 1, None), (key("PY101", "bob@example.org"), 1, None)],
            ..Default::default()
        },
        Case {
            name: "seats: a seat assigned beyond the quantity grants nothing",
            invoices: vec![company("1", "PY-101", 1.0, Some(0))],
            mappings: m365(),
            seats: vec![seat("1", ada, 1), seat("1", "bob@example.org", 2)],
            want: vec![
                (key("PY101", ada), 1, Some((Active, 0, Some(365)))),
                (key("PY101", "bob@example.org"), 0, None),
            ],
            ..Default::default()
        },
        Case {
            name: "seats: an unpaid company invoice grants its seats nothing",
            invoices: vec![company("1", "PY-101", 2.0, None)],
            mappings: m365(),
            seats: vec![seat("1", ada, 1)],
            want: vec![(key("PY101", ada), 0, None)],
            ..Default::default()
        },
        Case {
            name: "seats: a company without an email still seats its learners",
            invoices: vec![{
                let mut i = company("1", "PY-101", 2.0, Some(0));
                i.customer.email = None;
                i
            }],
            mappings: m365(),
            seats: vec![seat("1", ada, 1), seat("1", "bob@example.org", 1)],
            want: vec![
                (key("PY101", ada), 1, Some((Active, 0, Some(365)))),
                (key("PY101", "bob@example.org"), 1, Some((Active, 0, Some(365)))),
            ],
            ..Default::default()
        },
        Case {
            name: "seats: a learner's own invoice and a seat merge into one enrolment",
            invoices: vec![
                inv("2", Some(ada), &["PY-101"], Some(100)),
                company("1", "PY-101", 2.0, Some(0)),
            ],
            mappings: m365(),
            seats: vec![seat("1", ada, 1)],
            want: vec![(key("PY101", ada), 1, Some((Active, 0, Some(730))))],
            holds: 1,
            ..Default::default()
        },
        // ---- a mapping removed from the configuration ----
        Case {
            name: "mapping removed with on_remove = revoke: its enrolments are revoked",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: vec![],
            removed: vec![removable(mapping("PY-101", "PY101", Some(365), Unenrol))],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 1, None)],
            holds: 1,
            ..Default::default()
        },
        Case {
            name: "mapping removed with on_remove = keep: left alone",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: vec![],
            removed: vec![mapping("PY-101", "PY101", Some(365), Unenrol)],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![(key("PY101", ada), 0, Some((Active, 0, Some(365))))],
            holds: 1,
            ..Default::default()
        },
        Case {
            name: "mapping moved to another course with revoke: old course suspended, new one granted",
            invoices: vec![inv("1", Some(ada), &["PY-101"], Some(0))],
            mappings: vec![mapping("PY-101", "PY102", Some(365), Suspend)],
            removed: vec![removable(mapping("PY-101", "PY101", Some(365), Suspend))],
            applied: vec![(key("PY101", ada), applied(Active, 0, Some(365)))],
            want: vec![
                (key("PY101", ada), 1, Some((Suspended, 0, Some(365)))),
                (key("PY102", ada), 1, Some((Active, 0, Some(365)))),
            ],
            ..Default::default()
        },
        Case {
            name: "manual enrolments are never ours to revoke, even with on_remove = revoke",
            invoices: vec![],
            mappings: vec![],
            removed: vec![removable(mapping("PY-101", "PY101", Some(365), Unenrol))],
            want: vec![(key("PY101", ada), 0, None)],
            ..Default::default()
        },
    ];
    for case in &cases {
        run(case);
    }
    assert!(cases.len() >= 40, "{} cases", cases.len());
}

#[test]
fn causes_explain_the_decision() {
    let invoices = vec![
        inv("1", Some("ada@example.org"), &["PY-101"], Some(0)),
        credit("9", "1", &[]),
    ];
    let d = desired_state(
        &invoices,
        &[mapping("PY-101", "PY101", Some(365), Suspend)],
        &[],
        Timestamp(T0),
    );
    let e = d.entitlements.values().next().unwrap();
    assert!(matches!(e.access, Access::Revoked { policy: Suspend }));
    assert!(matches!(&e.causes[0].state, CauseState::Credited { by } if by == &vec!["F9".to_string()]));
    assert_eq!(e.causes[0].describe(), "invoice F1 line 1-0 credited by F9");
}

#[test]
fn desired_state_is_deterministic_under_reordering() {
    let mut invoices = vec![
        inv("1", Some("ada@example.org"), &["PY-101"], Some(0)),
        inv("2", Some("ada@example.org"), &["PY-101"], Some(100)),
        inv("3", Some("bob@example.org"), &["PY-101"], Some(5)),
        credit("9", "3", &[]),
    ];
    let m = vec![mapping("PY-101", "PY101", Some(365), Suspend)];
    let a = desired_state(&invoices, &m, &[], Timestamp(T0));
    invoices.reverse();
    let b = desired_state(&invoices, &m, &[], Timestamp(T0));
    let strip = |d: &DesiredState| {
        d.entitlements
            .values()
            .map(|e| (e.key.clone(), e.access.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn orphans_of_mapped_courses_are_revoked_and_of_unmapped_courses_left_alone() {
    // Ada's email changed: her invoices now name ada.l@example.org.
    let invoices = vec![inv("1", Some("ada.l@example.org"), &["PY-101"], Some(0))];
    let mappings = vec![mapping("PY-101", "PY101", Some(365), Suspend)];
    let mut desired = desired_state(&invoices, &mappings, &[], Timestamp(T0));
    let applied: BTreeMap<_, _> = [
        (key("PY101", "ada@example.org"), applied(Active, 0, Some(365))),
        (key("JS101", "ada@example.org"), applied(Active, 0, Some(365))),
    ]
    .into_iter()
    .collect();
    desired.revoke_orphans(&applied, &mappings, &[]);
    let actions = plan(&desired, &applied);
    let by_key: BTreeMap<_, _> = actions.iter().map(|a| (a.key().clone(), a.outcome())).collect();
    assert_eq!(by_key.len(), 2, "{actions:?}");
    assert_eq!(
        by_key[&key("PY101", "ada@example.org")].as_ref().unwrap().status,
        Suspended
    );
    assert_eq!(
        by_key[&key("PY101", "ada.l@example.org")].as_ref().unwrap().status,
        Active
    );
    assert!(
        !by_key.contains_key(&key("JS101", "ada@example.org")),
        "JS101 is no longer mapped: untouched"
    );
    assert!(
        actions
            .iter()
            .any(|a| a.reason().contains("no invoice grants this any more"))
    );
}

#[test]
fn a_buyer_carries_a_stable_idnumber_and_a_seat_holder_none() {
    // The idnumber outlives an email change: the account is found by it and follows the learner.
    let invoices = vec![
        inv("1", Some("ada@example.org"), &["PY-101"], Some(0)),
        company("2", "PY-101", 2.0, Some(0)),
    ];
    let d = desired_state(
        &invoices,
        &[mapping("PY-101", "PY101", Some(365), Suspend)],
        &[seat("2", "bob@example.org", 0)],
        Timestamp(T0),
    );
    let profile = |email: &str| d.entitlements[&key("PY101", email)].profile.clone();
    assert_eq!(profile("ada@example.org").idnumber.as_deref(), Some("mm:erp:C1"));
    assert_eq!(
        profile("bob@example.org").idnumber,
        None,
        "a seat holder is not the customer"
    );
}

#[test]
fn groups_come_from_the_granting_mappings_and_only_active_enrolments_join() {
    let mut cohort_a = mapping("PY-101", "PY101", Some(365), Suspend);
    cohort_a.group = Some("Cohort A".into());
    let mut bundle = mapping("BUNDLE", "PY101", Some(365), Suspend);
    bundle.group = Some("Bundle".into());
    let mut again = mapping("PY-101-B", "PY101", Some(365), Suspend);
    again.group = Some("Cohort A".into());
    let mappings = vec![cohort_a, bundle, again];
    let invoices = vec![inv(
        "1",
        Some("ada@example.org"),
        &["PY-101", "BUNDLE", "PY-101-B"],
        Some(0),
    )];
    let d = desired_state(&invoices, &mappings, &[], Timestamp(T0));
    let e = &d.entitlements[&key("PY101", "ada@example.org")];
    assert_eq!(
        e.groups,
        vec!["Bundle".to_string(), "Cohort A".to_string()],
        "sorted, once each"
    );
    match plan(&d, &BTreeMap::new()).as_slice() {
        [Action::Enrol { groups, .. }] => assert_eq!(groups, &e.groups),
        other => panic!("{other:?}"),
    }
    // Unpaid again: the suspension joins no group.
    let unpaid = vec![inv("1", Some("ada@example.org"), &["PY-101"], None)];
    let d = desired_state(&unpaid, &mappings, &[], Timestamp(T0));
    let applied: BTreeMap<_, _> = [(key("PY101", "ada@example.org"), applied(Active, 0, Some(365)))].into();
    match plan(&d, &applied).as_slice() {
        [
            Action::Enrol {
                groups,
                suspended: true,
                ..
            },
        ] => assert!(groups.is_empty()),
        other => panic!("{other:?}"),
    }
}

/// #14 point 5: access counts from the payment the source reports (falling back to the invoice
/// date), not from when we first saw the invoice paid; `starts_from` chooses.
#[test]
fn access_counts_from_the_payment_then_the_invoice_date_as_starts_from_says() {
    let mut i = inv("1", Some("ada@example.org"), &["PY-101"], Some(40));
    i.issued_on = Some(Timestamp(T0 + 3 * DAY));
    i.paid_on = Some(Timestamp(T0 + 10 * DAY));
    let mut no_payment_date = i.clone();
    no_payment_date.paid_on = None;
    let start_end = |i: &Invoice, from: StartsFrom| {
        let m = Mapping {
            starts_from: from,
            ..mapping("PY-101", "PY101", Some(365), Suspend)
        };
        let d = desired_state(std::slice::from_ref(i), &[m], &[], Timestamp(T0 + 40 * DAY));
        match d.entitlements[&key("PY101", "ada@example.org")].access {
            Access::Active { start, end } => ((start.0 - T0) / DAY, end.map(|e| (e.0 - T0) / DAY)),
            ref other => panic!("{other:?}"),
        }
    };
    assert_eq!(start_end(&i, StartsFrom::Payment), (10, Some(375)));
    assert_eq!(
        start_end(&no_payment_date, StartsFrom::Payment),
        (3, Some(368)),
        "falls back to the invoice date"
    );
    assert_eq!(start_end(&i, StartsFrom::Invoice), (3, Some(368)));
    assert_eq!(
        start_end(&i, StartsFrom::Enrolment),
        (40, Some(405)),
        "when we first saw it paid"
    );
    // A grace period keeps the dates the payment gave.
    let mut unpaid = lapsed(i, 40, 50);
    unpaid.lapsed = unpaid.lapsed.map(|l| Lapse {
        paid_on: Some(Timestamp(T0 + 10 * DAY)),
        ..l
    });
    let m = with_grace(mapping("PY-101", "PY101", Some(365), Suspend), 14);
    let d = desired_state(&[unpaid], &[m], &[], Timestamp(T0 + 51 * DAY));
    assert_eq!(
        d.entitlements[&key("PY101", "ada@example.org")].access,
        Access::Active {
            start: Timestamp(T0 + 10 * DAY),
            end: Some(Timestamp(T0 + 64 * DAY))
        }
    );
}

/// #14 point 5: a period over before it was ever enrolled grants nothing and says why; one
/// Moodle already has from us keeps its dates.
#[test]
fn a_period_ended_before_enrolment_grants_nothing_and_says_so() {
    let mut old = inv("1", Some("ada@example.org"), &["PY-101"], Some(500));
    old.paid_on = Some(Timestamp(T0 + 10 * DAY));
    let mappings = [mapping("PY-101", "PY101", Some(365), Suspend)];
    let now = Timestamp(T0 + 500 * DAY);
    let mut d = desired_state(std::slice::from_ref(&old), &mappings, &[], now);
    d.drop_ended_before_enrolment(&BTreeMap::new(), now);
    assert!(d.entitlements.is_empty(), "{:?}", d.entitlements);
    let note = d
        .holds
        .iter()
        .find(|h| matches!(h.reason, HoldReason::EndedBeforeEnrolment { .. }))
        .expect("a note says why");
    assert!(!note.is_error());
    assert!(
        note.describe()
            .contains("ended on 2027-01-11, before it was ever enrolled"),
        "{}",
        note.describe()
    );

    let mut d = desired_state(&[old], &mappings, &[], now);
    let applied: BTreeMap<_, _> = [(key("PY101", "ada@example.org"), applied(Active, 10, Some(375)))].into();
    d.drop_ended_before_enrolment(&applied, now);
    assert_eq!(d.entitlements.len(), 1, "already enrolled: kept");
    assert!(plan(&d, &applied).is_empty(), "and nothing to change");
}

/// #14 point 7: a contact's own first and last names are used, not a split of the full name.
#[test]
fn the_billing_contacts_names_are_used_as_given() {
    let mut i = inv("1", Some("jose@example.org"), &["PY-101"], Some(0));
    i.customer.name = "José Ñúñez Müller".into();
    i.customer.given_names = Some(PersonName {
        first: "José".into(),
        last: "Ñúñez Müller".into(),
    });
    let d = desired_state(&[i], &[mapping("PY-101", "PY101", None, Suspend)], &[], Timestamp(T0));
    let p = &d.entitlements[&key("PY101", "jose@example.org")].profile;
    assert_eq!((p.firstname.as_str(), p.lastname.as_str()), ("José", "Ñúñez Müller"));
}
