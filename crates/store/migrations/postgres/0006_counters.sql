-- Named counters, e.g. the numbers of usernames made from a prefix (`learner1042`).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
