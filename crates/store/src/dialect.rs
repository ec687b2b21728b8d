//! The SQL dialects. Queries are written once, for SQLite and PostgreSQL (`$N` placeholders,
//! `ON CONFLICT` upserts); for MySQL/MariaDB they are rewritten here:
//!
//! - `$N` → `?`. MySQL binds by position, so this only works when every placeholder appears
//!   once and in increasing order; a query that reuses or reorders them has a MySQL form of its
//!   own (checked in debug builds).
//! - `ON CONFLICT (…) DO UPDATE SET x = excluded.x` → `ON DUPLICATE KEY UPDATE x = VALUES(x)`;
//!   `ON CONFLICT (…) DO NOTHING` → `INSERT IGNORE`. An upsert with a `WHERE` needs its own form.
//! - the column names that are reserved words in MySQL (`before`, `cursor`) are quoted.
//!
//! The few statements that differ in more than that (the job claim, a counter's `RETURNING`, a
//! conditional upsert, an `UPDATE` reading its own table) are written per backend where they are.
//!
//! MySQL reports `TEXT` columns as blobs to `sqlx::Any` (sqlx 0.8), so reading one goes through
//! [`text`]/[`opt_text`]; key and short columns are `VARCHAR` there and read as usual.

use crate::Backend;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Column names that MySQL/MariaDB reserve.
const RESERVED: &[&str] = &["before", "cursor"];

/// A statement written once (a literal) in the backend's dialect. MySQL forms are rewritten
/// once per literal and kept.
pub(crate) fn query<'q>(backend: Backend, sql: &'static str) -> Query<'q, Any, AnyArguments<'q>> {
    sqlx::query(static_sql(backend, sql, false))
}

/// As [`query`], locking the rows read on MySQL (`FOR UPDATE`), for a read that decides a write
/// in the same transaction. SQLite's writers are serialized by `BEGIN IMMEDIATE`; PostgreSQL's
/// SQL stays as it is.
pub(crate) fn query_for_update<'q>(backend: Backend, sql: &'static str) -> Query<'q, Any, AnyArguments<'q>> {
    sqlx::query(static_sql(backend, sql, true))
}

/// The SQL text of [`query`] / [`query_for_update`].
pub(crate) fn static_sql(backend: Backend, sql: &'static str, for_update: bool) -> &'static str {
    if backend != Backend::MySql {
        return sql;
    }
    type Cache = Mutex<HashMap<(&'static str, bool), &'static str>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Bounded: at most two entries per literal in this crate.
    cache.entry((sql, for_update)).or_insert_with(|| {
        let mut mysql = to_mysql(sql);
        if for_update {
            mysql.push_str(" FOR UPDATE");
        }
        Box::leak(mysql.into_boxed_str())
    })
}

/// A statement built at run time (multi-row `VALUES`, `IN` lists), in the backend's dialect.
pub(crate) fn sql(backend: Backend, sql: &str) -> Cow<'_, str> {
    match backend {
        Backend::MySql => Cow::Owned(to_mysql(sql)),
        Backend::Sqlite | Backend::Postgres => Cow::Borrowed(sql),
    }
}

/// As [`sql`], locking the rows read on MySQL (see [`query_for_update`]).
pub(crate) fn sql_for_update(backend: Backend, sql: &str) -> Cow<'_, str> {
    match backend {
        Backend::MySql => Cow::Owned(to_mysql(sql) + " FOR UPDATE"),
        Backend::Sqlite | Backend::Postgres => Cow::Borrowed(sql),
    }
}

/// Which backend a connection talks to (for code that only holds a transaction).
pub(crate) fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    match conn.backend_name() {
        "PostgreSQL" => Backend::Postgres,
        "MySQL" => Backend::MySql,
        _ => Backend::Sqlite,
    }
}

/// A text column: on MySQL a `TEXT` column comes back as a blob of UTF-8.
pub(crate) fn text(r: &AnyRow, col: &str) -> Result<String, sqlx::Error> {
    opt_text(r, col)?.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: "unexpected NULL".into(),
    })
}

/// A nullable text column, see [`text`].
pub(crate) fn opt_text(r: &AnyRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    match r.try_get::<Option<String>, _>(col) {
        Err(sqlx::Error::ColumnDecode { .. }) => r
            .try_get::<Option<Vec<u8>>, _>(col)?
            .map(|bytes| {
                String::from_utf8(bytes).map_err(|e| sqlx::Error::ColumnDecode {
                    index: col.to_string(),
                    source: Box::new(e),
                })
            })
            .transpose(),
        other => other,
    }
}

/// The MySQL/MariaDB form of a statement written for SQLite and PostgreSQL.
pub(crate) fn to_mysql(sql: &str) -> String {
    let sql = rewrite_upsert(sql);
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut next_placeholder = 1usize;
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                // A string literal, copied as it is ('' escapes a quote and reads as two).
                out.push(c);
                for (_, c) in chars.by_ref() {
                    out.push(c);
                    if c == '\'' {
                        break;
                    }
                }
            }
            '$' if chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => {
                let mut n = 0usize;
                while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                    n = n * 10 + (d as usize - '0' as usize);
                    chars.next();
                }
                debug_assert_eq!(
                    n, next_placeholder,
                    "placeholders must appear once each, in increasing order, to become `?`: {sql}"
                );
                next_placeholder = n + 1;
                out.push('?');
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some((j, d)) = chars.peek().copied() {
                    if d.is_ascii_alphanumeric() || d == '_' || d == '.' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &sql[i..end];
                if let Some(col) = word.strip_prefix("excluded.") {
                    out.push_str("VALUES(");
                    push_ident(&mut out, col);
                    out.push(')');
                } else {
                    push_ident(&mut out, word);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A name, quoted when MySQL reserves it.
fn push_ident(out: &mut String, word: &str) {
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word)) {
        out.push('`');
        out.push_str(word);
        out.push('`');
    } else {
        out.push_str(word);
    }
}

/// `ON CONFLICT (…) DO UPDATE SET` → `ON DUPLICATE KEY UPDATE`; `ON CONFLICT (…) DO NOTHING` →
/// `INSERT IGNORE`.
fn rewrite_upsert(sql: &str) -> Cow<'_, str> {
    let Some(at) = sql.find("ON CONFLICT") else {
        return Cow::Borrowed(sql);
    };
    let (head, rest) = sql.split_at(at);
    let after_target = rest.find(')').map_or(rest, |p| &rest[p + 1..]).trim_start();
    if let Some(tail) = after_target.strip_prefix("DO UPDATE SET") {
        debug_assert!(
            !tail.contains("WHERE"),
            "a conditional upsert needs a MySQL form of its own: {sql}"
        );
        Cow::Owned(format!("{head}ON DUPLICATE KEY UPDATE{tail}"))
    } else if let Some(tail) = after_target.strip_prefix("DO NOTHING") {
        let head = head.replacen("INSERT INTO", "INSERT IGNORE INTO", 1);
        Cow::Owned(format!("{}{tail}", head.trim_end()))
    } else {
        debug_assert!(false, "unknown ON CONFLICT form: {sql}");
        Cow::Borrowed(sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_question_marks() {
        assert_eq!(
            to_mysql("SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4"),
            "SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?"
        );
    }

    #[test]
    #[should_panic(expected = "increasing order")]
    #[cfg(debug_assertions)]
    fn a_reused_placeholder_is_refused() {
        to_mysql("UPDATE t SET a = $2 WHERE b = $1");
    }

    #[test]
    fn upserts_and_reserved_words() {
        assert_eq!(
            to_mysql(
                "INSERT INTO source_cursors (source, cursor, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, n = COALESCE(excluded.n, t.n)"
            ),
            "INSERT INTO source_cursors (source, `cursor`, updated_at) VALUES (?, ?, ?)
                 ON DUPLICATE KEY UPDATE `cursor` = VALUES(`cursor`), n = COALESCE(VALUES(n), t.n)"
        );
        assert_eq!(
            to_mysql("INSERT INTO h (a, b) VALUES ($1, 'it''s $2 before')\n ON CONFLICT (a, b) DO NOTHING"),
            "INSERT IGNORE INTO h (a, b) VALUES (?, 'it''s $2 before')"
        );
    }

    #[test]
    fn other_backends_keep_their_sql() {
        let s = "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO NOTHING";
        assert_eq!(static_sql(Backend::Postgres, s, true), s);
        assert_eq!(sql(Backend::Sqlite, s), s);
        assert_eq!(
            static_sql(Backend::MySql, s, false),
            "INSERT IGNORE INTO t (a) VALUES (?)"
        );
        let read = "SELECT a FROM t WHERE a = $1";
        assert_eq!(
            static_sql(Backend::MySql, read, true),
            "SELECT a FROM t WHERE a = ? FOR UPDATE"
        );
        assert_eq!(static_sql(Backend::Sqlite, read, true), read);
    }
}
