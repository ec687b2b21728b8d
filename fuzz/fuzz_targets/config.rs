//! The configuration loader: arbitrary UTF-8 as TOML through
//! `mm_engine::config::Config::from_toml(text, path, |_| None)`.
//!
//! Promises checked: nothing panics; an error is a parse error naming the file or an invalid
//! value naming its key, never a read error; an accepted configuration keeps its invariants.
//! Secrets: every `…token = "…"` / `…secret = "…"` value of the text is replaced by a canary
//! (alone, and appended to the original value, so that `enc:v1:` and `whsec_` prefixes still
//! reach their decoders) and the text loaded again: neither the error's message nor its
//! `Debug`, nor an accepted configuration's `Debug`, may contain the canary.
//!
//! Hermetic: the loader reads `*_file` paths; relative ones resolve under a folder that does
//! not exist, and an input naming an absolute `*_file` path is skipped (`/dev/zero` or a FIFO
//! would hang the fuzzer, not the loader's parsing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_engine::config::{Config, ConfigError};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::path::Path;

const ORIGIN: &str = "/nonexistent-mm-fuzz/fuzz.toml";

/// The canary: derived from the input, so that the fuzzer, which learns the strings the harness
/// compares with, cannot write it into another field of a later input (a fixed canary was
/// learnt within minutes, then came back through a URL or a key, after normalisation).
fn canary(text: &str) -> String {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    format!("Cnry{:016x}", h.finish())
}

/// Whether the text, as TOML, names an absolute path under a `*_file` key anywhere.
fn reads_absolute_files(text: &str) -> bool {
    fn walk(v: &toml::Value) -> bool {
        match v {
            toml::Value::Table(t) => t.iter().any(|(k, v)| {
                (k.ends_with("_file") && v.as_str().is_some_and(|p| Path::new(p).is_absolute())) || walk(v)
            }),
            toml::Value::Array(a) => a.iter().any(walk),
            _ => false,
        }
    }
    text.parse::<toml::Table>().is_ok_and(|t| walk(&toml::Value::Table(t)))
}

/// Byte ranges of the values of `…token = "…"` and `…secret = "…"` lines (basic or literal
/// strings without escapes).
fn secret_values(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if let Some((key, rest)) = line.split_once('=') {
            let key = key.trim().trim_matches(['"', '\'']);
            let leaf = key.rsplit('.').next().unwrap_or(key).trim().trim_matches(['"', '\'']);
            let value_at = start + (line.len() - rest.len());
            let value = rest.trim_start();
            let skipped = rest.len() - value.len();
            if (leaf.ends_with("token") || leaf.ends_with("secret"))
                && let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = value[1..].find(q)
            {
                let inner = &value[1..1 + end];
                if !inner.contains('\\') && !inner.contains(q) {
                    let from = value_at + skipped + 1;
                    out.push(from..from + inner.len());
                }
            }
        }
        start += line.len();
    }
    out
}

/// Whether, in a text that is valid TOML, the canary is only in `…token` / `…secret` values:
/// a line that looked like one may be inside a multi-line string of another key, whose value
/// an error may quote. (Text that is not TOML is checked as it is: the parser's message must
/// not quote the line.)
fn canary_only_in_secrets(text: &str, canary: &str) -> bool {
    fn walk(canary: &str, key: &str, v: &toml::Value) -> bool {
        match v {
            toml::Value::String(s) => !s.contains(canary) || key.ends_with("token") || key.ends_with("secret"),
            toml::Value::Table(t) => t.iter().all(|(k, v)| !k.contains(canary) && walk(canary, k, v)),
            toml::Value::Array(a) => a.iter().all(|v| walk(canary, "", v)),
            _ => true,
        }
    }
    text.parse::<toml::Table>()
        .map_or(true, |t| walk(canary, "", &toml::Value::Table(t)))
}

fn replace(text: &str, ranges: &[Range<usize>], with: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 20);
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.push_str(&with(&text[r.clone()]));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

fn check(result: &Result<Config, ConfigError>) {
    match result {
        Ok(c) => {
            assert!(c.worker.batch_size > 0 && c.worker.max_attempts > 0, "{c:?}");
            assert!(matches!(c.public_url.scheme(), "http" | "https"), "{c:?}");
            for m in &c.moodle {
                assert!(matches!(m.url.scheme(), "http" | "https"), "{}", m.url);
                assert!(m.url.username().is_empty() && m.url.password().is_none(), "{}", m.url);
            }
            for m in &c.mappings {
                assert!(
                    c.moodle.iter().any(|s| s.name == m.site),
                    "a mapping to an undeclared site"
                );
            }
        }
        Err(e) => {
            let text = e.to_string();
            match e {
                ConfigError::Parse { path, message } => {
                    assert_eq!(path.as_path(), Path::new(ORIGIN));
                    assert!(!message.trim().is_empty(), "{text}");
                }
                ConfigError::Invalid { key, message } => {
                    assert!(!key.is_empty() && text.contains(key.as_str()), "{text}");
                    assert!(!message.trim().is_empty(), "{text}");
                }
                ConfigError::Read { .. } => panic!("from_toml reads no configuration file: {text}"),
            }
        }
    }
}

fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml(text, Path::new(ORIGIN), |_| None)
}

fn shown(result: &Result<Config, ConfigError>) -> String {
    match result {
        Ok(c) => format!("{c:?}"),
        Err(e) => format!("{e} {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if reads_absolute_files(text) {
        return;
    }
    check(&load(text));

    let secrets = secret_values(text);
    let canary = canary(text);
    if secrets.is_empty() || text.contains(&canary) {
        return;
    }
    for variant in [
        replace(text, &secrets, |_| canary.clone()),
        replace(text, &secrets, |v| format!("{v}{canary}")),
    ] {
        if reads_absolute_files(&variant) || !canary_only_in_secrets(&variant, &canary) {
            continue;
        }
        let result = load(&variant);
        check(&result);
        let out = shown(&result);
        assert!(!out.contains(&canary), "a secret value in {out}\n--- input:\n{variant}");
    }
});
