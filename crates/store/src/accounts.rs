//! Moodle accounts: user ids and idnumbers per learner and site, counters, email changes.

use crate::dialect;
use crate::{Backend, Store, StoreError, placeholders};
use mm_core::{Email, Timestamp};
use sqlx::Row;

impl Store {
    /// Reserves `n` consecutive numbers of a named counter; returns the first. Numbers start at
    /// 1 and are never handed out twice, whichever replica asks.
    pub async fn reserve_numbers(&self, counter: &str, n: i64) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let last: i64 = match self.backend {
            Backend::Sqlite | Backend::Postgres => sqlx::query(
                "INSERT INTO counters (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
            )
            .bind(counter)
            .bind(n)
            .fetch_one(&mut *tx)
            .await?
            .try_get("value")?,
            // MySQL has no `RETURNING`: the upsert locks the row until the commit, so the value
            // read back in the same transaction is ours.
            Backend::MySql => {
                sqlx::query(
                    "INSERT INTO counters (name, value) VALUES (?, ?)
                     ON DUPLICATE KEY UPDATE value = value + VALUES(value)",
                )
                .bind(counter)
                .bind(n)
                .execute(&mut *tx)
                .await?;
                sqlx::query("SELECT value FROM counters WHERE name = ?")
                    .bind(counter)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("value")?
            }
        };
        tx.commit().await?;
        Ok(last - n + 1)
    }

    /// A learner's address changed and their Moodle account was found by its idnumber: what
    /// we knew under the old address (the account, the enrolments applied) now belongs to the
    /// new one, so nothing is revoked from, or created twice for, the same person.
    /// Each moved enrolment gets an audit entry (`change_email`, before/after the addresses).
    pub async fn rename_learner(
        &self,
        site: &str,
        from: &Email,
        to: &Email,
        moodle_user: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        match self.backend {
            Backend::Sqlite | Backend::Postgres => {
                sqlx::query(
                    "UPDATE applied_enrolments SET learner = $3 WHERE site = $1 AND learner = $2
                       AND NOT EXISTS (SELECT 1 FROM applied_enrolments a
                                       WHERE a.site = $1 AND a.course = applied_enrolments.course AND a.learner = $3)",
                )
                .bind(site)
                .bind(from.as_str())
                .bind(to.as_str())
                .execute(&mut *tx)
                .await?;
            }
            // MySQL refuses a subquery on the table being updated: a self-join says the same.
            Backend::MySql => {
                sqlx::query(
                    "UPDATE applied_enrolments t
                     LEFT JOIN applied_enrolments a ON a.site = t.site AND a.course = t.course AND a.learner = ?
                     SET t.learner = ? WHERE t.site = ? AND t.learner = ? AND a.site IS NULL",
                )
                .bind(to.as_str())
                .bind(to.as_str())
                .bind(site)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?;
            }
        }
        // The account is known by its new address from now on.
        self.query("DELETE FROM moodle_users WHERE site = $1 AND learner = $2")
            .bind(site)
            .bind(to.as_str())
            .execute(&mut *tx)
            .await?;
        self.query("UPDATE moodle_users SET learner = $1 WHERE site = $2 AND learner = $3")
            .bind(to.as_str())
            .bind(site)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?;
        self.query(
            "INSERT INTO audit_log (at, site, course, learner, action, before, after, reason, job, ok, error)
             SELECT $1, site, course, learner, 'change_email', $2, learner, $3, '', 1, NULL
             FROM applied_enrolments WHERE site = $4 AND learner = $5",
        )
        .bind(now.0)
        .bind(from.as_str())
        .bind(format!(
            "the learner's email changed; Moodle account {moodle_user} (found by its idnumber) now has the new one"
        ))
        .bind(site)
        .bind(to.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    pub async fn moodle_user(&self, site: &str, learner: &Email) -> Result<Option<i64>, StoreError> {
        let row = self
            .query("SELECT user_id FROM moodle_users WHERE site = $1 AND learner = $2")
            .bind(site)
            .bind(learner.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("user_id")).transpose()?)
    }

    pub async fn set_moodle_user(&self, site: &str, learner: &Email, user_id: i64) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO moodle_users (site, learner, user_id) VALUES ($1, $2, $3)
             ON CONFLICT (site, learner) DO UPDATE SET user_id = excluded.user_id",
        )
        .bind(site)
        .bind(learner.as_str())
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The known Moodle user ids of many learners on one site, in one query per 500.
    pub async fn moodle_users(
        &self,
        site: &str,
        learners: &[&Email],
    ) -> Result<std::collections::HashMap<Email, i64>, StoreError> {
        let mut out = std::collections::HashMap::with_capacity(learners.len());
        for chunk in learners.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT learner, user_id FROM moodle_users WHERE site = $1 AND learner IN ({})",
                list.join(", ")
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql).bind(site);
            for l in chunk {
                q = q.bind(l.as_str());
            }
            for r in q.fetch_all(&self.pool).await? {
                let learner: String = r.try_get("learner")?;
                let email = Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                out.insert(email, r.try_get("user_id")?);
            }
        }
        Ok(out)
    }

    /// Remembers many learners' Moodle user ids at once.
    pub async fn set_moodle_users(&self, site: &str, users: &[MoodleUserId]) -> Result<(), StoreError> {
        let rows: Vec<(&str, i64)> = users.iter().map(|u| (u.email.as_str(), u.user_id)).collect();
        self.upsert_user_ids("moodle_users", "learner", site, &rows).await
    }

    /// Remembers the idnumbers we gave accounts we created.
    pub async fn set_moodle_idnumbers(&self, site: &str, accounts: &[MoodleIdnumber]) -> Result<(), StoreError> {
        let rows: Vec<(&str, i64)> = accounts.iter().map(|a| (a.idnumber.as_str(), a.user_id)).collect();
        self.upsert_user_ids("moodle_idnumbers", "idnumber", site, &rows).await
    }

    /// Upserts `(site, <column>, user_id)` rows of a per-site map to Moodle user ids, in one
    /// transaction of multi-row statements. `table` and `column` are ours, never user input.
    async fn upsert_user_ids(
        &self,
        table: &'static str,
        column: &'static str,
        site: &str,
        rows: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for chunk in rows.chunks(300) {
            let sql = format!(
                "INSERT INTO {table} (site, {column}, user_id) VALUES {}
                 ON CONFLICT (site, {column}) DO UPDATE SET user_id = excluded.user_id",
                placeholders(chunk.len(), 3)
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql);
            for (name, id) in chunk {
                q = q.bind(site).bind(*name).bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Accounts we created with these idnumbers, and the address we know each by:
    /// idnumber → the account.
    pub async fn accounts_by_idnumber(
        &self,
        site: &str,
        idnumbers: &[&str],
    ) -> Result<std::collections::HashMap<String, KnownAccount>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in idnumbers.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT i.idnumber, i.user_id, u.learner FROM moodle_idnumbers i
                 JOIN moodle_users u ON u.site = i.site AND u.user_id = i.user_id
                 WHERE i.site = $1 AND i.idnumber IN ({})",
                list.join(", ")
            );
            let sql = dialect::sql(self.backend, &sql);
            let mut q = sqlx::query(&sql).bind(site);
            for idn in chunk {
                q = q.bind(*idn);
            }
            for r in q.fetch_all(&self.pool).await? {
                let learner: String = r.try_get("learner")?;
                let email = Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                out.insert(
                    r.try_get("idnumber")?,
                    KnownAccount {
                        user_id: r.try_get("user_id")?,
                        email,
                    },
                );
            }
        }
        Ok(out)
    }
}

/// A learner's Moodle user id on a site, for [`Store::set_moodle_users`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoodleUserId {
    pub email: Email,
    pub user_id: i64,
}

/// The idnumber we gave an account we created, for [`Store::set_moodle_idnumbers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoodleIdnumber {
    pub idnumber: String,
    pub user_id: i64,
}

/// An account we created, and the address we know it by ([`Store::accounts_by_idnumber`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAccount {
    pub user_id: i64,
    pub email: Email,
}
