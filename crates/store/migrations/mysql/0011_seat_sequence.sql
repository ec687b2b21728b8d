-- The order seats were assigned in, per line: a credit note takes back the latest first, and
-- two seats assigned in the same second must not fall back to the learners' alphabetical
-- order. Rows from before take their second, so their order is kept and every new one, given
-- the line's highest plus one, comes after them.
ALTER TABLE seat_assignments ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
UPDATE seat_assignments SET sequence = assigned_at;
