//! The FacturaScripts companion plugin signs in PHP; this runs its signing code with the
//! system `php` and checks the Rust verifier agrees, so the two can never drift apart.
//!
//! Without `php` on PATH the tests print a loud skip note and pass, unless
//! `MM_REQUIRE_PHP=1` (set it in CI, with Debian's `php-cli` installed), where they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use mm_webhook::{Event, Headers, Secret, Verifier, parse_event};
use serde_json::Value;
use std::path::{Path, PathBuf};
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
    let files = php_files(&plugin_dir());
    assert!(files.len() >= 5, "plugin PHP files: {files:?}");
    for file in files {
        let out = Command::new("php").arg("-l").arg(&file).output().expect("php -l");
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

fn php_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("plugin dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files.extend(php_files(&path));
        } else if path.extension().is_some_and(|e| e == "php") {
            files.push(path);
        }
    }
    files
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

// ---- The plugin inside FacturaScripts: loading, the settings tab, one hint per invoice ----

/// FacturaScripts 2026.65, the release the contract was checked on (Core/Kernel.php::version).
const FS_CHECKED_VERSION: f64 = 2026.65;

/// `key = value` lines of an ini file, quotes stripped (what parse_ini_string gives here).
fn ini(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .expect("read ini")
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches(['\'', '"']).to_owned()))
        .collect()
}

/// PHP's floatval: the leading number, 0 when there is none.
fn floatval(text: &str) -> f64 {
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (c == '.' && !text[..i].contains('.'))))
        .map_or(text.len(), |(i, _)| i);
    text[..end].parse().unwrap_or(0.0)
}

/// Core/Internal/Plugin.php::checkCompatibility (FacturaScripts 2026.65), `min_version` being
/// `floatval($data['min_version'] ?? 0)`:
///
/// ```php
/// if (Kernel::version() < $this->min_version) { $this->compatible = false; ... 'plugin-needs-fs-version'
/// // si la versión requerida es menor que 2025, no es compatible
/// if ($this->min_version < 2025) { $this->compatible = false; ... 'plugin-not-compatible'
/// ```
fn fs_loads(fs_version: f64, min_version: f64) -> bool {
    fs_version >= min_version && min_version >= 2025.0
}

#[test]
fn plugin_loads_on_the_facturascripts_versions_its_readme_claims() {
    let fields = ini(&plugin_dir().join("facturascripts.ini"));
    let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(
        field("name"),
        Some("MoodleManagement"),
        "the folder name FacturaScripts expects"
    );
    let min_version = floatval(field("min_version").unwrap_or(""));

    let readme = std::fs::read_to_string(plugin_dir().join("../README.md")).expect("plugin README");
    let claim = readme
        .split("Requires FacturaScripts ")
        .nth(1)
        .and_then(|rest| rest.split_once(" or later"))
        .map(|(version, _)| floatval(version))
        .expect("the plugin README says `Requires FacturaScripts <version> or later`");

    for fs_version in [claim, FS_CHECKED_VERSION] {
        assert!(
            fs_loads(fs_version, min_version),
            "FacturaScripts {fs_version} refuses the plugin: min_version = {min_version} in facturascripts.ini \
             (it needs min_version >= 2025 and <= the running version; the README claims {claim})"
        );
    }
    assert!(
        !fs_loads(claim - 1.0, min_version),
        "the README claims {claim} but the plugin also loads on older releases: claim the oldest one"
    );
}

#[test]
fn settings_tabs_have_a_label_in_every_translation() {
    let dir = plugin_dir();
    let translations: Vec<(String, Value)> = std::fs::read_dir(dir.join("Translation"))
        .map(|entries| {
            entries
                .map(|e| e.expect("dir entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .map(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
                    let json = serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("JSON");
                    (name, json)
                })
                .collect()
        })
        .unwrap_or_default();
    for lang in ["en_EN.json", "es_ES.json"] {
        assert!(
            translations.iter().any(|(name, _)| name == lang),
            "Translation/{lang} missing: FacturaScripts does not fall back to another language, \
             so its users would see raw keys"
        );
    }
    // Core/Controller/EditSettings.php titles the SettingsX tab Tools::trans(strtolower("X")).
    let tabs: Vec<String> = std::fs::read_dir(dir.join("XMLView"))
        .expect("XMLView")
        .filter_map(|e| {
            let name = e.expect("dir entry").file_name().to_string_lossy().into_owned();
            Some(name.strip_prefix("Settings")?.strip_suffix(".xml")?.to_lowercase())
        })
        .collect();
    assert_eq!(tabs, ["moodlemanagement"]);
    for (lang, json) in &translations {
        for key in &tabs {
            let label = json[key].as_str().unwrap_or("");
            assert!(
                !label.is_empty() && label != key,
                "Translation/{lang}: no label for `{key}`"
            );
        }
    }
}

/// One HTTP request as the capture server received it.
#[derive(Debug)]
struct Captured {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Captured {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A one-thread HTTP server on loopback answering 204 to everything and keeping what it got,
/// standing in for MoodleManagement's /webhooks endpoint.
struct CaptureServer {
    url: String,
    addr: std::net::SocketAddr,
    thread: std::thread::JoinHandle<Vec<Captured>>,
}

const STOP_PATH: &str = "/__stop";

impl CaptureServer {
    fn start() -> CaptureServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let thread = std::thread::spawn(move || {
            let mut got = Vec::new();
            for stream in listener.incoming() {
                let request = read_request(&mut stream.expect("accept"));
                if request.path == STOP_PATH {
                    break;
                }
                got.push(request);
            }
            got
        });
        CaptureServer {
            url: format!("http://{addr}"),
            addr,
            thread,
        }
    }

    /// Everything received until now (call once the PHP process has exited).
    fn stop(self) -> Vec<Captured> {
        let mut s = std::net::TcpStream::connect(self.addr).expect("connect to stop");
        std::io::Write::write_all(&mut s, format!("GET {STOP_PATH} HTTP/1.0\r\n\r\n").as_bytes()).expect("stop");
        self.thread.join().expect("capture thread")
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Captured {
    use std::io::{Read, Write};
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut buf).expect("read head");
        assert!(n > 0, "connection closed before the headers ended");
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).expect("read body");
        assert!(n > 0, "connection closed before the body ended");
        body.extend_from_slice(&buf[..n]);
    }
    let _ = stream.write_all(b"HTTP/1.0 204 No Content\r\nContent-Length: 0\r\n\r\n");
    Captured { path, headers, body }
}

/// Runs `code` with the FacturaScripts stubs and the plugin's Init loaded, the plugin pointed
/// at `service_url` with [`SECRET`] as source `erp` through config.php constants.
fn run_in_stub_facturascripts(service_url: &str, code: &str) -> Output {
    let dir = plugin_dir();
    let stubs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/php/fs_stubs.php");
    let script = format!(
        "require getenv('MM_STUBS'); require getenv('MM_PLUGIN_DIR') . '/Init.php';
         define('MM_WEBHOOK_SERVICE_URL', getenv('URL')); define('MM_WEBHOOK_SECRET', getenv('S'));
         define('MM_WEBHOOK_SOURCE', 'erp');
         use FacturaScripts\\Dinamic\\Model\\FacturaCliente; use FacturaScripts\\Dinamic\\Model\\ReciboCliente;
         (new FacturaScripts\\Plugins\\MoodleManagement\\Init())->init();
         {code}"
    );
    Command::new("php")
        .arg("-d")
        .arg("display_errors=stderr")
        .arg("-r")
        .arg(script)
        .env("MM_STUBS", stubs)
        .env("MM_PLUGIN_DIR", dir)
        .env("URL", service_url)
        .env("S", SECRET)
        .output()
        .expect("php runs")
}

/// Verifies a captured delivery as the service does and returns the hinted invoice id.
fn verified_hint(request: &Captured) -> String {
    assert_eq!(request.path, "/webhooks/erp");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let timestamp = request.header("webhook-timestamp").expect("timestamp");
    let headers = Headers {
        id: request.header("webhook-id"),
        timestamp: Some(timestamp),
        signature: request.header("webhook-signature"),
    };
    let now: i64 = timestamp.parse().expect("unix seconds");
    verifier(SECRET)
        .verify(&headers, &request.body, now)
        .expect("the Rust verifier accepts the plugin's delivery");
    match parse_event("erp", &request.body) {
        Ok(Event::Hint { id }) => id,
        other => panic!("not an invoice.hint: {other:?}"),
    }
}

#[test]
fn paying_an_invoice_sends_exactly_one_signed_hint_at_the_end_of_the_request() {
    if !php_available("paying_an_invoice_sends_exactly_one_signed_hint_at_the_end_of_the_request") {
        return;
    }
    let server = CaptureServer::start();
    // A payment as api/3/pagarFacturaCliente and the invoice editor make it: the invoice is
    // saved, each of its receipts is saved paid (flipping `pagada` by SQL), the invoice is
    // updated; then another invoice is deleted. Nothing leaves before the request ends.
    let out = run_in_stub_facturascripts(
        &server.url,
        "$invoice = new FacturaCliente(['idfactura' => 42]);
         $invoice->save();
         foreach ([1, 2, 3] as $n) { (new ReciboCliente(['idrecibo' => $n, 'idfactura' => 42, 'pagado' => true]))->save(); }
         $invoice->update(['pagada' => true]);
         (new FacturaCliente(['idfactura' => 7]))->delete();
         echo 'request done';",
    );
    let got = server.stop();
    assert!(
        out.status.success(),
        "php failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "request done");
    let ids: Vec<String> = got.iter().map(verified_hint).collect();
    assert_eq!(ids, ["42", "7"], "one hint per changed invoice, in the order changed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("LOG"),
        "nothing to log when all hints are accepted: {stderr}"
    );
}

#[test]
fn an_unreachable_service_is_logged_without_the_secret_and_does_not_fail_the_save() {
    if !php_available("an_unreachable_service_is_logged_without_the_secret_and_does_not_fail_the_save") {
        return;
    }
    // a port nobody listens on: bound, then released
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let out = run_in_stub_facturascripts(
        &format!("http://{closed}"),
        "var_export((new FacturaCliente(['idfactura' => 9]))->save());
         (new FacturaCliente(['idfactura' => 10]))->save(); (new FacturaCliente(['idfactura' => 11]))->delete();
         echo ' saved';",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "true saved");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // one attempt per request: a hung service must not cost one timeout per invoice
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("LOG ")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("LOG moodlemanagement warning: MoodleManagement hint for invoice 9 answered HTTP 0"),
        "{stderr}"
    );
    assert!(
        warnings[0].ends_with("2 more hint(s) of this request not sent."),
        "{stderr}"
    );
    assert!(
        stderr.contains("LOG-SAVED moodlemanagement"),
        "the log is saved: {stderr}"
    );
    assert!(
        !stderr.contains(&SECRET[6..]),
        "the secret leaked into the log: {stderr}"
    );
}

#[test]
fn an_unconfigured_plugin_sends_nothing() {
    if !php_available("an_unconfigured_plugin_sends_nothing") {
        return;
    }
    let server = CaptureServer::start();
    // the constant defined empty: the plugin stays idle (settings are empty in the stubs)
    let out = run_in_stub_facturascripts("", "(new FacturaCliente(['idfactura' => 5]))->save(); echo 'ok';");
    let got = server.stop();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok");
    assert!(got.is_empty(), "{got:?}");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
