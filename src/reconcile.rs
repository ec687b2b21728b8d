//! One reconciliation step: invoices + mappings → desired state → plan against what Moodle
//! holds → jobs for the keys that differ, saved in one transaction.

use mm_core::{Timestamp, desired_state, plan};
use mm_store::{Store, StoreError};

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

pub async fn recompute(store: &Store, now: Timestamp) -> Result<Recompute, StoreError> {
    let invoices = store.invoices().await?;
    let mappings = store.mappings().await?;
    let mut desired = desired_state(&invoices, &mappings);
    let applied = store.applied().await?;
    desired.revoke_orphans(applied.keys(), &mappings);
    let actions = plan(&desired, &applied);
    let keys: Vec<_> = actions.iter().map(|a| a.key().clone()).collect();
    store.save_desired(&desired, &keys, now).await?;
    let hold_errors = desired.holds.iter().filter(|h| h.is_error()).count();
    Ok(Recompute {
        invoices: invoices.len(),
        entitlements: desired.entitlements.len(),
        hold_errors,
        hold_notes: desired.holds.len() - hold_errors,
        planned: actions.len(),
    })
}
