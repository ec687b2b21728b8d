//! The SQLite database's disk fills up, or its filesystem is read-only: the service says so
//! clearly (an error in its log with the fix, `/readyz` 503 with the reason, a start that stops
//! with the reason), corrupts nothing (`PRAGMA integrity_check`), loses nothing, and converges
//! once the space or the write access is back.
//!
//! The database lives on a small tmpfs mounted for the test, which needs root (CI runs as root);
//! elsewhere the tests say why they skip. A file made read-only with `chmod` would prove nothing
//! as root (root writes anyway), hence a filesystem remounted read-only.

use crate::kit::binary::{BIN, serve_command, spawn_serve};
use crate::kit::faults::{
    FIVE_MINUTES, SCALE, ScaledClock, Service, assert_converged, enrolled_count, free_port, paid_learners, tune,
    wait_converged, wait_for,
};
use crate::kit::logs::capture;
use crate::kit::world;
use sqlx::Connection;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmpfs of a few megabytes, unmounted on drop.
struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` (with the reason printed) where mounting is not possible.
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("mnt");
        std::fs::create_dir(&path).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { path, _dir: dir }),
            Ok(o) => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs for the database (this test needs root, as in CI): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount (this test needs root, as in CI): {e}");
                None
            }
        }
    }

    fn remount(&self, mode: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.path)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "remount {mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Writes a file until the filesystem refuses (ENOSPC); returns its path and size.
fn fill(dir: &Path) -> (PathBuf, u64) {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0xa5u8; 16 * 1024];
    let mut written = 0u64;
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    let _ = f.flush();
    (path, written)
}

/// `PRAGMA integrity_check` through a read-only connection of its own.
async fn integrity(db_file: &Path) -> String {
    integrity_with(db_file, "mode=ro").await
}

/// The same on a read-only filesystem. There a WAL database opens only as `immutable`, which
/// ignores the WAL, so a check of the file in place can see a half-checkpointed image that no
/// writer would ever read. The database and its WAL are copied aside and checked there instead,
/// which is exactly what the next writable open will see.
async fn integrity_of_a_copy(db_file: &Path) -> String {
    let aside = tempfile::tempdir().expect("temporary folder");
    let copy = aside.path().join("copy.sqlite");
    std::fs::copy(db_file, &copy).expect("copy the database");
    let wal = db_file.with_extension("sqlite-wal");
    if wal.exists() {
        std::fs::copy(&wal, copy.with_extension("sqlite-wal")).expect("copy the WAL");
    }
    integrity_with(&copy, "mode=rw").await
}

async fn integrity_with(db_file: &Path, params: &str) -> String {
    let url = format!("sqlite://{}?{params}", db_file.display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.expect("open read-only");
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut c)
        .await
        .expect("integrity_check");
    c.close().await.ok();
    rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("; ")
}

/// Empties the WAL into the database and truncates it, so that the next write must grow a
/// file (as it does once the WAL's space is used up).
async fn checkpoint_truncate(db_file: &Path) {
    let url = format!("sqlite://{}", db_file.display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.expect("open");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut c)
            .await
            .expect("checkpoint");
        if busy == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the WAL could not be checkpointed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disk_full_is_reported_corrupts_nothing_loses_nothing_and_recovers() {
    let Some(disk) = Tmpfs::mount("16m") else {
        return;
    };
    let logs = capture(tracing::Level::INFO);
    let _dump = logs.dump_on_panic();
    let db_file = disk.path.join("mm.sqlite");
    let world = world::start_on(&format!("sqlite://{}", db_file.display()), free_port(), "1s").await;
    let mut config = world.config.clone();
    tune(&mut config);
    let before = paid_learners(&world, "dk", 0..30);
    let svc = Service::start(config, ScaledClock::new(SCALE)).await;
    wait_converged(&world, &svc.app, &before, Duration::from_secs(30)).await;
    let (status, body) = svc.readyz().await.expect("readyz answers");
    assert_eq!((status, &body["status"]), (200, &serde_json::json!("ready")), "{body}");

    // The disk fills up; then 200 invoices are paid.
    checkpoint_truncate(&db_file).await;
    let (filler, filled) = fill(&disk.path);
    let during = paid_learners(&world, "dk", 100..300);
    let not_ready_after = wait_for("/readyz to report the full disk", Duration::from_secs(20), || async {
        svc.readyz().await.is_some_and(|r| r.0 == 503)
    })
    .await;
    let (status, body) = svc.readyz().await.expect("readyz answers");
    let database = &body["checks"]["database"];
    assert_eq!(
        (status, database["status"].as_str(), database["detail"].as_str()),
        (
            503,
            Some("not_writable"),
            Some("database not writable: the disk is full")
        ),
        "{body}"
    );
    // It stays so, without flapping, for as long as the disk is full ("5 minutes", scaled).
    let full_since = Instant::now();
    let mut checks = 0;
    while full_since.elapsed() < FIVE_MINUTES {
        let r = svc.readyz().await.expect("readyz answers");
        assert_eq!(r.0, 503, "ready again while the disk is still full: {r:?}");
        checks += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        enrolled_count(&world, &during),
        0,
        "nothing could be recorded, so nothing was done"
    );
    assert_eq!(integrity(&db_file).await, "ok", "while the disk is full");
    let errors: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains("ERROR") && l.contains("the database refuses writes"))
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "one error for the whole episode, not one per attempt: {errors:?}"
    );
    assert!(
        errors[0].contains("the disk is full") && errors[0].contains("fix: free space"),
        "{}",
        errors[0]
    );

    // Space comes back: everything converges, and the database is sound.
    std::fs::remove_file(&filler).unwrap();
    let all: Vec<_> = before.iter().chain(&during).cloned().collect();
    let recovery = wait_converged(&world, &svc.app, &all, Duration::from_secs(30)).await;
    wait_for("/readyz to answer 200 again", Duration::from_secs(10), || async {
        svc.readyz().await.is_some_and(|r| r.0 == 200)
    })
    .await;
    assert_converged(&world, &svc.app, &all, &[]).await;
    svc.stop().await;
    assert_eq!(integrity(&db_file).await, "ok", "after recovery");
    assert!(
        logs.lines()
            .iter()
            .any(|l| l.contains("the database accepts writes again")),
        "the recovery is logged"
    );
    eprintln!(
        "disk full ({} KiB filler on a 16 MiB tmpfs): /readyz 503 after {not_ready_after:?} and in all {checks} \
         checks over {FIVE_MINUTES:?}, one error logged: {}; integrity ok during and after; 200 invoices paid \
         meanwhile converged {recovery:?} after space came back",
        filled / 1024,
        errors[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_database_stops_the_start_with_a_clear_error_and_works_once_writable() {
    let Some(disk) = Tmpfs::mount("16m") else {
        return;
    };
    let db_file = disk.path.join("mm.sqlite");
    let world = world::start_on(&format!("sqlite://{}", db_file.display()), free_port(), "1s").await;
    let cfg = disk.path.join("..").join("mm.toml");
    std::fs::write(&cfg, &world.config_text).unwrap();
    let migrate = Command::new(BIN)
        .args(["migrate", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let paid = paid_learners(&world, "ro", 0..20);

    // The filesystem goes read-only (as after an I/O error, or a mistaken mount option).
    disk.remount("ro");
    let serve = serve_command(&cfg).output();
    let started = Instant::now();
    let out = tokio::time::timeout(Duration::from_secs(30), serve)
        .await
        .expect("serve stops by itself on a read-only database")
        .unwrap();
    let refused_in = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "serve started on a read-only database: {stderr}");
    assert!(
        stderr.to_lowercase().contains("read-only file system")
            && stderr.contains(&db_file.display().to_string())
            && stderr.contains("fix:"),
        "the error names the problem and the file: {stderr}"
    );
    assert_eq!(enrolled_count(&world, &paid), 0);
    assert_eq!(integrity_of_a_copy(&db_file).await, "ok", "on the read-only filesystem");

    // Writable again: the same command starts and converges.
    disk.remount("rw");
    let mut child = spawn_serve(&cfg);
    let took = wait_for("the paid learners to be enrolled", Duration::from_secs(30), || async {
        enrolled_count(&world, &paid) == paid.len()
    })
    .await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    assert_eq!(integrity(&db_file).await, "ok", "after recovery");
    eprintln!(
        "read-only database: serve exits {:?} after {refused_in:?} with: {}; once writable it converged in {took:?}",
        out.status.code(),
        stderr.trim()
    );
}
