//! The learner list on every backend: one row per email, searched by a part of the email or
//! the name, sorted, paged without overlap, exported by keyset; a learner's accounts and
//! progress. Expectations are computed here from the seeded desired state.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::entitlement::Access;
use mm_core::*;
use mm_store::testing::{backends, fresh};
use mm_store::{LearnerFilter, LearnerSort, LearnerWindow, SortDirection, Store, StoredCourse};
use std::collections::BTreeMap;

fn seen() -> Timestamp {
    Timestamp::from_date(2026, 3, 10).unwrap()
}

fn mappings() -> Vec<Mapping> {
    [("P1", "main", "C1"), ("P2", "main", "C2"), ("P3", "other", "C3")]
        .into_iter()
        .map(|(product, site, course)| {
            serde_json::from_value(serde_json::json!({
                "product": product, "site": site, "course": {"Shortname": course}, "role": "student",
                "duration_secs": null, "on_revoke": "suspend",
            }))
            .unwrap()
        })
        .collect()
}

/// 30 invoices of 11 customers, one to three products each, some unpaid.
fn invoices() -> Vec<InvoiceSnapshot> {
    (0..30)
        .map(|i| InvoiceSnapshot {
            key: InvoiceKey::new("erp", i.to_string()),
            number: format!("F{i}"),
            customer: Customer {
                id: format!("C{}", i % 11),
                name: format!("Name{} Surname", i % 11),
                email: Some(format!("learner{}@x.org", i % 11)),
                given_names: None,
            },
            lines: (0..(1 + i % 3))
                .map(|l| InvoiceLine {
                    id: l.to_string(),
                    product: Some(format!("P{}", 1 + (i + l) % 3)),
                    quantity: 1.0,
                    credits_line: None,
                    amount: Some(Amount(1000)),
                })
                .collect(),
            paid: i % 4 != 0,
            credit_note_for: None,
            paid_on: None,
            issued_on: None,
            currency: Some("EUR".into()),
        })
        .collect()
}

async fn seed(s: &Store) -> DesiredState {
    s.replace_config_mappings(&mappings()).await.unwrap();
    s.upsert_invoices(&invoices(), seen()).await.unwrap();
    let stored: Vec<Invoice> = s.invoices().await.unwrap();
    let desired = desired_state(&stored, &mappings(), &[], seen());
    let courses: Vec<StoredCourse> = mappings()
        .iter()
        .map(|m| StoredCourse::new(m.site.clone(), m.course.to_string()))
        .collect();
    let keys: Vec<EntitlementKey> = desired.entitlements.keys().cloned().collect();
    s.save_desired_in(&courses, &desired, &keys, seen()).await.unwrap();
    desired
}

#[tokio::test]
async fn learners_are_searched_sorted_paged_and_exported() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let s = db.store().await;
        let desired = seed(&s).await;
        // (courses, active) per learner, from the desired state.
        let mut want: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for e in desired.entitlements.values() {
            let w = want.entry(e.key.learner.as_str().to_owned()).or_default();
            w.0 += 1;
            w.1 += i64::from(matches!(e.access, Access::Active { .. }));
        }
        assert!(want.len() > 5, "{b}: the seed has learners");

        let everyone = LearnerFilter::default();
        assert_eq!(s.learner_count(&everyone).await.unwrap(), want.len() as i64, "{b}");
        let mut paged = Vec::new();
        for page in 0.. {
            let window = LearnerWindow {
                sort: LearnerSort::Courses,
                direction: SortDirection::Desc,
                offset: page * 3,
                limit: 3,
            };
            let rows = s.learner_list(&everyone, &window).await.unwrap();
            if rows.is_empty() {
                break;
            }
            paged.extend(rows);
        }
        assert!(
            paged.windows(2).all(|w| w[0].courses >= w[1].courses),
            "{b}: by courses"
        );
        let got: BTreeMap<String, (i64, i64)> =
            paged.iter().map(|r| (r.email.clone(), (r.courses, r.active))).collect();
        assert_eq!(got, want, "{b}: every learner once, with their counts");
        assert_eq!(paged.len(), want.len(), "{b}: no page overlaps another");
        assert!(paged.iter().all(|r| r.name.starts_with("Name")), "{b}: names");

        // A part of the email, or of the name in another case; `%` is a character.
        let search = |q: &str| LearnerFilter { search: Some(q.into()) };
        let ones: Vec<&String> = want.keys().filter(|e| e.starts_with("learner1")).collect();
        assert_eq!(
            s.learner_count(&search("RNER1")).await.unwrap(),
            ones.len() as i64,
            "{b}"
        );
        assert_eq!(
            s.learner_count(&search("name1")).await.unwrap(),
            ones.len() as i64,
            "{b}"
        );
        assert_eq!(s.learner_count(&search("%")).await.unwrap(), 0, "{b}");

        let mut after: Option<String> = None;
        let mut exported = Vec::new();
        loop {
            let chunk = s.learner_chunk(&everyone, after.as_deref(), 4).await.unwrap();
            let Some(last) = chunk.last() else { break };
            after = Some(last.email.clone());
            exported.extend(chunk.into_iter().map(|r| r.email));
        }
        assert_eq!(
            exported,
            want.keys().cloned().collect::<Vec<_>>(),
            "{b}: export in email order"
        );

        // The worker's accounts and progress of one learner.
        let ada = Email::parse("learner1@x.org").unwrap();
        s.set_moodle_user("main", &ada, 42).await.unwrap();
        let accounts = s.learner_accounts("LEARNER1@x.org").await.unwrap();
        assert_eq!(
            accounts
                .iter()
                .map(|a| (a.site.as_str(), a.user_id))
                .collect::<Vec<_>>(),
            vec![("main", 42)],
            "{b}"
        );
        assert!(s.learner_progress("learner1@x.org").await.unwrap().is_empty(), "{b}");
    }
}
