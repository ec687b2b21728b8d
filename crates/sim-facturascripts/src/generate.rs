//! Bulk data: customers, products and invoices with a realistic mix (mostly paid, some
//! unpaid, a few drafts and credit notes).

use crate::FsSim;
use crate::state::{LineSpec, STATUS_ISSUED};
use rand::{Rng, SeedableRng};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    pub customers: usize,
    pub products: usize,
    pub invoices: usize,
    pub first_id: i64,
    pub last_id: i64,
}

/// Generate `invoices` invoices (≈ one customer per 10 invoices, 20 products): 95% paid,
/// 4% issued unpaid, 0.5% drafts, 0.5% credit notes.
pub fn generate(sim: &FsSim, invoices: usize, seed: u64) -> Generated {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut db = sim.lock();
    let products: Vec<String> = (0..20).map(|i| format!("COURSE-{i:02}")).collect();
    for (i, p) in products.iter().enumerate() {
        db.add_product(p, &format!("Course {i}"), 50.0 + i as f64 * 10.0);
    }
    let ncust = (invoices / 10).max(1);
    let customers: Vec<String> = (0..ncust)
        .map(|i| db.add_customer(None, &format!("Learner {i}"), None, &format!("learner{i}@example.com")))
        .collect();
    let (mut first, mut last) = (0, 0);
    let mut made: Vec<i64> = Vec::with_capacity(invoices);
    for n in 0..invoices {
        let cust = &customers[rng.gen_range(0..customers.len())];
        let nlines = rng.gen_range(1..=3);
        let lines: Vec<LineSpec> = (0..nlines)
            .map(|_| LineSpec {
                referencia: Some(products[rng.gen_range(0..products.len())].clone()),
                descripcion: None,
                cantidad: 1.0,
                pvpunitario: None,
                idlinea: None,
                dtopor: 0.0,
            })
            .collect();
        let roll: f64 = rng.r#gen();
        let id = if roll < 0.005 && !made.is_empty() {
            let target = made[rng.gen_range(0..made.len())];
            match db.credit(target, None, None, None, Some("R".into()), Some(STATUS_ISSUED)) {
                Ok(id) => {
                    db.recompute_paid(id);
                    id
                }
                Err(_) => continue,
            }
        } else {
            let Ok(id) = db.create_invoice(cust, &lines, None, None, None) else {
                continue;
            };
            if roll >= 0.01 {
                let _ = db.set_status(id, STATUS_ISSUED);
            }
            if roll >= 0.05 {
                let _ = db.pay(id, true, None, None);
            }
            made.push(id);
            id
        };
        if n == 0 {
            first = id;
        }
        last = id;
    }
    Generated {
        customers: ncust,
        products: products.len(),
        invoices,
        first_id: first,
        last_id: last,
    }
}
