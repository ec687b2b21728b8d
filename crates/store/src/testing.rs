//! Fresh databases for tests: SQLite always, PostgreSQL when `MM_TEST_POSTGRES_URL` points
//! to a server, MySQL/MariaDB when `MM_TEST_MYSQL_URL` does (the test script starts both and
//! sets `MM_REQUIRE_POSTGRES=1` and `MM_REQUIRE_MYSQL=1`, so a missing server fails the run
//! instead of skipping silently).

#![allow(clippy::expect_used)] // test support (the `testing` feature): a database that cannot be set up fails the test

use super::{Store, StoreError};
use rand::Rng;
use sqlx::Connection;

pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn store(&self) -> Store {
        let s = Store::connect(&self.url).await.expect("connect test db");
        s.migrate().await.expect("migrate test db");
        s
    }
}

/// The backends every store-touching test must run on.
pub fn backends() -> Vec<&'static str> {
    let mut b = vec!["sqlite"];
    match std::env::var("MM_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => b.push("postgres"),
        _ if std::env::var("MM_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("MM_REQUIRE_POSTGRES=1 but MM_TEST_POSTGRES_URL is not set: run scripts/test.sh")
        }
        _ => eprintln!("note: MM_TEST_POSTGRES_URL not set, PostgreSQL variants skipped (scripts/test.sh sets it)"),
    }
    match std::env::var("MM_TEST_MYSQL_URL") {
        Ok(u) if !u.is_empty() => b.push("mysql"),
        _ if std::env::var("MM_REQUIRE_MYSQL").is_ok_and(|v| v == "1") => {
            panic!("MM_REQUIRE_MYSQL=1 but MM_TEST_MYSQL_URL is not set: run scripts/test.sh")
        }
        _ => eprintln!("note: MM_TEST_MYSQL_URL not set, MariaDB variants skipped (scripts/test.sh sets it)"),
    }
    b
}

pub async fn fresh(backend: &'static str) -> Result<TestDb, StoreError> {
    match backend {
        "postgres" => {
            let admin = std::env::var("MM_TEST_POSTGRES_URL")
                .map_err(|_| StoreError::Corrupt("no MM_TEST_POSTGRES_URL".into()))?;
            let name = format!("mm_test_{:016x}", rand::thread_rng().r#gen::<u64>());
            let mut conn = sqlx::PgConnection::connect(&admin).await?;
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str()).await?;
            conn.close().await?;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            Ok(TestDb {
                url: format!("{base}/{name}"),
                backend,
                _dir: None,
            })
        }
        "mysql" => {
            let admin =
                std::env::var("MM_TEST_MYSQL_URL").map_err(|_| StoreError::Corrupt("no MM_TEST_MYSQL_URL".into()))?;
            let name = format!("mm_test_{:016x}", rand::thread_rng().r#gen::<u64>());
            let mut conn = sqlx::MySqlConnection::connect(&admin).await?;
            sqlx::Executor::execute(
                &mut conn,
                format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin").as_str(),
            )
            .await?;
            conn.close().await?;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            Ok(TestDb {
                url: format!("{base}/{name}"),
                backend,
                _dir: None,
            })
        }
        _ => {
            let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
            Ok(TestDb {
                url,
                backend,
                _dir: Some(dir),
            })
        }
    }
}
