-- Certificates: one row per issued version. `code` is the public, unguessable verification code
-- (>= 128 random bits); `number` is printed on it. A later version of the same key supersedes
-- the earlier (`superseded_by`); a revoked one keeps its row, reason and date.
CREATE TABLE certificates (
    code           TEXT NOT NULL PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    site           TEXT NOT NULL,
    course         TEXT NOT NULL,
    learner        TEXT NOT NULL,
    version        BIGINT NOT NULL,
    learner_name   TEXT NOT NULL,
    course_name    TEXT NOT NULL,
    hours          TEXT,
    lang           TEXT NOT NULL,
    completed_at   BIGINT NOT NULL,
    issued_at      BIGINT NOT NULL,
    valid_until    BIGINT,
    cause          TEXT NOT NULL,
    token          TEXT NOT NULL,
    kid            TEXT NOT NULL,
    sha256         TEXT,
    size           BIGINT,
    superseded_by  TEXT,
    revoked_at     BIGINT,
    revoked_reason TEXT,
    emailed_at     BIGINT,
    UNIQUE (site, course, learner, version)
);
CREATE INDEX certificates_key ON certificates (site, course, learner);

-- The Ed25519 keys certificates are signed with; the newest active one signs, every one
-- verifies. `secret` is sealed (`enc:v1:…`) when a secrets key is configured.
CREATE TABLE signing_keys (
    kid        TEXT NOT NULL PRIMARY KEY,
    public_key TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- The outbox: one leased job per (certificate, kind) of mail to send.
CREATE TABLE outbox (
    code         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    generation   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    run_at       BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (code, kind)
);
CREATE INDEX outbox_due ON outbox (status, run_at);
