-- An invoice paid and then unpaid again: when it had been paid, and since when it is not
-- (a grace period counts from there).
ALTER TABLE invoices ADD COLUMN lapsed_paid_at BIGINT;
ALTER TABLE invoices ADD COLUMN unpaid_since BIGINT;

-- Mapping policies: the grace period, and what removing the mapping does. A mapping removed
-- from the configuration stays as a tombstone (removed = 1) so its `on_remove` still applies.
ALTER TABLE mappings ADD COLUMN grace_secs BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mappings ADD COLUMN on_remove VARCHAR(16) NOT NULL DEFAULT 'keep';
ALTER TABLE mappings ADD COLUMN removed BIGINT NOT NULL DEFAULT 0;

-- Seats of a company's invoice line, each assigned to a named learner.
CREATE TABLE seat_assignments (
    source      VARCHAR(100) NOT NULL,
    invoice_id  VARCHAR(191) NOT NULL,
    line_id     VARCHAR(100) NOT NULL,
    learner     VARCHAR(255) NOT NULL,
    name        VARCHAR(255) NOT NULL,
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (source, invoice_id, line_id, learner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
