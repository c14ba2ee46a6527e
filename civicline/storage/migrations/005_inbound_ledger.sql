-- Inbound de-duplication and opt-out checks are answered from each process's memory (see
-- civicline/storage/inbound_sqlite.py); sms_inbound is their durable log. Processes catch up
-- with each other by reading the rows other origins wrote after the last id they saw, so
-- the per-message lookup indexes go and an index on time serves loading and pruning.
DROP INDEX sms_inbound_recent;
DROP INDEX sms_inbound_message;
ALTER TABLE sms_inbound ADD COLUMN origin TEXT NOT NULL DEFAULT '';
CREATE INDEX sms_inbound_at ON sms_inbound (at);

-- Bumped on every opt-out change, so a process reloads its set only when it changed.
CREATE TABLE sms_opt_out_changes (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    n          INTEGER NOT NULL
);
INSERT INTO sms_opt_out_changes(id, n) VALUES (1, 0);
CREATE TRIGGER sms_opt_outs_added AFTER INSERT ON sms_opt_outs BEGIN UPDATE sms_opt_out_changes SET n = n + 1; END;
CREATE TRIGGER sms_opt_outs_removed AFTER DELETE ON sms_opt_outs BEGIN UPDATE sms_opt_out_changes SET n = n + 1; END;
