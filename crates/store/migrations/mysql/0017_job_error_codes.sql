-- Why a job failed, as data (issue #16): the stable code of its error and the error's parameters
-- (a JSON object of strings), so the admin shows the error and its fix in the reader's language.
-- `last_error` keeps the English text for the CLI, the API and the logs. Both stay NULL for the
-- rows failed before this migration and for errors without a code: the pages show their text.
-- The certificate mail outbox is the same generic queue, so it has the columns too.
ALTER TABLE jobs ADD COLUMN error_code VARCHAR(64), ADD COLUMN error_params TEXT;
ALTER TABLE outbox ADD COLUMN error_code VARCHAR(64), ADD COLUMN error_params TEXT;
