//! A stateful FacturaScripts `api/3` simulator, as unkind as the real one (contract:
//! `shared/fixtures/facturascripts/CONTRACT.md`): the gate order, IP bans, `X-Auth-Token`
//! precedence, MariaDB's filter quirks, whole-valued floats as integers, receipts driving
//! `pagada`, credit notes whose `pagada` reads false at first, gap-filling numbers.
//!
//! Use it in tests through [`FsSim`] (a Rust API for scripted changes plus [`FsSim::router`]/
//! [`FsSim::spawn`]), or standalone through [`run_standalone`].

pub mod auth;
pub mod filters;
pub mod generate;
pub mod routes;
pub mod state;
pub mod table;
pub mod templates;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use mm_sim_fault::Faults;
use rand::Rng;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use state::{ApiKey, Db, LineSpec};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use table::Pk;

pub use generate::generate;
pub use state::SimError;

/// `Tools::noHtml`: how FacturaScripts stores text.
pub fn html(s: &str) -> String {
    s.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn unhtml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[derive(Clone, Default)]
pub struct FsSimOptions {
    /// The full-access API key; `None` = a random 20-character key.
    pub token: Option<String>,
    /// Seed for generated data (and the random key).
    pub seed: u64,
    /// Fault injection (latency, 5xx, resets); `None` = none.
    pub faults: Option<Faults>,
    /// Mount `/__admin/...` (scripted changes, faults).
    pub admin: bool,
    /// A JSON file holding an array of [`AdminOp`]s applied at start (`--seed FILE`), e.g.
    /// `[{"op":"generate","invoices":1000,"seed":1},{"op":"add_customer","name":"Ann","email":"ann@example.com"}]`.
    pub script: Option<std::path::PathBuf>,
}

#[derive(Clone)]
pub struct FsSim {
    pub(crate) db: Arc<Mutex<Db>>,
    token: String,
    opts: FsSimOptions,
}

impl FsSim {
    pub fn new(opts: FsSimOptions) -> FsSim {
        let token = opts.token.clone().unwrap_or_else(|| {
            let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(opts.seed ^ 0x5eed);
            (0..20)
                .map(|_| rng.sample(rand::distributions::Alphanumeric) as char)
                .collect()
        });
        let mut db = Db::new();
        db.keys.push(ApiKey {
            id: 1,
            key: token.clone(),
            enabled: true,
            fullaccess: true,
            access: HashMap::new(),
            description: "Full access".into(),
        });
        let mut m = Map::new();
        m.insert("id".into(), json!(1));
        m.insert("description".into(), json!("Full access"));
        m.insert("fullaccess".into(), json!(true));
        m.insert("creationdate".into(), json!(db.today()));
        db.t("apikeyes").insert(m);
        FsSim {
            db: Arc::new(Mutex::new(db)),
            token,
            opts,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Db> {
        match self.db.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// The full-access key.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The axum router (API, plus `/__admin` when `admin`, wrapped with faults when given).
    pub fn router(&self) -> Router {
        let mut r: Router = Router::new().fallback(routes::handle).with_state(self.clone());
        if let Some(f) = &self.opts.faults {
            r = mm_sim_fault::wrap(r, f.clone());
        }
        if self.opts.admin {
            r = r.merge(admin_router(self.clone()));
            if let Some(f) = &self.opts.faults {
                r = r.merge(mm_sim_fault::faults_admin_router(f.clone()));
            }
        }
        r
    }

    /// Serve on an already bound listener (peer addresses are passed to the handler).
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(
            listener,
            self.router().into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    }

    /// Bind `127.0.0.1:0`, serve in the background, return the base URL (`http://127.0.0.1:port/`).
    pub async fn spawn(&self) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.serve(listener).await {
                tracing::error!(error = %e, "FacturaScripts simulator stopped");
            }
        });
        Ok(format!("http://{addr}/"))
    }

    // ------------------------------------------------------------ configuration

    pub fn set_api_enabled(&self, enabled: bool) {
        self.lock().api_enabled = enabled;
    }
    /// Make every list answer `200 []` with `X-Total-Count: 0` (a swallowed SQL error).
    pub fn set_swallowed_sql_error(&self, on: bool) {
        self.lock().swallow_sql_errors = on;
    }
    /// Pin "today" (`dd-mm-YYYY`).
    pub fn set_today(&self, date: &str) {
        self.lock().today = Some(date.to_string());
    }
    /// Add a limited key: `access` = (resource, get, post, put, delete).
    pub fn add_api_key(&self, key: &str, fullaccess: bool, access: &[(&str, bool, bool, bool, bool)]) {
        let mut db = self.lock();
        let id = db.keys.len() as i64 + 1;
        let access = access
            .iter()
            .map(|(r, g, p, u, d)| (r.to_string(), (*g, *p, *u, *d)))
            .collect();
        db.keys.push(ApiKey {
            id,
            key: key.into(),
            enabled: true,
            fullaccess,
            access,
            description: String::new(),
        });
    }
    pub fn set_key_enabled(&self, key: &str, enabled: bool) {
        for k in self.lock().keys.iter_mut().filter(|k| k.key == key) {
            k.enabled = enabled;
        }
    }
    /// Record `n` auth incidents for an IP now (5 = banned).
    pub fn add_incidents(&self, ip: &str, n: usize) {
        let mut db = self.lock();
        for _ in 0..n {
            db.incidents.push((ip.to_string(), std::time::Instant::now()));
        }
    }
    pub fn clear_incidents(&self) {
        self.lock().incidents.clear();
    }

    // ------------------------------------------------------------ data

    /// A customer (with its auto-created billing contact, as `Cliente::saveInsert` does).
    pub fn add_customer(&self, name: &str, email: &str) -> String {
        self.lock().add_customer(None, name, None, email)
    }
    /// A customer with an explicit code and legal name.
    pub fn add_customer_with(&self, codcliente: &str, name: &str, razonsocial: &str, email: &str) -> String {
        self.lock()
            .add_customer(Some(codcliente), name, Some(razonsocial), email)
    }
    /// An extra contact of a customer.
    pub fn add_contact(&self, codcliente: &str, nombre: &str, apellidos: &str, email: &str) -> i64 {
        self.lock().add_contact(Some(codcliente), nombre, apellidos, email)
    }
    /// Make a contact the customer's (and its future invoices') billing contact.
    pub fn set_billing_contact(&self, codcliente: &str, idcontacto: i64) {
        self.lock()
            .t("clientes")
            .set(&Pk::Str(codcliente.into()), "idcontactofact", json!(idcontacto));
    }
    /// The customer's billing contact (`idcontactofact`), if it has one.
    pub fn billing_contact_of(&self, codcliente: &str) -> Option<i64> {
        self.lock()
            .t("clientes")
            .get(&Pk::Str(codcliente.into()), "idcontactofact")
            .as_i64()
    }
    pub fn add_product(&self, referencia: &str, price: f64) -> i64 {
        self.lock().add_product(referencia, referencia, price)
    }
    /// An issued (status 11), unpaid invoice. Products are created on the fly if unknown.
    pub fn create_invoice(&self, codcliente: &str, lines: &[(&str, f64, f64)]) -> Result<i64, SimError> {
        let mut db = self.lock();
        let specs: Vec<LineSpec> = lines
            .iter()
            .map(|(r, q, p)| LineSpec {
                referencia: Some(r.to_string()),
                cantidad: *q,
                pvpunitario: Some(*p),
                ..Default::default()
            })
            .collect();
        let id = db.create_invoice(codcliente, &specs, None, None, None)?;
        db.set_status(id, state::STATUS_ISSUED)?;
        Ok(id)
    }
    /// A draft (status 10, editable) invoice.
    pub fn create_draft(&self, codcliente: &str, lines: &[(&str, f64, f64)]) -> Result<i64, SimError> {
        let mut db = self.lock();
        let specs: Vec<LineSpec> = lines
            .iter()
            .map(|(r, q, p)| LineSpec {
                referencia: Some(r.to_string()),
                cantidad: *q,
                pvpunitario: Some(*p),
                ..Default::default()
            })
            .collect();
        db.create_invoice(codcliente, &specs, None, None, None)
    }
    /// `pagarFacturaCliente` with `pagada=1|0`.
    pub fn pay(&self, id: i64, paid: bool) -> Result<bool, SimError> {
        self.lock().pay(id, paid, None, None)
    }
    /// `pagarFacturaCliente` with `pagada=1` and `fechapago` (`dd-mm-YYYY`): every receipt
    /// paid on that day (the payment rows are dated with it too).
    pub fn pay_on(&self, id: i64, fechapago: &str) -> Result<bool, SimError> {
        self.lock().pay(id, true, Some(fechapago.to_string()), None)
    }
    /// The receipts (`reciboclientes` ids) of an invoice, in creation order.
    pub fn receipts_of(&self, id: i64) -> Vec<i64> {
        self.lock().receipts_of(id)
    }
    /// `PUT /api/3/reciboclientes/{idrecibo}` with `pagado=1&fechapago=dd-mm-YYYY`: one
    /// receipt paid on that day; its invoice's `pagada` is recomputed (§3.7).
    pub fn pay_receipt(&self, idrecibo: i64, fechapago: &str) -> Result<(), SimError> {
        let mut db = self.lock();
        let k = Pk::Int(idrecibo);
        let id = db
            .tr("reciboclientes")
            .and_then(|t| t.opt_i64(&k, "idfactura"))
            .ok_or(SimError::NotFound)?;
        let t = db.t("reciboclientes");
        t.set(&k, "pagado", json!(true));
        t.set(&k, "fechapago", json!(fechapago));
        db.recompute_paid(id);
        Ok(())
    }
    /// A credit note (full, or partial with `(idlinea, qty)`), series R, issued. Its `pagada`
    /// reads false until [`FsSim::recompute`] (as on the real system).
    pub fn credit(&self, id: i64, lines: Option<Vec<(i64, f64)>>) -> Result<i64, SimError> {
        let mut db = self.lock();
        let today = db.today();
        let now = db.now_time();
        db.credit(
            id,
            lines,
            Some(today),
            Some(now),
            Some("R".into()),
            Some(state::STATUS_ISSUED),
        )
    }
    /// `ReceiptGenerator::update` for one invoice (what a receipt touch or cron does).
    pub fn recompute(&self, id: i64) {
        self.lock().recompute_paid(id);
    }
    /// Cron: recompute every invoice.
    pub fn run_cron(&self) {
        let mut db = self.lock();
        let ids: Vec<i64> = db
            .tr("facturaclientes")
            .map(|t| {
                t.rows
                    .keys()
                    .filter_map(|k| if let Pk::Int(i) = k { Some(*i) } else { None })
                    .collect()
            })
            .unwrap_or_default();
        for i in ids {
            db.recompute_paid(i);
        }
    }
    /// `PUT idestado=...`.
    pub fn set_status(&self, id: i64, idestado: i64) -> Result<(), SimError> {
        self.lock().set_status(id, idestado)
    }
    /// Reopen (`idestado=10`) then delete, as an admin would.
    pub fn delete(&self, id: i64) -> Result<(), SimError> {
        let mut db = self.lock();
        db.set_status(id, state::STATUS_DRAFT)?;
        db.delete_invoice(id).map(|_| ())
    }
    /// Change a line's quantity (and reference) through `editarFacturaCliente`'s rules: the
    /// invoice must be editable; totals and receipts are recalculated.
    pub fn edit_line(&self, idlinea: i64, cantidad: f64, referencia: Option<&str>) -> Result<(), SimError> {
        let mut db = self.lock();
        let lk = Pk::Int(idlinea);
        let id = db
            .tr("lineafacturaclientes")
            .and_then(|t| t.opt_i64(&lk, "idfactura"))
            .ok_or(SimError::NotFound)?;
        let mut specs = Vec::new();
        for l in db.lines_of(id) {
            let t = db.t("lineafacturaclientes");
            let k = Pk::Int(l);
            let r = match t.get(&k, "referencia") {
                Value::String(s) => Some(s),
                _ => None,
            };
            let (q, r) = if l == idlinea {
                (cantidad, referencia.map(str::to_string).or(r))
            } else {
                (t.f64(&k, "cantidad"), r)
            };
            specs.push(LineSpec {
                referencia: r,
                descripcion: None,
                cantidad: q,
                pvpunitario: Some(t.f64(&k, "pvpunitario")),
                idlinea: Some(l),
                dtopor: t.f64(&k, "dtopor"),
            });
        }
        db.sync_lines(id, &specs)
    }
    pub fn set_customer_email(&self, codcliente: &str, email: &str) {
        self.lock()
            .t("clientes")
            .set(&Pk::Str(codcliente.into()), "email", json!(email));
    }
    pub fn set_contact_email(&self, idcontacto: i64, email: &str) {
        self.lock()
            .t("contactos")
            .set(&Pk::Int(idcontacto), "email", json!(email));
    }
    /// Line ids of an invoice.
    pub fn lines_of(&self, id: i64) -> Vec<i64> {
        self.lock().lines_of(id)
    }
    /// Insert a raw record (for replaying recorded examples); returns its key.
    pub fn insert_raw(&self, resource: &str, record: Value) -> Option<String> {
        let mut db = self.lock();
        let res: &'static str = state::RESOURCES.iter().copied().find(|r| *r == resource)?;
        let Value::Object(m) = record else { return None };
        let pk = db.t(res).insert(m);
        if let Pk::Int(i) = pk {
            let f = db.tr(res).and_then(|t| t.opt_i64(&pk, "idfactura"));
            if let Some(f) = f {
                if res == "lineafacturaclientes" {
                    db.lines_by_invoice.entry(f).or_default().insert(i);
                } else if res == "reciboclientes" {
                    db.receipts_by_invoice.entry(f).or_default().insert(i);
                }
            }
            if res == "facturaclientes" {
                let serie = db.t(res).str(&pk, "codserie");
                let n: i64 = db.t(res).str(&pk, "numero").parse().unwrap_or(0);
                if n > 0 {
                    db.use_number(&serie, n);
                }
            }
        }
        Some(table::as_str(&pk.to_value()))
    }
    /// The next id a table assigns (ids are not gapless on the real system either).
    pub fn set_next_id(&self, resource: &str, next: i64) {
        let mut db = self.lock();
        if let Some(res) = state::RESOURCES.iter().copied().find(|r| *r == resource) {
            db.t(res).next_id = next;
        }
    }
    /// Set a raw field of a record.
    pub fn set_raw(&self, resource: &str, id: &str, field: &str, value: Value) {
        let mut db = self.lock();
        if let Some(res) = state::RESOURCES.iter().copied().find(|r| *r == resource) {
            let t = db.t(res);
            if let Some(pk) = t.pk_of(id) {
                t.set(&pk, field, value);
            }
        }
    }
    /// One record as the API shows it.
    pub fn record(&self, resource: &str, id: &str) -> Option<Value> {
        let db = self.lock();
        let t = db.tr(resource)?;
        t.record(&t.pk_of(id)?).map(Value::Object)
    }

    // ------------------------------------------------------------ inspection

    pub fn request_count(&self) -> u64 {
        self.lock().request_counts.values().sum()
    }
    /// Requests per resource segment (`""` = root).
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.lock().request_counts.clone()
    }
    pub fn reset_request_counts(&self) {
        self.lock().request_counts.clear();
    }
    pub fn invoice_count(&self) -> usize {
        self.lock().tr("facturaclientes").map_or(0, |t| t.rows.len())
    }
    /// Every table, as JSON (small datasets only).
    pub fn dump(&self) -> Value {
        let db = self.lock();
        let mut out = Map::new();
        for (name, t) in &db.tables {
            out.insert(
                name.to_string(),
                Value::Array(t.rows.values().map(|r| Value::Object(t.to_json(r))).collect()),
            );
        }
        Value::Object(out)
    }
}

// ---------------------------------------------------------------- admin

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AdminOp {
    AddCustomer {
        name: String,
        email: String,
    },
    AddProduct {
        referencia: String,
        price: f64,
    },
    CreateInvoice {
        codcliente: String,
        lines: Vec<(String, f64, f64)>,
    },
    Pay {
        id: i64,
        paid: bool,
    },
    Credit {
        id: i64,
        lines: Option<Vec<(i64, f64)>>,
    },
    Delete {
        id: i64,
    },
    EditLine {
        idlinea: i64,
        cantidad: f64,
        referencia: Option<String>,
    },
    SetCustomerEmail {
        codcliente: String,
        email: String,
    },
    SetContactEmail {
        idcontacto: i64,
        email: String,
    },
    Recompute {
        id: i64,
    },
    Generate {
        invoices: usize,
        seed: u64,
    },
    SetApiEnabled {
        enabled: bool,
    },
    ClearIncidents,
}

impl FsSim {
    /// Apply one scripted change (the JSON admin endpoint uses this).
    pub fn apply(&self, op: AdminOp) -> Result<Value, SimError> {
        Ok(match op {
            AdminOp::AddCustomer { name, email } => json!({"codcliente": self.add_customer(&name, &email)}),
            AdminOp::AddProduct { referencia, price } => json!({"idproducto": self.add_product(&referencia, price)}),
            AdminOp::CreateInvoice { codcliente, lines } => {
                let l: Vec<(&str, f64, f64)> = lines.iter().map(|(r, q, p)| (r.as_str(), *q, *p)).collect();
                json!({"idfactura": self.create_invoice(&codcliente, &l)?})
            }
            AdminOp::Pay { id, paid } => json!({"changed": self.pay(id, paid)?}),
            AdminOp::Credit { id, lines } => json!({"idfactura": self.credit(id, lines)?}),
            AdminOp::Delete { id } => {
                self.delete(id)?;
                json!({"deleted": id})
            }
            AdminOp::EditLine {
                idlinea,
                cantidad,
                referencia,
            } => {
                self.edit_line(idlinea, cantidad, referencia.as_deref())?;
                json!({"ok": true})
            }
            AdminOp::SetCustomerEmail { codcliente, email } => {
                self.set_customer_email(&codcliente, &email);
                json!({"ok": true})
            }
            AdminOp::SetContactEmail { idcontacto, email } => {
                self.set_contact_email(idcontacto, &email);
                json!({"ok": true})
            }
            AdminOp::Recompute { id } => {
                self.recompute(id);
                json!({"ok": true})
            }
            AdminOp::Generate { invoices, seed } => json!(generate(self, invoices, seed)),
            AdminOp::SetApiEnabled { enabled } => {
                self.set_api_enabled(enabled);
                json!({"ok": true})
            }
            AdminOp::ClearIncidents => {
                self.clear_incidents();
                json!({"ok": true})
            }
        })
    }
}

async fn admin_op(State(sim): State<FsSim>, body: axum::body::Bytes) -> axum::response::Response {
    let op: AdminOp = match serde_json::from_slice(&body) {
        Ok(o) => o,
        Err(e) => return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": e.to_string()}))).into_response(),
    };
    match sim.apply(op) {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

async fn admin_dump(State(sim): State<FsSim>) -> axum::Json<Value> {
    axum::Json(json!({"request_counts": sim.request_counts(), "invoices": sim.invoice_count()}))
}

fn admin_router(sim: FsSim) -> Router {
    Router::new()
        .route("/__admin/op", post(admin_op))
        .route("/__admin/state", get(admin_dump))
        .with_state(sim)
}

/// Run the simulator until the process ends, printing its URL and API key first.
pub async fn run_standalone(listen: SocketAddr, opts: FsSimOptions) -> std::io::Result<()> {
    let admin = opts.admin;
    let script = opts.script.clone();
    let sim = FsSim::new(opts);
    if let Some(path) = script {
        let text = std::fs::read_to_string(&path)?;
        let ops: Vec<AdminOp> = serde_json::from_str(&text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))?;
        let n = ops.len();
        for op in ops {
            sim.apply(op)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        }
        println!("applied {n} seed operations from {}", path.display());
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    println!("FacturaScripts simulator listening on http://{addr}/ (API under /api/3)");
    println!("API key (full access): {}", sim.token());
    if admin {
        println!("admin: POST http://{addr}/__admin/op, GET /__admin/state, /__admin/faults");
    }
    sim.serve(listener).await
}
