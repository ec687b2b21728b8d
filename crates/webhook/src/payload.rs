//! The invoice event payload (documented in `schema/invoice-event.schema.json`).
//!
//! ```json
//! {"type": "invoice.upserted",
//!  "timestamp": "2026-11-25T10:00:00Z",
//!  "data": {"id": "INV-1", "number": "2026-001", "paid": true, "currency": "EUR",
//!           "issued_at": "2026-11-25", "paid_at": "2026-11-25T09:58:00Z",
//!           "customer": {"id": "C1", "name": "Ada", "email": "ada@example.com"},
//!           "lines": [{"id": "1", "product": "PY-101", "quantity": 1, "amount": 100.0}],
//!           "credit_note_for": null}}
//! ```
//!
//! `invoice.deleted` and `invoice.hint` carry only `{"data": {"id": "…"}}`; a hint means
//! "poll this invoice now" (the FacturaScripts plugin sends those, the invoice is then read
//! through the API like any polled one).
//!
//! # Strictness, and why
//!
//! - The **envelope** (`type`, `timestamp`, `data`) is ours: unknown fields there are
//!   refused, and an unknown `type` is refused, so a sender on a newer payload version is
//!   told at once instead of being silently ignored.
//! - Objects the **billing system fills** (`data`, `customer`, lines) accept unknown fields:
//!   billing systems add fields, and refusing them would break enrolment on their upgrade.
//! - To still catch typos where they matter, every field whose silent absence would change
//!   a decision is **required, and nullable** where "none" is a legal value:
//!   `credit_note_for` (a misspelt one would turn a refund into a sale), `lines[].product`
//!   (a misspelt one would silently grant nothing) and `customer.email` (the learner).
//!   A typo then surfaces as "missing field".
//! - Dates are optional and may be `null`: `issued_at` (the invoice date) and `paid_at` (when
//!   it was paid: a date or an RFC 3339 date-time) date the access a mapping's `duration`
//!   counts (`starts_from`); without them it counts from when we first saw the invoice paid.
//! - Revenue fields (`currency`, `lines[].amount`) are optional and may be `null`; they feed
//!   the dashboard's revenue, never a decision. `amount` is the line's total before tax, after
//!   discounts, in major units: a JSON number (`100.5`) or a decimal string (`"100.50"`, exact,
//!   for senders that keep money out of floats), rounded half away from zero to cents;
//!   negative on a credit note's lines. `timestamp` is informational.
//! - `lines[].credits_line` is optional and only allowed on a credit note.
//! - Quantities keep their sign: credit-note lines are usually negative; the core credits
//!   by absolute value, so the sign is not enforced here.
//! - Ids are non-empty strings, never numbers: `"7"` and `7` must not become two invoices.
//!
//! Every problem found is reported with its JSON path (`data.lines[0].quantity: expected a
//! number`), all at once, so a sender's developer fixes a payload in one round trip.

use mm_core::{Amount, Customer, InvoiceKey, InvoiceLine, InvoiceSnapshot, Timestamp, currency_code};
use serde_json::{Map, Value};
use std::fmt;

pub const TYPE_UPSERTED: &str = "invoice.upserted";
pub const TYPE_DELETED: &str = "invoice.deleted";
pub const TYPE_HINT: &str = "invoice.hint";

/// What a verified delivery asks us to do. Events never act: each one only marks its
/// invoice as "look again" (DESIGN.md), so applying one twice is harmless.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The invoice as the sender sees it now (created, edited, paid, unpaid…).
    Upserted(Box<InvoiceSnapshot>),
    /// The sender deleted the invoice.
    Deleted { id: String },
    /// Something changed: read invoice `id` from the source's API now.
    Hint { id: String },
}

impl Event {
    /// The invoice this event is about, in the source's own ids.
    pub fn invoice_id(&self) -> &str {
        match self {
            Event::Upserted(s) => &s.key.id,
            Event::Deleted { id } | Event::Hint { id } => id,
        }
    }

    /// The event's `type` string, for logs and the audit trail.
    pub fn type_name(&self) -> &'static str {
        match self {
            Event::Upserted(_) => TYPE_UPSERTED,
            Event::Deleted { .. } => TYPE_DELETED,
            Event::Hint { .. } => TYPE_HINT,
        }
    }
}

/// One problem in a payload, located by its JSON path (empty = the whole body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Why a (verified) body was refused: answer 400 with this text; the sender can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the body is not valid JSON: {0}")]
    NotJson(String),
    #[error("{}", join(.0))]
    Invalid(Vec<FieldProblem>),
}

impl PayloadError {
    /// Always 400: the sender must fix the payload; retrying it unchanged cannot help.
    pub fn status(&self) -> u16 {
        400
    }

    /// The individual problems (empty for [`PayloadError::NotJson`]).
    pub fn problems(&self) -> &[FieldProblem] {
        match self {
            PayloadError::NotJson(_) => &[],
            PayloadError::Invalid(p) => p,
        }
    }
}

fn join(problems: &[FieldProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// Parses a verified body. `source_name` is the configured source the route was called
/// for (`/webhooks/{source}`); it becomes [`InvoiceKey::source`], so the same id from two
/// billing systems never collides.
pub fn parse_event(source_name: &str, body: &[u8]) -> Result<Event, PayloadError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| PayloadError::NotJson(e.to_string()))?;
    let mut cx = Checker::default();
    let event = cx.event(source_name, &value);
    match event {
        Some(event) if cx.problems.is_empty() => Ok(event),
        _ => {
            if cx.problems.is_empty() {
                // Defensive: a `None` always records a problem; keep the error non-empty.
                cx.problem("", "invalid payload");
            }
            Err(PayloadError::Invalid(cx.problems))
        }
    }
}

/// Collects problems while walking the value; each accessor returns `None` after
/// recording why, so the walk continues and reports everything in one answer.
#[derive(Default)]
struct Checker {
    problems: Vec<FieldProblem>,
}

const ENVELOPE_FIELDS: [&str; 3] = ["type", "timestamp", "data"];

fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Checker {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn expected(&mut self, path: &str, what: &str, got: &Value) {
        self.problem(path, format!("expected {what}, got {}", kind(got)));
    }

    fn object<'v>(&mut self, path: &str, v: &'v Value) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.expected(path, "an object", other);
                None
            }
        }
    }

    fn required<'v>(&mut self, parent: &str, m: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        let v = m.get(key);
        if v.is_none() {
            self.problem(&join_path(parent, key), "required field is missing");
        }
        v
    }

    /// A required, non-empty string (ids).
    fn id(&mut self, parent: &str, m: &Map<String, Value>, key: &str) -> Option<String> {
        let v = self.required(parent, m, key)?;
        self.id_value(&join_path(parent, key), v)
    }

    fn id_value(&mut self, path: &str, v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::String(_) => {
                self.problem(path, "must not be empty");
                None
            }
            other => {
                self.expected(path, "a string", other);
                None
            }
        }
    }

    fn string(&mut self, parent: &str, m: &Map<String, Value>, key: &str) -> Option<String> {
        let path = join_path(parent, key);
        match self.required(parent, m, key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.expected(&path, "a string", other);
                None
            }
        }
    }

    /// Present, and either `null` or a non-empty string. `Some(None)` = explicit null.
    fn required_nullable_id(&mut self, parent: &str, m: &Map<String, Value>, key: &str) -> Option<Option<String>> {
        match self.required(parent, m, key)? {
            Value::Null => Some(None),
            v => self.id_value(&join_path(parent, key), v).map(Some),
        }
    }

    /// Absent, `null`, or a non-empty string.
    fn optional_id(&mut self, parent: &str, m: &Map<String, Value>, key: &str) -> Option<Option<String>> {
        match m.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => self.id_value(&join_path(parent, key), v).map(Some),
        }
    }

    /// Absent, `null`, or a string passing `valid`.
    fn optional_text(
        &mut self,
        parent: &str,
        m: &Map<String, Value>,
        key: &str,
        valid: fn(&str) -> bool,
        expectation: &str,
    ) {
        let path = join_path(parent, key);
        match m.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if valid(s) => {}
            Some(Value::String(s)) => self.problem(&path, format!("`{s}` is not {expectation}")),
            Some(other) => self.expected(&path, "a string", other),
        }
    }

    /// Absent, `null`, a date (`2026-11-25`, midnight UTC) or an RFC 3339 date-time.
    /// `Some(None)` = none given.
    fn optional_time(&mut self, parent: &str, m: &Map<String, Value>, key: &str) -> Option<Option<Timestamp>> {
        let path = join_path(parent, key);
        match m.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => match Timestamp::parse_iso(s) {
                Some(t) => Some(Some(t)),
                None => {
                    self.problem(
                        &path,
                        format!("`{s}` is not a date like `2026-11-25` or a time like `2026-11-25T10:00:00Z`"),
                    );
                    None
                }
            },
            Some(other) => {
                self.expected(&path, "a string", other);
                None
            }
        }
    }

    fn event(&mut self, source: &str, root: &Value) -> Option<Event> {
        let Value::Object(env) = root else {
            self.problem("", format!("the body must be a JSON object, got {}", kind(root)));
            return None;
        };
        for key in env.keys() {
            if !ENVELOPE_FIELDS.contains(&key.as_str()) {
                self.problem(
                    key,
                    "unknown field (the envelope allows `type`, `timestamp`, `data`; invoice fields go inside `data`)",
                );
            }
        }
        self.optional_text("", env, "timestamp", |_| true, "");
        let ty = self.string("", env, "type");
        let data = self.required("", env, "data");
        let ty = ty?;
        let data = self.object("data", data?)?;
        match ty.as_str() {
            TYPE_UPSERTED => self.snapshot(source, data).map(|s| Event::Upserted(Box::new(s))),
            TYPE_DELETED => self.id("data", data, "id").map(|id| Event::Deleted { id }),
            TYPE_HINT => self.id("data", data, "id").map(|id| Event::Hint { id }),
            other => {
                self.problem(
                    "type",
                    format!("unknown event type `{other}` (expected {TYPE_UPSERTED}, {TYPE_DELETED} or {TYPE_HINT})"),
                );
                None
            }
        }
    }

    fn snapshot(&mut self, source: &str, data: &Map<String, Value>) -> Option<InvoiceSnapshot> {
        let id = self.id("data", data, "id");
        let number = self.string("data", data, "number");
        let paid = match self.required("data", data, "paid") {
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.expected("data.paid", "a boolean", other);
                None
            }
            None => None,
        };
        self.optional_text("data", data, "currency", is_currency, "an ISO 4217 code like `EUR`");
        let currency = data.get("currency").and_then(Value::as_str).and_then(currency_code);
        self.optional_text("data", data, "issued_at", is_date, "a date like `2026-11-25`");
        let issued_on = data
            .get("issued_at")
            .and_then(Value::as_str)
            .and_then(Timestamp::parse_iso);
        let paid_on = self.optional_time("data", data, "paid_at");
        let customer = self.required("data", data, "customer").and_then(|v| self.customer(v));
        let credit_note_for = self.required_nullable_id("data", data, "credit_note_for");
        let is_credit_note = matches!(credit_note_for, Some(Some(_)));
        let lines = match self.required("data", data, "lines") {
            Some(Value::Array(items)) => {
                let mut lines = Some(Vec::with_capacity(items.len()));
                for (i, item) in items.iter().enumerate() {
                    let line = self.line(&format!("data.lines[{i}]"), item, is_credit_note);
                    lines = lines.zip(line).map(|(mut acc, l)| {
                        acc.push(l);
                        acc
                    });
                }
                lines
            }
            Some(other) => {
                self.expected("data.lines", "an array", other);
                None
            }
            None => None,
        };
        let paid = paid?;
        Some(InvoiceSnapshot {
            issued_on,
            // A payment date on an unpaid invoice says nothing about access.
            paid_on: paid_on?.filter(|_| paid),
            key: InvoiceKey::new(source, id?),
            number: number?,
            customer: customer?,
            lines: lines?,
            paid,
            credit_note_for: credit_note_for?,
            currency,
        })
    }

    fn customer(&mut self, v: &Value) -> Option<Customer> {
        let m = self.object("data.customer", v)?;
        let id = self.id("data.customer", m, "id");
        let name = self.string("data.customer", m, "name");
        let email = match self.required("data.customer", m, "email") {
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(other) => {
                self.expected("data.customer.email", "a string or null", other);
                None
            }
            None => None,
        };
        Some(Customer {
            given_names: None,
            id: id?,
            name: name?,
            email: email?,
        })
    }

    fn line(&mut self, path: &str, v: &Value, is_credit_note: bool) -> Option<InvoiceLine> {
        let m = self.object(path, v)?;
        let id = self.id(path, m, "id");
        let product = self.required_nullable_id(path, m, "product");
        let quantity = match self.required(path, m, "quantity") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => {
                self.expected(&join_path(path, "quantity"), "a number", other);
                None
            }
            None => None,
        };
        let amount = self.amount(&join_path(path, "amount"), m.get("amount"));
        let credits_line = self.optional_id(path, m, "credits_line");
        if !is_credit_note && matches!(credits_line, Some(Some(_))) {
            self.problem(
                &join_path(path, "credits_line"),
                "only allowed on a credit note (`data.credit_note_for` is not set)",
            );
        }
        Some(InvoiceLine {
            id: id?,
            product: product?,
            quantity: quantity?,
            credits_line: credits_line?,
            amount: amount?,
        })
    }

    /// `lines[].amount`: absent or null is `Some(None)`; a number or a decimal string is an
    /// amount in cents; anything else is a problem (`None`).
    fn amount(&mut self, path: &str, v: Option<&Value>) -> Option<Option<Amount>> {
        // A number's own text (`100.0`, `5`), so no float arithmetic touches the value.
        let text = match v {
            None | Some(Value::Null) => return Some(None),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                self.expected(path, "a number or a decimal string", other);
                return None;
            }
        };
        match Amount::parse_decimal(&text) {
            Ok(a) => Some(Some(a)),
            Err(e) => {
                self.problem(path, e.to_string());
                None
            }
        }
    }
}

/// `^[A-Z]{3}$`, as in the schema.
fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// `YYYY-MM-DD` with month 01–12 and day 01–31, the same rule as the schema's pattern (which
/// cannot know month lengths; the date is informational, so that is enough).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month = (b[5] - b'0') * 10 + (b[6] - b'0');
    let day = (b[8] - b'0') * 10 + (b[9] - b'0');
    (1..=12).contains(&month) && (1..=31).contains(&day)
}
