#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database URL scheme `{0}` is not supported: use sqlite://path, postgres://user@host/db or mysql://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("cannot connect to the database at {0}: {1}")]
    Connect(String, #[source] sqlx::Error),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored JSON could not be read: {0}")]
    Json(#[from] serde_json::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error(
        "the SQLite database {path} cannot be written: {reason} — fix: make the file and its folder writable \
         by the service's user, on a filesystem mounted read-write with free space"
    )]
    NotWritable { path: String, reason: String },
}

impl StoreError {
    /// Why the database refuses to be written, when the error says so: the disk (or the
    /// filesystem's quota) is full, or the database or its folder is read-only. For `/readyz`
    /// and the operator's log: a database that still answers reads may not accept writes.
    pub fn write_refusal(&self) -> Option<&'static str> {
        if let StoreError::NotWritable { .. } = self {
            return Some("the database file or its folder is read-only");
        }
        let db = match self {
            StoreError::Sql(sqlx::Error::Database(db)) | StoreError::Connect(_, sqlx::Error::Database(db)) => db,
            _ => return None,
        };
        let code = db.code()?;
        // PostgreSQL reports a five-character SQLSTATE; SQLite its (extended) result code, a
        // number of at most four digits.
        if code.len() == 5 {
            return match code.as_ref() {
                "53100" => Some("the disk is full"),          // disk_full
                "25006" => Some("the database is read-only"), // read_only_sql_transaction
                _ => None,
            };
        }
        match code.parse::<i64>().ok()? & 0xff {
            13 => Some("the disk is full"),                            // SQLITE_FULL
            8 => Some("the database file or its folder is read-only"), // SQLITE_READONLY_*
            _ => None,
        }
    }
}
