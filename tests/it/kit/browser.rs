//! A real headless Chromium driven through chromedriver (WebDriver, with `fantoccini`), for
//! tests that look at pages as a visitor does: navigation, forms, cookies, an axe-core
//! accessibility audit and 1280×800 screenshots into `docs/screenshots/`.
//!
//! Each [`Browser`] runs its own chromedriver on a free loopback port with its own profile
//! folder, so tests can run in parallel. Without Debian's `chromium` and `chromium-driver` the
//! tests are skipped, unless `MM_REQUIRE_BROWSER=1` (scripts/test.sh) makes that a failure.
//!
//! ```ignore
//! let Some(b) = Browser::start().await else { return };
//! b.goto(&format!("{base}/verify/{code}")).await;
//! assert_eq!(b.text_of("[data-field=learner]").await, "Luis Pérez");
//! b.assert_accessible().await;
//! b.screenshot("verify").await;
//! ```

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The viewport of every browser, and so of every screenshot.
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 800;

/// How long the `wait_for*` helpers wait before failing the test.
pub const WAIT: Duration = Duration::from_secs(10);

/// axe-core, vendored (tests/browser/axe/README.md): injected into the page under test.
const AXE: &str = include_str!("../../browser/axe/axe.min.js");

/// A headless Chromium with its chromedriver; both are killed when it is dropped.
pub struct Browser {
    client: Client,
    /// Held for its `Drop`.
    _driver: Driver,
}

/// chromedriver's process group, killed on drop, and its folder: chromedriver's log,
/// Chromium's profile and temporary files, removed after the kill.
struct Driver {
    child: Child,
    profile: tempfile::TempDir,
}

/// One rule axe found broken, with the first elements that break it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AxeViolation {
    pub id: String,
    /// "minor", "moderate", "serious" or "critical".
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    /// How many elements break the rule.
    pub nodes: usize,
    /// CSS selectors of the first (up to three) of them.
    pub targets: Vec<String>,
}

impl AxeViolation {
    /// What issue #16 forbids: a serious or critical violation.
    pub fn is_serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

impl fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {} ({} element(s), e.g. {}) {}",
            self.impact.as_deref().unwrap_or("?"),
            self.id,
            self.help,
            self.nodes,
            self.targets.join(" | "),
            self.help_url
        )
    }
}

fn required() -> bool {
    std::env::var("MM_REQUIRE_BROWSER").as_deref() == Ok("1")
}

impl Browser {
    /// A browser in British English (the service's fallback locale, whatever the machine's
    /// locale); `None` (the test prints that it skipped) when Chromium or chromedriver is
    /// missing and `MM_REQUIRE_BROWSER` is not `1`.
    pub async fn start() -> Option<Browser> {
        Self::start_with_language("en-GB").await
    }

    /// A browser whose interface language and `Accept-Language` are `lang` (e.g. "es-ES").
    pub async fn start_with_language(lang: &str) -> Option<Browser> {
        let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|p| !Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let why = format!(
                "{} missing: run scripts/test.sh, which installs chromium and chromium-driver",
                missing.join(" and ")
            );
            assert!(!required(), "MM_REQUIRE_BROWSER=1 but {why}");
            println!("skipped: {why}");
            return None;
        }
        let profile = tempfile::tempdir().expect("a profile folder");
        let port = crate::kit::http::free_port().port();
        let log = profile.path().join("chromedriver.log");
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            // Chromium's own temporary files go into the profile folder, removed with it.
            .env("TMPDIR", profile.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // A process group of its own: Drop kills chromedriver and every Chromium process it
        // started in one signal, even when a test panics half-way.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut driver = Driver {
            child: cmd.spawn().expect("start chromedriver"),
            profile,
        };
        let url = format!("http://127.0.0.1:{port}");
        driver.wait_until_ready(&url).await;
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(driver.profile.path(), lang))
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("chromedriver did not start Chromium: {e}\n{}", driver.log()));
        let browser = Browser {
            client,
            _driver: driver,
        };
        browser.fit_viewport().await;
        Some(browser)
    }

    /// Makes the viewport (what a screenshot shows) WIDTH×HEIGHT: headless Chromium still
    /// counts a toolbar in `--window-size`, leaving a 1280×657 viewport for a 1280×800 window.
    async fn fit_viewport(&self) {
        let viewport = "return [innerWidth, innerHeight, outerWidth - innerWidth, outerHeight - innerHeight];";
        let sizes = |v: Value| -> Vec<u32> {
            serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("window sizes {v}: {e}"))
        };
        let before = sizes(self.client.execute(viewport, vec![]).await.expect("the window's size"));
        let (extra_w, extra_h) = (before[2], before[3]);
        self.client
            .set_window_size(WIDTH + extra_w, HEIGHT + extra_h)
            .await
            .expect("resize the window");
        let after = sizes(self.client.execute(viewport, vec![]).await.expect("the window's size"));
        assert_eq!(
            (after[0], after[1]),
            (WIDTH, HEIGHT),
            "the viewport after resizing the window (toolbar {extra_w}×{extra_h})"
        );
    }

    /// The WebDriver client, for what the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until the page has loaded.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn current_url(&self) -> url::Url {
        self.client.current_url().await.expect("the current URL")
    }

    /// The page's visible text (`document.body.innerText`).
    pub async fn page_text(&self) -> String {
        self.try_page_text().await.expect("the page's text")
    }

    async fn try_page_text(&self) -> Result<String, fantoccini::error::CmdError> {
        let text = self
            .client
            .execute("return document.body ? document.body.innerText : '';", vec![])
            .await?;
        Ok(text.as_str().unwrap_or_default().to_string())
    }

    /// Where the browser is and the start of what it shows, for failure messages.
    async fn context(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map_or_else(|e| format!("(no URL: {e})"), |u| u.to_string());
        let text = self.try_page_text().await.unwrap_or_else(|e| format!("(no text: {e})"));
        let slice: String = text.chars().take(800).collect();
        format!("at {url}, the page shows:\n{slice}")
    }

    /// The first element matching `css`, waiting up to [`WAIT`] for it to appear.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(e) => return e,
                Err(e) if Instant::now() >= deadline => {
                    panic!("no element {css:?} after {WAIT:?} ({e}); {}", self.context().await)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Waits up to [`WAIT`] for `text` to be part of the page's visible text.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.page_text().await.contains(text) {
            if Instant::now() >= deadline {
                panic!("no text {text:?} after {WAIT:?}; {}", self.context().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of the first element matching `css` (waited for).
    pub async fn text_of(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.expect("the element's text")
    }

    /// An attribute of the first element matching `css` (waited for).
    pub async fn attr_of(&self, css: &str, attribute: &str) -> Option<String> {
        self.wait_for(css).await.attr(attribute).await.expect("the attribute")
    }

    /// Types `text` into the field matching `css`, replacing what it held (a file input gets
    /// `text` as the path of the file to upload).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        if field.attr("type").await.expect("the field's type").as_deref() != Some("file") {
            field
                .clear()
                .await
                .unwrap_or_else(|e| panic!("cannot clear {css:?}: {e}"));
        }
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css:?}: {e}"));
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.click().await {
            panic!("cannot click {css:?}: {e}; {}", self.context().await);
        }
    }

    /// Submits the form matching `css` with its first submit button, as a visitor does.
    pub async fn submit(&self, form_css: &str) {
        self.wait_for(form_css).await;
        let form = self.client.form(Locator::Css(form_css)).await.expect("the form");
        if let Err(e) = form.submit().await {
            panic!("cannot submit {form_css:?}: {e}; {}", self.context().await);
        }
    }

    /// The cookies of the current page's site: (name, value).
    pub async fn cookies(&self) -> Vec<(String, String)> {
        let all = self.client.get_all_cookies().await.expect("the cookies");
        all.iter()
            .map(|c| (c.name().to_string(), c.value().to_string()))
            .collect()
    }

    /// The viewport as a PNG `<name>.png`; returns its path. With `MM_UPDATE_SCREENSHOTS=1` it
    /// goes to `docs/screenshots/` (the README shows those), else to the target folder, so an
    /// ordinary test run leaves the work tree clean.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = if std::env::var("MM_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
        } else {
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
        };
        std::fs::create_dir_all(&dir).expect("the screenshots folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Runs axe-core on the current page: every rule it finds broken. The script is injected
    /// through WebDriver, which the page's Content-Security-Policy does not restrict.
    pub async fn axe(&self) -> Vec<AxeViolation> {
        self.client.execute(AXE, vec![]).await.expect("inject axe-core");
        let run = r"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] }).then(
                r => done({ violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.length,
                    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                })) }),
                e => done({ error: String(e) }));
        ";
        let answer = self.client.execute_async(run, vec![]).await.expect("run axe-core");
        if let Some(error) = answer.get("error") {
            panic!("axe-core failed: {error}; {}", self.context().await);
        }
        serde_json::from_value(answer["violations"].clone()).expect("axe-core's violations")
    }

    /// Runs axe-core and fails the test on any serious or critical violation, listing them;
    /// returns every violation (the minor and moderate ones too).
    pub async fn assert_accessible(&self) -> Vec<AxeViolation> {
        let all = self.axe().await;
        let serious: Vec<String> = all.iter().filter(|v| v.is_serious()).map(|v| v.to_string()).collect();
        if !serious.is_empty() {
            panic!(
                "axe-core: {} serious or critical violation(s) at {}:\n{}",
                serious.len(),
                self.current_url().await,
                serious.join("\n")
            );
        }
        all
    }
}

impl Driver {
    /// Polls chromedriver's `/status` until it is ready (it takes a few hundred milliseconds).
    async fn wait_until_ready(&mut self, url: &str) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("chromedriver's status") {
                panic!("chromedriver exited ({status}):\n{}", self.log());
            }
            let ready = match http.get(format!("{url}/status")).send().await {
                Ok(r) => r.json::<Value>().await.ok().and_then(|v| v["value"]["ready"].as_bool()),
                Err(_) => None,
            };
            if ready == Some(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {url} within {WAIT:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log(&self) -> String {
        let log = std::fs::read_to_string(self.profile.path().join("chromedriver.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole process group (chromedriver, Chromium and its helpers), by its id.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// The session's capabilities: headless Chromium at 1280×800 with its profile in `profile`.
fn capabilities(profile: &Path, lang: &str) -> serde_json::Map<String, Value> {
    let mut args = vec![
        "--headless=new".to_string(),
        // Tests run as root, where Chromium's sandbox cannot start.
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        // Docker's /dev/shm is 64 MB: shared memory in TMPDIR instead.
        "--disable-dev-shm-usage".into(),
        format!("--window-size={WIDTH},{HEIGHT}"),
        // Screenshots of exactly 1280×800 pixels, without a scrollbar drawn over the page.
        "--force-device-scale-factor=1".into(),
        "--hide-scrollbars".into(),
        "--no-first-run".into(),
        format!("--user-data-dir={}", profile.join("chromium").display()),
    ];
    // --lang is the interface language; the preference is what Accept-Language sends.
    args.push(format!("--lang={lang}"));
    let prefs = json!({ "intl": { "accept_languages": lang } });
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args, "prefs": prefs },
        "timeouts": { "script": 30_000, "pageLoad": 30_000 },
    });
    caps.as_object().cloned().expect("an object")
}
