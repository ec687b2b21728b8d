-- The course group a mapping puts its learners in (by name), if any.
ALTER TABLE mappings ADD COLUMN group_name VARCHAR(255);
