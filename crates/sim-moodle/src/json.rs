//! An ordered JSON value: Moodle's `clean_returnvalue` emits keys in the order of the
//! `*_returns()` description, and clients (and our contract test) see that order.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// Ordered JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// integer
    Int(i64),
    /// float
    Float(f64),
    /// string
    Str(String),
    /// array
    Arr(Vec<J>),
    /// object, keys in insertion order
    Obj(Vec<(String, J)>),
    /// A declared `VALUE_OPTIONAL` key that is absent: omitted from JSON objects,
    /// `<VALUE null="null"/>` in XML (Moodle's XML encoder walks the description).
    Absent,
}

impl J {
    /// Empty object.
    pub fn obj() -> Self {
        J::Obj(Vec::new())
    }

    /// Append a key (builder style).
    pub fn with(mut self, k: &str, v: impl Into<J>) -> Self {
        if let J::Obj(v0) = &mut self {
            v0.push((k.to_owned(), v.into()));
        }
        self
    }

    /// Append a key in place.
    pub fn push(&mut self, k: &str, v: impl Into<J>) {
        if let J::Obj(v0) = self {
            v0.push((k.to_owned(), v.into()));
        }
    }

    /// Serialize to a JSON string.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".to_owned())
    }

    /// Convert to a `serde_json::Value` (key order lost unless the feature is on).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl From<&str> for J {
    fn from(s: &str) -> Self {
        J::Str(s.to_owned())
    }
}
impl From<String> for J {
    fn from(s: String) -> Self {
        J::Str(s)
    }
}
impl From<&String> for J {
    fn from(s: &String) -> Self {
        J::Str(s.clone())
    }
}
impl From<i64> for J {
    fn from(v: i64) -> Self {
        J::Int(v)
    }
}
impl From<i32> for J {
    fn from(v: i32) -> Self {
        J::Int(i64::from(v))
    }
}
impl From<u32> for J {
    fn from(v: u32) -> Self {
        J::Int(i64::from(v))
    }
}
impl From<f64> for J {
    fn from(v: f64) -> Self {
        J::Float(v)
    }
}
impl From<bool> for J {
    fn from(v: bool) -> Self {
        J::Bool(v)
    }
}
impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> Self {
        J::Arr(v)
    }
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> Self {
        v.map_or(J::Null, Into::into)
    }
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Null | J::Absent => s.serialize_unit(),
            J::Bool(b) => s.serialize_bool(*b),
            J::Int(i) => s.serialize_i64(*i),
            J::Float(f) => s.serialize_f64(*f),
            J::Str(t) => s.serialize_str(t),
            J::Arr(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for x in a {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            J::Obj(o) => {
                let n = o.iter().filter(|(_, v)| *v != J::Absent).count();
                let mut m = s.serialize_map(Some(n))?;
                for (k, v) in o {
                    if *v != J::Absent {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
        }
    }
}

fn xml_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Escape for XML text (htmlspecialchars).
pub fn xml_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    xml_escape(s, &mut o);
    o
}

fn xml_value(v: &J, out: &mut String) {
    let scalar = |t: &str, out: &mut String| {
        out.push_str("<VALUE>");
        xml_escape(t, out);
        out.push_str("</VALUE>\n");
    };
    match v {
        J::Null | J::Absent => out.push_str("<VALUE null=\"null\"/>\n"),
        J::Bool(b) => scalar(if *b { "1" } else { "0" }, out),
        J::Int(i) => scalar(&i.to_string(), out),
        J::Float(f) => scalar(&f.to_string(), out),
        J::Str(t) => scalar(t, out),
        J::Arr(a) => {
            out.push_str("<MULTIPLE>\n");
            for x in a {
                xml_value(x, out);
            }
            out.push_str("</MULTIPLE>\n");
        }
        J::Obj(o) => {
            out.push_str("<SINGLE>\n");
            for (k, x) in o {
                out.push_str("<KEY name=\"");
                xml_escape(k, out);
                out.push_str("\">");
                xml_value(x, out);
                out.push_str("</KEY>\n");
            }
            out.push_str("</SINGLE>\n");
        }
    }
}

/// The REST server's XML success body (`webservice_rest_server::send_response`).
pub fn to_xml_response(v: &J) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n");
    if *v != J::Null {
        xml_value(v, &mut out);
    }
    out.push_str("</RESPONSE>\n");
    out
}
