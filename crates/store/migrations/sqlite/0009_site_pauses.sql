-- Sites paused by a site-wide condition (invalid token, missing function or capability,
-- maintenance, unreachable): their jobs stay queued and are not claimed until a check of the
-- site passes and the row is deleted. Kept here so a restart or another replica sees it.
CREATE TABLE site_pauses (
    site       TEXT NOT NULL PRIMARY KEY,
    code       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    fix        TEXT,
    -- Functions the check must also find in the token's service before the pause lifts
    -- (comma-separated; empty when the condition names none).
    functions  TEXT NOT NULL,
    paused_at  BIGINT NOT NULL,
    checked_at BIGINT,
    last_check TEXT
);
