//! A recompute a few courses at a time, so that it never holds every entitlement at once.
//!
//! An entitlement's key names one (site, course), and everything it is computed from — the
//! invoice lines whose product maps to that course, the credit notes of those invoices, the
//! seats of those lines, the course's mappings — concerns that course only. So the desired
//! state of a set of courses is `desired_state` over the invoices that need them and the
//! mappings of those courses alone, and the union over disjoint sets of courses is the desired
//! state of them all, entitlement for entitlement.
//!
//! Only the holds need care: an invoice given to several parts is held by each (its holds are
//! gathered once), and a part sees the lines mapped to other parts' courses as unmapped and the
//! invoices of other parts as unknown — [`Holds`] drops those. Invoices no course needs (nothing
//! on them is mapped) go to a last run of their own, for their holds.

use mm_core::{CourseRef, Hold, HoldReason, Invoice, Mapping};
use mm_store::StoredCourse;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// About this many causes (mapped invoice lines) per part: about ten megabytes of entitlements.
pub const PART_CAUSES: usize = 10_000;

pub struct Part {
    /// Its courses, as stored.
    pub courses: Vec<StoredCourse>,
    /// The mappings of these courses, in their order among all mappings.
    pub mappings: Vec<Mapping>,
    /// Indexes (ascending) of the invoices these courses need: those with a line mapped to one
    /// of them, and the credit notes of those.
    invoices: Vec<usize>,
}

pub struct Parts {
    pub parts: Vec<Part>,
    /// Indexes (ascending) of the invoices no part needs.
    rest: Vec<usize>,
}

impl Parts {
    /// Splits the mapped courses, in key order, into parts of about `limit` causes each (a
    /// course with more is a part of its own).
    // Long (~100 lines) on purpose: one pass of index arithmetic over shared scratch buffers,
    // whose steps only make sense together; the property test below checks it whole.
    pub fn new(invoices: &[Invoice], mappings: &[Mapping], limit: usize) -> Parts {
        let mut course_ids: BTreeMap<(&str, &CourseRef), usize> =
            mappings.iter().map(|m| ((m.site.as_str(), &m.course), 0)).collect();
        for (i, id) in course_ids.values_mut().enumerate() {
            *id = i;
        }
        let mut by_product: HashMap<&str, Vec<usize>> = HashMap::new();
        for m in mappings {
            by_product
                .entry(m.product.as_str())
                .or_default()
                .push(course_ids[&(m.site.as_str(), &m.course)]);
        }
        // The courses an invoice's lines map to (as `desired_state` reads a line's product).
        let courses_of = |inv: &Invoice, out: &mut Vec<usize>| {
            out.clear();
            for line in &inv.lines {
                let product = line.product.as_deref().map(str::trim).filter(|p| !p.is_empty());
                if let Some(courses) = product.and_then(|p| by_product.get(p)) {
                    out.extend(courses);
                }
            }
        };

        let mut causes = vec![0usize; course_ids.len()];
        let mut scratch = Vec::new();
        for inv in invoices.iter().filter(|i| i.credit_note_for.is_none()) {
            courses_of(inv, &mut scratch);
            for &c in &scratch {
                causes[c] += 1;
            }
        }
        let mut part_of_course = vec![0usize; course_ids.len()];
        let (mut part, mut acc) = (0, 0);
        for (c, n) in causes.iter().enumerate() {
            if acc > 0 && acc + n > limit {
                part += 1;
                acc = 0;
            }
            part_of_course[c] = part;
            acc += n;
        }
        let mut parts: Vec<Part> = (0..if course_ids.is_empty() { 0 } else { part + 1 })
            .map(|_| Part {
                courses: Vec::new(),
                mappings: Vec::new(),
                invoices: Vec::new(),
            })
            .collect();
        for ((site, course), c) in &course_ids {
            parts[part_of_course[*c]]
                .courses
                .push(StoredCourse::new(*site, course.to_string()));
        }
        for m in mappings {
            let c = course_ids[&(m.site.as_str(), &m.course)];
            parts[part_of_course[c]].mappings.push(m.clone());
        }

        // The parts each invoice (not credit note) is needed by: invoice `i`'s are
        // `needed[starts[i]..starts[i + 1]]` (one allocation, not one per invoice).
        let mut starts: Vec<u32> = Vec::with_capacity(invoices.len() + 1);
        let mut needed: Vec<u32> = Vec::new();
        starts.push(0);
        for inv in invoices {
            if inv.credit_note_for.is_none() {
                courses_of(inv, &mut scratch);
                let from = needed.len();
                needed.extend(scratch.iter().map(|&c| part_of_course[c] as u32));
                needed[from..].sort_unstable();
                let mut kept = from;
                for k in from..needed.len() {
                    if kept == from || needed[kept - 1] != needed[k] {
                        needed[kept] = needed[k];
                        kept += 1;
                    }
                }
                needed.truncate(kept);
            }
            starts.push(needed.len() as u32);
        }
        let needed_by = |i: usize| &needed[starts[i] as usize..starts[i + 1] as usize];
        let index: HashMap<(&str, &str), usize> = invoices
            .iter()
            .enumerate()
            .map(|(i, inv)| ((inv.key.source.as_str(), inv.key.id.as_str()), i))
            .collect();
        let mut rest = Vec::new();
        for (i, inv) in invoices.iter().enumerate() {
            // A credit note goes wherever the invoice it credits goes.
            let owner = match &inv.credit_note_for {
                None => Some(i),
                Some(original) => index.get(&(inv.key.source.as_str(), original.as_str())).copied(),
            };
            let needed = owner.map(needed_by).unwrap_or_default();
            if needed.is_empty() {
                rest.push(i);
            }
            for &p in needed {
                parts[p as usize].invoices.push(i);
            }
        }
        Parts { parts, rest }
    }

    /// The invoices part `p` needs (all of them, borrowed, when it needs them all).
    pub fn invoices<'a>(&self, p: usize, invoices: &'a [Invoice]) -> Cow<'a, [Invoice]> {
        select(&self.parts[p].invoices, invoices)
    }

    /// The invoices no part needs: nothing on them is mapped; they only have holds.
    pub fn rest<'a>(&self, invoices: &'a [Invoice]) -> Cow<'a, [Invoice]> {
        select(&self.rest, invoices)
    }

    /// Every course some mapping names, as stored.
    pub fn mapped_courses(&self) -> impl Iterator<Item = &StoredCourse> {
        self.parts.iter().flat_map(|p| &p.courses)
    }
}

fn select<'a>(indexes: &[usize], invoices: &'a [Invoice]) -> Cow<'a, [Invoice]> {
    if indexes.len() == invoices.len() {
        Cow::Borrowed(invoices)
    } else {
        Cow::Owned(indexes.iter().map(|&i| invoices[i].clone()).collect())
    }
}

/// The holds of every part, as one `desired_state` over everything would give them.
pub struct Holds<'a> {
    /// Products some mapping names: a part calling them unmapped only means "not here".
    mapped: HashSet<&'a str>,
    /// Every invoice: a credit note whose invoice is in another part is not "never seen".
    known: HashSet<(&'a str, &'a str)>,
    holds: Vec<Hold>,
}

impl<'a> Holds<'a> {
    pub fn new(invoices: &'a [Invoice], mappings: &'a [Mapping]) -> Holds<'a> {
        Holds {
            mapped: mappings.iter().map(|m| m.product.as_str()).collect(),
            known: invoices
                .iter()
                .map(|i| (i.key.source.as_str(), i.key.id.as_str()))
                .collect(),
            holds: Vec::new(),
        }
    }

    /// The holds of one part (or of the rest).
    pub fn add(&mut self, holds: Vec<Hold>) {
        self.holds.extend(holds.into_iter().filter(|h| match &h.reason {
            HoldReason::UnmappedProduct { product } => !self.mapped.contains(product.as_str()),
            HoldReason::UnknownCreditedInvoice { invoice_id } => {
                !self.known.contains(&(h.invoice.source.as_str(), invoice_id.as_str()))
            }
            _ => true,
        }));
    }

    /// Every hold once, by invoice and line.
    pub fn finish(mut self) -> Vec<Hold> {
        self.holds
            .sort_by(|a, b| (&a.invoice, &a.line).cmp(&(&b.invoice, &b.line)));
        let mut out: Vec<Hold> = Vec::with_capacity(self.holds.len());
        let mut group = 0;
        for h in self.holds {
            if out
                .last()
                .is_some_and(|last| (&last.invoice, &last.line) != (&h.invoice, &h.line))
            {
                group = out.len();
            }
            if !out[group..].contains(&h) {
                out.push(h);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mm_core::{
        Customer, DesiredState, Email, InvoiceKey, InvoiceLine, Lapse, SeatAssignment, Timestamp, desired_state,
    };
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};

    const NOW: Timestamp = Timestamp(1_790_000_000);

    /// From JSON, so that fields added later with a default need no change here.
    fn mapping(v: serde_json::Value) -> Mapping {
        let mut base = serde_json::json!({
            "role": "student", "duration_secs": 2_592_000, "on_revoke": "suspend",
        });
        if let (Some(b), Some(v)) = (base.as_object_mut(), v.as_object()) {
            b.extend(v.clone());
        }
        serde_json::from_value(base).expect("a mapping")
    }

    fn mappings() -> Vec<Mapping> {
        use serde_json::json;
        vec![
            mapping(json!({"product": "P1", "site": "main", "course": {"Shortname": "C1"}})),
            // A bundle: two courses, one on another site.
            mapping(json!({"product": "P2", "site": "main", "course": {"Shortname": "C2"}, "on_revoke": "unenrol"})),
            mapping(json!({"product": "P2", "site": "other", "course": {"Id": 7}})),
            // Two products, one course: the first cause names the role.
            mapping(
                json!({"product": "P3", "site": "main", "course": {"Shortname": "C1"}, "role": "teacher",
                           "on_revoke": "unenrol"}),
            ),
            mapping(json!({"product": "P4", "site": "main", "course": {"Idnumber": "X"},
                           "window": [1_780_000_000, 1_800_000_000]})),
            mapping(
                json!({"product": "P5", "site": "other", "course": {"Shortname": "C9"}, "grace_secs": 86_400,
                           "duration_secs": null}),
            ),
        ]
    }

    /// Invoices and credit notes from two sources, with every kind of hold.
    // Long (~90 lines): a test fixture, one generated invoice with its seats per iteration.
    fn world(seed: u64) -> (Vec<Invoice>, Vec<SeatAssignment>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let products = [
            Some("P1"),
            Some("P2"),
            Some(" P3 "),
            Some("P4"),
            Some("P5"),
            Some("UNMAPPED"),
            Some(""),
            None,
        ];
        let emails = [
            Some("ada@example.org"),
            Some("Ada@Example.org"),
            Some("bob@example.org"),
            Some("cy@example.org"),
            Some("dee@example.org"),
            Some("not an email"),
            Some(""),
            None,
        ];
        let mut invoices = Vec::new();
        let mut seats = Vec::new();
        for i in 0..rng.gen_range(0..60) {
            let source = if rng.gen_bool(0.8) { "erp" } else { "shop" };
            let credit_note_for = rng.gen_bool(0.2).then(|| {
                if rng.gen_bool(0.8) {
                    rng.gen_range(0..i.max(1)).to_string()
                } else {
                    "999".to_string()
                }
            });
            let lines: Vec<InvoiceLine> = (0..rng.gen_range(0..4))
                .map(|l| InvoiceLine {
                    amount: None,
                    id: l.to_string(),
                    product: products.choose(&mut rng).copied().flatten().map(str::to_string),
                    quantity: if credit_note_for.is_some() {
                        -1.0
                    } else if rng.gen_bool(0.15) {
                        3.0
                    } else {
                        1.0
                    },
                    credits_line: credit_note_for
                        .as_ref()
                        .filter(|_| rng.gen_bool(0.5))
                        .map(|_| rng.gen_range(0..3).to_string()),
                })
                .collect();
            let paid_at = rng
                .gen_bool(0.7)
                .then(|| Timestamp(1_789_000_000 + rng.gen_range(0..2_000_000)));
            let key = InvoiceKey::new(source, i.to_string());
            for l in lines.iter().filter(|l| l.quantity > 1.0) {
                for s in 0..rng.gen_range(0..4) {
                    seats.push(SeatAssignment {
                        invoice: key.clone(),
                        line: l.id.clone(),
                        learner: Email::parse(&format!("seat{s}@example.org")).expect("email"),
                        name: format!("Seat {s}"),
                        assigned_at: Timestamp(1_789_000_000 + s),
                        sequence: s,
                    });
                }
            }
            invoices.push(Invoice {
                currency: None,
                issued_on: None,
                paid_on: None,
                key,
                number: format!("F{i}"),
                customer: Customer {
                    given_names: None,
                    id: format!("C{}", rng.gen_range(0..5)),
                    name: "Customer".into(),
                    email: emails.choose(&mut rng).copied().flatten().map(str::to_string),
                },
                lines,
                lapsed: (paid_at.is_none() && rng.gen_bool(0.3)).then_some(Lapse {
                    paid_on: None,
                    paid_at: Timestamp(1_789_000_000),
                    unpaid_since: Timestamp(NOW.0 - rng.gen_range(0..200_000)),
                }),
                paid_at,
                credit_note_for,
                deleted: rng.gen_bool(0.1),
            });
        }
        // As the store gives them: by (source, id).
        invoices.sort_by(|a, b| a.key.cmp(&b.key));
        (invoices, seats)
    }

    #[test]
    fn the_parts_together_are_the_whole_desired_state() {
        let mappings = mappings();
        for seed in 0..300 {
            let (invoices, seats) = world(seed);
            let whole = desired_state(&invoices, &mappings, &seats, NOW);
            let mut expected_holds = Holds::new(&invoices, &mappings);
            expected_holds.add(whole.holds.clone());
            let expected_holds = expected_holds.finish();
            for limit in [0, 1, 3, 10, usize::MAX] {
                let parts = Parts::new(&invoices, &mappings, limit);
                let mut got = DesiredState::default();
                let mut holds = Holds::new(&invoices, &mappings);
                for (i, part) in parts.parts.iter().enumerate() {
                    let d = desired_state(&parts.invoices(i, &invoices), &part.mappings, &seats, NOW);
                    for key in d.entitlements.keys() {
                        let course = StoredCourse::new(key.site.clone(), key.course.to_string());
                        assert!(part.courses.contains(&course), "seed {seed}: {key} outside its part");
                    }
                    got.entitlements.extend(d.entitlements);
                    holds.add(d.holds);
                }
                let rest = desired_state(&parts.rest(&invoices), &mappings, &seats, NOW);
                assert!(rest.entitlements.is_empty(), "seed {seed}: the rest grants nothing");
                holds.add(rest.holds);
                assert_eq!(got.entitlements, whole.entitlements, "seed {seed}, limit {limit}");
                assert_eq!(holds.finish(), expected_holds, "seed {seed}, limit {limit}");
            }
        }
    }

    #[test]
    fn parts_stay_near_their_size() {
        let mappings = mappings();
        // A world where most courses have entitlements.
        let (invoices, with_causes) = (0..100)
            .map(|seed| {
                let (invoices, _) = world(seed);
                let courses: std::collections::BTreeSet<_> = desired_state(&invoices, &mappings, &[], NOW)
                    .entitlements
                    .keys()
                    .map(|k| (k.site.clone(), k.course.clone()))
                    .collect();
                (invoices, courses.len())
            })
            .max_by_key(|w| w.1)
            .expect("worlds");
        assert!(with_causes >= 4, "{with_causes}");
        let one = Parts::new(&invoices, &mappings, usize::MAX);
        assert_eq!(one.parts.len(), 1);
        assert_eq!(one.mapped_courses().count(), 5);
        // With no room, a course with causes is a part of its own.
        let many = Parts::new(&invoices, &mappings, 0);
        assert!(many.parts.len() >= with_causes, "{}", many.parts.len());
        assert!(Parts::new(&invoices, &[], 10).parts.is_empty());
    }
}
