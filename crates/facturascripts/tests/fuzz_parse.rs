//! Property tests: whatever a FacturaScripts install (or a proxy, or a plugin that prints PHP
//! warnings) answers, classifying and decoding the answer never panics. It is `Ok` or a typed
//! [`FsError`] whose status, kind and retry classification can be computed; records decode
//! leniently or fail, and a decoded invoice always converts to a snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_facturascripts::client::{parse_list, parse_record, parse_response};
use mm_facturascripts::{
    Cliente, Contacto, EstadoDocumento, FacturaCliente, FsError, LineaFacturaCliente, Page, Producto, RawResponse,
    ReciboCliente, Variante, decode_html, encode_html, to_snapshot,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn exercise(e: &FsError) {
    assert!(!e.to_string().is_empty(), "{e:?}");
    let _ = format!("{e:?}");
    let _ = e.status();
    let _ = e.kind();
    let _ = e.is_retryable();
    let _ = e.retry_after();
    let _ = e.is_not_found();
}

fn raw(status: u16, body: String, total_count: Option<u64>) -> RawResponse {
    RawResponse {
        status,
        total_count,
        content_type: Some("application/json".into()),
        body,
        resource: String::new(),
    }
}

/// The keys FacturaScripts records and error bodies use, plus arbitrary ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "status", "message", "error", "data", "ok", "doc", "idfactura", "codigo", "numero", "codcliente",
            "nombrecliente", "fecha", "hora", "pagada", "total", "neto", "coddivisa", "idestado", "editable",
            "idfacturarect", "codigorect", "idcontactofact", "idlinea", "referencia", "cantidad", "pvptotal",
            "pvpunitario", "descripcion", "idlinearect", "email", "nombre", "razonsocial", "cifnif", "debaja",
            "idcontacto", "apellidos", "actualizado", "orden", "importe", "pagado", "vencimiento", "fechapago",
        ])
        .prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,24}".prop_map(Value::String),
        prop::sample::select(vec![
            "0",
            "1",
            "true",
            "false",
            "",
            "2026-11-25",
            "25-11-2026",
            "31-02-2026",
            "12:00:00",
            "1e309",
            "-0",
            "&lt;b&gt;",
            "&amp;#39;",
            "&#",
            "NaN",
            " 7 ",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn record() -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), json_value()), 0..24).prop_map(|kv| Value::Object(kv.into_iter().collect()))
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        2 => prop::sample::select(vec![0u16, 201, 204, 301, 400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503]),
        1 => any::<u16>(),
    ]
}

/// `parse_list` and `parse_record` for every record type the poller reads.
fn decode_all(r: &RawResponse) {
    macro_rules! try_all {
        ($($t:ty),*) => {$(
            match parse_list::<$t>(r) {
                Ok(Page { items, total }) => { let _ = (format!("{items:?}"), total); }
                Err(e) => exercise(&e),
            }
            match parse_record::<$t>(r) {
                Ok(x) => { let _ = format!("{x:?}"); }
                Err(e) => exercise(&e),
            }
        )*};
    }
    try_all!(
        FacturaCliente,
        LineaFacturaCliente,
        Cliente,
        Contacto,
        Producto,
        Variante,
        ReciboCliente,
        EstadoDocumento
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text with any status.
    #[test]
    fn arbitrary_bodies_never_panic(body in ".{0,600}", status in status(), total in prop::option::of(any::<u64>())) {
        let r = raw(status, body, total);
        match parse_response(&r) {
            Ok(_) => prop_assert!((200..300).contains(&status), "a non-2xx answer was accepted: {status}"),
            Err(e) => exercise(&e),
        }
        decode_all(&r);
    }

    /// Bytes that are not text at all, as the client would see them (lossy UTF-8).
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), status in status()) {
        let r = raw(status, String::from_utf8_lossy(&bytes).into_owned(), None);
        if let Err(e) = parse_response(&r) {
            exercise(&e);
        }
        decode_all(&r);
    }

    /// Any JSON value with any status: 2xx is the value itself; errors are typed.
    #[test]
    fn arbitrary_json_never_panics(v in json_value(), status in status()) {
        let r = raw(status, v.to_string(), Some(1));
        match parse_response(&r) {
            Ok(got) => {
                prop_assert!((200..300).contains(&status));
                // As the parser reads it (floats are not round-tripped bit for bit).
                let reread: Value = serde_json::from_str(&r.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(got, reread);
            }
            Err(e) => {
                prop_assert!(!(200..300).contains(&status), "valid JSON with a 2xx was refused: {e:?}");
                exercise(&e);
            }
        }
        decode_all(&r);
    }

    /// Error bodies of the API gate and of the models, with fields of any type.
    #[test]
    fn error_shapes_are_typed(msg in json_value(), data in json_value(), status in status(), gate in any::<bool>()) {
        let body = if gate {
            json!({"status": "error", "message": msg})
        } else {
            json!({"error": msg, "data": data})
        };
        if let Err(e) = parse_response(&raw(status, body.to_string(), None)) {
            exercise(&e);
        }
    }

    /// Lists of record-shaped objects with arbitrary field values: each decodes leniently or
    /// the page fails; a decoded invoice always converts to a snapshot.
    #[test]
    fn records_decode_or_fail_and_snapshots_never_panic(
        invoice in record(),
        lines in prop::collection::vec(record(), 0..4),
        customer in record(),
        contact in record(),
    ) {
        let r = raw(200, Value::Array(vec![invoice.clone(), customer.clone(), contact.clone()]).to_string(), Some(3));
        decode_all(&r);
        let inv = serde_json::from_value::<FacturaCliente>(invoice);
        let lines: Vec<LineaFacturaCliente> = lines.into_iter().filter_map(|l| serde_json::from_value(l).ok()).collect();
        let cust = serde_json::from_value::<Cliente>(customer);
        let contact = serde_json::from_value::<Contacto>(contact).ok();
        if let (Ok(inv), Ok(cust)) = (inv, cust) {
            let snap = to_snapshot("erp", &inv, &lines, &cust, contact.as_ref());
            let _ = format!("{snap:?}");
        }
    }

    /// The HTML entity decoding FacturaScripts needs is total, and round-trips text without `&`
    /// (FacturaScripts does not escape `&` itself).
    #[test]
    fn html_entities_never_panic(s in ".{0,80}", entity in "&#?x?[0-9a-zA-Z]{0,9};?") {
        let _ = decode_html(&s);
        let _ = decode_html(&entity);
        let _ = decode_html(&format!("{s}{entity}{s}"));
        let plain = s.replace('&', "");
        prop_assert_eq!(decode_html(&encode_html(&plain)), plain);
    }
}

#[test]
fn the_known_shapes_are_classified() {
    let gate = parse_response(&raw(
        401,
        r#"{"status":"error","message":"Invalid API key"}"#.into(),
        None,
    ));
    assert!(matches!(gate, Err(FsError::Auth { status: 401, .. })), "{gate:?}");
    let banned = parse_response(&raw(429, "<html>banned</html>".into(), None));
    assert!(matches!(banned, Err(FsError::Banned { .. })), "{banned:?}");
    let server = parse_response(&raw(503, String::new(), None));
    assert!(matches!(server, Err(FsError::Server { status: 503, .. })), "{server:?}");
    let empty = parse_response(&raw(200, " ".into(), None));
    assert!(matches!(empty, Ok(Value::Null)), "{empty:?}");
    let warning = parse_response(&raw(200, "<b>Warning</b>: Undefined index\n[]".into(), None));
    assert!(matches!(warning, Err(FsError::Decode(_))), "{warning:?}");
    let not_a_list = parse_list::<Cliente>(&raw(200, "{}".into(), None));
    assert!(matches!(not_a_list, Err(FsError::Decode(_))), "{not_a_list:?}");
    let deep = "[".repeat(100_000);
    let deep = parse_response(&raw(200, deep, None));
    assert!(
        matches!(deep, Err(FsError::Decode(_))),
        "deep nesting is refused, not a stack overflow"
    );
}
