-- The idnumber we gave each Moodle account we created (`mm:<source>:<customer>`): a learner
-- whose email changed is found here, without asking Moodle.
CREATE TABLE moodle_idnumbers (
    site     VARCHAR(100) NOT NULL,
    idnumber VARCHAR(255) NOT NULL,
    user_id  BIGINT NOT NULL,
    PRIMARY KEY (site, idnumber)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
