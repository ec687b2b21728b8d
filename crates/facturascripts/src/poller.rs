//! The invoice poller (contract §6). FacturaScripts has no change cursor, no webhook and no
//! modification column on invoices, so each tick combines a few cheap scans:
//!
//! 1. **window**: `idfactura_gt = max_seen - max(overlap, trailing_window)`, `sort[idfactura]=ASC`,
//!    keyset-paged: new invoices (with an overlap for out-of-order commits) and recent ones;
//! 2. **unpaid**: `filter[pagada]=0` (never `false`: MariaDB reads it as 0 = unpaid anyway, but
//!    `true` would silently mean unpaid too);
//! 3. **editable**: `filter[editable]=1` (drafts can change anything);
//! 4. **left the watch set**: invoices that were unpaid/editable last tick and are in none of
//!    those scans now were paid, issued or deleted: re-read them (range or `GET`). This is also
//!    what protects against an untrustworthy `200 []`: an empty scan makes us re-read everything
//!    it used to hold instead of believing it;
//! 5. **deletion check**: one `limit=1` count of `idfactura_lte=max_seen` compared with the ids we
//!    know; on a mismatch, bisect by counts down to small ranges and list those;
//! 6. **customers/contacts**: a rotating page of `clientes` and of `contactos` per tick, compared
//!    with fingerprints of those our reported invoices use; a change re-reports their invoices;
//! 7. lines of every invoice to report, fetched by id range (`idfactura_gte`/`_lte`), not one
//!    request per invoice; the paid receipts (`reciboclientes`, `pagado=1`) of the paid ones
//!    among them, by id range too, for their payment date; customers/contacts by id (few) or
//!    by listing (many), cached.
//!
//! Every `full_sweep_every` ticks (and on the first tick) the window scan starts at 0: every
//! invoice is listed (paged, big pages), and the ids are returned so the engine can mark the
//! rest deleted.

mod cache;

use crate::client::{FsClient, Page};
use crate::error::{FsError, Result};
use crate::filter::{Filter, ListQuery, SortDir};
use crate::records::{Cliente, Contacto, FacturaCliente, LineaFacturaCliente, ReciboCliente};
use crate::snapshot::to_snapshot_with_receipts;
use cache::{ByKey, CachedRecord, ListingCache};
use mm_core::InvoiceSnapshot;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The receipts resource (the key must be allowed to read it, as `facturaclientes`).
pub const RECEIPTS: &str = "reciboclientes";

#[derive(Debug, Clone)]
pub struct PollerConfig {
    /// `InvoiceKey::source` of the snapshots.
    pub source_name: String,
    /// Page size of the per-tick scans.
    pub page_size: u64,
    /// Page size of the full sweep and of the first import.
    pub sweep_page_size: u64,
    /// Ids below `max_seen` re-read each tick for out-of-order commits.
    pub overlap: i64,
    /// The last N ids are re-read and compared every tick (`pagada` can revert).
    pub trailing_window: i64,
    /// A full sweep every N ticks (0 = only the first tick).
    pub full_sweep_every: u64,
    /// Ids closer than this are fetched with one range request (lines, headers).
    pub cluster_gap: i64,
    /// Rows of `clientes` and of `contactos` compared per tick (rotating).
    pub customer_scan_page: u64,
    /// How long a fetched customer/contact is reused without asking again.
    pub customer_ttl: Duration,
    /// At most this many single `GET`s for customers/contacts; above, list them.
    pub max_single_gets: usize,
    /// Drafts among the last N ids have their lines compared every tick (a line edit that keeps
    /// the totals is invisible in the header); older drafts are compared by header only.
    pub draft_lines_window: i64,
    /// More deletions than this in an incremental tick are not believed: the next tick makes a
    /// full sweep instead.
    pub max_deletions_per_tick: usize,
}

impl PollerConfig {
    pub fn new(source_name: impl Into<String>) -> Self {
        PollerConfig {
            source_name: source_name.into(),
            page_size: 2000,
            sweep_page_size: 5000,
            overlap: 50,
            trailing_window: 200,
            full_sweep_every: 288,
            cluster_gap: 64,
            customer_scan_page: 2000,
            customer_ttl: Duration::from_secs(300),
            max_single_gets: 25,
            max_deletions_per_tick: 100,
            draft_lines_window: 500,
        }
    }
}

/// Sorted, disjoint inclusive id ranges: the ids known to exist, compact for a mostly dense
/// id space.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdSet(Vec<(i64, i64)>);

impl IdSet {
    pub fn from_sorted(ids: impl IntoIterator<Item = i64>) -> IdSet {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for id in ids {
            match out.last_mut() {
                Some((_, hi)) if id == *hi + 1 => *hi = id,
                Some((_, hi)) if id <= *hi => {}
                _ => out.push((id, id)),
            }
        }
        IdSet(out)
    }
    pub fn contains(&self, id: i64) -> bool {
        let i = self.0.partition_point(|&(_, hi)| hi < id);
        self.0.get(i).is_some_and(|&(lo, _)| lo <= id)
    }
    pub fn insert(&mut self, id: i64) {
        if self.contains(id) {
            return;
        }
        let i = self.0.partition_point(|&(_, hi)| hi < id);
        let joins_prev = i > 0 && self.0[i - 1].1 + 1 == id;
        let joins_next = i < self.0.len() && self.0[i].0 - 1 == id;
        match (joins_prev, joins_next) {
            (true, true) => {
                self.0[i - 1].1 = self.0[i].1;
                self.0.remove(i);
            }
            (true, false) => self.0[i - 1].1 = id,
            (false, true) => self.0[i].0 = id,
            (false, false) => self.0.insert(i, (id, id)),
        }
    }
    pub fn remove(&mut self, id: i64) {
        let i = self.0.partition_point(|&(_, hi)| hi < id);
        let Some(&(lo, hi)) = self.0.get(i) else { return };
        if id < lo {
            return;
        }
        match (lo == id, hi == id) {
            (true, true) => {
                self.0.remove(i);
            }
            (true, false) => self.0[i].0 = id + 1,
            (false, true) => self.0[i].1 = id - 1,
            (false, false) => {
                self.0[i].1 = id - 1;
                self.0.insert(i + 1, (id + 1, hi));
            }
        }
    }
    /// How many known ids lie in `lo..=hi`.
    pub fn count_in(&self, lo: i64, hi: i64) -> u64 {
        self.0
            .iter()
            .filter(|&&(a, b)| b >= lo && a <= hi)
            .map(|&(a, b)| (b.min(hi) - a.max(lo) + 1) as u64)
            .sum()
    }
    pub fn ids_in(&self, lo: i64, hi: i64) -> Vec<i64> {
        self.0
            .iter()
            .filter(|&&(a, b)| b >= lo && a <= hi)
            .flat_map(|&(a, b)| a.max(lo)..=b.min(hi))
            .collect()
    }
    pub fn len(&self) -> u64 {
        self.0.iter().map(|&(a, b)| (b - a + 1) as u64).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why an invoice is re-read every tick, and what it looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watched {
    /// Fingerprint of the header fields a snapshot depends on.
    pub fp: u64,
    /// Unpaid or editable at the last look: if it drops out of those scans it must be re-read.
    pub sticky: bool,
}

/// What the poller remembers between ticks. Serialize it as JSON and give it back
/// (missing fields default, so cursors written by older versions still load).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PollCursor {
    /// Highest `idfactura` seen.
    pub max_seen: i64,
    pub ticks: u64,
    /// Ids known to exist (for the count-based deletion check).
    pub known: IdSet,
    /// Invoices compared every tick: unpaid, editable, or in the trailing window.
    pub watched: BTreeMap<i64, Watched>,
    /// Fingerprints (email, name) of the customers and billing contacts used by reported invoices.
    pub customers: BTreeMap<String, u64>,
    pub contacts: BTreeMap<i64, u64>,
    pub customer_scan_offset: u64,
    pub contact_scan_offset: u64,
    /// The next tick makes a full sweep (set when an incremental tick saw something odd).
    #[serde(default)]
    pub force_full_sweep: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TickOutput {
    /// New or changed invoices (and those whose customer/contact changed); empty from
    /// [`Poller::tick_into`], which hands them to its sink instead.
    pub snapshots: Vec<InvoiceSnapshot>,
    /// How many snapshots the tick reported.
    pub reported: usize,
    /// On a full sweep: every invoice id that exists, so the engine can mark the rest deleted.
    pub full_sweep_ids: Option<Vec<String>>,
    /// Invoices found deleted during this tick (without waiting for a full sweep).
    pub deleted: Vec<String>,
    /// HTTP requests this tick cost.
    pub requests: u64,
}

/// Where [`Poller::tick_into`] puts the snapshots it reads, a batch at a time: a full sweep of
/// 100,000 invoices is never held at once. A `Vec` collects them all.
pub trait SnapshotSink: Send {
    type Error: Send;
    fn put(&mut self, batch: Vec<InvoiceSnapshot>)
    -> impl Future<Output = std::result::Result<(), Self::Error>> + Send;
}

impl SnapshotSink for Vec<InvoiceSnapshot> {
    type Error = std::convert::Infallible;
    fn put(
        &mut self,
        batch: Vec<InvoiceSnapshot>,
    ) -> impl Future<Output = std::result::Result<(), Self::Error>> + Send {
        self.extend(batch);
        std::future::ready(Ok(()))
    }
}

/// Why [`Poller::tick_into`] failed: reading the source, or handing a batch to the sink.
#[derive(Debug)]
pub enum TickError<E> {
    Source(FsError),
    Sink(E),
}

impl<E> From<FsError> for TickError<E> {
    fn from(e: FsError) -> Self {
        TickError::Source(e)
    }
}

/// Fingerprints of the customers and contacts a batch of snapshots used.
#[derive(Default)]
struct UsedFingerprints {
    customers: Vec<(String, u64)>,
    contacts: Vec<(i64, u64)>,
}

impl UsedFingerprints {
    fn apply(self, cur: &mut PollCursor) {
        cur.customers.extend(self.customers);
        cur.contacts.extend(self.contacts);
    }
}

pub struct Poller {
    client: FsClient,
    cfg: PollerConfig,
    customers: ListingCache<Cliente>,
    contacts: ListingCache<Contacto>,
}

/// FNV-1a 64: stable across builds and Rust versions (the cursor is persisted).
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn header_fp(f: &FacturaCliente) -> u64 {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let oi = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    fnv(&[
        &f.codigo,
        &o(&f.codcliente),
        &oi(f.idcontactofact),
        if f.pagada { "1" } else { "0" },
        &oi(f.idestado),
        match f.editable {
            Some(true) => "1",
            Some(false) => "0",
            None => "",
        },
        &oi(f.idfacturarect),
        &format!("{:.4}", f.total),
        &format!("{:.4}", f.neto),
        &o(&f.nombrecliente),
    ])
}

fn customer_fp(c: &Cliente) -> u64 {
    fnv(&[
        &c.email_trimmed().unwrap_or_default(),
        &c.display_name().unwrap_or_default(),
    ])
}

fn contact_fp(c: &Contacto) -> u64 {
    fnv(&[
        &c.email_trimmed().unwrap_or_default(),
        &c.full_name().unwrap_or_default(),
    ])
}

/// The rows of invoices `lo..=hi` (one id: an equality, which the API answers faster).
fn invoice_range(lo: i64, hi: i64) -> ListQuery {
    if lo == hi {
        ListQuery::new().filter(Filter::eq("idfactura", lo))
    } else {
        ListQuery::new()
            .filter(Filter::gte("idfactura", lo))
            .filter(Filter::lte("idfactura", hi))
    }
}

/// Group sorted ids into inclusive ranges whose members are at most `gap` apart.
fn clusters(ids: &BTreeSet<i64>, gap: i64) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &id in ids {
        match out.last_mut() {
            Some((_, hi)) if id - *hi <= gap => *hi = id,
            _ => out.push((id, id)),
        }
    }
    out
}

impl Poller {
    /// A poller with a default client for `base_url` (the install root) and key.
    pub fn connect(base_url: &str, token: mm_net::SecretString, cfg: PollerConfig) -> Result<Poller> {
        let url = url::Url::parse(base_url).map_err(|e| FsError::Invalid(format!("FacturaScripts URL: {e}")))?;
        let client = FsClient::new(crate::client::FsClientConfig::new(url, token))?;
        Ok(Poller::new(client, cfg))
    }

    pub fn new(client: FsClient, cfg: PollerConfig) -> Poller {
        Poller {
            client,
            cfg,
            customers: ListingCache::new(),
            contacts: ListingCache::new(),
        }
    }

    /// The installation root the client talks to.
    pub fn client_base(&self) -> String {
        self.client.base_url().to_string()
    }

    pub fn client(&self) -> &FsClient {
        &self.client
    }

    pub fn config(&self) -> &PollerConfig {
        &self.cfg
    }

    /// Every invoice matching `base`, keyset-paged on `idfactura` (stable under inserts).
    async fn scan(&self, base: ListQuery, mut after: i64, page: u64) -> Result<Vec<FacturaCliente>> {
        let mut out = Vec::new();
        loop {
            let q = base
                .clone()
                .filter(Filter::gt("idfactura", after))
                .sort("idfactura", SortDir::Asc)
                .limit(page);
            let got = self.client.list_invoices(&q).await?;
            let n = got.items.len() as u64;
            if let Some(last) = got.items.last() {
                after = last.idfactura;
            }
            out.extend(got.items);
            if n < page {
                return Ok(out);
            }
        }
    }

    /// Headers of these ids, by range where they cluster and by `GET` where alone. Absent = deleted.
    async fn fetch_headers(&self, ids: &BTreeSet<i64>) -> Result<BTreeMap<i64, FacturaCliente>> {
        let mut out = BTreeMap::new();
        for (lo, hi) in clusters(ids, self.cfg.cluster_gap) {
            if lo == hi {
                if let Some(f) = self.client.get_invoice(lo).await? {
                    out.insert(f.idfactura, f);
                }
                continue;
            }
            let rows = self
                .scan(
                    ListQuery::new().filter(Filter::lte("idfactura", hi)),
                    lo - 1,
                    self.cfg.page_size,
                )
                .await?;
            out.extend(
                rows.into_iter()
                    .filter(|f| ids.contains(&f.idfactura))
                    .map(|f| (f.idfactura, f)),
            );
        }
        Ok(out)
    }

    /// Lines of these invoices, one paged range request per cluster of ids.
    async fn fetch_lines(&self, ids: &BTreeSet<i64>) -> Result<BTreeMap<i64, Vec<LineaFacturaCliente>>> {
        let mut out: BTreeMap<i64, Vec<LineaFacturaCliente>> = BTreeMap::new();
        for (lo, hi) in clusters(ids, self.cfg.cluster_gap) {
            out.extend(self.fetch_lines_range(lo, hi, ids).await?);
        }
        Ok(out)
    }

    /// Lines of the invoices `lo..=hi`, keeping those of `ids`.
    async fn fetch_lines_range(
        &self,
        lo: i64,
        hi: i64,
        ids: &BTreeSet<i64>,
    ) -> Result<BTreeMap<i64, Vec<LineaFacturaCliente>>> {
        let mut out: BTreeMap<i64, Vec<LineaFacturaCliente>> = BTreeMap::new();
        {
            let q = invoice_range(lo, hi);
            let mut after = 0i64;
            loop {
                let page = self
                    .client
                    .list_lines(
                        &q.clone()
                            .filter(Filter::gt("idlinea", after))
                            .sort("idlinea", SortDir::Asc)
                            .limit(self.cfg.sweep_page_size),
                    )
                    .await?;
                let n = page.items.len() as u64;
                if let Some(l) = page.items.last() {
                    after = l.idlinea;
                }
                for l in page.items {
                    if ids.contains(&l.idfactura) {
                        out.entry(l.idfactura).or_default().push(l);
                    }
                }
                if n < self.cfg.sweep_page_size {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The paid receipts of these invoices, one paged range request per cluster of ids (the
    /// API has no `IN`): their `fechapago` dates the payment.
    async fn fetch_paid_receipts(&self, ids: &BTreeSet<i64>) -> Result<BTreeMap<i64, Vec<ReciboCliente>>> {
        let mut out: BTreeMap<i64, Vec<ReciboCliente>> = BTreeMap::new();
        for (lo, hi) in clusters(ids, self.cfg.cluster_gap) {
            let q = invoice_range(lo, hi).filter(Filter::eq("pagado", true));
            let mut after = 0i64;
            loop {
                let page: Page<ReciboCliente> = self
                    .client
                    .list(
                        RECEIPTS,
                        &q.clone()
                            .filter(Filter::gt("idrecibo", after))
                            .sort("idrecibo", SortDir::Asc)
                            .limit(self.cfg.sweep_page_size),
                    )
                    .await?;
                let n = page.items.len() as u64;
                if let Some(r) = page.items.last() {
                    after = r.idrecibo;
                }
                for r in page.items.into_iter().filter(|r| ids.contains(&r.idfactura)) {
                    out.entry(r.idfactura).or_default().push(r);
                }
                if n < self.cfg.sweep_page_size {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Customers or contacts by key: from the cache while fresh, else with single `GET`s when
    /// few are missing, else with listings (the rows a listing brings beyond those asked for
    /// are cached too). Absent from the result = no such record.
    async fn fetch_cached<T: CachedRecord>(
        &self,
        cache: &ListingCache<T>,
        keys: &BTreeSet<T::Key>,
    ) -> Result<ByKey<T>> {
        let (mut out, missing) = cache.lookup(keys, self.cfg.customer_ttl)?;
        let mut fetched: Vec<(T::Key, Option<T>)> = Vec::new();
        if missing.len() <= self.cfg.max_single_gets {
            for k in &missing {
                fetched.push((k.clone(), self.client.get(T::RESOURCE, &k.to_string()).await?));
            }
        } else {
            for (q, wanted) in T::listings(&missing, self.cfg.cluster_gap) {
                let rows: Vec<T> = self.client.list_all(T::RESOURCE, &q, self.cfg.sweep_page_size).await?;
                let mut by: ByKey<T> = rows.into_iter().map(|r| (r.key(), r)).collect();
                for k in wanted {
                    let v = by.remove(&k);
                    fetched.push((k, v));
                }
                // Keep the rest too: the listing was paid for (a full sweep asks for the
                // contacts of one batch of invoices after another).
                cache.keep(by);
            }
        }
        cache.store(fetched, &mut out)?;
        Ok(out)
    }

    /// Server count of invoices in `lo..=hi` (one `limit=1` request).
    async fn count_range(&self, lo: i64, hi: i64) -> Result<u64> {
        let q = ListQuery::new()
            .filter(Filter::gte("idfactura", lo))
            .filter(Filter::lte("idfactura", hi))
            .limit(1);
        let page = self.client.list_invoices(&q).await?;
        page.total
            .ok_or_else(|| FsError::Decode("list without X-Total-Count".into()))
    }

    /// Compare server counts with the known ids over `1..=max`; bisect mismatching ranges down
    /// to a page and list those. Returns (headers found in listed ranges, ids known but gone).
    async fn reconcile_known(&self, known: &IdSet, max: i64) -> Result<(BTreeMap<i64, FacturaCliente>, BTreeSet<i64>)> {
        let mut found = BTreeMap::new();
        let mut gone = BTreeSet::new();
        let mut stack = vec![(1i64, max, None::<u64>)];
        while let Some((lo, hi, known_server)) = stack.pop() {
            if lo > hi {
                continue;
            }
            let server = match known_server {
                Some(c) => c,
                None => self.count_range(lo, hi).await?,
            };
            let mine = known.count_in(lo, hi);
            if server == mine {
                continue;
            }
            if server == 0 && lo == 1 && mine > 0 {
                // `200 []` with X-Total-Count 0 over everything we know: a swallowed SQL error
                // looks exactly like this. Never conclude "all deleted" from it.
                return Err(FsError::Suspicious(format!(
                    "count of invoices 1..={hi} is 0 while {mine} are known; not treating them as deleted"
                )));
            }
            if server <= self.cfg.page_size || hi - lo < self.cfg.page_size as i64 {
                let rows = self
                    .scan(
                        ListQuery::new().filter(Filter::lte("idfactura", hi)),
                        lo - 1,
                        self.cfg.page_size,
                    )
                    .await?;
                let ids: BTreeSet<i64> = rows.iter().map(|f| f.idfactura).collect();
                gone.extend(known.ids_in(lo, hi).into_iter().filter(|i| !ids.contains(i)));
                found.extend(rows.into_iter().map(|f| (f.idfactura, f)));
                continue;
            }
            let mid = lo + (hi - lo) / 2;
            let left = self.count_range(lo, mid).await?;
            stack.push((mid + 1, hi, Some(server.saturating_sub(left))));
            stack.push((lo, mid, Some(left)));
        }
        Ok((found, gone))
    }

    /// One poll, its snapshots collected in [`TickOutput::snapshots`]. Mutates `cursor` only
    /// on success (work on a copy, commit at the end).
    pub async fn tick(&self, cursor: &mut PollCursor) -> Result<TickOutput> {
        let mut snapshots = Vec::new();
        let mut out = match self.tick_into(cursor, &mut snapshots).await {
            Ok(out) => out,
            Err(TickError::Source(e)) => return Err(e),
            Err(TickError::Sink(never)) => match never {},
        };
        out.snapshots = snapshots;
        Ok(out)
    }

    /// One poll, its snapshots handed to `sink` a batch at a time. Mutates `cursor` only on
    /// success; a batch already handed over when a later request fails is read again by the
    /// next tick (store them idempotently).
    ///
    /// A full sweep lists every invoice a page at a time, and settles each page as it comes
    /// (compared, reported, watched, dropped) but for its newest invoices: those within the
    /// trailing and drafts windows of the newest id, which only the last page tells.
    pub async fn tick_into<S: SnapshotSink>(
        &self,
        cursor: &mut PollCursor,
        sink: &mut S,
    ) -> std::result::Result<TickOutput, TickError<S::Error>> {
        let start = self.client.request_count();
        self.evict_expired();
        let mut cur = cursor.clone();
        cur.ticks += 1;
        let mut t = TickState::new(self.is_full_sweep(&cur), cur.max_seen);

        // 1-5: scans.
        if t.full {
            self.sweep(&mut t, &cursor.known, &mut cur, sink).await?;
        } else {
            self.incremental_scans(&mut t, &mut cur).await?;
        }
        for id in &t.deleted {
            cur.watched.remove(id);
        }
        let new_max = t.headers.keys().next_back().copied().unwrap_or(0).max(t.prev_max);
        let window_low = new_max - self.cfg.trailing_window;
        let draft_low = new_max - self.cfg.draft_lines_window;
        let (drafts, mut lines) = self.recent_draft_lines(&t.headers, draft_low).await?;
        let mut report = new_or_changed(&t, &cur, &cursor.known, &lines, draft_low);

        // 6: rotating customer/contact comparison.
        self.compare_customers_and_contacts(&mut t.headers, &mut cur, &mut report)
            .await?;
        std::mem::take(&mut t.settled_fps).apply(&mut cur);

        // 7: lines, customers, contacts of what we report.
        let (snapshots, used) = self.snapshots(&report, &t.headers, &mut lines, &drafts).await?;
        used.apply(&mut cur);
        t.reported += snapshots.len();
        sink.put(snapshots).await.map_err(TickError::Sink)?;

        update_watch_set(&mut cur, &t.headers, &lines, window_low, draft_low);
        cur.max_seen = new_max;
        if t.full {
            // The listings of every customer and contact served the sweep; the next ticks ask
            // for the few they need rather than keep tens of thousands for their time to live.
            self.customers.clear();
            self.contacts.clear();
        }

        *cursor = cur;
        Ok(self.tick_output(t, cursor, start))
    }

    /// Whether this tick (`cur.ticks` already counts it) lists every invoice.
    fn is_full_sweep(&self, cur: &PollCursor) -> bool {
        cur.ticks == 1
            || cur.max_seen == 0
            || cur.force_full_sweep
            || (self.cfg.full_sweep_every > 0 && cur.ticks.is_multiple_of(self.cfg.full_sweep_every))
    }

    /// Steps 1-5 of a full sweep: every invoice, a page at a time, each page settled as it
    /// comes but for its newest invoices (left in `t.headers`); then the known ids become
    /// those listed and the others are deleted.
    async fn sweep<S: SnapshotSink>(
        &self,
        t: &mut TickState,
        known_before: &IdSet,
        cur: &mut PollCursor,
        sink: &mut S,
    ) -> std::result::Result<(), TickError<S::Error>> {
        // Below this id an invoice is outside both windows whatever the newest id is.
        let margin = self.cfg.trailing_window.max(self.cfg.draft_lines_window).max(1);
        let mut ids: Vec<i64> = Vec::new();
        let mut after = 0;
        loop {
            let q = ListQuery::new()
                .filter(Filter::gt("idfactura", after))
                .sort("idfactura", SortDir::Asc)
                .limit(self.cfg.sweep_page_size);
            let got = self.client.list_invoices(&q).await?;
            let n = got.items.len() as u64;
            if let Some(last) = got.items.last() {
                after = last.idfactura;
            }
            for f in got.items {
                ids.push(f.idfactura);
                t.headers.insert(f.idfactura, f);
            }
            let last_page = n < self.cfg.sweep_page_size;
            // Settled two pages at a time: fewer, fuller range requests for their lines and
            // contacts, and still a bounded share of the sweep in memory.
            if let Some(&newest) = t.headers.keys().next_back()
                && (last_page || t.headers.len() as u64 >= 2 * self.cfg.sweep_page_size)
            {
                let keep = t.headers.split_off(&(newest.max(t.prev_max) - margin + 1));
                let settled = std::mem::replace(&mut t.headers, keep);
                if !settled.is_empty() {
                    t.reported += self
                        .settle(settled, known_before, cur, t.prev_max, &mut t.settled_fps, sink)
                        .await?;
                }
            }
            if last_page {
                break;
            }
        }
        end_sweep(t, cur, ids)?;
        Ok(())
    }

    /// Steps 1-5 of an incremental tick: the window, unpaid and editable scans, the watched
    /// invoices that left them, the deletion check; then the known ids follow.
    async fn incremental_scans(&self, t: &mut TickState, cur: &mut PollCursor) -> Result<()> {
        self.scan_window_unpaid_editable(t).await?;
        self.reread_left_watch_set(t, cur).await?;
        self.check_deletions(t, cur).await?;
        self.cap_deletions(t, cur);
        for id in &t.deleted {
            cur.known.remove(*id);
        }
        for id in t.headers.keys() {
            cur.known.insert(*id);
        }
        Ok(())
    }

    /// Steps 1-3: the recent window (with its overlap), then every unpaid and every editable
    /// invoice.
    async fn scan_window_unpaid_editable(&self, t: &mut TickState) -> Result<()> {
        let from = (t.prev_max - self.cfg.overlap.max(self.cfg.trailing_window)).max(0);
        let scans = [
            (ListQuery::new(), from),
            (ListQuery::new().filter(Filter::eq("pagada", false)), 0),
            (ListQuery::new().filter(Filter::eq("editable", true)), 0),
        ];
        for (q, after) in scans {
            for f in self.scan(q, after, self.cfg.page_size).await? {
                t.headers.insert(f.idfactura, f);
            }
        }
        Ok(())
    }

    /// Step 4: sticky invoices that left the unpaid/editable scans are re-read; those not
    /// found are deleted.
    async fn reread_left_watch_set(&self, t: &mut TickState, cur: &PollCursor) -> Result<()> {
        let left: BTreeSet<i64> = cur
            .watched
            .iter()
            .filter(|(id, w)| w.sticky && !t.headers.contains_key(id))
            .map(|(id, _)| *id)
            .collect();
        if left.is_empty() {
            return Ok(());
        }
        let got = self.fetch_headers(&left).await?;
        for id in &left {
            if !got.contains_key(id) {
                t.deleted.insert(*id);
            }
        }
        let still_open = got.values().filter(|f| !f.pagada || f.editable != Some(false)).count();
        if still_open > 0 {
            tracing::warn!(
                still_open,
                "FacturaScripts scan for unpaid/editable invoices missed rows that are still unpaid/editable; not trusting it"
            );
        }
        t.headers.extend(got);
        Ok(())
    }

    /// Step 5: deletions / late commits below the window.
    async fn check_deletions(&self, t: &mut TickState, cur: &PollCursor) -> Result<()> {
        if t.prev_max <= 0 {
            return Ok(());
        }
        let (found, gone) = self.reconcile_known(&cur.known, t.prev_max).await?;
        t.deleted.extend(gone);
        // Only late commits are news; the rest of a listed range is old and unchanged.
        for (id, f) in found {
            if !cur.known.contains(id) {
                t.headers.entry(id).or_insert(f);
            }
        }
        Ok(())
    }

    /// Too many deletions at once for an incremental tick: leave them to a full sweep, which
    /// lists every invoice instead of inferring absence.
    fn cap_deletions(&self, t: &mut TickState, cur: &mut PollCursor) {
        if t.deleted.len() <= self.cfg.max_deletions_per_tick {
            return;
        }
        tracing::warn!(
            count = t.deleted.len(),
            "FacturaScripts: unusually many invoices look deleted; deferring to the next full sweep"
        );
        for id in &t.deleted {
            cur.watched.remove(id);
        }
        t.deleted.clear();
        cur.force_full_sweep = true;
    }

    /// Drafts can change their lines without changing their totals: compare their lines too.
    /// Only recent drafts (the ones being edited, newer than `draft_low`) have their lines
    /// compared, to bound the cost; older drafts are compared by header (totals) only.
    /// Returns those drafts and their lines.
    async fn recent_draft_lines(
        &self,
        headers: &BTreeMap<i64, FacturaCliente>,
        draft_low: i64,
    ) -> Result<(BTreeSet<i64>, BTreeMap<i64, Vec<LineaFacturaCliente>>)> {
        let drafts: BTreeSet<i64> = headers
            .iter()
            .filter(|(id, f)| f.editable != Some(false) && **id > draft_low)
            .map(|(id, _)| *id)
            .collect();
        let lines = match (drafts.first(), drafts.last()) {
            // One range request over the recent window rather than one per scattered draft.
            (Some(&lo), Some(&hi)) if drafts.len() > 1 => self.fetch_lines_range(lo, hi, &drafts).await?,
            _ => self.fetch_lines(&drafts).await?,
        };
        Ok((drafts, lines))
    }

    /// Step 6: a rotating page of customers and one of contacts, compared with the
    /// fingerprints of those our reported invoices use; every invoice of one that changed is
    /// re-read into `headers` and reported.
    async fn compare_customers_and_contacts(
        &self,
        headers: &mut BTreeMap<i64, FacturaCliente>,
        cur: &mut PollCursor,
        report: &mut BTreeSet<i64>,
    ) -> Result<()> {
        let changed_customers = self
            .rotate(&self.customers, &cur.customers, &mut cur.customer_scan_offset)
            .await?;
        let changed_contacts = self
            .rotate(&self.contacts, &cur.contacts, &mut cur.contact_scan_offset)
            .await?;
        self.reread_invoices_of::<Cliente>(&changed_customers, headers, report)
            .await?;
        self.reread_invoices_of::<Contacto>(&changed_contacts, headers, report)
            .await?;
        Ok(())
    }

    /// One rotating page of customers or contacts (none if `seen` is empty), compared with
    /// `seen`; every row listed refreshes the cache. Returns the keys whose fingerprint
    /// changed, and moves `offset` on (back to 0 after the last page).
    async fn rotate<T: CachedRecord>(
        &self,
        cache: &ListingCache<T>,
        seen: &BTreeMap<T::Key, u64>,
        offset: &mut u64,
    ) -> Result<BTreeSet<T::Key>> {
        let mut changed = BTreeSet::new();
        if seen.is_empty() {
            return Ok(changed);
        }
        let q = ListQuery::new()
            .sort(T::KEY_FIELD, SortDir::Asc)
            .offset(*offset)
            .limit(self.cfg.customer_scan_page);
        let page: Page<T> = self.client.list(T::RESOURCE, &q).await?;
        let n = page.items.len() as u64;
        for c in &page.items {
            if let Some(old) = seen.get(&c.key())
                && *old != c.fingerprint()
            {
                changed.insert(c.key());
            }
            cache.keep(std::iter::once((c.key(), c.clone())));
        }
        let total = page.total.unwrap_or(0);
        *offset = if n == 0 || *offset + n >= total { 0 } else { *offset + n };
        Ok(changed)
    }

    /// Every invoice of these customers or contacts (by `T::INVOICE_FIELD`), into `headers`
    /// and `report`.
    async fn reread_invoices_of<T: CachedRecord>(
        &self,
        keys: &BTreeSet<T::Key>,
        headers: &mut BTreeMap<i64, FacturaCliente>,
        report: &mut BTreeSet<i64>,
    ) -> Result<()> {
        for key in keys {
            let rows = self
                .scan(
                    ListQuery::new().filter(Filter::eq(T::INVOICE_FIELD, key.clone())),
                    0,
                    self.cfg.page_size,
                )
                .await?;
            for f in rows {
                report.insert(f.idfactura);
                headers.insert(f.idfactura, f);
            }
        }
        Ok(())
    }

    /// What the tick returns (its snapshots went to the sink), logged.
    fn tick_output(&self, t: TickState, cursor: &PollCursor, start: u64) -> TickOutput {
        let out = TickOutput {
            snapshots: Vec::new(),
            reported: t.reported,
            full_sweep_ids: t.full_ids,
            deleted: t.deleted.iter().map(i64::to_string).collect(),
            requests: self.client.request_count() - start,
        };
        tracing::info!(
            source = %self.cfg.source_name,
            full_sweep = t.full,
            reported = out.reported,
            deleted = out.deleted.len(),
            requests = out.requests,
            max_seen = cursor.max_seen,
            "FacturaScripts poll"
        );
        out
    }

    /// Full sweep, one page: compares, reports (through `sink`) and watches invoices too old for
    /// the drafts and trailing windows, as the rest of a tick would. Their customers' and
    /// contacts' fingerprints go to `fps`. Returns how many it reported.
    async fn settle<S: SnapshotSink>(
        &self,
        settled: BTreeMap<i64, FacturaCliente>,
        known_before: &IdSet,
        cur: &mut PollCursor,
        prev_max: i64,
        fps: &mut UsedFingerprints,
        sink: &mut S,
    ) -> std::result::Result<usize, TickError<S::Error>> {
        let mut report = BTreeSet::new();
        for (id, f) in &settled {
            // Outside the drafts window: the header alone is compared.
            let fp = header_fp(f);
            let changed = cur.watched.get(id).map(|w| w.fp) != Some(fp);
            let is_new = *id > prev_max || !known_before.contains(*id);
            // New, or watched and changed (an unchanged old invoice seen by the sweep is not).
            if is_new || (cur.watched.contains_key(id) && changed) {
                report.insert(*id);
            }
            // Outside the trailing window: watched only while unpaid or editable.
            let sticky = !f.pagada || f.editable != Some(false);
            if sticky {
                cur.watched.insert(*id, Watched { fp, sticky });
            } else {
                cur.watched.remove(id);
            }
        }
        if report.is_empty() {
            return Ok(0);
        }
        let (snapshots, used) = self
            .snapshots(&report, &settled, &mut BTreeMap::new(), &BTreeSet::new())
            .await?;
        fps.customers.extend(used.customers);
        fps.contacts.extend(used.contacts);
        let n = snapshots.len();
        sink.put(snapshots).await.map_err(TickError::Sink)?;
        Ok(n)
    }

    /// Step 7 for `report`: lines (but those of `have_lines`, already in `lines`), customers and
    /// contacts, then the snapshots, with the fingerprints of the customers and contacts used.
    async fn snapshots(
        &self,
        report: &BTreeSet<i64>,
        headers: &BTreeMap<i64, FacturaCliente>,
        lines: &mut BTreeMap<i64, Vec<LineaFacturaCliente>>,
        have_lines: &BTreeSet<i64>,
    ) -> Result<(Vec<InvoiceSnapshot>, UsedFingerprints)> {
        let missing_lines: BTreeSet<i64> = report.iter().filter(|id| !have_lines.contains(id)).copied().collect();
        lines.extend(self.fetch_lines(&missing_lines).await?);
        let codes: BTreeSet<String> = report
            .iter()
            .filter_map(|id| headers.get(id)?.codcliente.clone())
            .collect();
        let contact_ids: BTreeSet<i64> = report.iter().filter_map(|id| headers.get(id)?.idcontactofact).collect();
        let customers = self.fetch_cached(&self.customers, &codes).await?;
        let contacts = self.fetch_cached(&self.contacts, &contact_ids).await?;
        let paid: BTreeSet<i64> = report
            .iter()
            .filter(|id| headers.get(id).is_some_and(|f| f.pagada))
            .copied()
            .collect();
        let receipts = self.fetch_paid_receipts(&paid).await?;

        let mut used = UsedFingerprints::default();
        let mut snapshots = Vec::with_capacity(report.len());
        for id in report {
            let Some(f) = headers.get(id) else { continue };
            let code = f.codcliente.clone().unwrap_or_default();
            let fallback;
            let customer = match customers.get(&code) {
                Some(c) => c,
                None => {
                    fallback = Cliente {
                        codcliente: code.clone(),
                        razonsocial: f.nombrecliente.clone(),
                        ..Default::default()
                    };
                    &fallback
                }
            };
            let contact = f.idcontactofact.and_then(|i| contacts.get(&i));
            let ls = lines.get(id).map(Vec::as_slice).unwrap_or(&[]);
            let rs = receipts.get(id).map(Vec::as_slice).unwrap_or(&[]);
            snapshots.push(to_snapshot_with_receipts(
                &self.cfg.source_name,
                f,
                ls,
                customer,
                contact,
                rs,
            ));
            if customers.contains_key(&code) {
                used.customers.push((code, customer_fp(customer)));
            }
            if let Some(c) = contact {
                used.contacts.push((c.idcontacto, contact_fp(c)));
            }
        }
        Ok((snapshots, used))
    }

    /// Forgets customers and contacts fetched longer ago than their time to live: the listing
    /// of every customer a first import makes is not kept for good.
    fn evict_expired(&self) {
        self.customers.evict_expired(self.cfg.customer_ttl);
        self.contacts.evict_expired(self.cfg.customer_ttl);
    }
}

/// What one tick gathers before it commits to the cursor.
struct TickState {
    /// A full sweep (every invoice listed) rather than the incremental scans.
    full: bool,
    /// `max_seen` when the tick began.
    prev_max: i64,
    /// Headers to compare (and maybe report) at the end of the tick.
    headers: BTreeMap<i64, FacturaCliente>,
    deleted: BTreeSet<i64>,
    full_ids: Option<Vec<String>>,
    reported: usize,
    /// Customers and contacts used by the settled pages: applied after step 6, which compares
    /// the rotating page with what earlier ticks saw.
    settled_fps: UsedFingerprints,
}

impl TickState {
    fn new(full: bool, prev_max: i64) -> TickState {
        TickState {
            full,
            prev_max,
            headers: BTreeMap::new(),
            deleted: BTreeSet::new(),
            full_ids: None,
            reported: 0,
            settled_fps: UsedFingerprints::default(),
        }
    }
}

/// The end of a full sweep (`ids`: every invoice listed): the known ids become those, the
/// others are deleted. An empty listing over known invoices is not believed.
fn end_sweep(t: &mut TickState, cur: &mut PollCursor, ids: Vec<i64>) -> Result<()> {
    if ids.is_empty() && !cur.known.is_empty() {
        return Err(FsError::Suspicious(format!(
            "full sweep listed no invoice while {} are known; not treating them as deleted",
            cur.known.len()
        )));
    }
    cur.force_full_sweep = false;
    let new_known = IdSet::from_sorted(ids.iter().copied());
    for id in cur.known.ids_in(i64::MIN, i64::MAX) {
        if !new_known.contains(id) {
            t.deleted.insert(id);
        }
    }
    cur.known = new_known;
    t.full_ids = Some(ids.iter().map(i64::to_string).collect::<Vec<_>>());
    Ok(())
}

/// What an invoice is compared by: its header, plus its lines if it is a draft newer than
/// `draft_low`.
fn invoice_fp(id: i64, f: &FacturaCliente, lines: &BTreeMap<i64, Vec<LineaFacturaCliente>>, draft_low: i64) -> u64 {
    let h = header_fp(f);
    if f.editable == Some(false) || id <= draft_low {
        return h;
    }
    let mut parts = vec![h.to_string()];
    for l in lines.get(&id).map(Vec::as_slice).unwrap_or(&[]) {
        parts.push(format!(
            "{}|{}|{}|{:?}",
            l.idlinea,
            l.referencia.clone().unwrap_or_default(),
            l.cantidad,
            l.idlinearect
        ));
    }
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    fnv(&refs)
}

/// Which of the tick's headers are new or changed. `known_before`: the ids known when the
/// tick began.
fn new_or_changed(
    t: &TickState,
    cur: &PollCursor,
    known_before: &IdSet,
    lines: &BTreeMap<i64, Vec<LineaFacturaCliente>>,
    draft_low: i64,
) -> BTreeSet<i64> {
    let mut report: BTreeSet<i64> = BTreeSet::new();
    for (id, f) in &t.headers {
        let fp = invoice_fp(*id, f, lines, draft_low);
        let changed = cur.watched.get(id).map(|w| w.fp) != Some(fp);
        let is_new = *id > t.prev_max || !known_before.contains(*id);
        if t.full && !is_new && !cur.watched.contains_key(id) {
            // Unchanged old invoice seen by the sweep: nothing to report.
            continue;
        }
        if changed || is_new {
            report.insert(*id);
        }
    }
    report
}

/// The watch set after a tick: every unpaid or editable invoice, and those of the trailing
/// window (above `window_low`).
fn update_watch_set(
    cur: &mut PollCursor,
    headers: &BTreeMap<i64, FacturaCliente>,
    lines: &BTreeMap<i64, Vec<LineaFacturaCliente>>,
    window_low: i64,
    draft_low: i64,
) {
    for (id, f) in headers {
        let sticky = !f.pagada || f.editable != Some(false);
        if sticky || *id > window_low {
            cur.watched.insert(
                *id,
                Watched {
                    fp: invoice_fp(*id, f, lines, draft_low),
                    sticky,
                },
            );
        } else {
            cur.watched.remove(id);
        }
    }
    cur.watched.retain(|id, w| w.sticky || *id > window_low);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idset_ops() {
        let mut s = IdSet::from_sorted([1, 2, 3, 5, 6, 9]);
        assert_eq!(s.len(), 6);
        assert_eq!(s.count_in(2, 6), 4);
        s.remove(2);
        assert!(!s.contains(2) && s.contains(1) && s.contains(3));
        s.insert(4);
        s.insert(2);
        assert_eq!(s, IdSet::from_sorted([1, 2, 3, 4, 5, 6, 9]));
        assert_eq!(s.ids_in(5, 100), vec![5, 6, 9]);
    }
}
