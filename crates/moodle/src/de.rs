//! Lenient deserializers: Moodle returns the same logical field as `1`, `true` or `"1"` depending
//! on the function (`visible` is an int in courses, `showgrades` a bool elsewhere), and
//! `webservice/upload.php` returns PHP's raw types (`"userid":"2"`). Be liberal where the contract
//! shows variation, strict elsewhere.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `bool`, `0`/`1`, `"0"`/`"1"`, `null` → `Option<bool>`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_f64().is_some_and(|x| x != 0.0)),
        Some(Value::String(s)) => Some(!(s.is_empty() || s == "0" || s.eq_ignore_ascii_case("false"))),
        Some(other) => return Err(serde::de::Error::custom(format!("expected a boolean, got {other}"))),
    })
}

/// A number or a numeric string → `i64`.
pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    match &v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom(format!("not an integer: {n}"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("not an integer: {s:?}"))),
        other => Err(serde::de::Error::custom(format!("expected an integer, got {other}"))),
    }
}

/// Like [`int`] but absent/null → `None`.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("not an integer: {s:?}"))),
        Some(other) => Err(serde::de::Error::custom(format!("expected an integer, got {other}"))),
    }
}

/// `null` → empty vector (PHP sometimes returns `null` for an empty list).
pub(crate) fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}
