//! Typed list queries: filters with operator suffixes, `operation[]`, sort and paging.
//!
//! Values are encoded the only way FacturaScripts reads them right on every engine:
//! booleans as `1`/`0` (MariaDB reads `true` as 0!), dates as `dd-mm-YYYY`, text in its
//! stored HTML-escaped form (an equality filter on `Gamma <Ltd>` must send `Gamma &lt;Ltd&gt;`).

use crate::error::{FsError, Result};
use crate::records::encode_html;
use chrono::NaiveDate;

/// Operator suffix of a `filter[<field><suffix>]` key (contract §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
    Neq,
    Like,
    Null,
    NotNull,
}

impl Op {
    pub fn suffix(self) -> &'static str {
        match self {
            Op::Eq => "",
            Op::Gt => "_gt",
            Op::Gte => "_gte",
            Op::Lt => "_lt",
            Op::Lte => "_lte",
            Op::Neq => "_neq",
            Op::Like => "_like",
            Op::Null => "_null",
            Op::NotNull => "_notnull",
        }
    }
}

/// A filter value; its wire form is decided here, not by the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Int(i64),
    Float(f64),
    /// Always `1`/`0`.
    Bool(bool),
    /// Always `dd-mm-YYYY`.
    Date(NaiveDate),
    /// Sent HTML-escaped as FacturaScripts stores text.
    Text(String),
    /// For `_null`/`_notnull` (the value is ignored by the server; `1` is sent).
    Flag,
}

impl FilterValue {
    pub fn encode(&self) -> String {
        match self {
            FilterValue::Int(i) => i.to_string(),
            FilterValue::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{}", *f as i64)
                } else {
                    f.to_string()
                }
            }
            FilterValue::Bool(b) => if *b { "1" } else { "0" }.to_string(),
            FilterValue::Date(d) => d.format("%d-%m-%Y").to_string(),
            FilterValue::Text(s) => encode_html(s),
            FilterValue::Flag => "1".to_string(),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(impl From<$t> for FilterValue { fn from(v: $t) -> Self { FilterValue::Int(i64::from(v)) } })*};
}
from_int!(i64, i32, u32, u16, u8);
impl From<u64> for FilterValue {
    fn from(v: u64) -> Self {
        FilterValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<f64> for FilterValue {
    fn from(v: f64) -> Self {
        FilterValue::Float(v)
    }
}
impl From<bool> for FilterValue {
    fn from(v: bool) -> Self {
        FilterValue::Bool(v)
    }
}
impl From<NaiveDate> for FilterValue {
    fn from(v: NaiveDate) -> Self {
        FilterValue::Date(v)
    }
}
impl From<&str> for FilterValue {
    fn from(v: &str) -> Self {
        FilterValue::Text(v.to_string())
    }
}
impl From<String> for FilterValue {
    fn from(v: String) -> Self {
        FilterValue::Text(v)
    }
}
impl From<&String> for FilterValue {
    fn from(v: &String) -> Self {
        FilterValue::Text(v.clone())
    }
}

/// One `filter[...]` condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: String,
    pub op: Op,
    pub value: FilterValue,
}

impl Filter {
    fn new(field: impl Into<String>, op: Op, value: FilterValue) -> Filter {
        Filter {
            field: field.into(),
            op,
            value,
        }
    }
    pub fn eq(field: impl Into<String>, v: impl Into<FilterValue>) -> Filter {
        Filter::new(field, Op::Eq, v.into())
    }
    pub fn gt(field: impl Into<String>, v: impl Into<FilterValue>) -> Filter {
        Filter::new(field, Op::Gt, v.into())
    }
    pub fn gte(field: impl Into<String>, v: impl Into<FilterValue>) -> Filter {
        Filter::new(field, Op::Gte, v.into())
    }
    pub fn lt(field: impl Into<String>, v: impl Into<FilterValue>) -> Filter {
        Filter::new(field, Op::Lt, v.into())
    }
    pub fn lte(field: impl Into<String>, v: impl Into<FilterValue>) -> Filter {
        Filter::new(field, Op::Lte, v.into())
    }
    pub fn neq(field: impl Into<String>, v: impl Into<FilterValue>) -> Filter {
        Filter::new(field, Op::Neq, v.into())
    }
    /// Case-insensitive substring (`%` is added on both sides by the server).
    pub fn like(field: impl Into<String>, v: impl Into<String>) -> Filter {
        Filter::new(field, Op::Like, FilterValue::Text(v.into()))
    }
    pub fn null(field: impl Into<String>) -> Filter {
        Filter::new(field, Op::Null, FilterValue::Flag)
    }
    pub fn notnull(field: impl Into<String>) -> Filter {
        Filter::new(field, Op::NotNull, FilterValue::Flag)
    }

    /// The `<field><suffix>` key inside `filter[...]` (and `operation[...]`).
    pub fn key(&self) -> String {
        format!("{}{}", self.field, self.op.suffix())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

/// Whether a condition joins the previous one with AND (default) or OR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    And,
    Or,
}

/// A list request: filters, sort, offset and limit.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    filters: Vec<(Filter, Join)>,
    sort: Vec<(String, SortDir)>,
    pub offset: u64,
    /// `None` = server default (50). `Some(0)` = every row (offset ignored).
    pub limit: Option<u64>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery::new()
    }
}

fn valid_field(f: &str) -> bool {
    // ^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$, optionally prefixed for sort.
    let mut parts = f.splitn(2, '.');
    let ident = |s: &str| {
        let mut c = s.chars();
        matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
            && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    };
    let first = parts.next().map(ident).unwrap_or(false);
    first && parts.next().map(ident).unwrap_or(true)
}

impl ListQuery {
    pub fn new() -> ListQuery {
        ListQuery {
            filters: Vec::new(),
            sort: Vec::new(),
            offset: 0,
            limit: None,
        }
    }
    /// AND this condition.
    pub fn filter(mut self, f: Filter) -> Self {
        self.filters.push((f, Join::And));
        self
    }
    /// OR this condition with the previous one (`operation[key]=OR`).
    pub fn or_filter(mut self, f: Filter) -> Self {
        self.filters.push((f, Join::Or));
        self
    }
    pub fn sort(mut self, field: impl Into<String>, dir: SortDir) -> Self {
        self.sort.push((field.into(), dir));
        self
    }
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Every row in one response (`limit=0`).
    pub fn all_rows(mut self) -> Self {
        self.limit = Some(0);
        self
    }
    pub fn filters(&self) -> impl Iterator<Item = &Filter> {
        self.filters.iter().map(|(f, _)| f)
    }

    /// The query pairs, in order. Fails on a field name the server would refuse (a 400 that
    /// we would rather not spend a request on).
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for (f, join) in &self.filters {
            if !valid_field(&f.field) {
                return Err(FsError::Invalid(format!("bad filter field {:?}", f.field)));
            }
            out.push((format!("filter[{}]", f.key()), f.value.encode()));
            if *join == Join::Or {
                out.push((format!("operation[{}]", f.key()), "OR".to_string()));
            }
        }
        for (field, dir) in &self.sort {
            let bare = field
                .strip_prefix("integer:")
                .or_else(|| field.strip_prefix("lower:"))
                .or_else(|| field.strip_prefix("upper:"))
                .unwrap_or(field);
            if !valid_field(bare) {
                return Err(FsError::Invalid(format!("bad sort field {field:?}")));
            }
            let d = match dir {
                SortDir::Asc => "ASC",
                SortDir::Desc => "DESC",
            };
            out.push((format!("sort[{field}]"), d.to_string()));
        }
        if let Some(limit) = self.limit {
            out.push(("limit".to_string(), limit.to_string()));
            if limit > 0 || self.offset > 0 {
                out.push(("offset".to_string(), self.offset.to_string()));
            }
        } else if self.offset > 0 {
            out.push(("offset".to_string(), self.offset.to_string()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_dates_and_text_are_encoded_safely() {
        let q = ListQuery::new()
            .filter(Filter::eq("pagada", false))
            .filter(Filter::gte("fecha", NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()))
            .filter(Filter::eq("nombrecliente", "Gamma <Ltd>"))
            .or_filter(Filter::notnull("idfacturarect"))
            .sort("idfactura", SortDir::Asc)
            .limit(100);
        let pairs = q.to_pairs().unwrap();
        assert_eq!(
            pairs,
            vec![
                ("filter[pagada]".into(), "0".into()),
                ("filter[fecha_gte]".into(), "01-03-2025".into()),
                ("filter[nombrecliente]".into(), "Gamma &lt;Ltd&gt;".into()),
                ("filter[idfacturarect_notnull]".into(), "1".into()),
                ("operation[idfacturarect_notnull]".into(), "OR".into()),
                ("sort[idfactura]".into(), "ASC".into()),
                ("limit".into(), "100".into()),
                ("offset".into(), "0".into()),
            ]
        );
    }

    #[test]
    fn bad_fields_are_refused_before_sending() {
        assert!(ListQuery::new().filter(Filter::eq("x-y", 1)).to_pairs().is_err());
        assert!(
            ListQuery::new()
                .sort("integer:numero", SortDir::Desc)
                .to_pairs()
                .is_ok()
        );
    }
}
