//! One reconciliation step: invoices + mappings → desired state → plan against what Moodle
//! holds → jobs for the keys that differ, saved with them a few courses at a time.

pub mod parts;

use crate::ingest::poll::SourceRead;
use mm_core::{HoldReason, Invoice, Timestamp, desired_state, plan};
use mm_store::{MappingsInForce, Store, StoreError, StoredCourse};
use parts::{Holds, Parts};
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recompute {
    pub invoices: usize,
    pub entitlements: usize,
    /// Holds that block access someone paid for (no email, unknown credited invoice).
    pub hold_errors: usize,
    /// Notes: unmapped products, lines without product.
    pub hold_notes: usize,
    /// Keys whose Moodle state differs from the desired one.
    pub planned: usize,
}

impl Recompute {
    pub fn converged(&self) -> bool {
        self.planned == 0
    }
}

/// One recompute at a time in this process: two at once would hold twice the memory, and the
/// older could save its (older) view of a part after the newer.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Recomputes the desired state from every invoice and saves it with the jobs of the keys that
/// differ from what Moodle holds: a few courses at a time (see [`parts`]), each part in one
/// transaction with its jobs, then the holds.
pub async fn recompute(store: &Store, now: Timestamp) -> Result<Recompute, StoreError> {
    let _serial = ONE_AT_A_TIME.lock().await;
    let invoices = store.invoices().await?;
    let mappings = store.mappings().await?;
    let seats = store.seats(None).await?;
    let removed = store.removed_mappings().await?;
    let parts = Parts::new(&invoices, &mappings, parts::PART_CAUSES);
    let mut holds = Holds::new(&invoices, &mappings);
    let mut out = Recompute {
        invoices: invoices.len(),
        ..Recompute::default()
    };
    for (i, part) in parts.parts.iter().enumerate() {
        let mut desired = desired_state(&parts.invoices(i, &invoices), &part.mappings, &seats, now);
        let applied = store.applied_in(&part.courses).await?;
        desired.drop_ended_before_enrolment(&applied, now);
        desired.revoke_orphans(&applied, &mappings, &removed);
        let actions = plan(&desired, &applied);
        let keys: Vec<_> = actions.iter().map(|a| a.key().clone()).collect();
        store.save_desired_in(&part.courses, &desired, &keys, now).await?;
        out.entitlements += desired.entitlements.len();
        out.planned += actions.len();
        holds.add(desired.holds);
    }
    // The invoices no mapped course needs (their holds), and the courses no longer mapped that
    // still have stored entitlements or enrolments we made.
    let mut desired = desired_state(&parts.rest(&invoices), &mappings, &seats, now);
    let mapped: BTreeSet<&StoredCourse> = parts.mapped_courses().collect();
    let unmapped: Vec<StoredCourse> = store
        .stored_courses()
        .await?
        .into_iter()
        .filter(|c| !mapped.contains(c))
        .collect();
    let applied = store.applied_in(&unmapped).await?;
    desired.drop_ended_before_enrolment(&applied, now);
    desired.revoke_orphans(&applied, &mappings, &removed);
    let actions = plan(&desired, &applied);
    let keys: Vec<_> = actions.iter().map(|a| a.key().clone()).collect();
    store.save_desired_in(&unmapped, &desired, &keys, now).await?;
    out.entitlements += desired.entitlements.len();
    out.planned += actions.len();
    holds.add(desired.holds);

    let holds = holds.finish();
    store.replace_holds(&holds, now).await?;
    out.hold_errors = holds.iter().filter(|h| h.is_error()).count();
    out.hold_notes = holds.len() - out.hold_errors;
    Ok(out)
}

/// One planned change, for `plan` (the dry run).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedChange {
    pub site: String,
    pub course: String,
    pub learner: String,
    /// `enrol`, `update`, `suspend`, `reactivate` or `unenrol`.
    pub change: &'static str,
    pub timestart: Option<i64>,
    pub timeend: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    pub changes: Vec<PlannedChange>,
    pub holds: Vec<String>,
    /// Access paid for that ended before it was ever enrolled: nothing is granted.
    pub not_granted: Vec<String>,
}

/// What a pass would change in Moodle, computed from what is stored; changes nothing.
pub async fn preview(store: &Store, now: Timestamp) -> Result<Preview, StoreError> {
    let mappings = MappingsInForce {
        active: store.mappings().await?,
        removed: store.removed_mappings().await?,
    };
    preview_with(store, now, &[], &mappings).await
}

/// As [`preview`], as if what `reads` found had been recorded (a dry run's polls) and
/// `mappings` were the stored ones, without recording either.
pub async fn preview_with(
    store: &Store,
    now: Timestamp,
    reads: &[(String, SourceRead)],
    mappings: &MappingsInForce,
) -> Result<Preview, StoreError> {
    let mut invoices = store.invoices().await?;
    for (source, read) in reads {
        overlay(&mut invoices, source, read, now);
    }
    let seats = store.seats(None).await?;
    let mut desired = desired_state(&invoices, &mappings.active, &seats, now);
    let applied = store.applied().await?;
    desired.drop_ended_before_enrolment(&applied, now);
    desired.revoke_orphans(&applied, &mappings.active, &mappings.removed);
    let changes = plan(&desired, &applied)
        .into_iter()
        .map(|a| {
            let before = applied.get(a.key());
            let after = a.outcome();
            let change = match (before, &after) {
                (_, None) => "unenrol",
                (None, Some(_)) => "enrol",
                (Some(b), Some(a)) if b.status != a.status && a.status == mm_core::EnrolmentStatus::Suspended => {
                    "suspend"
                }
                (Some(b), Some(a)) if b.status != a.status => "reactivate",
                (Some(_), Some(_)) => "update",
            };
            PlannedChange {
                site: a.key().site.clone(),
                course: a.key().course.to_string(),
                learner: a.key().learner.to_string(),
                change,
                timestart: after.as_ref().map(|x| x.timestart),
                timeend: after.as_ref().map(|x| x.timeend),
                reason: a.reason().to_string(),
            }
        })
        .collect();
    let holds = desired
        .holds
        .iter()
        .filter(|h| h.is_error())
        .map(|h| h.describe())
        .collect();
    let not_granted = desired
        .holds
        .iter()
        .filter(|h| matches!(h.reason, HoldReason::EndedBeforeEnrolment { .. }))
        .map(|h| h.describe())
        .collect();
    Ok(Preview {
        changes,
        holds,
        not_granted,
    })
}

/// `invoices` (in (source, id) order) as if `read` from `source` had been recorded at `now`.
fn overlay(invoices: &mut Vec<Invoice>, source: &str, read: &SourceRead, now: Timestamp) {
    let mut by_id: HashMap<String, Invoice> = HashMap::new();
    let mut rest = Vec::with_capacity(invoices.len());
    for inv in invoices.drain(..) {
        if inv.key.source == source {
            by_id.insert(inv.key.id.clone(), inv);
        } else {
            rest.push(inv);
        }
    }
    for s in &read.snapshots {
        let next = Invoice::recorded(by_id.get(&s.key.id), s.clone(), now);
        by_id.insert(s.key.id.clone(), next);
    }
    for id in &read.deleted {
        if let Some(inv) = by_id.get_mut(id) {
            inv.deleted = true;
        }
    }
    if let Some(present) = &read.full_sweep_ids {
        let present: BTreeSet<&str> = present.iter().map(String::as_str).collect();
        for (id, inv) in &mut by_id {
            if !present.contains(id.as_str()) {
                inv.deleted = true;
            }
        }
    }
    rest.extend(by_id.into_values());
    rest.sort_by(|a, b| a.key.cmp(&b.key));
    *invoices = rest;
}

impl Preview {
    /// The human form: per site, one line per change with its reason.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let mut site = None;
        for c in &self.changes {
            if site != Some(&c.site) {
                s.push_str(&format!("Moodle `{}`:\n", c.site));
                site = Some(&c.site);
            }
            let dates = match (c.timestart, c.timeend) {
                (Some(a), Some(0)) => format!("from {} (no end)", day(a)),
                (Some(a), Some(b)) => format!("{} → {}", day(a), day(b)),
                _ => String::new(),
            };
            s.push_str(&format!(
                "  {:<10} {:<32} {:<12} {:<26} because {}\n",
                c.change, c.learner, c.course, dates, c.reason
            ));
        }
        for h in &self.holds {
            s.push_str(&format!("held: {h}\n"));
        }
        for n in &self.not_granted {
            s.push_str(&format!("not granted: {n}\n"));
        }
        s.push_str(&format!(
            "{} changes planned; nothing was changed in Moodle\n",
            self.changes.len()
        ));
        s
    }
}

fn day(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
