-- Moodle sites and invoice sources added in the web admin (those of config.toml stay there).
-- Every secret is sealed (`enc:v1:…`, XChaCha20-Poly1305 under the service's secret key), so a
-- copy of the database reveals no token.
CREATE TABLE stored_sites (
    name                  VARCHAR(64) NOT NULL PRIMARY KEY,
    url                   TEXT NOT NULL,
    token                 TEXT NOT NULL,
    allow_private_network BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- `kind` is facturascripts (polled: url, token, poll_secs) or webhook (pushed). `secret` signs
-- deliveries; after a rotation `previous_secret` is still accepted until `previous_until`, so
-- the sender can switch without losing a delivery.
CREATE TABLE stored_sources (
    name                  VARCHAR(64) NOT NULL PRIMARY KEY,
    kind                  VARCHAR(16) NOT NULL,
    url                   TEXT,
    token                 TEXT,
    poll_secs             BIGINT,
    allow_private_network BIGINT NOT NULL DEFAULT 0,
    secret                TEXT,
    previous_secret       TEXT,
    previous_until        BIGINT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
