-- The sender's version of each invoice (a webhook's timestamp): an older event arriving late
-- must not overwrite a newer one.
ALTER TABLE invoices ADD COLUMN version BIGINT;
ALTER TABLE webhook_deliveries ADD COLUMN version BIGINT;
