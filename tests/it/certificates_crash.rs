//! `kill -9` of `serve` while it issues and mails certificates, then a restart: no certificate
//! number issued twice, one certificate per completion, and every due mail sent (a mail cut
//! between the server's acceptance and our note of it may go twice, with the same Message-ID).
//! `MM_CRASH_TRIALS` sets the number of kills (default 3).

use crate::kit::binary::spawn_serve;
use crate::kit::http::free_port;
use crate::kit::world;
use mm_demo::COURSES;
use mm_mail::testing::SmtpServer;
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_while_issuing_certificates_issues_each_once_and_sends_every_mail() {
    let Some(smtp) = SmtpServer::start() else { return };
    let trials: usize = std::env::var("MM_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("MM_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random);
    let learners = 30;
    eprintln!("certificate crash test: {trials} kills over {learners} completions, seed {seed}");
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed);
    let (dir, db) = world::sqlite("certificates-crash.sqlite");
    let listen = free_port();
    let world = world::start_on(&db, listen, "1s").await;

    // Everyone paid and enrolled first, by one in-process pass.
    let mut emails = Vec::new();
    for i in 0..learners {
        let email = format!("c{i}@example.org");
        let cod = world.fs.add_customer(&format!("Learner Número {i}"), &email);
        let (_, _, product, _) = COURSES[i % COURSES.len()];
        let id = world.invoice(&cod, &[product]).unwrap();
        world.fs.pay(id, true).unwrap();
        emails.push((email, COURSES[i % COURSES.len()].0));
    }
    {
        let app = world::app(&world).await;
        let report = app.reconcile_once().await.unwrap();
        assert!(report.converged(), "{}", report.describe());
    }
    // Moodle's cron marks them all complete.
    let done_at = mm_engine::clock::now().0 - 600;
    for (email, course) in &emails {
        let uid = world
            .moodle
            .users()
            .into_iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
            .unwrap()
            .id;
        let cid = world.course_id(course).unwrap();
        world.moodle.record_course_access(uid, cid, done_at);
        world.moodle.mark_course_complete(uid, cid, done_at);
    }

    let mut toml = format!(
        "[server]\nlisten = \"{listen}\"\n[database]\nurl = \"{db}\"\n[worker]\nlease = \"2s\"\nretry_base = \"1s\"\nretry_max = \"1s\"\n\
         [progress]\ninterval = \"1s\"\n\
         [certificates]\nissuer = \"Crash Academy\"\ndir = \"{}\"\n\
         [smtp]\nurl = \"{}\"\nfrom = \"Crash Academy <no-reply@crash.example>\"\n\
         [[moodle]]\nname = \"main\"\nurl = \"{}\"\ntoken = \"{}\"\nallow_private_network = true\n\
         [[source]]\nkind = \"facturascripts\"\nname = \"erp\"\nurl = \"{}\"\ntoken = \"{}\"\npoll_interval = \"1s\"\nallow_private_network = true\n",
        dir.path().join("certificates").display(),
        smtp.url(),
        world.moodle_url,
        world.moodle.token(),
        world.fs_url,
        world.fs.token()
    );
    for (course, _, product, duration) in COURSES {
        toml.push_str(&format!(
            "[[mapping]]\nproduct = \"{product}\"\nmoodle = \"main\"\ncourse = \"{course}\"\nduration = \"{duration}\"\n"
        ));
    }
    let cfg = dir.path().join("crash.toml");
    std::fs::write(&cfg, toml).unwrap();

    let store = mm_store::Store::connect(&db).await.unwrap();
    let issued = || async { store.certificates(&Default::default()).await.unwrap() };
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut kills = 0;
    let mut at_kills = Vec::new();
    while kills < trials && Instant::now() < deadline {
        let mut child = spawn_serve(&cfg);
        // A random moment: a random share of what is left issued or mailed, then a few ms more.
        let before = issued().await.len() + smtp.received().len();
        let left = 2 * learners - before;
        let wait_for = before + rand::Rng::gen_range(&mut rng, 1..=(left / (trials - kills + 1)).max(1));
        while issued().await.len() + smtp.received().len() < wait_for && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rand::Rng::gen_range(&mut rng, 0..40))).await;
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        kills += 1;
        at_kills.push((issued().await.len(), smtp.received().len()));
    }
    // The survivor finishes.
    let mut child = spawn_serve(&cfg);
    loop {
        let mailed: HashSet<String> = smtp.received().into_iter().map(|m| m.message_id).collect();
        if mailed.len() >= learners || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    let certs = issued().await;
    let numbers: HashSet<_> = certs.iter().map(|c| c.cert.number.clone()).collect();
    let keys: HashSet<_> = certs.iter().map(|c| c.cert.key.to_string()).collect();
    assert_eq!(
        numbers.len(),
        certs.len(),
        "no number issued twice (kills at {at_kills:?})"
    );
    assert_eq!(
        (certs.len(), keys.len()),
        (learners, learners),
        "one certificate per completion (kills at {at_kills:?})"
    );
    assert!(
        certs.iter().all(|c| c.cert.version == 1 && c.sha256.is_some()),
        "all rendered, none re-versioned"
    );
    let mails = smtp.received();
    let ids: HashSet<_> = mails.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids.len(), learners, "every due mail sent (kills at {at_kills:?})");
    assert!(
        mails.len() <= learners + kills,
        "a kill repeats at most the one mail in flight: {} mails after {kills} kills",
        mails.len()
    );
    for c in &certs {
        assert!(
            ids.iter().any(|id| id.contains(&c.cert.code)),
            "certificate {} was never mailed",
            c.cert.number
        );
    }
}
