//! README's "Connecting a real Moodle" lists exactly the capabilities of
//! [`mm_moodle::CAPABILITIES`], each marked checked at start exactly when the start check
//! probes it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mm_moodle::{CAPABILITIES, Probe};
use std::collections::BTreeMap;

const README: &str = include_str!("../../../README.md");

/// Capability → "checked at start" of the README's table.
fn readme_capabilities() -> BTreeMap<String, bool> {
    let start = README.find("### Connecting a real Moodle").expect("the section");
    let section = &README[start..];
    let section = &section[..section[4..].find("\n### ").map_or(section.len(), |i| i + 4)];
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
            let name = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            (name.contains('/') && name.contains(':')).then(|| (name.to_string(), cells.last() == Some(&"yes")))
        })
        .collect()
}

#[test]
fn the_readme_lists_exactly_the_capabilities_the_start_check_knows() {
    let readme = readme_capabilities();
    let code: BTreeMap<String, bool> = CAPABILITIES
        .iter()
        .map(|c| (c.name.to_string(), c.probe != Probe::NotProbeable))
        .collect();
    assert_eq!(
        readme, code,
        "README table (capability → checked at start) vs mm_moodle::CAPABILITIES"
    );
}
