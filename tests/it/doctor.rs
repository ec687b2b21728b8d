//! `moodle-management doctor`: the binary run against the simulators, as an admin runs it after
//! installing, names what is wrong with its fix and exits 0 / 1 / 2.

use crate::kit::binary::run;
use crate::kit::world;
use mm_demo::DemoWorld;

/// Runs `doctor --config <file holding toml>` (plus `extra`) off the runtime, which serves the
/// simulators meanwhile: (exit code, stdout).
async fn doctor(dir: &tempfile::TempDir, toml: &str, extra: &[&str]) -> (i32, String) {
    let cfg = dir.path().join("doctor.toml");
    std::fs::write(&cfg, toml).unwrap();
    let mut args = vec!["doctor".to_string(), "--config".into(), cfg.to_str().unwrap().into()];
    args.extend(extra.iter().map(|a| a.to_string()));
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    })
    .await
    .unwrap();
    assert!(!stdout.is_empty(), "doctor printed nothing; stderr: {stderr}");
    (code, stdout)
}

/// The demo world's configuration with every function of the default service but
/// `enrol_manual_enrol_users` for its Moodle token, and a FacturaScripts key the source refuses.
fn broken_config(world: &DemoWorld) -> String {
    let mut functions: Vec<String> = mm_sim_moodle::functions::recorded_service().into_iter().collect();
    functions.extend(mm_moodle::site::PROGRESS_FUNCTIONS.iter().map(|f| f.to_string()));
    functions.retain(|f| f != "enrol_manual_enrol_users");
    let functions: Vec<&str> = functions.iter().map(String::as_str).collect();
    let lacking = world.moodle.add_token(2, Some(&functions));
    let fs_token = world.fs.token().to_string();
    let wrong_key = "0".repeat(fs_token.len());
    assert!(world.config_text.contains(&world.moodle.token()) && world.config_text.contains(&fs_token));
    world
        .config_text
        .replace(&world.moodle.token(), &lacking)
        .replace(&fs_token, &wrong_key)
}

#[tokio::test]
async fn an_installation_that_works_is_all_good() {
    let (dir, db) = world::sqlite("doctor.sqlite");
    let world = world::start(&db, "1h").await;
    let (code, out) = doctor(&dir, &world.config_text, &[]).await;
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains('✗') && !out.contains("\n!"), "{out}");
    assert!(out.contains("✓ site:main [site_ready]"), "{out}");
    assert!(out.contains("✓ source:erp [source_ready]"), "{out}");
    assert!(out.contains("all good"), "{out}");
    // A dry run: neither the configuration's mappings nor a poll cursor were stored.
    let store = mm_engine::open_store(&db).await.unwrap();
    assert!(store.mappings().await.unwrap().is_empty());
    assert_eq!(store.cursor("erp").await.unwrap(), None);
    assert!(world.moodle.enrolments().is_empty());
}

#[tokio::test]
async fn a_missing_function_a_disabled_manual_enrolment_and_a_wrong_key_are_named_with_their_fixes() {
    let (dir, db) = world::sqlite("doctor.sqlite");
    let world = world::start(&db, "1h").await;
    let sql = world.course_id("SQL101").unwrap();
    world
        .moodle
        .set_manual_instance(sql, mm_sim_moodle::ManualInstance::Disabled);
    let toml = broken_config(&world);
    let fs_requests = world.fs.request_count();

    let (code, out) = doctor(&dir, &toml, &[]).await;
    assert_eq!(code, 2, "{out}");
    let line_and_fix = |code: &str| -> (String, String) {
        let mut lines = out.lines();
        let line = lines
            .by_ref()
            .find(|l| l.contains(&format!("[{code}]")))
            .unwrap_or_else(|| panic!("no {code} in {out}"));
        let fix = lines.next().unwrap_or_default();
        assert!(line.starts_with('✗'), "{line}");
        assert!(fix.starts_with("    fix: "), "{code} has its fix below: {out}");
        (line.to_string(), fix.to_string())
    };
    let (line, fix) = line_and_fix("function_missing");
    assert!(
        line.contains("site:main") && line.contains("enrol_manual_enrol_users"),
        "{line}"
    );
    assert!(fix.contains("External services"), "{fix}");
    let (line, fix) = line_and_fix("manual_enrolment_disabled");
    assert!(line.contains("SQL101") && line.contains(&format!("id={sql}")), "{line}");
    assert!(fix.contains("enable Manual enrolments"), "{fix}");
    let (line, fix) = line_and_fix("source_key_refused");
    assert!(line.contains("source:erp"), "{line}");
    assert!(fix.contains("API key"), "{fix}");
    // One refusal, not one per resource: FacturaScripts bans an IP after five.
    assert_eq!(world.fs.request_count() - fs_requests, 1, "{out}");

    // A second run asks FacturaScripts nothing: the refusal is in force.
    let (code, json) = doctor(&dir, &toml, &["--json"]).await;
    assert_eq!(code, 2, "{json}");
    assert_eq!(world.fs.request_count() - fs_requests, 1, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in ["function_missing", "manual_enrolment_disabled", "source_cooling_down"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error" || f["fix"].is_string()),
        "{json}"
    );
}

#[tokio::test]
async fn a_configuration_that_does_not_load_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = doctor(&dir, "[database]\nurl = 3\n", &["--json"]).await;
    assert_eq!(code, 2, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"][0]["code"], "config_invalid", "{out}");
    assert_eq!(report["findings"][0]["area"], "config", "{out}");
}

#[tokio::test]
async fn an_smtp_server_that_does_not_answer_is_an_error_with_its_fix() {
    let (dir, db) = world::sqlite("doctor.sqlite");
    let world = world::start(&db, "1h").await;
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let toml = format!(
        "{}[smtp]\nurl = \"smtp://127.0.0.1:{port}?tls=none\"\nfrom = \"Academy <no-reply@example.org>\"\ntimeout = \"2s\"\n",
        world.config_text
    );
    let (code, out) = doctor(&dir, &toml, &[]).await;
    assert_eq!(code, 2, "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("✗ smtp [smtp_connection]"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains(&port.to_string()), "{line}");
    assert!(
        out.contains("    fix: check [smtp] url and that the server is up"),
        "{out}"
    );
    assert!(
        out.contains("✓ site:main [site_ready]"),
        "the rest is still checked: {out}"
    );
}
