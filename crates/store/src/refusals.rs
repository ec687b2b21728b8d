//! Sources that refused us: kept across processes, so that each `reconcile --once` started by
//! cron does not spend one more of the refusals that make FacturaScripts ban our IP.

use crate::dialect::text;
use crate::{Store, StoreError};
use mm_core::Timestamp;

/// A source's refusal: no request to it before `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRefusal {
    pub until: Timestamp,
    /// What the source answered, with its fix.
    pub message: String,
}

impl Store {
    /// The refusal in force for `source` at `now`, if any.
    pub async fn source_refusal(&self, source: &str, now: Timestamp) -> Result<Option<SourceRefusal>, StoreError> {
        let row = self
            .query("SELECT blocked_until, message FROM source_refusals WHERE source = $1 AND blocked_until > $2")
            .bind(source)
            .bind(now.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(SourceRefusal {
                until: Timestamp(sqlx::Row::try_get(&r, "blocked_until")?),
                message: text(&r, "message")?,
            })
        })
        .transpose()
    }

    /// Records that `source` refused us: nothing is sent to it before `refusal.until`.
    pub async fn set_source_refusal(
        &self,
        source: &str,
        refusal: &SourceRefusal,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO source_refusals (source, blocked_until, message, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (source) DO UPDATE SET blocked_until = excluded.blocked_until, message = excluded.message,
               updated_at = excluded.updated_at",
        )
        .bind(source)
        .bind(refusal.until.0)
        .bind(&refusal.message)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a source's refusal (it answered again).
    pub async fn clear_source_refusal(&self, source: &str) -> Result<(), StoreError> {
        self.query("DELETE FROM source_refusals WHERE source = $1")
            .bind(source)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
