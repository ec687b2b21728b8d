-- What an admin set in the certificate template editor, over `[certificates]` of config.toml
-- (which keeps what it declares): one row, `scope` 'default'. NULL leaves a field to the
-- configuration or the built-in default.
CREATE TABLE certificate_template (
    scope           VARCHAR(32) NOT NULL PRIMARY KEY,
    primary_colour  TEXT,
    accent_colour   TEXT,
    signatory_name  TEXT,
    signatory_title TEXT,
    footer          TEXT,
    updated_at      BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
