//! An ordered `application/x-www-form-urlencoded` builder with PHP bracket-notation helpers.
//!
//! Why not serialize a struct: Moodle decodes into PHP arrays, so nested keys must be spelled
//! `users[0][customfields][0][type]`; keys must keep a stable order (we compare bodies with the
//! recorded ones byte for byte); and an absent optional key must stay absent (sending an empty
//! value is not the same thing to Moodle). Encoding is the WHATWG form serializer
//! (`url::form_urlencoded`), which gives exactly the recorded `%5B`/`%5D`/`%40`/`%2F`.

/// The parameters of one call, in order. `Debug` shows keys only: values may hold passwords.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.pairs.iter().map(|(k, _)| k)).finish()
    }
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Build a form from raw pairs (for [`crate::MoodleClient::call_raw`]).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self {
            pairs: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        }
    }

    /// Parse an urlencoded string into pairs (keeps order).
    pub fn parse(encoded: &str) -> Self {
        Self::from_pairs(url::form_urlencoded::parse(encoded.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())))
    }

    /// Append a text value.
    pub fn text(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.pairs.push((key.into(), value.into()));
        self
    }

    /// Append an integer.
    pub fn int(&mut self, key: impl Into<String>, value: i64) -> &mut Self {
        self.text(key, value.to_string())
    }

    /// Append a PARAM_BOOL as `1`/`0` (Moodle rejects `true`/`false`).
    pub fn bool(&mut self, key: impl Into<String>, value: bool) -> &mut Self {
        self.text(key, if value { "1" } else { "0" })
    }

    /// Write keys under `prefix`, e.g. `scope("users[0]")` then `.text("email", …)` gives
    /// `users[0][email]`.
    pub fn scope(&mut self, prefix: impl Into<String>) -> Scope<'_> {
        Scope {
            form: self,
            prefix: prefix.into(),
        }
    }

    /// Write a list element: `item("users", 3)` scopes to `users[3]`.
    pub fn item(&mut self, list: &str, index: usize) -> Scope<'_> {
        self.scope(format!("{list}[{index}]"))
    }

    /// `values[0]=a&values[1]=b`.
    pub fn list<S: AsRef<str>>(&mut self, key: &str, values: &[S]) -> &mut Self {
        for (i, v) in values.iter().enumerate() {
            self.text(format!("{key}[{i}]"), v.as_ref());
        }
        self
    }

    /// The pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Is there no parameter?
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Append all pairs to a serializer.
    pub(crate) fn append_to(&self, s: &mut url::form_urlencoded::Serializer<'_, String>) {
        for (k, v) in &self.pairs {
            s.append_pair(k, v);
        }
    }

    /// The urlencoded parameters alone.
    pub fn encode(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        self.append_to(&mut s);
        s.finish()
    }
}

/// Keys written under a prefix; see [`Form::scope`].
pub struct Scope<'a> {
    form: &'a mut Form,
    prefix: String,
}

impl Scope<'_> {
    fn key(&self, k: &str) -> String {
        format!("{}[{k}]", self.prefix)
    }

    /// `prefix[key]=value`.
    pub fn text(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        let k = self.key(key);
        self.form.text(k, value);
        self
    }

    /// Text only when present.
    pub fn opt_text(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.text(key, v);
        }
        self
    }

    /// An integer.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        self.text(key, value.to_string())
    }

    /// A PARAM_BOOL as `1`/`0`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.text(key, if value { "1" } else { "0" })
    }

    /// A nested scope: `prefix[key]`.
    pub fn scope(&mut self, key: &str) -> Scope<'_> {
        let prefix = self.key(key);
        Scope {
            form: self.form,
            prefix,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_notation_and_encoding() {
        let mut f = Form::new();
        f.item("users", 0)
            .text("email", "a@b.org")
            .scope("customfields")
            .text("type", "x y");
        f.bool("flag", true).list("values", &["1/2", "%"]);
        assert_eq!(
            f.encode(),
            "users%5B0%5D%5Bemail%5D=a%40b.org&users%5B0%5D%5Bcustomfields%5D%5Btype%5D=x+y&flag=1&values%5B0%5D=1%2F2&values%5B1%5D=%25"
        );
    }

    #[test]
    fn debug_hides_values() {
        let mut f = Form::new();
        f.text("password", "hunter2");
        assert!(!format!("{f:?}").contains("hunter2"));
    }

    #[test]
    fn parse_roundtrip() {
        let s = "a%5B0%5D=x%40y&b=1";
        assert_eq!(Form::parse(s).encode(), s);
    }
}
