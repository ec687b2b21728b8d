-- Progress of each active enrolment as read from Moodle (progress sync): the learner's last
-- access to the course, the access seen at the last per-learner read, the activity percentage,
-- the course completion time (set = complete, Moodle's time) and the final grade.
CREATE TABLE progress (
    site                TEXT NOT NULL,
    course              TEXT NOT NULL,
    learner             TEXT NOT NULL,
    last_access         BIGINT,
    last_checked_access BIGINT,
    percent             REAL,
    completed_at        BIGINT,
    grade               TEXT,
    synced_at           BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner)
);

-- A row per change of percent, completion or grade: a retake keeps both completions.
CREATE TABLE progress_history (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site         TEXT NOT NULL,
    course       TEXT NOT NULL,
    learner      TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    percent      REAL,
    completed_at BIGINT,
    grade        TEXT
);
CREATE INDEX progress_history_key ON progress_history (site, course, learner);
CREATE INDEX progress_completed ON progress (completed_at);
