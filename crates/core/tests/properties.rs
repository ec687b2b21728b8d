//! Properties of the core over random invoice histories: order does not matter, and a plan
//! once applied leaves nothing to do.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const PRODUCTS: &[&str] = &["PY-101", "JS-101", "BOOK"];
const EMAILS: &[&str] = &["ada@example.org", "ADA@example.org", "bob@example.org", "", "nope"];

fn mappings() -> Vec<Mapping> {
    vec![
        Mapping {
            starts_from: Default::default(),
            product: "PY-101".into(),
            site: "main".into(),
            course: CourseRef::parse("PY101").unwrap(),
            role: "student".into(),
            duration_secs: Some(365 * 86_400),
            window: None,
            on_revoke: RevokePolicy::Suspend,
            grace_secs: 0,
            on_remove: RemovalPolicy::Keep,
            group: None,
        },
        Mapping {
            starts_from: Default::default(),
            product: "JS-101".into(),
            site: "main".into(),
            course: CourseRef::parse("JS101").unwrap(),
            role: "student".into(),
            duration_secs: None,
            window: None,
            on_revoke: RevokePolicy::Unenrol,
            grace_secs: 0,
            on_remove: RemovalPolicy::Keep,
            group: None,
        },
    ]
}

fn invoice_strategy() -> impl Strategy<Value = Vec<Invoice>> {
    let one = (
        0..EMAILS.len(),
        prop::collection::vec(0..PRODUCTS.len(), 1..3),
        prop::option::of(0i64..1000),
        any::<bool>(),
        prop::option::of(0usize..6),
    );
    prop::collection::vec(one, 0..12).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (email, products, paid, deleted, credits))| Invoice {
                currency: None,
                issued_on: None,
                paid_on: None,
                key: InvoiceKey::new("erp", i.to_string()),
                number: format!("F{i}"),
                customer: Customer {
                    given_names: None,
                    id: format!("C{email}"),
                    name: "Some One".into(),
                    email: Some(EMAILS[email].to_string()).filter(|e| !e.is_empty()),
                },
                lines: products
                    .iter()
                    .enumerate()
                    .map(|(n, p)| InvoiceLine {
                        amount: None,
                        id: n.to_string(),
                        product: Some(PRODUCTS[*p].to_string()),
                        quantity: if credits.is_some() { -1.0 } else { 1.0 },
                        credits_line: credits.map(|_| n.to_string()),
                    })
                    .collect(),
                paid_at: paid.map(|d| Timestamp(1_767_225_600 + d * 86_400)),
                credit_note_for: credits.filter(|c| *c != i).map(|c| c.to_string()),
                deleted,
                lapsed: None,
            })
            .collect()
    })
}

fn canonical(d: &DesiredState) -> (Vec<(EntitlementKey, entitlement::Access)>, Vec<String>) {
    let mut holds: Vec<String> = d.holds.iter().map(|h| h.describe()).collect();
    holds.sort();
    (
        d.entitlements
            .values()
            .map(|e| (e.key.clone(), e.access.clone()))
            .collect(),
        holds,
    )
}

proptest! {
    #[test]
    fn the_desired_state_does_not_depend_on_the_order_invoices_arrive(
        invoices in invoice_strategy(),
        seed in any::<u64>(),
    ) {
        let a = desired_state(&invoices, &mappings(), &[], Timestamp(0));
        let mut shuffled = invoices.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let b = desired_state(&shuffled, &mappings(), &[], Timestamp(0));
        prop_assert_eq!(canonical(&a), canonical(&b));
    }

    #[test]
    fn a_plan_applied_once_leaves_nothing_to_do(invoices in invoice_strategy(), before in invoice_strategy()) {
        // Moodle holds what an earlier history granted; the current history decides.
        let mut applied = BTreeMap::new();
        for a in plan(&desired_state(&before, &mappings(), &[], Timestamp(0)), &BTreeMap::new()) {
            if let Some(o) = a.outcome() {
                applied.insert(a.key().clone(), o);
            }
        }
        let mut desired = desired_state(&invoices, &mappings(), &[], Timestamp(0));
        desired.revoke_orphans(&applied, &mappings(), &[]);
        let actions = plan(&desired, &applied);
        for a in &actions {
            match a.outcome() {
                Some(o) => applied.insert(a.key().clone(), o),
                None => applied.remove(a.key()),
            };
        }
        prop_assert!(plan(&desired, &applied).is_empty());
        // Nothing paid-for is left inactive, nothing unpaid is left active.
        for e in desired.entitlements.values() {
            let active = applied.get(&e.key).is_some_and(|a| a.status == EnrolmentStatus::Active);
            let should = matches!(e.access, entitlement::Access::Active { .. });
            prop_assert_eq!(active, should, "{}", e.key);
        }
    }
}

/// `mappings()` plus PY-101 granting JS101 too, as a teacher: one product with two courses,
/// and one course (JS101) reached by two products with different roles.
fn overlapping_mappings() -> Vec<Mapping> {
    let mut ms = mappings();
    ms.push(Mapping {
        course: CourseRef::parse("JS101").unwrap(),
        role: "teacher".into(),
        ..ms[0].clone()
    });
    ms
}

const SEAT_HOLDERS: &[&str] = &["ada@example.org", "bob@example.org", "carol@example.org"];

/// Histories with company seats and partial credit notes too; every invoice id is unique.
fn history_with_seats() -> impl Strategy<Value = (Vec<Invoice>, Vec<SeatAssignment>)> {
    let one = (
        0..EMAILS.len(),
        // (product, quantity) per line
        prop::collection::vec((0..PRODUCTS.len(), 1u8..4), 1..3),
        prop::option::of(0i64..1000),
        prop::bool::weighted(0.1),
        // A credit note: (the invoice it credits, seats taken back; 0 = the whole invoice)
        prop::option::of((0usize..8, 0u8..3)),
        // Seats of the first line: (holder, day assigned)
        prop::collection::vec((0..SEAT_HOLDERS.len(), 0i64..5), 0..4),
    );
    prop::collection::vec(one, 0..10).prop_map(|raw| {
        let mut invoices = Vec::new();
        let mut seats = Vec::new();
        for (i, (email, lines, paid, deleted, credits, holders)) in raw.into_iter().enumerate() {
            let key = InvoiceKey::new("erp", i.to_string());
            let lines = match credits {
                Some((_, 0)) => vec![InvoiceLine {
                    amount: None,
                    id: "0".into(),
                    product: None,
                    quantity: -1.0,
                    credits_line: None,
                }],
                Some((_, qty)) => vec![InvoiceLine {
                    amount: None,
                    id: "0".into(),
                    product: None,
                    quantity: -f64::from(qty),
                    credits_line: Some("0".into()),
                }],
                None => lines
                    .iter()
                    .enumerate()
                    .map(|(n, (p, qty))| InvoiceLine {
                        amount: None,
                        id: n.to_string(),
                        product: Some(PRODUCTS[*p].to_string()),
                        quantity: f64::from(*qty),
                        credits_line: None,
                    })
                    .collect(),
            };
            if credits.is_none() {
                for (holder, day) in holders {
                    seats.push(SeatAssignment {
                        invoice: key.clone(),
                        line: "0".into(),
                        learner: Email::parse(SEAT_HOLDERS[holder]).unwrap(),
                        name: format!("Holder {holder}"),
                        assigned_at: Timestamp(day),
                        sequence: day,
                    });
                }
            }
            invoices.push(Invoice {
                currency: None,
                issued_on: None,
                paid_on: None,
                key,
                number: format!("F{i}"),
                customer: Customer {
                    given_names: None,
                    id: format!("C{email}"),
                    name: format!("Buyer {i}"),
                    email: Some(EMAILS[email].to_string()).filter(|e| !e.is_empty()),
                },
                lines,
                paid_at: paid.map(|d| Timestamp(1_767_225_600 + d * 86_400)),
                credit_note_for: credits.map(|(of, _)| of.to_string()).filter(|of| *of != i.to_string()),
                deleted,
                lapsed: None,
            });
        }
        (invoices, seats)
    })
}

proptest! {
    /// The grouping of causes into entitlements: computing the whole history at once gives,
    /// for every key, the causes of each invoice computed on its own, concatenated in the
    /// order the invoices came; the learner's profile and the role are the first invoice's.
    #[test]
    fn each_key_gathers_its_causes_in_invoice_order((invoices, seats) in history_with_seats()) {
        let ms = overlapping_mappings();
        let whole = desired_state(&invoices, &ms, &seats, Timestamp(0));
        // Credit notes only change the lines they credit: every part gets all of them.
        let notes: Vec<Invoice> = invoices.iter().filter(|i| i.is_credit_note()).cloned().collect();
        let mut parts: BTreeMap<EntitlementKey, Entitlement> = BTreeMap::new();
        for inv in invoices.iter().filter(|i| !i.is_credit_note()) {
            let alone: Vec<Invoice> = std::iter::once(inv.clone()).chain(notes.iter().cloned()).collect();
            for (key, part) in desired_state(&alone, &ms, &seats, Timestamp(0)).entitlements {
                match parts.entry(key) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(part);
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => o.get_mut().causes.extend(part.causes),
                }
            }
        }
        prop_assert_eq!(whole.entitlements.keys().collect::<Vec<_>>(), parts.keys().collect::<Vec<_>>());
        for (key, e) in &whole.entitlements {
            let want = &parts[key];
            prop_assert_eq!(&e.key, key);
            prop_assert_eq!(&e.profile.email, &key.learner);
            prop_assert_eq!(&e.profile, &want.profile);
            prop_assert_eq!(&e.role, &want.role);
            prop_assert_eq!(&e.causes, &want.causes);
        }
    }

    /// `plan` walks both maps side by side; it must equal planning each desired key on its own
    /// with its applied enrolment looked up, whatever Moodle holds around those keys.
    #[test]
    fn plan_is_plan_key_of_every_desired_key(
        invoices in invoice_strategy(),
        before in invoice_strategy(),
        drift in any::<u64>(),
    ) {
        let mut applied = BTreeMap::new();
        for (i, a) in plan(&desired_state(&before, &overlapping_mappings(), &[], Timestamp(0)), &BTreeMap::new())
            .iter()
            .enumerate()
        {
            if let Some(mut o) = a.outcome() {
                // Some enrolments drifted in Moodle: suspended by hand, dates edited.
                if drift >> (i % 64) & 1 == 1 {
                    o.status = EnrolmentStatus::Suspended;
                    o.timeend += 86_400;
                }
                applied.insert(a.key().clone(), o);
            }
        }
        let mut desired = desired_state(&invoices, &mappings(), &[], Timestamp(0));
        desired.revoke_orphans(&applied, &mappings(), &[]);
        let one_by_one: Vec<Action> = desired
            .entitlements
            .values()
            .filter_map(|e| plan_key(e, applied.get(&e.key)))
            .collect();
        prop_assert_eq!(plan(&desired, &applied), one_by_one);
    }
}
