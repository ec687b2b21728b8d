#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL scheme `{0}` is not supported: use sqlite://path or postgres://user@host/db")]
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
}
