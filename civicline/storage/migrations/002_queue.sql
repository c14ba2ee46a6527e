-- The hall's queue: tickets issued per day and category, and every call (including recalls).
CREATE TABLE queue_tickets (
    day        TEXT NOT NULL,
    number     TEXT NOT NULL,
    category   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    issued_at  TEXT NOT NULL,
    called_at  TEXT,
    window     TEXT,
    PRIMARY KEY (day, number)
) WITHOUT ROWID;
CREATE INDEX queue_waiting ON queue_tickets (day, category, called_at, seq);

CREATE TABLE queue_calls (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    day        TEXT NOT NULL,
    ticket     TEXT NOT NULL,
    window     TEXT NOT NULL,
    service    TEXT NOT NULL,
    called_at  TEXT NOT NULL,
    recall     INTEGER NOT NULL DEFAULT 0,
    source     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_calls_day ON queue_calls (day, id);
