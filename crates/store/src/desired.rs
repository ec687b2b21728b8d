//! The desired state read and saved a few courses at a time, so that a recompute never holds
//! every entitlement, every applied enrolment and every stored body at once.

use crate::applied::row_applied;
use crate::dialect::{self, text};
use crate::{Store, StoreError, jobs, key_strings, placeholders, row_key};
use mm_core::entitlement::Access;
use mm_core::{AppliedEnrolment, DesiredState, EntitlementKey, Hold, Timestamp};
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A course as stored: its site and its course reference as text (e.g. `PY101` or `id:42`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoredCourse {
    pub site: String,
    pub course: String,
}

impl StoredCourse {
    pub fn new(site: impl Into<String>, course: impl Into<String>) -> StoredCourse {
        StoredCourse {
            site: site.into(),
            course: course.into(),
        }
    }
}

/// The key of an entitlement that should be active, as stored (text, not parsed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActiveKey {
    pub site: String,
    pub course: String,
    pub learner: String,
}

impl Store {
    /// Every (site, course) that has a desired entitlement or an applied enrolment stored.
    pub async fn stored_courses(&self) -> Result<BTreeSet<StoredCourse>, StoreError> {
        let rows = self
            .query(
                "SELECT DISTINCT site, course FROM entitlements
             UNION SELECT DISTINCT site, course FROM applied_enrolments",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredCourse::new(
                    r.try_get::<String, _>("site")?,
                    r.try_get::<String, _>("course")?,
                ))
            })
            .collect()
    }

    /// What Moodle holds (as far as we know) in these courses only.
    pub async fn applied_in(
        &self,
        courses: &[StoredCourse],
    ) -> Result<BTreeMap<EntitlementKey, AppliedEnrolment>, StoreError> {
        let mut out = BTreeMap::new();
        for (site, some) in by_site(courses) {
            let sql = format!(
                "SELECT site, course, learner, status, role, timestart, timeend FROM applied_enrolments
                 WHERE site = $1 AND course IN ({})",
                list(some.len())
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql).bind(site);
            for c in some {
                q = q.bind(c);
            }
            for r in &q.fetch_all(&self.pool).await? {
                out.insert(row_key(r)?, row_applied(r)?);
            }
        }
        Ok(out)
    }

    /// Saves the desired state of a part of the courses: `desired` holds the entitlements of
    /// these courses (and of no other), which replace the stored ones of these courses in one
    /// transaction with the jobs of `keys_to_queue`; a key whose desired state changed is queued
    /// due now even out of back-off or the dead letter, the others are left as they are. Entitlements of other courses and holds are
    /// left alone (see [`Store::replace_holds`]).
    pub async fn save_desired_in(
        &self,
        courses: &[StoredCourse],
        desired: &DesiredState,
        keys_to_queue: &[EntitlementKey],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        // Stored bodies of these courses, by (course's index in `courses`, learner).
        let index: HashMap<(&str, &str), usize> = courses
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.site.as_str(), c.course.as_str()), i))
            .collect();
        let mut existing: HashMap<(usize, String), String> = HashMap::new();
        for (site, some) in by_site(courses) {
            let sql = format!(
                "SELECT course, learner, body FROM entitlements WHERE site = $1 AND course IN ({})",
                list(some.len())
            );
            let sql = dialect::sql_for_update(self.backend, &sql);
            let mut q = sqlx::query(&sql).bind(site);
            for c in &some {
                q = q.bind(*c);
            }
            for r in &q.fetch_all(&mut *tx).await? {
                let course: String = r.try_get("course")?;
                let Some(&i) = index.get(&(site, course.as_str())) else {
                    continue;
                };
                existing.insert((i, r.try_get("learner")?), text(r, "body")?);
            }
        }
        let mut changed: HashSet<&EntitlementKey> = HashSet::new();
        let mut rows: Vec<EntitlementRecord> = Vec::new();
        for e in desired.entitlements.values() {
            let k = key_strings(&e.key);
            let Some(&course) = index.get(&(k.0.as_str(), k.1.as_str())) else {
                return Err(StoreError::Corrupt(format!(
                    "entitlement {} saved with the courses {courses:?}, which do not include its own",
                    e.key
                )));
            };
            let body = serde_json::to_string(e)?;
            if existing.remove(&(course, k.2.clone())).is_some_and(|old| old == body) {
                continue;
            }
            changed.insert(&e.key);
            let status = match e.access {
                Access::Active { .. } => "active",
                Access::Revoked { .. } => "revoked",
            };
            rows.push(EntitlementRecord {
                key: k,
                body,
                status,
                learner_name: learner_name(&e.profile),
            });
            if rows.len() == 300 {
                upsert_entitlements(&mut tx, &rows, now).await?;
                rows.clear();
            }
        }
        upsert_entitlements(&mut tx, &rows, now).await?;
        // What is left was stored and is no longer desired.
        for ((course, learner), _) in existing {
            let StoredCourse { site, course } = &courses[course];
            self.query("DELETE FROM entitlements WHERE site = $1 AND course = $2 AND learner = $3")
                .bind(site)
                .bind(course)
                .bind(learner)
                .execute(&mut *tx)
                .await?;
        }
        // A changed desired state deserves a fresh attempt even after a dead letter.
        let (forced, gentle): (Vec<&EntitlementKey>, Vec<&EntitlementKey>) =
            keys_to_queue.iter().partition(|k| changed.contains(k));
        jobs::enqueue_many(&mut tx, &forced, now, true).await?;
        jobs::enqueue_many(&mut tx, &gentle, now, false).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces every hold (one per invoice and line: the first of several is kept).
    pub async fn replace_holds(&self, holds: &[Hold], now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.query("DELETE FROM holds").execute(&mut *tx).await?;
        for chunk in holds.chunks(200) {
            let sql = format!(
                "INSERT INTO holds (source, invoice_id, line, is_error, message, updated_at) VALUES {}
                 ON CONFLICT (source, invoice_id, line) DO NOTHING",
                placeholders(chunk.len(), 6)
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql);
            for h in chunk {
                q = q
                    .bind(h.invoice.source.as_str())
                    .bind(h.invoice.id.as_str())
                    .bind(h.line.clone().unwrap_or_default())
                    .bind(i64::from(h.is_error()))
                    .bind(h.describe())
                    .bind(now.0);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// An entitlement's row as written: its key as text, its JSON body, its status and the
/// learner's name the enrolment list searches.
struct EntitlementRecord {
    key: (String, String, String),
    body: String,
    status: &'static str,
    learner_name: String,
}

async fn upsert_entitlements(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[EntitlementRecord],
    now: Timestamp,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO entitlements (site, course, learner, body, status, updated_at, learner_name) VALUES {}
         ON CONFLICT (site, course, learner) DO UPDATE SET body = excluded.body, status = excluded.status,
           updated_at = excluded.updated_at, learner_name = excluded.learner_name",
        placeholders(rows.len(), 7)
    );
    let sql = dialect::sql(dialect::backend_of(tx), &sql);
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(&r.key.0)
            .bind(&r.key.1)
            .bind(&r.key.2)
            .bind(&r.body)
            .bind(r.status)
            .bind(now.0)
            .bind(&r.learner_name);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The learner's name as the enrolment list searches it (`learner_name`): at most 255
/// characters, MySQL's column.
fn learner_name(p: &mm_core::LearnerProfile) -> String {
    let full = format!("{} {}", p.firstname, p.lastname);
    full.trim().chars().take(255).collect()
}

/// The courses grouped by site, at most 200 to a group (one query each).
fn by_site(courses: &[StoredCourse]) -> Vec<(&str, Vec<&str>)> {
    let mut sites: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in courses {
        sites.entry(c.site.as_str()).or_default().push(c.course.as_str());
    }
    sites
        .into_iter()
        .flat_map(|(site, courses)| courses.chunks(200).map(|c| (site, c.to_vec())).collect::<Vec<_>>())
        .collect()
}

/// `$2, $3, …` for `n` values after the site's `$1`.
fn list(n: usize) -> String {
    (2..n + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// The key of every entitlement that should be active, without bodies.
    pub async fn active_keys(&self) -> Result<Vec<ActiveKey>, StoreError> {
        let rows = self
            .query("SELECT site, course, learner FROM entitlements WHERE status = 'active'")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ActiveKey {
                    site: r.try_get("site")?,
                    course: r.try_get("course")?,
                    learner: r.try_get("learner")?,
                })
            })
            .collect()
    }

    /// The desired entitlement of one key, as last saved.
    pub async fn entitlement(&self, key: &EntitlementKey) -> Result<Option<mm_core::Entitlement>, StoreError> {
        let k = key_strings(key);
        let row = self
            .query("SELECT body FROM entitlements WHERE site = $1 AND course = $2 AND learner = $3")
            .bind(&k.0)
            .bind(&k.1)
            .bind(&k.2)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(serde_json::from_str(&text(&r, "body")?)?)).transpose()
    }

    pub async fn holds(&self) -> Result<Vec<HoldRow>, StoreError> {
        let rows = self
            .query("SELECT source, invoice_id, line, is_error, message FROM holds ORDER BY source, invoice_id, line")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(HoldRow {
                    source: r.try_get("source")?,
                    invoice_id: r.try_get("invoice_id")?,
                    line: r.try_get("line")?,
                    is_error: r.try_get::<i64, _>("is_error")? != 0,
                    message: text(r, "message")?,
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldRow {
    pub source: String,
    pub invoice_id: String,
    pub line: String,
    pub is_error: bool,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use crate::testing::{backends, fresh};
    use mm_core::{Customer, InvoiceKey, InvoiceLine, InvoiceSnapshot, Mapping, Timestamp, desired_state};

    fn snapshot(source: &str, id: usize, email: &str, product: &str) -> InvoiceSnapshot {
        InvoiceSnapshot {
            currency: None,
            issued_on: None,
            paid_on: None,
            key: InvoiceKey::new(source, id.to_string()),
            number: format!("F{id}"),
            customer: Customer {
                given_names: None,
                id: format!("C{id}"),
                name: "Ada Lovelace".into(),
                email: Some(email.into()),
            },
            lines: vec![InvoiceLine {
                amount: None,
                id: "1".into(),
                product: Some(product.into()),
                quantity: 1.0,
                credits_line: None,
            }],
            paid: true,
            credit_note_for: None,
        }
    }

    fn mapping(product: &str, course: &str) -> Mapping {
        serde_json::from_value(serde_json::json!({
            "product": product, "site": "main", "course": {"Shortname": course}, "role": "student",
            "duration_secs": null, "on_revoke": "suspend",
        }))
        .expect("a mapping")
    }

    #[tokio::test]
    async fn invoices_are_read_page_by_page_in_key_order() {
        for b in backends() {
            let db = fresh(b).await.expect("db");
            let s = db.store().await;
            let mut batch = Vec::new();
            for i in 0..4_100 {
                let source = if i % 3 == 0 { "b" } else { "a" };
                batch.push(snapshot(source, i, "ada@example.org", "P1"));
            }
            s.upsert_invoices(&batch, Timestamp(100)).await.expect("upsert");
            let got: Vec<InvoiceKey> = s
                .invoices()
                .await
                .expect("invoices")
                .into_iter()
                .map(|i| i.key)
                .collect();
            let mut want: Vec<InvoiceKey> = batch.into_iter().map(|s| s.key).collect();
            want.sort();
            assert_eq!(got, want, "{b}");
        }
    }

    #[tokio::test]
    async fn a_part_replaces_its_own_courses_only() {
        for b in backends() {
            let db = fresh(b).await.expect("db");
            let s = db.store().await;
            let mappings = [mapping("P1", "C1"), mapping("P2", "C2")];
            let invoices: Vec<_> = [
                snapshot("erp", 1, "ada@example.org", "P1"),
                snapshot("erp", 2, "bob@example.org", "P1"),
                snapshot("erp", 3, "ada@example.org", "P2"),
            ]
            .into_iter()
            .map(|s| mm_core::Invoice::from_snapshot(s, Some(Timestamp(100))))
            .collect();
            let c1 = vec![crate::StoredCourse::new("main", "C1")];
            let c2 = vec![crate::StoredCourse::new("main", "C2")];
            let part = |invoices: &[mm_core::Invoice], m: &Mapping| {
                desired_state(invoices, std::slice::from_ref(m), &[], Timestamp(200))
            };
            let one = part(&invoices, &mappings[0]);
            let keys: Vec<_> = one.entitlements.keys().cloned().collect();
            s.save_desired_in(&c1, &one, &keys, Timestamp(200))
                .await
                .expect("save C1");
            let two = part(&invoices, &mappings[1]);
            s.save_desired_in(&c2, &two, &[], Timestamp(200))
                .await
                .expect("save C2");
            let rows = |s: crate::Store| async move {
                let mut k = s.active_keys().await.expect("keys");
                k.sort();
                k
            };
            assert_eq!(rows(s.clone()).await.len(), 3, "{b}");
            assert_eq!(s.job_counts().await.expect("jobs").queued, 2, "{b}");
            assert_eq!(s.stored_courses().await.expect("courses").len(), 2, "{b}");

            // Bob's invoice is gone from C1's part: only his C1 entitlement goes.
            let one = part(&invoices[..1], &mappings[0]);
            s.save_desired_in(&c1, &one, &[], Timestamp(300))
                .await
                .expect("save C1 again");
            let left: Vec<(String, String)> = rows(s.clone())
                .await
                .into_iter()
                .map(|k| (k.course, k.learner))
                .collect();
            assert_eq!(
                left,
                vec![
                    ("C1".to_string(), "ada@example.org".to_string()),
                    ("C2".to_string(), "ada@example.org".to_string())
                ],
                "{b}"
            );
            // A part's entitlement outside its courses is refused, not saved.
            assert!(s.save_desired_in(&c2, &one, &[], Timestamp(300)).await.is_err(), "{b}");

            let holds = desired_state(&invoices, &[], &[], Timestamp(300)).holds;
            assert_eq!(holds.len(), 3);
            s.replace_holds(&holds, Timestamp(300)).await.expect("holds");
            s.replace_holds(&holds[..1], Timestamp(301)).await.expect("holds again");
            assert_eq!(s.holds().await.expect("holds").len(), 1, "{b}");
            assert!(s.applied_in(&c1).await.expect("applied").is_empty());
        }
    }
}
