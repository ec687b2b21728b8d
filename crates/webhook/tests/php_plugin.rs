//! The FacturaScripts companion plugin signs in PHP; this runs its signing code with the
//! system `php` and checks the Rust verifier agrees, so the two can never drift apart.
//!
//! Without `php` on PATH the tests print a loud skip note and pass, unless
//! `MM_REQUIRE_PHP=1` (set it in CI, with Debian's `php-cli` installed), where they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_webhook::{Event, Headers, Secret, Verifier, parse_event};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_764_064_800;

fn plugin_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../integrations/facturascripts/MoodleManagement")
}

/// `true` if `php` can run; otherwise skips loudly or fails under `MM_REQUIRE_PHP=1`.
fn php_available(test: &str) -> bool {
    let ok = Command::new("php")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if std::env::var("MM_REQUIRE_PHP").as_deref() == Ok("1") {
        panic!(
            "MM_REQUIRE_PHP=1 but `php` is not on PATH: install it (Debian: `apt-get install -y php-cli`) \
             to check the FacturaScripts plugin's signing against the Rust verifier"
        );
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !! SKIPPED {test}: `php` is not on PATH, so the FacturaScripts plugin's\n\
         !! signing was NOT checked. Install php-cli, or set MM_REQUIRE_PHP=1 to fail.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    false
}

/// Runs `code` after `require`-ing the plugin's mm_webhook.php; inputs go in as env vars so
/// no quoting can alter a body byte.
fn php(code: &str, env: &[(&str, &str)]) -> Output {
    let script = format!("require getenv('MM_PLUGIN_FILE'); {code}");
    let mut cmd = Command::new("php");
    cmd.arg("-d").arg("display_errors=stderr").arg("-r").arg(script);
    cmd.env("MM_PLUGIN_FILE", plugin_dir().join("mm_webhook.php"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("php runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "php failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn php_sign(secret: &str, id: &str, ts: i64, body: &str) -> String {
    let ts = ts.to_string();
    stdout(&php(
        "echo mm_sign(getenv('S'), getenv('I'), (int) getenv('T'), getenv('B'));",
        &[("S", secret), ("I", id), ("T", &ts), ("B", body)],
    ))
}

fn verifier(secret: &str) -> Verifier {
    Verifier::new(vec![Secret::parse(secret).expect("secret")]).expect("verifier")
}

#[test]
fn php_sources_parse() {
    if !php_available("php_sources_parse") {
        return;
    }
    let dir = plugin_dir();
    for file in ["mm_webhook.php", "Init.php", "Worker/MoodleManagementHint.php"] {
        let out = Command::new("php")
            .arg("-l")
            .arg(dir.join(file))
            .output()
            .expect("php -l");
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn php_matches_the_reference_vector() {
    if !php_available("php_matches_the_reference_vector") {
        return;
    }
    let sig = php_sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1_614_265_330,
        r#"{"test": 2432232314}"#,
    );
    assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

#[test]
fn php_signatures_verify_in_rust_and_only_with_the_right_secret() {
    if !php_available("php_signatures_verify_in_rust_and_only_with_the_right_secret") {
        return;
    }
    let bodies = [
        r#"{"type":"invoice.hint","data":{"id":"1"}}"#,
        "{\"name\": \"Ñandú – “quoted” \\u00e9\", \"x\": \"a\\nb\"}\n",
        "  spaces and\ttabs  ",
        "$dollar 'single' \"double\" \\back\\slash",
    ];
    for body in bodies {
        let sig = php_sign(SECRET, "msg_php", NOW, body);
        let ts = NOW.to_string();
        let headers = Headers {
            id: Some("msg_php"),
            timestamp: Some(&ts),
            signature: Some(&sig),
        };
        verifier(SECRET)
            .verify(&headers, body.as_bytes(), NOW)
            .unwrap_or_else(|e| panic!("PHP signature for {body:?} refused: {e}"));
        let err = verifier(OTHER_SECRET)
            .verify(&headers, body.as_bytes(), NOW)
            .expect_err("other secret");
        assert_eq!(err.status(), 401);
    }
}

#[test]
fn plugin_hint_request_is_accepted_end_to_end() {
    if !php_available("plugin_hint_request_is_accepted_end_to_end") {
        return;
    }
    let ts = NOW.to_string();
    let out = stdout(&php(
        "echo json_encode(mm_hint_request(getenv('URL'), 'shop', getenv('S'), '123', 'Model.FacturaCliente.Paid', (int) getenv('T'), 'msg_0123456789abcdef'));",
        &[("URL", "https://mm.example/"), ("S", SECRET), ("T", &ts)],
    ));
    let request: Value = serde_json::from_str(&out).expect("php printed JSON");
    assert_eq!(request["url"], "https://mm.example/webhooks/shop");
    let header = |name: &str| request["headers"][name].as_str().map(str::to_owned);
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    let (id, tsh, sig) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let headers = Headers {
        id: id.as_deref(),
        timestamp: tsh.as_deref(),
        signature: sig.as_deref(),
    };
    let body = request["body"].as_str().expect("body string");

    let delivery = verifier(SECRET)
        .verify(&headers, body.as_bytes(), NOW + 30)
        .expect("plugin delivery verifies");
    assert_eq!(delivery.id, "msg_0123456789abcdef");
    assert_eq!(delivery.timestamp, NOW);
    assert_eq!(
        parse_event("shop", body.as_bytes()),
        Ok(Event::Hint { id: "123".into() })
    );

    assert_eq!(
        verifier(OTHER_SECRET)
            .verify(&headers, body.as_bytes(), NOW)
            .map_err(|e| e.status()),
        Err(401)
    );
}

#[test]
fn php_refuses_a_bad_secret_without_echoing_it() {
    if !php_available("php_refuses_a_bad_secret_without_echoing_it") {
        return;
    }
    let bad = "sk_live_not_a_webhook_secret";
    let out = php(
        "try { mm_sign(getenv('S'), 'm', 1, 'b'); echo 'signed'; } catch (InvalidArgumentException $e) { echo 'refused: ', $e->getMessage(); }",
        &[("S", bad)],
    );
    let text = stdout(&out);
    assert!(text.starts_with("refused: "), "{text}");
    assert!(!text.contains(bad), "the error must not echo the secret: {text}");
}
