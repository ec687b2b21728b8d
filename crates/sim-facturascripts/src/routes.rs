//! The HTTP surface: one fallback handler that runs the gate in the contract's exact order,
//! then the generic model endpoints (§2) and the special invoice endpoints (§5).

use crate::FsSim;
use crate::auth::{self, msg};
use crate::filters::{self, QueryError};
use crate::state::{CUSTOM_RESOURCES, Db, LineSpec, RESOURCES, STATUS_DRAFT, SimError};
use crate::table::{Pk, Table, as_bool, mysql_num, num};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use std::time::Instant;

const CORS_METHODS: &str = "GET, POST, PUT, DELETE, PATCH, OPTIONS";

/// `json_encode` without flags: `/` as `\/`, non-ASCII as `\uXXXX` (both can only occur
/// inside JSON strings, so a pass over the text is exact).
fn php_json(v: &Value) -> String {
    let raw = v.to_string();
    let mut out = String::with_capacity(raw.len() + raw.len() / 16);
    for c in raw.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

fn json_body(status: u16, v: &Value, cors: bool, total: Option<usize>) -> Response {
    let mut r = Response::new(Body::from(php_json(v)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if cors {
        h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        h.insert("access-control-allow-methods", HeaderValue::from_static(CORS_METHODS));
    }
    if let Some(t) = total
        && let Ok(v) = HeaderValue::from_str(&t.to_string())
    {
        h.insert("x-total-count", v);
    }
    r
}

/// Gate error: `{"status":"error","message"}` without CORS headers.
fn gate(status: u16, message: &str) -> Response {
    json_body(status, &json!({"status": "error", "message": message}), false, None)
}

/// Special-endpoint error: same shape, with CORS headers.
fn special(status: u16, message: &str) -> Response {
    json_body(status, &json!({"status": "error", "message": message}), true, None)
}

fn model_err(status: u16, message: &str, data: Option<Value>) -> Response {
    let mut m = Map::new();
    m.insert("error".into(), json!(message));
    if let Some(d) = data {
        m.insert("data".into(), d);
    }
    json_body(status, &Value::Object(m), true, None)
}

fn ok(v: Value) -> Response {
    json_body(200, &v, true, None)
}

fn html500(msg: &str) -> Response {
    let mut r = Response::new(Body::from(format!(
        "<!DOCTYPE html><html><body><h1>Fatal error</h1><p>{msg}</p></body></html>"
    )));
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    r
}

fn empty_cors() -> Response {
    let mut r = Response::new(Body::empty());
    let h = r.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert("access-control-allow-methods", HeaderValue::from_static(CORS_METHODS));
    r
}

/// Form fields as PHP sees them: urlencoded (any method), multipart (POST only); JSON is ignored.
fn form_fields(method: &Method, headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        return serde_urlencoded::from_bytes(body).unwrap_or_default();
    }
    if ct.starts_with("multipart/form-data") && method == Method::POST {
        let Some(boundary) = ct.split("boundary=").nth(1).map(|b| b.trim_matches('"').to_string()) else {
            return vec![];
        };
        let text = String::from_utf8_lossy(body);
        let mut out = Vec::new();
        for part in text.split(&format!("--{boundary}")) {
            let Some((head, val)) = part.split_once("\r\n\r\n").or_else(|| part.split_once("\n\n")) else {
                continue;
            };
            if let Some(name) = head.split("name=\"").nth(1).and_then(|s| s.split('"').next()) {
                out.push((name.to_string(), val.trim_end_matches(['\r', '\n']).to_string()));
            }
        }
        return out;
    }
    Vec::new()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

pub async fn handle(State(sim): State<FsSim>, req: Request) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024).await.unwrap_or_default();
    let mut db = match sim.db.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    process(
        &mut db,
        &parts.method,
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        &parts.headers,
        peer,
        &body,
    )
}

fn process(
    db: &mut Db,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    body: &[u8],
) -> Response {
    let es = auth::spanish(headers);
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    // segs[0] = "api", [1] = version, [2] = resource, [3] = id
    let version = segs.get(1).copied().unwrap_or("");
    let resource = segs.get(2).copied().unwrap_or("");
    let id = segs.get(3).copied().filter(|s| !s.is_empty());
    *db.request_counts.entry(resource.to_string()).or_default() += 1;

    // 1. API disabled.
    if !db.api_enabled {
        return gate(409, msg("api-disabled", es));
    }
    // 2. Preflight.
    if method == Method::OPTIONS {
        let mut r = empty_cors();
        let echo = headers
            .get("access-control-request-headers")
            .cloned()
            .unwrap_or(HeaderValue::from_static(""));
        r.headers_mut().insert("access-control-allow-headers", echo);
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return r;
    }
    // 3. IP ban.
    let ip = auth::client_ip(headers, peer);
    db.incidents.retain(|(_, t)| t.elapsed() < auth::INCIDENT_EXPIRATION);
    if auth::count_incidents(&db.incidents, &ip) >= auth::MAX_INCIDENTS {
        return gate(429, msg("ip-banned", es));
    }
    // 4. Token.
    let token = auth::token(headers);
    let Some(key) = db
        .keys
        .iter()
        .find(|k| k.enabled && !token.is_empty() && k.key == token)
        .cloned()
    else {
        db.incidents.push((ip, Instant::now()));
        return gate(401, msg("auth-token-invalid", es));
    };
    // 5. Permission.
    if !resource.is_empty() && !key.fullaccess {
        let allowed = key.access.get(resource).is_some_and(|(g, p, u, d)| match *method {
            Method::GET => *g,
            Method::POST => *p,
            Method::PUT | Method::PATCH => *u,
            Method::DELETE => *d,
            _ => false,
        });
        if !allowed {
            db.incidents.push((ip, Instant::now()));
            return gate(403, msg("forbidden", es));
        }
    }
    // 6. Version.
    if version.is_empty() {
        return gate(400, msg("api-version-not-found", es));
    }
    if version != "3" {
        return gate(400, msg("api-version-invalid", es));
    }
    // 7. Resource.
    if resource.is_empty() {
        let mut all: Vec<&str> = RESOURCES
            .iter()
            .chain(CUSTOM_RESOURCES.iter())
            .chain(crate::state::OTHER_RESOURCES.iter())
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        return ok(json!({ "resources": all }));
    }
    let form = form_fields(method, headers, body);
    match resource {
        "pagarFacturaCliente" => match id {
            None => gate(404, msg("api-resource-invalid", es)),
            Some(id) => pay_endpoint(db, method, id, &form, es),
        },
        "crearFacturaCliente" => create_endpoint(db, method, &form, es),
        "crearFacturaRectificativaCliente" => credit_endpoint(db, method, &form, es),
        "editarFacturaCliente" => match id {
            None => gate(404, msg("api-resource-invalid", es)),
            Some(id) => edit_endpoint(db, method, id, &form, es),
        },
        "exportarFacturaCliente" => match id {
            Some(id) if method == Method::GET && db.invoice_exists(id.parse().unwrap_or(-1)) => {
                let mut r = Response::new(Body::from("%PDF-1.4\n%simulated\n%%EOF\n"));
                let h = r.headers_mut();
                h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
                if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=Invoice_{id}.pdf")) {
                    h.insert(header::CONTENT_DISPOSITION, v);
                }
                r
            }
            Some(_) if method == Method::GET => special(404, msg("record-not-found", es)),
            Some(_) => special(405, "method-not-allowed"),
            None => gate(404, msg("api-resource-invalid", es)),
        },
        r => match RESOURCES.iter().copied().find(|x| *x == r) {
            Some(res) => model(db, method, res, id, query, &form, es, &key),
            // Core models this simulator does not hold data for: they exist, and are empty.
            None if crate::state::OTHER_RESOURCES.contains(&r) => match (method, id) {
                (&Method::GET, None) => json_body(200, &json!([]), true, Some(0)),
                _ => model_err(404, msg("record-not-found", es), None),
            },
            None => gate(404, msg("api-resource-invalid", es)),
        },
    }
}

fn typed_value(table: &Table, col: &str, raw: &str) -> Value {
    if raw == "null" {
        return Value::Null;
    }
    let default = table.col(col).map(|_| table_default(table, col)).unwrap_or(Value::Null);
    match default {
        Value::Bool(_) => json!(mysql_num(raw) != 0.0),
        Value::Number(_) => num(mysql_num(raw)),
        _ if col.starts_with("id") || col == "numdocs" => match raw.parse::<i64>() {
            Ok(i) => json!(i),
            Err(_) => json!(crate::html(raw)),
        },
        _ => json!(crate::html(raw)),
    }
}

fn table_default(table: &Table, col: &str) -> Value {
    table.default_of(col).cloned().unwrap_or(Value::Null)
}

/// Fields the model recomputes on save: they show their stored value, not the submitted one.
const NORMALISED: &[&str] = &["editable"];

/// `data` of a write response: the record with the submitted fields in their raw string form,
/// except where the model normalised them (`test()`: HTML escaping, `null` → `""`, ...).
fn echo(rec: Map<String, Value>, form: &[(String, String)], pk: &str) -> Value {
    let mut rec = rec;
    for (k, v) in form {
        if k == pk || NORMALISED.contains(&k.as_str()) {
            continue;
        }
        let shown = match rec.get(k) {
            Some(Value::String(stored)) => json!(stored),
            Some(stored) if v == "null" => stored.clone(),
            _ if v == "null" => Value::Null,
            _ => json!(v),
        };
        rec.insert(k.clone(), shown);
    }
    Value::Object(rec)
}

const UNLOCKED: &[&str] = &["femail", "idestado", "idestado_ant", "numdocs", "pagada"];

#[allow(clippy::too_many_arguments)]
fn model(
    db: &mut Db,
    method: &Method,
    res: &'static str,
    id: Option<&str>,
    query: &str,
    form: &[(String, String)],
    es: bool,
    _key: &crate::state::ApiKey,
) -> Response {
    match *method {
        Method::GET => {
            let Some(table) = db.tr(res) else {
                return gate(404, msg("api-resource-invalid", es));
            };
            match id {
                Some("schema") => {
                    let mut m = Map::new();
                    for c in &table.columns {
                        let d = table_default(table, c);
                        let ty = match d {
                            Value::Bool(_) => "tinyint(1)",
                            Value::Number(_) if c.starts_with("id") => "int(11)",
                            Value::Number(_) => "double",
                            _ => "varchar(100)",
                        };
                        m.insert(c.clone(), json!({"type": ty, "default": null, "is_nullable": if c == table.pk { "NO" } else { "YES" }}));
                    }
                    ok(Value::Object(m))
                }
                Some(id) => match table.pk_of(id).and_then(|pk| table.record(&pk)) {
                    Some(rec) => ok(Value::Object(hide(res, rec))),
                    None => model_err(404, msg("record-not-found", es), None),
                },
                None => {
                    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
                    match filters::parse(&pairs, table) {
                        Ok(_) if db.swallow_sql_errors => json_body(200, &json!([]), true, Some(0)),
                        Ok(spec) => {
                            let (rows, total) = filters::run(table, &spec);
                            let rows: Vec<Value> = rows.into_iter().map(|r| Value::Object(hide(res, r))).collect();
                            json_body(200, &Value::Array(rows), true, Some(total))
                        }
                        Err(QueryError::FieldsNotAllowed(f)) => {
                            model_err(400, &format!("api: fields not allowed: {}", f.join(", ")), None)
                        }
                        Err(QueryError::ArrayValue) => {
                            model_err(500, "API-ERROR: Array not allowed in var2str function", None)
                        }
                        Err(QueryError::TypeError) => html500(
                            "Uncaught TypeError: strtoupper(): Argument #1 ($string) must be of type string, array given",
                        ),
                    }
                }
            }
        }
        Method::POST => {
            let table = db.t(res);
            let code = field(form, table.pk)
                .map(str::to_string)
                .or(id.map(str::to_string))
                .unwrap_or_default();
            if let Some(rec) = table.pk_of(&code).and_then(|pk| table.record(&pk)) {
                return model_err(400, msg("duplicate-record", es), Some(Value::Object(hide(res, rec))));
            }
            if form.is_empty() {
                return model_err(400, msg("no-data-received-form", es), None);
            }
            match res {
                "clientes" => {
                    if let Some(c) = field(form, "codcliente")
                        && !c.chars().all(|ch| ch.is_ascii_alphanumeric() || "_+.-".contains(ch))
                    {
                        let data = echo(Map::new(), form, "");
                        return model_err(
                            400,
                            &format!(
                                "{} - The alphanumeric code entered ({c}) is not valid. (codcliente) must contain between 1 and 10 characters (letters, numbers, +, -, _ and .)",
                                msg("record-save-error", es)
                            ),
                            Some(data),
                        );
                    }
                    let nombre = field(form, "nombre").unwrap_or("");
                    let code = db.add_customer(
                        field(form, "codcliente"),
                        nombre,
                        field(form, "razonsocial"),
                        field(form, "email").unwrap_or(""),
                    );
                    let pk = Pk::Str(code);
                    for (k, v) in form {
                        if !["codcliente", "nombre", "razonsocial", "email"].contains(&k.as_str()) {
                            let t = db.t("clientes");
                            let val = if v == "null" && k.starts_with("telefono") {
                                json!("")
                            } else {
                                typed_value(t, k, v)
                            };
                            t.set(&pk, k, val);
                        }
                    }
                    let rec = db.t("clientes").record(&pk).unwrap_or_default();
                    ok(json!({"ok": msg("record-updated-correctly", es), "data": echo(rec, form, "codcliente")}))
                }
                "productos" => {
                    let id = db.add_product(
                        field(form, "referencia").unwrap_or(""),
                        field(form, "descripcion").unwrap_or(""),
                        mysql_num(field(form, "precio").unwrap_or("0")),
                    );
                    let pk = Pk::Int(id);
                    for (k, v) in form {
                        if !["referencia", "descripcion", "precio"].contains(&k.as_str()) {
                            let t = db.t("productos");
                            let val = typed_value(t, k, v);
                            t.set(&pk, k, val);
                        }
                    }
                    let rec = db.t("productos").record(&pk).unwrap_or_default();
                    ok(json!({"ok": msg("record-updated-correctly", es), "data": echo(rec, form, "idproducto")}))
                }
                _ => {
                    let table = db.t(res);
                    let mut m = Map::new();
                    for (k, v) in form {
                        m.insert(k.clone(), typed_value(table, k, v));
                    }
                    let pk = table.insert(m);
                    if let Pk::Int(i) = pk {
                        index_row(db, res, i);
                    }
                    let rec = db.t(res).record(&pk).unwrap_or_default();
                    ok(json!({"ok": msg("record-updated-correctly", es), "data": echo(rec, form, "")}))
                }
            }
        }
        Method::PUT | Method::PATCH => {
            let table = db.t(res);
            let code = field(form, table.pk)
                .map(str::to_string)
                .or(id.map(str::to_string))
                .unwrap_or_default();
            let Some(pk) = table.pk_of(&code).filter(|pk| table.rows.contains_key(pk)) else {
                return model_err(404, msg("record-not-found", es), None);
            };
            if form.is_empty() {
                return model_err(400, msg("no-data-received-form", es), None);
            }
            put_record(db, res, &pk, form, es)
        }
        Method::DELETE => {
            let Some(id) = id else {
                return model_err(404, msg("record-not-found", es), None);
            };
            let table = db.t(res);
            let Some(pk) = table.pk_of(id).filter(|pk| table.rows.contains_key(pk)) else {
                return model_err(404, msg("record-not-found", es), None);
            };
            let rec = if res == "facturaclientes" {
                let Pk::Int(i) = pk else {
                    return model_err(404, msg("record-not-found", es), None);
                };
                match db.delete_invoice(i) {
                    Ok(r) => r,
                    Err(_) => return model_err(400, msg("record-deleted-error", es), None),
                }
            } else {
                let r = db.t(res).remove(&pk).unwrap_or_default();
                if let Pk::Int(i) = pk {
                    let idx = match res {
                        "lineafacturaclientes" => Some(&mut db.lines_by_invoice),
                        "reciboclientes" => Some(&mut db.receipts_by_invoice),
                        _ => None,
                    };
                    if let Some(idx) = idx {
                        for s in idx.values_mut() {
                            s.remove(&i);
                        }
                    }
                    if res == "reciboclientes"
                        && let Some(f) = r.get("idfactura").and_then(Value::as_i64)
                    {
                        db.recompute_paid(f);
                    }
                }
                r
            };
            ok(json!({"ok": msg("record-deleted-correctly", es), "data": Value::Object(hide(res, rec))}))
        }
        _ => empty_cors(),
    }
}

fn index_row(db: &mut Db, res: &str, id: i64) {
    let (table, col) = match res {
        "lineafacturaclientes" => ("lineafacturaclientes", "idfactura"),
        "reciboclientes" => ("reciboclientes", "idfactura"),
        _ => return,
    };
    if let Some(f) = db.tr(table).and_then(|t| t.opt_i64(&Pk::Int(id), col)) {
        let idx = if res == "lineafacturaclientes" {
            &mut db.lines_by_invoice
        } else {
            &mut db.receipts_by_invoice
        };
        idx.entry(f).or_default().insert(id);
    }
}

fn hide(res: &str, mut rec: Map<String, Value>) -> Map<String, Value> {
    if res == "apikeyes" {
        rec.remove("apikey");
    }
    rec
}

fn put_record(db: &mut Db, res: &'static str, pk: &Pk, form: &[(String, String)], es: bool) -> Response {
    let before = db.t(res).record(pk).unwrap_or_default();
    if res == "facturaclientes" && !db.t(res).bool(pk, "editable") {
        // A field outside the unlocked list that counts as changed (`!==` string vs typed).
        let table = db.t(res);
        let changed_locked = form.iter().any(|(k, v)| {
            if UNLOCKED.contains(&k.as_str()) || k == "editable" || !table.has_column(k) {
                return false;
            }
            match before.get(k) {
                Some(Value::String(s)) => s != v,
                Some(Value::Null) => true,
                Some(_) => true,
                None => false,
            }
        });
        if changed_locked {
            return model_err(
                400,
                &format!(
                    "{} - {}",
                    msg("record-save-error", es),
                    msg("non-editable-document", es)
                ),
                Some(echo(before, form, "")),
            );
        }
    }
    if res == "reciboclientes"
        && let Some(v) = field(form, "pagado")
        && v.parse::<f64>().is_err()
        && !v.is_empty()
    {
        let data = echo(before, form, "");
        return model_err(
            400,
            &format!(
                "{} - Incorrect integer value: '{v}' for column `facturascripts`.`recibospagoscli`.`pagado` at row 1",
                msg("record-save-error", es)
            ),
            Some(data),
        );
    }
    let mut recompute = false;
    for (k, v) in form {
        let table = db.t(res);
        if k == table.pk || !table.has_column(k) {
            continue;
        }
        match (res, k.as_str()) {
            ("facturaclientes", "editable") => {}
            ("facturaclientes", "idestado") => {
                if let (Pk::Int(i), Ok(e)) = (pk, v.parse::<i64>()) {
                    let _ = db.set_status(*i, e);
                }
            }
            ("facturaclientes", "codpago" | "fecha" | "codcliente" | "total") => {
                let val = typed_value(table, k, v);
                table.set(pk, k, val);
                recompute = true;
            }
            ("reciboclientes", "pagado") => {
                let paid = mysql_num(v) != 0.0;
                table.set(pk, "pagado", json!(paid));
                if paid && table.get(pk, "fechapago").is_null() {
                    let today = db.today();
                    db.t(res).set(pk, "fechapago", json!(today));
                }
                recompute = true;
            }
            _ => {
                let val = typed_value(table, k, v);
                table.set(pk, k, val);
                if res == "reciboclientes" {
                    recompute = true;
                }
            }
        }
    }
    if recompute {
        let inv = match (res, pk) {
            ("facturaclientes", Pk::Int(i)) => Some(*i),
            ("reciboclientes", _) => db.t(res).opt_i64(pk, "idfactura"),
            _ => None,
        };
        if let Some(i) = inv {
            db.recompute_paid(i);
        }
    }
    if res == "facturaclientes"
        && let Pk::Int(i) = pk
    {
        let codigo = db.t(res).str(pk, "codigo");
        db.audit(
            "updated-model",
            "info",
            *i,
            &format!("Updated FacturaCliente ({i}) {codigo}"),
        );
    }
    let rec = db.t(res).record(pk).unwrap_or_default();
    ok(json!({"ok": msg("record-updated-correctly", es), "data": echo(rec, form, db.t(res).pk)}))
}

fn invoice_doc(db: &mut Db, id: i64) -> Value {
    let doc = db.t("facturaclientes").record(&Pk::Int(id)).unwrap_or_default();
    let lines: Vec<Value> = db
        .lines_of(id)
        .into_iter()
        .filter_map(|l| db.t("lineafacturaclientes").record(&Pk::Int(l)))
        .map(Value::Object)
        .collect();
    json!({"doc": doc, "lines": lines})
}

fn pay_endpoint(db: &mut Db, method: &Method, id: &str, form: &[(String, String)], es: bool) -> Response {
    if !matches!(*method, Method::POST | Method::PUT) {
        return special(405, "method-not-allowed");
    }
    let Some(p) = field(form, "pagada") else {
        return special(400, "missing-pagada-parameter");
    };
    let Ok(id) = id.parse::<i64>() else {
        return special(404, msg("record-not-found", es));
    };
    // PHP (bool) cast: only "" and "0" are false.
    let paid = !(p.is_empty() || p == "0");
    match db.pay(
        id,
        paid,
        field(form, "fechapago").map(str::to_string),
        field(form, "codpago").map(str::to_string),
    ) {
        Err(_) => special(404, msg("record-not-found", es)),
        Ok(changed) => {
            let data = db.t("facturaclientes").record(&Pk::Int(id)).unwrap_or_default();
            let m = if changed {
                msg("record-updated-correctly", es)
            } else {
                msg("no-changes", es)
            };
            ok(json!({"ok": m, "data": data}))
        }
    }
}

fn parse_lines(raw: &str) -> Option<Vec<LineSpec>> {
    let v: Value = serde_json::from_str(raw).ok()?;
    let arr = v.as_array()?;
    Some(
        arr.iter()
            .map(|l| LineSpec {
                referencia: l.get("referencia").and_then(Value::as_str).map(str::to_string),
                descripcion: l.get("descripcion").and_then(Value::as_str).map(str::to_string),
                cantidad: l.get("cantidad").map(crate::table::as_f64).unwrap_or(1.0),
                pvpunitario: l.get("pvpunitario").map(crate::table::as_f64),
                idlinea: l
                    .get("idlinea")
                    .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))),
                dtopor: l.get("dtopor").map(crate::table::as_f64).unwrap_or(0.0),
            })
            .collect(),
    )
}

fn create_endpoint(db: &mut Db, method: &Method, form: &[(String, String)], es: bool) -> Response {
    if !matches!(*method, Method::POST | Method::PUT) {
        return special(405, "method-not-allowed");
    }
    let Some(cod) = field(form, "codcliente").filter(|c| !c.is_empty()) else {
        return special(400, "codcliente field is required");
    };
    let Some(lines) = field(form, "lineas").and_then(parse_lines) else {
        return special(400, "lineas field is required");
    };
    if !db
        .tr("clientes")
        .is_some_and(|t| t.rows.contains_key(&Pk::Str(cod.to_string())))
    {
        return special(404, msg("record-not-found", es));
    }
    if let Some(e) = field(form, "idestado").and_then(|e| e.parse::<i64>().ok())
        && e != STATUS_DRAFT
        && !db
            .tr("estadodocumentos")
            .is_some_and(|t| t.bool(&Pk::Int(e), "editable"))
    {
        db.t("facturaclientes").next_id += 1; // the rolled-back insert consumed an id
        return special(422, "Error calculating totals");
    }
    let id = match db.create_invoice(
        cod,
        &lines,
        field(form, "fecha").map(str::to_string),
        field(form, "hora").map(str::to_string),
        field(form, "codserie"),
    ) {
        Ok(id) => id,
        Err(_) => return special(404, msg("record-not-found", es)),
    };
    if let Some(cp) = field(form, "codpago") {
        db.t("facturaclientes").set(&Pk::Int(id), "codpago", json!(cp));
    }
    if field(form, "pagada").is_some_and(|p| p == "1") {
        let _ = db.pay(id, true, None, None);
    }
    let codigo = db.t("facturaclientes").str(&Pk::Int(id), "codigo");
    db.audit(
        "updated-model",
        "info",
        id,
        &format!("Updated FacturaCliente ({id}) {codigo}"),
    );
    ok(invoice_doc(db, id))
}

fn credit_endpoint(db: &mut Db, method: &Method, form: &[(String, String)], es: bool) -> Response {
    if !matches!(*method, Method::POST | Method::PUT) {
        return special(405, "Method not allowed");
    }
    let Some(id) = field(form, "idfactura").filter(|s| !s.is_empty()) else {
        return special(400, "idfactura field is required");
    };
    let Some(fecha) = field(form, "fecha").filter(|s| !s.is_empty()) else {
        return special(400, "fecha field is required");
    };
    let Ok(id) = id.parse::<i64>() else {
        return special(404, msg("record-not-found", es));
    };
    if !db.invoice_exists(id) {
        return special(404, msg("record-not-found", es));
    }
    if db
        .tr("facturaclientes")
        .is_some_and(|t| t.opt_i64(&Pk::Int(id), "idfacturarect").is_some())
    {
        return special(400, &SimError::RefundOfRefund.to_string());
    }
    let Some(hora) = field(form, "hora").filter(|s| !s.is_empty()) else {
        return html500(
            "Uncaught TypeError: FacturaScripts\\Core\\Model\\Base\\BusinessDocument::setDate(): Argument #2 ($hour) must be of type string, null given",
        );
    };
    let refunds: Vec<(i64, f64)> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("refund_")?.parse().ok()?, mysql_num(v))))
        .filter(|(_, q)| *q > 0.0)
        .collect();
    let refunds = if refunds.is_empty() { None } else { Some(refunds) };
    let idestado = field(form, "idestado").and_then(|e| e.parse().ok());
    match db.credit(
        id,
        refunds,
        Some(fecha.to_string()),
        Some(hora.to_string()),
        field(form, "codserie").map(str::to_string),
        idestado,
    ) {
        Ok(nid) => {
            if let Some(o) = field(form, "observaciones") {
                db.t("facturaclientes")
                    .set(&Pk::Int(nid), "observaciones", json!(crate::html(o)));
            }
            let codigo = db.t("facturaclientes").str(&Pk::Int(nid), "codigo");
            db.audit(
                "updated-model",
                "info",
                nid,
                &format!("Updated FacturaCliente ({nid}) {codigo}"),
            );
            let mut doc = invoice_doc(db, nid);
            // The submitted idestado is assigned as the raw form string (recorded: "idestado":"11").
            if let Some(e) = field(form, "idestado") {
                doc["doc"]["idestado"] = json!(e);
            }
            ok(doc)
        }
        Err(SimError::RefundOfRefund) => special(400, &SimError::RefundOfRefund.to_string()),
        Err(SimError::NotFound) => special(404, msg("record-not-found", es)),
        Err(e) => special(400, &e.to_string()),
    }
}

fn edit_endpoint(db: &mut Db, method: &Method, id: &str, form: &[(String, String)], es: bool) -> Response {
    if !matches!(*method, Method::PUT | Method::PATCH) {
        return special(405, "method-not-allowed");
    }
    let Ok(id) = id.parse::<i64>() else {
        return special(404, msg("record-not-found", es));
    };
    if !db.invoice_exists(id) {
        return special(404, msg("record-not-found", es));
    }
    let pk = Pk::Int(id);
    let editable = db.t("facturaclientes").bool(&pk, "editable");
    if !editable {
        let locked = form
            .iter()
            .any(|(k, _)| k == "lineas" || !UNLOCKED.contains(&k.as_str()));
        if locked {
            return special(422, msg("non-editable-document", es));
        }
        for (k, v) in form {
            if k == "idestado" {
                let _ = db.set_status(id, v.parse().unwrap_or(STATUS_DRAFT));
            } else if k != "pagada" {
                let t = db.t("facturaclientes");
                let val = typed_value(t, k, v);
                t.set(&pk, k, val);
            }
        }
        return ok(invoice_doc(db, id));
    }
    let Some(lines) = field(form, "lineas").and_then(parse_lines) else {
        return special(400, "lineas field is required");
    };
    for (k, v) in form {
        if !["lineas", "pagada", "idfactura", "editable"].contains(&k.as_str()) {
            let t = db.t("facturaclientes");
            if t.has_column(k) {
                let val = typed_value(t, k, v);
                t.set(&pk, k, val);
            }
        }
    }
    if let Err(e) = db.sync_lines(id, &lines) {
        return special(422, &e.to_string());
    }
    if field(form, "pagada").is_some_and(|p| as_bool(&json!(p)) || p == "1") {
        let _ = db.pay(id, true, None, None);
    }
    ok(invoice_doc(db, id))
}
