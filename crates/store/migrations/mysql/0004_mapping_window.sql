-- Fixed-date mappings (a cohort): access from starts to ends, whenever it was paid.
ALTER TABLE mappings ADD COLUMN starts BIGINT;
ALTER TABLE mappings ADD COLUMN ends BIGINT;
