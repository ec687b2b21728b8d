-- Every accepted webhook delivery, stored before it is acknowledged: `webhook-id` dedupes
-- replays, and a delivery not yet applied (a crash after the 2xx) is applied at the next start.
CREATE TABLE webhook_deliveries (
    source      VARCHAR(100) NOT NULL,
    id          VARCHAR(191) NOT NULL,
    received_at BIGINT NOT NULL,
    body        MEDIUMTEXT NOT NULL,
    processed   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (source, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (processed);
