-- Messenger channels' state (Telegram, WeChat …), keyed by (channel, address): the address
-- is the platform's chat id or openid. Its own tables: SMS keeps its own (sms_*).
CREATE TABLE IF NOT EXISTS messenger_opt_outs (
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    source     TEXT NOT NULL,   -- command | unfollow | blocked
    at         REAL NOT NULL,
    PRIMARY KEY (channel, address)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messenger_subscriptions (
    channel    TEXT NOT NULL,
    case_key   TEXT NOT NULL,
    address    TEXT NOT NULL,
    at         REAL NOT NULL,
    PRIMARY KEY (channel, case_key, address)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messenger_subscriptions_address
    ON messenger_subscriptions(channel, address);
-- Only phones the platform vouches for (a Telegram contact shared by its own user).
CREATE TABLE IF NOT EXISTS messenger_verified_phones (
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    phone      TEXT NOT NULL,
    at         REAL NOT NULL,
    PRIMARY KEY (channel, address)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messenger_choices (
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    choices    TEXT NOT NULL,   -- JSON list of guide ids, in the order offered
    expires_at REAL NOT NULL,
    PRIMARY KEY (channel, address)
) WITHOUT ROWID;
-- Platforms retry (WeChat three times within 15 s): the primary key makes one reply.
CREATE TABLE IF NOT EXISTS messenger_deliveries (
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    at         REAL NOT NULL,
    PRIMARY KEY (channel, message_id)
) WITHOUT ROWID;
