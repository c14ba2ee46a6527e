-- The durable SMS outbox, opt-outs, subscriptions, SMS conversation state and the notifier cursor.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key      TEXT NOT NULL UNIQUE,
    recipient       TEXT NOT NULL,
    template        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    variables       TEXT NOT NULL,
    body            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    priority        INTEGER NOT NULL,
    state           TEXT NOT NULL,
    provider        TEXT NOT NULL DEFAULT '',
    provider_id     TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    parts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    claim           TEXT NOT NULL DEFAULT '',
    claimed_at      REAL,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    sent_at         REAL,
    sent_day        TEXT,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, priority, next_attempt_at);
CREATE INDEX outbox_cap ON outbox (recipient, template, sent_day);
CREATE INDEX outbox_provider_id ON outbox (provider, provider_id);

CREATE TABLE sms_opt_outs (
    phone      TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    at         REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE sms_subscriptions (
    phone      TEXT NOT NULL,
    case_key   TEXT NOT NULL,
    at         REAL NOT NULL,
    PRIMARY KEY (phone, case_key)
) WITHOUT ROWID;
CREATE INDEX sms_subscriptions_case ON sms_subscriptions (case_key);

CREATE TABLE sms_conversations (
    phone      TEXT PRIMARY KEY,
    choices    TEXT NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE sms_inbound (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_message_id TEXT NOT NULL,
    phone      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    at         REAL NOT NULL
);
CREATE UNIQUE INDEX sms_inbound_message ON sms_inbound (provider_message_id)
    WHERE provider_message_id != '';
CREATE INDEX sms_inbound_recent ON sms_inbound (phone, text_hash, at);

CREATE TABLE notify_cursor (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL
) WITHOUT ROWID
