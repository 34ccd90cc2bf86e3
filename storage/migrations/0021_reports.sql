-- The evidence report: each report made (its period, audience and headline figures), so the next one can say
-- what changed and "since the last report" has a start; and the monthly digest an organizer asked for.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    audience     TEXT    NOT NULL,               -- 'everyone', 'group:<id>', 'school:<id>' or 'digest'
    community    TEXT    NOT NULL DEFAULT '',    -- the server's name then (`copbot report` names files with it)
    period_start TEXT    NOT NULL,               -- ISO dates in the guild's zone, end inclusive
    period_end   TEXT    NOT NULL,
    headline     TEXT    NOT NULL,               -- JSON {label: value} of the headline figures
    made_by      INTEGER,                        -- NULL: the monthly digest or `copbot report`
    created_at   TEXT    NOT NULL
);

CREATE INDEX reports_by_audience ON reports (guild_id, audience, created_at);
CREATE INDEX reports_by_member ON reports (guild_id, made_by);

CREATE TABLE report_digests (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,                 -- where the summary is posted
    series_id  INTEGER NOT NULL,                 -- its job series (the 1st of each month, 09:00 in the zone)
    set_by     INTEGER,
    created_at TEXT    NOT NULL
);
