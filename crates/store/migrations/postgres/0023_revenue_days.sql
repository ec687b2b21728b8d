-- Revenue per day (issue #16: the dashboard under 50 ms at 100,000 enrolments on PostgreSQL).
--
-- The paid amounts of `invoice_lines` summed per (product, currency, UTC day), kept in the
-- same transaction as the lines: a delta (the lines removed subtracted, the lines written
-- added) is applied on every write. The dashboard sums a year of days per product, a few
-- thousand rows, instead of every line. `currency` is '' for none (a key column cannot be NULL);
-- `day` is the midnight that starts the day, in seconds.
-- The key carries `cents` (`INCLUDE`): a range of days is summed from the index alone.
CREATE TABLE revenue_days (
    product  TEXT NOT NULL,
    currency TEXT NOT NULL,
    day      BIGINT NOT NULL,
    cents    BIGINT NOT NULL,
    PRIMARY KEY (product, currency, day) INCLUDE (cents)
);
INSERT INTO revenue_days (product, currency, day, cents)
SELECT product, COALESCE(currency, ''), paid_on - paid_on % 86400, SUM(amount_cents)
FROM invoice_lines
WHERE product IS NOT NULL AND amount_cents IS NOT NULL AND paid_on IS NOT NULL
GROUP BY product, COALESCE(currency, ''), paid_on - paid_on % 86400;
