//! Typed records of the resources the poller reads, deserialized leniently: unknown fields
//! are ignored (plugins add columns), numbers may be integers or decimals (whole-valued floats
//! arrive as `121`), booleans and ids may arrive as strings in write responses (`"pagada":"1"`),
//! dates stay as the `dd-mm-YYYY` text they are (parse with [`parse_date`]).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Decode the HTML escaping FacturaScripts applies to stored text (`Tools::noHtml`).
pub fn decode_html(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&amp;", "&")
}

/// The stored (escaped) form of a text, for equality filters.
pub fn encode_html(s: &str) -> String {
    s.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Parse `dd-mm-YYYY` (also `d-m-YYYY`, and ISO `YYYY-MM-DD`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.get(..10.min(s.len())).unwrap_or(s).trim();
    NaiveDate::parse_from_str(s, "%d-%m-%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

pub(crate) mod lenient {
    use super::*;

    pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(opt_f64(d)?.unwrap_or(0.0))
    }
    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Number(n) => n.as_f64(),
            // `str::parse` also reads "NaN", "inf" and "1e999" (infinite): not amounts or
            // quantities, so read them as absent like any other text that is not a number. A
            // NaN quantity reached the snapshot; on a credit-note line it made the credited sum
            // of the original line NaN, which the core counts as every seat taken back (found
            // while writing the `facturascripts_response` fuzz target; its snapshot check).
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            Value::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
            _ => None,
        })
    }
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    }
    pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        Ok(opt_i64(d)?.unwrap_or(0))
    }
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Bool(b) => Some(b),
            Value::Number(n) => Some(n.as_f64().unwrap_or(0.0) != 0.0),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "t" | "yes" => Some(true),
                "0" | "false" | "f" | "no" | "" => Some(false),
                _ => None,
            },
            _ => None,
        })
    }
    pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(opt_bool(d)?.unwrap_or(false))
    }
    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if b { "1" } else { "0" }.to_string()),
            _ => None,
        })
    }
    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(opt_string(d)?.unwrap_or_default())
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `facturaclientes` (table `facturascli`). Only the fields a poller cares about are typed;
/// the rest is ignored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FacturaCliente {
    #[serde(deserialize_with = "lenient::i64")]
    pub idfactura: i64,
    #[serde(default, deserialize_with = "lenient::string")]
    pub codigo: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub numero: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub codserie: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub codcliente: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nombrecliente: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub cifnif: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub idcontactofact: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub fecha: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub hora: Option<String>,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub total: f64,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub neto: f64,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub coddivisa: Option<String>,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub pagada: bool,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub vencida: bool,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub idestado: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub editable: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub idfacturarect: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub codigorect: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub codpago: Option<String>,
}

impl FacturaCliente {
    pub fn fecha_date(&self) -> Option<NaiveDate> {
        self.fecha.as_deref().and_then(parse_date)
    }
    /// Customer name for display, HTML-decoded.
    pub fn nombrecliente_display(&self) -> Option<String> {
        non_empty(&self.nombrecliente).map(decode_html)
    }
    /// Is this a credit note (*factura rectificativa*)?
    pub fn is_credit_note(&self) -> bool {
        self.idfacturarect.is_some()
    }
}

/// `lineafacturaclientes`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LineaFacturaCliente {
    #[serde(deserialize_with = "lenient::i64")]
    pub idlinea: i64,
    #[serde(default, deserialize_with = "lenient::i64")]
    pub idfactura: i64,
    /// The **variant** reference (`variantes.referencia`); `None` on free-text lines.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub referencia: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub idproducto: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub descripcion: Option<String>,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub cantidad: f64,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub pvpunitario: f64,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub pvptotal: f64,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub idlinearect: Option<i64>,
    #[serde(default, deserialize_with = "lenient::i64")]
    pub orden: i64,
}

impl LineaFacturaCliente {
    pub fn referencia_trimmed(&self) -> Option<String> {
        non_empty(&self.referencia).map(decode_html)
    }
}

/// `clientes` (PK `codcliente`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cliente {
    #[serde(deserialize_with = "lenient::string")]
    pub codcliente: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nombre: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub razonsocial: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub cifnif: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub idcontactofact: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub debaja: Option<bool>,
}

impl Cliente {
    /// Legal name (what invoices copy), else the display name; HTML-decoded.
    pub fn display_name(&self) -> Option<String> {
        non_empty(&self.razonsocial)
            .or_else(|| non_empty(&self.nombre))
            .map(decode_html)
    }
    pub fn email_trimmed(&self) -> Option<String> {
        non_empty(&self.email).map(decode_html)
    }
}

/// `contactos` (PK `idcontacto`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Contacto {
    #[serde(deserialize_with = "lenient::i64")]
    pub idcontacto: i64,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub codcliente: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nombre: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub apellidos: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub empresa: Option<String>,
}

impl Contacto {
    /// `nombre + ' ' + apellidos` (as `Contacto::fullName`), HTML-decoded; `None` if both empty.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [non_empty(&self.nombre), non_empty(&self.apellidos)]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            None
        } else {
            Some(decode_html(&parts.join(" ")))
        }
    }
    pub fn email_trimmed(&self) -> Option<String> {
        non_empty(&self.email).map(decode_html)
    }

    /// `nombre` and `apellidos` as they are, HTML-decoded; `None` without a `nombre`.
    pub fn names(&self) -> Option<mm_core::PersonName> {
        Some(mm_core::PersonName {
            first: decode_html(non_empty(&self.nombre)?),
            last: non_empty(&self.apellidos).map(decode_html).unwrap_or_default(),
        })
    }
}

/// `productos` (PK `idproducto`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Producto {
    #[serde(deserialize_with = "lenient::i64")]
    pub idproducto: i64,
    #[serde(default, deserialize_with = "lenient::string")]
    pub referencia: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub descripcion: Option<String>,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub precio: f64,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub bloqueado: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub sevende: Option<bool>,
    /// `dd-mm-YYYY HH:MM:SS`; set on every save (a usable change cursor for products only).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub actualizado: Option<String>,
}

/// `variantes` (PK `idvariante`). The `referencia` invoice lines carry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Variante {
    #[serde(deserialize_with = "lenient::i64")]
    pub idvariante: i64,
    #[serde(default, deserialize_with = "lenient::i64")]
    pub idproducto: i64,
    #[serde(default, deserialize_with = "lenient::string")]
    pub referencia: String,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub precio: f64,
}

/// `reciboclientes` (table `recibospagoscli`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReciboCliente {
    #[serde(deserialize_with = "lenient::i64")]
    pub idrecibo: i64,
    #[serde(default, deserialize_with = "lenient::i64")]
    pub idfactura: i64,
    #[serde(default, deserialize_with = "lenient::f64")]
    pub importe: f64,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub pagado: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub fechapago: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub vencimiento: Option<String>,
}

/// `estadodocumentos` (PK `idestado`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EstadoDocumento {
    #[serde(deserialize_with = "lenient::i64")]
    pub idestado: i64,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub nombre: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tipodoc: Option<String>,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub editable: bool,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub predeterminado: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_numbers_bools_and_html() {
        let f: FacturaCliente = serde_json::from_value(serde_json::json!({
            "idfactura": 2, "codigo": "F1", "total": 121, "pagada": "1", "editable": null,
            "nombrecliente": "Gamma &lt;Ltd&gt;", "plugin_column": [1, 2], "fecha": "01-03-2025"
        }))
        .unwrap();
        assert_eq!(f.total, 121.0);
        assert!(f.pagada);
        assert_eq!(f.editable, None);
        assert_eq!(f.nombrecliente_display().as_deref(), Some("Gamma <Ltd>"));
        assert_eq!(f.fecha_date(), NaiveDate::from_ymd_opt(2025, 3, 1));
    }

    /// Regression (the `facturascripts_response` fuzz target's snapshot check): number strings
    /// that are not finite read as absent, like any other text that is not a number.
    #[test]
    fn non_finite_number_strings_are_not_numbers() {
        for text in ["NaN", "nan", "inf", "-infinity", "1e999", " -1e400 "] {
            let l: LineaFacturaCliente = serde_json::from_value(serde_json::json!({
                "idlinea": 1, "idfactura": 5, "cantidad": text, "pvptotal": text
            }))
            .unwrap();
            assert_eq!((l.cantidad, l.pvptotal), (0.0, 0.0), "{text:?}");
        }
        let l: LineaFacturaCliente =
            serde_json::from_value(serde_json::json!({"idlinea": 1, "cantidad": " -2.5 "})).unwrap();
        assert_eq!(l.cantidad, -2.5);
    }
}
