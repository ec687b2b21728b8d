-- `Idempotency-Key`: the first answer to a caller's key, replayed when the same request comes
-- again. `caller` is a hash of the credentials (a bearer token's or a session's SHA-256), so two
-- callers' keys never meet; `body_sha256` tells a retry from a different request under the same
-- key. A row is `in-progress` while its handler runs, then `done` with the answer it gave.
-- Rows end at `expires_at` (a day after `created_at`) and are purged.
CREATE TABLE idempotency_keys (
    caller       VARCHAR(80) NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    method       VARCHAR(16) NOT NULL,
    path         TEXT NOT NULL,
    body_sha256  VARCHAR(64) NOT NULL,
    state        VARCHAR(16) NOT NULL,
    status       BIGINT,
    content_type TEXT,
    location     TEXT,
    etag         TEXT,
    body         LONGBLOB,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (caller, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
