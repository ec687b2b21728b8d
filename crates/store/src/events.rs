//! Outbound events (`event_subscribers`, `event_deliveries`, `event_attempts`): who hears about
//! what, one delivery per (subscriber, event) with its lease and back-off, and every attempt.
//!
//! An event is fanned out in SQL to every enabled subscriber whose filter takes its type, in the
//! transaction of the change that caused it when there is one ([`insert_events_in`]). Its id is
//! derived from the cause by the caller, so emitting it again stores nothing. Deliveries of one
//! subscriber with the same ordering key go out in id order: a claim takes only the first one
//! that is not yet delivered or dead. Secrets arrive sealed and leave sealed.

use crate::dialect::{self, opt_text, text};
use crate::{Backend, Store, StoreError};
use mm_core::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Where a subscriber is declared.
pub const ORIGIN_CONFIG: &str = "config";
pub const ORIGIN_ADMIN: &str = "admin";

/// A subscriber as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSubscriber {
    pub name: String,
    pub url: String,
    /// [`ORIGIN_CONFIG`] or [`ORIGIN_ADMIN`].
    pub origin: String,
    /// Sealed; `None` for config.toml's (their secret stays in the file).
    pub secret: Option<String>,
    pub previous_secret: Option<String>,
    pub previous_until: Option<Timestamp>,
    /// The event types it takes; empty: every type.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub allow_private_network: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An event to fan out: its id (stable, derived from its cause), type, JSON body and ordering
/// key (deliveries with the same key go out in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub id: String,
    pub event_type: String,
    pub payload: String,
    pub ordering_key: String,
}

/// The state of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Not yet delivered: due at `next_attempt_at` (after a transient failure too).
    Pending,
    /// The receiver refused it (a 4xx): retried with back-off, shown as failing.
    Failing,
    Delivered,
    /// Out of attempts: no longer retried nor blocking later events; an admin can redeliver it.
    Dead,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 4] = [
        DeliveryState::Pending,
        DeliveryState::Failing,
        DeliveryState::Delivered,
        DeliveryState::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Failing => "failing",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        DeliveryState::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// One delivery, as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventDelivery {
    pub id: i64,
    pub subscriber: String,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventAttempt {
    pub attempted_at: Timestamp,
    /// The HTTP status, when the receiver answered.
    pub status: Option<i64>,
    /// Why it did not answer (or a note on the answer).
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// Which deliveries a list or a redelivery takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    pub subscriber: Option<String>,
    pub state: Option<DeliveryState>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// Tried again at the time given, in the state given (pending or failing).
    Retry {
        at: Timestamp,
        state: DeliveryState,
    },
    Dead,
}

/// What an attempt left: the receiver's status or the error, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub outcome: AttemptOutcome,
}

const DELIVERY_COLUMNS: &str = "id, subscriber, event_id, event_type, payload, state, attempts, next_attempt_at, \
     last_status, last_error, created_at, delivered_at";

/// Stores `events`, each once per matching enabled subscriber, in `tx`. An event already stored
/// for a subscriber (same id) is left as it is.
pub(crate) async fn insert_events_in(
    tx: &mut Transaction<'_, Any>,
    events: &[NewEvent],
    now: Timestamp,
) -> Result<(), StoreError> {
    let backend = dialect::backend_of(tx);
    let sql = dialect::static_sql(
        backend,
        "INSERT INTO event_deliveries (subscriber, event_id, event_type, payload, ordering_key, state, attempts,
           next_attempt_at, created_at, updated_at)
         SELECT name, $1, $2, $3, $4, 'pending', 0, $5, $6, $7 FROM event_subscribers
         WHERE enabled = 1 AND (event_types = '' OR event_types LIKE $8)
         ON CONFLICT (subscriber, event_id) DO NOTHING",
        false,
    );
    for e in events {
        sqlx::query(sql)
            .bind(&e.id)
            .bind(&e.event_type)
            .bind(&e.payload)
            .bind(&e.ordering_key)
            .bind(now.0)
            .bind(now.0)
            .bind(now.0)
            .bind(format!("%,{},%", e.event_type))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Every subscriber, by name.
    pub async fn event_subscribers(&self) -> Result<Vec<EventSubscriber>, StoreError> {
        let rows = self
            .query(
                "SELECT name, url, origin, secret, previous_secret, previous_until, event_types, enabled,
                   allow_private_network, created_at, updated_at
                 FROM event_subscribers ORDER BY name",
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(subscriber_from_row).collect()
    }

    /// Adds or replaces the subscriber named `s.name` (its creation time kept).
    pub async fn save_event_subscriber(&self, s: &EventSubscriber) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO event_subscribers (name, url, origin, secret, previous_secret, previous_until, event_types,
               enabled, allow_private_network, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, origin = excluded.origin,
               secret = excluded.secret, previous_secret = excluded.previous_secret,
               previous_until = excluded.previous_until, event_types = excluded.event_types,
               enabled = excluded.enabled, allow_private_network = excluded.allow_private_network,
               updated_at = excluded.updated_at",
        )
        .bind(&s.name)
        .bind(&s.url)
        .bind(&s.origin)
        .bind(s.secret.as_deref())
        .bind(s.previous_secret.as_deref())
        .bind(s.previous_until.map(|t| t.0))
        .bind(types_text(&s.event_types))
        .bind(i64::from(s.enabled))
        .bind(i64::from(s.allow_private_network))
        .bind(s.created_at.0)
        .bind(s.updated_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes a subscriber with its deliveries and their attempts; whether it was there.
    pub async fn remove_event_subscriber(&self, name: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        self.query(
            "DELETE FROM event_attempts WHERE delivery_id IN (SELECT id FROM event_deliveries WHERE subscriber = $1)",
        )
        .bind(name)
        .execute(&mut *tx)
        .await?;
        self.query("DELETE FROM event_deliveries WHERE subscriber = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let done = self
            .query("DELETE FROM event_subscribers WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Makes config.toml's subscribers those stored with origin `config`: each saved, and those
    /// no longer declared removed (with their deliveries).
    pub async fn replace_config_subscribers(&self, declared: &[EventSubscriber]) -> Result<(), StoreError> {
        for s in declared {
            self.save_event_subscriber(s).await?;
        }
        for gone in self
            .event_subscribers()
            .await?
            .into_iter()
            .filter(|s| s.origin == ORIGIN_CONFIG && !declared.iter().any(|d| d.name == s.name))
        {
            self.remove_event_subscriber(&gone.name).await?;
        }
        Ok(())
    }

    /// Stores events outside any other change (see [`insert_events_in`]).
    pub async fn insert_events(&self, events: &[NewEvent], now: Timestamp) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        insert_events_in(&mut tx, events, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores one event for one subscriber, whatever its filter (a test `ping`); its id.
    pub async fn insert_event_for(&self, subscriber: &str, e: &NewEvent, now: Timestamp) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        self.query(
            "INSERT INTO event_deliveries (subscriber, event_id, event_type, payload, ordering_key, state, attempts,
               next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $8)",
        )
        .bind(subscriber)
        .bind(&e.id)
        .bind(&e.event_type)
        .bind(&e.payload)
        .bind(&e.ordering_key)
        .bind(now.0)
        .bind(now.0)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        let id: i64 = self
            .query("SELECT id FROM event_deliveries WHERE subscriber = $1 AND event_id = $2")
            .bind(subscriber)
            .bind(&e.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claims up to `limit` due deliveries for `lease_secs`: pending or failing, due, not leased,
    /// and first of their subscriber and ordering key among those not yet delivered or dead.
    /// Each claim counts an attempt.
    pub async fn claim_event_deliveries(
        &self,
        worker: &str,
        limit: i64,
        lease_secs: i64,
        now: Timestamp,
    ) -> Result<Vec<EventDelivery>, StoreError> {
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres | Backend::MySql => "FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "SELECT d.id FROM event_deliveries d
             WHERE d.state IN ('pending', 'failing') AND d.next_attempt_at <= $1
               AND (d.locked_until IS NULL OR d.locked_until < $2)
               AND NOT EXISTS (SELECT 1 FROM event_deliveries e WHERE e.subscriber = d.subscriber
                 AND e.ordering_key = d.ordering_key AND e.id < d.id AND e.state IN ('pending', 'failing'))
             ORDER BY d.id LIMIT $3 {lock}"
        );
        let mut tx = self.write_tx().await?;
        let ids: Vec<i64> = sqlx::query(&dialect::sql(self.backend, &sql))
            .bind(now.0)
            .bind(now.0)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut claimed = Vec::with_capacity(ids.len());
        for id in ids {
            self.query(
                "UPDATE event_deliveries SET locked_by = $1, locked_until = $2, attempts = attempts + 1,
                   updated_at = $3 WHERE id = $4",
            )
            .bind(worker)
            .bind(now.0 + lease_secs)
            .bind(now.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let row = self
                .query(
                    "SELECT id, subscriber, event_id, event_type, payload, state, attempts, next_attempt_at,
                       last_status, last_error, created_at, delivered_at FROM event_deliveries WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            claimed.push(delivery_from_row(&row)?);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Records an attempt of a delivery this worker holds and where it leaves the delivery.
    pub async fn finish_event_attempt(
        &self,
        id: i64,
        worker: &str,
        attempt: &AttemptRecord,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (state, next, delivered_at) = match &attempt.outcome {
            AttemptOutcome::Delivered => (DeliveryState::Delivered, now, Some(now.0)),
            AttemptOutcome::Retry { at, state } => (*state, *at, None),
            AttemptOutcome::Dead => (DeliveryState::Dead, now, None),
        };
        let mut tx = self.write_tx().await?;
        let done = self
            .query(
                "UPDATE event_deliveries SET state = $1, next_attempt_at = $2, last_status = $3, last_error = $4,
                   delivered_at = $5, locked_by = NULL, locked_until = NULL, updated_at = $6
                 WHERE id = $7 AND locked_by = $8",
            )
            .bind(state.as_str())
            .bind(next.0)
            .bind(attempt.status)
            .bind(attempt.error.as_deref())
            .bind(delivered_at)
            .bind(now.0)
            .bind(id)
            .bind(worker)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() > 0 {
            self.query(
                "INSERT INTO event_attempts (delivery_id, attempted_at, status, error, duration_ms)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(now.0)
            .bind(attempt.status)
            .bind(attempt.error.as_deref())
            .bind(attempt.duration_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deliveries matching `filter`, newest first, `limit` of them after the one with id `before`
    /// (keyset paging: pass the last id of the previous page).
    pub async fn event_deliveries(
        &self,
        filter: &DeliveryFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventDelivery>, StoreError> {
        let (mut conds, mut n) = (Vec::new(), 0);
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.subscriber.is_some() {
            conds.push(format!("subscriber = {}", next()));
        }
        if filter.state.is_some() {
            conds.push(format!("state = {}", next()));
        }
        if before.is_some() {
            conds.push(format!("id < {}", next()));
        }
        let limit_at = next();
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM event_deliveries {} ORDER BY id DESC LIMIT {limit_at}",
            where_clause(&conds)
        );
        let sql = dialect::sql(self.backend, &sql);
        let mut q = sqlx::query(&sql);
        if let Some(s) = &filter.subscriber {
            q = q.bind(s.clone());
        }
        if let Some(s) = filter.state {
            q = q.bind(s.as_str());
        }
        if let Some(b) = before {
            q = q.bind(b);
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// One delivery and its attempts, oldest first.
    pub async fn event_delivery(&self, id: i64) -> Result<Option<(EventDelivery, Vec<EventAttempt>)>, StoreError> {
        let Some(row) = self
            .query(
                "SELECT id, subscriber, event_id, event_type, payload, state, attempts, next_attempt_at,
                   last_status, last_error, created_at, delivered_at FROM event_deliveries WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let attempts = self
            .query(
                "SELECT attempted_at, status, error, duration_ms FROM event_attempts
                 WHERE delivery_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(EventAttempt {
                    attempted_at: Timestamp(r.try_get("attempted_at")?),
                    status: r.try_get("status")?,
                    error: opt_text(r, "error")?,
                    duration_ms: r.try_get("duration_ms")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some((delivery_from_row(&row)?, attempts)))
    }

    /// Makes delivered or dead deliveries (one, or all matching `filter`) pending again, due now,
    /// with their attempts counted afresh; how many.
    pub async fn redeliver_events(
        &self,
        id: Option<i64>,
        filter: &DeliveryFilter,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut conds = vec!["state IN ('delivered', 'dead')".to_owned()];
        let mut n = 2;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if id.is_some() {
            conds.push(format!("id = {}", next()));
        }
        if filter.subscriber.is_some() {
            conds.push(format!("subscriber = {}", next()));
        }
        if filter.state.is_some() {
            conds.push(format!("state = {}", next()));
        }
        let sql = format!(
            "UPDATE event_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $1, locked_by = NULL,
               locked_until = NULL, updated_at = $2 {}",
            where_clause(&conds)
        );
        let sql = dialect::sql(self.backend, &sql);
        let mut q = sqlx::query(&sql).bind(now.0).bind(now.0);
        if let Some(id) = id {
            q = q.bind(id);
        }
        if let Some(s) = &filter.subscriber {
            q = q.bind(s.clone());
        }
        if let Some(s) = filter.state {
            q = q.bind(s.as_str());
        }
        Ok(q.execute(&self.pool).await?.rows_affected())
    }
}

fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    }
}

/// `,a,b,` (the form `LIKE '%,a,%'` finds), or empty for every type.
fn types_text(types: &[String]) -> String {
    if types.is_empty() {
        String::new()
    } else {
        format!(",{},", types.join(","))
    }
}

fn subscriber_from_row(r: &AnyRow) -> Result<EventSubscriber, StoreError> {
    let types = text(r, "event_types")?;
    Ok(EventSubscriber {
        name: text(r, "name")?,
        url: text(r, "url")?,
        origin: text(r, "origin")?,
        secret: opt_text(r, "secret")?,
        previous_secret: opt_text(r, "previous_secret")?,
        previous_until: r.try_get::<Option<i64>, _>("previous_until")?.map(Timestamp),
        event_types: types.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        allow_private_network: r.try_get::<i64, _>("allow_private_network")? != 0,
        created_at: Timestamp(r.try_get("created_at")?),
        updated_at: Timestamp(r.try_get("updated_at")?),
    })
}

fn delivery_from_row(r: &AnyRow) -> Result<EventDelivery, StoreError> {
    let state = text(r, "state")?;
    Ok(EventDelivery {
        id: r.try_get("id")?,
        subscriber: text(r, "subscriber")?,
        event_id: text(r, "event_id")?,
        event_type: text(r, "event_type")?,
        payload: text(r, "payload")?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("event delivery in state `{state}`")))?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: Timestamp(r.try_get("next_attempt_at")?),
        last_status: r.try_get("last_status")?,
        last_error: opt_text(r, "last_error")?,
        created_at: Timestamp(r.try_get("created_at")?),
        delivered_at: r.try_get::<Option<i64>, _>("delivered_at")?.map(Timestamp),
    })
}
