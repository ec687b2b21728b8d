//! Property tests of the configuration loader: whatever the file (and the `MM_` environment)
//! says, `Config::from_toml` never panics. It returns a configuration that keeps its
//! invariants, or an error naming the file (a TOML syntax or type error) or the key at fault.

use mm_engine::config::{Config, ConfigError};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

const EXAMPLE: &str = include_str!("../../config.example.toml");
/// In a folder that does not exist, so that a relative `token_file` reads nothing.
const ORIGIN: &str = "/nonexistent-mm-fuzz/fuzz.toml";

/// Where an `Invalid` error may point: a key of the file, or the environment variable used.
const KEY_PREFIXES: &[&str] = &[
    "server.",
    "database.",
    "log.",
    "worker.",
    "drift.",
    "progress.",
    "certificates.",
    "smtp.",
    "moodle[",
    "source[",
    "mapping[",
    "MM_",
];

/// Values that hit the validation paths: empty, zero, negative, huge, wrong types, bad URLs,
/// durations, secrets, course references, addresses.
const VALUES: &[&str] = &[
    "\"\"",
    "\" \"",
    "\"x\"",
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999",
    "1.5",
    "nan",
    "inf",
    "true",
    "[]",
    "[\"a\", \"b\"]",
    "{}",
    "{ a = 1 }",
    "\"0s\"",
    "\"1ns\"",
    "\"999999999999999999999y\"",
    "\"18446744073709551615s\"",
    "\"5 parsecs\"",
    "\"http://\"",
    "\"ftp://lms.example.org\"",
    "\"https://user:pass@lms.example.org\"",
    "\"http://[::1\"",
    "\"http://169.254.169.254/latest\"",
    "\"javascript:alert(1)\"",
    "\"sqlite:\"",
    "\"sqlite://\"",
    "\"postgres://\"",
    "\"mysql://db\"",
    "\"whsec_\"",
    "\"whsec_!!!!\"",
    "\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"",
    "[\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\", \"nope\"]",
    "\"id:\"",
    "\"id:-5\"",
    "\"idnumber:\"",
    "\"shortname:\"",
    "\"unenrol\"",
    "\"json\"",
    "\"0.0.0.0:0\"",
    "\"[::]:99999\"",
    "\"localhost:8080\"",
    "\"main\"",
    "\"webhook\"",
    "\"facturascripts\"",
    "\"a b\"",
    "\"\\u0000\"",
    "\"é\"",
    "'literal'",
    "\"\"\"multi\nline\"\"\"",
    "1979-05-27T07:32:00Z",
];

const LINES: &[&str] = &[
    "[server]",
    "[database]",
    "[log]",
    "[worker]",
    "[drift]",
    "[[moodle]]",
    "[[source]]",
    "[[mapping]]",
    "[moodle]",
    "[[server]]",
    "[unknown]",
    "name = \"main\"",
    "name = \"erp\"",
    "kind = \"webhook\"",
    "secret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"",
    "url = \"https://lms.example.org\"",
    "token = \"t\"",
    "token_file = \"missing-token\"",
    "secret_file = \"missing-secret\"",
    "product = \"REF-001\"",
    "moodle = \"other\"",
    "course = \"id:42\"",
    "unknown_key = 1",
    "x = ",
    "= 1",
    "\"quoted\" = 2",
    "a.b.c = 3",
];

/// The key at fault is named: in the file's error (its path), or as the key of `Invalid`.
fn check_error(e: &ConfigError) -> Result<(), TestCaseError> {
    let text = e.to_string();
    let _ = format!("{e:?}");
    match e {
        ConfigError::Parse { path, message } => {
            prop_assert_eq!(path.as_path(), Path::new(ORIGIN));
            prop_assert!(text.contains("fuzz.toml"), "the file is named: {}", text);
            prop_assert!(!message.trim().is_empty(), "{}", text);
        }
        ConfigError::Invalid { key, message } => {
            prop_assert!(
                KEY_PREFIXES.iter().any(|p| key.starts_with(p)),
                "the error names a key: {:?} ({})",
                key,
                text
            );
            prop_assert!(text.contains(key.as_str()), "{}", text);
            prop_assert!(!message.trim().is_empty(), "{}", text);
        }
        ConfigError::Read { .. } => prop_assert!(false, "from_toml reads no configuration file: {}", text),
    }
    Ok(())
}

/// What a configuration that was accepted guarantees.
fn check_config(c: &Config) -> Result<(), TestCaseError> {
    prop_assert!(c.worker.batch_size > 0 && c.worker.max_attempts > 0);
    prop_assert!(c.worker.paused_site_check >= Duration::from_secs(1));
    prop_assert!(
        c.database_url.starts_with("sqlite:")
            || c.database_url.starts_with("postgres://")
            || c.database_url.starts_with("postgresql://")
            || c.database_url.starts_with("mysql://")
            || c.database_url.starts_with("mariadb://")
    );
    prop_assert!(matches!(c.public_url.scheme(), "http" | "https"));
    for m in &c.moodle {
        prop_assert!(matches!(m.url.scheme(), "http" | "https"), "{}", m.url);
        prop_assert!(m.url.username().is_empty() && m.url.password().is_none());
        prop_assert!((1..=1000).contains(&m.batch_size) && (1..=64).contains(&m.concurrency));
    }
    for s in &c.sources {
        prop_assert!(!s.name().is_empty());
    }
    for m in &c.mappings {
        prop_assert!(
            c.moodle.iter().any(|s| s.name == m.site),
            "mapping to an undeclared site"
        );
        prop_assert!(!m.product.trim().is_empty());
    }
    let _ = format!("{c:?}");
    Ok(())
}

fn load(text: &str, env: &HashMap<String, String>) -> Result<(), TestCaseError> {
    match Config::from_toml(text, Path::new(ORIGIN), |k| env.get(k).cloned()) {
        Ok(c) => check_config(&c),
        Err(e) => check_error(&e),
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(prop::sample::Index),
    Duplicate(prop::sample::Index),
    Swap(prop::sample::Index, prop::sample::Index),
    /// The value of a `key = value` line.
    SetValue(prop::sample::Index, String),
    Insert(prop::sample::Index, String),
    Truncate(prop::sample::Index),
    /// Arbitrary characters inside a line.
    Splice(prop::sample::Index, prop::sample::Index, String),
    /// Drop comments (so that `SetValue` can hit every key).
    StripComment(prop::sample::Index),
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(VALUES).prop_map(str::to_owned),
        1 => "[ -~]{0,20}".prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        1 => ".{0,12}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Delete),
        1 => any::<Index>().prop_map(Mutation::Duplicate),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        4 => (any::<Index>(), value()).prop_map(|(i, v)| Mutation::SetValue(i, v)),
        2 => (any::<Index>(), prop_oneof![prop::sample::select(LINES).prop_map(str::to_owned), ".{0,30}"])
            .prop_map(|(i, l)| Mutation::Insert(i, l)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), any::<Index>(), ".{0,6}").prop_map(|(l, c, s)| Mutation::Splice(l, c, s)),
        1 => any::<Index>().prop_map(Mutation::StripComment),
    ]
}

fn apply(lines: &mut Vec<String>, m: &Mutation) {
    if lines.is_empty() {
        return;
    }
    match m {
        Mutation::Delete(i) => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::Duplicate(i) => {
            let i = i.index(lines.len());
            lines.insert(i, lines[i].clone());
        }
        Mutation::Swap(a, b) => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
        }
        Mutation::SetValue(i, v) => {
            let keyed: Vec<usize> = (0..lines.len())
                .filter(|&n| !lines[n].trim_start().starts_with('#') && lines[n].contains(" = "))
                .collect();
            if !keyed.is_empty() {
                let n = keyed[i.index(keyed.len())];
                if let Some((k, _)) = lines[n].split_once(" = ") {
                    lines[n] = format!("{k} = {v}");
                }
            }
        }
        Mutation::Insert(i, l) => lines.insert(i.index(lines.len() + 1), l.clone()),
        Mutation::Truncate(i) => lines.truncate(i.index(lines.len() + 1)),
        Mutation::Splice(l, c, s) => {
            let n = l.index(lines.len());
            let line = &mut lines[n];
            let chars: Vec<char> = line.chars().collect();
            let at = c.index(chars.len() + 1);
            *line = chars[..at]
                .iter()
                .chain(s.chars().collect::<Vec<_>>().iter())
                .chain(chars[at..].iter())
                .collect();
        }
        Mutation::StripComment(i) => {
            let n = i.index(lines.len());
            let line = &mut lines[n];
            if let Some(at) = line.find("  #") {
                line.truncate(at);
            }
        }
    }
}

fn env_strategy() -> impl Strategy<Value = HashMap<String, String>> {
    let names = prop::sample::select(vec![
        "MM_SERVER_LISTEN",
        "MM_SERVER_PUBLIC_URL",
        "MM_DATABASE_URL",
        "MM_LOG_FORMAT",
        "MM_LOG_LEVEL",
        "MM_MOODLE_MAIN_TOKEN",
        "MM_SOURCE_ERP_TOKEN",
        "MM_SOURCE_ERP_SECRET",
    ]);
    let values = prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "127.0.0.1:1",
            "[::1]:8080",
            "nope",
            "http://x",
            "sqlite::memory:",
            "postgres://h/db",
            "json",
            "yaml",
            "token",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_x whsec_y",
        ])
        .prop_map(str::to_owned),
        ".{0,16}",
    ];
    prop::collection::hash_map(names.prop_map(str::to_owned), values, 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text at all.
    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        load(&text, &HashMap::new())?;
    }

    /// Text made of TOML-looking lines: reaches the validation far more often than noise.
    #[test]
    fn toml_shaped_text_never_panics(
        lines in prop::collection::vec(
            prop_oneof![
                prop::sample::select(LINES).prop_map(str::to_owned),
                (prop::sample::select(vec!["listen", "url", "name", "kind", "token", "duration", "course", "secret",
                    "batch_size", "poll_interval", "on_revoke", "format", "lease", "max_attempts", "interval"]),
                 value()).prop_map(|(k, v)| format!("{k} = {v}")),
            ],
            0..24,
        ),
        env in env_strategy(),
    ) {
        load(&lines.join("\n"), &env)?;
    }

    /// config.example.toml with one to four mutations, and an arbitrary environment.
    #[test]
    fn mutated_example_never_panics(muts in prop::collection::vec(mutation(), 1..5), env in env_strategy()) {
        let mut lines: Vec<String> = EXAMPLE.lines().map(str::to_owned).collect();
        for m in &muts {
            apply(&mut lines, m);
        }
        load(&lines.join("\n"), &env)?;
    }
}

#[test]
fn the_example_loads_as_it_is() {
    let c = Config::from_toml(EXAMPLE, Path::new(ORIGIN), |_| None).expect("config.example.toml");
    assert_eq!(c.moodle.len(), 1);
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.mappings.len(), 1);
    assert_eq!(c.worker.lease, Duration::from_secs(120));
}

/// Every `key = value` line of the example (comments dropped) set to every value of the
/// corpus: 30 keys × 53 values today.
#[test]
fn every_key_of_the_example_with_every_odd_value() {
    let lines: Vec<String> = EXAMPLE
        .lines()
        .map(|l| l.split_once("  #").map_or(l, |(code, _)| code).trim_end().to_owned())
        .collect();
    let keyed: Vec<usize> = (0..lines.len())
        .filter(|&n| !lines[n].starts_with('#') && lines[n].contains(" = "))
        .collect();
    assert!(keyed.len() >= 20, "{} keys", keyed.len());
    let env: HashMap<String, String> = HashMap::new();
    let mut refused = 0;
    for &n in &keyed {
        for v in VALUES {
            let mut mutated = lines.clone();
            let Some((k, _)) = lines[n].split_once(" = ") else {
                continue;
            };
            mutated[n] = format!("{k} = {v}");
            let text = mutated.join("\n");
            match Config::from_toml(&text, Path::new(ORIGIN), |k| env.get(k).cloned()) {
                Ok(c) => check_config(&c).unwrap_or_else(|e| panic!("{k} = {v}: {e}")),
                Err(e) => {
                    refused += 1;
                    check_error(&e).unwrap_or_else(|err| panic!("{k} = {v}: {err}"));
                    // A refused value of a plain key is reported at that key, or by the file.
                    let shown = e.to_string();
                    let leaf = k.trim();
                    assert!(
                        shown.contains(leaf) || shown.contains("fuzz.toml") || is_reference(leaf),
                        "{k} = {v}: the error does not say where: {shown}"
                    );
                }
            }
        }
    }
    assert!(refused > keyed.len() * 10, "most odd values are refused ({refused})");
}

/// Keys whose bad value surfaces at the key that refers to them (`mapping.moodle` names a site).
fn is_reference(key: &str) -> bool {
    key == "name"
}
