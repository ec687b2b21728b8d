//! `demo`: the whole loop on one machine. The FacturaScripts and Moodle simulators run
//! in-process on loopback with sample data; the service runs on an SQLite file in a temporary
//! folder, against them, through the same HTTP clients it uses in production.

use anyhow::Context;
use mm_engine::Engine;
use mm_engine::config::Config;
use mm_sim_facturascripts::{FsSim, FsSimOptions};
use mm_sim_fault::Faults;
use mm_sim_moodle::{EnrolStatus, MoodleSim, NewSimUser, SimOptions};
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Courses in the demo Moodle, and the products that sell them.
pub const COURSES: &[(&str, &str, &str, &str)] = &[
    ("PY101", "Python for beginners", "PY-101", "365d"),
    ("JS101", "JavaScript essentials", "JS-101", "180d"),
    ("SQL101", "SQL in practice", "SQL-101", "365d"),
    ("DATA201", "Data analysis with pandas", "DATA-201", "90d"),
];

const LEARNERS: &[(&str, &str)] = &[
    ("Ada Lovelace", "ada@example.org"),
    ("Grace Hopper", "grace@example.org"),
    ("Alan Turing", "alan@example.org"),
    ("Katherine Johnson", "katherine@example.org"),
    ("Linus Torvalds", "linus@example.org"),
    ("Margaret Hamilton", "margaret@example.org"),
    ("Dennis Ritchie", "dennis@example.org"),
    ("Barbara Liskov", "barbara@example.org"),
    ("Ken Thompson", "ken@example.org"),
    ("María García", "maria.garcia@example.org"),
    ("Joan Clarke", "joan@example.org"),
    ("Edsger Dijkstra", "edsger@example.org"),
    // Certificates render Latin with diacritics, Greek and Cyrillic.
    ("Luis Pérez", "luis.perez@example.org"),
    ("Ζωή Παπαδοπούλου", "zoi@example.org"),
    ("Анна Иванова", "anna@example.org"),
];

/// The learners who complete their course in the demo, so that their certificates can be seen:
/// one each in Latin with diacritics, Greek and Cyrillic. `seed_invoices` gives each a paid
/// invoice for one course.
pub const CERTIFIED: &[&str] = &["luis.perez@example.org", "zoi@example.org", "anna@example.org"];

/// The simulators and the configuration pointing at them.
pub struct DemoWorld {
    pub moodle: MoodleSim,
    pub moodle_url: String,
    pub fs: FsSim,
    pub fs_url: String,
    /// The FacturaScripts simulator's fault injector (the Moodle one is `moodle.faults()`).
    pub fs_faults: Faults,
    pub config: Config,
    /// The same configuration as TOML, for running the binary against these simulators.
    pub config_text: String,
    /// (codcliente, email) of the sample customers.
    pub customers: Vec<(String, String)>,
    /// The folder of the service's secret key file (`[secrets] key_file`), which seals the
    /// tokens and secrets entered in the admin; removed with the world.
    pub secrets_dir: Arc<tempfile::TempDir>,
}

impl DemoWorld {
    /// Starts both simulators on loopback, seeds them and writes the service configuration.
    /// `database_url` and `listen` are the service's.
    pub async fn start(database_url: &str, listen: SocketAddr, poll_interval: &str) -> anyhow::Result<DemoWorld> {
        let moodle = MoodleSim::new(SimOptions::default());
        // Progress sync is on by default: its functions are in the service, as README asks.
        moodle.enable_progress_functions();
        for (short, full, _, _) in COURSES {
            moodle.add_course(short, full, &format!("demo-{}", short.to_lowercase()));
        }
        // An account that already exists with other letter case: matched, not duplicated.
        moodle.add_user(NewSimUser {
            username: "mgarcia".into(),
            firstname: "María".into(),
            lastname: "García".into(),
            email: "Maria.Garcia@Example.org".into(),
            ..NewSimUser::default()
        });
        let (addr, _task) = moodle
            .clone()
            .spawn("127.0.0.1:0".parse()?)
            .await
            .context("starting the Moodle simulator")?;
        let moodle_url = format!("http://{addr}");

        // No faults unless a test asks for them through `fs_faults`.
        let fs_faults = Faults::none();
        let fs = FsSim::new(FsSimOptions {
            faults: Some(fs_faults.clone()),
            ..FsSimOptions::default()
        });
        for (_, _, product, _) in COURSES {
            fs.add_product(product, 120.0);
        }
        fs.add_product("BOOK-1", 25.0);
        let customers: Vec<(String, String)> = LEARNERS
            .iter()
            .map(|(name, email)| (fs.add_customer(name, email), email.to_string()))
            .collect();
        let fs_url = fs.spawn().await.context("starting the FacturaScripts simulator")?;

        let secrets_dir = tempfile::tempdir().context("a folder for the demo's secret key")?;
        let key_file = secrets_dir.path().join("secret.key");
        std::fs::write(
            &key_file,
            mm_net::sealed::SecretKey::generate().to_base64().expose_secret(),
        )
        .context("writing the demo's secret key")?;
        let mut toml = format!(
            r#"
[secrets]
key_file = "{key_file}"
[server]
listen = "{listen}"
public_url = "http://{listen}"
[database]
url = "{database_url}"
[certificates]
issuer = "Demo Academy"
[worker]
retry_base = "1s"
retry_max = "5s"
[[moodle]]
name = "main"
url = "{moodle_url}"
token = "{moodle_token}"
allow_private_network = true
[[source]]
kind = "facturascripts"
name = "erp"
url = "{fs_url}"
token = "{fs_token}"
poll_interval = "{poll_interval}"
allow_private_network = true
"#,
            moodle_token = moodle.token(),
            fs_token = fs.token(),
            key_file = key_file.display(),
        );
        for (course, _, product, duration) in COURSES {
            toml.push_str(&format!(
                "[[mapping]]\nproduct = \"{product}\"\nmoodle = \"main\"\ncourse = \"{course}\"\nrole = \"student\"\nduration = \"{duration}\"\n"
            ));
        }
        let config = Config::from_toml(&toml, Path::new("demo.toml"), |_| None)?;
        Ok(DemoWorld {
            config_text: toml,
            moodle,
            moodle_url,
            fs,
            fs_url,
            fs_faults,
            config,
            customers,
            secrets_dir: Arc::new(secrets_dir),
        })
    }

    /// About twenty invoices: most paid, some unpaid, one for a book (not a course), one for a
    /// customer without an email address. Returns the ids of the paid ones.
    pub fn seed_invoices(&self) -> anyhow::Result<Vec<i64>> {
        let mut paid = Vec::new();
        for (i, (cod, _)) in self.customers.iter().enumerate() {
            let (_, _, product, _) = COURSES[i % COURSES.len()];
            let id = self.invoice(cod, &[product])?;
            if i % 4 != 3 {
                self.fs.pay(id, true).map_err(sim_err)?;
                paid.push(id);
            }
        }
        // Bundles: two courses on one invoice.
        for cod in self.customers.iter().take(4).map(|(c, _)| c) {
            let id = self.invoice(cod, &["SQL-101", "DATA-201"])?;
            self.fs.pay(id, true).map_err(sim_err)?;
            paid.push(id);
        }
        let book = self.invoice(&self.customers[0].0, &["BOOK-1"])?;
        self.fs.pay(book, true).map_err(sim_err)?;
        let nobody = self.fs.add_customer("Walk-in customer", "");
        let held = self.invoice(&nobody, &["PY-101"])?;
        self.fs.pay(held, true).map_err(sim_err)?;
        Ok(paid)
    }

    /// What Moodle's cron records when the [`CERTIFIED`] learners finish their courses: each of
    /// their active enrolments accessed and completed an hour ago. Returns how many were
    /// completed (run it once they are enrolled).
    pub fn complete_certified(&self) -> usize {
        let at = mm_engine::clock::now().0 - 3600;
        let mut completed = 0;
        for e in self.moodle.enrolments() {
            let certified = CERTIFIED.iter().any(|c| c.eq_ignore_ascii_case(&e.email));
            if certified && e.status == EnrolStatus::Active {
                self.moodle.record_course_access(e.userid, e.courseid, at);
                self.moodle.mark_course_complete(e.userid, e.courseid, at);
                completed += 1;
            }
        }
        completed
    }

    /// The Moodle id of one of the demo courses.
    pub fn course_id(&self, shortname: &str) -> Option<i64> {
        self.moodle
            .with_state(|st| st.courses.values().find(|c| c.shortname == shortname).map(|c| c.id))
    }

    pub fn invoice(&self, codcliente: &str, products: &[&str]) -> anyhow::Result<i64> {
        let lines: Vec<(&str, f64, f64)> = products.iter().map(|p| (*p, 1.0, 120.0)).collect();
        self.fs.create_invoice(codcliente, &lines).map_err(sim_err)
    }

    /// Compares Moodle (the simulator) with the desired state the service computed; returns
    /// the differences, empty when converged.
    pub async fn differences(&self, app: &Engine) -> anyhow::Result<Vec<String>> {
        let in_moodle: HashMap<(String, String), (EnrolStatus, i64, i64)> = self
            .moodle
            .enrolments()
            .into_iter()
            .map(|e| {
                (
                    (e.email.to_lowercase(), e.course_shortname),
                    (e.status, e.timestart, e.timeend),
                )
            })
            .collect();
        let mut diffs = Vec::new();
        for row in app.store().entitlement_rows().await? {
            let e: mm_core::Entitlement = serde_json::from_value(row.entitlement.clone())?;
            let got = in_moodle.get(&(row.learner.clone(), row.course.clone()));
            let ok = match (&e.access, got) {
                (mm_core::entitlement::Access::Active { start, end }, Some((EnrolStatus::Active, ts, te))) => {
                    *ts == start.0 && *te == end.map_or(0, |t| t.0)
                }
                (mm_core::entitlement::Access::Active { .. }, _) => false,
                (mm_core::entitlement::Access::Revoked { .. }, Some((EnrolStatus::Active, _, _))) => false,
                (mm_core::entitlement::Access::Revoked { .. }, _) => true,
            };
            if !ok {
                diffs.push(format!(
                    "{} in {}: desired {}, Moodle has {got:?}",
                    row.learner, row.course, row.desired
                ));
            }
        }
        Ok(diffs)
    }
}

fn sim_err(e: impl std::fmt::Debug) -> anyhow::Error {
    anyhow::anyhow!("simulator refused the sample data: {e:?}")
}

/// `demo --check`: the scenario headless; exit 0 once Moodle matches the desired state.
pub async fn check() -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let db = format!("sqlite://{}", dir.path().join("demo.sqlite").display());
    let world = DemoWorld::start(&db, "127.0.0.1:0".parse()?, "1s").await?;
    let paid = world.seed_invoices()?;
    let app = Engine::build(world.config.clone()).await?;

    let first = app.reconcile_once().await?;
    // Three learners finish their course; the next pass reads it and issues their certificates.
    let completed = world.complete_certified();
    // Then life goes on: one paid invoice is credited, one unpaid invoice gets paid.
    let credited = paid.first().copied().context("no paid invoice")?;
    world.fs.credit(credited, None).map_err(sim_err)?;
    let late = world.invoice(&world.customers[1].0, &["JS-101"])?;
    world.fs.pay(late, true).map_err(sim_err)?;
    let second = app.reconcile_once().await?;
    // And a pass with nothing new changes nothing.
    let calls_before_idle = world.moodle.total_requests();
    let third = app.reconcile_once().await?;
    let idle_calls = world.moodle.total_requests() - calls_before_idle;

    let diffs = world.differences(&app).await?;
    let invoices = app.store().invoice_count().await?;
    let rows = app.store().entitlement_rows().await?;
    let active = rows.iter().filter(|r| r.desired == "active").count();
    let made = first.worker.applied + second.worker.applied + third.worker.applied;
    let certificates = app.list_certificates(&Default::default()).await?.len();
    let ok = diffs.is_empty()
        && third.converged()
        && third.worker.applied == 0
        && completed == CERTIFIED.len()
        && certificates == completed;
    println!(
        "demo --check: {} — {invoices} invoices seen, {made} enrolment changes made in Moodle ({active} active, {} revoked), \
         {certificates} certificates issued for {completed} completions, \
         {} Moodle calls ({idle_calls} on the idle pass), {} FacturaScripts calls, {} held, in {:.2}s",
        if ok { "converged" } else { "NOT converged" },
        rows.len() - active,
        world.moodle.total_requests(),
        app.sources().iter().map(|s| s.request_count()).sum::<u64>(),
        third.holds.len(),
        started.elapsed().as_secs_f64()
    );
    for d in &diffs {
        eprintln!("  difference: {d}");
    }
    for f in &third.failing {
        eprintln!("  failing: {f}");
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The demo's administrator; its password is made at each start and printed.
pub const DEMO_ADMIN: &str = "admin@demo.example";

/// `demo`: the service on `listen` against the simulators; a new paid invoice every few seconds.
pub async fn run(listen: SocketAddr) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = format!("sqlite://{}", dir.path().join("demo.sqlite").display());
    let world = Arc::new(DemoWorld::start(&db, listen, "2s").await?);
    world.seed_invoices()?;
    let app = Engine::build(world.config.clone()).await?;
    // Enrolled, then three learners finish their course: the next pass issues their
    // certificates (no [smtp] in the demo: issued, not mailed).
    app.reconcile_once().await?;
    world.complete_certified();
    app.reconcile_once().await?;
    let certificates = app.list_certificates(&Default::default()).await?;
    let password = mm_engine::admin::generate_password();
    app.add_admin_user(
        DEMO_ADMIN,
        mm_core::Role::Admin,
        &secrecy::SecretString::from(password.clone()),
        &mm_engine::admin::Actor::Cli,
    )
    .await?;
    println!("MoodleManagement demo");
    println!("  admin:                 http://{listen}/  (sign in as {DEMO_ADMIN}, password {password})");
    println!("  enrolments:            http://{listen}/enrolments");
    for c in &certificates {
        println!(
            "  certificate:           http://{listen}/verify/{} ({}, {})",
            c.cert.code, c.cert.learner_name, c.cert.course_name
        );
    }
    println!(
        "  Moodle simulator:      {} (token {})",
        world.moodle_url,
        world.moodle.token()
    );
    println!(
        "  FacturaScripts sim:    {}api/3 (key {})",
        world.fs_url,
        world.fs.token()
    );
    println!("  database:              {db}");
    println!("A new paid invoice arrives every 5 seconds. Ctrl-C to stop.");

    let shutdown = tokio_util::sync::CancellationToken::new();
    let gen_world = world.clone();
    let gen_stop = shutdown.clone();
    tokio::spawn(async move {
        let mut n = 0usize;
        loop {
            tokio::select! {
                _ = gen_stop.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
            n += 1;
            let (cod, email) = &gen_world.customers[(n * 7) % gen_world.customers.len()];
            let (_, _, product, _) = COURSES[n % COURSES.len()];
            match gen_world
                .invoice(cod, &[product])
                .and_then(|id| gen_world.fs.pay(id, true).map_err(sim_err).map(|_| id))
            {
                Ok(id) => tracing::info!(invoice = id, learner = %email, product, "demo: new paid invoice"),
                Err(e) => tracing::warn!(error = %e, "demo: could not create an invoice"),
            }
        }
    });
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.cancel();
    });
    mm_web::serve(app, shutdown).await
}
