-- What a mapping's duration counts from: `payment` (the source's payment date), `invoice`
-- (the invoice date) or `enrolment` (when we first saw it paid).
ALTER TABLE mappings ADD COLUMN starts_from VARCHAR(16) NOT NULL DEFAULT 'payment';
-- The source's payment date of an invoice paid and then unpaid again (its grace period keeps
-- the dates the payment gave).
ALTER TABLE invoices ADD COLUMN lapsed_paid_on BIGINT;
-- A source that refused our key (401/403) or banned our IP (429): no request until `blocked_until`,
-- across processes (each `reconcile --once` from cron would otherwise spend one of the five
-- refusals that ban the IP).
CREATE TABLE source_refusals (
    source     VARCHAR(100) NOT NULL PRIMARY KEY,
    blocked_until BIGINT NOT NULL,
    message    TEXT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
