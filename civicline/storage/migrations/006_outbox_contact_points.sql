-- The outbox addresses a contact point (channel, address) instead of a phone number, and a
-- message's cost is in its channel's own unit (SMS: billable parts). Rows written before
-- were all SMS; their dedupe keys take the new `channel:address` form so a re-read event
-- still finds them.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'sms';
ALTER TABLE outbox RENAME COLUMN recipient TO address;
ALTER TABLE outbox RENAME COLUMN parts TO cost;
UPDATE outbox SET dedupe_key = replace(dedupe_key, '|' || address || '|', '|sms:' || address || '|');
-- Each channel's lanes claim only their own rows: the channel leads the claim index.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (channel, state, priority, next_attempt_at);
DROP INDEX outbox_cap;
CREATE INDEX outbox_cap ON outbox (channel, address, template, sent_day)
