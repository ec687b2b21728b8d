//! FacturaScripts `api/3` answers: arbitrary bytes as the body of a list or one-record answer,
//! classified and decoded as `FsClient` does (`parse_response`, `parse_list`, `parse_record`)
//! into every record type the poller reads (facturas, their lines, clientes, contactos,
//! productos, variantes, recibos, estados), error bodies included; and whole invoices
//! (invoice, lines, customer, contact) through `to_snapshot`.
//!
//! Input: `kind, status, total, body…`.
//! - `kind % 18`: 0–7 a list of one record type, 8–15 one record, 16 `parse_response` alone,
//!   17 an invoice: the body is split at `0xFF` bytes into the invoice record, its lines (a
//!   list), the customer record and the billing contact record, converted by `to_snapshot`;
//! - `status`: below 128 → 200, else one of a table of statuses;
//! - `total`: `X-Total-Count` when odd.
//!
//! The body is decoded to text lossily, as `reqwest::Response::text` does.
//!
//! Promises checked: nothing panics; a non-2xx answer is never accepted; every error has a
//! message and a classification; a page keeps the `X-Total-Count` it came with; a snapshot
//! keeps only the invoice's own lines, in `idlinea` order, with finite quantities (never
//! positive on a credit note), and names the source it was read from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_facturascripts::client::{parse_list, parse_record, parse_response};
use mm_facturascripts::{
    Cliente, Contacto, EstadoDocumento, FacturaCliente, FsError, LineaFacturaCliente, Page, Producto, RawResponse,
    ReciboCliente, Variante, decode_html, encode_html, to_snapshot,
};
use serde::de::DeserializeOwned;
use std::fmt::Debug;

const STATUSES: [u16; 16] = [
    0, 201, 204, 301, 400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 599,
];
const SOURCE: &str = "erp";

fn exercise(e: &FsError, status: u16) {
    assert!(!e.to_string().is_empty(), "{e:?}");
    let _ = format!("{e:?}");
    let _ = (e.kind(), e.is_retryable(), e.retry_after(), e.is_not_found());
    if let Some(s) = e.status() {
        assert_eq!(s, status, "{e:?}");
    }
}

fn list<T: DeserializeOwned + Debug>(raw: &RawResponse) {
    match parse_list::<T>(raw) {
        Ok(Page { items, total }) => {
            assert!((200..300).contains(&raw.status));
            assert_eq!(total, raw.total_count);
            let _ = format!("{items:?}");
        }
        Err(e) => exercise(&e, raw.status),
    }
}

fn record<T: DeserializeOwned + Debug>(raw: &RawResponse) -> Option<T> {
    match parse_record::<T>(raw) {
        Ok(x) => {
            assert!((200..300).contains(&raw.status));
            let _ = format!("{x:?}");
            Some(x)
        }
        Err(e) => {
            exercise(&e, raw.status);
            None
        }
    }
}

fn raw(status: u16, total_count: Option<u64>, body: &[u8]) -> RawResponse {
    RawResponse {
        status,
        total_count,
        content_type: Some("application/json".into()),
        body: String::from_utf8_lossy(body).into_owned(),
        resource: String::new(),
    }
}

fn snapshot(status: u16, body: &[u8]) {
    let mut parts = body.splitn(4, |b| *b == 0xFF);
    let mut next = || raw(status, None, parts.next().unwrap_or_default());
    let (invoice, lines, customer, contact) = (next(), next(), next(), next());
    let Some(invoice) = record::<FacturaCliente>(&invoice) else {
        return;
    };
    let Ok(Page { items: lines, .. }) = parse_list::<LineaFacturaCliente>(&lines) else {
        return;
    };
    let Some(customer) = record::<Cliente>(&customer) else {
        return;
    };
    let contact = record::<Contacto>(&contact);
    let s = to_snapshot(SOURCE, &invoice, &lines, &customer, contact.as_ref());
    assert_eq!(s.key.source, SOURCE);
    assert_eq!(s.key.id, invoice.idfactura.to_string());
    assert_eq!(s.paid, invoice.pagada);
    let mine: Vec<&LineaFacturaCliente> = lines.iter().filter(|l| l.idfactura == invoice.idfactura).collect();
    assert_eq!(s.lines.len(), mine.len());
    let mut previous: Option<i64> = None;
    for l in &s.lines {
        let id: i64 = l.id.parse().expect("line ids are idlinea numbers");
        assert!(previous.is_none_or(|p| p <= id), "lines out of order: {s:?}");
        previous = Some(id);
        assert!(l.quantity.is_finite(), "a quantity that is not a number: {s:?}");
        if s.credit_note_for.is_some() {
            assert!(l.quantity <= 0.0, "a positive quantity on a credit note: {s:?}");
        } else {
            assert!(l.credits_line.is_none(), "{s:?}");
        }
    }
    let _ = encode_html(&decode_html(&s.customer.name));
}

fuzz_target!(|data: &[u8]| {
    let [kind, s, t, body @ ..] = data else {
        return;
    };
    let status = if *s < 128 {
        200
    } else {
        STATUSES[usize::from(*s) % STATUSES.len()]
    };
    let total = (*t & 1 == 1).then(|| u64::from(*t) << 24);
    let r = raw(status, total, body);
    match kind % 18 {
        0 => list::<FacturaCliente>(&r),
        1 => list::<LineaFacturaCliente>(&r),
        2 => list::<Cliente>(&r),
        3 => list::<Contacto>(&r),
        4 => list::<Producto>(&r),
        5 => list::<Variante>(&r),
        6 => list::<ReciboCliente>(&r),
        7 => list::<EstadoDocumento>(&r),
        8 => drop(record::<FacturaCliente>(&r)),
        9 => drop(record::<LineaFacturaCliente>(&r)),
        10 => drop(record::<Cliente>(&r)),
        11 => drop(record::<Contacto>(&r)),
        12 => drop(record::<Producto>(&r)),
        13 => drop(record::<Variante>(&r)),
        14 => drop(record::<ReciboCliente>(&r)),
        15 => drop(record::<EstadoDocumento>(&r)),
        16 => match parse_response(&r) {
            Ok(_) => assert!((200..300).contains(&status), "a {status} answer was accepted"),
            Err(e) => exercise(&e, status),
        },
        _ => snapshot(status, body),
    }
});
