-- Certificates: one row per issued version. `code` is the public, unguessable verification code
-- (>= 128 random bits); `number` is printed on it. A later version of the same key supersedes
-- the earlier (`superseded_by`); a revoked one keeps its row, reason and date.
CREATE TABLE certificates (
    code           VARCHAR(64) NOT NULL PRIMARY KEY,
    number         VARCHAR(64) NOT NULL UNIQUE,
    site           VARCHAR(100) NOT NULL,
    course         VARCHAR(255) NOT NULL,
    learner        VARCHAR(255) NOT NULL,
    version        BIGINT NOT NULL,
    learner_name   TEXT NOT NULL,
    course_name    TEXT NOT NULL,
    hours          TEXT,
    lang           VARCHAR(16) NOT NULL,
    completed_at   BIGINT NOT NULL,
    issued_at      BIGINT NOT NULL,
    valid_until    BIGINT,
    cause          VARCHAR(32) NOT NULL,
    token          TEXT NOT NULL,
    kid            VARCHAR(64) NOT NULL,
    sha256         VARCHAR(64),
    size           BIGINT,
    superseded_by  VARCHAR(64),
    revoked_at     BIGINT,
    revoked_reason TEXT,
    emailed_at     BIGINT,
    UNIQUE (site, course, learner, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX certificates_key ON certificates (site, course, learner);

-- The Ed25519 keys certificates are signed with; the newest active one signs, every one
-- verifies. `secret` is sealed (`enc:v1:…`) when a secrets key is configured.
CREATE TABLE signing_keys (
    kid        VARCHAR(64) NOT NULL PRIMARY KEY,
    public_key TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The outbox: one leased job per (certificate, kind) of mail to send.
CREATE TABLE outbox (
    code         VARCHAR(64) NOT NULL,
    kind         VARCHAR(32) NOT NULL,
    status       VARCHAR(16) NOT NULL,
    generation   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    run_at       BIGINT NOT NULL,
    locked_by    VARCHAR(191),
    locked_until BIGINT,
    last_error   MEDIUMTEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (code, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX outbox_due ON outbox (status, run_at);
