//! The core planner at scale: invoices + mappings → desired state → plan, for 100,000
//! entitlements. `cargo bench -p mm-core --bench plan`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use criterion::{Criterion, criterion_group, criterion_main};
use mm_core::{
    AppliedEnrolment, Customer, EntitlementKey, Invoice, InvoiceKey, InvoiceLine, Mapping, RevokePolicy, Timestamp,
    desired_state, plan,
};
use std::collections::BTreeMap;
use std::hint::black_box;

/// The allocator of the `moodle-management` binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const COURSES: usize = 500;
const LEARNERS: usize = 25_000;

/// 25,000 learners × 2 paid invoices × 2 lines (4 distinct courses each) = 100,000
/// entitlements, plus a full credit note for 1 % of the invoices (whose access is then revoked).
fn world() -> (Vec<Invoice>, Vec<Mapping>) {
    let mappings: Vec<Mapping> = (0..COURSES)
        .map(|c| Mapping {
            starts_from: Default::default(),
            product: format!("P-{c:03}"),
            site: "main".into(),
            course: mm_core::CourseRef::Shortname(format!("C{c:03}")),
            role: "student".into(),
            duration_secs: Some(365 * 86_400),
            window: None,
            on_revoke: RevokePolicy::Suspend,
            grace_secs: 0,
            on_remove: Default::default(),
            group: None,
        })
        .collect();
    let mut invoices = Vec::with_capacity(LEARNERS * 2 + LEARNERS / 50);
    for l in 0..LEARNERS {
        for half in 0..2 {
            let n = l * 2 + half;
            let lines = (0..2)
                .map(|j| InvoiceLine {
                    amount: None,
                    id: j.to_string(),
                    product: Some(format!("P-{:03}", (l * 4 + half * 2 + j) % COURSES)),
                    quantity: 1.0,
                    credits_line: None,
                })
                .collect();
            invoices.push(Invoice {
                currency: None,
                issued_on: None,
                paid_on: None,
                key: InvoiceKey::new("erp", n.to_string()),
                number: format!("F{n}"),
                customer: Customer {
                    given_names: None,
                    id: format!("C{l}"),
                    name: format!("Learner Number{l}"),
                    email: Some(format!("Learner{l}@Example.org")),
                },
                lines,
                paid_at: Some(Timestamp(1_760_000_000 + n as i64)),
                credit_note_for: None,
                deleted: false,
                lapsed: None,
            });
        }
    }
    for n in (0..LEARNERS * 2).step_by(100) {
        invoices.push(Invoice {
            currency: None,
            issued_on: None,
            paid_on: None,
            key: InvoiceKey::new("erp", format!("R{n}")),
            number: format!("R{n}"),
            customer: invoices[n].customer.clone(),
            lines: Vec::new(),
            paid_at: None,
            credit_note_for: Some(n.to_string()),
            deleted: false,
            lapsed: None,
        });
    }
    (invoices, mappings)
}

fn bench_plan(c: &mut Criterion) {
    let (invoices, mappings) = world();
    let desired = desired_state(&invoices, &mappings, &[], mm_core::Timestamp(0));
    assert_eq!(desired.entitlements.len(), 100_000);
    let empty = BTreeMap::new();
    let applied: BTreeMap<EntitlementKey, AppliedEnrolment> = plan(&desired, &empty)
        .into_iter()
        .filter_map(|a| a.outcome().map(|o| (a.key().clone(), o)))
        .collect();
    assert!(plan(&desired, &applied).is_empty());

    let mut group = c.benchmark_group("planner_100k_entitlements");
    group.sample_size(10);
    group.bench_function("desired_state", |b| {
        b.iter(|| desired_state(black_box(&invoices), black_box(&mappings), &[], mm_core::Timestamp(0)))
    });
    group.bench_function("desired_state+plan/nothing_applied", |b| {
        b.iter(|| {
            let d = desired_state(black_box(&invoices), black_box(&mappings), &[], mm_core::Timestamp(0));
            plan(&d, black_box(&empty)).len()
        })
    });
    group.bench_function("desired_state+plan/all_applied", |b| {
        b.iter(|| {
            let d = desired_state(black_box(&invoices), black_box(&mappings), &[], mm_core::Timestamp(0));
            plan(&d, black_box(&applied)).len()
        })
    });
    // The plan alone, from a desired state computed once.
    group.bench_function("plan/nothing_applied", |b| {
        b.iter(|| plan(black_box(&desired), black_box(&empty)).len())
    });
    group.bench_function("plan/all_applied", |b| {
        b.iter(|| plan(black_box(&desired), black_box(&applied)).len())
    });
    group.finish();
}

criterion_group!(benches, bench_plan);
criterion_main!(benches);
