//! Replays every recorded request/response pair of the FacturaScripts contract
//! (`tests/fixtures/facturascripts/examples.json`, copied from `shared/fixtures`; a missing copy
//! fails the test) against the simulator and, where a typed
//! client call exists, against the client (request built exactly, response parsed into the
//! right value or error).
//!
//! Each example runs on a fresh simulator seeded with what it presupposes: the records its
//! response shows (in their pre-request state), the keys, bans and settings it needs. List
//! examples with filters also get decoy rows that violate each filter and must not come back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use axum::body::Body;
use mm_facturascripts::client::{ApiRequest, RawResponse, parse_list, parse_response};
use mm_facturascripts::{Filter, FilterValue, FsClient, FsClientConfig, FsError, ListQuery, Op, RetryPolicy, SortDir};
use mm_sim_facturascripts::{FsSim, FsSimOptions};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/facturascripts/examples.json"
);

/// Fields whose recorded values depend on the moment of recording (dates, times, timestamps).
const TIME_FIELDS: &[&str] = &[
    "fecha",
    "hora",
    "fechapago",
    "vencimiento",
    "actualizado",
    "fechaalta",
    "creationdate",
    "time",
    "femail",
];

/// Fields computed by parts of FacturaScripts the simulator does not model (accounting entries,
/// costs/margins, stock, payment rows' accounting), only checked where seeded, ignored on creation.
const UNMODELLED: &[&str] = &[
    "idasiento",
    "totalcoste",
    "totalbeneficio",
    "coste",
    "stockfis",
    "nick",
    "idpago",
    "vencida",
    "vencido",
];

struct Ex {
    i: usize,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    status: u16,
    json: Value,
    note: String,
}

/// The text at `path`, or a panic naming it: a missing copy of the examples fails the replay,
/// never skips it (see `tests/fixtures/README.md`).
fn read_fixture(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "contract examples not found at {path}: {e}. The copy in the repository is required; \
             re-copy it from ../shared/fixtures beside the repository (see tests/fixtures/README.md)"
        )
    })
}

#[test]
#[should_panic(expected = "tests/fixtures/facturascripts/no-such-examples.json")]
fn a_missing_fixture_fails_with_its_path() {
    read_fixture(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/facturascripts/no-such-examples.json"
    ));
}

fn load() -> Vec<Ex> {
    let text = read_fixture(PATH);
    let v: Value = serde_json::from_str(&text).expect("examples.json is JSON");
    let arr = v.as_array().expect("examples.json is an array");
    arr.iter()
        .enumerate()
        .map(|(i, e)| Ex {
            i,
            method: e["method"].as_str().unwrap_or("GET").to_string(),
            path: e["path"].as_str().unwrap_or("/").to_string(),
            query: e["query"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            headers: e["headers"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            body: e["body"].as_str().map(str::to_string),
            status: e["status"].as_u64().unwrap_or(0) as u16,
            json: e["response_json"].clone(),
            note: e["note"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

fn resource_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').nth(2).unwrap_or("")
}

fn id_of(path: &str) -> Option<&str> {
    path.trim_start_matches('/').split('/').nth(3).filter(|s| !s.is_empty())
}

fn header<'a>(ex: &'a Ex, name: &str) -> Option<&'a str> {
    ex.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn form(ex: &Ex) -> Vec<(String, String)> {
    ex.body
        .as_deref()
        .and_then(|b| serde_urlencoded::from_str(b).ok())
        .unwrap_or_default()
}

/// Records an example's response shows, as (resource, record).
fn shown_records(ex: &Ex) -> Vec<(String, Map<String, Value>)> {
    let res = resource_of(&ex.path);
    let res = match res {
        "pagarFacturaCliente" | "editarFacturaCliente" | "crearFacturaCliente" | "crearFacturaRectificativaCliente" => {
            "facturaclientes"
        }
        r => r,
    };
    let mut out = Vec::new();
    let clean = |m: &Map<String, Value>| -> Option<Map<String, Value>> {
        if m.contains_key("...") && m.len() <= 2 {
            return None;
        }
        Some(
            m.iter()
                .filter(|(k, v)| k.as_str() != "..." && v.as_str() != Some("..."))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    };
    match &ex.json {
        Value::Array(a) => out.extend(
            a.iter()
                .filter_map(Value::as_object)
                .filter_map(clean)
                .map(|m| (res.to_string(), m)),
        ),
        Value::Object(o) if o.contains_key("doc") => {
            if let Some(m) = o["doc"].as_object().and_then(clean) {
                out.push(("facturaclientes".into(), m));
            }
            if let Some(ls) = o.get("lines").and_then(Value::as_array) {
                out.extend(
                    ls.iter()
                        .filter_map(Value::as_object)
                        .filter_map(clean)
                        .map(|m| ("lineafacturaclientes".to_string(), m)),
                );
            }
        }
        Value::Object(o) if o.contains_key("data") => {
            if let Some(m) = o["data"].as_object().and_then(clean) {
                out.push((res.to_string(), m));
            }
        }
        Value::Object(o)
            if ex.method == "GET" && id_of(&ex.path).is_some_and(|i| i != "schema") && !o.contains_key("error") =>
        {
            if let Some(m) = clean(o) {
                out.push((res.to_string(), m));
            }
        }
        _ => {}
    }
    out
}

/// Typed values in a `data` echo are raw strings; store the typed form when seeding.
fn typed(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .map(|(k, v)| {
            let v = match v.as_str() {
                Some(s)
                    if [
                        "idestado",
                        "pagada",
                        "pagado",
                        "idfactura",
                        "precio",
                        "idempresa",
                        "editable",
                    ]
                    .contains(&k.as_str()) =>
                {
                    match (k.as_str(), s) {
                        ("pagada" | "pagado" | "editable", s) => json!(s == "1" || s == "true"),
                        (_, s) => s
                            .parse::<f64>()
                            .map(|f| if f.fract() == 0.0 { json!(f as i64) } else { json!(f) })
                            .unwrap_or(v.clone()),
                    }
                }
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn new_sim() -> FsSim {
    FsSim::new(FsSimOptions {
        token: Some("TOKEN".into()),
        seed: 1,
        ..Default::default()
    })
}

fn seed(sim: &FsSim, recs: &[(String, Map<String, Value>)]) {
    for (res, m) in recs {
        sim.insert_raw(res, Value::Object(typed(m)));
    }
}

fn invoice(id: i64, extra: Value) -> Value {
    let mut m = json!({"idfactura": id, "codcliente": "1", "codigo": format!("F2026A{id}"), "numero": id.to_string(), "nombrecliente": "Acme SL", "total": 121, "neto": 100, "idestado": 11, "editable": false});
    if let (Some(a), Some(b)) = (m.as_object_mut(), extra.as_object()) {
        for (k, v) in b {
            a.insert(k.clone(), v.clone());
        }
    }
    m
}

fn receipt(id: i64, idfactura: i64, importe: f64, pagado: bool) -> Value {
    json!({"idrecibo": id, "idfactura": idfactura, "importe": importe, "pagado": pagado, "codcliente": "1", "vencimiento": "01-01-2020", "fecha": "01-01-2020", "fechapago": if pagado { json!("01-01-2020") } else { Value::Null }})
}

/// What the example presupposes beyond the records its response shows.
fn presuppose(sim: &FsSim, ex: &Ex) {
    let xff = header(ex, "X-Forwarded-For").unwrap_or("127.0.0.1");
    let limited = [
        ("facturaclientes", true, false, false, false),
        ("lineafacturaclientes", true, false, false, false),
        ("reciboclientes", true, false, false, false),
        ("clientes", true, false, true, false),
    ];
    let shown = shown_records(ex);
    let data_of = |res: &str| {
        shown
            .iter()
            .find(|(r, _)| r == res)
            .map(|(_, m)| Value::Object(typed(m)))
    };
    if ex.method == "GET" {
        // Reads: the rows the response shows.
        seed(sim, &shown);
    }
    let customers = |sim: &FsSim| {
        sim.add_customer_with("1", "Acme", "Acme SL", "billing@acme.example");
        sim.add_customer_with("2", "Beta", "Beta", "x@beta.example");
        sim.add_customer_with("GAMMA", "Gamma <Ltd>", "Gamma <Ltd>", "ap@gamma.example");
        sim.set_raw("clientes", "1", "cifnif", json!("B12345674"));
        sim.set_raw("clientes", "2", "cifnif", json!("B76543214"));
        sim.set_raw("clientes", "2", "codpago", json!("TRANS"));
        sim.set_raw("clientes", "GAMMA", "cifnif", json!("X1234567L"));
    };
    match ex.i {
        98 | 99 => {
            // The recording trimmed the 250 countries to the first two; the rest sort after them.
            for n in 0..248 {
                sim.insert_raw(
                    "pais",
                    json!({"codpais": format!("Z{n:02}"), "codiso": "ZZ", "nombre": format!("Country {n}")}),
                );
            }
        }
        100 => {
            sim.insert_raw("facturaclientes", invoice(1, json!({})));
            sim.insert_raw("facturaclientes", invoice(3, json!({})));
        }
        110 => customers(sim),
        21 => {
            sim.set_key_enabled("TOKEN", false);
            sim.add_api_key("TOKEN", false, &[("facturaclientes", true, false, false, false)]);
        }
        69 | 70 | 71 | 75 | 77 => {
            sim.set_key_enabled("TOKEN", false);
            sim.add_api_key("TOKEN", false, &limited);
        }
        85 => sim.set_key_enabled("TOKEN", false),
        22 | 80 | 84 => sim.add_incidents(xff, 5),
        81 => sim.add_incidents(xff, 5),
        79 | 83 => sim.add_incidents(xff, 4),
        82 => sim.add_incidents(xff, 5),
        23 | 173 => sim.set_api_enabled(false),
        28 => {
            sim.add_customer("Acme", "billing@acme.example");
        }
        30 | 108 => {
            seed(sim, &shown);
        }
        109 => {
            sim.add_customer("Acme", "a@x");
            sim.add_customer("Beta", "b@x");
            sim.set_next_id("contactos", 5);
        }
        111 => {
            sim.add_customer("Acme", "a@x");
            seed(sim, &shown);
        }
        32 | 59 => {
            let mut d = data_of("facturaclientes").unwrap_or(Value::Null);
            d["idestado"] = json!(10);
            d["editable"] = json!(true);
            d["idestado_ant"] = Value::Null;
            sim.insert_raw("facturaclientes", d);
        }
        33 | 35 | 37 | 112 | 113 | 114 | 115 | 116 | 117 | 118 | 153 | 154 | 157 | 158 | 170 => {
            let id: i64 = id_of(&ex.path).and_then(|s| s.parse().ok()).unwrap_or(5);
            let d = data_of("facturaclientes").unwrap_or_else(|| invoice(id, json!({})));
            let mut d = d;
            for (k, _) in form(ex) {
                // Pre-request values of the submitted fields.
                match k.as_str() {
                    "idestado" => d["idestado"] = json!(11),
                    "codcliente" => d["codcliente"] = json!("2"),
                    "idempresa" => d["idempresa"] = json!(1),
                    "fecha" => d["fecha"] = json!("30-11-2026"),
                    "femail" | "observaciones" => d[&k] = Value::Null,
                    "editable" => d["editable"] = json!(false),
                    _ => {}
                }
            }
            d["editable"] = json!(false);
            d["idestado"] = json!(11);
            sim.insert_raw("facturaclientes", d);
            if ex.i == 158 {
                seed(sim, &shown);
            }
        }
        36 | 120 | 155 => {
            let mut d = data_of("facturaclientes").unwrap_or(Value::Null);
            d["editable"] = json!(true);
            d["idestado"] = json!(10);
            sim.insert_raw("facturaclientes", d);
        }
        39 | 122 | 128 => {
            let mut d = data_of("facturaclientes").unwrap_or(Value::Null);
            let id = d["idfactura"].as_i64().unwrap_or(2);
            let total = d["total"].as_f64().unwrap_or(0.0);
            d["pagada"] = json!(false);
            sim.insert_raw("facturaclientes", d);
            sim.insert_raw("reciboclientes", receipt(id, id, total, false));
        }
        40 | 41 | 124 | 125 | 129 => {
            let mut d = data_of("facturaclientes").unwrap_or(Value::Null);
            let id = d["idfactura"].as_i64().unwrap_or(1);
            let total = d["total"].as_f64().unwrap_or(0.0);
            d["pagada"] = json!(true);
            sim.insert_raw("facturaclientes", d);
            sim.insert_raw("reciboclientes", receipt(id, id, total, true));
        }
        42 | 127 | 133 | 143 | 149 => {
            let id: i64 = id_of(&ex.path)
                .and_then(|s| s.parse().ok())
                .or_else(|| {
                    form(ex)
                        .iter()
                        .find(|(k, _)| k == "idfactura")
                        .and_then(|(_, v)| v.parse().ok())
                })
                .unwrap_or(1);
            sim.insert_raw("facturaclientes", invoice(id, json!({})));
        }
        45 | 134 | 141 => {
            let mut d = data_of("reciboclientes").unwrap_or(Value::Null);
            d["pagado"] = json!(false);
            if ex.i == 141 {
                d["pagado"] = json!(true);
            }
            let f = d["idfactura"].as_i64().unwrap_or(1);
            let total = d["importe"].as_f64().unwrap_or(0.0);
            sim.insert_raw("facturaclientes", invoice(f, json!({"total": total, "pagada": false})));
            sim.insert_raw("reciboclientes", d);
        }
        135 | 137 => {
            let mut d = data_of("reciboclientes").unwrap_or_else(|| receipt(1, 1, 145.2, true));
            d["pagado"] = json!(true);
            let f = d["idfactura"].as_i64().unwrap_or(1);
            sim.insert_raw(
                "facturaclientes",
                invoice(f, json!({"total": d["importe"].clone(), "pagada": true})),
            );
            sim.insert_raw("reciboclientes", d);
        }
        139 => {
            let mut d = data_of("facturaclientes").unwrap_or(Value::Null);
            d["pagada"] = json!(true);
            sim.insert_raw("facturaclientes", d);
        }
        46 | 144 | 147 => {
            customers(sim);
            // The original invoice, and its lines rebuilt from the credit note's.
            let f = form(ex);
            let orig: i64 = f
                .iter()
                .find(|(k, _)| k == "idfactura")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            let doc = data_of("facturaclientes").unwrap_or(Value::Null);
            let mut o = doc.clone();
            o["idfactura"] = json!(orig);
            o["idfacturarect"] = Value::Null;
            o["codigorect"] = Value::Null;
            o["codigo"] = doc["codigorect"].clone();
            o["codserie"] = json!("A");
            o["numero"] = json!(
                doc["codigorect"]
                    .as_str()
                    .and_then(|c| c.rsplit('A').next())
                    .unwrap_or("1")
            );
            for k in ["total", "neto", "netosindto", "totaliva", "totaleuros"] {
                o[k] = json!(-doc[k].as_f64().unwrap_or(0.0));
            }
            o["editable"] = json!(false);
            o["idestado"] = json!(11);
            o["pagada"] = json!(ex.i == 144);
            sim.insert_raw("facturaclientes", o);
            for (res, l) in shown.iter().filter(|(r, _)| r == "lineafacturaclientes") {
                let mut l = Value::Object(typed(l));
                let id = l["idlinearect"].as_i64().unwrap_or(1);
                l["idlinea"] = json!(id);
                l["idfactura"] = json!(orig);
                l["idlinearect"] = Value::Null;
                for k in ["cantidad", "pvpsindto", "pvptotal"] {
                    l[k] = json!(-l[k].as_f64().unwrap_or(0.0));
                }
                if ex.i == 147 {
                    l["cantidad"] = json!(2);
                    l["pvpsindto"] = json!(100);
                    l["pvptotal"] = json!(100);
                }
                sim.insert_raw(res, l);
            }
            if ex.i == 147 {
                // Series A history at that point: F2026A2 and F2026A4 exist, F2026A3 was deleted.
                sim.insert_raw(
                    "facturaclientes",
                    invoice(2, json!({"numero": "2", "codigo": "F2026A2"})),
                );
                sim.insert_raw(
                    "facturaclientes",
                    invoice(4, json!({"numero": "4", "codigo": "F2026A4"})),
                );
            }
            let nid = doc["idfactura"].as_i64().unwrap_or(2);
            sim.set_next_id("facturaclientes", nid);
            if let Some(min_line) = shown
                .iter()
                .filter(|(r, _)| r == "lineafacturaclientes")
                .filter_map(|(_, l)| l.get("idlinea").and_then(Value::as_i64))
                .min()
            {
                sim.set_next_id("lineafacturaclientes", min_line);
            }
            if ex.i == 144 {
                sim.insert_raw(
                    "reciboclientes",
                    receipt(4, orig, -doc["total"].as_f64().unwrap_or(0.0), true),
                );
                sim.set_next_id("reciboclientes", 5);
            }
        }
        47 | 148 => {
            let id: i64 = form(ex)
                .iter()
                .find(|(k, _)| k == "idfactura")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(3);
            sim.insert_raw("facturaclientes", invoice(1, json!({})));
            sim.insert_raw(
                "facturaclientes",
                invoice(id, json!({"idfacturarect": 1, "codigorect": "F2026A1"})),
            );
        }
        152 => {
            sim.insert_raw("facturaclientes", invoice(5, json!({"editable": true, "idestado": 10})));
            sim.insert_raw("facturaclientes", invoice(6, json!({"idfacturarect": 5})));
        }
        53 | 58 | 57 | 165 => {
            customers(sim);
            sim.insert_raw(
                "productos",
                json!({"idproducto": 10, "referencia": "WIDGET-1", "descripcion": "Widget", "precio": 50}),
            );
            sim.insert_raw(
                "variantes",
                json!({"idvariante": 10, "idproducto": 10, "referencia": "WIDGET-1", "precio": 50}),
            );
            if let Some(doc) = data_of("facturaclientes") {
                sim.set_next_id("facturaclientes", doc["idfactura"].as_i64().unwrap_or(1));
                if let Some(n) = doc["numero"].as_str().and_then(|n| n.parse::<i64>().ok()) {
                    for k in 1..n {
                        sim.insert_raw("facturaclientes", invoice(1000 + k, json!({"numero": k.to_string()})));
                    }
                    sim.set_next_id("facturaclientes", doc["idfactura"].as_i64().unwrap_or(1));
                }
            }
            if let Some(min_line) = shown
                .iter()
                .filter(|(r, _)| r == "lineafacturaclientes")
                .filter_map(|(_, l)| l.get("idlinea").and_then(Value::as_i64))
                .min()
            {
                sim.set_next_id("lineafacturaclientes", min_line);
            }
        }
        160 | 161 | 163 | 164 => {
            let mut d = data_of("facturaclientes").unwrap_or_else(|| invoice(3, json!({})));
            d["editable"] = json!(true);
            d["idestado"] = json!(10);
            sim.insert_raw("facturaclientes", d);
            // The lines the request keeps exist already; the others are new, with the ids the
            // recorded line counter gave them.
            let kept: Vec<i64> = form(ex)
                .iter()
                .find(|(k, _)| k == "lineas")
                .and_then(|(_, v)| serde_json::from_str::<Value>(v).ok())
                .and_then(|v| {
                    v.as_array()
                        .map(|a| a.iter().filter_map(|l| l["idlinea"].as_i64()).collect())
                })
                .unwrap_or_default();
            let mut new_ids = Vec::new();
            for (res, l) in shown.iter().filter(|(r, _)| r == "lineafacturaclientes") {
                let id = l.get("idlinea").and_then(Value::as_i64).unwrap_or(0);
                if kept.contains(&id) {
                    sim.insert_raw(res, Value::Object(typed(l)));
                } else {
                    new_ids.push(id);
                }
            }
            if let Some(min) = new_ids.into_iter().min() {
                sim.set_next_id("lineafacturaclientes", min);
            }
            sim.insert_raw(
                "productos",
                json!({"idproducto": 10, "referencia": "WIDGET-1", "descripcion": "Widget", "precio": 50}),
            );
            sim.insert_raw(
                "variantes",
                json!({"idvariante": 10, "idproducto": 10, "referencia": "WIDGET-1", "precio": 50}),
            );
        }
        166 => {
            let mut d = data_of("facturaclientes").unwrap_or(Value::Null);
            d["pagada"] = json!(false);
            d["codpago"] = json!("TRANS");
            sim.insert_raw("facturaclientes", d);
        }
        _ => {}
    }
}

/// Decoys for a list example: one row per filter that violates exactly that filter.
fn decoys(sim: &FsSim, ex: &Ex) -> usize {
    if ex.query.iter().any(|(k, _)| k.starts_with("operation[")) || ex.status != 200 {
        return 0;
    }
    let res = resource_of(&ex.path);
    let Some(template) = ex
        .json
        .as_array()
        .and_then(|a| a.iter().find_map(Value::as_object))
        .cloned()
    else {
        return 0;
    };
    let pk = match res {
        "facturaclientes" => "idfactura",
        "lineafacturaclientes" => "idlinea",
        "reciboclientes" => "idrecibo",
        "contactos" => "idcontacto",
        "productos" => "idproducto",
        "variantes" => "idvariante",
        "estadodocumentos" => "idestado",
        "pagoclientes" => "idpago",
        "logmessages" => "id",
        _ => return 0,
    };
    let mut n = 0;
    for (k, v) in &ex.query {
        let Some(key) = k.strip_prefix("filter[").and_then(|s| s.strip_suffix(']')) else {
            continue;
        };
        let (field, op) = split(key);
        let mut d = template.clone();
        let id = 90_000 + n as i64;
        d.insert(pk.into(), json!(id));
        let bad = match op {
            "" => match template.get(field) {
                Some(Value::Bool(b)) => json!(!b),
                Some(Value::Number(x)) => json!(x.as_f64().unwrap_or(0.0) + 777.0),
                _ => json!("zz-decoy"),
            },
            "_gt" | "_gte" => {
                if field == "fecha" {
                    json!("01-01-1999")
                } else {
                    json!(-5)
                }
            }
            "_lt" | "_lte" => json!(999_999),
            "_like" => json!("zz-decoy"),
            "_notnull" => Value::Null,
            "_null" => json!(1),
            _ => continue,
        };
        if field == pk {
            if let Some(i) = bad.as_i64() {
                if i < 0 {
                    continue;
                }
                d.insert(pk.into(), json!(i));
            } else {
                continue;
            }
        } else if field == "fecha" && v == "garbage" {
            continue;
        } else {
            d.insert(field.into(), bad);
        }
        if sim.insert_raw(res, Value::Object(d)).is_some() {
            n += 1;
        }
    }
    n
}

fn split(key: &str) -> (&str, &str) {
    for s in ["_gte", "_gt", "_lte", "_lt", "_neq", "_like", "_notnull", "_null"] {
        if let Some(f) = key.strip_suffix(s) {
            return (f, s);
        }
    }
    (key, "")
}

/// Expected-vs-actual with `"..."` placeholders and ignored fields. Returns the first difference.
fn diff(path: &str, exp: &Value, act: &Value, ignore: &[&str]) -> Option<String> {
    match (exp, act) {
        (Value::String(s), _) if s == "..." => None,
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                if k == "..." || ignore.contains(&k.as_str()) {
                    continue;
                }
                match a.get(k) {
                    None => return Some(format!("{path}.{k}: missing (expected {ev})")),
                    Some(av) => {
                        if let Some(d) = diff(&format!("{path}.{k}"), ev, av, ignore) {
                            return Some(d);
                        }
                    }
                }
            }
            None
        }
        (Value::Array(e), Value::Array(a)) => {
            let open = e.iter().any(|v| v.as_str() == Some("..."));
            let exp_items: Vec<&Value> = e.iter().filter(|v| v.as_str() != Some("...")).collect();
            if open {
                // Subsequence.
                let mut it = a.iter();
                for ev in exp_items {
                    if !it.any(|av| diff(path, ev, av, ignore).is_none()) {
                        return Some(format!("{path}: {ev} not found in order"));
                    }
                }
                None
            } else {
                if exp_items.len() != a.len() {
                    return Some(format!("{path}: {} items, expected {}", a.len(), exp_items.len()));
                }
                exp_items
                    .iter()
                    .zip(a)
                    .enumerate()
                    .find_map(|(i, (ev, av))| diff(&format!("{path}[{i}]"), ev, av, ignore))
            }
        }
        (Value::Number(x), Value::Number(y)) => ((x.as_f64().unwrap_or(0.0) - y.as_f64().unwrap_or(1.0)).abs() > 1e-6)
            .then(|| format!("{path}: {act} != expected {exp}")),
        _ => (exp != act).then(|| format!("{path}: {act} != expected {exp}")),
    }
}

/// Per-example extra ignores, each with its reason.
fn extra_ignores(i: usize) -> (&'static [&'static str], &'static str) {
    match i {
        // Illustrative (pre-recording) cases whose sample data the contract marks as unconfirmed.
        10 => (
            &["idfactura", "pagada", "codigo"],
            "PostgreSQL-style schema strings, marked unconfirmed; the MariaDB form (105) is checked",
        ),
        105 => (
            &["type", "default", "is_nullable"],
            "exact MariaDB column definitions are not modelled; the column set is checked",
        ),
        28 => (
            &["data"],
            "the note says the values in data other than the structure are illustrative (unconfirmed); 50 and 109 check the recorded ones",
        ),
        50 | 51 | 109 => (
            &["idcontactofact", "codcliente"],
            "auto-assigned ids depend on rows created before the recording",
        ),
        52 => (
            &["idproducto"],
            "auto-assigned id depends on rows created before the recording",
        ),
        31 => (
            &["error", "data"],
            "the message appends every log line of the request (translated, typo included); status and shape are checked",
        ),
        137 => (
            &["error", "data"],
            "the message appends the accounting audit line and the raw MariaDB error; status and shape are checked",
        ),
        46 => (
            &[
                "idlinea",
                "idproducto",
                "idcontactofact",
                "codigo",
                "numero",
                "idestado_ant",
                "orden",
                "descripcion",
                "pagada",
                "idfactura",
                "idestado",
            ],
            "illustrative case; the recorded #144 shows idestado as the raw submitted string, which the simulator follows",
        ),
        _ => (&[], ""),
    }
}

async fn call(sim: &FsSim, ex: &Ex) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let mut uri = ex.path.clone();
    if !ex.query.is_empty() {
        uri.push('?');
        uri.push_str(&serde_urlencoded::to_string(&ex.query).unwrap_or_default());
    }
    let method = axum::http::Method::from_bytes(ex.method.as_bytes()).unwrap();
    let mut b = axum::http::Request::builder().method(method).uri(uri);
    for (k, v) in &ex.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    let req = b.body(Body::from(ex.body.clone().unwrap_or_default())).unwrap();
    let resp = sim.router().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let total = resp
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, ct, total, body)
}

fn expected_total(note: &str) -> Option<usize> {
    let i = note.find("X-Total-Count: ")?;
    note[i + 15..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[tokio::test]
async fn simulator_replays_every_example() {
    let examples = load();
    let (mut pass, mut fail, skipped): (usize, usize, Vec<(usize, &str)>) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    let mut decoy_total = 0;
    for ex in &examples {
        let sim = new_sim();
        presuppose(&sim, ex);
        if ex.method == "GET" && ex.json.is_array() {
            decoy_total += decoys(&sim, ex);
        }
        let (status, ct, total, body) = call(&sim, ex).await;
        let mut problems = Vec::new();
        if status != ex.status {
            problems.push(format!("status {status}, expected {}", ex.status));
        }
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        if ex.json.is_null() {
            let html = ct.as_deref().is_some_and(|c| c.starts_with("text/html"));
            let ok_null = body.is_empty() || (ex.status == 500 && html) || ct.as_deref() == Some("application/pdf");
            if !ok_null {
                problems.push(format!(
                    "expected no JSON body, got {:?}",
                    String::from_utf8_lossy(&body)
                ));
            }
        } else {
            let (extra, _) = extra_ignores(ex.i);
            let mut ignore: Vec<&str> = TIME_FIELDS.to_vec();
            ignore.extend_from_slice(extra);
            if [
                "crearFacturaCliente",
                "crearFacturaRectificativaCliente",
                "editarFacturaCliente",
            ]
            .contains(&resource_of(&ex.path))
                || [28, 50, 51, 52, 109].contains(&ex.i)
            {
                ignore.extend_from_slice(UNMODELLED);
            }
            match &parsed {
                None => problems.push(format!(
                    "non-JSON body {:?}",
                    String::from_utf8_lossy(&body).chars().take(120).collect::<String>()
                )),
                Some(act) => {
                    if let Some(d) = diff("$", &ex.json, act, &ignore) {
                        problems.push(d);
                    }
                }
            }
        }
        if let Some(t) = expected_total(&ex.note)
            && ex
                .json
                .as_array()
                .is_some_and(|a| !a.iter().any(|v| v.as_str() == Some("...")) && a.len() == t)
            && total.as_deref() != Some(t.to_string().as_str())
        {
            problems.push(format!("X-Total-Count {total:?}, expected {t}"));
        }
        if [98, 99].contains(&ex.i) {
            let n = parsed.as_ref().and_then(Value::as_array).map_or(0, Vec::len);
            let want = if ex.i == 98 { 50 } else { 250 };
            if n != want || total.as_deref() != Some("250") {
                problems.push(format!("{n} rows / X-Total-Count {total:?}, expected {want} / 250"));
            }
        }
        if problems.is_empty() {
            pass += 1;
        } else {
            fail += 1;
            failures.push(format!(
                "#{} {} {} {:?}: {}",
                ex.i,
                ex.method,
                ex.path,
                ex.query,
                problems.join("; ")
            ));
        }
    }
    println!("\n=== FacturaScripts contract replay (simulator) ===");
    println!(
        "examples: {}, passed: {pass}, failed: {fail}, skipped: {} ({} decoy rows rejected by filters)",
        examples.len(),
        skipped.len(),
        decoy_total
    );
    for (i, why) in &skipped {
        println!("  skipped #{i}: {why}");
    }
    for f in &failures {
        println!("  FAILED {f}");
    }
    assert!(skipped.len() <= 2, "too many skips");
    assert!(failures.is_empty(), "{} examples failed", failures.len());
}

// ------------------------------------------------------------------ client side

use mm_facturascripts::client::parse_record;
use mm_facturascripts::records::{
    Cliente, Contacto, EstadoDocumento, FacturaCliente, LineaFacturaCliente, Producto, ReciboCliente, Variante,
};
use std::sync::{Arc, Mutex};

/// The typed query for an example's query string, or why the typed API cannot (on purpose)
/// express it.
fn typed_query(ex: &Ex) -> Result<ListQuery, &'static str> {
    let mut q = ListQuery::new();
    let ops: Vec<(&str, &str)> = ex
        .query
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("operation[")?.strip_suffix(']')?, v.as_str())))
        .collect();
    for (k, v) in &ex.query {
        if k.ends_with("[]") {
            return Err("array-valued parameters cannot be built");
        }
        if let Some(key) = k.strip_prefix("filter[").and_then(|s| s.strip_suffix(']')) {
            let (field, suffix) = split(key);
            let op = match suffix {
                "" => Op::Eq,
                "_gt" => Op::Gt,
                "_gte" => Op::Gte,
                "_lt" => Op::Lt,
                "_lte" => Op::Lte,
                "_neq" => Op::Neq,
                "_like" => Op::Like,
                "_null" => Op::Null,
                "_notnull" => Op::NotNull,
                _ => return Err("unknown suffix"),
            };
            if ["true", "false", "TRUE"].contains(&v.as_str()) {
                return Err("booleans are always sent as 1/0 by the typed filter (MariaDB reads 'true' as 0)");
            }
            if v.contains('<') || v.contains('>') {
                return Err("text is sent in its stored HTML-escaped form by the typed filter");
            }
            let value = if matches!(op, Op::Null | Op::NotNull) {
                FilterValue::Flag
            } else if let Ok(i) = v.parse::<i64>() {
                FilterValue::Int(i)
            } else if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%d-%m-%Y") {
                FilterValue::Date(d)
            } else {
                FilterValue::Text(v.clone())
            };
            let f = Filter {
                field: field.to_string(),
                op,
                value,
            };
            match ops.iter().find(|(ok, _)| *ok == key).map(|(_, j)| *j) {
                Some("OR") => q = q.or_filter(f),
                Some(_) => return Err("only AND/OR joins can be built"),
                None => q = q.filter(f),
            }
        } else if let Some(field) = k.strip_prefix("sort[").and_then(|s| s.strip_suffix(']')) {
            q = q.sort(field, if v == "DESC" { SortDir::Desc } else { SortDir::Asc });
        } else if k == "limit" {
            q = q.limit(v.parse().map_err(|_| "non-numeric limit cannot be built")?);
        } else if k == "offset" {
            q = q.offset(v.parse().map_err(|_| "bad offset")?);
        } else if k.starts_with("operation[") {
        } else {
            return Err("parameter outside the API (e.g. ?token=) is never sent");
        }
    }
    Ok(q)
}

fn normalise(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| !(k == "offset" && v == "0"))
        .cloned()
        .collect();
    v.sort();
    v
}

const TYPED: &[&str] = &[
    "facturaclientes",
    "lineafacturaclientes",
    "clientes",
    "contactos",
    "productos",
    "variantes",
    "reciboclientes",
    "estadodocumentos",
];

fn parse_typed(res: &str, raw: &RawResponse, list: bool) -> Result<usize, FsError> {
    macro_rules! go {
        ($t:ty) => {
            if list {
                parse_list::<$t>(raw).map(|p| p.items.len())
            } else {
                parse_record::<$t>(raw).map(|_| 1)
            }
        };
    }
    match res {
        "facturaclientes"
        | "pagarFacturaCliente"
        | "crearFacturaCliente"
        | "crearFacturaRectificativaCliente"
        | "editarFacturaCliente" => go!(FacturaCliente),
        "lineafacturaclientes" => go!(LineaFacturaCliente),
        "clientes" => go!(Cliente),
        "contactos" => go!(Contacto),
        "productos" => go!(Producto),
        "variantes" => go!(Variante),
        "reciboclientes" => go!(ReciboCliente),
        "estadodocumentos" => go!(EstadoDocumento),
        _ => parse_response(raw).map(|_| 0),
    }
}

#[derive(Default, Clone)]
struct Seen {
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

#[tokio::test]
async fn client_builds_and_parses_every_example() {
    let examples = load();
    // A capture server: records what the client really sends.
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let s2 = seen.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let s2 = s2.clone();
        async move {
            let mut g = s2.lock().unwrap();
            g.path = req.uri().path().to_string();
            g.query = serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
            g.headers = req
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                .collect();
            ([("x-total-count", "0"), ("content-type", "application/json")], "[]")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut cfg = FsClientConfig::new(
        format!("http://{addr}/").parse().unwrap(),
        secrecy::SecretString::from("TOKEN".to_string()),
    );
    cfg.retry = RetryPolicy::no_retry();
    let client = FsClient::new(cfg).unwrap();

    let (mut built, mut parsed, mut not_buildable) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    for ex in &examples {
        let res = resource_of(&ex.path);
        // 1. Request building, where a typed call exists.
        if ex.method == "GET"
            && ex.path.starts_with("/api/3/")
            && TYPED.contains(&res)
            && header(ex, "Token") == Some("TOKEN")
            && header(ex, "X-Auth-Token").is_none()
        {
            match id_of(&ex.path) {
                None => match typed_query(ex) {
                    Ok(q) => {
                        let Ok(req) = ApiRequest::list(res, &q) else {
                            not_buildable.push((
                                ex.i,
                                "field names outside ^[A-Za-z_][A-Za-z0-9_]*$ are refused before sending",
                            ));
                            continue;
                        };
                        if req.path != ex.path || normalise(&req.query) != normalise(&ex.query) {
                            failures.push(format!(
                                "#{} built {:?} {:?}, expected {:?}",
                                ex.i, req.path, req.query, ex.query
                            ));
                        }
                        // What goes on the wire: path, query, the key only in a Token header.
                        let _ = client.list::<Value>(res, &q).await;
                        let s = seen.lock().unwrap().clone();
                        let token_headers: Vec<&(String, String)> = s
                            .headers
                            .iter()
                            .filter(|(k, _)| k == "token" || k == "x-auth-token" || k == "authorization")
                            .collect();
                        if s.path != ex.path
                            || normalise(&s.query) != normalise(&ex.query)
                            || token_headers != vec![&("token".to_string(), "TOKEN".to_string())]
                            || s.query.iter().any(|(_, v)| v == "TOKEN")
                        {
                            failures.push(format!("#{} sent {} {:?} {:?}", ex.i, s.path, s.query, token_headers));
                        }
                        built += 1;
                    }
                    Err(why) => not_buildable.push((ex.i, why)),
                },
                Some(id) if id != "schema" => match ApiRequest::get(res, id) {
                    Ok(req) => {
                        if req.path != ex.path {
                            failures.push(format!("#{} built {}", ex.i, req.path));
                        }
                        built += 1;
                    }
                    Err(_) if id.contains('%') => {
                        not_buildable.push((
                            ex.i,
                            "ids are sent verbatim: a percent-encoded id is refused, never sent",
                        ));
                    }
                    Err(e) => failures.push(format!("#{} refused id {id}: {e}", ex.i)),
                },
                _ => {}
            }
        }
        if res == "pagarFacturaCliente" && ex.method == "POST" {
            let f = form(ex);
            let pag = f.iter().find(|(k, _)| k == "pagada").map(|(_, v)| v.as_str());
            if let (Some(p @ ("0" | "1")), Some(id)) = (pag, id_of(&ex.path).and_then(|i| i.parse::<i64>().ok())) {
                let fp = f
                    .iter()
                    .find(|(k, _)| k == "fechapago")
                    .and_then(|(_, v)| chrono::NaiveDate::parse_from_str(v, "%d-%m-%Y").ok());
                let req = ApiRequest::pay_invoice(id, p == "1", fp);
                if req.path != ex.path || req.form.as_ref().map(|v| normalise(v)) != Some(normalise(&f)) {
                    failures.push(format!("#{} pay built {:?} {:?}", ex.i, req.path, req.form));
                }
                built += 1;
            } else if pag.is_some() {
                not_buildable.push((ex.i, "pagada is only ever sent as 1/0 (true/false both pay)"));
            }
        }
        // 2. Response parsing: the right value or the right error (the client sends only
        // GET/POST/PUT/DELETE).
        if !["GET", "POST", "PUT", "DELETE"].contains(&ex.method.as_str()) {
            continue;
        }
        let body = if ex.json.is_null() {
            if ex.status == 500 {
                "<!DOCTYPE html><html><body>Fatal error: Uncaught TypeError</body></html>".to_string()
            } else {
                String::new()
            }
        } else {
            ex.json.to_string()
        };
        let raw = RawResponse {
            status: ex.status,
            total_count: expected_total(&ex.note).map(|t| t as u64),
            content_type: None,
            body,
            resource: String::new(),
        };
        let list = ex.json.is_array();
        let outcome = parse_typed(res, &raw, list && ex.status == 200);
        let ok = match (ex.status, &outcome) {
            (200, Ok(n)) => {
                !list
                    || !TYPED.contains(&res)
                    || *n
                        == ex.json.as_array().map_or(0, |a| {
                            a.iter()
                                .filter(|v| {
                                    v.is_object()
                                        && v.as_object().is_some_and(|o| !o.contains_key("...") || o.len() > 2)
                                })
                                .count()
                        })
            }
            (200, Err(_)) => !TYPED.contains(&res) && !ex.json.is_object(),
            (401 | 403, Err(e @ FsError::Auth { .. })) => !e.is_retryable(),
            (429, Err(e @ FsError::Banned { .. })) => {
                e.is_retryable() && e.retry_after() >= Some(std::time::Duration::from_secs(600))
            }
            (409, Err(FsError::Disabled { .. })) => true,
            (s, Err(FsError::Gate { status, .. })) => *status == s && ex.json.get("status").is_some(),
            (s, Err(e @ FsError::Model { status, .. })) => {
                *status == s
                    && ex.json.get("error").is_some()
                    && (s != 404 || e.is_not_found())
                    && (s < 500 || e.is_retryable())
            }
            (500, Err(e @ FsError::Server { .. })) => e.is_retryable() && ex.json.is_null(),
            _ => false,
        };
        if ok {
            parsed += 1;
        } else {
            failures.push(format!(
                "#{} {} {} status {}: parsed as {:?}",
                ex.i,
                ex.method,
                ex.path,
                ex.status,
                outcome.map(|n| format!("{n} records"))
            ));
        }
    }
    println!("\n=== FacturaScripts contract replay (client) ===");
    println!(
        "examples: {}, requests built exactly: {built}, responses classified: {parsed}, deliberately not buildable: {}",
        examples.len(),
        not_buildable.len()
    );
    for (i, why) in &not_buildable {
        println!("  not buildable #{i}: {why}");
    }
    for f in &failures {
        println!("  FAILED {f}");
    }
    assert!(not_buildable.len() <= 12, "too many unbuildable cases");
    assert!(failures.is_empty(), "{} client checks failed", failures.len());
}
