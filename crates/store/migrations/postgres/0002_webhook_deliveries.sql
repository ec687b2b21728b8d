-- Every accepted webhook delivery, stored before it is acknowledged: `webhook-id` dedupes
-- replays, and a delivery not yet applied (a crash after the 2xx) is applied at the next start.
CREATE TABLE webhook_deliveries (
    source      TEXT NOT NULL,
    id          TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    body        TEXT NOT NULL,
    processed   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (source, id)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (processed);
