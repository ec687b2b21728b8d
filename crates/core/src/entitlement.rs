//! The desired state: which learner should have which course, from when to when, and why.
//!
//! Access is the sum of its causes (DESIGN.md trap 4): every paid, uncredited invoice line
//! whose product maps to a course is one cause; a refund of one invoice leaves the access
//! another invoice pays for.

use crate::invoice::{Invoice, InvoiceKey, InvoiceLine};
use crate::learner::{Email, EmailError, LearnerProfile};
use crate::mapping::{CourseRef, Mapping, RemovalPolicy, RevokePolicy};
use crate::plan::AppliedEnrolment;
use crate::seat::{SeatAssignment, seats_of};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One learner's access to one course on one site: the unit that is reconciled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntitlementKey {
    pub site: String,
    pub course: CourseRef,
    pub learner: Email,
}

impl std::fmt::Display for EntitlementKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.site, self.course, self.learner)
    }
}

/// Why one invoice line does or does not grant access right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CauseState {
    /// Paid: grants access from `start` until `end` (`None` = no end).
    Paid {
        start: Timestamp,
        end: Option<Timestamp>,
        /// From a fixed-dates mapping: the dates are the course's, not counted from payment,
        /// so another paid cause does not extend them.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fixed: bool,
    },
    /// Paid, then unpaid again: access lasts until the grace period ends (or its own end).
    Grace { start: Timestamp, until: Timestamp },
    /// Never paid, or paid and then unpaid again (past any grace period).
    Unpaid,
    /// A seat assigned beyond the line's quantity: it grants nothing.
    NoSeat { seats: usize },
    /// Fully credited by one or more credit notes.
    Credited { by: Vec<String> },
    /// The invoice no longer exists in its source.
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub invoice: InvoiceKey,
    pub invoice_number: String,
    pub line: String,
    pub state: CauseState,
}

impl Cause {
    /// A short human sentence, for the plan and the audit log.
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

/// The sentence of [`Cause::describe`], written straight into a caller's buffer: the plan
/// joins the causes of 100,000 keys without a string per cause.
impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = &self.invoice_number;
        match &self.state {
            CauseState::Paid { .. } => write!(f, "invoice {n} line {} is paid", self.line),
            CauseState::Grace { until, .. } => write!(
                f,
                "invoice {n} is unpaid again; its grace period runs until {}",
                until.date()
            ),
            CauseState::Unpaid => write!(f, "invoice {n} is not paid"),
            CauseState::NoSeat { seats } => write!(
                f,
                "invoice {n} line {} has {seats} seat(s), all taken by earlier assignments",
                self.line
            ),
            CauseState::Credited { by } => write!(f, "invoice {n} line {} credited by {}", self.line, by.join(", ")),
            CauseState::Deleted => write!(f, "invoice {n} was deleted"),
        }
    }
}

/// What the learner should have in Moodle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Access {
    Active {
        start: Timestamp,
        end: Option<Timestamp>,
    },
    /// No cause grants access any more; `policy` says what to do with an existing enrolment.
    Revoked {
        policy: RevokePolicy,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    pub key: EntitlementKey,
    pub profile: LearnerProfile,
    pub role: String,
    pub access: Access,
    pub causes: Vec<Cause>,
    /// Course groups the learner joins (from the mappings that grant the key), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Set when no invoice grants this key any more: why it is revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan: Option<Orphan>,
}

/// Why an invoice (or one of its lines) produces no entitlement: shown to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum HoldReason {
    /// The invoice has mapped products but no usable learner email.
    LearnerEmail { detail: String },
    /// A line's product is not mapped to any course: nothing to grant (informational).
    UnmappedProduct { product: String },
    /// A line has no product reference at all (informational).
    NoProduct,
    /// A credit note refers to an invoice we have never seen.
    UnknownCreditedInvoice { invoice_id: String },
    /// A paid line's seats not yet assigned to a learner (informational).
    UnassignedSeats { free: usize },
    /// The access this invoice paid for ended before it was ever enrolled (a first import of
    /// old invoices): nothing is granted (informational).
    EndedBeforeEnrolment {
        course: String,
        learner: String,
        ended: Timestamp,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub invoice: InvoiceKey,
    pub invoice_number: String,
    /// The line concerned, or `None` for the whole invoice.
    pub line: Option<String>,
    #[serde(flatten)]
    pub reason: HoldReason,
}

impl Hold {
    /// Whether this hold blocks access someone paid for (an error), or is only a note.
    pub fn is_error(&self) -> bool {
        matches!(
            self.reason,
            HoldReason::LearnerEmail { .. } | HoldReason::UnknownCreditedInvoice { .. }
        )
    }

    pub fn describe(&self) -> String {
        let n = &self.invoice_number;
        match &self.reason {
            HoldReason::LearnerEmail { detail } => {
                format!("invoice {n}: no learner email ({detail}); add an email to the customer or its billing contact")
            }
            HoldReason::UnmappedProduct { product } => {
                format!("invoice {n}: product `{product}` is not mapped to a course; nothing to grant")
            }
            HoldReason::NoProduct => format!("invoice {n}: a line has no product reference; nothing to grant"),
            HoldReason::UnknownCreditedInvoice { invoice_id } => {
                format!("credit note {n} refers to invoice {invoice_id}, which was never seen")
            }
            HoldReason::UnassignedSeats { free } => {
                format!("invoice {n}: {free} paid seat(s) not yet assigned to a learner")
            }
            HoldReason::EndedBeforeEnrolment { course, learner, ended } => format!(
                "invoice {n}: {learner}'s access to {course} ended on {}, before it was ever enrolled; nothing to grant",
                ended.date()
            ),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredState {
    pub entitlements: BTreeMap<EntitlementKey, Entitlement>,
    pub holds: Vec<Hold>,
}

impl DesiredState {
    /// Keys Moodle has from us (`applied`) that no invoice grants any more. Where their course
    /// is still mapped (the learner's email changed, a line was edited to another product)
    /// they are revoked per the mapping's policy. Where the mapping was removed (`removed`)
    /// they are left alone, unless that mapping said `on_remove = revoke`: removing a mapping
    /// never revokes paid access by surprise.
    pub fn revoke_orphans(
        &mut self,
        applied: &BTreeMap<EntitlementKey, AppliedEnrolment>,
        mappings: &[Mapping],
        removed: &[Mapping],
    ) {
        for (key, enrolment) in applied {
            if self.entitlements.contains_key(key) {
                continue;
            }
            let same_course = |m: &&Mapping| m.site == key.site && m.course == key.course;
            let (policy, why) = match mappings.iter().find(same_course) {
                Some(m) => (m.on_revoke, Orphan::NoInvoice),
                None => match removed
                    .iter()
                    .filter(same_course)
                    .find(|m| m.on_remove == RemovalPolicy::Revoke)
                {
                    Some(m) => (m.on_revoke, Orphan::MappingRemoved),
                    None => continue,
                },
            };
            let profile = LearnerProfile::from_billing_name(key.learner.clone(), "");
            self.entitlements.insert(
                key.clone(),
                Entitlement {
                    key: key.clone(),
                    profile,
                    role: enrolment.role.clone(),
                    access: Access::Revoked { policy },
                    causes: Vec::new(),
                    groups: Vec::new(),
                    orphan: Some(why),
                },
            );
        }
    }
}

impl DesiredState {
    /// Drops the entitlements whose access ended by `now` and that Moodle never had from us
    /// (not in `applied`): enrolling a learner in a period already over grants nothing, and a
    /// first import of years of paid invoices must not enrol everyone. Each dropped key leaves
    /// a note on the invoices that paid for it. Keys we did enrol stay, with their dates.
    pub fn drop_ended_before_enrolment(
        &mut self,
        applied: &BTreeMap<EntitlementKey, AppliedEnrolment>,
        now: Timestamp,
    ) {
        let ended: Vec<(EntitlementKey, Timestamp)> = self
            .entitlements
            .iter()
            .filter(|(key, _)| !applied.contains_key(*key))
            .filter_map(|(key, e)| match e.access {
                Access::Active { end: Some(end), .. } if end <= now => Some((key.clone(), end)),
                _ => None,
            })
            .collect();
        for (key, end) in ended {
            let Some(e) = self.entitlements.remove(&key) else {
                continue;
            };
            let mut noted: Vec<&InvoiceKey> = Vec::new();
            for c in e.causes.iter().filter(|c| matches!(c.state, CauseState::Paid { .. })) {
                if noted.contains(&&c.invoice) {
                    continue;
                }
                noted.push(&c.invoice);
                self.holds.push(Hold {
                    invoice: c.invoice.clone(),
                    invoice_number: c.invoice_number.clone(),
                    line: Some(c.line.clone()),
                    reason: HoldReason::EndedBeforeEnrolment {
                        course: key.course.to_string(),
                        learner: key.learner.to_string(),
                        ended: end,
                    },
                });
            }
        }
    }
}

/// Why a key no invoice grants is revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Orphan {
    /// Its course is still mapped, but no invoice names this learner for it any more.
    NoInvoice,
    /// The mapping that granted it was removed, and said to revoke.
    MappingRemoved,
}

/// Computes the desired state from every invoice we know (including credit notes and deleted
/// ones), the mappings and the seats assigned on company invoices, at `now` (grace periods
/// end). Pure and deterministic: the same input gives the same output.
///
/// Two passes, so that 100,000 entitlements stay cheap: every mapped line first becomes
/// grants, which borrow from the input and name their key by two numbers; the grants are then
/// sorted by key, and each key's run becomes one owned [`Entitlement`], its strings copied once
/// per entitlement rather than once per cause.
pub fn desired_state(
    invoices: &[Invoice],
    mappings: &[Mapping],
    seats: &[SeatAssignment],
    now: Timestamp,
) -> DesiredState {
    let by_product = mappings_by_product(mappings);
    // Seats of each (invoice, line), first assigned first.
    let mut seats_by_line: HashMap<(&str, &str, &str), Vec<&SeatAssignment>> = HashMap::new();
    for s in seats {
        seats_by_line
            .entry((s.invoice.source.as_str(), s.invoice.id.as_str(), s.line.as_str()))
            .or_default()
            .push(s);
    }
    for list in seats_by_line.values_mut() {
        list.sort_by(|a, b| (a.sequence, &a.learner).cmp(&(b.sequence, &b.learner)));
    }

    // Every invoice by its key, for the credit notes that name one.
    let by_key: HashMap<(&str, &str), &Invoice> = invoices
        .iter()
        .map(|i| ((i.key.source.as_str(), i.key.id.as_str()), i))
        .collect();
    let credits = credited_quantities(invoices, &by_key);

    let mut holds = Vec::new();
    let mut learners = Learners::default();
    let mut grants: Vec<Grant> = Vec::new();
    // Scratch space reused for every invoice and line, instead of two new vectors each.
    let mut mapped_lines: Vec<(&InvoiceLine, &[(&Mapping, usize)])> = Vec::new();
    let mut grantees: Vec<(Grantee, usize, bool)> = Vec::new();
    for inv in invoices {
        if let Some(original) = &inv.credit_note_for {
            if !inv.deleted && !by_key.contains_key(&(inv.key.source.as_str(), original.as_str())) {
                holds.push(hold(
                    inv,
                    None,
                    HoldReason::UnknownCreditedInvoice {
                        invoice_id: original.clone(),
                    },
                ));
            }
            continue;
        }

        // Which lines grant something, and to whom, before we insist on the buyer's email.
        mapped_lines.clear();
        for line in &inv.lines {
            match line.product.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                None => holds.push(hold(inv, Some(&line.id), HoldReason::NoProduct)),
                Some(product) => match by_product.get(product) {
                    None => holds.push(hold(
                        inv,
                        Some(&line.id),
                        HoldReason::UnmappedProduct {
                            product: product.to_string(),
                        },
                    )),
                    Some(ms) => mapped_lines.push((line, ms)),
                },
            }
        }

        // The buyer's learner number, looked up once per invoice and only if a line needs it.
        let mut buyer: Option<Option<usize>> = None;
        for &(line, ms) in &mapped_lines {
            let line_key = (inv.key.source.as_str(), inv.key.id.as_str(), line.id.as_str());
            let credited_by = credits.get(&line_key);
            let credited_qty = credited_by.map_or(0.0, |(qty, _)| *qty);
            let credit_notes = || credited_by.map(|(_, by)| by.clone()).unwrap_or_default();
            let total = seats_of(line.quantity);
            // Seats left once credit notes took theirs back.
            let left = if credited_qty.is_infinite() {
                0
            } else {
                (total as f64 - credited_qty + 1e-9).floor().max(0.0) as usize
            };
            let assigned = seats_by_line.get(&line_key).map(Vec::as_slice).unwrap_or_default();

            // (who, their learner number, whether a seat is still held) for every grantee.
            grantees.clear();
            if !assigned.is_empty() {
                if !inv.deleted && left > assigned.len() && inv.is_paid() {
                    holds.push(hold(
                        inv,
                        Some(&line.id),
                        HoldReason::UnassignedSeats {
                            free: left - assigned.len(),
                        },
                    ));
                }
                for (i, s) in assigned.iter().enumerate() {
                    grantees.push((Grantee::Seat(s), learners.number(s.learner.clone()), i < left));
                }
            } else if total > 1 {
                // A company's seats, none named yet: nothing to grant until they are.
                if !inv.deleted && left > 0 && inv.is_paid() {
                    holds.push(hold(inv, Some(&line.id), HoldReason::UnassignedSeats { free: left }));
                }
            } else if let Some(learner) =
                *buyer.get_or_insert_with(|| buyer_email(inv, &mut holds).map(|email| learners.number(email)))
            {
                grantees.push((Grantee::Buyer(inv), learner, left > 0));
            }

            for &(grantee, learner, seated) in &grantees {
                for &(m, course) in ms {
                    let state = if inv.deleted {
                        CauseState::Deleted
                    } else if !seated {
                        if credited_qty > 0.0 {
                            CauseState::Credited { by: credit_notes() }
                        } else {
                            CauseState::NoSeat { seats: total }
                        }
                    } else {
                        paid_state(inv, m, now)
                    };
                    grants.push(Grant {
                        course,
                        learner,
                        mapping: m,
                        grantee,
                        invoice: inv,
                        line: &line.id,
                        state,
                    });
                }
            }
        }
    }

    DesiredState {
        entitlements: group_by_key(grants, learners),
        holds,
    }
}

/// One cause before grouping: an invoice line granting one mapping's course to one learner.
/// It borrows everything; its key is `(course, learner)` in numbers.
struct Grant<'a> {
    /// The rank of the mapping's (site, course) among all mapped courses.
    course: usize,
    /// The learner's number from [`Learners`].
    learner: usize,
    mapping: &'a Mapping,
    grantee: Grantee<'a>,
    invoice: &'a Invoice,
    line: &'a str,
    state: CauseState,
}

impl Grant<'_> {
    fn key(&self) -> (usize, usize) {
        (self.course, self.learner)
    }

    fn cause(&self) -> Cause {
        Cause {
            invoice: self.invoice.key.clone(),
            invoice_number: self.invoice.number.clone(),
            line: self.line.to_string(),
            state: self.state.clone(),
        }
    }
}

/// Who receives what a line grants.
#[derive(Debug, Clone, Copy)]
enum Grantee<'a> {
    /// The buyer, on a line of one seat.
    Buyer(&'a Invoice),
    /// The learner named on one seat of a company's line.
    Seat(&'a SeatAssignment),
}

impl Grantee<'_> {
    /// The Moodle account to create for them.
    fn profile(self, email: &Email) -> LearnerProfile {
        match self {
            Grantee::Buyer(inv) => {
                let mut p = match &inv.customer.given_names {
                    Some(n) => LearnerProfile::from_names(email.clone(), &n.first, &n.last, &inv.customer.name),
                    None => LearnerProfile::from_billing_name(email.clone(), &inv.customer.name),
                };
                let customer = inv.customer.id.trim();
                if !customer.is_empty() {
                    p.idnumber = Some(format!("mm:{}:{customer}", inv.key.source));
                }
                p
            }
            Grantee::Seat(s) => LearnerProfile::from_billing_name(email.clone(), &s.name),
        }
    }
}

/// Every learner's email, stored once and numbered in the order first seen.
#[derive(Default)]
struct Learners {
    numbers: HashMap<Email, usize>,
}

impl Learners {
    fn number(&mut self, email: Email) -> usize {
        let next = self.numbers.len();
        *self.numbers.entry(email).or_insert(next)
    }

    /// The emails in order, and for each learner number its position in that order.
    fn sorted(self) -> (Vec<Email>, Vec<usize>) {
        let mut by_email: Vec<(Email, usize)> = self.numbers.into_iter().collect();
        by_email.sort_unstable();
        let mut position = vec![0; by_email.len()];
        for (pos, (_, number)) in by_email.iter().enumerate() {
            position[*number] = pos;
        }
        (by_email.into_iter().map(|(email, _)| email).collect(), position)
    }
}

/// The mappings of each product, each with the rank of its (site, course) among all mapped
/// courses in [`EntitlementKey`] order, so that grants sort by a number instead of two strings.
fn mappings_by_product(mappings: &[Mapping]) -> HashMap<&str, Vec<(&Mapping, usize)>> {
    let mut ranks: BTreeMap<(&str, &CourseRef), usize> =
        mappings.iter().map(|m| ((m.site.as_str(), &m.course), 0)).collect();
    for (rank, slot) in ranks.values_mut().enumerate() {
        *slot = rank;
    }
    let mut by_product: HashMap<&str, Vec<(&Mapping, usize)>> = HashMap::new();
    for m in mappings {
        let course = ranks[&(m.site.as_str(), &m.course)];
        by_product.entry(m.product.as_str()).or_default().push((m, course));
    }
    by_product
}

/// One entitlement per key: the grants sorted by key (stably, so each key's causes keep the
/// order the invoices came in), then each key's run merged. The first grant of a run names the
/// learner's profile, the role and the revoke policy.
fn group_by_key(mut grants: Vec<Grant>, learners: Learners) -> BTreeMap<EntitlementKey, Entitlement> {
    // Renumber learners in email order: `(course, learner)` then sorts like `EntitlementKey`.
    let (emails, position) = learners.sorted();
    for g in &mut grants {
        g.learner = position[g.learner];
    }
    grants.sort_by_key(Grant::key);
    let runs = grants.chunk_by(|a, b| a.key() == b.key());
    // Sized once: 100,000 entitlements are tens of megabytes, not worth growing by doubling.
    let mut entitlements = Vec::with_capacity(runs.clone().count());
    entitlements.extend(runs.map(|run| entitlement(run, &emails[run[0].learner])));
    // Already in key order: `from_iter` sorts in one pass over sorted input and builds the
    // tree bottom-up, with no search per key.
    BTreeMap::from_iter(entitlements)
}

/// The entitlement of one key from its grants (never empty: `chunk_by` yields no empty run).
/// Its strings are copied here, once per entitlement.
fn entitlement(run: &[Grant], email: &Email) -> (EntitlementKey, Entitlement) {
    let first = &run[0];
    let m = first.mapping;
    let causes: Vec<Cause> = run.iter().map(Grant::cause).collect();
    let mut groups: Vec<String> = run.iter().filter_map(|g| g.mapping.group.clone()).collect();
    groups.sort_unstable();
    groups.dedup();
    let key = EntitlementKey {
        site: m.site.clone(),
        course: m.course.clone(),
        learner: email.clone(),
    };
    let entitlement = Entitlement {
        key: key.clone(),
        profile: first.grantee.profile(email),
        role: m.role.clone(),
        access: merge_access(&causes, m.on_revoke),
        causes,
        groups,
        orphan: None,
    };
    (key, entitlement)
}

/// The buyer's email, or a hold explaining why it is unusable.
fn buyer_email(inv: &Invoice, holds: &mut Vec<Hold>) -> Option<Email> {
    let detail = match inv.customer.email.as_deref().map(Email::parse) {
        Some(Ok(email)) => return Some(email),
        Some(Err(EmailError::Empty)) => "the email is empty".to_string(),
        Some(Err(other)) => other.to_string(),
        None => "none given".to_string(),
    };
    if !inv.deleted {
        holds.push(hold(inv, None, HoldReason::LearnerEmail { detail }));
    }
    None
}

/// What a live (not deleted, not credited) invoice line grants under one mapping.
fn paid_state(inv: &Invoice, m: &Mapping, now: Timestamp) -> CauseState {
    let window = |from: Timestamp| match m.window {
        Some((start, end)) => (start, Some(end), true),
        None => (from, m.duration_secs.map(|d| from.plus_seconds(d)), false),
    };
    if let Some(from) = inv.access_start(m.starts_from) {
        let (start, end, fixed) = window(from);
        return CauseState::Paid { start, end, fixed };
    }
    match (inv.lapsed, inv.lapsed_start(m.starts_from)) {
        (Some(lapse), Some(from)) if m.grace_secs > 0 && now < lapse.unpaid_since.plus_seconds(m.grace_secs) => {
            let (start, end, _) = window(from);
            let until = lapse.unpaid_since.plus_seconds(m.grace_secs);
            CauseState::Grace {
                start,
                until: end.map_or(until, |e| e.min(until)),
            }
        }
        _ => CauseState::Unpaid,
    }
}

/// Merges the causes of one entitlement. Paid causes chain: a renewal paid before the current
/// end extends from that end, so paying early never loses days. Fixed-date causes do not chain:
/// the access spans the earliest start to the latest end of all causes.
fn merge_access(causes: &[Cause], policy: RevokePolicy) -> Access {
    let mut chained: Vec<(Timestamp, Option<i64>)> = Vec::new();
    let mut fixed: Vec<(Timestamp, Timestamp)> = Vec::new();
    let mut unlimited = false;
    for c in causes {
        match c.state {
            CauseState::Paid {
                start,
                end: Some(end),
                fixed: true,
            } => fixed.push((start, end)),
            CauseState::Paid { start, end, .. } => chained.push((start, end.map(|e| e.0 - start.0))),
            // A grace period does not chain: it ends when it ends, whatever else is paid.
            CauseState::Grace { start, until } => fixed.push((start, until)),
            _ => {}
        }
    }
    if chained.is_empty() && fixed.is_empty() {
        return Access::Revoked { policy };
    }
    chained.sort();
    let mut end: Option<Timestamp> = None;
    for (paid_at, duration) in &chained {
        match duration {
            None => unlimited = true,
            Some(d) => {
                let from = match end {
                    Some(e) if e > *paid_at => e,
                    _ => *paid_at,
                };
                end = Some(from.plus_seconds(*d));
            }
        }
    }
    let start = chained
        .iter()
        .map(|c| c.0)
        .chain(fixed.iter().map(|f| f.0))
        .min()
        .unwrap_or(Timestamp(0));
    let end = fixed.iter().map(|f| f.1).chain(end).max();
    Access::Active {
        start,
        end: if unlimited { None } else { end },
    }
}

/// For each original (invoice, line): how much quantity credit notes have credited, and by which.
/// A credit-note line without a line reference credits the line with the same product; a credit
/// note without any line references credits the whole invoice.
fn credited_quantities<'a>(
    invoices: &'a [Invoice],
    originals: &HashMap<(&str, &str), &'a Invoice>,
) -> HashMap<(&'a str, &'a str, &'a str), (f64, Vec<String>)> {
    let mut out: HashMap<(&str, &str, &str), (f64, Vec<String>)> = HashMap::new();
    for note in invoices.iter().filter(|i| !i.deleted) {
        let Some(original_id) = &note.credit_note_for else {
            continue;
        };
        let Some(original) = originals.get(&(note.key.source.as_str(), original_id.as_str())) else {
            continue;
        };
        let whole = note
            .lines
            .iter()
            .all(|l| l.credits_line.is_none() && l.product.is_none());
        let mut credit = |line_id: &'_ str, qty: f64| {
            // Borrow the id from the original invoice, so the key lives as long as `invoices`.
            let Some(line) = original.lines.iter().find(|o| o.id == line_id) else {
                return;
            };
            let e = out
                .entry((original.key.source.as_str(), original.key.id.as_str(), line.id.as_str()))
                .or_default();
            e.0 += qty;
            if !e.1.contains(&note.number) {
                e.1.push(note.number.clone());
            }
        };
        if whole {
            for l in &original.lines {
                credit(&l.id, f64::INFINITY);
            }
            continue;
        }
        for l in &note.lines {
            let qty = l.quantity.abs();
            let target = l.credits_line.as_deref().or_else(|| {
                original
                    .lines
                    .iter()
                    .find(|o| o.product.is_some() && o.product == l.product)
                    .map(|o| o.id.as_str())
            });
            if let Some(target) = target {
                credit(target, qty);
            }
        }
    }
    out
}

fn hold(inv: &Invoice, line: Option<&str>, reason: HoldReason) -> Hold {
    Hold {
        invoice: inv.key.clone(),
        invoice_number: inv.number.clone(),
        line: line.map(str::to_string),
        reason,
    }
}
