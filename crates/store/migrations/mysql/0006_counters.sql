-- Named counters, e.g. the numbers of usernames made from a prefix (`learner1042`).
CREATE TABLE counters (
    name  VARCHAR(191) NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
