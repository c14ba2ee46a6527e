-- Inbound de-duplication and opt-out checks are answered from each process's memory (see
-- civicline/storage/inbound_sqlite.py); sms_inbound is their durable log. Processes catch up
-- with each other by reading the rows other origins wrote after the last id they saw, so
-- no secondary index is needed: ids follow time closely enough for loading and pruning,
-- and each index costs every inbound message a B-tree insert.
DROP INDEX sms_inbound_recent;
DROP INDEX sms_inbound_message;
ALTER TABLE sms_inbound ADD COLUMN origin INTEGER NOT NULL DEFAULT 0;

-- Bumped on every opt-out change, so a process reloads its set only when it changed.
CREATE TABLE sms_opt_out_changes (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    n          INTEGER NOT NULL
);
INSERT INTO sms_opt_out_changes(id, n) VALUES (1, 0);
CREATE TRIGGER sms_opt_outs_added AFTER INSERT ON sms_opt_outs BEGIN UPDATE sms_opt_out_changes SET n = n + 1; END;
CREATE TRIGGER sms_opt_outs_removed AFTER DELETE ON sms_opt_outs BEGIN UPDATE sms_opt_out_changes SET n = n + 1; END;
