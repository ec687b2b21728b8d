//! Request parameters: PHP bracket parsing (`users[0][email]=…`) and Moodle's
//! `external_api::validate_parameters` against a declared description, with the exact
//! debuginfo texts of the contract §1.8.

use crate::errors::WsError;

/// A parsed PHP request value: a string or an ordered array.
#[derive(Debug, Clone, PartialEq)]
pub enum PVal {
    /// Scalar.
    Str(String),
    /// PHP array (ordered map).
    Map(Vec<(String, PVal)>),
}

impl PVal {
    fn map_mut(&mut self) -> Option<&mut Vec<(String, PVal)>> {
        match self {
            PVal::Map(m) => Some(m),
            PVal::Str(_) => None,
        }
    }

    /// Lookup in a map.
    pub fn get(&self, k: &str) -> Option<&PVal> {
        match self {
            PVal::Map(m) => m.iter().find(|(kk, _)| kk == k).map(|(_, v)| v),
            PVal::Str(_) => None,
        }
    }

    /// As a string (scalars only).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PVal::Str(s) => Some(s),
            PVal::Map(_) => None,
        }
    }
}

/// Split `a[b][c]` into `["a","b","c"]`, PHP style (unterminated brackets keep the rest literal).
fn split_key(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return vec![key.to_owned()];
    };
    if open == 0 {
        return vec![key.to_owned()];
    }
    let mut parts = vec![key[..open].to_owned()];
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        match stripped.find(']') {
            Some(close) => {
                parts.push(stripped[..close].to_owned());
                rest = &stripped[close + 1..];
            }
            None => break,
        }
    }
    parts
}

fn insert(root: &mut Vec<(String, PVal)>, path: &[String], value: String) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = if first.is_empty() {
        // `a[]`: next integer index
        let next = root
            .iter()
            .filter_map(|(k, _)| k.parse::<i64>().ok())
            .max()
            .map_or(0, |m| m + 1);
        next.to_string()
    } else {
        first.clone()
    };
    if rest.is_empty() {
        if let Some(slot) = root.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = PVal::Str(value);
        } else {
            root.push((key, PVal::Str(value)));
        }
        return;
    }
    let idx = match root.iter().position(|(k, _)| *k == key) {
        Some(i) => {
            if root[i].1.map_mut().is_none() {
                root[i].1 = PVal::Map(Vec::new());
            }
            i
        }
        None => {
            root.push((key, PVal::Map(Vec::new())));
            root.len() - 1
        }
    };
    if let Some(m) = root[idx].1.map_mut() {
        insert(m, rest, value);
    }
}

/// Parse `application/x-www-form-urlencoded` pairs into a PHP-like ordered tree.
pub fn parse_form(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, PVal)> {
    let mut root = Vec::new();
    for (k, v) in pairs {
        let path = split_key(&k);
        insert(&mut root, &path, v);
    }
    root
}

/// Decode a urlencoded string (lenient; invalid pairs are dropped like PHP does).
pub fn decode(s: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(s).unwrap_or_default()
}

/// `array_merge($_GET, $_POST)`: top-level POST keys replace GET keys.
pub fn merge(get: Vec<(String, PVal)>, post: Vec<(String, PVal)>) -> Vec<(String, PVal)> {
    let mut out = get;
    for (k, v) in post {
        if let Some(slot) = out.iter_mut().find(|(kk, _)| *kk == k) {
            slot.1 = v;
        } else {
            out.push((k, v));
        }
    }
    out
}

/// PARAM_* types (their string values appear in debuginfo).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// PARAM_INT
    Int,
    /// PARAM_BOOL
    Bool,
    /// PARAM_FLOAT
    Float,
    /// PARAM_ALPHA
    Alpha,
    /// PARAM_ALPHANUM
    AlphaNum,
    /// PARAM_ALPHANUMEXT
    AlphaNumExt,
    /// PARAM_RAW
    Raw,
    /// PARAM_RAW_TRIMMED
    RawTrimmed,
    /// PARAM_NOTAGS
    NoTags,
    /// PARAM_TEXT
    Text,
    /// PARAM_USERNAME
    Username,
    /// PARAM_PLUGIN
    Plugin,
    /// PARAM_AUTH
    Auth,
    /// PARAM_LANG
    Lang,
    /// PARAM_THEME
    Theme,
    /// PARAM_TIMEZONE
    Timezone,
    /// PARAM_PATH
    Path,
    /// PARAM_FILE
    File,
    /// PARAM_EMAIL
    Email,
    /// PARAM_URL
    Url,
}

impl Ty {
    /// The PARAM_* constant value.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Int => "int",
            Ty::Bool => "bool",
            Ty::Float => "float",
            Ty::Alpha => "alpha",
            Ty::AlphaNum => "alphanum",
            Ty::AlphaNumExt => "alphanumext",
            Ty::Raw => "raw",
            Ty::RawTrimmed => "raw_trimmed",
            Ty::NoTags => "notags",
            Ty::Text => "text",
            Ty::Username => "username",
            Ty::Plugin => "plugin",
            Ty::Auth => "auth",
            Ty::Lang => "lang",
            Ty::Theme => "theme",
            Ty::Timezone => "timezone",
            Ty::Path => "path",
            Ty::File => "file",
            Ty::Email => "email",
            Ty::Url => "url",
        }
    }
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `clean_param()` for the supported types (string domain).
pub fn clean(v: &str, ty: Ty) -> String {
    match ty {
        Ty::Int => {
            // PHP (int) cast: leading whitespace, sign, digits
            let t = v.trim_start();
            let mut end = 0;
            for (i, c) in t.char_indices() {
                if c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+')) {
                    end = i + c.len_utf8();
                } else {
                    break;
                }
            }
            t[..end].parse::<i64>().unwrap_or(0).to_string()
        }
        Ty::Float => v
            .trim()
            .parse::<f64>()
            .map(|f| f.to_string())
            .unwrap_or_else(|_| "0".into()),
        Ty::Bool => match v.trim().to_ascii_lowercase().as_str() {
            "1" | "yes" | "true" | "on" => "1".into(),
            _ => "0".into(),
        },
        Ty::Alpha => v.chars().filter(|c| c.is_ascii_alphabetic()).collect(),
        Ty::AlphaNum => v.chars().filter(|c| c.is_ascii_alphanumeric()).collect(),
        Ty::AlphaNumExt => v
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect(),
        Ty::Raw | Ty::Timezone | Ty::Url => v.to_owned(),
        Ty::RawTrimmed => v.trim().to_owned(),
        Ty::NoTags | Ty::Text => strip_tags(v),
        Ty::Username => v
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '@' | '_'))
            .collect(),
        Ty::Plugin | Ty::Auth => {
            let c: String = v
                .chars()
                .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if c.chars().next().is_some_and(|f| f.is_ascii_lowercase()) {
                c
            } else {
                String::new()
            }
        }
        Ty::Lang => {
            if v == "en" {
                v.to_owned()
            } else {
                String::new()
            }
        }
        Ty::Theme => {
            if v == "boost" || v == "classic" || v.is_empty() {
                v.to_owned()
            } else {
                String::new()
            }
        }
        Ty::Path | Ty::File => {
            let bad = |c: char| {
                c.is_control()
                    || matches!(c, '"' | '*' | ':' | '<' | '>' | '?' | '\\' | '|')
                    || (ty == Ty::File && c == '/')
            };
            let c: String = v.chars().filter(|c| !bad(*c)).collect();
            if ty == Ty::File && c == ".." { String::new() } else { c }
        }
        Ty::Email => {
            if crate::functions::users::validate_email(v) {
                v.to_owned()
            } else {
                String::new()
            }
        }
    }
}

/// Parameter requirement.
#[derive(Debug, Clone, PartialEq)]
pub enum Req {
    /// VALUE_REQUIRED
    Required,
    /// VALUE_OPTIONAL
    Optional,
    /// VALUE_DEFAULT with this default (already typed)
    Default(V),
}

/// A validated value.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// null (default null)
    Null,
    /// PARAM_BOOL
    Bool(bool),
    /// PARAM_INT
    Int(i64),
    /// PARAM_FLOAT
    Float(f64),
    /// text types
    Str(String),
    /// multiple structure
    List(Vec<V>),
    /// single structure (only present keys)
    Obj(Vec<(String, V)>),
}

impl V {
    /// Key of a single structure.
    pub fn get(&self, k: &str) -> Option<&V> {
        match self {
            V::Obj(o) => o.iter().find(|(kk, _)| kk == k).map(|(_, v)| v),
            _ => None,
        }
    }
    /// Int value.
    pub fn int(&self) -> Option<i64> {
        match self {
            V::Int(i) => Some(*i),
            _ => None,
        }
    }
    /// Bool value.
    pub fn bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
    /// String value.
    pub fn str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
    /// List items.
    pub fn list(&self) -> &[V] {
        match self {
            V::List(l) => l,
            _ => &[],
        }
    }
    /// Int key.
    pub fn get_int(&self, k: &str) -> Option<i64> {
        self.get(k).and_then(V::int)
    }
    /// String key.
    pub fn get_str(&self, k: &str) -> Option<&str> {
        self.get(k).and_then(V::str)
    }
}

/// An `external_description`.
#[derive(Debug, Clone)]
pub enum Desc {
    /// external_value
    Value(Ty, Req),
    /// external_single_structure
    Single(Vec<(&'static str, Desc)>, Req),
    /// external_multiple_structure
    Multiple(Box<Desc>, Req),
}

impl Desc {
    fn req(&self) -> &Req {
        match self {
            Desc::Value(_, r) | Desc::Single(_, r) | Desc::Multiple(_, r) => r,
        }
    }
}

/// Shorthands used in function declarations.
pub mod d {
    use super::{Desc, Req, Ty, V};
    /// required value
    pub fn req(t: Ty) -> Desc {
        Desc::Value(t, Req::Required)
    }
    /// optional value
    pub fn opt(t: Ty) -> Desc {
        Desc::Value(t, Req::Optional)
    }
    /// defaulted value
    pub fn def(t: Ty, v: V) -> Desc {
        Desc::Value(t, Req::Default(v))
    }
    /// required single structure
    pub fn single(keys: Vec<(&'static str, Desc)>) -> Desc {
        Desc::Single(keys, Req::Required)
    }
    /// optional single structure
    pub fn single_opt(keys: Vec<(&'static str, Desc)>) -> Desc {
        Desc::Single(keys, Req::Optional)
    }
    /// required list
    pub fn list(c: Desc) -> Desc {
        Desc::Multiple(Box::new(c), Req::Required)
    }
    /// optional list
    pub fn list_opt(c: Desc) -> Desc {
        Desc::Multiple(Box::new(c), Req::Optional)
    }
    /// list defaulting to `[]`
    pub fn list_def(c: Desc) -> Desc {
        Desc::Multiple(Box::new(c), Req::Default(V::List(Vec::new())))
    }
}

fn php_scalar_text(p: &PVal) -> String {
    match p {
        PVal::Str(s) => s.clone(),
        PVal::Map(_) => "Array".to_owned(),
    }
}

/// `validate_parameters` of one description level. Errors are debuginfo texts.
pub fn validate(desc: &Desc, p: &PVal) -> Result<V, String> {
    match desc {
        Desc::Value(ty, _) => {
            let PVal::Str(s) = p else {
                return Err("Scalar type expected, array or object received.".to_owned());
            };
            if *ty == Ty::Bool && (s == "0" || s == "1") {
                return Ok(V::Bool(s == "1"));
            }
            let cleaned = clean(s, *ty);
            let ok = match ty {
                Ty::Float => s.trim().parse::<f64>().is_ok(),
                _ => cleaned == *s,
            };
            if !ok {
                return Err(format!(
                    "Invalid external api parameter: the value is \"{s}\", the server was expecting \"{}\" type",
                    ty.name()
                ));
            }
            Ok(match ty {
                Ty::Int => V::Int(s.parse().unwrap_or(0)),
                Ty::Bool => V::Bool(cleaned == "1"),
                Ty::Float => V::Float(s.trim().parse().unwrap_or(0.0)),
                _ => V::Str(cleaned),
            })
        }
        Desc::Single(keys, _) => {
            let PVal::Map(m) = p else {
                return Err(format!(
                    "Only arrays accepted. The bad value is: '{}'",
                    php_scalar_text(p)
                ));
            };
            let mut remaining: Vec<&(String, PVal)> = m.iter().collect();
            let mut out = Vec::with_capacity(keys.len());
            for (k, sub) in keys {
                match remaining.iter().position(|(kk, _)| kk == k) {
                    None => match sub.req() {
                        Req::Required => {
                            return Err(format!("Missing required key in single structure: {k}"));
                        }
                        Req::Default(v) => out.push(((*k).to_owned(), v.clone())),
                        Req::Optional => {}
                    },
                    Some(i) => {
                        let (_, val) = remaining.remove(i);
                        match validate(sub, val) {
                            Ok(v) => out.push(((*k).to_owned(), v)),
                            Err(e) => {
                                return Err(format!("{k} => Invalid parameter value detected: {e}"));
                            }
                        }
                    }
                }
            }
            if !remaining.is_empty() {
                let names: Vec<&str> = remaining.iter().map(|(k, _)| k.as_str()).collect();
                return Err(format!(
                    "Unexpected keys ({}) detected in parameter array.",
                    names.join(", ")
                ));
            }
            Ok(V::Obj(out))
        }
        Desc::Multiple(content, _) => {
            let PVal::Map(m) = p else {
                return Err(format!(
                    "Only arrays accepted. The bad value is: '{}'",
                    php_scalar_text(p)
                ));
            };
            let mut out = Vec::with_capacity(m.len());
            for (_, item) in m {
                out.push(validate(content, item)?);
            }
            Ok(V::List(out))
        }
    }
}

/// Validate the function parameters (top level single structure).
pub fn validate_params(desc: &Desc, params: Vec<(String, PVal)>) -> Result<V, WsError> {
    validate(desc, &PVal::Map(params)).map_err(WsError::invalid_parameter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets() {
        let t = parse_form(decode(
            "users%5B0%5D%5Bemail%5D=a%40x&users%5B0%5D%5Bname%5D=b&users%5B1%5D%5Bemail%5D=c&x=1&v[]=1&v[]=2",
        ));
        let u = t.iter().find(|(k, _)| k == "users").map(|(_, v)| v).cloned().unwrap();
        assert_eq!(
            u.get("0").and_then(|x| x.get("email")).and_then(PVal::as_str),
            Some("a@x")
        );
        let v = t.iter().find(|(k, _)| k == "v").map(|(_, v)| v).cloned().unwrap();
        assert_eq!(v.get("1").and_then(PVal::as_str), Some("2"));
    }

    #[test]
    fn validation_texts() {
        let desc = d::single(vec![(
            "users",
            d::list(d::single(vec![
                ("username", d::req(Ty::Username)),
                ("email", d::req(Ty::RawTrimmed)),
            ])),
        )]);
        let p = parse_form(decode("users[0][username]=JDoe&users[0][email]=x"));
        assert_eq!(
            validate(&desc, &PVal::Map(p)).unwrap_err(),
            "users => Invalid parameter value detected: username => Invalid parameter value detected: Invalid external api parameter: the value is \"JDoe\", the server was expecting \"username\" type"
        );
        let p = parse_form(decode("users[0][username]=jdoe"));
        assert_eq!(
            validate(&desc, &PVal::Map(p)).unwrap_err(),
            "users => Invalid parameter value detected: Missing required key in single structure: email"
        );
        let p = parse_form(decode("foo=1&bar=2"));
        assert_eq!(
            validate(&d::single(vec![]), &PVal::Map(p)).unwrap_err(),
            "Unexpected keys (foo, bar) detected in parameter array."
        );
        assert!(validate(&d::req(Ty::Int), &PVal::Str("3a".into())).is_err());
        assert_eq!(validate(&d::req(Ty::Int), &PVal::Str("-3".into())).unwrap(), V::Int(-3));
    }
}
