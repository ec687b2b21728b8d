//! The poller's cache of customers and contacts: one [`ListingCache`] type, used by both
//! through [`CachedRecord`].

use super::{clusters, contact_fp, customer_fp};
use crate::error::{FsError, Result};
use crate::filter::{Filter, FilterValue, ListQuery, SortDir};
use crate::records::{Cliente, Contacto};
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Display;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A record the poller looks up by key and caches. Customers are `clientes` keyed by
/// `codcliente`. Contacts are `contactos` keyed by `idcontacto`.
pub(super) trait CachedRecord: Clone + DeserializeOwned + Send + Sync + 'static {
    /// The primary key. `Display` gives the `GET` path segment, and `Into<FilterValue>` gives
    /// the invoice filter.
    type Key: Clone + Eq + Hash + Ord + Display + Into<FilterValue> + Send + Sync;
    /// The api/3 resource.
    const RESOURCE: &'static str;
    /// Its primary key column, which sorts the rotating comparison listing.
    const KEY_FIELD: &'static str;
    /// The invoice column that refers to it.
    const INVOICE_FIELD: &'static str;
    /// What the "cache poisoned" error calls it.
    const WHAT: &'static str;
    fn key(&self) -> Self::Key;
    /// The fingerprint (email, name) compared between ticks.
    fn fingerprint(&self) -> u64;
    /// The listings that answer for `missing` when there are too many keys for single `GET`s.
    /// Each listing comes with the missing keys it answers for, in order.
    fn listings(missing: &BTreeSet<Self::Key>, cluster_gap: i64) -> Vec<(ListQuery, Vec<Self::Key>)>;
}

impl CachedRecord for Cliente {
    type Key = String;
    const RESOURCE: &'static str = "clientes";
    const KEY_FIELD: &'static str = "codcliente";
    const INVOICE_FIELD: &'static str = "codcliente";
    const WHAT: &'static str = "customer";
    fn key(&self) -> String {
        self.codcliente.clone()
    }
    fn fingerprint(&self) -> u64 {
        customer_fp(self)
    }
    /// One listing of every customer. Codes are not numeric, so they cannot be fetched by range.
    fn listings(missing: &BTreeSet<String>, _cluster_gap: i64) -> Vec<(ListQuery, Vec<String>)> {
        vec![(
            ListQuery::new().sort("codcliente", SortDir::Asc),
            missing.iter().cloned().collect(),
        )]
    }
}

impl CachedRecord for Contacto {
    type Key = i64;
    const RESOURCE: &'static str = "contactos";
    const KEY_FIELD: &'static str = "idcontacto";
    const INVOICE_FIELD: &'static str = "idcontactofact";
    const WHAT: &'static str = "contact";
    fn key(&self) -> i64 {
        self.idcontacto
    }
    fn fingerprint(&self) -> u64 {
        contact_fp(self)
    }
    /// One range listing per cluster of ids (at least 1000 apart).
    fn listings(missing: &BTreeSet<i64>, cluster_gap: i64) -> Vec<(ListQuery, Vec<i64>)> {
        clusters(missing, cluster_gap.max(1000))
            .into_iter()
            .map(|(lo, hi)| {
                let q = ListQuery::new()
                    .filter(Filter::gte("idcontacto", lo))
                    .filter(Filter::lte("idcontacto", hi))
                    .sort("idcontacto", SortDir::Asc);
                (q, missing.range(lo..=hi).copied().collect())
            })
            .collect()
    }
}

/// Records by key.
pub(super) type ByKey<T> = HashMap<<T as CachedRecord>::Key, T>;

struct Cached<T> {
    at: Instant,
    /// `None`: the server said there is no such record (remembered too).
    value: Option<T>,
}

/// Records fetched by key, reused for their time to live. A missing record is cached as well.
pub(super) struct ListingCache<T: CachedRecord> {
    entries: Mutex<HashMap<T::Key, Cached<T>>>,
}

impl<T: CachedRecord> ListingCache<T> {
    pub(super) fn new() -> Self {
        ListingCache {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, HashMap<T::Key, Cached<T>>>> {
        self.entries
            .lock()
            .map_err(|_| FsError::Invalid(format!("{} cache poisoned", T::WHAT)))
    }

    /// Splits `keys` into the values cached less than `ttl` ago and the keys to fetch. A fresh
    /// "no such record" is in neither.
    pub(super) fn lookup(&self, keys: &BTreeSet<T::Key>, ttl: Duration) -> Result<(ByKey<T>, BTreeSet<T::Key>)> {
        let mut found = HashMap::new();
        let mut missing = BTreeSet::new();
        let cache = self.lock()?;
        for k in keys {
            match cache.get(k) {
                Some(e) if e.at.elapsed() < ttl => {
                    if let Some(v) = &e.value {
                        found.insert(k.clone(), v.clone());
                    }
                }
                _ => {
                    missing.insert(k.clone());
                }
            }
        }
        Ok((found, missing))
    }

    /// Caches rows that were listed but not asked for. This is best effort: a poisoned cache is
    /// left alone.
    pub(super) fn keep(&self, rows: impl IntoIterator<Item = (T::Key, T)>) {
        if let Ok(mut cache) = self.entries.lock() {
            for (k, v) in rows {
                cache.insert(
                    k,
                    Cached {
                        at: Instant::now(),
                        value: Some(v),
                    },
                );
            }
        }
    }

    /// Caches the answers for the keys that were asked for (`None` = no such record). The ones
    /// found are also added to `out`.
    pub(super) fn store(&self, fetched: Vec<(T::Key, Option<T>)>, out: &mut ByKey<T>) -> Result<()> {
        let mut cache = self.lock()?;
        for (k, v) in fetched {
            if let Some(v) = &v {
                out.insert(k.clone(), v.clone());
            }
            cache.insert(
                k,
                Cached {
                    at: Instant::now(),
                    value: v,
                },
            );
        }
        Ok(())
    }

    /// Forgets the entries older than `ttl` (best effort).
    pub(super) fn evict_expired(&self, ttl: Duration) {
        if let Ok(mut cache) = self.entries.lock() {
            cache.retain(|_, e| e.at.elapsed() < ttl);
        }
    }

    /// Forgets everything (best effort).
    pub(super) fn clear(&self) {
        if let Ok(mut cache) = self.entries.lock() {
            *cache = HashMap::new();
        }
    }
}
