-- The people who sign in to the web admin. `password_hash` is an argon2id PHC string;
-- `role` is admin, operator or viewer; a disabled user keeps their row (the audit names them).
CREATE TABLE admin_users (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email         VARCHAR(255) NOT NULL UNIQUE,
    role          VARCHAR(16) NOT NULL,
    password_hash TEXT NOT NULL,
    locale        VARCHAR(32),
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Signed-in sessions. Only the SHA-256 of the cookie's token is kept, so a copy of the database
-- opens no session; `csrf` is the session's form token. A session ends at `expires_at`, which
-- use pushes forward up to `absolute_expiry`, or when its row is deleted (sign-out, revocation).
CREATE TABLE admin_sessions (
    token_hash      VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id         BIGINT NOT NULL,
    csrf            VARCHAR(64) NOT NULL,
    address         VARCHAR(64),
    created_at      BIGINT NOT NULL,
    last_seen       BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    absolute_expiry BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX admin_sessions_user ON admin_sessions (user_id);

-- What people did through the admin, the API or the CLI, and who: the operator's audit log
-- (Moodle changes themselves stay in audit_log).
CREATE TABLE operator_actions (
    id      BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   VARCHAR(255) NOT NULL,
    action  VARCHAR(64) NOT NULL,
    object  TEXT NOT NULL,
    detail  TEXT,
    ok      BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX operator_actions_at ON operator_actions (at);
