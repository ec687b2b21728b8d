//! The binary as users run it, and the web server as a browser sees it.

use crate::kit::binary::{BIN, run};
use crate::kit::http::{free_port, get, get_as, get_with_cookie, session_cookie};
use crate::kit::world;
use axum::http::StatusCode;
use mm_core::Role;
use std::process::Command;

#[test]
fn demo_check_converges_and_prints_one_summary_line() {
    let (code, stdout, stderr) = run(&["demo", "--check"]);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("demo --check: converged"), "{stdout}");
    assert!(
        lines[0].contains("invoices seen") && lines[0].contains("Moodle calls"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reconcile_once_from_a_config_file_exits_zero_when_converged() {
    let (dir, db) = world::sqlite("r.sqlite");
    let world = world::start(&db, "30s").await;
    world.seed_invoices().unwrap();
    let mut toml = String::new();
    toml.push_str(&format!("[database]\nurl = \"{db}\"\n"));
    toml.push_str(&format!(
        "[[moodle]]\nname = \"main\"\nurl = \"{}\"\ntoken_file = \"moodle.token\"\nallow_private_network = true\n",
        world.moodle_url
    ));
    toml.push_str(&format!(
        "[[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"{}\"\nallow_private_network = true\n",
        world.fs_url
    ));
    toml.push_str("[[mapping]]\nproduct = \"PY-101\"\nmoodle = \"main\"\ncourse = \"PY101\"\nduration = \"30d\"\n");
    std::fs::write(dir.path().join("moodle.token"), world.moodle.token()).unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, toml).unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let fs_token = world.fs.token().to_string();

    // The FacturaScripts key comes from the environment, as the config documents.
    let first = tokio::task::spawn_blocking({
        let cfg = cfg.clone();
        let fs_token = fs_token.clone();
        move || {
            Command::new(BIN)
                .args(["reconcile", "--once", "--config", &cfg])
                .env("MM_SOURCE_ERP_TOKEN", &fs_token)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("converged: Moodle matches the invoices"), "{stdout}");
    assert!(
        stdout.contains("held: invoice"),
        "the walk-in customer without email is reported: {stdout}"
    );
    assert!(
        !stdout.contains(&fs_token) && !stdout.contains(&world.moodle.token()),
        "secrets never printed"
    );
    let enrolled = world
        .moodle
        .enrolments()
        .iter()
        .filter(|e| e.course_shortname == "PY101")
        .count();
    assert!(enrolled >= 2, "PY-101 buyers enrolled: {enrolled}");

    // Without the key, the run refuses to start and says where the key can come from.
    let missing = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["reconcile", "--once", "--config", &cfg])
            .env_remove("MM_SOURCE_ERP_TOKEN")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_ne!(missing.status.code(), Some(0));
    assert!(stderr.contains("MM_SOURCE_ERP_TOKEN"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reconcile_once_exits_non_zero_when_moodle_refuses() {
    let (_dir, db) = world::sqlite("r.sqlite");
    let world = world::start(&db, "30s").await;
    let id = world.invoice(&world.customers[0].0, &["PY-101"]).unwrap();
    world.fs.pay(id, true).unwrap();
    // The course's manual enrolment method is disabled: Moodle answers wsnoinstance.
    let course = world.course_id("PY101").unwrap();
    world
        .moodle
        .set_manual_instance(course, mm_sim_moodle::ManualInstance::Disabled);
    let app = world::app(&world).await;
    let report = app.reconcile_once().await.unwrap();
    assert!(!report.converged());
    assert_eq!(report.failing.len(), 1, "{report:?}");
    assert!(report.failing[0].contains("wsnoinstance"), "{}", report.failing[0]);
    assert!(
        report.failing[0].contains("fix:"),
        "an admin-facing fix is given: {}",
        report.failing[0]
    );
    let text = report.describe();
    assert!(text.contains("NOT converged"), "{text}");
}

#[test]
fn a_bad_config_is_refused_with_the_key_and_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[server]\nlisten = \"127.0.0.1:8080\"\nlistn = \"oops\"\n").unwrap();
    let (code, _, stderr) = run(&["migrate", "--config", cfg.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(stderr.contains("listn"), "{stderr}");
    let (code, _, stderr) = run(&["migrate", "--config", "/nonexistent/config.toml"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("/nonexistent/config.toml"), "{stderr}");
}

#[test]
fn migrate_creates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, format!("[database]\nurl = \"sqlite://{}\"\n", db.display())).unwrap();
    let (code, stdout, stderr) = run(&["migrate", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("migrated"));
    assert!(db.exists());
}

#[test]
fn the_first_admin_is_added_from_the_command_line_and_a_weak_password_is_refused() {
    use crate::kit::binary::run_with;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let db = dir.path().join("u.sqlite");
    std::fs::write(&cfg, format!("[database]\nurl = \"sqlite://{}\"\n", db.display())).unwrap();
    let cfg = cfg.to_str().unwrap();
    let (code, stdout, stderr) = run(&["user", "add", "--role", "admin", "Boss@Example.com", "--config", cfg]);
    assert_eq!(code, 0, "{stderr}");
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap_or_else(|| panic!("a generated password is printed once: {stdout}"));
    assert!(password.len() >= 20, "{password}");
    let weak = run_with(
        &[
            "user",
            "add",
            "--role",
            "viewer",
            "v@example.com",
            "--password-stdin",
            "--config",
            cfg,
        ],
        &[],
        "short\n",
    );
    assert_ne!(weak.code, 0);
    assert!(weak.stderr.contains("at least 12 characters"), "{}", weak.stderr);
    let (code, stdout, _) = run(&["user", "list", "--config", cfg]);
    assert_eq!(code, 0);
    assert!(stdout.contains("boss@example.com\tadmin"), "{stdout}");
    assert!(!stdout.contains("v@example.com"), "{stdout}");
    let (code, _, stderr) = run(&["user", "disable", "boss@example.com", "--config", cfg]);
    assert_ne!(code, 0, "the last admin cannot be disabled");
    assert!(stderr.contains("last enabled admin"), "{stderr}");
}

#[tokio::test]
async fn the_web_pages_show_enrolments_with_their_cause() {
    let (_dir, db) = world::sqlite("w.sqlite");
    let world = world::start(&db, "30s").await;
    world.seed_invoices().unwrap();
    let app = world::app(&world).await;
    app.reconcile_once().await.unwrap();

    assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
    assert_eq!(get(&app, "/readyz").await.0, StatusCode::OK);
    let (status, headers, page) = get_as(&app, "/enrolments", Role::Viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("content-security-policy").is_some());
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(page.contains("ada@example.org"), "learners listed");
    assert!(page.contains("line"), "causes listed");
    assert!(page.contains("no learner email"), "holds listed");
    let (_, _, json) = get_as(&app, "/api/enrolments", Role::Viewer).await;
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ada = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["learner"] == "ada@example.org")
        .unwrap();
    assert_eq!(ada["applied_status"], "active");
    assert!(ada["entitlement"]["causes"][0]["invoice_number"].is_string());
    let (_, _, jobs) = get_as(&app, "/api/jobs", Role::Viewer).await;
    assert!(jobs.contains("\"dead\":[]"), "{jobs}");
    assert_eq!(get(&app, "/nope").await.0, StatusCode::NOT_FOUND);

    // The database goes away: not ready, and the answer leaks nothing.
    let cookie = session_cookie(&app, Role::Viewer).await;
    app.store().close().await;
    let (status, _, body) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"]["database"]["status"], "unreachable");
    assert_eq!(body["checks"]["database"]["detail"], "database unreachable");
    let (status, _, body) = get_with_cookie(&app, "/api/enrolments", &cookie).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("sqlite"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_converges_logs_json_without_secrets_and_stops_cleanly_on_sigterm() {
    let (dir, db) = world::sqlite("s.sqlite");
    let listen = free_port();
    let world = world::start_on(&db, listen, "1s").await;
    let paid = world.seed_invoices().unwrap();
    let cfg = dir.path().join("serve.toml");
    // The demo's configuration, as a file: same service, same simulators, logging everything.
    let toml = format!("{}[log]\nlevel = \"trace\"\n", world.config_text);
    std::fs::write(&cfg, toml).unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .args(["--log-json", "serve", "--config", cfg.to_str().unwrap()])
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    // Drain the log as it comes, or a full pipe would block the service.
    let mut log_pipe = child.stderr.take().unwrap();
    let log = tokio::spawn(async move {
        let mut buf = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut log_pipe, &mut buf)
            .await
            .unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    });
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut ready = false;
    while std::time::Instant::now() < deadline {
        let healthy = http
            .get(format!("http://{listen}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        let enrolled = world.moodle.enrolments().len();
        if healthy && enrolled >= paid.len() {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // A new paid invoice while it runs is picked up by the poller.
    let late = world.invoice(&world.customers[5].0, &["DATA-201"]).unwrap();
    world.fs.pay(late, true).unwrap();
    let email = &world.customers[5].1;
    let mut picked_up = false;
    while ready && std::time::Instant::now() < deadline {
        if world
            .moodle
            .enrolments()
            .iter()
            .any(|e| &e.email == email && e.course_shortname == "DATA201")
        {
            picked_up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    let stderr = log.await.unwrap();
    assert!(
        ready,
        "serve did not converge in time; log:\n{}",
        &stderr[stderr.len().saturating_sub(4000)..]
    );
    assert!(picked_up, "a new paid invoice was not enrolled while serving");
    assert_eq!(status.code(), Some(0), "clean exit on SIGTERM");
    assert!(stderr.lines().count() > 20, "trace logging is on");
    for line in stderr.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
    }
    for secret in [world.moodle.token(), world.fs.token().to_string()] {
        assert!(!stderr.contains(&secret), "a token leaked into the logs");
    }
    assert!(stderr.contains("stopped"), "shutdown is logged");
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_shows_each_change_with_its_reason_and_changes_nothing() {
    let (dir, db) = world::sqlite("p.sqlite");
    let world = world::start(&db, "30s").await;
    world.seed_invoices().unwrap();
    let cfg = dir.path().join("plan.toml");
    let toml = world.config_text.clone();
    std::fs::write(&cfg, toml).unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let plan = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let out = Command::new(BIN).args(&args).output().unwrap();
            (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
        })
    };
    let (code, text) = plan(vec!["plan".into(), "--config".into(), cfg.clone()]).await.unwrap();
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Moodle `main`:"), "{text}");
    assert!(
        text.contains("enrol") && text.contains("ada@example.org") && text.contains("because invoice"),
        "{text}"
    );
    assert!(text.contains("held: invoice"), "{text}");
    assert!(text.contains("nothing was changed in Moodle"), "{text}");
    assert!(world.moodle.enrolments().is_empty(), "plan changed Moodle");
    let writes = world.moodle.request_counts();
    assert!(!writes.contains_key("enrol_manual_enrol_users") && !writes.contains_key("core_user_create_users"));

    // The first plan recorded nothing (#14): without polling there is nothing to plan from yet.
    let (_, json) = plan(vec![
        "plan".into(),
        "--config".into(),
        cfg.clone(),
        "--json".into(),
        "--no-poll".into(),
    ])
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 0, "{json}");
    let (_, json) = plan(vec!["plan".into(), "--config".into(), cfg.clone(), "--json".into()])
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = v["changes"].as_array().unwrap().len();
    assert!(n > 10, "{json}");
    assert!(
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["change"] == "enrol" && c["reason"].is_string())
    );

    let app = world::app(&world).await;
    app.reconcile_once().await.unwrap();
    drop(app);
    let (_, after) = plan(vec!["plan".into(), "--config".into(), cfg, "--no-poll".into()])
        .await
        .unwrap();
    assert!(after.contains("0 changes planned"), "{after}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_job_is_listed_with_its_fix_and_retried_once_fixed() {
    let (dir, db) = world::sqlite("j.sqlite");
    let world = world::start(&db, "30s").await;
    let id = world.invoice(&world.customers[0].0, &["PY-101"]).unwrap();
    world.fs.pay(id, true).unwrap();
    let course = world.course_id("PY101").unwrap();
    world
        .moodle
        .set_manual_instance(course, mm_sim_moodle::ManualInstance::Disabled);
    let app = world::app(&world).await;
    assert!(!app.reconcile_once().await.unwrap().converged());
    let cfg = dir.path().join("j.toml");
    std::fs::write(&cfg, format!("[database]\nurl = \"{db}\"\n")).unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let jobs = |args: &[&str]| {
        let out = Command::new(BIN).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, list) = jobs(&["jobs", "--config", &cfg]);
    assert_eq!(code, Some(0));
    assert!(list.contains("1 dead"), "{list}");
    assert!(
        list.contains("dead main/PY101/ada@example.org") && list.contains("wsnoinstance"),
        "{list}"
    );
    let (code, bad) = jobs(&["jobs", "retry", "not-a-key", "--config", &cfg]);
    assert_ne!(code, Some(0), "{bad}");

    // The admin enables the enrolment method, then retries.
    world
        .moodle
        .set_manual_instance(course, mm_sim_moodle::ManualInstance::Enabled);
    let (_, retried) = jobs(&["jobs", "retry", "main/PY101/ada@example.org", "--config", &cfg]);
    assert!(retried.contains("1 dead jobs queued again"), "{retried}");
    assert!(app.reconcile_once().await.unwrap().converged());
    assert_eq!(world.moodle.enrolments().len(), 1);
}
