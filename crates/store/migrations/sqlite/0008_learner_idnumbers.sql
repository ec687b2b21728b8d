-- The idnumber we gave each Moodle account we created (`mm:<source>:<customer>`): a learner
-- whose email changed is found here, without asking Moodle.
CREATE TABLE moodle_idnumbers (
    site     TEXT NOT NULL,
    idnumber TEXT NOT NULL,
    user_id  BIGINT NOT NULL,
    PRIMARY KEY (site, idnumber)
);
