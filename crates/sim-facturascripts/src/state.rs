//! The simulated installation: tables plus the business rules a client can observe
//! (totals, receipts and the `pagada` recomputation of §3.7, credit notes, deletion refusals,
//! gap-filling numbers).

use crate::table::{Pk, Table, as_f64, as_str, num};
use crate::templates;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

pub const STATUS_DRAFT: i64 = 10;
pub const STATUS_ISSUED: i64 = 11;

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: i64,
    pub key: String,
    pub enabled: bool,
    pub fullaccess: bool,
    /// resource → (get, post, put, delete)
    pub access: HashMap<String, (bool, bool, bool, bool)>,
    pub description: String,
}

/// A line to put on a new invoice.
#[derive(Debug, Clone, Default)]
pub struct LineSpec {
    pub referencia: Option<String>,
    pub descripcion: Option<String>,
    pub cantidad: f64,
    pub pvpunitario: Option<f64>,
    pub idlinea: Option<i64>,
    /// Line discount %.
    pub dtopor: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("Record not found")]
    NotFound,
    #[error("Non editable document")]
    NonEditable,
    #[error("cant-remove-invoice-refund")]
    HasCreditNotes,
    #[error("A corrective invoice cannot be created from an invoice that is already corrective")]
    RefundOfRefund,
    #[error("{0}")]
    Invalid(String),
}

pub struct Db {
    pub tables: BTreeMap<&'static str, Table>,
    pub keys: Vec<ApiKey>,
    pub api_enabled: bool,
    /// (client ip, when) of 401/403 answers.
    pub incidents: Vec<(String, Instant)>,
    pub request_counts: BTreeMap<String, u64>,
    pub lines_by_invoice: HashMap<i64, BTreeSet<i64>>,
    pub receipts_by_invoice: HashMap<i64, BTreeSet<i64>>,
    /// Numbers freed by deletes, per series (gap filling).
    /// Numbers in use per series, and the smallest free one (gap filling:
    /// `BusinessDocumentCode::getSequence` with `usarhuecos`).
    pub used_numbers: HashMap<String, (BTreeSet<i64>, i64)>,
    /// Fixed "today" (dd-mm-YYYY) or the real date.
    pub today: Option<String>,
    /// Every list answers `200 []` with `X-Total-Count: 0`, as a swallowed SQL error does.
    pub swallow_sql_errors: bool,
}

pub const RESOURCES: &[&str] = &[
    "apikeyes",
    "clientes",
    "contactos",
    "estadodocumentos",
    "facturaclientes",
    "lineafacturaclientes",
    "logmessages",
    "pagoclientes",
    "pais",
    "productos",
    "reciboclientes",
    "variantes",
];

/// The rest of a core installation's resources (root listing of 2026.65), served empty.
pub const OTHER_RESOURCES: &[&str] = &[
    "agenciatransportes",
    "agentes",
    "albaranclientes",
    "albaranproveedores",
    "almacenes",
    "apiaccess",
    "asientos",
    "atributos",
    "atributovalores",
    "attachedfilerelations",
    "attachedfiles",
    "ciudades",
    "codigopostales",
    "conceptopartidas",
    "crearAlbaranCliente",
    "crearAlbaranProveedor",
    "crearFacturaProveedor",
    "crearPedidoCliente",
    "crearPedidoProveedor",
    "crearPresupuestoCliente",
    "crearPresupuestoProveedor",
    "cronjobes",
    "cuentabancoclientes",
    "cuentabancoproveedores",
    "cuentabancos",
    "cuentaespeciales",
    "cuentas",
    "diarios",
    "divisas",
    "doctransformations",
    "editarAlbaranCliente",
    "editarAlbaranProveedor",
    "editarFacturaProveedor",
    "editarPedidoCliente",
    "editarPedidoProveedor",
    "editarPresupuestoCliente",
    "editarPresupuestoProveedor",
    "ejercicios",
    "emailnotifications",
    "emailsentes",
    "empresas",
    "exportarAlbaranCliente",
    "exportarAlbaranProveedor",
    "exportarFacturaProveedor",
    "exportarPedidoCliente",
    "exportarPedidoProveedor",
    "exportarPresupuestoCliente",
    "exportarPresupuestoProveedor",
    "fabricantes",
    "facturaproveedores",
    "familias",
    "formapagos",
    "formatodocumentos",
    "grupoclientes",
    "identificadorfiscales",
    "impuestos",
    "impuestozonas",
    "lineaalbaranclientes",
    "lineaalbaranproveedores",
    "lineafacturaproveedores",
    "lineapedidoclientes",
    "lineapedidoproveedores",
    "lineapresupuestoclientes",
    "lineapresupuestoproveedores",
    "pagarFacturaProveedor",
    "pagefilteres",
    "pageoptions",
    "pages",
    "pagoproveedores",
    "partidas",
    "pedidoclientes",
    "pedidoproveedores",
    "plugins",
    "presupuestoclientes",
    "presupuestoproveedores",
    "productoimagenes",
    "productoproveedores",
    "proveedores",
    "provincias",
    "puntointeresciudades",
    "reciboproveedores",
    "regularizacionimpuestos",
    "retenciones",
    "roleaccess",
    "roles",
    "roleusers",
    "secuenciadocumentos",
    "series",
    "settings",
    "stocks",
    "subcuentas",
    "tarifas",
    "uploadFiles",
    "users",
    "workeventes",
];

pub const CUSTOM_RESOURCES: &[&str] = &[
    "crearFacturaCliente",
    "crearFacturaRectificativaCliente",
    "editarFacturaCliente",
    "exportarFacturaCliente",
    "pagarFacturaCliente",
];

fn inv(id: i64) -> Pk {
    Pk::Int(id)
}

impl Db {
    pub fn new() -> Db {
        let mut tables = BTreeMap::new();
        for (res, pk, int_pk, t) in [
            ("facturaclientes", "idfactura", true, templates::FACTURAS),
            ("lineafacturaclientes", "idlinea", true, templates::LINEAS),
            ("clientes", "codcliente", false, templates::CLIENTES),
            ("contactos", "idcontacto", true, templates::CONTACTOS),
            ("reciboclientes", "idrecibo", true, templates::RECIBOS),
            ("productos", "idproducto", true, templates::PRODUCTOS),
            ("variantes", "idvariante", true, templates::VARIANTES),
            ("estadodocumentos", "idestado", true, templates::ESTADOS),
            ("pagoclientes", "idpago", true, templates::PAGOS),
            ("logmessages", "id", true, templates::LOGS),
            ("apikeyes", "id", true, templates::APIKEYS),
            ("pais", "codpais", false, templates::PAIS),
        ] {
            tables.insert(res, Table::new(res, pk, int_pk, templates::parse(t)));
        }
        let mut db = Db {
            tables,
            keys: Vec::new(),
            api_enabled: true,
            incidents: Vec::new(),
            request_counts: BTreeMap::new(),
            lines_by_invoice: HashMap::new(),
            receipts_by_invoice: HashMap::new(),
            used_numbers: HashMap::new(),
            today: None,
            swallow_sql_errors: false,
        };
        let est = db.t("estadodocumentos");
        let mut m = Map::new();
        m.insert("idestado".into(), json!(STATUS_DRAFT));
        m.insert("nombre".into(), json!("Boceto"));
        m.insert("editable".into(), json!(true));
        m.insert("predeterminado".into(), json!(true));
        est.insert(m);
        let mut m = Map::new();
        m.insert("idestado".into(), json!(STATUS_ISSUED));
        m.insert("nombre".into(), json!("Emitida"));
        m.insert("editable".into(), json!(false));
        est.insert(m);
        db
    }

    /// A table by resource name. Every name in [`RESOURCES`] exists.
    pub fn t(&mut self, res: &'static str) -> &mut Table {
        self.tables
            .entry(res)
            .or_insert_with(|| Table::new(res, "id", true, Map::new()))
    }

    pub fn tr(&self, res: &str) -> Option<&Table> {
        self.tables.get(res)
    }

    pub fn today(&self) -> String {
        self.today
            .clone()
            .unwrap_or_else(|| chrono::Local::now().format("%d-%m-%Y").to_string())
    }
    pub fn now_time(&self) -> String {
        chrono::Local::now().format("%H:%M:%S").to_string()
    }

    fn status_editable(&self, idestado: Option<i64>) -> bool {
        let Some(id) = idestado else { return true };
        self.tr("estadodocumentos")
            .map(|t| t.bool(&Pk::Int(id), "editable"))
            .unwrap_or(true)
    }

    // ---------------------------------------------------------------- customers, products

    pub fn add_customer(
        &mut self,
        codcliente: Option<&str>,
        nombre: &str,
        razonsocial: Option<&str>,
        email: &str,
    ) -> String {
        let today = self.today();
        let nombre_s = crate::html(nombre);
        let razon = crate::html(razonsocial.unwrap_or(nombre));
        let mut m = Map::new();
        if let Some(c) = codcliente {
            m.insert("codcliente".into(), json!(c));
        }
        m.insert("nombre".into(), json!(nombre_s));
        m.insert("razonsocial".into(), json!(razon));
        m.insert("email".into(), json!(email));
        m.insert("fechaalta".into(), json!(today));
        let pk = self.t("clientes").insert(m);
        let code = as_str(&pk.to_value());
        let (first, rest) = match nombre.split_once(' ') {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (nombre.to_string(), String::new()),
        };
        let contact = self.add_contact(Some(&code), &first, &rest, email);
        let cpk = Pk::Str(code.clone());
        self.t("clientes").set(&cpk, "idcontactofact", json!(contact));
        let t = self.t("contactos");
        let k = Pk::Int(contact);
        t.set(&k, "empresa", json!(razon));
        t.set(&k, "descripcion", json!(nombre_s));
        code
    }

    pub fn add_contact(&mut self, codcliente: Option<&str>, nombre: &str, apellidos: &str, email: &str) -> i64 {
        let today = self.today();
        let mut m = Map::new();
        m.insert("codcliente".into(), codcliente.map_or(Value::Null, |c| json!(c)));
        m.insert("nombre".into(), json!(crate::html(nombre)));
        m.insert("apellidos".into(), json!(crate::html(apellidos)));
        m.insert("email".into(), json!(email));
        m.insert("fechaalta".into(), json!(today));
        match self.t("contactos").insert(m) {
            Pk::Int(i) => i,
            Pk::Str(_) => 0,
        }
    }

    pub fn add_product(&mut self, referencia: &str, descripcion: &str, precio: f64) -> i64 {
        let today = self.today();
        let now = format!("{} {}", today, self.now_time());
        let mut m = Map::new();
        m.insert("referencia".into(), json!(referencia));
        m.insert("descripcion".into(), json!(crate::html(descripcion)));
        m.insert("precio".into(), num(precio));
        m.insert("fechaalta".into(), json!(today));
        m.insert("actualizado".into(), json!(now));
        let Pk::Int(id) = self.t("productos").insert(m) else {
            return 0;
        };
        let mut v = Map::new();
        v.insert("idvariante".into(), json!(id));
        v.insert("idproducto".into(), json!(id));
        v.insert("referencia".into(), json!(referencia));
        v.insert("precio".into(), num(precio));
        self.t("variantes").insert(v);
        id
    }

    fn product_by_ref(&self, referencia: &str) -> Option<(i64, String, f64)> {
        let vt = self.tr("variantes")?;
        let col = vt.col("referencia")?;
        let (_, row) = vt
            .rows
            .iter()
            .find(|(_, r)| as_str(vt.value_at(r, col)) == referencia)?;
        let idp = vt.value_at(row, vt.col("idproducto")?).as_i64()?;
        let precio = as_f64(vt.value_at(row, vt.col("precio")?));
        let desc = self
            .tr("productos")
            .map(|p| p.str(&Pk::Int(idp), "descripcion"))
            .unwrap_or_default();
        Some((idp, desc, precio))
    }

    // ---------------------------------------------------------------- invoices

    /// The smallest number not in use in the series (gaps left by deletes are filled first).
    fn take_number(&mut self, serie: &str) -> i64 {
        let (used, min_free) = self
            .used_numbers
            .entry(serie.to_string())
            .or_insert_with(|| (BTreeSet::new(), 1));
        let n = *min_free;
        used.insert(n);
        while used.contains(min_free) {
            *min_free += 1;
        }
        n
    }

    /// Record a number as used (raw inserts).
    pub fn use_number(&mut self, serie: &str, n: i64) {
        let (used, min_free) = self
            .used_numbers
            .entry(serie.to_string())
            .or_insert_with(|| (BTreeSet::new(), 1));
        used.insert(n);
        while used.contains(min_free) {
            *min_free += 1;
        }
    }

    fn free_number(&mut self, serie: &str, n: i64) {
        if let Some((used, min_free)) = self.used_numbers.get_mut(serie) {
            used.remove(&n);
            *min_free = (*min_free).min(n);
        }
    }

    pub fn invoice_exists(&self, id: i64) -> bool {
        self.tr("facturaclientes")
            .is_some_and(|t| t.rows.contains_key(&inv(id)))
    }

    /// Create a draft (status 10) the way `crearFacturaCliente` does. Returns the id.
    pub fn create_invoice(
        &mut self,
        codcliente: &str,
        lines: &[LineSpec],
        fecha: Option<String>,
        hora: Option<String>,
        serie: Option<&str>,
    ) -> Result<i64, SimError> {
        let cpk = Pk::Str(codcliente.to_string());
        let ct = self.tr("clientes").ok_or(SimError::NotFound)?;
        if !ct.rows.contains_key(&cpk) {
            return Err(SimError::NotFound);
        }
        let razon = ct.str(&cpk, "razonsocial");
        let cif = ct.str(&cpk, "cifnif");
        let contact = ct.opt_i64(&cpk, "idcontactofact");
        let codpago = match ct.get(&cpk, "codpago") {
            Value::String(s) if !s.is_empty() => s,
            _ => "CONT".to_string(),
        };
        let fecha = fecha.unwrap_or_else(|| self.today());
        let hora = hora.unwrap_or_else(|| self.now_time());
        let serie = serie.unwrap_or("A").to_string();
        let numero = self.take_number(&serie);
        let year = fecha.get(6..10).unwrap_or("2026").to_string();
        let mut m = Map::new();
        m.insert("codcliente".into(), json!(codcliente));
        m.insert("nombrecliente".into(), json!(razon));
        m.insert("cifnif".into(), json!(cif));
        m.insert("idcontactofact".into(), contact.map_or(Value::Null, |c| json!(c)));
        m.insert("fecha".into(), json!(fecha));
        m.insert("hora".into(), json!(hora));
        m.insert("codserie".into(), json!(serie));
        m.insert("codejercicio".into(), json!(year));
        m.insert("numero".into(), json!(numero.to_string()));
        m.insert("codigo".into(), json!(format!("F{year}{serie}{numero}")));
        m.insert("idestado".into(), json!(STATUS_DRAFT));
        m.insert("editable".into(), json!(true));
        m.insert("codpago".into(), json!(codpago));
        let Pk::Int(id) = self.t("facturaclientes").insert(m) else {
            return Err(SimError::Invalid("pk".into()));
        };
        for l in lines {
            self.insert_line(id, l, None);
        }
        self.recalc(id);
        Ok(id)
    }

    fn insert_line(&mut self, idfactura: i64, l: &LineSpec, idlinearect: Option<i64>) -> i64 {
        let (idp, desc, price) = match l.referencia.as_deref().and_then(|r| self.product_by_ref(r)) {
            Some((a, b, c)) => (Some(a), b, c),
            None => (None, String::new(), 0.0),
        };
        let pvp = l.pvpunitario.unwrap_or(price);
        let mut m = Map::new();
        if let Some(i) = l.idlinea {
            m.insert("idlinea".into(), json!(i));
        }
        m.insert("idfactura".into(), json!(idfactura));
        m.insert(
            "referencia".into(),
            l.referencia.clone().map_or(Value::Null, Value::from),
        );
        m.insert("idproducto".into(), idp.map_or(Value::Null, |i| json!(i)));
        m.insert(
            "descripcion".into(),
            json!(l.descripcion.clone().map(|d| crate::html(&d)).unwrap_or(desc)),
        );
        m.insert("cantidad".into(), num(l.cantidad));
        m.insert("pvpunitario".into(), num(pvp));
        m.insert("pvpsindto".into(), num(l.cantidad * pvp));
        m.insert("dtopor".into(), num(l.dtopor));
        m.insert("pvptotal".into(), num(l.cantidad * pvp * (100.0 - l.dtopor) / 100.0));
        m.insert("idlinearect".into(), idlinearect.map_or(Value::Null, |i| json!(i)));
        let Pk::Int(idl) = self.t("lineafacturaclientes").insert(m) else {
            return 0;
        };
        self.lines_by_invoice.entry(idfactura).or_default().insert(idl);
        idl
    }

    pub fn lines_of(&self, id: i64) -> Vec<i64> {
        self.lines_by_invoice
            .get(&id)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
    pub fn receipts_of(&self, id: i64) -> Vec<i64> {
        self.receipts_by_invoice
            .get(&id)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
    pub fn credit_notes_of(&self, id: i64) -> Vec<i64> {
        let Some(t) = self.tr("facturaclientes") else {
            return vec![];
        };
        let Some(col) = t.col("idfacturarect") else {
            return vec![];
        };
        t.rows
            .iter()
            .filter(|(_, r)| t.value_at(r, col).as_i64() == Some(id))
            .filter_map(|(k, _)| match k {
                Pk::Int(i) => Some(*i),
                Pk::Str(_) => None,
            })
            .collect()
    }

    /// Recalculate totals from the lines, regenerate receipts, recompute `pagada`.
    pub fn recalc(&mut self, id: i64) {
        let lines = self.lines_of(id);
        let (mut neto, mut iva) = (0.0, 0.0);
        if let Some(lt) = self.tr("lineafacturaclientes") {
            for l in &lines {
                let k = Pk::Int(*l);
                let pt = lt.f64(&k, "pvptotal");
                neto += pt;
                iva += pt * lt.f64(&k, "iva") / 100.0;
            }
        }
        let total = ((neto + iva) * 100.0).round() / 100.0;
        let t = self.t("facturaclientes");
        let k = inv(id);
        for (c, v) in [
            ("neto", neto),
            ("netosindto", neto),
            ("totaliva", iva),
            ("total", total),
            ("totaleuros", total),
            ("totalbeneficio", neto),
        ] {
            t.set(&k, c, num(v));
        }
        self.regenerate_receipts(id);
        if self.receipts_of(id).is_empty() {
            // Recorded: a zero-total invoice reads pagada=false (no receipts) until something
            // recomputes it (e.g. a codpago change); then it becomes true.
            self.t("facturaclientes").set(&inv(id), "pagada", json!(false));
        } else {
            self.recompute_paid(id);
        }
    }

    /// Make the receipts add up to the total: a first receipt, or an unpaid one for the difference.
    fn regenerate_receipts(&mut self, id: i64) {
        let k = inv(id);
        let Some(ft) = self.tr("facturaclientes") else { return };
        let total = ft.f64(&k, "total");
        let codigo = ft.str(&k, "codigo");
        let cod = ft.str(&k, "codcliente");
        let fecha = ft.str(&k, "fecha");
        let codpago = ft.str(&k, "codpago");
        let rs = self.receipts_of(id);
        let sum: f64 = self
            .tr("reciboclientes")
            .map(|t| rs.iter().map(|r| t.f64(&Pk::Int(*r), "importe")).sum())
            .unwrap_or(0.0);
        let diff = ((total - sum) * 100.0).round() / 100.0;
        if diff.abs() < 0.005 || (rs.is_empty() && total == 0.0) {
            return;
        }
        let mut m = Map::new();
        m.insert("idfactura".into(), json!(id));
        m.insert("codigofactura".into(), json!(codigo));
        m.insert("codcliente".into(), json!(cod));
        m.insert("codpago".into(), json!(codpago));
        m.insert("fecha".into(), json!(fecha));
        m.insert("vencimiento".into(), json!(fecha));
        m.insert("importe".into(), num(diff));
        m.insert("numero".into(), json!(rs.len() + 1));
        if let Pk::Int(r) = self.t("reciboclientes").insert(m) {
            self.receipts_by_invoice.entry(id).or_default().insert(r);
        }
    }

    /// `ReceiptGenerator::update`: pagada/vencida from the receipts (direct SQL, no audit).
    pub fn recompute_paid(&mut self, id: i64) {
        let k = inv(id);
        let total = self.tr("facturaclientes").map(|t| t.f64(&k, "total")).unwrap_or(0.0);
        let today = chrono::NaiveDate::parse_from_str(&self.today(), "%d-%m-%Y").ok();
        let rs = self.receipts_of(id);
        let (mut paid_sum, mut vencida) = (0.0, false);
        let rt = self.t("reciboclientes");
        for r in rs {
            let rk = Pk::Int(r);
            if rt.bool(&rk, "pagado") {
                paid_sum += rt.f64(&rk, "importe");
                rt.set(&rk, "vencido", json!(false));
            } else {
                let due = chrono::NaiveDate::parse_from_str(&rt.str(&rk, "vencimiento"), "%d-%m-%Y").ok();
                let v = matches!((due, today), (Some(d), Some(t)) if d <= t);
                rt.set(&rk, "vencido", json!(v));
                vencida |= v;
            }
        }
        let pagada = (total - paid_sum).abs() < 0.005 || (total > 0.0 && total <= paid_sum + 0.005);
        let t = self.t("facturaclientes");
        t.set(&k, "pagada", json!(pagada));
        t.set(&k, "vencida", json!(vencida));
    }

    pub fn set_status(&mut self, id: i64, idestado: i64) -> Result<(), SimError> {
        if !self.invoice_exists(id) {
            return Err(SimError::NotFound);
        }
        let editable = self.status_editable(Some(idestado));
        let k = inv(id);
        let t = self.t("facturaclientes");
        let old = t.get(&k, "idestado");
        if old != json!(idestado) {
            t.set(&k, "idestado_ant", old);
        }
        t.set(&k, "idestado", json!(idestado));
        t.set(&k, "editable", json!(editable));
        Ok(())
    }

    /// `pagarFacturaCliente`: mark every receipt paid/unpaid. Returns false for "No changes".
    pub fn pay(
        &mut self,
        id: i64,
        paid: bool,
        fechapago: Option<String>,
        codpago: Option<String>,
    ) -> Result<bool, SimError> {
        if !self.invoice_exists(id) {
            return Err(SimError::NotFound);
        }
        let k = inv(id);
        if self.tr("facturaclientes").is_some_and(|t| t.bool(&k, "pagada") == paid) {
            return Ok(false);
        }
        if self.receipts_of(id).is_empty() {
            self.regenerate_receipts(id);
        }
        let today = self.today();
        let now = self.now_time();
        for r in self.receipts_of(id) {
            let rk = Pk::Int(r);
            let rt = self.t("reciboclientes");
            if rt.bool(&rk, "pagado") == paid {
                continue;
            }
            let importe = rt.f64(&rk, "importe");
            let fp = fechapago.clone().unwrap_or_else(|| today.clone());
            rt.set(&rk, "pagado", json!(paid));
            rt.set(&rk, "fechapago", if paid { json!(fp) } else { Value::Null });
            if let Some(c) = &codpago {
                rt.set(&rk, "codpago", json!(c));
            }
            let cp = rt.str(&rk, "codpago");
            let mut m = Map::new();
            m.insert("idrecibo".into(), json!(r));
            m.insert("importe".into(), num(if paid { importe } else { -importe }));
            m.insert("fecha".into(), json!(if paid { fp } else { today.clone() }));
            m.insert("hora".into(), json!(now));
            m.insert("codpago".into(), json!(cp));
            self.t("pagoclientes").insert(m);
        }
        self.recompute_paid(id);
        if !paid {
            // Recorded: right after an unpay the invoice reads vencida=false (the receipts'
            // overdue flags are refreshed after the invoice was recomputed).
            self.t("facturaclientes").set(&k, "vencida", json!(false));
        }
        Ok(true)
    }

    /// `crearFacturaRectificativaCliente`. `refunds`: (idlinea, positive qty); `None` = everything.
    #[allow(clippy::too_many_arguments)]
    pub fn credit(
        &mut self,
        id: i64,
        refunds: Option<Vec<(i64, f64)>>,
        fecha: Option<String>,
        hora: Option<String>,
        codserie: Option<String>,
        idestado: Option<i64>,
    ) -> Result<i64, SimError> {
        if !self.invoice_exists(id) {
            return Err(SimError::NotFound);
        }
        let k = inv(id);
        let ft = self.tr("facturaclientes").ok_or(SimError::NotFound)?;
        if ft.opt_i64(&k, "idfacturarect").is_some() {
            return Err(SimError::RefundOfRefund);
        }
        let orig_paid = ft.bool(&k, "pagada");
        let orig_codigo = ft.str(&k, "codigo");
        let cod = ft.str(&k, "codcliente");
        let serie = codserie.unwrap_or_else(|| ft.str(&k, "codserie"));
        // The credit note copies the original's customer snapshot (address, tax id, contacts, payment).
        const COPIED: &[&str] = &[
            "apartado",
            "cifnif",
            "ciudad",
            "codagente",
            "codalmacen",
            "coddivisa",
            "codpago",
            "codpais",
            "codpostal",
            "direccion",
            "idcontactoenv",
            "idcontactofact",
            "nombrecliente",
            "provincia",
            "tasaconv",
            "idempresa",
        ];
        let copied: Vec<(&str, Value)> = COPIED.iter().map(|c| (*c, ft.get(&k, c))).collect();
        if ft.bool(&k, "editable") {
            self.set_status(id, STATUS_ISSUED)?;
        }
        let orig_status = self.t("facturaclientes").get(&k, "idestado");
        let lt = self.tr("lineafacturaclientes").ok_or(SimError::NotFound)?;
        let mut specs = Vec::new();
        for l in self.lines_of(id) {
            let lk = Pk::Int(l);
            let qty = match &refunds {
                None => lt.f64(&lk, "cantidad"),
                Some(r) => match r.iter().find(|(i, _)| *i == l) {
                    Some((_, q)) => *q,
                    None => continue,
                },
            };
            let referencia = match lt.get(&lk, "referencia") {
                Value::String(s) => Some(s),
                _ => None,
            };
            specs.push((
                l,
                LineSpec {
                    referencia,
                    descripcion: Some(crate::unhtml(&lt.str(&lk, "descripcion"))),
                    cantidad: -qty,
                    pvpunitario: Some(lt.f64(&lk, "pvpunitario")),
                    idlinea: None,
                    dtopor: lt.f64(&lk, "dtopor"),
                },
            ));
        }
        let nid = self.create_invoice(&cod, &[], fecha, hora, Some(&serie))?;
        let nk = inv(nid);
        {
            let t = self.t("facturaclientes");
            t.set(&nk, "idfacturarect", json!(id));
            t.set(&nk, "codigorect", json!(orig_codigo));
            for (c, v) in copied {
                t.set(&nk, c, v);
            }
        }
        for (orig_line, s) in specs {
            let idp = self.t("lineafacturaclientes").get(&Pk::Int(orig_line), "idproducto");
            let nl = self.insert_line(nid, &s, Some(orig_line));
            // The credited line keeps the original's product, whatever the catalogue says now.
            self.t("lineafacturaclientes").set(&Pk::Int(nl), "idproducto", idp);
        }
        self.recalc(nid);
        match idestado {
            Some(e) => self.set_status(nid, e)?,
            None => {
                // Stored with no status: editable, and its lines move no stock.
                let t = self.t("facturaclientes");
                t.set(&nk, "idestado", Value::Null);
                t.set(&nk, "editable", json!(true));
                for l in self.lines_of(nid) {
                    self.t("lineafacturaclientes")
                        .set(&Pk::Int(l), "actualizastock", json!(0));
                }
            }
        }
        if orig_paid {
            for r in self.receipts_of(nid) {
                let rk = Pk::Int(r);
                let today = self.today();
                let rt = self.t("reciboclientes");
                rt.set(&rk, "pagado", json!(true));
                rt.set(&rk, "fechapago", json!(today));
                rt.set(&rk, "vencido", json!(false));
            }
        }
        // Recorded: the credit note's idestado_ant is the original's status.
        self.t("facturaclientes").set(&nk, "idestado_ant", orig_status);
        // The final save writes the stale in-memory value over the recomputed one (§3.1).
        self.t("facturaclientes").set(&nk, "pagada", json!(false));
        Ok(nid)
    }

    /// `DELETE /facturaclientes/{id}`.
    pub fn delete_invoice(&mut self, id: i64) -> Result<Map<String, Value>, SimError> {
        let k = inv(id);
        let ft = self.tr("facturaclientes").ok_or(SimError::NotFound)?;
        if !ft.rows.contains_key(&k) {
            return Err(SimError::NotFound);
        }
        if !ft.bool(&k, "editable") {
            return Err(SimError::NonEditable);
        }
        if !self.credit_notes_of(id).is_empty() {
            return Err(SimError::HasCreditNotes);
        }
        let serie = ft.str(&k, "codserie");
        let numero: i64 = ft.str(&k, "numero").parse().unwrap_or(0);
        for l in self.lines_by_invoice.remove(&id).unwrap_or_default() {
            self.t("lineafacturaclientes").remove(&Pk::Int(l));
        }
        for r in self.receipts_by_invoice.remove(&id).unwrap_or_default() {
            self.t("reciboclientes").remove(&Pk::Int(r));
        }
        if numero > 0 {
            self.free_number(&serie, numero);
        }
        let rec = self.t("facturaclientes").remove(&k).ok_or(SimError::NotFound)?;
        self.audit(
            "deleted-model",
            "warning",
            id,
            &format!("Deleted FacturaCliente ({id}) {}", as_str(&rec["codigo"])),
        );
        Ok(rec)
    }

    /// `editarFacturaCliente` on an editable invoice: full line sync by `idlinea`.
    pub fn sync_lines(&mut self, id: i64, lines: &[LineSpec]) -> Result<(), SimError> {
        let k = inv(id);
        if !self.tr("facturaclientes").is_some_and(|t| t.rows.contains_key(&k)) {
            return Err(SimError::NotFound);
        }
        if !self.tr("facturaclientes").is_some_and(|t| t.bool(&k, "editable")) {
            return Err(SimError::NonEditable);
        }
        let keep: BTreeSet<i64> = lines.iter().filter_map(|l| l.idlinea).collect();
        for l in self.lines_of(id) {
            if !keep.contains(&l) {
                self.t("lineafacturaclientes").remove(&Pk::Int(l));
                if let Some(s) = self.lines_by_invoice.get_mut(&id) {
                    s.remove(&l);
                }
            }
        }
        for l in lines {
            match l.idlinea.filter(|i| self.lines_of(id).contains(i)) {
                Some(idl) => {
                    let lk = Pk::Int(idl);
                    let lt = self.t("lineafacturaclientes");
                    if let Some(r) = &l.referencia {
                        lt.set(&lk, "referencia", json!(r));
                    }
                    let pvp = l.pvpunitario.unwrap_or_else(|| lt.f64(&lk, "pvpunitario"));
                    lt.set(&lk, "cantidad", num(l.cantidad));
                    lt.set(&lk, "pvpunitario", num(pvp));
                    lt.set(&lk, "pvpsindto", num(l.cantidad * pvp));
                    lt.set(&lk, "dtopor", num(l.dtopor));
                    lt.set(&lk, "pvptotal", num(l.cantidad * pvp * (100.0 - l.dtopor) / 100.0));
                }
                None => {
                    let mut s = l.clone();
                    s.idlinea = None;
                    self.insert_line(id, &s, None);
                }
            }
        }
        self.recalc(id);
        Ok(())
    }

    pub fn audit(&mut self, message_key: &str, level: &str, id: i64, message: &str) {
        let today = self.today();
        let now = self.now_time();
        let mut m = Map::new();
        m.insert("channel".into(), json!("audit"));
        m.insert("level".into(), json!(level));
        m.insert("message".into(), json!(message));
        m.insert("model".into(), json!("FacturaCliente"));
        m.insert("modelcode".into(), json!(id.to_string()));
        m.insert("time".into(), json!(format!("{today} {now}")));
        m.insert("context".into(), json!(message_key));
        self.t("logmessages").insert(m);
    }
}

impl Default for Db {
    fn default() -> Self {
        Db::new()
    }
}
