-- Members who left a server: their personal data is kept (a profile hidden) for a period, then deleted.
-- A purge job names the departure row, never the member, so nothing about them remains once it has run.
CREATE TABLE departures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    left_at  TEXT    NOT NULL,
    UNIQUE (guild_id, user_id)
);
