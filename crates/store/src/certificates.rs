//! Certificates (table `certificates`), the keys that sign them (`signing_keys`) and the mail
//! outbox (`outbox`, a leased [`crate::Queue`] keyed by [`MailKey`]).
//!
//! A certificate row is written once, with its signed token, in the same transaction that marks
//! the version it supersedes and queues its mail: a crash leaves either all of it or none. The
//! unique (key, version) makes a second issuer (a replica, a retry) insert nothing.

use crate::dialect::{opt_text, text};
use crate::queue::{self, QueueKey};
use crate::{Store, StoreError, key_strings, row_key};
use mm_core::certificate::LatestCertificate;
use mm_core::{EntitlementKey, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What a mail in the outbox is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MailKind {
    /// The certificate, attached, to its learner.
    Certificate,
    /// The learner is told their certificate was revoked.
    Revoked,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Certificate => "certificate",
            MailKind::Revoked => "revoked",
        }
    }

    fn parse(s: &str) -> Result<MailKind, StoreError> {
        match s {
            "certificate" => Ok(MailKind::Certificate),
            "revoked" => Ok(MailKind::Revoked),
            other => Err(StoreError::Corrupt(format!("unknown mail kind `{other}`"))),
        }
    }
}

/// A mail to send: a certificate's code and what the mail says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MailKey {
    pub code: String,
    pub kind: MailKind,
}

impl QueueKey for MailKey {
    const TABLE: &'static str = "outbox";
    const COLUMNS: &'static [&'static str] = &["code", "kind"];

    fn values(&self) -> Vec<String> {
        vec![self.code.clone(), self.kind.as_str().to_string()]
    }

    fn from_row(r: &AnyRow) -> Result<Self, StoreError> {
        Ok(MailKey {
            code: r.try_get("code")?,
            kind: MailKind::parse(&r.try_get::<String, _>("kind")?)?,
        })
    }
}

/// A certificate about to be issued, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertificate {
    pub code: String,
    pub number: String,
    pub key: EntitlementKey,
    pub version: u32,
    pub learner_name: String,
    pub course_name: String,
    pub hours: Option<String>,
    pub lang: String,
    pub completed_at: Timestamp,
    pub issued_at: Timestamp,
    pub valid_until: Option<Timestamp>,
    /// `completion` or `admin`.
    pub cause: String,
    /// The signed payload, as carried by the QR code.
    pub token: String,
    pub kid: String,
}

/// A stored certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRow {
    pub cert: NewCertificate,
    /// SHA-256 (hex) and size of the rendered, sealed PDF; `None` until rendered.
    pub sha256: Option<String>,
    pub size: Option<i64>,
    /// The code of the version that replaces it.
    pub superseded_by: Option<String>,
    pub revoked: Option<Revocation>,
    pub emailed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub at: Timestamp,
    pub reason: String,
}

/// Which certificates to list.
#[derive(Debug, Clone, Default)]
pub struct CertificateFilter {
    pub site: Option<String>,
    pub course: Option<String>,
    pub learner: Option<String>,
}

/// A signing key as stored: the secret is sealed when a secrets key is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSigningKey {
    pub kid: String,
    /// URL-safe base64 of the 32-byte public key.
    pub public_key: String,
    pub secret: String,
    pub created_at: Timestamp,
    pub retired_at: Option<Timestamp>,
}

/// A completion of an active entitlement that no certificate covers yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncertifiedCompletion {
    pub key: EntitlementKey,
    /// Moodle's completion time, as progress sync stored it.
    pub completed_at: Timestamp,
    /// The key's latest certificate (an earlier completion's), if any.
    pub latest: Option<LatestCertificate>,
}

fn latest_of(r: &AnyRow) -> Result<LatestCertificate, StoreError> {
    let version: i64 = r.try_get("version")?;
    Ok(LatestCertificate {
        version: u32::try_from(version).map_err(|_| StoreError::Corrupt(format!("certificate version {version}")))?,
        completed_at: Timestamp(r.try_get("completed_at")?),
        revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
    })
}

const COLUMNS: &str = "code, number, site, course, learner, version, learner_name, course_name, hours, lang,
    completed_at, issued_at, valid_until, cause, token, kid, sha256, size, superseded_by, revoked_at,
    revoked_reason, emailed_at";

fn certificate_row(r: &AnyRow) -> Result<CertificateRow, StoreError> {
    let version: i64 = r.try_get("version")?;
    let revoked_at: Option<i64> = r.try_get("revoked_at")?;
    Ok(CertificateRow {
        cert: NewCertificate {
            code: r.try_get("code")?,
            number: r.try_get("number")?,
            key: row_key(r)?,
            version: u32::try_from(version)
                .map_err(|_| StoreError::Corrupt(format!("certificate version {version}")))?,
            learner_name: text(r, "learner_name")?,
            course_name: text(r, "course_name")?,
            hours: opt_text(r, "hours")?,
            lang: r.try_get("lang")?,
            completed_at: Timestamp(r.try_get("completed_at")?),
            issued_at: Timestamp(r.try_get("issued_at")?),
            valid_until: r.try_get::<Option<i64>, _>("valid_until")?.map(Timestamp),
            cause: r.try_get("cause")?,
            token: text(r, "token")?,
            kid: r.try_get("kid")?,
        },
        sha256: r.try_get("sha256")?,
        size: r.try_get("size")?,
        superseded_by: r.try_get("superseded_by")?,
        revoked: match revoked_at {
            Some(at) => Some(Revocation {
                at: Timestamp(at),
                reason: opt_text(r, "revoked_reason")?.unwrap_or_default(),
            }),
            None => None,
        },
        emailed_at: r.try_get::<Option<i64>, _>("emailed_at")?.map(Timestamp),
    })
}

impl Store {
    /// Stores a certificate, marks the version it supersedes and queues its mail, in one
    /// transaction. `false` when this version of the key already exists (another issuer won).
    pub async fn insert_certificate(&self, c: &NewCertificate, mail: bool, now: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let (site, course, learner) = key_strings(&c.key);
        let inserted = self
            .query(
                "INSERT INTO certificates (code, number, site, course, learner, version, learner_name, course_name,
                   hours, lang, completed_at, issued_at, valid_until, cause, token, kid)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(&c.code)
            .bind(&c.number)
            .bind(&site)
            .bind(&course)
            .bind(&learner)
            .bind(i64::from(c.version))
            .bind(&c.learner_name)
            .bind(&c.course_name)
            .bind(c.hours.as_deref())
            .bind(&c.lang)
            .bind(c.completed_at.0)
            .bind(c.issued_at.0)
            .bind(c.valid_until.map(|t| t.0))
            .bind(&c.cause)
            .bind(&c.token)
            .bind(&c.kid)
            .execute(&mut *tx)
            .await;
        match inserted {
            Ok(_) => {}
            // This version (or code, or number) exists: another issuer got there first.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        self.query(
            "UPDATE certificates SET superseded_by = $1
             WHERE site = $2 AND course = $3 AND learner = $4 AND version < $5 AND superseded_by IS NULL",
        )
        .bind(&c.code)
        .bind(&site)
        .bind(&course)
        .bind(&learner)
        .bind(i64::from(c.version))
        .execute(&mut *tx)
        .await?;
        if mail {
            let key = MailKey {
                code: c.code.clone(),
                kind: MailKind::Certificate,
            };
            queue::enqueue_in(&mut tx, &[&key], now, true).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The latest certificate of one key, if it has any.
    pub async fn latest_certificate(&self, key: &EntitlementKey) -> Result<Option<LatestCertificate>, StoreError> {
        let (site, course, learner) = key_strings(key);
        let row = self
            .query(
                "SELECT version, completed_at, revoked_at FROM certificates
                 WHERE site = $1 AND course = $2 AND learner = $3 ORDER BY version DESC LIMIT 1",
            )
            .bind(site)
            .bind(course)
            .bind(learner)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(latest_of).transpose()
    }

    /// The completions that may call for a certificate, with their key's latest certificate:
    /// complete, their entitlement active, and no certificate for this completion or a later
    /// one. Filtered here so that the minute's pass reads only the few new ones; whether each
    /// is due, and which version, `mm_core::certificate::certificate_due` decides.
    pub async fn uncertified_completions(&self) -> Result<Vec<UncertifiedCompletion>, StoreError> {
        let rows = self
            .query(
                "SELECT p.site, p.course, p.learner, p.completed_at AS progress_completed_at,
                    c.version, c.completed_at, c.revoked_at
                 FROM progress p
                 JOIN entitlements e ON e.site = p.site AND e.course = p.course AND e.learner = p.learner
                 LEFT JOIN certificates c ON c.site = p.site AND c.course = p.course AND c.learner = p.learner
                   AND c.version = (SELECT MAX(v.version) FROM certificates v
                                    WHERE v.site = p.site AND v.course = p.course AND v.learner = p.learner)
                 WHERE p.completed_at IS NOT NULL AND e.status = 'active'
                   AND (c.version IS NULL OR c.completed_at < p.completed_at)",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let latest = match r.try_get::<Option<i64>, _>("version")? {
                    Some(_) => Some(latest_of(r)?),
                    None => None,
                };
                Ok(UncertifiedCompletion {
                    key: row_key(r)?,
                    completed_at: Timestamp(r.try_get("progress_completed_at")?),
                    latest,
                })
            })
            .collect()
    }

    pub async fn certificate(&self, code: &str) -> Result<Option<CertificateRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE code = $1");
        let row = sqlx::query(&crate::dialect::sql(self.backend, &sql))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(certificate_row).transpose()
    }

    /// A certificate by its code or its printed number.
    pub async fn find_certificate(&self, code_or_number: &str) -> Result<Option<CertificateRow>, StoreError> {
        if let Some(c) = self.certificate(code_or_number).await? {
            return Ok(Some(c));
        }
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE number = $1");
        let row = sqlx::query(&crate::dialect::sql(self.backend, &sql))
            .bind(code_or_number)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(certificate_row).transpose()
    }

    /// Certificates matching `filter`, newest first.
    pub async fn certificates(&self, filter: &CertificateFilter) -> Result<Vec<CertificateRow>, StoreError> {
        self.certificates_page(filter, 0, None).await
    }

    /// A page of [`Store::certificates`]: `limit` rows (all when `None`) after the first `offset`.
    pub async fn certificates_page(
        &self,
        filter: &CertificateFilter,
        offset: i64,
        limit: Option<i64>,
    ) -> Result<Vec<CertificateRow>, StoreError> {
        let fields = [
            ("site", &filter.site),
            ("course", &filter.course),
            ("learner", &filter.learner),
        ];
        let present: Vec<(&str, &String)> = fields.iter().filter_map(|(c, v)| v.as_ref().map(|v| (*c, v))).collect();
        let mut sql = format!("SELECT {COLUMNS} FROM certificates WHERE 1 = 1");
        for (i, (column, _)) in present.iter().enumerate() {
            sql.push_str(&format!(" AND {column} = ${}", i + 1));
        }
        sql.push_str(" ORDER BY issued_at DESC, number DESC");
        if limit.is_some() {
            sql.push_str(&format!(" LIMIT ${} OFFSET ${}", present.len() + 1, present.len() + 2));
        }
        let sql = crate::dialect::sql(self.backend, &sql);
        let mut q = sqlx::query(&sql);
        for (_, value) in &present {
            q = q.bind(value.as_str());
        }
        if let Some(limit) = limit {
            q = q.bind(limit).bind(offset);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(certificate_row).collect()
    }

    /// Certificates whose PDF was not rendered yet (a crash between issuing and rendering).
    pub async fn certificates_without_file(&self) -> Result<Vec<CertificateRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE sha256 IS NULL ORDER BY issued_at");
        let rows = sqlx::query(&crate::dialect::sql(self.backend, &sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(certificate_row).collect()
    }

    /// Certificates not revoked whose entitlement is no longer active: the only ones a
    /// revocation may concern (the others' access still stands).
    pub async fn certificates_without_access(&self) -> Result<Vec<CertificateRow>, StoreError> {
        let columns = COLUMNS
            .split(',')
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM certificates c
             JOIN entitlements e ON e.site = c.site AND e.course = c.course AND e.learner = c.learner
             WHERE c.revoked_at IS NULL AND e.status <> 'active' ORDER BY c.issued_at"
        );
        let rows = sqlx::query(&crate::dialect::sql(self.backend, &sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(certificate_row).collect()
    }

    pub async fn set_certificate_file(&self, code: &str, sha256: &str, size: i64) -> Result<(), StoreError> {
        self.query("UPDATE certificates SET sha256 = $1, size = $2 WHERE code = $3")
            .bind(sha256)
            .bind(size)
            .bind(code)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Revokes a certificate and, when `mail`, queues the learner's notice; `false` when it
    /// already was revoked.
    pub async fn revoke_certificate(
        &self,
        code: &str,
        reason: &str,
        mail: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let done = self
            .query(
                "UPDATE certificates SET revoked_at = $1, revoked_reason = $2 WHERE code = $3 AND revoked_at IS NULL",
            )
            .bind(now.0)
            .bind(reason)
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done > 0 && mail {
            let key = MailKey {
                code: code.to_string(),
                kind: MailKind::Revoked,
            };
            queue::enqueue_in(&mut tx, &[&key], now, true).await?;
        }
        tx.commit().await?;
        Ok(done > 0)
    }

    /// Queues a certificate's mail again (`certificate resend`).
    pub async fn queue_mail(&self, key: &MailKey, now: Timestamp) -> Result<(), StoreError> {
        self.queue::<MailKey>()
            .enqueue(std::slice::from_ref(key), true, now)
            .await
    }

    pub async fn mark_emailed(&self, code: &str, now: Timestamp) -> Result<(), StoreError> {
        self.query("UPDATE certificates SET emailed_at = $1 WHERE code = $2")
            .bind(now.0)
            .bind(code)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every signing key, newest first.
    pub async fn signing_keys(&self) -> Result<Vec<StoredSigningKey>, StoreError> {
        let rows = self
            .query("SELECT kid, public_key, secret, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, kid")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredSigningKey {
                    kid: r.try_get("kid")?,
                    public_key: text(r, "public_key")?,
                    secret: text(r, "secret")?,
                    created_at: Timestamp(r.try_get("created_at")?),
                    retired_at: r.try_get::<Option<i64>, _>("retired_at")?.map(Timestamp),
                })
            })
            .collect()
    }

    /// Adds a key; the earlier active ones are retired (they keep verifying). `false` when an
    /// active key exists and `replace` is not set (two replicas starting at once make one).
    pub async fn add_signing_key(&self, key: &StoredSigningKey, replace: bool) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let active: i64 = self
            .query("SELECT COUNT(*) AS n FROM signing_keys WHERE retired_at IS NULL")
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if active > 0 && !replace {
            return Ok(false);
        }
        self.query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(key.created_at.0)
            .execute(&mut *tx)
            .await?;
        self.query("INSERT INTO signing_keys (kid, public_key, secret, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&key.kid)
            .bind(&key.public_key)
            .bind(&key.secret)
            .bind(key.created_at.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
