//! FacturaScripts records → [`mm_core::InvoiceSnapshot`].

use crate::records::{Cliente, Contacto, FacturaCliente, LineaFacturaCliente};
use mm_core::{Customer, InvoiceKey, InvoiceLine, InvoiceSnapshot};

/// Build the snapshot of one invoice.
///
/// - learner email: the billing contact's (`idcontactofact`) email, else the customer's;
/// - customer name: the contact's `nombre + apellidos`, else `razonsocial`/`nombre`, else the
///   invoice's `nombrecliente`, HTML-decoded;
/// - product: the line's `referencia` (the variant reference), `None` on free-text lines;
/// - credit note: `idfacturarect`, its lines' `idlinearect` → `credits_line` (quantities are
///   negative as FacturaScripts stores them; a positive one is negated);
/// - paid: `pagada`.
///
/// `lines` may hold other invoices' lines; only this invoice's are kept, in `idlinea` order.
pub fn to_snapshot(
    source_name: &str,
    invoice: &FacturaCliente,
    lines: &[LineaFacturaCliente],
    customer: &Cliente,
    billing_contact: Option<&Contacto>,
) -> InvoiceSnapshot {
    let contact = billing_contact.filter(|c| invoice.idcontactofact.is_none_or(|id| id == c.idcontacto));
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
        },
        lines,
        paid: invoice.pagada,
        credit_note_for: invoice.idfacturarect.map(|i| i.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_note_with_billing_contact() {
        let inv = FacturaCliente {
            idfactura: 6,
            codigo: "F2026R1".into(),
            codcliente: Some("GAMMA".into()),
            idcontactofact: Some(9),
            idfacturarect: Some(5),
            pagada: true,
            ..Default::default()
        };
        let lines = vec![
            LineaFacturaCliente {
                idlinea: 8,
                idfactura: 6,
                referencia: Some("WIDGET-1".into()),
                cantidad: -1.0,
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
        assert_eq!(s.credit_note_for.as_deref(), Some("5"));
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.lines[0].credits_line.as_deref(), Some("4"));
        assert_eq!(s.lines[0].quantity, -1.0);
        let s2 = to_snapshot("fs", &inv, &lines, &cli, None);
        assert_eq!(s2.customer.email.as_deref(), Some("ap@gamma.example"));
        assert_eq!(s2.customer.name, "Gamma <Ltd>");
    }
}
