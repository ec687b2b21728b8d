//! Every word a page shows comes from the catalogues: a template that holds a literal
//! user-visible string (text between tags, or a `placeholder`, `title`, `alt`, `aria-label`
//! attribute) fails here, so no page is half-translated.

use std::path::Path;

/// Words that are the same in every language.
const UNTRANSLATED: &[&str] = &["MoodleManagement", "SHA-256", "keys.json"];

/// Removes `{{ … }}`, `{% … %}` and `{# … #}`.
fn without_template_code(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find(['{']) {
        let closing = match rest[start..].chars().nth(1) {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                out.push_str(&rest[..=start]);
                rest = &rest[start + 1..];
                continue;
            }
        };
        out.push_str(&rest[..start]);
        let end = rest[start..].find(closing).map_or(rest.len(), |e| start + e + 2);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The literal words of a template: text outside tags and the shown attributes' values.
fn literal_words(source: &str) -> Vec<String> {
    let plain = without_template_code(source);
    let mut words = Vec::new();
    let mut rest = plain.as_str();
    while !rest.is_empty() {
        let (text, tag) = match rest.find('<') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        words.extend(text.split_whitespace().map(str::to_owned));
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        for attribute in ["placeholder=\"", "title=\"", "alt=\"", "aria-label=\""] {
            if let Some(at) = tag[..end].find(attribute) {
                let value = &tag[at + attribute.len()..end];
                words.extend(
                    value[..value.find('"').unwrap_or(0)]
                        .split_whitespace()
                        .map(str::to_owned),
                );
            }
        }
        rest = &tag[end..];
    }
    words
        .into_iter()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .filter(|w| !w.starts_with('&') && !UNTRANSLATED.contains(&w.as_str()))
        // `<!doctype html>`'s text is markup.
        .filter(|w| w != "html")
        .collect()
}

#[test]
fn no_template_holds_a_literal_user_visible_string() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("templates") {
        let path = entry.expect("entry").path();
        let source = std::fs::read_to_string(&path).expect("read");
        let words = literal_words(&source);
        if !words.is_empty() {
            offenders.push(format!("{}: {words:?}", path.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "literal strings in templates:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_finds_text_and_shown_attributes_but_not_code_or_markup() {
    let found = literal_words(
        r#"<h1>Jobs</h1><p>{{ c.t("x") }}</p><input placeholder="Search" name="q" value="{{ v }}">{% if a %}<b>{{ b }}</b>{% endif %} &rarr; <a title="{{ c.t("y") }}">·</a>"#,
    );
    assert_eq!(found, ["Jobs", "Search"]);
}
