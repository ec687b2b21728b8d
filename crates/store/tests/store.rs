//! Store behaviour, run on every backend (SQLite always, PostgreSQL and MariaDB under scripts/test.sh).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_core::*;
use mm_store::testing::{backends, fresh};
use mm_store::{JobFailure, MappingOrigin, ProgressRow, SaveMappings, Store};

fn snapshot(id: &str, paid: bool) -> InvoiceSnapshot {
    InvoiceSnapshot {
        currency: None,
        issued_on: None,
        paid_on: None,
        key: InvoiceKey::new("erp", id),
        number: format!("F{id}"),
        customer: Customer {
            given_names: None,
            id: "C1".into(),
            name: "Ada Lovelace".into(),
            email: Some("ada@example.org".into()),
        },
        lines: vec![InvoiceLine {
            amount: None,
            id: "1".into(),
            product: Some("PY-101".into()),
            quantity: 1.0,
            credits_line: None,
        }],
        paid,
        credit_note_for: None,
    }
}

fn key(learner: &str) -> EntitlementKey {
    EntitlementKey {
        site: "main".into(),
        course: CourseRef::parse("PY101").unwrap(),
        learner: Email::parse(learner).unwrap(),
    }
}

async fn each_backend<F, Fut>(f: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for b in backends() {
        let db = fresh(b).await.unwrap();
        eprintln!("-- backend {b}");
        f(db.store().await).await;
    }
}

#[tokio::test]
async fn paid_at_is_remembered_while_paid_and_cleared_on_unpay() {
    each_backend(|s| async move {
        let o = s.upsert_invoice(&snapshot("1", false), Timestamp(100)).await.unwrap();
        assert!(o.created && o.changed);
        let o = s.upsert_invoice(&snapshot("1", false), Timestamp(150)).await.unwrap();
        assert!(!o.changed, "same snapshot is no change");
        s.upsert_invoice(&snapshot("1", true), Timestamp(200)).await.unwrap();
        let o = s.upsert_invoice(&snapshot("1", true), Timestamp(300)).await.unwrap();
        assert!(!o.changed);
        assert_eq!(s.invoices().await.unwrap()[0].paid_at, Some(Timestamp(200)));
        s.upsert_invoice(&snapshot("1", false), Timestamp(400)).await.unwrap();
        assert_eq!(s.invoices().await.unwrap()[0].paid_at, None);
        // Unpaid again: when it had been paid and since when it is not, for a grace period.
        let lapse = Some(mm_core::Lapse {
            paid_on: None,
            paid_at: Timestamp(200),
            unpaid_since: Timestamp(400),
        });
        assert_eq!(s.invoices().await.unwrap()[0].lapsed, lapse);
        s.upsert_invoice(&snapshot("1", false), Timestamp(450)).await.unwrap();
        assert_eq!(s.invoices().await.unwrap()[0].lapsed, lapse, "still unpaid: since 400");
        // A full sweep that no longer lists it marks it deleted, once.
        assert_eq!(
            s.mark_missing_deleted("erp", &[], Timestamp(500)).await.unwrap(),
            vec!["1".to_string()]
        );
        assert!(
            s.mark_missing_deleted("erp", &[], Timestamp(501))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(s.invoices().await.unwrap()[0].deleted);
        // Seen again: alive.
        assert!(
            s.upsert_invoice(&snapshot("1", false), Timestamp(600))
                .await
                .unwrap()
                .changed
        );
        assert!(!s.invoices().await.unwrap()[0].deleted);
    })
    .await;
}

#[tokio::test]
async fn a_key_is_claimed_by_one_worker_and_requeued_generations_survive() {
    each_backend(|s| async move {
        let k = key("ada@example.org");
        s.enqueue(std::slice::from_ref(&k), true, Timestamp(10)).await.unwrap();
        let a = s.claim_jobs("w1", 10, 30, Timestamp(10)).await.unwrap();
        assert_eq!(a.len(), 1);
        assert!(
            s.claim_jobs("w2", 10, 30, Timestamp(11)).await.unwrap().is_empty(),
            "held by w1"
        );
        // Re-queued while running: w2 still cannot take it until w1 lets go.
        s.enqueue(std::slice::from_ref(&k), true, Timestamp(12)).await.unwrap();
        assert!(
            s.claim_jobs("w2", 10, 30, Timestamp(13)).await.unwrap().is_empty(),
            "still leased by w1"
        );
        s.complete_job(&a[0], Timestamp(14)).await.unwrap();
        let c = s.job_counts().await.unwrap();
        assert_eq!((c.queued, c.done), (1, 0), "newer generation stays queued");
        let b = s.claim_jobs("w2", 10, 30, Timestamp(15)).await.unwrap();
        assert_eq!(b.len(), 1);
        // A completion by a worker that no longer holds the lease changes nothing.
        s.complete_job(&a[0], Timestamp(16)).await.unwrap();
        assert_eq!(s.job_counts().await.unwrap().running, 1);
        s.complete_job(&b[0], Timestamp(17)).await.unwrap();
        assert_eq!(s.job_counts().await.unwrap().done, 1);
    })
    .await;
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_release_requeues() {
    each_backend(|s| async move {
        let k = key("ada@example.org");
        s.enqueue(std::slice::from_ref(&k), true, Timestamp(0)).await.unwrap();
        assert_eq!(s.claim_jobs("crashed", 10, 30, Timestamp(0)).await.unwrap().len(), 1);
        assert!(s.claim_jobs("w2", 10, 30, Timestamp(29)).await.unwrap().is_empty());
        let taken = s.claim_jobs("w2", 10, 30, Timestamp(31)).await.unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].attempts, 2);
        assert_eq!(s.release_jobs("w2", Timestamp(32)).await.unwrap(), 1);
        assert_eq!(s.claim_jobs("w3", 10, 30, Timestamp(33)).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn failures_back_off_then_park_and_only_a_change_revives() {
    each_backend(|s| async move {
        let k = key("ada@example.org");
        s.enqueue(std::slice::from_ref(&k), true, Timestamp(0)).await.unwrap();
        let j = s.claim_jobs("w", 10, 30, Timestamp(0)).await.unwrap().remove(0);
        s.fail_job(&j, "timeout", JobFailure::RetryAt(Timestamp(100)), Timestamp(1))
            .await
            .unwrap();
        assert!(
            s.claim_jobs("w", 10, 30, Timestamp(50)).await.unwrap().is_empty(),
            "backing off"
        );
        // A poll that merely sees the same plan does not cut the back-off short.
        s.enqueue(std::slice::from_ref(&k), false, Timestamp(60)).await.unwrap();
        assert!(s.claim_jobs("w", 10, 30, Timestamp(61)).await.unwrap().is_empty());
        let j = s.claim_jobs("w", 10, 30, Timestamp(100)).await.unwrap().remove(0);
        // A typed error keeps its code and parameters beside the English text.
        let note = mm_store::ErrorNote {
            message: "wsnoinstance".into(),
            code: Some("no_enrol_method".into()),
            params: Some(r#"{"course":"C1"}"#.into()),
        };
        s.fail_job(&j, note.clone(), JobFailure::Dead, Timestamp(101))
            .await
            .unwrap();
        s.enqueue(std::slice::from_ref(&k), false, Timestamp(200))
            .await
            .unwrap();
        assert!(
            s.claim_jobs("w", 10, 30, Timestamp(201)).await.unwrap().is_empty(),
            "dead stays dead"
        );
        assert_eq!(
            s.dead_jobs().await.unwrap(),
            vec![mm_store::DeadJob {
                key: k.clone(),
                error: note.message.clone(),
                code: note.code.clone(),
                params: note.params.clone(),
            }]
        );
        s.enqueue(std::slice::from_ref(&k), true, Timestamp(300)).await.unwrap();
        assert_eq!(
            s.claim_jobs("w", 10, 30, Timestamp(300)).await.unwrap().len(),
            1,
            "forced: revived"
        );
    })
    .await;
}

#[tokio::test]
async fn config_mappings_round_trip() {
    each_backend(|s| async move {
        let m = Mapping {
            starts_from: StartsFrom::Invoice,
            product: "PY-101".into(),
            site: "main".into(),
            course: CourseRef::parse("idnumber:PY").unwrap(),
            role: "student".into(),
            duration_secs: Some(86400),
            window: None,
            on_revoke: RevokePolicy::Unenrol,
            grace_secs: 14 * 86_400,
            on_remove: mm_core::RemovalPolicy::Revoke,
            group: None,
        };
        let cohort = Mapping {
            starts_from: StartsFrom::Enrolment,
            product: "COHORT".into(),
            duration_secs: None,
            window: Some((Timestamp(1_000), Timestamp(2_000))),
            ..m.clone()
        };
        let both = vec![cohort.clone(), m.clone()];
        s.replace_config_mappings(&both).await.unwrap();
        s.replace_config_mappings(&both).await.unwrap();
        assert_eq!(s.mappings().await.unwrap(), both);
        s.replace_config_mappings(std::slice::from_ref(&m)).await.unwrap();
        assert_eq!(s.mappings().await.unwrap(), vec![m.clone()]);
        assert_eq!(
            s.removed_mappings().await.unwrap(),
            vec![cohort.clone()],
            "kept as a tombstone"
        );
        s.replace_config_mappings(&[]).await.unwrap();
        assert!(s.mappings().await.unwrap().is_empty());
        assert_eq!(s.removed_mappings().await.unwrap(), both);
        s.replace_config_mappings(std::slice::from_ref(&cohort)).await.unwrap();
        assert_eq!(
            s.mappings().await.unwrap(),
            vec![cohort],
            "declared again: in force again"
        );
    })
    .await;
}

#[tokio::test]
async fn ui_mappings_live_beside_the_configuration_which_wins_and_survive_a_restart() {
    each_backend(|s| async move {
        let config = Mapping {
            starts_from: StartsFrom::Payment,
            product: "PY-101".into(),
            site: "main".into(),
            course: CourseRef::parse("PY101").unwrap(),
            role: "student".into(),
            duration_secs: Some(86_400),
            window: None,
            on_revoke: RevokePolicy::Suspend,
            grace_secs: 0,
            on_remove: mm_core::RemovalPolicy::Keep,
            group: None,
        };
        let ui = Mapping {
            product: "WEB-1".into(),
            course: CourseRef::parse("id:7").unwrap(),
            role: "teacher".into(),
            duration_secs: None,
            window: Some((Timestamp(1_000), Timestamp(2_000))),
            group: Some("Spring".into()),
            on_remove: mm_core::RemovalPolicy::Revoke,
            ..config.clone()
        };
        s.replace_config_mappings(std::slice::from_ref(&config)).await.unwrap();
        assert_eq!(
            s.save_ui_mappings(std::slice::from_ref(&ui)).await.unwrap(),
            SaveMappings::Saved
        );

        // The configuration's mapping is not overwritten, and a refused batch saves nothing.
        let other = Mapping {
            product: "OTHER".into(),
            ..ui.clone()
        };
        let hijack = Mapping {
            role: "teacher".into(),
            ..config.clone()
        };
        assert_eq!(
            s.save_ui_mappings(&[other.clone(), hijack.clone()]).await.unwrap(),
            SaveMappings::DeclaredInConfig(Box::new(hijack))
        );
        let listed = s.mappings_with_origin().await.unwrap();
        let origins: Vec<_> = listed.iter().map(|m| (m.mapping.product.as_str(), m.origin)).collect();
        assert_eq!(
            origins,
            vec![("PY-101", MappingOrigin::Config), ("WEB-1", MappingOrigin::Ui)],
            "nothing of the refused batch"
        );
        assert_eq!(listed[1].mapping, ui, "every field kept");

        // A restart rewrites the configuration's mappings and keeps the UI's.
        s.replace_config_mappings(std::slice::from_ref(&config)).await.unwrap();
        assert_eq!(s.mappings().await.unwrap(), vec![config.clone(), ui.clone()]);

        // Edited, then removed: a tombstone whose policy still decides; the file's is untouched.
        let edited = Mapping {
            grace_secs: 3_600,
            ..ui.clone()
        };
        s.save_ui_mappings(std::slice::from_ref(&edited)).await.unwrap();
        assert!(!s.remove_ui_mapping("PY-101", "main", &config.course).await.unwrap());
        assert!(s.remove_ui_mapping("WEB-1", "main", &ui.course).await.unwrap());
        assert!(!s.remove_ui_mapping("WEB-1", "main", &ui.course).await.unwrap(), "once");
        assert_eq!(s.mappings().await.unwrap(), vec![config.clone()]);
        assert_eq!(s.removed_mappings().await.unwrap(), vec![edited.clone()]);
        let dry = s.mappings_with_config(std::slice::from_ref(&config)).await.unwrap();
        assert_eq!(dry.removed, vec![edited.clone()]);

        // Added again: in force again. A mapping the file no longer declares may be taken over.
        s.save_ui_mappings(std::slice::from_ref(&ui)).await.unwrap();
        s.replace_config_mappings(&[]).await.unwrap();
        assert_eq!(
            s.save_ui_mappings(std::slice::from_ref(&config)).await.unwrap(),
            SaveMappings::Saved
        );
        let listed = s.mappings_with_origin().await.unwrap();
        assert!(listed.iter().all(|m| m.origin == MappingOrigin::Ui), "{listed:?}");
        assert_eq!(listed.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn concurrent_claims_never_hand_out_a_key_twice() {
    each_backend(|s| async move {
        let keys: Vec<_> = (0..200).map(|i| key(&format!("l{i}@example.org"))).collect();
        s.enqueue(&keys, true, Timestamp(0)).await.unwrap();
        let mut tasks = Vec::new();
        for w in 0..4 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    let batch = s.claim_jobs(&format!("w{w}"), 7, 60, Timestamp(1)).await.unwrap();
                    if batch.is_empty() {
                        break got;
                    }
                    got.extend(batch.into_iter().map(|j| j.key));
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!((n, all.len()), (200, 200));
    })
    .await;
}

#[tokio::test]
async fn a_poll_is_recorded_in_bulk_with_the_same_rules() {
    each_backend(|s| async move {
        let many: Vec<_> = (0..700).map(|i| snapshot(&i.to_string(), i % 2 == 0)).collect();
        assert_eq!(s.upsert_invoices(&many, Timestamp(10)).await.unwrap(), 700);
        assert_eq!(
            s.upsert_invoices(&many, Timestamp(20)).await.unwrap(),
            0,
            "nothing changed"
        );
        // Invoice 1 gets paid; invoice 0 appears twice in one poll: the last one wins.
        let batch = vec![snapshot("1", true), snapshot("0", true), snapshot("0", false)];
        assert_eq!(s.upsert_invoices(&batch, Timestamp(30)).await.unwrap(), 2);
        let all = s.invoices().await.unwrap();
        let by_id = |id: &str| all.iter().find(|i| i.key.id == id).unwrap().clone();
        assert_eq!(by_id("1").paid_at, Some(Timestamp(30)));
        assert_eq!(by_id("0").paid_at, None);
        assert_eq!(by_id("2").paid_at, Some(Timestamp(10)), "paid since the first poll");
        assert_eq!(by_id("1").lapsed, None);
        // Invoice 2 is unpaid again: the same lapse rule as the single upsert; paid: cleared.
        assert_eq!(
            s.upsert_invoices(&[snapshot("2", false)], Timestamp(40)).await.unwrap(),
            1
        );
        let want = Some(mm_core::Lapse {
            paid_on: None,
            paid_at: Timestamp(10),
            unpaid_since: Timestamp(40),
        });
        let lapsed_2 = |all: Vec<mm_core::Invoice>| all.into_iter().find(|i| i.key.id == "2").unwrap().lapsed;
        assert_eq!(lapsed_2(s.invoices().await.unwrap()), want);
        s.upsert_invoices(&[snapshot("2", true)], Timestamp(50)).await.unwrap();
        assert_eq!(lapsed_2(s.invoices().await.unwrap()), None);
        assert_eq!(all.len(), 700);
    })
    .await;
}

/// The statements whose SQL differs most between the backends (MySQL's rewritten upserts,
/// `INSERT IGNORE`, reserved column names, long texts, its own forms of the counter and of the
/// email change) give the same results everywhere.
#[tokio::test]
async fn dialect_corners_round_trip_on_every_backend() {
    each_backend(|s| async move {
        // A snapshot far beyond 64 KiB (MySQL's TEXT) comes back whole.
        let mut big = snapshot("big", true);
        big.customer.name = "é".repeat(60_000);
        s.upsert_invoice(&big, Timestamp(10)).await.unwrap();
        let back = s.invoices().await.unwrap();
        assert_eq!(back[0].customer.name, big.customer.name);

        // `cursor` is a reserved word in MySQL.
        assert_eq!(s.cursor("erp").await.unwrap(), None);
        s.set_cursor("erp", r#"{"after":"2026-11-25"}"#, Timestamp(1))
            .await
            .unwrap();
        s.set_cursor("erp", r#"{"after":"2026-11-26"}"#, Timestamp(2))
            .await
            .unwrap();
        assert_eq!(
            s.cursor("erp").await.unwrap().as_deref(),
            Some(r#"{"after":"2026-11-26"}"#)
        );

        // Counters: no RETURNING on MySQL.
        assert_eq!(s.reserve_numbers("u", 1).await.unwrap(), 1);
        assert_eq!(s.reserve_numbers("u", 5).await.unwrap(), 2);
        assert_eq!(s.reserve_numbers("u", 1).await.unwrap(), 7);
        assert_eq!(s.reserve_numbers("other", 2).await.unwrap(), 1);

        // Deliveries: a replay is refused (`INSERT IGNORE` on MySQL).
        assert!(s.record_delivery("shop", "m1", "{}", 5, Timestamp(5)).await.unwrap());
        assert!(!s.record_delivery("shop", "m1", "{}", 5, Timestamp(6)).await.unwrap());
        assert_eq!(s.pending_deliveries().await.unwrap().len(), 1);
        s.mark_delivery_processed("shop", "m1").await.unwrap();
        assert_eq!(s.delivery_processed("shop", "m1").await.unwrap(), Some(true));

        // An email change moves what Moodle holds and audits it (`before` is reserved in MySQL;
        // MySQL's UPDATE cannot read its own table in a subquery).
        let applied = AppliedEnrolment {
            status: EnrolmentStatus::Active,
            role: "student".into(),
            timestart: 1,
            timeend: 2,
        };
        let audit = mm_store::AuditEntry {
            key: key("ada@example.org"),
            action: "enrol".into(),
            before: None,
            after: Some("active".into()),
            reason: "paid".into(),
            job: "j1".into(),
            ok: true,
            error: None,
        };
        s.record_applied(
            &key("ada@example.org"),
            Some(mm_store::MoodleEnrolment {
                enrolment: applied.clone(),
                user_id: 7,
                course_id: 8,
            }),
            &audit,
            None,
            Timestamp(20),
        )
        .await
        .unwrap();
        let from = Email::parse("ada@example.org").unwrap();
        let to = Email::parse("ada.king@example.org").unwrap();
        s.rename_learner("main", &from, &to, 7, Timestamp(30)).await.unwrap();
        let now_applied = s.applied().await.unwrap();
        assert_eq!(
            now_applied.keys().cloned().collect::<Vec<_>>(),
            vec![key("ada.king@example.org")]
        );
        let log = s.audit_log(10).await.unwrap();
        assert_eq!(log[0].action, "change_email");
        assert_eq!(log[0].before.as_deref(), Some("ada@example.org"));
        assert_eq!(log[0].after.as_deref(), Some("ada.king@example.org"));
        assert_eq!(log[1].after.as_deref(), Some("active"));
    })
    .await;
}

/// Two replicas reserving numbers at once never get the same one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_counters_never_hand_out_a_number_twice() {
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let (a, c) = (db.store().await, db.store().await);
        let take = |s: Store| async move {
            let mut got = Vec::new();
            for _ in 0..15 {
                let first = s.reserve_numbers("username:main:learner", 3).await.unwrap();
                got.extend(first..first + 3);
            }
            got
        };
        let (x, y) = tokio::join!(tokio::spawn(take(a)), tokio::spawn(take(c)));
        let mut all: Vec<i64> = x.unwrap().into_iter().chain(y.unwrap()).collect();
        all.sort_unstable();
        assert_eq!(all, (1..=90).collect::<Vec<_>>(), "{b}");
    }
}

/// #14 point 7: a refusal is kept in the store, so the next process does not spend another.
#[tokio::test]
async fn a_source_refusal_is_kept_until_it_ends() {
    each_backend(|s| async move {
        assert_eq!(s.source_refusal("erp", Timestamp(100)).await.unwrap(), None);
        let r = mm_store::SourceRefusal {
            until: Timestamp(700),
            message: "FacturaScripts refused the API key (403)".into(),
        };
        s.set_source_refusal("erp", &r, Timestamp(100)).await.unwrap();
        s.set_source_refusal("erp", &r, Timestamp(100)).await.unwrap();
        assert_eq!(s.source_refusal("erp", Timestamp(699)).await.unwrap(), Some(r));
        assert_eq!(s.source_refusal("other", Timestamp(699)).await.unwrap(), None);
        assert_eq!(s.source_refusal("erp", Timestamp(700)).await.unwrap(), None, "over");
        s.clear_source_refusal("erp").await.unwrap();
        assert_eq!(s.source_refusal("erp", Timestamp(100)).await.unwrap(), None);
    })
    .await;
}

/// #14 point 5: an invoice unpaid again remembers the payment date its source had given.
#[tokio::test]
async fn a_lapse_keeps_the_sources_payment_date() {
    each_backend(|s| async move {
        let mut paid = snapshot("1", true);
        paid.paid_on = Some(Timestamp(86_400));
        paid.issued_on = Some(Timestamp(0));
        s.upsert_invoices(std::slice::from_ref(&paid), Timestamp(500_000))
            .await
            .unwrap();
        let inv = &s.invoices().await.unwrap()[0];
        assert_eq!(
            (inv.paid_on, inv.issued_on, inv.paid_at),
            (Some(Timestamp(86_400)), Some(Timestamp(0)), Some(Timestamp(500_000)))
        );
        s.upsert_invoice(&snapshot("1", false), Timestamp(600_000))
            .await
            .unwrap();
        let inv = &s.invoices().await.unwrap()[0];
        assert_eq!(
            inv.lapsed,
            Some(Lapse {
                paid_at: Timestamp(500_000),
                paid_on: Some(Timestamp(86_400)),
                unpaid_since: Timestamp(600_000)
            })
        );
    })
    .await;
}

fn progress_row(learner: &str, at: i64) -> ProgressRow {
    ProgressRow {
        key: key(learner),
        last_access: Some(at),
        last_checked_access: Some(at),
        percent: None,
        completed_at: None,
        grade: None,
        synced_at: Timestamp(at),
    }
}

#[tokio::test]
async fn progress_keeps_the_latest_and_a_history_of_changes() {
    each_backend(|s| async move {
        // Never read: nothing. Read with nothing to show: a row, no history.
        assert_eq!(s.progress(&key("a@x.org")).await.unwrap(), None);
        let blank = progress_row("a@x.org", 100);
        assert_eq!(s.record_progress(std::slice::from_ref(&blank)).await.unwrap(), 0);
        assert_eq!(s.progress(&key("a@x.org")).await.unwrap(), Some(blank.clone()));
        assert!(s.progress_history(&key("a@x.org")).await.unwrap().is_empty());

        // Completed with a grade, then the same again (no new history), then a retake.
        let done = ProgressRow {
            percent: Some(100.0),
            completed_at: Some(1_767_225_600),
            grade: Some("87.50".into()),
            ..progress_row("a@x.org", 200)
        };
        assert_eq!(s.record_progress(std::slice::from_ref(&done)).await.unwrap(), 1);
        let again = ProgressRow {
            synced_at: Timestamp(300),
            ..done.clone()
        };
        assert_eq!(s.record_progress(&[again]).await.unwrap(), 0);
        let retake = ProgressRow {
            percent: Some(0.0),
            completed_at: None,
            ..progress_row("a@x.org", 400)
        };
        let redone = ProgressRow {
            percent: Some(100.0),
            completed_at: Some(1_770_000_000),
            ..progress_row("a@x.org", 500)
        };
        assert_eq!(s.record_progress(&[retake, redone.clone()]).await.unwrap(), 2);
        assert_eq!(s.progress(&key("a@x.org")).await.unwrap(), Some(redone));
        let history = s.progress_history(&key("a@x.org")).await.unwrap();
        let completions: Vec<Option<i64>> = history.iter().map(|h| h.completed_at).collect();
        assert_eq!(completions, vec![Some(1_767_225_600), None, Some(1_770_000_000)]);
        assert_eq!(history[0].grade.as_deref(), Some("87.50"));
        assert_eq!(history[0].recorded_at, Timestamp(200));
    })
    .await;
}

#[tokio::test]
async fn progress_lists_and_dashboard_figures() {
    each_backend(|s| async move {
        let jan = 1_767_225_600; // 2026-01-01
        let feb = 1_769_904_000; // 2026-02-01
        let other_site = ProgressRow {
            key: EntitlementKey {
                site: "other".into(),
                ..key("z@x.org")
            },
            percent: Some(100.0),
            completed_at: Some(jan + 10),
            ..progress_row("z@x.org", 1)
        };
        let rows = vec![
            ProgressRow {
                percent: Some(5.0),
                ..progress_row("a@x.org", 1)
            },
            ProgressRow {
                percent: Some(19.9),
                ..progress_row("b@x.org", 1)
            },
            ProgressRow {
                percent: Some(100.0),
                completed_at: Some(jan + 5),
                ..progress_row("c@x.org", 1)
            },
            ProgressRow {
                percent: Some(100.0),
                completed_at: Some(feb + 5),
                ..progress_row("d@x.org", 1)
            },
            progress_row("e@x.org", 1),
            other_site,
        ];
        s.record_progress(&rows).await.unwrap();
        let main = s.progress_of_site("main").await.unwrap();
        assert_eq!(main.len(), 5);
        let course = s
            .progress_of_course("main", &CourseRef::parse("PY101").unwrap())
            .await
            .unwrap();
        assert_eq!(course, main);
        let months = s
            .completions_per_month(Some("main"), Timestamp(jan), Timestamp(feb + 86_400))
            .await
            .unwrap();
        let months: Vec<(String, u64)> = months.into_iter().map(|m| (m.month, m.completions)).collect();
        assert_eq!(months, vec![("2026-01".into(), 1), ("2026-02".into(), 1)]);
        let all = s
            .completions_per_month(None, Timestamp(jan), Timestamp(feb))
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].completions, 2,
            "both sites in January, February excluded by `to`"
        );
        let buckets = s.progress_distribution(Some("main")).await.unwrap();
        assert_eq!(buckets.len(), 11);
        let count = |from: u8| buckets.iter().find(|b| b.from == from).unwrap().learners;
        assert_eq!((count(0), count(10), count(100)), (1, 1, 2));
        assert_eq!(
            buckets.iter().map(|b| b.learners).sum::<u64>(),
            4,
            "no percentage: left out"
        );
    })
    .await;
}

fn certificate(code: &str, number: &str, learner: &str, version: u32, completed_at: i64) -> mm_store::NewCertificate {
    mm_store::NewCertificate {
        code: code.into(),
        number: number.into(),
        key: key(learner),
        version,
        learner_name: "Luis Pérez".into(),
        course_name: "Python".into(),
        hours: Some("20".into()),
        lang: "es-ES".into(),
        completed_at: Timestamp(completed_at),
        issued_at: Timestamp(completed_at + 10),
        valid_until: None,
        cause: "completion".into(),
        token: format!("token-{code}"),
        kid: "kid1".into(),
    }
}

#[tokio::test]
async fn a_certificate_version_is_stored_once_supersedes_the_last_and_queues_its_mail() {
    use mm_store::{MailKey, MailKind};
    each_backend(|s| async move {
        let now = Timestamp(1_000);
        let v1 = certificate("c1", "MM-2026-000001", "a@x.org", 1, 500);
        assert!(s.insert_certificate(&v1, true, now).await.unwrap());
        // A second issuer of the same version (another replica, a retry) stores nothing.
        let twin = certificate("c1bis", "MM-2026-000002", "a@x.org", 1, 500);
        assert!(!s.insert_certificate(&twin, true, now).await.unwrap());
        let v2 = certificate("c2", "MM-2026-000003", "a@x.org", 2, 900);
        assert!(s.insert_certificate(&v2, false, now).await.unwrap());

        let latest = s.latest_certificate(&key("a@x.org")).await.unwrap().unwrap();
        assert_eq!((latest.version, latest.completed_at), (2, Timestamp(900)));
        assert_eq!(s.latest_certificate(&key("b@x.org")).await.unwrap(), None);
        let first = s.certificate("c1").await.unwrap().unwrap();
        assert_eq!(first.superseded_by.as_deref(), Some("c2"));
        assert_eq!(first.cert, v1, "stored as given, accents and all");
        assert_eq!(
            s.find_certificate("MM-2026-000003").await.unwrap().unwrap().cert.code,
            "c2"
        );
        let filter = mm_store::CertificateFilter {
            learner: Some("a@x.org".into()),
            ..Default::default()
        };
        assert_eq!(s.certificates(&filter).await.unwrap().len(), 2);

        // Only v1 asked for mail; the outbox hands it out once.
        let outbox = s.queue::<MailKey>();
        let jobs = outbox.claim("w", 10, 60, now).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            (jobs[0].key.code.as_str(), jobs[0].key.kind),
            ("c1", MailKind::Certificate)
        );
        assert!(outbox.claim("w2", 10, 60, now).await.unwrap().is_empty());
        outbox.complete(&[&jobs[0]], now).await.unwrap();

        // Revoked once, with its reason and the learner's notice queued.
        assert!(
            s.revoke_certificate("c2", "the invoice was credited (R1)", true, now)
                .await
                .unwrap()
        );
        assert!(!s.revoke_certificate("c2", "again", true, now).await.unwrap());
        let revoked = s.certificate("c2").await.unwrap().unwrap();
        assert_eq!(revoked.revoked.unwrap().reason, "the invoice was credited (R1)");
        let notice = outbox.claim("w", 10, 60, now).await.unwrap();
        assert_eq!(notice.len(), 1);
        assert_eq!(notice[0].key.kind, MailKind::Revoked);
    })
    .await;
}

#[tokio::test]
async fn signing_keys_rotate_and_the_old_ones_stay() {
    each_backend(|s| async move {
        let k = |kid: &str, at: i64| mm_store::StoredSigningKey {
            kid: kid.into(),
            public_key: format!("pub-{kid}"),
            secret: format!("enc:v1:{kid}"),
            created_at: Timestamp(at),
            retired_at: None,
        };
        assert!(s.add_signing_key(&k("k1", 10), false).await.unwrap());
        assert!(!s.add_signing_key(&k("k2", 20), false).await.unwrap(), "one active key");
        assert!(s.add_signing_key(&k("k3", 30), true).await.unwrap(), "a rotation");
        let keys = s.signing_keys().await.unwrap();
        assert_eq!(keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(), ["k3", "k1"]);
        assert_eq!(keys[0].retired_at, None);
        assert_eq!(keys[1].retired_at, Some(Timestamp(30)));
    })
    .await;
}

/// An entitlement of `learner` to PY101, active or revoked.
fn entitlement(learner: &str, active: bool) -> Entitlement {
    let email = Email::parse(learner).unwrap();
    let access = if active {
        entitlement::Access::Active {
            start: Timestamp(0),
            end: None,
        }
    } else {
        entitlement::Access::Revoked {
            policy: RevokePolicy::Suspend,
        }
    };
    Entitlement {
        key: key(learner),
        profile: LearnerProfile {
            email,
            firstname: "A".into(),
            lastname: "B".into(),
            idnumber: None,
        },
        role: "student".into(),
        access,
        causes: vec![],
        groups: vec![],
        orphan: None,
    }
}

#[tokio::test]
async fn uncertified_completions_are_those_of_active_entitlements_no_certificate_covers() {
    each_backend(|s| async move {
        let mut desired = DesiredState::default();
        for (learner, active) in [
            ("new@x.org", true),
            ("done@x.org", true),
            ("retake@x.org", true),
            ("gone@x.org", false),
        ] {
            desired.entitlements.insert(key(learner), entitlement(learner, active));
        }
        let courses = [mm_store::StoredCourse::new("main", "PY101")];
        s.save_desired_in(&courses, &desired, &[], Timestamp(1)).await.unwrap();
        let complete = |learner: &str, at: i64| ProgressRow {
            completed_at: Some(at),
            ..progress_row(learner, at)
        };
        let rows = [
            complete("new@x.org", 100),
            complete("done@x.org", 100),
            complete("retake@x.org", 500),
            complete("gone@x.org", 100),
            progress_row("started@x.org", 100),
        ];
        s.record_progress(&rows).await.unwrap();
        // `done` has a certificate for its completion; `retake` one for an earlier completion.
        let cert = |code: &str, learner: &str, version: u32, at: i64| {
            certificate(code, &format!("N-{code}"), learner, version, at)
        };
        assert!(
            s.insert_certificate(&cert("d1", "done@x.org", 1, 100), false, Timestamp(2))
                .await
                .unwrap()
        );
        assert!(
            s.insert_certificate(&cert("r1", "retake@x.org", 1, 50), false, Timestamp(2))
                .await
                .unwrap()
        );
        assert!(
            s.insert_certificate(&cert("r2", "retake@x.org", 2, 60), false, Timestamp(2))
                .await
                .unwrap()
        );

        let mut found = s.uncertified_completions().await.unwrap();
        found.sort_by(|a, b| a.key.cmp(&b.key));
        let summary: Vec<_> = found
            .iter()
            .map(|c| {
                (
                    c.key.learner.as_str().to_string(),
                    c.completed_at.0,
                    c.latest.map(|l| l.version),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("new@x.org".to_string(), 100, None),
                ("retake@x.org".to_string(), 500, Some(2))
            ],
            "the completed, active and uncovered ones, with their latest version"
        );
    })
    .await;
}

#[tokio::test]
async fn admin_users_sessions_and_operator_actions_on_every_backend() {
    use mm_core::Role;
    use mm_store::{AdminUserChange, NewSession, OperatorAction};
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let store = db.store().await;
        let t = Timestamp(1_800_000_000);
        let ana = store
            .insert_admin_user(" Ana@Example.com ", Role::Admin, "$argon2id$hash", t)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{b}: ana added"));
        assert_eq!(ana.email, "ana@example.com", "{b}: emails are kept lower-case");
        assert!(
            store
                .insert_admin_user("ANA@example.com", Role::Viewer, "x", t)
                .await
                .unwrap()
                .is_none(),
            "{b}: one user per email, whatever its case"
        );
        let creds = store.admin_credentials("ana@EXAMPLE.com").await.unwrap().unwrap();
        assert_eq!(
            (creds.user.id, creds.password_hash.as_str()),
            (ana.id, "$argon2id$hash"),
            "{b}"
        );
        assert_eq!(store.count_enabled_admin_users().await.unwrap(), 1, "{b}");

        let session = NewSession {
            token_hash: "a".repeat(64),
            user_id: ana.id,
            csrf: "csrf-token".into(),
            address: Some("203.0.113.9".into()),
            created_at: t,
            expires_at: Timestamp(t.0 + 100),
            absolute_expiry: Timestamp(t.0 + 1000),
        };
        store.insert_session(&session).await.unwrap();
        let live = store.session(&session.token_hash, Timestamp(t.0 + 99)).await.unwrap();
        assert_eq!(
            live.map(|s| (s.user.email, s.csrf)),
            Some(("ana@example.com".into(), "csrf-token".into())),
            "{b}"
        );
        assert!(
            store
                .session(&session.token_hash, Timestamp(t.0 + 100))
                .await
                .unwrap()
                .is_none(),
            "{b}: expired"
        );
        store
            .touch_session(&session.token_hash, Timestamp(t.0 + 500), Timestamp(t.0 + 50))
            .await
            .unwrap();
        assert!(
            store
                .session(&session.token_hash, Timestamp(t.0 + 400))
                .await
                .unwrap()
                .is_some(),
            "{b}: touched"
        );

        let disable = AdminUserChange {
            disabled: Some(true),
            locale: Some(Some("de-DE".into())),
            ..Default::default()
        };
        assert!(store.update_admin_user(ana.id, &disable, t).await.unwrap(), "{b}");
        assert!(
            store
                .session(&session.token_hash, Timestamp(t.0 + 60))
                .await
                .unwrap()
                .is_none(),
            "{b}: a disabled user has no session"
        );
        let ana_now = store.admin_credentials("ana@example.com").await.unwrap().unwrap().user;
        assert_eq!(
            (ana_now.disabled, ana_now.locale.as_deref(), ana_now.role),
            (true, Some("de-DE"), Role::Admin),
            "{b}"
        );
        assert_eq!(store.count_enabled_admin_users().await.unwrap(), 0, "{b}");
        assert_eq!(store.delete_sessions_of(ana.id).await.unwrap(), 1, "{b}");

        for (i, action) in ["job.retry", "certificate.revoke"].iter().enumerate() {
            let entry = OperatorAction {
                actor: "ana@example.com".into(),
                action: (*action).into(),
                object: format!("object-{i}"),
                detail: None,
                ok: true,
            };
            store
                .record_operator_action(&entry, Timestamp(t.0 + i as i64))
                .await
                .unwrap();
        }
        let all = store.operator_actions(None, 10).await.unwrap();
        assert_eq!(
            all.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
            ["certificate.revoke", "job.retry"],
            "{b}: newest first"
        );
        let found = store.operator_actions(Some("REVOKE"), 10).await.unwrap();
        assert_eq!(found.len(), 1, "{b}: search ignores case");
    }
}

#[tokio::test]
async fn sites_and_sources_added_in_the_admin_on_every_backend() {
    use mm_store::{StoredSecrets, StoredSite, StoredSource, StoredSourceKind};
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let store = db.store().await;
        let mut site = StoredSite {
            name: "campus".into(),
            url: "https://moodle.example.org".into(),
            token: "enc:v1:sealed".into(),
            allow_private_network: false,
            updated_at: Timestamp(1_800_000_000),
        };
        store.save_stored_site(&site).await.unwrap();
        site.url = "https://campus.example.org".into();
        site.allow_private_network = true;
        site.updated_at = Timestamp(1_800_000_100);
        store.save_stored_site(&site).await.unwrap();
        assert_eq!(
            store.stored_sites().await.unwrap(),
            vec![site.clone()],
            "{b}: replaced, not added"
        );

        let polled = StoredSource {
            name: "erp".into(),
            kind: StoredSourceKind::FacturaScripts {
                url: "https://erp.example.org".into(),
                token: "enc:v1:token".into(),
                poll_secs: 30,
                allow_private_network: true,
            },
            secrets: StoredSecrets::default(),
            updated_at: Timestamp(1_800_000_200),
        };
        let pushed = StoredSource {
            name: "shop".into(),
            kind: StoredSourceKind::Webhook,
            secrets: StoredSecrets {
                current: Some("enc:v1:new".into()),
                previous: Some("enc:v1:old".into()),
                previous_until: Some(Timestamp(1_800_086_400)),
            },
            updated_at: Timestamp(1_800_000_300),
        };
        store.save_stored_source(&pushed).await.unwrap();
        store.save_stored_source(&polled).await.unwrap();
        assert_eq!(
            store.stored_sources().await.unwrap(),
            vec![polled, pushed.clone()],
            "{b}"
        );

        assert!(store.remove_stored_site("campus").await.unwrap(), "{b}");
        assert!(!store.remove_stored_site("campus").await.unwrap(), "{b}: gone already");
        assert!(store.remove_stored_source("erp").await.unwrap(), "{b}");
        assert!(store.stored_sites().await.unwrap().is_empty(), "{b}");
        assert_eq!(store.stored_sources().await.unwrap(), vec![pushed], "{b}");
    }
}

#[tokio::test]
async fn the_certificate_template_edited_in_the_admin_on_every_backend() {
    use mm_store::TemplateOverride;
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let store = db.store().await;
        assert_eq!(
            store.certificate_template().await.unwrap(),
            TemplateOverride::default(),
            "{b}"
        );
        let mut t = TemplateOverride {
            primary_colour: Some("#123456".into()),
            footer: Some("Academia «Ñandú» — 2026".into()),
            ..TemplateOverride::default()
        };
        store.save_certificate_template(&t, Timestamp(1)).await.unwrap();
        assert_eq!(store.certificate_template().await.unwrap(), t, "{b}");
        t.primary_colour = None;
        t.signatory_name = Some("Ana Pérez".into());
        store.save_certificate_template(&t, Timestamp(2)).await.unwrap();
        assert_eq!(
            store.certificate_template().await.unwrap(),
            t,
            "{b}: replaced, fields cleared"
        );
    }
}

#[tokio::test]
async fn the_audit_logs_page_backwards_from_an_entry_on_every_backend() {
    use mm_store::{AuditEntry, OperatorAction};
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let s = db.store().await;
        for i in 0..5 {
            let action = OperatorAction {
                actor: "ana@example.org".into(),
                action: if i % 2 == 0 { "job.retry" } else { "seat.assign" }.into(),
                object: format!("object {i}"),
                detail: None,
                ok: true,
            };
            s.record_operator_action(&action, Timestamp(i)).await.unwrap();
            let entry = AuditEntry {
                key: key(&format!("learner{i}@example.org")),
                action: "enrol".into(),
                before: None,
                after: Some("active".into()),
                reason: "paid".into(),
                job: format!("j{i}"),
                ok: true,
                error: None,
            };
            s.audit(&entry, Timestamp(i)).await.unwrap();
        }
        // Pages of two, newest first, each older than the last one's end, until none is left.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = s.operator_actions_before(None, before, 2).await.unwrap();
            let Some(last) = page.last() else { break };
            before = Some(last.id);
            seen.extend(page.iter().map(|a| a.object.clone()));
        }
        let expected: Vec<String> = (0..5).rev().map(|i| format!("object {i}")).collect();
        assert_eq!(seen, expected, "{b}");
        // With a search, a page is the search's next entries.
        let retries = s.operator_actions(Some("retry"), 10).await.unwrap();
        let after_first = s
            .operator_actions_before(Some("retry"), Some(retries[0].id), 10)
            .await
            .unwrap();
        assert_eq!(after_first, retries[1..].to_vec(), "{b}");

        let newest = s.search_audit_log(None, 2).await.unwrap();
        let older = s.search_audit_log_before(None, Some(newest[1].id), 10).await.unwrap();
        assert_eq!(newest.len() + older.len(), 5, "{b}");
        assert!(older.iter().all(|r| r.id < newest[1].id), "{b}");
        let one = s
            .search_audit_log_before(Some("learner1@"), Some(newest[0].id), 10)
            .await
            .unwrap();
        assert_eq!(one.len(), 1, "{b}: the search and the cursor together");
    }
}

#[tokio::test]
async fn api_tokens_are_found_by_hash_touched_and_revoked_on_every_backend() {
    use mm_core::Scope;
    use mm_store::NewApiToken;
    for b in backends() {
        let db = fresh(b).await.unwrap();
        let s = db.store().await;
        let new = NewApiToken {
            name: "crm".into(),
            scope: Scope::Write,
            token_hash: "ab".repeat(32),
            prefix: "mmt_abcd".into(),
            created_by: "cli".into(),
            created_at: Timestamp(10),
            expires_at: Some(Timestamp(1_000)),
        };
        assert!(s.insert_api_token(&new).await.unwrap(), "{b}");
        assert!(!s.insert_api_token(&new).await.unwrap(), "{b}: the name is taken");
        let found = s.api_token_by_hash(&"ab".repeat(32)).await.unwrap().expect("found");
        assert_eq!(
            (found.scope, found.expires_at, found.last_used_at),
            (Scope::Write, Some(Timestamp(1_000)), None),
            "{b}"
        );
        assert!(s.api_token_by_hash(&"cd".repeat(32)).await.unwrap().is_none(), "{b}");
        s.touch_api_token(found.id, Timestamp(20)).await.unwrap();
        assert!(s.revoke_api_token("crm", Timestamp(30)).await.unwrap(), "{b}");
        assert!(
            !s.revoke_api_token("crm", Timestamp(31)).await.unwrap(),
            "{b}: revoked once"
        );
        let listed = s.api_tokens().await.unwrap();
        assert_eq!(
            (listed[0].last_used_at, listed[0].revoked_at),
            (Some(Timestamp(20)), Some(Timestamp(30))),
            "{b}"
        );
    }
}
