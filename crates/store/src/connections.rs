//! Moodle sites and invoice sources added in the web admin (`stored_sites`, `stored_sources`).
//! Secrets arrive sealed and leave sealed: this module never sees a token in clear.

use crate::dialect::{opt_text, text};
use crate::{Store, StoreError};
use mm_core::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A Moodle site as the admin entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSite {
    pub name: String,
    pub url: String,
    /// Sealed (`enc:v1:…`).
    pub token: String,
    pub allow_private_network: bool,
    pub updated_at: Timestamp,
}

/// How a stored source delivers invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredSourceKind {
    /// Polled: FacturaScripts' `api/3` at `url` with a sealed `token`, every `poll_secs`.
    FacturaScripts {
        url: String,
        token: String,
        poll_secs: i64,
        allow_private_network: bool,
    },
    /// Pushed: signed invoice events to `/webhooks/{name}`.
    Webhook,
}

/// A webhook signing secret, sealed, and the one it replaced while it is still accepted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredSecrets {
    pub current: Option<String>,
    pub previous: Option<String>,
    pub previous_until: Option<Timestamp>,
}

/// An invoice source as the admin entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSource {
    pub name: String,
    pub kind: StoredSourceKind,
    pub secrets: StoredSecrets,
    pub updated_at: Timestamp,
}

impl Store {
    pub async fn stored_sites(&self) -> Result<Vec<StoredSite>, StoreError> {
        let rows = self
            .query("SELECT name, url, token, allow_private_network, updated_at FROM stored_sites ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(site_from_row).collect()
    }

    /// Adds or replaces the site named `site.name`.
    pub async fn save_stored_site(&self, site: &StoredSite) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO stored_sites (name, url, token, allow_private_network, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, token = excluded.token,
               allow_private_network = excluded.allow_private_network, updated_at = excluded.updated_at",
        )
        .bind(&site.name)
        .bind(&site.url)
        .bind(&site.token)
        .bind(i64::from(site.allow_private_network))
        .bind(site.updated_at.0)
        .bind(site.updated_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether a site was removed.
    pub async fn remove_stored_site(&self, name: &str) -> Result<bool, StoreError> {
        let done = self
            .query("DELETE FROM stored_sites WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn stored_sources(&self) -> Result<Vec<StoredSource>, StoreError> {
        let rows = self
            .query(
                "SELECT name, kind, url, token, poll_secs, allow_private_network, secret, previous_secret,
                   previous_until, updated_at
                 FROM stored_sources ORDER BY name",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(source_from_row).collect()
    }

    /// Adds or replaces the source named `source.name`, secrets included.
    pub async fn save_stored_source(&self, source: &StoredSource) -> Result<(), StoreError> {
        let (kind, url, token, poll_secs, private) = match &source.kind {
            StoredSourceKind::FacturaScripts {
                url,
                token,
                poll_secs,
                allow_private_network,
            } => (
                "facturascripts",
                Some(url.as_str()),
                Some(token.as_str()),
                Some(*poll_secs),
                *allow_private_network,
            ),
            StoredSourceKind::Webhook => ("webhook", None, None, None, false),
        };
        self.query(
            "INSERT INTO stored_sources (name, kind, url, token, poll_secs, allow_private_network, secret,
               previous_secret, previous_until, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, url = excluded.url, token = excluded.token,
               poll_secs = excluded.poll_secs, allow_private_network = excluded.allow_private_network,
               secret = excluded.secret, previous_secret = excluded.previous_secret,
               previous_until = excluded.previous_until, updated_at = excluded.updated_at",
        )
        .bind(&source.name)
        .bind(kind)
        .bind(url)
        .bind(token)
        .bind(poll_secs)
        .bind(i64::from(private))
        .bind(source.secrets.current.as_deref())
        .bind(source.secrets.previous.as_deref())
        .bind(source.secrets.previous_until.map(|t| t.0))
        .bind(source.updated_at.0)
        .bind(source.updated_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether a source was removed.
    pub async fn remove_stored_source(&self, name: &str) -> Result<bool, StoreError> {
        let done = self
            .query("DELETE FROM stored_sources WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

fn site_from_row(r: &AnyRow) -> Result<StoredSite, StoreError> {
    Ok(StoredSite {
        name: text(r, "name")?,
        url: text(r, "url")?,
        token: text(r, "token")?,
        allow_private_network: r.try_get::<i64, _>("allow_private_network")? != 0,
        updated_at: Timestamp(r.try_get("updated_at")?),
    })
}

fn source_from_row(r: &AnyRow) -> Result<StoredSource, StoreError> {
    let name = text(r, "name")?;
    let kind = match text(r, "kind")?.as_str() {
        "facturascripts" => StoredSourceKind::FacturaScripts {
            url: opt_text(r, "url")?.unwrap_or_default(),
            token: opt_text(r, "token")?.unwrap_or_default(),
            poll_secs: r.try_get::<Option<i64>, _>("poll_secs")?.unwrap_or(60),
            allow_private_network: r.try_get::<i64, _>("allow_private_network")? != 0,
        },
        "webhook" => StoredSourceKind::Webhook,
        other => {
            return Err(StoreError::Corrupt(format!(
                "stored source `{name}` has kind `{other}`"
            )));
        }
    };
    Ok(StoredSource {
        kind,
        secrets: StoredSecrets {
            current: opt_text(r, "secret")?,
            previous: opt_text(r, "previous_secret")?,
            previous_until: r.try_get::<Option<i64>, _>("previous_until")?.map(Timestamp),
        },
        updated_at: Timestamp(r.try_get("updated_at")?),
        name,
    })
}
