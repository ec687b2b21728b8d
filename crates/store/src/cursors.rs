//! Per-source poll cursors.

use crate::dialect::text;
use crate::{Store, StoreError};
use mm_core::Timestamp;

impl Store {
    pub async fn cursor(&self, source: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .query("SELECT cursor FROM source_cursors WHERE source = $1")
            .bind(source)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| text(&r, "cursor")).transpose()?)
    }

    pub async fn set_cursor(&self, source: &str, cursor: &str, now: Timestamp) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO source_cursors (source, cursor, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        )
        .bind(source)
        .bind(cursor)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
