-- Cases: one row per case with the folded state as JSON; indexed columns for the lists
-- that channels ask for (publication by day and department).
CREATE TABLE cases (
    key           TEXT PRIMARY KEY,
    department    TEXT NOT NULL,
    stage         TEXT NOT NULL,
    confidential  INTEGER NOT NULL DEFAULT 0,
    concluded_on  TEXT,
    updated_at    TEXT NOT NULL,
    body          BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX cases_concluded ON cases (concluded_on, department) WHERE concluded_on IS NOT NULL;

-- Every accepted event, kept so a late older event can be folded in at its place.
CREATE TABLE case_events (
    event_id  TEXT PRIMARY KEY,
    case_key  TEXT NOT NULL,
    seq       INTEGER NOT NULL UNIQUE,
    body      BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_events_case ON case_events (case_key, seq);

CREATE TABLE guides (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    department  TEXT NOT NULL,
    title       TEXT NOT NULL,
    removed     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    body        BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE guide_versions (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    body        BLOB NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;

-- Only a SHA-256 of each token is kept; tokens are 256-bit random, so no slow hash is needed.
CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    department  TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) WITHOUT ROWID;

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    case_key  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    sender    TEXT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX audit_case ON audit (case_key, at);

CREATE TABLE code_failures (
    case_key  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX code_failures_case ON code_failures (case_key, at);

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
