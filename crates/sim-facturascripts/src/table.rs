//! A generic table: rows keep only the values that differ from the resource's default
//! record, so 100,000 invoices fit in memory comfortably.

use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// A primary key value: integers sort numerically, strings as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pk {
    Int(i64),
    Str(String),
}

impl Ord for Pk {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Pk::Int(a), Pk::Int(b)) => a.cmp(b),
            (Pk::Str(a), Pk::Str(b)) => a.cmp(b),
            (Pk::Int(_), Pk::Str(_)) => Ordering::Less,
            (Pk::Str(_), Pk::Int(_)) => Ordering::Greater,
        }
    }
}
impl PartialOrd for Pk {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Pk {
    pub fn to_value(&self) -> Value {
        match self {
            Pk::Int(i) => Value::from(*i),
            Pk::Str(s) => Value::from(s.clone()),
        }
    }
}

/// Whole-valued floats as JSON integers, as PHP's `json_encode` writes them.
pub fn num(f: f64) -> Value {
    let r = (f * 1_000_000.0).round() / 1_000_000.0;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        Value::from(r as i64)
    } else {
        serde_json::Number::from_f64(r)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

pub fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => mysql_num(s),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

pub fn as_bool(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().unwrap_or(0.0) != 0.0,
        Value::String(s) => mysql_num(s) != 0.0,
        _ => false,
    }
}

pub fn as_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// MySQL's string-to-number cast: the longest numeric prefix, else 0 (`'true'` → 0).
pub fn mysql_num(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let b = t.as_bytes();
    if end < b.len() && (b[end] == b'-' || b[end] == b'+') {
        end += 1;
    }
    let mut seen_dot = false;
    while end < b.len() && (b[end].is_ascii_digit() || (!seen_dot && b[end] == b'.')) {
        seen_dot |= b[end] == b'.';
        end += 1;
    }
    t[..end].parse().unwrap_or(0.0)
}

#[derive(Debug, Clone, Default)]
pub struct Row(Vec<(u16, Value)>);

#[derive(Debug, Clone)]
pub struct Table {
    pub resource: &'static str,
    pub pk: &'static str,
    pub int_pk: bool,
    pub columns: Vec<String>,
    index: HashMap<String, u16>,
    defaults: Vec<Value>,
    pub rows: BTreeMap<Pk, Row>,
    pub next_id: i64,
}

impl Table {
    pub fn new(resource: &'static str, pk: &'static str, int_pk: bool, template: Map<String, Value>) -> Table {
        let columns: Vec<String> = template.keys().cloned().collect();
        let index = columns.iter().enumerate().map(|(i, c)| (c.clone(), i as u16)).collect();
        let defaults = template.into_iter().map(|(_, v)| v).collect();
        Table {
            resource,
            pk,
            int_pk,
            columns,
            index,
            defaults,
            rows: BTreeMap::new(),
            next_id: 1,
        }
    }

    pub fn col(&self, name: &str) -> Option<u16> {
        self.index.get(name).copied()
    }

    pub fn default_of(&self, name: &str) -> Option<&Value> {
        self.col(name).map(|i| &self.defaults[i as usize])
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn value_at<'a>(&'a self, row: &'a Row, idx: u16) -> &'a Value {
        row.0
            .iter()
            .find(|(i, _)| *i == idx)
            .map(|(_, v)| v)
            .unwrap_or(&self.defaults[idx as usize])
    }

    pub fn get(&self, pk: &Pk, col: &str) -> Value {
        match (self.rows.get(pk), self.col(col)) {
            (Some(r), Some(i)) => self.value_at(r, i).clone(),
            _ => Value::Null,
        }
    }

    pub fn f64(&self, pk: &Pk, col: &str) -> f64 {
        as_f64(&self.get(pk, col))
    }
    pub fn bool(&self, pk: &Pk, col: &str) -> bool {
        as_bool(&self.get(pk, col))
    }
    pub fn str(&self, pk: &Pk, col: &str) -> String {
        as_str(&self.get(pk, col))
    }
    pub fn opt_i64(&self, pk: &Pk, col: &str) -> Option<i64> {
        match self.get(pk, col) {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Set a column (ignored for unknown columns).
    pub fn set(&mut self, pk: &Pk, col: &str, v: Value) {
        let Some(idx) = self.col(col) else { return };
        let is_default = self.defaults[idx as usize] == v;
        if let Some(row) = self.rows.get_mut(pk) {
            row.0.retain(|(i, _)| *i != idx);
            if !is_default {
                row.0.push((idx, v));
            }
        }
    }

    pub fn to_json(&self, row: &Row) -> Map<String, Value> {
        let mut m = Map::new();
        for (i, c) in self.columns.iter().enumerate() {
            m.insert(c.clone(), self.value_at(row, i as u16).clone());
        }
        m
    }

    pub fn record(&self, pk: &Pk) -> Option<Map<String, Value>> {
        self.rows.get(pk).map(|r| self.to_json(r))
    }

    /// Parse a URL/body id into this table's key type.
    pub fn pk_of(&self, s: &str) -> Option<Pk> {
        if self.int_pk {
            s.trim().parse().ok().map(Pk::Int)
        } else {
            Some(Pk::Str(s.to_string()))
        }
    }

    pub fn pk_from_value(&self, v: &Value) -> Option<Pk> {
        match v {
            Value::Number(n) if self.int_pk => n.as_i64().map(Pk::Int),
            Value::String(s) => self.pk_of(s),
            _ => None,
        }
    }

    /// Insert a row from a map (unknown keys dropped). An int key of 0/absent is assigned.
    pub fn insert(&mut self, mut m: Map<String, Value>) -> Pk {
        let pk = match m.get(self.pk).and_then(|v| self.pk_from_value(v)) {
            Some(Pk::Int(i)) if i > 0 => Pk::Int(i),
            Some(Pk::Str(s)) if !s.is_empty() => Pk::Str(s),
            _ if self.int_pk => Pk::Int(self.next_id),
            _ => {
                let mut n = self.next_id;
                while self.rows.contains_key(&Pk::Str(n.to_string())) {
                    n += 1;
                }
                Pk::Str(n.to_string())
            }
        };
        if let Pk::Int(i) = pk {
            self.next_id = self.next_id.max(i + 1);
        } else if let Pk::Str(s) = &pk
            && let Ok(n) = s.parse::<i64>()
        {
            self.next_id = self.next_id.max(n + 1);
        }
        m.insert(self.pk.to_string(), pk.to_value());
        let mut row = Row::default();
        for (k, v) in m {
            if let Some(idx) = self.col(&k)
                && self.defaults[idx as usize] != v
            {
                row.0.push((idx, v));
            }
        }
        self.rows.insert(pk.clone(), row);
        pk
    }

    pub fn remove(&mut self, pk: &Pk) -> Option<Map<String, Value>> {
        let rec = self.record(pk);
        self.rows.remove(pk);
        rec
    }
}
