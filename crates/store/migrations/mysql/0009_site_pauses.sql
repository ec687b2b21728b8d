-- Sites paused by a site-wide condition (invalid token, missing function or capability,
-- maintenance, unreachable): their jobs stay queued and are not claimed until a check of the
-- site passes and the row is deleted. Kept here so a restart or another replica sees it.
CREATE TABLE site_pauses (
    site       VARCHAR(100) NOT NULL PRIMARY KEY,
    code       VARCHAR(64) NOT NULL,
    reason     TEXT NOT NULL,
    fix        TEXT,
    -- Functions the check must also find in the token's service before the pause lifts
    -- (comma-separated; empty when the condition names none).
    functions  TEXT NOT NULL,
    paused_at  BIGINT NOT NULL,
    checked_at BIGINT,
    last_check TEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
