//! Properties of the core over random invoice histories: order does not matter, and a plan
//! once applied leaves nothing to do.

use mm_core::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const PRODUCTS: &[&str] = &["PY-101", "JS-101", "BOOK"];
const EMAILS: &[&str] = &["ada@example.org", "ADA@example.org", "bob@example.org", "", "nope"];

fn mappings() -> Vec<Mapping> {
    vec![
        Mapping {
            product: "PY-101".into(),
            site: "main".into(),
            course: CourseRef::parse("PY101").unwrap(),
            role: "student".into(),
            duration_secs: Some(365 * 86_400),
            window: None,
            on_revoke: RevokePolicy::Suspend,
            grace_secs: 0,
            on_remove: RemovalPolicy::Keep,
        },
        Mapping {
            product: "JS-101".into(),
            site: "main".into(),
            course: CourseRef::parse("JS101").unwrap(),
            role: "student".into(),
            duration_secs: None,
            window: None,
            on_revoke: RevokePolicy::Unenrol,
            grace_secs: 0,
            on_remove: RemovalPolicy::Keep,
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
                key: InvoiceKey::new("erp", i.to_string()),
                number: format!("F{i}"),
                customer: Customer {
                    id: format!("C{email}"),
                    name: "Some One".into(),
                    email: Some(EMAILS[email].to_string()).filter(|e| !e.is_empty()),
                },
                lines: products
                    .iter()
                    .enumerate()
                    .map(|(n, p)| InvoiceLine {
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
