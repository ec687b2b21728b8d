-- Invoices as last seen in each source. `snapshot` is the source's JSON, compared to detect changes.
CREATE TABLE invoices (
    source      TEXT NOT NULL,
    id          TEXT NOT NULL,
    number      TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    paid_at     BIGINT,
    deleted     BIGINT NOT NULL DEFAULT 0,
    first_seen  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (source, id)
);

CREATE TABLE mappings (
    id            BIGSERIAL PRIMARY KEY,
    product       TEXT NOT NULL,
    site          TEXT NOT NULL,
    course        TEXT NOT NULL,
    role          TEXT NOT NULL,
    duration_secs BIGINT,
    on_revoke     TEXT NOT NULL,
    origin        TEXT NOT NULL,
    UNIQUE (product, site, course)
);

-- The desired state, one row per (site, course, learner), with its causes.
CREATE TABLE entitlements (
    site       TEXT NOT NULL,
    course     TEXT NOT NULL,
    learner    TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
);

-- What Moodle holds, as last applied by us or read back by a sweep.
CREATE TABLE applied_enrolments (
    site       TEXT NOT NULL,
    course     TEXT NOT NULL,
    learner    TEXT NOT NULL,
    status     TEXT NOT NULL,
    role       TEXT NOT NULL,
    timestart  BIGINT NOT NULL,
    timeend    BIGINT NOT NULL,
    moodle_user_id   BIGINT NOT NULL,
    moodle_course_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
);

-- Moodle user id of each learner per site: matched once, never guessed again.
CREATE TABLE moodle_users (
    site     TEXT NOT NULL,
    learner  TEXT NOT NULL,
    user_id  BIGINT NOT NULL,
    PRIMARY KEY (site, learner)
);

CREATE TABLE holds (
    source     TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    line       TEXT NOT NULL,
    is_error   BIGINT NOT NULL,
    message    TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (source, invoice_id, line)
);

-- One row per key: "look at this key again". `generation` grows on every enqueue so a worker
-- that finishes an older generation leaves the newer request queued.
CREATE TABLE jobs (
    site         TEXT NOT NULL,
    course       TEXT NOT NULL,
    learner      TEXT NOT NULL,
    status       TEXT NOT NULL,
    generation   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    run_at       BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    site       TEXT NOT NULL,
    course     TEXT NOT NULL,
    learner    TEXT NOT NULL,
    action     TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    reason     TEXT NOT NULL,
    job        TEXT NOT NULL,
    ok         BIGINT NOT NULL,
    error      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE source_cursors (
    source     TEXT PRIMARY KEY,
    cursor     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
