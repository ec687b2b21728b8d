//! The dashboard's figures and the enrolment list, on every backend, over data built here at
//! random (seeded): each expectation is computed from that data in Rust, the figure by SQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::entitlement::Access;
use mm_core::*;
use mm_store::testing::{backends, fresh};
use mm_store::{
    AuditEntry, DashboardRange, EnrolmentFilter, EnrolmentSort, EnrolmentWindow, JobFailure, JobState, SortDirection,
    Store, StoredCourse,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 86_400;

fn t(y: i64, m: u32, d: u32) -> Timestamp {
    Timestamp::from_date(y, m, d).unwrap()
}

/// When invoices without a payment date were first seen paid.
fn seen() -> Timestamp {
    t(2026, 3, 10)
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

/// Invoices over January–May 2026 in EUR, USD or no currency; P4 is mapped to nothing.
fn invoices(rng: &mut StdRng) -> Vec<InvoiceSnapshot> {
    let mut out = Vec::new();
    for i in 0..80 {
        let lines = (0..rng.gen_range(1..3))
            .map(|l| InvoiceLine {
                id: l.to_string(),
                product: Some(format!("P{}", rng.gen_range(1..5))),
                quantity: 1.0,
                credits_line: None,
                amount: rng.gen_bool(0.9).then(|| Amount(rng.gen_range(1..50_000))),
            })
            .collect();
        out.push(InvoiceSnapshot {
            key: InvoiceKey::new("erp", i.to_string()),
            number: format!("F{i}"),
            customer: Customer {
                id: format!("C{}", i % 23),
                name: format!("Name{} Surname", i % 23),
                email: Some(format!("learner{}@x.org", i % 23)),
                given_names: None,
            },
            lines,
            paid: rng.gen_bool(0.8),
            credit_note_for: None,
            paid_on: rng
                .gen_bool(0.8)
                .then(|| Timestamp(t(2026, 1, 1).0 + rng.gen_range(0..150) * DAY + rng.gen_range(0..24) * 3600)),
            issued_on: None,
            currency: [Some("EUR"), Some("USD"), None][rng.gen_range(0..3)].map(str::to_owned),
        });
    }
    // Credit notes: negative amounts that subtract.
    for i in 0..6 {
        let mut c = out[i * 3].clone();
        c.key = InvoiceKey::new("erp", format!("R{i}"));
        c.credit_note_for = Some(c.key.id.clone());
        c.paid = true;
        for l in &mut c.lines {
            l.quantity = -1.0;
            l.amount = l.amount.map(|a| -a);
        }
        out.push(c);
    }
    out
}

/// When an invoice counts as paid, as the store keeps it.
fn paid_on(s: &InvoiceSnapshot) -> Option<i64> {
    s.paid.then(|| s.paid_on.unwrap_or(seen()).0)
}

/// Revenue per currency, and per (site, course, currency).
struct Revenue {
    by_currency: BTreeMap<Option<String>, i64>,
    by_course: BTreeSet<(String, String, Option<String>, i64)>,
}

fn expected_revenue(live: &[InvoiceSnapshot], range: &DashboardRange) -> Revenue {
    let mut by_currency = BTreeMap::new();
    let mut by_course = BTreeMap::<(String, String, Option<String>), i64>::new();
    for s in live {
        let Some(_) = paid_on(s).filter(|at| (range.from.0..range.to.0).contains(at)) else {
            continue;
        };
        for l in &s.lines {
            let Some(amount) = l.amount else { continue };
            let courses: Vec<Mapping> = mappings()
                .into_iter()
                .filter(|m| Some(&m.product) == l.product.as_ref())
                .filter(|m| range.site.as_ref().is_none_or(|site| site == &m.site))
                .collect();
            if courses.is_empty() {
                continue;
            }
            *by_currency.entry(s.currency.clone()).or_insert(0) += amount.cents();
            for m in courses {
                *by_course
                    .entry((m.site.clone(), m.course.to_string(), s.currency.clone()))
                    .or_insert(0) += amount.cents();
            }
        }
    }
    Revenue {
        by_currency,
        by_course: by_course.into_iter().map(|((s, c, cur), v)| (s, c, cur, v)).collect(),
    }
}

fn audit(key: &EntitlementKey) -> AuditEntry {
    AuditEntry {
        key: key.clone(),
        action: "enrol".into(),
        before: None,
        after: None,
        reason: "test".into(),
        job: "j".into(),
        ok: true,
        error: None,
    }
}

/// Stores everything; returns the invoices still live and the desired state.
async fn seed(s: &Store, rng: &mut StdRng) -> (Vec<InvoiceSnapshot>, DesiredState) {
    s.replace_config_mappings(&mappings()).await.unwrap();
    let mut all = invoices(rng);
    let (bulk, single) = all.split_at(50);
    s.upsert_invoices(bulk, seen()).await.unwrap();
    for inv in single {
        s.upsert_invoice(inv, seen()).await.unwrap();
    }
    // A deleted invoice leaves the revenue; an edited one counts as it is now.
    s.mark_invoice_deleted("erp", "1", seen()).await.unwrap();
    all.retain(|i| i.key.id != "1");
    all[2].lines[0].amount = Some(Amount(12_345));
    all[2].paid = true;
    s.upsert_invoice(&all[2], seen()).await.unwrap();
    let invoices: Vec<Invoice> = s.invoices().await.unwrap().into_iter().filter(|i| !i.deleted).collect();
    let desired = desired_state(&invoices, &mappings(), &[], seen());
    let courses: Vec<StoredCourse> = mappings()
        .iter()
        .map(|m| StoredCourse::new(m.site.clone(), m.course.to_string()))
        .collect();
    let keys: Vec<EntitlementKey> = desired.entitlements.keys().cloned().collect();
    s.save_desired_in(&courses, &desired, &keys, seen()).await.unwrap();
    (all, desired)
}

#[tokio::test]
async fn dashboard_figures_match_the_data() {
    for b in backends() {
        eprintln!("-- backend {b}");
        let db = fresh(b).await.unwrap();
        let s = db.store().await;
        let mut rng = StdRng::seed_from_u64(16);
        let (live, desired) = seed(&s, &mut rng).await;
        // Whole days sum the day roll-up, other ranges the lines: both must agree with the data.
        let whole_days = (t(2026, 2, 1), t(2026, 4, 15));
        let mid_day = (
            Timestamp(t(2026, 2, 1).0 + 7 * 3600),
            Timestamp(t(2026, 4, 15).0 - 3600),
        );
        let cases = [None, Some("main".to_owned())]
            .into_iter()
            .flat_map(|site| [(site.clone(), whole_days), (site, mid_day)]);
        for (site, (from, to)) in cases {
            let range = DashboardRange {
                site: site.clone(),
                from,
                to,
            };
            let Revenue {
                by_currency,
                by_course: top,
            } = expected_revenue(&live, &range);
            let got: BTreeMap<Option<String>, i64> = s
                .revenue_by_currency(&range)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.currency, r.cents))
                .collect();
            assert_eq!(got, by_currency, "{b} {site:?}");
            let got_top = s.top_courses_by_revenue(&range, 10).await.unwrap();
            assert!(got_top.windows(2).all(|w| w[0].cents >= w[1].cents), "{b}: by revenue");
            let got_top: BTreeSet<_> = got_top
                .into_iter()
                .map(|r| (r.site, r.course, r.currency, r.cents))
                .collect();
            assert_eq!(got_top, top, "{b} {site:?}");

            let in_site = |k: &EntitlementKey| site.as_ref().is_none_or(|s| s == &k.site);
            let active: Vec<&Entitlement> = desired
                .entitlements
                .values()
                .filter(|e| in_site(&e.key) && matches!(e.access, Access::Active { .. }))
                .collect();
            let learners: BTreeSet<&Email> = active.iter().map(|e| &e.key.learner).collect();
            assert_eq!(s.active_learners(site.as_deref()).await.unwrap(), learners.len() as i64);
            let rollup = s.entitlement_rollup(site.as_deref(), 10).await.unwrap();
            let total: i64 = rollup.status_counts.iter().map(|c| c.count).sum();
            let all_in_site = desired.entitlements.keys().filter(|k| in_site(k)).count();
            assert_eq!(total, all_in_site as i64, "{b}");
            let mut per_course = BTreeMap::<(String, String), i64>::new();
            for e in &active {
                *per_course
                    .entry((e.key.site.clone(), e.key.course.to_string()))
                    .or_insert(0) += 1;
            }
            let top = &rollup.top_courses_by_learners;
            assert!(
                top.windows(2).all(|w| w[0].learners >= w[1].learners),
                "{b}: most first"
            );
            let got: BTreeMap<(String, String), i64> = rollup
                .top_courses_by_learners
                .into_iter()
                .map(|c| ((c.site, c.course), c.learners))
                .collect();
            assert_eq!(got, per_course, "{b}");
        }
        jobs_certificates_and_months(&s, &desired, b).await;
        enrolment_list(&s, &desired, b).await;
    }
}

/// Job standing, enrolments and certificates per month, and the backlog per site.
async fn jobs_certificates_and_months(s: &Store, desired: &DesiredState, b: &str) {
    let keys: Vec<EntitlementKey> = desired.entitlements.keys().cloned().collect();
    let total = keys.len() as i64;
    let claimed = s.claim_jobs("w", 6, 60, seen()).await.unwrap();
    assert_eq!(claimed.len(), 6);
    let later = Timestamp(seen().0 + 3600);
    s.fail_job(&claimed[0], "timeout", JobFailure::RetryAt(later), seen())
        .await
        .unwrap();
    s.fail_job(&claimed[1], "bad", JobFailure::Dead, seen()).await.unwrap();
    s.fail_job(&claimed[2], "bad", JobFailure::Dead, seen()).await.unwrap();
    let standing = s.job_standing(None).await.unwrap();
    assert_eq!((standing.retrying, standing.dead), (1, 2), "{b}");
    assert_eq!(standing.pending, total - 3, "{b}: still queued, or running (claimed)");
    // Every job was queued at `seen()`; the one backing off is due later and does not count.
    let before = Timestamp(seen().0 - 1);
    assert_eq!(s.oldest_due_job(before).await.unwrap(), None, "{b}: nothing due yet");
    assert_eq!(s.oldest_due_job(later).await.unwrap(), Some(seen()), "{b}");

    // Enrolments start on the 1st to the 28th of January to May.
    let mut changes = Vec::new();
    let mut starts = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let start = t(2026, 1 + (i % 5) as u32, 1 + (i % 28) as u32).0;
        starts.push(start);
        changes.push(mm_store::AppliedChange {
            key: k.clone(),
            after: Some(mm_store::MoodleEnrolment {
                enrolment: AppliedEnrolment {
                    status: EnrolmentStatus::Active,
                    role: "student".into(),
                    timestart: start,
                    timeend: 0,
                },
                user_id: i as i64 + 1,
                course_id: 1,
            }),
            audit: audit(k),
            job: None,
        });
        let issued = t(2026, 1, 1).0 + (i as i64 * 3 % 120) * DAY;
        let cert = mm_store::NewCertificate {
            code: format!("code{i}"),
            number: format!("N{i}"),
            key: k.clone(),
            version: 1,
            learner_name: "L".into(),
            course_name: "C".into(),
            hours: None,
            lang: "en-GB".into(),
            completed_at: Timestamp(issued),
            issued_at: Timestamp(issued),
            valid_until: None,
            cause: "completion".into(),
            token: "t".into(),
            kid: "k".into(),
        };
        s.insert_certificate(&cert, false, seen()).await.unwrap();
    }
    s.record_applied_many(&changes, seen()).await.unwrap();
    let range = DashboardRange {
        site: None,
        from: Timestamp(t(2026, 2, 1).0 + 5 * DAY),
        to: t(2026, 4, 20),
    };
    let per_month = |dates: &[i64]| -> Vec<(String, i64)> {
        ["2026-02", "2026-03", "2026-04"]
            .iter()
            .map(|m| {
                let n = dates
                    .iter()
                    .filter(|d| (range.from.0..range.to.0).contains(d))
                    .filter(|d| {
                        chrono::DateTime::from_timestamp(**d, 0)
                            .unwrap()
                            .format("%Y-%m")
                            .to_string()
                            == *m
                    })
                    .count();
                ((*m).to_owned(), n as i64)
            })
            .collect()
    };
    let got: Vec<(String, i64)> = s
        .enrolments_per_month(&range)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.month, m.count))
        .collect();
    assert_eq!(got, per_month(&starts), "{b}: enrolments");
    let issued: Vec<i64> = (0..keys.len())
        .map(|i| t(2026, 1, 1).0 + (i as i64 * 3 % 120) * DAY)
        .collect();
    let got: Vec<(String, i64)> = s
        .certificates_per_month(&range)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.month, m.count))
        .collect();
    let want = per_month(&issued);
    assert_eq!(got, want, "{b}: certificates");
    let sum: i64 = want.iter().map(|(_, n)| n).sum();
    assert_eq!(s.certificates_issued(&range).await.unwrap(), sum, "{b}");
    let backlog: i64 = s.site_activity().await.unwrap().iter().map(|a| a.backlog).sum();
    assert_eq!(backlog, total - 2, "{b}: all but the dead");
}

/// Pages cover the filtered list exactly once, in order; the count and the export agree.
async fn enrolment_list(s: &Store, desired: &DesiredState, b: &str) {
    let filter = EnrolmentFilter {
        learner: Some("NAME1".into()),
        ..EnrolmentFilter::default()
    };
    let want: Vec<String> = desired
        .entitlements
        .values()
        .filter(|e| {
            let name = format!("{} {}", e.profile.firstname, e.profile.lastname).to_lowercase();
            e.key.learner.as_str().contains("name1") || name.contains("name1")
        })
        .map(|e| e.key.to_string())
        .collect();
    assert!(!want.is_empty(), "the seed has Name1x learners");
    assert_eq!(s.enrolment_count(&filter).await.unwrap(), want.len() as i64, "{b}");
    let mut paged = Vec::new();
    for page in 0.. {
        let window = EnrolmentWindow {
            sort: EnrolmentSort::Learner,
            direction: SortDirection::Desc,
            offset: page * 4,
            limit: 4,
        };
        let rows = s.enrolment_list(&filter, &window).await.unwrap();
        if rows.is_empty() {
            break;
        }
        paged.extend(rows);
    }
    let learners: Vec<&str> = paged.iter().map(|r| r.learner.as_str()).collect();
    assert!(learners.windows(2).all(|w| w[0] >= w[1]), "{b}: sorted descending");
    let mut got: Vec<String> = paged
        .iter()
        .map(|r| format!("{}/{}/{}", r.site, r.course, r.learner))
        .collect();
    got.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(got, want_sorted, "{b}: every row once");
    assert!(paged.iter().all(|r| !r.causes.is_empty() && r.applied.is_some()), "{b}");

    let failing = EnrolmentFilter {
        job: Some(JobState::Failing),
        ..EnrolmentFilter::default()
    };
    assert_eq!(
        s.enrolment_count(&failing).await.unwrap(),
        3,
        "{b}: one retrying, two dead"
    );
    let wild = EnrolmentFilter {
        learner: Some("%".into()),
        ..EnrolmentFilter::default()
    };
    assert_eq!(
        s.enrolment_count(&wild).await.unwrap(),
        0,
        "{b}: `%` is a character, not a wildcard"
    );
    let mut after = None;
    let mut exported = 0;
    loop {
        let chunk = s
            .enrolment_chunk(&EnrolmentFilter::default(), after.as_ref(), 7)
            .await
            .unwrap();
        exported += chunk.len();
        let Some(last) = chunk.last() else { break };
        after = Some(mm_store::ListKey {
            site: last.site.clone(),
            course: last.course.clone(),
            learner: last.learner.clone(),
        });
    }
    assert_eq!(exported, desired.entitlements.len(), "{b}: the export holds every row");
}
