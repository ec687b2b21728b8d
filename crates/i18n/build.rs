//! Lists the locales (one folder with a `main.ftl` under `locales/`) so that adding a language
//! is dropping a folder: `Locale::all()` and negotiation pick it up without a code change.

use std::fmt::Write as _;
use std::path::Path;

const FALLBACK: &str = "en-GB";

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let mut tags: Vec<String> = std::fs::read_dir(Path::new("locales"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|entry| entry.path().join("main.ftl").is_file())
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    tags.sort();
    let Some(fallback) = tags.iter().position(|tag| tag == FALLBACK) else {
        panic!("crates/i18n/locales/{FALLBACK}/main.ftl is missing: it is the fallback locale");
    };
    let mut out =
        String::from("/// Every locale with a `locales/<tag>/main.ftl`, sorted.\npub(crate) const TAGS: &[&str] = &[");
    for tag in &tags {
        let _ = write!(out, "{tag:?}, ");
    }
    out.push_str("];\n/// One [`Locale`] per tag, in the same order.\npub(crate) const ALL: &[Locale] = &[");
    for index in 0..tags.len() {
        let _ = write!(out, "Locale({index}), ");
    }
    let _ = write!(
        out,
        "];\n/// The index of `{FALLBACK}` in [`TAGS`].\npub(crate) const FALLBACK_INDEX: usize = {fallback};\n"
    );
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("locales.rs"), out) {
        panic!("cannot write the locale list: {e}");
    }
}
