//! Revenue per day (`revenue_days`): the paid amounts of `invoice_lines` summed per (product,
//! currency, UTC day), kept by applying each write's delta in the same transaction. The
//! dashboard then sums a year of days per product instead of reading every line.

use crate::{StoreError, dialect, placeholders};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

/// Seconds in a day: `revenue_days.day` is a multiple of it (the midnight, UTC, that starts the
/// day).
pub(crate) const DAY: i64 = 86_400;

/// The stored form of "no currency": a key column cannot be NULL.
const NO_CURRENCY: &str = "";

/// One row's key in `revenue_days`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RevenueDay {
    product: String,
    currency: String,
    day: i64,
}

/// One invoice line as revenue sees it: it counts when it has a product, an amount and a
/// payment date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineAmount<'a> {
    pub(crate) product: Option<&'a str>,
    pub(crate) currency: Option<&'a str>,
    pub(crate) paid_on: Option<i64>,
    pub(crate) cents: Option<i64>,
}

/// What a write changes in `revenue_days`, in key order: concurrent writers then lock the rows
/// they share in the same order, so they wait for each other instead of deadlocking.
#[derive(Debug, Default)]
pub(crate) struct RevenueDelta(BTreeMap<RevenueDay, i64>);

impl RevenueDelta {
    /// Counts a line written (`sign` 1) or removed (`sign` -1).
    fn count(&mut self, line: LineAmount<'_>, sign: i64) {
        let (Some(product), Some(paid_on), Some(cents)) = (line.product, line.paid_on, line.cents) else {
            return;
        };
        let key = RevenueDay {
            product: product.to_owned(),
            currency: line.currency.unwrap_or(NO_CURRENCY).to_owned(),
            day: paid_on - paid_on.rem_euclid(DAY),
        };
        *self.0.entry(key).or_default() += sign * cents;
    }

    pub(crate) fn merge(&mut self, other: RevenueDelta) {
        for (key, cents) in other.0 {
            *self.0.entry(key).or_default() += cents;
        }
    }

    pub(crate) fn written(&mut self, line: LineAmount<'_>) {
        self.count(line, 1);
    }

    /// Subtracts lines read back as `product, currency, paid_on, amount_cents`.
    pub(crate) fn removed(&mut self, rows: &[AnyRow]) -> Result<(), StoreError> {
        for r in rows {
            let product: Option<String> = r.try_get("product")?;
            let currency: Option<String> = r.try_get("currency")?;
            let line = LineAmount {
                product: product.as_deref(),
                currency: currency.as_deref(),
                paid_on: r.try_get("paid_on")?,
                cents: r.try_get("amount_cents")?,
            };
            self.count(line, -1);
        }
        Ok(())
    }

    /// Adds the delta to `revenue_days`, skipping the days it leaves unchanged.
    pub(crate) async fn apply(self, tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
        let rows: Vec<(RevenueDay, i64)> = self.0.into_iter().filter(|(_, cents)| *cents != 0).collect();
        let backend = dialect::backend_of(tx);
        for chunk in rows.chunks(200) {
            let sql = format!(
                "INSERT INTO revenue_days (product, currency, day, cents) VALUES {}
                 ON CONFLICT (product, currency, day) DO UPDATE SET cents = revenue_days.cents + excluded.cents",
                placeholders(chunk.len(), 4)
            );
            let sql = dialect::sql(backend, &sql);
            let mut q = sqlx::query(&sql);
            for (key, cents) in chunk {
                q = q
                    .bind(key.product.as_str())
                    .bind(key.currency.as_str())
                    .bind(key.day)
                    .bind(*cents);
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// The stored currency as the dashboard reports it.
pub(crate) fn currency_of(stored: Option<String>) -> Option<String> {
    stored.filter(|c| c != NO_CURRENCY)
}

/// Whether a range starts and ends at midnight, so that whole days of `revenue_days` sum it.
pub(crate) fn whole_days(from: i64, to: i64) -> bool {
    from.rem_euclid(DAY) == 0 && to.rem_euclid(DAY) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_nets_what_was_removed_against_what_was_written() {
        let mut d = RevenueDelta::default();
        let line = |cents| LineAmount {
            product: Some("P1"),
            currency: Some("EUR"),
            paid_on: Some(3 * DAY + 5),
            cents: Some(cents),
        };
        d.count(line(500), -1);
        d.written(line(700));
        d.written(LineAmount {
            product: None,
            ..line(9)
        });
        let (key, cents) = d.0.into_iter().next().unwrap_or_else(|| panic!("one day"));
        assert_eq!((key.day, cents), (3 * DAY, 200));
    }
}
