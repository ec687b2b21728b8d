//! `filter[]`, `operation[]`, `sort[]`, `offset`, `limit` with MariaDB's semantics
//! (contract §2.1): `'true'` casts to 0, a non-date in a date comparison matches every row, an
//! unknown `operation` is a swallowed SQL error (`200 []`, count 0), no maximum limit and
//! `limit<=0` (or non-numeric) returns everything.

use crate::table::{Pk, Row, Table, as_f64, mysql_num};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::ops::Bound;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    And,
    Or,
    Xor,
    /// Anything else: the SQL is invalid.
    Invalid,
}

#[derive(Debug, Clone)]
pub struct Cond {
    /// The key inside `filter[...]`, suffix included.
    pub key: String,
    pub field: String,
    pub op: Op,
    pub value: String,
    pub join: Join,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortCast {
    None,
    Integer,
    Lower,
    Upper,
}

#[derive(Debug, Clone)]
pub struct ListSpec {
    pub conds: Vec<Cond>,
    pub sort: Vec<(String, SortCast, bool)>,
    pub offset: usize,
    /// 0 = all rows.
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// `400 {"error":"api: fields not allowed: ..."}`
    FieldsNotAllowed(Vec<String>),
    /// `500 {"error":"API-ERROR: Array not allowed in var2str function"}`
    ArrayValue,
    /// A PHP TypeError: non-JSON HTML 500.
    TypeError,
}

fn split_suffix(key: &str) -> (&str, Op) {
    for (suf, op) in [
        ("_gte", Op::Gte),
        ("_gt", Op::Gt),
        ("_lte", Op::Lte),
        ("_lt", Op::Lt),
        ("_neq", Op::Neq),
        ("_like", Op::Like),
        ("_notnull", Op::NotNull),
        ("_null", Op::Null),
        ("_isnot", Op::NotNull),
        ("_is", Op::Null),
    ] {
        if let Some(f) = key.strip_suffix(suf) {
            return (f, op);
        }
    }
    (key, Op::Eq)
}

fn valid_field(f: &str) -> bool {
    let ident = |s: &str| {
        let mut c = s.chars();
        matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
            && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    };
    let mut parts = f.splitn(2, '.');
    parts.next().is_some_and(ident) && parts.next().is_none_or(ident)
}

/// `filter[a]` → Some(("filter", "a", false)); `filter[a][]` → Some(("filter","a",true)).
fn bracket(key: &str) -> Option<(&str, &str, bool)> {
    let open = key.find('[')?;
    let name = &key[..open];
    let rest = &key[open + 1..];
    let close = rest.find(']')?;
    let inner = &rest[..close];
    let tail = &rest[close + 1..];
    Some((name, inner, !tail.is_empty()))
}

pub fn parse(pairs: &[(String, String)], table: &Table) -> Result<ListSpec, QueryError> {
    let mut conds: Vec<Cond> = Vec::new();
    let mut ops: Vec<(String, String)> = Vec::new();
    let mut sort = Vec::new();
    let mut offset = 0usize;
    let mut limit: i64 = 50;
    let mut bad_filter = Vec::new();
    let mut bad_sort = Vec::new();
    let mut array_filter = false;
    let mut array_sort = false;
    for (k, v) in pairs {
        match bracket(k) {
            Some(("filter", key, arr)) => {
                if arr {
                    array_filter = true;
                    continue;
                }
                let (field, op) = split_suffix(key);
                if !valid_field(field) || !table.has_column(field) {
                    if !bad_filter.contains(&field.to_string()) {
                        bad_filter.push(field.to_string());
                    }
                    continue;
                }
                // PHP arrays: a repeated key overwrites the earlier one.
                conds.retain(|c| c.key != key);
                conds.push(Cond {
                    key: key.to_string(),
                    field: field.to_string(),
                    op,
                    value: v.clone(),
                    join: Join::And,
                });
            }
            Some(("operation", key, _)) => ops.push((key.to_string(), v.clone())),
            Some(("sort", key, arr)) => {
                if arr {
                    array_sort = true;
                    continue;
                }
                let (cast, field) = if let Some(f) = key.strip_prefix("integer:") {
                    (SortCast::Integer, f)
                } else if let Some(f) = key.strip_prefix("lower:") {
                    (SortCast::Lower, f)
                } else if let Some(f) = key.strip_prefix("upper:") {
                    (SortCast::Upper, f)
                } else {
                    (SortCast::None, key)
                };
                if !valid_field(field) || !table.has_column(field) {
                    bad_sort.push(field.to_string());
                    continue;
                }
                sort.retain(|(f, _, _): &(String, SortCast, bool)| f != field);
                sort.push((field.to_string(), cast, v.eq_ignore_ascii_case("DESC")));
            }
            _ if k == "offset" => offset = mysql_num(v).max(0.0) as usize,
            _ if k == "limit" => limit = mysql_num(v) as i64,
            _ => {}
        }
    }
    if array_sort {
        return Err(QueryError::TypeError);
    }
    if !bad_filter.is_empty() || !bad_sort.is_empty() {
        let mut all = bad_sort;
        all.extend(bad_filter);
        return Err(QueryError::FieldsNotAllowed(all));
    }
    if array_filter {
        return Err(QueryError::ArrayValue);
    }
    for c in conds.iter_mut() {
        if let Some((_, j)) = ops.iter().rev().find(|(k, _)| *k == c.key) {
            c.join = match j.to_ascii_uppercase().as_str() {
                "AND" => Join::And,
                "OR" => Join::Or,
                "XOR" => Join::Xor,
                _ => Join::Invalid,
            };
        }
    }
    let limit = if limit <= 0 { 0 } else { limit as usize };
    Ok(ListSpec {
        conds,
        sort,
        offset: if limit == 0 { 0 } else { offset },
        limit,
    })
}

/// Parse a date filter value the way `DataBase::var2str`/MariaDB would see it.
fn parse_date_value(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in ["%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    for f in ["%d-%m-%Y", "%Y-%m-%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

fn stored_date(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() >= 10 && b[2] == b'-' && b[5] == b'-' {
        parse_date_value(s)
    } else {
        None
    }
}

fn like(hay: &str, pat: &str) -> bool {
    fn rec(h: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => h.is_empty(),
            Some(('%', rest)) => (0..=h.len()).any(|i| rec(&h[i..], rest)),
            Some(('_', rest)) => !h.is_empty() && rec(&h[1..], rest),
            Some((c, rest)) => h.first() == Some(c) && rec(&h[1..], rest),
        }
    }
    let pat = if pat.contains('%') {
        pat.to_lowercase()
    } else {
        format!("%{}%", pat.to_lowercase())
    };
    let h: Vec<char> = hay.to_lowercase().chars().collect();
    let p: Vec<char> = pat.chars().collect();
    rec(&h, &p)
}

fn cmp_result(ord: Ordering, op: Op) -> bool {
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Neq => ord != Ordering::Equal,
        Op::Gt => ord == Ordering::Greater,
        Op::Gte => ord != Ordering::Less,
        Op::Lt => ord == Ordering::Less,
        Op::Lte => ord != Ordering::Greater,
        _ => false,
    }
}

fn eval(v: &Value, op: Op, s: &str) -> bool {
    match op {
        Op::Null => return v.is_null(),
        Op::NotNull => return !v.is_null(),
        _ => {}
    }
    match v {
        Value::Null => false,
        Value::Bool(_) | Value::Number(_) => {
            if op == Op::Like {
                return like(&crate::table::as_str(v), s);
            }
            let a = as_f64(v);
            let b = mysql_num(s);
            a.partial_cmp(&b).is_some_and(|o| cmp_result(o, op))
        }
        Value::String(st) => {
            if op == Op::Like {
                return like(st, s);
            }
            if let Some(d) = stored_date(st) {
                return match parse_date_value(s) {
                    Some(q) => cmp_result(d.cmp(&q), op),
                    // MariaDB: comparing a date column with a non-date string matched every row.
                    None => op != Op::Eq,
                };
            }
            cmp_result(st.to_lowercase().cmp(&s.to_lowercase()), op)
        }
        _ => false,
    }
}

fn row_matches(table: &Table, row: &Row, conds: &[(u16, &Cond)]) -> bool {
    // SQL precedence: AND > XOR > OR.
    let mut or_acc = false;
    let mut xor_acc: Option<bool> = None;
    let mut and_acc: Option<bool> = None;
    for (idx, c) in conds {
        let r = eval(table.value_at(row, *idx), c.op, &c.value);
        match (c.join, and_acc) {
            (_, None) => and_acc = Some(r),
            (Join::And, Some(a)) => and_acc = Some(a && r),
            (Join::Xor, Some(a)) => {
                xor_acc = Some(xor_acc.map_or(a, |x| x ^ a));
                and_acc = Some(r);
            }
            (_, Some(a)) => {
                let x = xor_acc.take().map_or(a, |x| x ^ a);
                or_acc |= x;
                and_acc = Some(r);
            }
        }
    }
    let last = and_acc.map(|a| xor_acc.map_or(a, |x| x ^ a)).unwrap_or(true);
    or_acc || last
}

fn sort_key_cmp(a: &Value, b: &Value, cast: SortCast) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ if cast == SortCast::Integer => (as_f64(a) as i64).cmp(&(as_f64(b) as i64)),
        (Value::String(x), Value::String(y)) => match (stored_date(x), stored_date(y)) {
            (Some(dx), Some(dy)) => dx.cmp(&dy),
            _ => x.to_lowercase().cmp(&y.to_lowercase()),
        },
        _ => as_f64(a).partial_cmp(&as_f64(b)).unwrap_or(Ordering::Equal),
    }
}

/// Run a list: (page of records, X-Total-Count).
pub fn run(table: &Table, spec: &ListSpec) -> (Vec<Map<String, Value>>, usize) {
    if spec.conds.iter().skip(1).any(|c| c.join == Join::Invalid) {
        return (Vec::new(), 0);
    }
    let conds: Vec<(u16, &Cond)> = spec
        .conds
        .iter()
        .filter_map(|c| table.col(&c.field).map(|i| (i, c)))
        .collect();
    // Narrow by primary-key bounds when every condition is ANDed.
    let (mut lo, mut hi) = (Bound::Unbounded, Bound::Unbounded);
    if table.int_pk && spec.conds.iter().skip(1).all(|c| c.join == Join::And) {
        for c in spec.conds.iter().filter(|c| c.field == table.pk) {
            let n = mysql_num(&c.value);
            if n.fract() != 0.0 {
                continue;
            }
            let k = Pk::Int(n as i64);
            match c.op {
                Op::Gt => lo = tighter_lo(lo, Bound::Excluded(k)),
                Op::Gte => lo = tighter_lo(lo, Bound::Included(k)),
                Op::Lt => hi = tighter_hi(hi, Bound::Excluded(k)),
                Op::Lte => hi = tighter_hi(hi, Bound::Included(k)),
                Op::Eq => {
                    lo = tighter_lo(lo, Bound::Included(k.clone()));
                    hi = tighter_hi(hi, Bound::Included(k));
                }
                _ => {}
            }
        }
    }
    let empty = match (&lo, &hi) {
        (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) => {
            a > b || (a == b && (matches!(lo, Bound::Excluded(_)) || matches!(hi, Bound::Excluded(_))))
        }
        _ => false,
    };
    if empty {
        return (Vec::new(), 0);
    }
    let mut matched: Vec<&Row> = table
        .rows
        .range((lo, hi))
        .filter(|(_, r)| row_matches(table, r, &conds))
        .map(|(_, r)| r)
        .collect();
    let total = matched.len();
    let pk_only = spec.sort.is_empty()
        || (spec.sort.len() == 1 && spec.sort[0].0 == table.pk && !spec.sort[0].2 && spec.sort[0].1 == SortCast::None);
    if !pk_only {
        let keys: Vec<(u16, SortCast, bool)> = spec
            .sort
            .iter()
            .filter_map(|(f, c, d)| table.col(f).map(|i| (i, *c, *d)))
            .collect();
        matched.sort_by(|a, b| {
            for (i, cast, desc) in &keys {
                let mut o = sort_key_cmp(table.value_at(a, *i), table.value_at(b, *i), *cast);
                if matches!(cast, SortCast::Lower | SortCast::Upper) {
                    o = crate::table::as_str(table.value_at(a, *i))
                        .to_lowercase()
                        .cmp(&crate::table::as_str(table.value_at(b, *i)).to_lowercase());
                }
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    let iter = matched.into_iter().skip(spec.offset);
    let page: Vec<Map<String, Value>> = if spec.limit == 0 {
        iter.map(|r| table.to_json(r)).collect()
    } else {
        iter.take(spec.limit).map(|r| table.to_json(r)).collect()
    };
    (page, total)
}

fn tighter_lo(a: Bound<Pk>, b: Bound<Pk>) -> Bound<Pk> {
    match (&a, &b) {
        (Bound::Unbounded, _) => b,
        (_, Bound::Unbounded) => a,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            if y > x || (y == x && matches!(b, Bound::Excluded(_))) {
                b
            } else {
                a
            }
        }
    }
}

fn tighter_hi(a: Bound<Pk>, b: Bound<Pk>) -> Bound<Pk> {
    match (&a, &b) {
        (Bound::Unbounded, _) => b,
        (_, Bound::Unbounded) => a,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            if y < x || (y == x && matches!(b, Bound::Excluded(_))) {
                b
            } else {
                a
            }
        }
    }
}
