-- The staff directory: who works in which department in which role, and how to reach them.
-- Contact points are kept one a row, in the order listed, so a person's fallback order is
-- stored and an address (an acknowledging phone, a chat id) finds its person.
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    department  TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    updated_at  REAL NOT NULL,
    UNIQUE (department, name)
);
CREATE INDEX staff_role ON staff (department, role);

CREATE TABLE staff_contacts (
    staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    PRIMARY KEY (staff_id, position)
) WITHOUT ROWID;
CREATE INDEX staff_contacts_address ON staff_contacts (channel, address)
