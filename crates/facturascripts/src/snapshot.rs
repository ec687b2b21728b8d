//! FacturaScripts records → [`mm_core::InvoiceSnapshot`].

use crate::records::{Cliente, Contacto, FacturaCliente, LineaFacturaCliente, ReciboCliente, parse_date};
use chrono::{Datelike, NaiveDate};
use mm_core::{Amount, Customer, InvoiceKey, InvoiceLine, InvoiceSnapshot, Timestamp};

/// Build the snapshot of one invoice.
///
/// - learner email: the billing contact's (`idcontactofact`) email, else the customer's;
/// - customer name: the contact's `nombre + apellidos`, else `razonsocial`/`nombre`, else the
///   invoice's `nombrecliente`, HTML-decoded;
/// - product: the line's `referencia` (the variant reference), `None` on free-text lines;
/// - credit note: `idfacturarect`, its lines' `idlinearect` → `credits_line` (quantities are
///   negative as FacturaScripts stores them; a positive one is negated);
/// - paid: `pagada`;
/// - amounts: each line's `pvptotal` (total before tax, after discounts) rounded half away
///   from zero to cents, negated on a credit note like its quantity; the currency is the
///   invoice's `coddivisa`.
///
/// `lines` may hold other invoices' lines; only this invoice's are kept, in `idlinea` order.
/// No receipts: see [`to_snapshot_with_receipts`] for the payment date.
pub fn to_snapshot(
    source_name: &str,
    invoice: &FacturaCliente,
    lines: &[LineaFacturaCliente],
    customer: &Cliente,
    billing_contact: Option<&Contacto>,
) -> InvoiceSnapshot {
    to_snapshot_with_receipts(source_name, invoice, lines, customer, billing_contact, &[])
}

/// As [`to_snapshot`], with the invoice's receipts (`reciboclientes`; others' are ignored):
///
/// - payment date: when it became fully paid, i.e. the latest `fechapago` among its paid
///   receipts (an invoice paid in instalments is paid by its last one); `None` while unpaid,
///   or paid without a dated receipt (a zero total, a `pagada` set by hand): access then
///   counts from the invoice date;
/// - invoice date: `fecha`.
///
/// Dates are whole days (FacturaScripts keeps no time with them), read as midnight UTC.
pub fn to_snapshot_with_receipts(
    source_name: &str,
    invoice: &FacturaCliente,
    lines: &[LineaFacturaCliente],
    customer: &Cliente,
    billing_contact: Option<&Contacto>,
    receipts: &[ReciboCliente],
) -> InvoiceSnapshot {
    let contact = billing_contact.filter(|c| invoice.idcontactofact.is_none_or(|id| id == c.idcontacto));
    let given_names = contact.and_then(Contacto::names);
    let email = contact
        .and_then(Contacto::email_trimmed)
        .or_else(|| customer.email_trimmed());
    let name = contact
        .and_then(Contacto::full_name)
        .or_else(|| customer.display_name())
        .or_else(|| invoice.nombrecliente_display())
        .unwrap_or_else(|| customer.codcliente.clone());
    let credit = invoice.idfacturarect.is_some();
    let mut mine: Vec<&LineaFacturaCliente> = lines.iter().filter(|l| l.idfactura == invoice.idfactura).collect();
    mine.sort_by_key(|l| l.idlinea);
    let lines = mine
        .into_iter()
        .map(|l| InvoiceLine {
            id: l.idlinea.to_string(),
            product: l.referencia_trimmed(),
            quantity: if credit && l.cantidad > 0.0 {
                -l.cantidad
            } else {
                l.cantidad
            },
            credits_line: if credit {
                l.idlinearect.map(|i| i.to_string())
            } else {
                None
            },
            amount: line_amount(l.pvptotal, credit),
        })
        .collect();
    let customer_id = invoice
        .codcliente
        .clone()
        .unwrap_or_else(|| customer.codcliente.clone());
    InvoiceSnapshot {
        key: InvoiceKey::new(source_name, invoice.idfactura.to_string()),
        number: invoice.codigo.clone(),
        customer: Customer {
            id: customer_id,
            name,
            email,
            given_names,
        },
        lines,
        paid: invoice.pagada,
        credit_note_for: invoice.idfacturarect.map(|i| i.to_string()),
        paid_on: if invoice.pagada {
            payment_day(invoice.idfactura, receipts)
        } else {
            None
        },
        issued_on: invoice.fecha_date().and_then(day_start),
        currency: invoice.coddivisa.as_deref().and_then(mm_core::currency_code),
    }
}

/// A line's `pvptotal` in cents. FacturaScripts stores a credit note's totals negative, as its
/// quantities; a positive one is negated, as the quantity is, so that credits subtract.
fn line_amount(pvptotal: f64, credit: bool) -> Option<Amount> {
    let amount = Amount::from_major_f64(pvptotal)?;
    Some(if credit && amount.cents() > 0 { -amount } else { amount })
}

/// The latest `fechapago` among the invoice's paid receipts.
fn payment_day(idfactura: i64, receipts: &[ReciboCliente]) -> Option<Timestamp> {
    receipts
        .iter()
        .filter(|r| r.idfactura == idfactura && r.pagado)
        .filter_map(|r| r.fechapago.as_deref().and_then(parse_date))
        .max()
        .and_then(day_start)
}

fn day_start(d: NaiveDate) -> Option<Timestamp> {
    Timestamp::from_date(i64::from(d.year()), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mm_core::PersonName;

    #[test]
    fn credit_note_with_billing_contact() {
        let inv = FacturaCliente {
            idfactura: 6,
            codigo: "F2026R1".into(),
            codcliente: Some("GAMMA".into()),
            idcontactofact: Some(9),
            idfacturarect: Some(5),
            pagada: true,
            coddivisa: Some("eur".into()),
            ..Default::default()
        };
        let lines = vec![
            LineaFacturaCliente {
                idlinea: 8,
                idfactura: 6,
                referencia: Some("WIDGET-1".into()),
                cantidad: -1.0,
                pvptotal: -60.505,
                idlinearect: Some(4),
                ..Default::default()
            },
            LineaFacturaCliente {
                idlinea: 1,
                idfactura: 1,
                referencia: Some("OTHER".into()),
                cantidad: 1.0,
                ..Default::default()
            },
        ];
        let cli = Cliente {
            codcliente: "GAMMA".into(),
            razonsocial: Some("Gamma &lt;Ltd&gt;".into()),
            email: Some("ap@gamma.example".into()),
            ..Default::default()
        };
        let con = Contacto {
            idcontacto: 9,
            nombre: Some("Ana".into()),
            apellidos: Some("Ruiz".into()),
            email: Some(" ana@gamma.example ".into()),
            ..Default::default()
        };
        let s = to_snapshot("fs", &inv, &lines, &cli, Some(&con));
        assert_eq!(s.customer.email.as_deref(), Some("ana@gamma.example"));
        assert_eq!(s.customer.name, "Ana Ruiz");
        assert_eq!(
            s.customer.given_names,
            Some(PersonName {
                first: "Ana".into(),
                last: "Ruiz".into()
            })
        );
        assert_eq!(s.credit_note_for.as_deref(), Some("5"));
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.lines[0].credits_line.as_deref(), Some("4"));
        assert_eq!(s.lines[0].quantity, -1.0);
        assert_eq!(s.lines[0].amount, Some(Amount(-6051)), "a credit stays negative");
        assert_eq!(s.currency.as_deref(), Some("EUR"));
        let s2 = to_snapshot("fs", &inv, &lines, &cli, None);
        assert_eq!(s2.customer.email.as_deref(), Some("ap@gamma.example"));
        assert_eq!(s2.customer.name, "Gamma <Ltd>");
        assert_eq!(s2.customer.given_names, None);
    }

    #[test]
    fn line_totals_become_cents() {
        assert_eq!(line_amount(121.5, false), Some(Amount(12150)));
        assert_eq!(line_amount(0.125, false), Some(Amount(13)), "half away from zero");
        assert_eq!(
            line_amount(60.5, true),
            Some(Amount(-6050)),
            "a positive credit is negated"
        );
        assert_eq!(line_amount(-60.5, true), Some(Amount(-6050)));
        assert_eq!(line_amount(f64::NAN, false), None);
    }

    /// Paid in two instalments: paid when the last one was; dates are midnight UTC.
    #[test]
    fn the_payment_date_is_the_last_paid_receipts() {
        let inv = FacturaCliente {
            idfactura: 7,
            codigo: "F2026A7".into(),
            fecha: Some("02-03-2026".into()),
            pagada: true,
            ..Default::default()
        };
        let receipt = |idrecibo, idfactura, pagado, fechapago: Option<&str>| ReciboCliente {
            idrecibo,
            idfactura,
            pagado,
            fechapago: fechapago.map(str::to_string),
            importe: 60.5,
            ..Default::default()
        };
        let receipts = [
            receipt(1, 7, true, Some("10-03-2026")),
            receipt(2, 7, true, Some("15-04-2026")),
            receipt(3, 7, false, Some("20-05-2026")),
            receipt(4, 8, true, Some("01-06-2026")),
        ];
        let cli = Cliente::default();
        let s = to_snapshot_with_receipts("fs", &inv, &[], &cli, None, &receipts);
        assert_eq!(s.paid_on, Timestamp::from_date(2026, 4, 15));
        assert_eq!(s.issued_on, Timestamp::from_date(2026, 3, 2));
        let unpaid = FacturaCliente {
            pagada: false,
            ..inv.clone()
        };
        assert_eq!(
            to_snapshot_with_receipts("fs", &unpaid, &[], &cli, None, &receipts).paid_on,
            None
        );
        assert_eq!(
            to_snapshot("fs", &inv, &[], &cli, None).paid_on,
            None,
            "no receipts: no payment date"
        );
    }
}
