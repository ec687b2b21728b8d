//! Product → course mappings (configuration as code, with tombstones).

use crate::dialect::text;
use crate::{Store, StoreError};
use mm_core::{CourseRef, Mapping, RemovalPolicy, RevokePolicy, StartsFrom, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

impl Store {
    /// Replaces the mappings declared in the configuration file (configuration as code);
    /// mappings made elsewhere are kept. A mapping no longer declared stays as a tombstone,
    /// so its `on_remove` policy can still decide about the access it granted.
    pub async fn replace_config_mappings(&self, mappings: &[Mapping]) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.query("UPDATE mappings SET removed = 1 WHERE origin = 'config'")
            .execute(&mut *tx)
            .await?;
        for m in mappings {
            self.upsert_mapping(&mut tx, m, "config").await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The mappings in force.
    pub async fn mappings(&self) -> Result<Vec<Mapping>, StoreError> {
        self.mappings_where(0).await
    }

    /// Mappings removed from the configuration (tombstones), with the policies they had.
    pub async fn removed_mappings(&self) -> Result<Vec<Mapping>, StoreError> {
        self.mappings_where(1).await
    }

    async fn mappings_where(&self, removed: i64) -> Result<Vec<Mapping>, StoreError> {
        let rows = self
            .query(
                "SELECT product, site, course, role, duration_secs, on_revoke, starts, ends, grace_secs, on_remove,
               group_name, starts_from
             FROM mappings WHERE removed = $1 ORDER BY product, site, course",
            )
            .bind(removed)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(mapping_from_row).collect()
    }

    /// The mappings as [`Store::replace_config_mappings`] with `config` would leave them, read
    /// without writing (for `plan`, a dry run): the configuration's, those added through the
    /// API that it does not override, and as removed every other one.
    pub async fn mappings_with_config(&self, config: &[Mapping]) -> Result<MappingsInForce, StoreError> {
        let rows = self
            .query(
                "SELECT product, site, course, role, duration_secs, on_revoke, starts, ends, grace_secs, on_remove,
               group_name, starts_from, origin, removed
             FROM mappings ORDER BY product, site, course",
            )
            .fetch_all(&self.pool)
            .await?;
        let in_config = |m: &Mapping| {
            config
                .iter()
                .any(|c| c.product == m.product && c.site == m.site && c.course == m.course)
        };
        let mut out = MappingsInForce {
            active: config.to_vec(),
            removed: Vec::new(),
        };
        for r in &rows {
            let m = mapping_from_row(r)?;
            if in_config(&m) {
                continue;
            }
            let kept = r.try_get::<i64, _>("removed")? == 0 && text(r, "origin")? != "config";
            if kept { out.active.push(m) } else { out.removed.push(m) }
        }
        Ok(out)
    }
}

impl Store {
    /// Writes one mapping (in force) with its origin.
    async fn upsert_mapping(
        &self,
        tx: &mut Transaction<'static, Any>,
        m: &Mapping,
        origin: &str,
    ) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO mappings (product, site, course, role, duration_secs, on_revoke, origin, starts, ends,
               grace_secs, on_remove, removed, group_name, starts_from)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13)
             ON CONFLICT (product, site, course) DO UPDATE SET role = excluded.role,
               duration_secs = excluded.duration_secs, on_revoke = excluded.on_revoke, origin = excluded.origin,
               starts = excluded.starts, ends = excluded.ends, grace_secs = excluded.grace_secs,
               on_remove = excluded.on_remove, removed = 0, group_name = excluded.group_name,
               starts_from = excluded.starts_from",
        )
        .bind(&m.product)
        .bind(&m.site)
        .bind(m.course.to_string())
        .bind(&m.role)
        .bind(m.duration_secs)
        .bind(policy_str(m.on_revoke))
        .bind(origin)
        .bind(m.window.map(|w| w.0.0))
        .bind(m.window.map(|w| w.1.0))
        .bind(m.grace_secs)
        .bind(match m.on_remove {
            RemovalPolicy::Keep => "keep",
            RemovalPolicy::Revoke => "revoke",
        })
        .bind(m.group.as_deref())
        .bind(m.starts_from.as_str())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Saves mappings made in the admin UI, all or none: a mapping the configuration file
    /// declares (and still declares) is not overwritten, the file wins and the whole batch is
    /// refused with the first such one. A UI mapping saved again is updated, a removed one
    /// (a tombstone) is in force again.
    pub async fn save_ui_mappings(&self, mappings: &[Mapping]) -> Result<SaveMappings, StoreError> {
        let mut tx = self.write_tx().await?;
        for m in mappings {
            let row = self
                .query_for_update(
                    "SELECT origin, removed FROM mappings WHERE product = $1 AND site = $2 AND course = $3",
                )
                .bind(&m.product)
                .bind(&m.site)
                .bind(m.course.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(r) = row {
                let declared =
                    text(&r, "origin")? == MappingOrigin::Config.as_str() && r.try_get::<i64, _>("removed")? == 0;
                if declared {
                    tx.rollback().await?;
                    return Ok(SaveMappings::DeclaredInConfig(Box::new(m.clone())));
                }
            }
            self.upsert_mapping(&mut tx, m, MappingOrigin::Ui.as_str()).await?;
        }
        tx.commit().await?;
        Ok(SaveMappings::Saved)
    }

    /// Removes a mapping made in the UI: it stays as a tombstone, so its `on_remove` policy
    /// decides what becomes of the access it granted. Whether one was in force; a mapping of
    /// the configuration file is never touched (remove it from the file).
    pub async fn remove_ui_mapping(&self, product: &str, site: &str, course: &CourseRef) -> Result<bool, StoreError> {
        let done = self
            .query(
                "UPDATE mappings SET removed = 1
                 WHERE product = $1 AND site = $2 AND course = $3 AND origin = 'ui' AND removed = 0",
            )
            .bind(product)
            .bind(site)
            .bind(course.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The mappings in force with where each comes from, for the admin's list.
    pub async fn mappings_with_origin(&self) -> Result<Vec<StoredMapping>, StoreError> {
        let rows = self
            .query(
                "SELECT product, site, course, role, duration_secs, on_revoke, starts, ends, grace_secs, on_remove,
               group_name, starts_from, origin
             FROM mappings WHERE removed = 0 ORDER BY product, site, course",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredMapping {
                    mapping: mapping_from_row(r)?,
                    origin: MappingOrigin::parse(&text(r, "origin")?),
                })
            })
            .collect()
    }
}

/// Where a mapping was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappingOrigin {
    /// A `[[mapping]]` block of config.toml: read-only elsewhere.
    Config,
    /// Added in the admin UI (or its CSV import), kept in the database.
    Ui,
}

impl MappingOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            MappingOrigin::Config => "config",
            MappingOrigin::Ui => "ui",
        }
    }

    /// Anything but `config` was made outside the file, hence editable.
    fn parse(raw: &str) -> MappingOrigin {
        if raw == "config" {
            MappingOrigin::Config
        } else {
            MappingOrigin::Ui
        }
    }
}

/// A mapping in force and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMapping {
    pub mapping: Mapping,
    pub origin: MappingOrigin,
}

/// What [`Store::save_ui_mappings`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveMappings {
    Saved,
    /// Nothing saved: this mapping's (product, site, course) is declared in config.toml.
    DeclaredInConfig(Box<Mapping>),
}

/// The mappings a recompute uses: those in force, and the removed ones (their `on_remove`
/// policy decides what becomes of what they granted).
#[derive(Debug, Clone, Default)]
pub struct MappingsInForce {
    pub active: Vec<Mapping>,
    pub removed: Vec<Mapping>,
}

fn mapping_from_row(r: &AnyRow) -> Result<Mapping, StoreError> {
    let course: String = r.try_get("course")?;
    Ok(Mapping {
        product: r.try_get("product")?,
        site: r.try_get("site")?,
        course: CourseRef::parse(&course).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        role: r.try_get("role")?,
        duration_secs: r.try_get("duration_secs")?,
        window: match (
            r.try_get::<Option<i64>, _>("starts")?,
            r.try_get::<Option<i64>, _>("ends")?,
        ) {
            (Some(a), Some(b)) => Some((Timestamp(a), Timestamp(b))),
            _ => None,
        },
        on_revoke: match r.try_get::<String, _>("on_revoke")?.as_str() {
            "unenrol" => RevokePolicy::Unenrol,
            _ => RevokePolicy::Suspend,
        },
        grace_secs: r.try_get("grace_secs")?,
        on_remove: match r.try_get::<String, _>("on_remove")?.as_str() {
            "revoke" => RemovalPolicy::Revoke,
            _ => RemovalPolicy::Keep,
        },
        group: r.try_get("group_name")?,
        starts_from: StartsFrom::parse(&text(r, "starts_from")?).unwrap_or_default(),
    })
}

fn policy_str(p: RevokePolicy) -> &'static str {
    match p {
        RevokePolicy::Suspend => "suspend",
        RevokePolicy::Unenrol => "unenrol",
    }
}
