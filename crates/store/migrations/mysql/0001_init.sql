-- MySQL/MariaDB form of the schema (same tables and columns as sqlite/ and postgres/).
-- Indexed text is VARCHAR, sized so that every key fits InnoDB's 3072-byte limit in utf8mb4
-- (4 bytes a character); texts of any length are MEDIUMTEXT. utf8mb4_bin compares bytes, as
-- SQLite and PostgreSQL do. `before` and `cursor` are reserved words here.

-- Invoices as last seen in each source. `snapshot` is the source's JSON, compared to detect changes.
CREATE TABLE invoices (
    source      VARCHAR(100) NOT NULL,
    id          VARCHAR(191) NOT NULL,
    number      VARCHAR(191) NOT NULL,
    snapshot    MEDIUMTEXT NOT NULL,
    paid_at     BIGINT,
    deleted     BIGINT NOT NULL DEFAULT 0,
    first_seen  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (source, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE mappings (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    product       VARCHAR(191) NOT NULL,
    site          VARCHAR(100) NOT NULL,
    course        VARCHAR(255) NOT NULL,
    role          VARCHAR(100) NOT NULL,
    duration_secs BIGINT,
    on_revoke     VARCHAR(16) NOT NULL,
    origin        VARCHAR(16) NOT NULL,
    UNIQUE (product, site, course)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The desired state, one row per (site, course, learner), with its causes.
CREATE TABLE entitlements (
    site       VARCHAR(100) NOT NULL,
    course     VARCHAR(255) NOT NULL,
    learner    VARCHAR(255) NOT NULL,
    body       MEDIUMTEXT NOT NULL,
    status     VARCHAR(16) NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What Moodle holds, as last applied by us or read back by a sweep.
CREATE TABLE applied_enrolments (
    site       VARCHAR(100) NOT NULL,
    course     VARCHAR(255) NOT NULL,
    learner    VARCHAR(255) NOT NULL,
    status     VARCHAR(16) NOT NULL,
    role       VARCHAR(100) NOT NULL,
    timestart  BIGINT NOT NULL,
    timeend    BIGINT NOT NULL,
    moodle_user_id   BIGINT NOT NULL,
    moodle_course_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Moodle user id of each learner per site: matched once, never guessed again.
CREATE TABLE moodle_users (
    site     VARCHAR(100) NOT NULL,
    learner  VARCHAR(255) NOT NULL,
    user_id  BIGINT NOT NULL,
    PRIMARY KEY (site, learner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE holds (
    source     VARCHAR(100) NOT NULL,
    invoice_id VARCHAR(191) NOT NULL,
    line       VARCHAR(191) NOT NULL,
    is_error   BIGINT NOT NULL,
    message    MEDIUMTEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (source, invoice_id, line)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per key: "look at this key again". `generation` grows on every enqueue so a worker
-- that finishes an older generation leaves the newer request queued.
CREATE TABLE jobs (
    site         VARCHAR(100) NOT NULL,
    course       VARCHAR(255) NOT NULL,
    learner      VARCHAR(255) NOT NULL,
    status       VARCHAR(16) NOT NULL,
    generation   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    run_at       BIGINT NOT NULL,
    locked_by    VARCHAR(191),
    locked_until BIGINT,
    last_error   MEDIUMTEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE audit_log (
    id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at         BIGINT NOT NULL,
    site       VARCHAR(100) NOT NULL,
    course     VARCHAR(255) NOT NULL,
    learner    VARCHAR(255) NOT NULL,
    action     VARCHAR(32) NOT NULL,
    `before`   MEDIUMTEXT,
    after      MEDIUMTEXT,
    reason     MEDIUMTEXT NOT NULL,
    job        VARCHAR(255) NOT NULL,
    ok         BIGINT NOT NULL,
    error      MEDIUMTEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE source_cursors (
    source     VARCHAR(100) NOT NULL PRIMARY KEY,
    `cursor`   MEDIUMTEXT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
