-- Inbound SMS de-duplication goes back into the database (see storage/sms_state_sqlite.py):
-- one insert-if-absent statement per message, the unique index on the provider's message id
-- and the (number, text, time) index that statement searches. Opt-outs are read from
-- sms_opt_outs when needed, so the change counter and its triggers go, and so does the
-- per-process `origin` column of the in-memory ledger.
-- Rows written twice across processes under that ledger keep only their first copy, or
-- the unique index could not be built.
DELETE FROM sms_inbound WHERE provider_message_id != '' AND id NOT IN (
    SELECT MIN(id) FROM sms_inbound WHERE provider_message_id != ''
    GROUP BY provider_message_id);
CREATE UNIQUE INDEX sms_inbound_message ON sms_inbound (provider_message_id)
    WHERE provider_message_id != '';
CREATE INDEX sms_inbound_recent ON sms_inbound (phone, text_hash, at);
ALTER TABLE sms_inbound DROP COLUMN origin;
DROP TRIGGER sms_opt_outs_added;
DROP TRIGGER sms_opt_outs_removed;
DROP TABLE sms_opt_out_changes
