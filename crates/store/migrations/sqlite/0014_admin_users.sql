-- The people who sign in to the web admin. `password_hash` is an argon2id PHC string;
-- `role` is admin, operator or viewer; a disabled user keeps their row (the audit names them).
CREATE TABLE admin_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale        TEXT,
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Signed-in sessions. Only the SHA-256 of the cookie's token is kept, so a copy of the database
-- opens no session; `csrf` is the session's form token. A session ends at `expires_at`, which
-- use pushes forward up to `absolute_expiry`, or when its row is deleted (sign-out, revocation).
CREATE TABLE admin_sessions (
    token_hash      TEXT NOT NULL PRIMARY KEY,
    user_id         BIGINT NOT NULL,
    csrf            TEXT NOT NULL,
    address         TEXT,
    created_at      BIGINT NOT NULL,
    last_seen       BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    absolute_expiry BIGINT NOT NULL
);
CREATE INDEX admin_sessions_user ON admin_sessions (user_id);

-- What people did through the admin, the API or the CLI, and who: the operator's audit log
-- (Moodle changes themselves stay in audit_log).
CREATE TABLE operator_actions (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    detail  TEXT,
    ok      BIGINT NOT NULL
);
CREATE INDEX operator_actions_at ON operator_actions (at);
