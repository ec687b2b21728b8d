-- Progress of each active enrolment as read from Moodle (progress sync): the learner's last
-- access to the course, the access seen at the last per-learner read, the activity percentage,
-- the course completion time (set = complete, Moodle's time) and the final grade.
-- Key columns are VARCHAR as in applied_enrolments (MySQL cannot index TEXT whole).
CREATE TABLE progress (
    site                VARCHAR(100) NOT NULL,
    course              VARCHAR(255) NOT NULL,
    learner             VARCHAR(255) NOT NULL,
    last_access         BIGINT,
    last_checked_access BIGINT,
    percent             DOUBLE,
    completed_at        BIGINT,
    grade               VARCHAR(255),
    synced_at           BIGINT NOT NULL,
    PRIMARY KEY (site, course, learner),
    INDEX progress_completed (completed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A row per change of percent, completion or grade: a retake keeps both completions.
CREATE TABLE progress_history (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    site         VARCHAR(100) NOT NULL,
    course       VARCHAR(255) NOT NULL,
    learner      VARCHAR(255) NOT NULL,
    recorded_at  BIGINT NOT NULL,
    percent      DOUBLE,
    completed_at BIGINT,
    grade        VARCHAR(255),
    INDEX progress_history_key (site, course, learner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
