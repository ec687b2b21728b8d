-- Outbound events: subscribers (config.toml's, origin `config`, and the admin's, origin `admin`),
-- one delivery per (subscriber, event) and every attempt of it. A subscriber's signing secret is
-- sealed (`enc:v1:…`); after a rotation the previous one still signs until `previous_until`.
-- `event_types` is `,type,type,` or empty for every type. Those of config.toml keep their secret
-- in the file (`secret` NULL here).
CREATE TABLE event_subscribers (
    name                  VARCHAR(64) NOT NULL PRIMARY KEY,
    url                   TEXT NOT NULL,
    origin                VARCHAR(16) NOT NULL,
    secret                TEXT,
    previous_secret       TEXT,
    previous_until        BIGINT,
    event_types           VARCHAR(1000) NOT NULL DEFAULT '',
    enabled               BIGINT NOT NULL DEFAULT 1,
    allow_private_network BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- `event_id` is stable (the `webhook-id` of every attempt) and derived from the cause, so an
-- event emitted twice is stored once. `ordering_key` (a hash of site, course and learner)
-- orders the deliveries of one subscriber: a later one waits while an earlier one is pending
-- or failing. `state`: pending | failing | delivered | dead.
CREATE TABLE event_deliveries (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subscriber      VARCHAR(64) NOT NULL,
    event_id        VARCHAR(64) NOT NULL,
    event_type      VARCHAR(64) NOT NULL,
    payload         TEXT NOT NULL,
    ordering_key    VARCHAR(64) NOT NULL,
    state           VARCHAR(16) NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_by       VARCHAR(191),
    locked_until    BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    delivered_at    BIGINT,
    UNIQUE (subscriber, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX event_deliveries_due ON event_deliveries (state, next_attempt_at);
CREATE INDEX event_deliveries_order ON event_deliveries (subscriber, ordering_key, id);

-- Each attempt: its HTTP status or the error that kept it from having one, and how long it took.
CREATE TABLE event_attempts (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    delivery_id  BIGINT NOT NULL,
    attempted_at BIGINT NOT NULL,
    status       BIGINT,
    error        TEXT,
    duration_ms  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX event_attempts_delivery ON event_attempts (delivery_id, id);
