//! Secrets encrypted at rest: Moodle tokens, FacturaScripts keys and webhook secrets may be
//! written sealed (`enc:v1:…`) wherever a secret goes (inline, `*_file`, `MM_` variables), are
//! opened at load with the configured key, and `secret rotate` moves them to a new key.
//!
//! - a configuration with every secret sealed loads, and a full pass against the simulators
//!   converges, with every log event at TRACE captured: neither a secret nor the key is in them;
//! - sealed values without the key, under another key, altered, truncated or of an unknown
//!   version are refused, naming the key at fault and the fix, never the value;
//! - `secret keygen`, `secret seal` and `secret rotate`, run as the binary: the rotated files
//!   open with the new key only, keep their comments and permissions, and no plaintext secret
//!   or key is in them or in what the commands print; a rotation that cannot open a value
//!   writes nothing.

use crate::kit::binary::run_with;
use crate::kit::http::{ERP_SECRET, SHOP_SECRET};
use crate::kit::logs::capture;
use crate::kit::world;
use mm_engine::Engine;
use mm_engine::config::{Config, ConfigError, SourceConfig};
use mm_net::sealed::SecretKey;
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::path::Path;

const MOODLE_TOKEN: &str = "0123456789abcdef0123456789abcdef";
const FS_KEY: &str = "fs-key-5f2b9d0e6c1a";

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k| map.get(k).cloned()
}

fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Config::from_toml(text, Path::new("/nonexistent-mm-secrets/config.toml"), env_of(env))
}

/// A configuration, its environment, and what the refusal must mention.
type Refusal<'a> = (String, &'a [(&'a str, &'a str)], Vec<String>);

fn site(token: &str) -> String {
    format!("[[moodle]]\nname = \"main\"\nurl = \"https://lms.example.org\"\ntoken = \"{token}\"\n")
}

// ---- the configuration -----------------------------------------------------------------------

#[test]
fn sealed_secrets_open_wherever_a_secret_goes() {
    let key = SecretKey::generate();
    let b64 = key.to_base64();
    let env_key = ("MM_SECRET_KEY", b64.expose_secret());
    let sealed = |s: &str| key.seal(s).expect("seal");

    // Inline, for a Moodle token, a FacturaScripts key and webhook secrets (one, or a list).
    let text = format!(
        "{}[[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"https://erp.example.org\"\ntoken = \"{}\"\nsecret = \"{}\"\n\
         [[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = [\"{}\", \"{ERP_SECRET}\"]\n",
        site(&sealed(MOODLE_TOKEN)),
        sealed(FS_KEY),
        sealed(ERP_SECRET),
        sealed(SHOP_SECRET),
    );
    let c = load(&text, &[env_key]).expect("sealed inline secrets load");
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
    match &c.sources[0] {
        SourceConfig::FacturaScripts {
            token, webhook_secrets, ..
        } => {
            assert_eq!(token.expose_secret(), FS_KEY);
            assert_eq!(webhook_secrets.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.sources[1].webhook_secrets().len(), 2);
    let shown = format!("{c:?}");
    for s in [MOODLE_TOKEN, FS_KEY, SHOP_SECRET, ERP_SECRET, b64.expose_secret()] {
        assert!(!shown.contains(s), "Debug of the configuration shows a secret");
    }

    // In the environment, MM_ variables: a token, and space-separated webhook secrets.
    let c = load(
        &format!(
            "{}[[source]]\nkind = \"webhook\"\nname = \"shop\"\n",
            site("plain-in-file")
        ),
        &[
            env_key,
            ("MM_MOODLE_MAIN_TOKEN", &sealed(MOODLE_TOKEN)),
            (
                "MM_SOURCE_SHOP_SECRET",
                &format!("{} {}", sealed(SHOP_SECRET), sealed(ERP_SECRET)),
            ),
        ],
    )
    .expect("sealed environment variables load");
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
    assert_eq!(c.sources[0].webhook_secrets().len(), 2);

    // In `*_file` files, with the key in a key file named by `[secrets] key_file` (relative to
    // the configuration file) or by MM_SECRET_KEY_FILE.
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("moodle.token"), format!("{}\n", sealed(MOODLE_TOKEN))).expect("write");
    std::fs::write(
        dir.path().join("shop.secrets"),
        format!("{}\n{SHOP_SECRET}\n", sealed(ERP_SECRET)),
    )
    .expect("write");
    std::fs::write(dir.path().join("secret.key"), format!("{}\n", b64.expose_secret())).expect("write");
    let cfg = dir.path().join("config.toml");
    let body = "[[moodle]]\nname = \"main\"\nurl = \"https://lms.example.org\"\ntoken_file = \"moodle.token\"\n\
                [[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret_file = \"shop.secrets\"\n";
    std::fs::write(&cfg, format!("[secrets]\nkey_file = \"secret.key\"\n{body}")).expect("write");
    let c = Config::load_with_env(Some(&cfg), |_| None).expect("sealed files load with [secrets] key_file");
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
    assert_eq!(c.sources[0].webhook_secrets().len(), 2);
    std::fs::write(&cfg, body).expect("write");
    let key_path = dir.path().join("secret.key").display().to_string();
    let c = Config::load_with_env(Some(&cfg), env_of(&[("MM_SECRET_KEY_FILE", &key_path)]))
        .expect("sealed files load with MM_SECRET_KEY_FILE");
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
}

#[test]
fn plaintext_secrets_keep_working_as_before() {
    // With a key configured or not, every plaintext way still works.
    let key = SecretKey::generate();
    let b64 = key.to_base64();
    for env in [vec![], vec![("MM_SECRET_KEY", b64.expose_secret())]] {
        let c = load(&site(MOODLE_TOKEN), &env).expect("plaintext inline");
        assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
        let mut with_env = env.clone();
        with_env.push(("MM_MOODLE_MAIN_TOKEN", "from-env"));
        let c = load(&site(MOODLE_TOKEN), &with_env).expect("plaintext env");
        assert_eq!(c.moodle[0].token.expose_secret(), "from-env");
    }
}

#[test]
fn refusals_name_the_key_and_the_fix_never_the_value() {
    let key = SecretKey::generate();
    let other = SecretKey::generate();
    let b64 = key.to_base64();
    let other_b64 = other.to_base64();
    let sealed = key.seal(MOODLE_TOKEN).expect("seal");
    let data_at = sealed.rfind(':').expect("data") + 1;
    let mut tampered = sealed.clone().into_bytes();
    tampered[data_at + 5] = if tampered[data_at + 5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("utf8");
    let truncated = &sealed[..sealed.len() - 6];
    let v9 = sealed.replacen("enc:v1:", "enc:v9:", 1);
    let with_key = [("MM_SECRET_KEY", b64.expose_secret())];
    let with_other = [("MM_SECRET_KEY", other_b64.expose_secret())];
    let with_key_and_tampered_env = [
        ("MM_SECRET_KEY", b64.expose_secret()),
        ("MM_MOODLE_MAIN_TOKEN", tampered.as_str()),
    ];

    let cases: Vec<Refusal> = vec![
        (
            site(&sealed),
            &[],
            vec![
                "moodle[0] (main).token".into(),
                key.id().to_string(),
                "MM_SECRET_KEY".into(),
                "key_file".into(),
            ],
        ),
        (
            site(&sealed),
            &with_other,
            vec![
                "moodle[0] (main).token".into(),
                key.id().to_string(),
                other.id().to_string(),
                "MM_SECRET_KEY".into(),
                "secret rotate".into(),
            ],
        ),
        (site(&tampered), &with_key, vec!["altered or truncated".into()]),
        (site(truncated), &with_key, vec!["truncated".into()]),
        (
            site(&format!("enc:v1:{}:", key.id())),
            &with_key,
            vec!["truncated".into()],
        ),
        (site(&v9), &with_key, vec!["`v9`".into(), "upgrade".into()]),
        (site("enc:v1:zz:abc"), &with_key, vec!["key id".into()]),
        (
            site(MOODLE_TOKEN),
            &[("MM_SECRET_KEY", "c2hvcnQ=")],
            vec!["MM_SECRET_KEY".into(), "not 32".into(), "secret keygen".into()],
        ),
        (
            site(MOODLE_TOKEN),
            &[("MM_SECRET_KEY", MOODLE_TOKEN)],
            vec!["MM_SECRET_KEY".into(), "secret keygen".into()],
        ),
        (
            format!("[secrets]\nkey_file = \"missing.key\"\n{}", site(MOODLE_TOKEN)),
            &[],
            vec!["secrets.key_file".into(), "missing.key".into()],
        ),
        (
            format!("[secrets]\nrequire_sealed = true\n{}", site(MOODLE_TOKEN)),
            &with_key,
            vec![
                "moodle[0] (main).token".into(),
                "require_sealed".into(),
                "secret seal".into(),
            ],
        ),
        (
            format!(
                "[secrets]\nrequire_sealed = true\n[[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = \"{SHOP_SECRET}\"\n"
            ),
            &with_key,
            vec!["source[0] (shop).secret".into(), "require_sealed".into()],
        ),
        (site(&key.seal("").expect("seal")), &with_key, vec!["empty".into()]),
        (
            site(MOODLE_TOKEN),
            &with_key_and_tampered_env,
            vec!["MM_MOODLE_MAIN_TOKEN".into(), "altered".into()],
        ),
    ];
    for (text, env, wants) in &cases {
        let e = load(text, env).expect_err("refused");
        let shown = format!("{e} {e:?}");
        for want in wants {
            assert!(shown.contains(want.as_str()), "`{e}` should mention `{want}`");
        }
        for s in [
            MOODLE_TOKEN,
            SHOP_SECRET,
            b64.expose_secret(),
            other_b64.expose_secret(),
        ] {
            assert!(!shown.contains(s), "an error shows a secret: {shown}");
        }
    }

    // require_sealed: sealed in the file is accepted, and so are the environment and files.
    let text = format!("[secrets]\nrequire_sealed = true\n{}", site(&sealed));
    load(&text, &with_key).expect("sealed inline satisfies require_sealed");
    let text = "[secrets]\nrequire_sealed = true\n[[moodle]]\nname = \"main\"\nurl = \"https://lms.example.org\"\n";
    let c = load(
        text,
        &[
            ("MM_SECRET_KEY", b64.expose_secret()),
            ("MM_MOODLE_MAIN_TOKEN", MOODLE_TOKEN),
        ],
    )
    .expect("the environment is not the file");
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
}

// ---- a full pass with sealed secrets, every log event captured ----------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_with_sealed_secrets_converges_and_logs_none_of_them() {
    let cap = capture(tracing::Level::TRACE);
    let (dir, db) = world::sqlite("sealed.sqlite");
    let world = world::start(&db, "30s").await;
    world.seed_invoices().expect("seed");
    let moodle_token = world.moodle.token();
    let fs_key = world.fs.token().to_string();

    let key = SecretKey::generate();
    let b64 = key.to_base64();
    std::fs::write(dir.path().join("mm.key"), b64.expose_secret()).expect("key file");
    // The FacturaScripts key sealed in a token_file, the Moodle token sealed inline.
    std::fs::write(dir.path().join("fs.token"), key.seal(&fs_key).expect("seal")).expect("token file");
    let from = format!("token = \"{moodle_token}\"");
    assert!(
        world.config_text.contains(&from),
        "the demo configuration names the token"
    );
    // The demo's own key gives way to this test's.
    let demo_key = format!(
        "[secrets]\nkey_file = \"{}\"\n",
        world.secrets_dir.path().join("secret.key").display()
    );
    assert!(
        world.config_text.contains(&demo_key),
        "the demo configuration names its key"
    );
    let mut text = world
        .config_text
        .replace(&demo_key, "")
        .replace(
            &from,
            &format!("token = \"{}\"", key.seal(&moodle_token).expect("seal")),
        )
        .replace(&format!("token = \"{fs_key}\""), "token_file = \"fs.token\"");
    text.push_str(&format!(
        "[[source]]\nkind = \"webhook\"\nname = \"shop\"\nsecret = \"{}\"\n[secrets]\nkey_file = \"mm.key\"\nrequire_sealed = true\n",
        key.seal(SHOP_SECRET).expect("seal")
    ));
    for s in [moodle_token.as_str(), fs_key.as_str(), SHOP_SECRET] {
        assert!(!text.contains(s), "the configuration holds no plaintext secret");
    }
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, &text).expect("config");

    let config = Config::load_with_env(Some(&cfg), |_| None).expect("sealed configuration");
    assert_eq!(config.moodle[0].token.expose_secret(), moodle_token);
    let app = Engine::build(config).await.expect("app");
    for mm_engine::SiteCheck { site, result: r, .. } in app.check_sites().await {
        r.unwrap_or_else(|e| panic!("Moodle {site}: {e}"));
    }
    let report = app.reconcile_once().await.expect("pass");
    assert!(report.converged(), "{report:?}");
    assert!(
        world.differences(&app).await.expect("differences").is_empty(),
        "Moodle matches the invoices"
    );
    assert!(!world.moodle.enrolments().is_empty(), "learners were enrolled");

    // A wrong key: refused, with neither key in the error.
    let wrong = SecretKey::generate();
    let wrong_b64 = wrong.to_base64();
    let e = Config::load_with_env(Some(&cfg), env_of(&[("MM_SECRET_KEY", wrong_b64.expose_secret())]))
        .expect_err("wrong key");
    let shown = format!("{e} {e:?}");
    assert!(shown.contains(&key.id().to_string()) && shown.contains(&wrong.id().to_string()));

    let logs = cap.text();
    assert!(logs.contains("TRACE"), "TRACE events are captured");
    let key_url_safe = b64.expose_secret().replace('+', "-").replace('/', "_");
    for (what, s) in [
        ("the Moodle token", moodle_token.as_str()),
        ("the FacturaScripts key", fs_key.as_str()),
        ("the webhook secret", SHOP_SECRET),
        ("the key", b64.expose_secret()),
        ("the key (URL-safe)", key_url_safe.trim_end_matches('=')),
        ("the other key", wrong_b64.expose_secret()),
    ] {
        assert!(!logs.contains(s), "{what} is in the logs");
        assert!(!shown.contains(s), "{what} is in an error");
    }
}

// ---- the commands -----------------------------------------------------------------------------

#[test]
fn keygen_and_seal_on_the_command_line() {
    let out = run_with(&["secret", "keygen"], &[], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let key = SecretKey::parse(out.stdout.trim()).expect("keygen prints a key");
    assert!(out.stderr.contains(&key.id().to_string()), "{}", out.stderr);
    assert_ne!(
        run_with(&["secret", "keygen"], &[], "").stdout,
        out.stdout,
        "every key is new"
    );

    let key_text = out.stdout.trim().to_string();
    let sealed = run_with(
        &["secret", "seal"],
        &[("MM_SECRET_KEY", &key_text)],
        &format!("{MOODLE_TOKEN}\n"),
    );
    assert_eq!(sealed.code, 0, "{}", sealed.stderr);
    assert_eq!(
        key.open(sealed.stdout.trim()).expect("opens").expose_secret(),
        MOODLE_TOKEN
    );
    for s in [MOODLE_TOKEN, key_text.as_str()] {
        assert!(!sealed.stdout.contains(s) && !sealed.stderr.contains(s));
    }

    // Several lines (a secret_file's secrets): one sealed value per line.
    let two = run_with(
        &["secret", "seal"],
        &[("MM_SECRET_KEY", &key_text)],
        &format!("{SHOP_SECRET}\n\n{ERP_SECRET}\n"),
    );
    let lines: Vec<&str> = two.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", two.stdout);
    assert_eq!(key.open(lines[1]).expect("opens").expose_secret(), ERP_SECRET);

    // No key, a bad key, nothing to seal: refused with the fix.
    let none = run_with(&["secret", "seal"], &[], "x\n");
    assert_ne!(none.code, 0);
    assert!(
        none.stderr.contains("MM_SECRET_KEY") && none.stderr.contains("secret keygen"),
        "{}",
        none.stderr
    );
    let bad = run_with(&["secret", "seal"], &[("MM_SECRET_KEY", "too-short")], "x\n");
    assert_ne!(bad.code, 0);
    assert!(
        bad.stderr.contains("MM_SECRET_KEY") && !bad.stderr.contains("too-short"),
        "{}",
        bad.stderr
    );
    let empty = run_with(&["secret", "seal"], &[("MM_SECRET_KEY", &key_text)], "\n");
    assert_ne!(empty.code, 0);
    assert!(empty.stderr.contains("nothing to seal"), "{}", empty.stderr);

    // keygen --out: a new file readable by its owner only, never overwritten.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("k.key");
    let p = path.to_str().expect("utf8 path");
    let out = run_with(&["secret", "keygen", "--out", p], &[], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(&path).expect("key file");
    assert!(!out.stdout.contains(written.trim()) && !out.stderr.contains(written.trim()));
    SecretKey::parse(&written).expect("a key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    assert_ne!(run_with(&["secret", "keygen", "--out", p], &[], "").code, 0);
    assert_eq!(std::fs::read_to_string(&path).expect("key file"), written);
}

/// A configuration folder: a config with comments, and secret files, sealed under `old`.
struct Rotation {
    dir: tempfile::TempDir,
    old: SecretKey,
    old_text: String,
    new: SecretKey,
    new_text: String,
}

impl Rotation {
    fn new() -> Rotation {
        let dir = tempfile::tempdir().expect("dir");
        let keygen = |name: &str| {
            let path = dir.path().join(name);
            let out = run_with(&["secret", "keygen", "--out", path.to_str().expect("utf8")], &[], "");
            assert_eq!(out.code, 0, "{}", out.stderr);
            let text = std::fs::read_to_string(&path).expect("key").trim().to_string();
            (SecretKey::parse(&text).expect("key"), text)
        };
        let (old, old_text) = keygen("old.key");
        let (new, new_text) = keygen("new.key");
        let r = Rotation {
            dir,
            old,
            old_text,
            new,
            new_text,
        };
        let s = |p: &str| r.old.seal(p).expect("seal");
        r.write("fs.token", &format!("{}\n", s(FS_KEY)));
        r.write("erp.secrets", &format!("{}\n{}\n", s(ERP_SECRET), s(SHOP_SECRET)));
        r.write(
            "config.toml",
            &format!(
                "# Production configuration: keep this comment.\n\
                 [database]\nurl = \"sqlite://data.sqlite\"\n\n\
                 [[moodle]]\nname = \"main\"\nurl = \"https://lms.example.org\"\n\
                 token = \"{}\"   # the integration user's token\n\n\
                 [[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"https://erp.example.org\"\n\
                 token_file = \"fs.token\"\nsecret_file = \"erp.secrets\"\n\n\
                 [[source]]\nkind = \"webhook\"\nname = \"shop\"\n\
                 secret = [\"{}\", \"{}\"]  # two during a rotation\n",
                s(MOODLE_TOKEN),
                s(SHOP_SECRET),
                s(ERP_SECRET),
            ),
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(r.path("fs.token"), std::fs::Permissions::from_mode(0o640)).expect("chmod");
        }
        r
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write");
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    fn config(&self) -> String {
        self.path("config.toml").to_str().expect("utf8").to_string()
    }

    fn load_with(&self, key_text: &str) -> Result<Config, ConfigError> {
        Config::load_with_env(Some(&self.path("config.toml")), env_of(&[("MM_SECRET_KEY", key_text)]))
    }

    fn all_files(&self) -> String {
        ["config.toml", "fs.token", "erp.secrets"]
            .iter()
            .map(|n| self.read(n))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn assert_secrets(c: &Config) {
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
    match &c.sources[0] {
        SourceConfig::FacturaScripts {
            token, webhook_secrets, ..
        } => {
            assert_eq!(token.expose_secret(), FS_KEY);
            assert_eq!(webhook_secrets.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.sources[1].webhook_secrets().len(), 2);
}

#[test]
fn rotate_reseals_the_configuration_and_its_files_under_the_new_key() {
    let r = Rotation::new();
    assert_secrets(&r.load_with(&r.old_text).expect("loads with the old key"));
    let old_key_file = r.path("old.key").display().to_string();
    let new_key_file = r.path("new.key").display().to_string();
    let before = r.all_files();
    let config_before = r.read("config.toml");

    // A dry run counts and writes nothing.
    let dry = run_with(
        &[
            "secret",
            "rotate",
            "--config",
            &r.config(),
            "--new-key-file",
            &new_key_file,
            "--dry-run",
        ],
        &[("MM_SECRET_KEY_FILE", &old_key_file)],
        "",
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.contains("would re-seal 6"), "{}", dry.stdout);
    assert_eq!(r.all_files(), before);

    let out = run_with(
        &[
            "secret",
            "rotate",
            "--config",
            &r.config(),
            "--new-key-file",
            &new_key_file,
        ],
        &[("MM_SECRET_KEY_FILE", &old_key_file)],
        "",
    );
    assert_eq!(out.code, 0, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("re-sealed 6 secret(s)") && out.stdout.contains(&r.new.id().to_string()),
        "{}",
        out.stdout
    );

    // Opens with the new key, and only with it.
    assert_secrets(&r.load_with(&r.new_text).expect("loads with the new key"));
    let e = r.load_with(&r.old_text).expect_err("the old key opens nothing");
    assert!(
        e.to_string().contains(&format!("sealed with key {}", r.new.id())),
        "{e}"
    );

    // Comments and layout kept; no plaintext, no key anywhere.
    let config = r.read("config.toml");
    assert!(
        config.starts_with("# Production configuration: keep this comment.\n"),
        "{config}"
    );
    assert!(config.contains("\"   # the integration user's token\n"), "{config}");
    assert!(config.contains("]  # two during a rotation\n"), "{config}");
    assert!(config.contains("token_file = \"fs.token\"\nsecret_file = \"erp.secrets\"\n"));
    assert_eq!(config.lines().count(), config_before.lines().count());
    let after = r.all_files();
    assert!(!after.contains(&format!("enc:v1:{}:", r.old.id())), "{after}");
    assert_eq!(after.matches(&format!("enc:v1:{}:", r.new.id())).count(), 6, "{after}");
    for s in [MOODLE_TOKEN, FS_KEY, SHOP_SECRET, ERP_SECRET, &r.old_text, &r.new_text] {
        assert!(!after.contains(s), "a secret is in the rotated files");
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "a secret is printed"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(r.path("fs.token"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "permissions kept: {mode:o}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(r.dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".mm-rotate-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left");

    // Again: nothing left to do.
    let again = run_with(
        &[
            "secret",
            "rotate",
            "--config",
            &r.config(),
            "--new-key-file",
            &new_key_file,
        ],
        &[("MM_SECRET_KEY", &r.old_text)],
        "",
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("re-sealed 0") && again.stdout.contains("6 already"),
        "{}",
        again.stdout
    );
    assert_eq!(r.all_files(), after);
}

#[test]
fn a_rotation_that_cannot_open_a_value_writes_nothing() {
    let r = Rotation::new();
    // One value of a secret file is under a third key: nothing may be rewritten.
    let third = SecretKey::generate();
    r.write(
        "erp.secrets",
        &format!(
            "{}\n{}\n",
            r.old.seal(ERP_SECRET).expect("seal"),
            third.seal(SHOP_SECRET).expect("seal")
        ),
    );
    let before = r.all_files();
    let out = run_with(
        &[
            "secret",
            "rotate",
            "--config",
            &r.config(),
            "--new-key-file",
            &r.path("new.key").display().to_string(),
            "--key-file",
            &r.path("old.key").display().to_string(),
        ],
        &[],
        "",
    );
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr.contains("secret_file") && out.stderr.contains(&third.id().to_string()),
        "the value at fault is named: {}",
        out.stderr
    );
    assert_eq!(r.all_files(), before, "nothing was written");

    // No current key at all, or the new key equal to the current one: refused too.
    let out = run_with(
        &[
            "secret",
            "rotate",
            "--config",
            &r.config(),
            "--new-key-file",
            &r.path("new.key").display().to_string(),
        ],
        &[],
        "",
    );
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("no current key"), "{}", out.stderr);
    let out = run_with(
        &[
            "secret",
            "rotate",
            "--config",
            &r.config(),
            "--new-key-file",
            &r.path("old.key").display().to_string(),
        ],
        &[("MM_SECRET_KEY", &r.old_text)],
        "",
    );
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("the new key is the current key"), "{}", out.stderr);
    assert_eq!(r.all_files(), before, "nothing was written");
}

#[test]
fn rotate_can_seal_the_plaintext_secrets_too() {
    let dir = tempfile::tempdir().expect("dir");
    let key_path = dir.path().join("k.key");
    let out = run_with(
        &["secret", "keygen", "--out", key_path.to_str().expect("utf8")],
        &[],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let key_text = std::fs::read_to_string(&key_path).expect("key").trim().to_string();
    std::fs::write(dir.path().join("fs.token"), format!("{FS_KEY}\n")).expect("write");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "{}[[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"https://erp.example.org\"\n\
             token_file = \"fs.token\"\nsecret = \"{SHOP_SECRET}\"\n",
            site(MOODLE_TOKEN)
        ),
    )
    .expect("write");
    // No current key is needed when nothing is sealed yet.
    let out = run_with(
        &[
            "secret",
            "rotate",
            "--seal-plaintext",
            "--config",
            cfg.to_str().expect("utf8"),
            "--new-key-file",
            key_path.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("3 of them were plaintext"), "{}", out.stdout);
    let text = std::fs::read_to_string(&cfg).expect("config")
        + &std::fs::read_to_string(dir.path().join("fs.token")).expect("token");
    for s in [MOODLE_TOKEN, FS_KEY, SHOP_SECRET] {
        assert!(!text.contains(s), "{text}");
        assert!(!out.stdout.contains(s) && !out.stderr.contains(s));
    }
    // `url`, `name`… are not secrets and stay as they were.
    assert!(text.contains("url = \"https://erp.example.org\""));
    let c = Config::load_with_env(Some(&cfg), env_of(&[("MM_SECRET_KEY", &key_text)])).expect("loads");
    assert_eq!(c.moodle[0].token.expose_secret(), MOODLE_TOKEN);
}
