-- The web admin's dashboard and enrolment list (issue #16).
--
-- Each invoice line as last seen, with its amount in cents: a copy of the invoice snapshot's
-- lines kept in the same transaction as the invoice, so that revenue is summed in SQL instead
-- of decoding every snapshot. `paid_on` is when the invoice was paid (the source's payment date,
-- else when we first saw it paid); NULL while unpaid. A deleted invoice has no lines here.
-- Invoices stored before this migration get their lines when they next change (no backfill).
CREATE TABLE invoice_lines (
    source       TEXT NOT NULL,
    invoice_id   TEXT NOT NULL,
    line         TEXT NOT NULL,
    product      TEXT,
    amount_cents BIGINT,
    currency     TEXT,
    paid_on      BIGINT,
    PRIMARY KEY (source, invoice_id, line)
);
-- Revenue is summed per (product, currency) in this index's order: no sort, no table read.
CREATE INDEX invoice_lines_revenue ON invoice_lines (product, currency, paid_on, amount_cents);

-- The learner's name, for the enrolment list's search (the body keeps it in JSON). Filled
-- from the stored bodies here, then written with every entitlement.
ALTER TABLE entitlements ADD COLUMN learner_name TEXT NOT NULL DEFAULT '';
UPDATE entitlements SET learner_name = TRIM(
    COALESCE(json_extract(body, '$.profile.firstname'), '') || ' ' ||
    COALESCE(json_extract(body, '$.profile.lastname'), ''));

-- The enrolment list's sort orders (each ends with the key, the tie-breaker) and filters.
CREATE INDEX entitlements_by_learner ON entitlements (learner, site, course);
CREATE INDEX entitlements_by_course ON entitlements (course, site, learner);
CREATE INDEX entitlements_by_status ON entitlements (status, site, course, learner);
CREATE INDEX entitlements_by_updated ON entitlements (updated_at, site, course, learner);
-- Distinct learners with active access, counted from the index alone.
CREATE INDEX entitlements_learners ON entitlements (status, learner);

-- Figures counted by date or by site.
CREATE INDEX applied_by_start ON applied_enrolments (timestart);
CREATE INDEX certificates_by_issue ON certificates (issued_at);
CREATE INDEX jobs_by_site ON jobs (site, status);
CREATE INDEX progress_by_site ON progress (site, synced_at);
CREATE INDEX progress_by_percent ON progress (site, percent);
