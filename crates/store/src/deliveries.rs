//! Webhook deliveries: stored before they are acknowledged, deduplicated by `webhook-id`.

use crate::dialect::text;
use crate::{Store, StoreError};
use mm_core::Timestamp;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDelivery {
    pub source: String,
    pub id: String,
    pub body: String,
    /// The delivery's signed timestamp.
    pub version: i64,
}

impl Store {
    /// Stores a verified delivery; `false` when this (source, id) was already received.
    /// `version` is the delivery's signed timestamp.
    pub async fn record_delivery(
        &self,
        source: &str,
        id: &str,
        body: &str,
        version: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let r = self
            .query(
                "INSERT INTO webhook_deliveries (source, id, received_at, body, processed, version)
             VALUES ($1, $2, $3, $4, 0, $5)
             ON CONFLICT (source, id) DO NOTHING",
            )
            .bind(source)
            .bind(id)
            .bind(now.0)
            .bind(body)
            .bind(version)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn mark_delivery_processed(&self, source: &str, id: &str) -> Result<(), StoreError> {
        self.query("UPDATE webhook_deliveries SET processed = 1 WHERE source = $1 AND id = $2")
            .bind(source)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deliveries acknowledged but not applied yet, oldest first.
    pub async fn pending_deliveries(&self) -> Result<Vec<StoredDelivery>, StoreError> {
        let rows = self
            .query(
                "SELECT source, id, body, COALESCE(version, received_at) AS version FROM webhook_deliveries
             WHERE processed = 0 ORDER BY received_at, source, id",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredDelivery {
                    source: r.try_get("source")?,
                    id: r.try_get("id")?,
                    body: text(r, "body")?,
                    version: r.try_get("version")?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Whether a received delivery was applied (`None`: never received).
    pub async fn delivery_processed(&self, source: &str, id: &str) -> Result<Option<bool>, StoreError> {
        let row = self
            .query("SELECT processed FROM webhook_deliveries WHERE source = $1 AND id = $2")
            .bind(source)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| r.try_get::<i64, _>("processed"))
            .transpose()?
            .map(|p| p != 0))
    }
}

/// A received delivery as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub source: String,
    pub id: String,
    pub received_at: Timestamp,
    pub processed: bool,
    pub body: String,
}

impl Store {
    /// The newest deliveries first.
    pub async fn recent_deliveries(&self, limit: i64) -> Result<Vec<DeliveryRecord>, StoreError> {
        let rows = self
            .query(
                "SELECT source, id, received_at, processed, body FROM webhook_deliveries
                 ORDER BY received_at DESC, id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DeliveryRecord {
                    source: r.try_get("source")?,
                    id: r.try_get("id")?,
                    received_at: Timestamp(r.try_get("received_at")?),
                    processed: r.try_get::<i64, _>("processed")? != 0,
                    body: text(r, "body")?,
                })
            })
            .collect()
    }

    /// Marks a delivery to be applied again; `false` when there is no such delivery.
    pub async fn mark_delivery_pending(&self, source: &str, id: &str) -> Result<bool, StoreError> {
        let done = self
            .query("UPDATE webhook_deliveries SET processed = 0 WHERE source = $1 AND id = $2")
            .bind(source)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
