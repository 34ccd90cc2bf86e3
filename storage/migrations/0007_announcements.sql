-- Scheduled announcements (one-off or recurring) and the record of each posting.
-- Times are UTC text written by storage.jobs.to_db_time, so text order is time order.

CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    author_id    INTEGER,                       -- NULL once the author asked for their data to be deleted
    channel_id   INTEGER NOT NULL,
    title        TEXT,                          -- set: posted as an embed with this title
    body         TEXT    NOT NULL,
    ping_role_id INTEGER,                       -- the one role the post pings (the guild id = @everyone)
    run_at       TEXT,                          -- one-off: when
    repeat       TEXT,                          -- recurring: the phrase as typed
    trigger      TEXT,                          -- recurring: JSON cron fields, read in `timezone`
    every_weeks  INTEGER NOT NULL DEFAULT 1 CHECK (every_weeks >= 1),
    anchor       TEXT,                          -- every-N-weeks: ISO date of the Monday weeks count from
    until_at     TEXT,                          -- recurring: no posts after this
    timezone     TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'scheduled'
                 CHECK (state IN ('scheduled', 'paused', 'finished', 'cancelled')),
    job_id       INTEGER,                       -- one-off: its pending job
    series_id    INTEGER,                       -- recurring: its current job series
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    CHECK ((run_at IS NULL) <> (trigger IS NULL))
);

CREATE INDEX announcements_by_guild ON announcements (guild_id, state);

CREATE TABLE announcement_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    job_id          INTEGER NOT NULL,           -- the scheduler job that posted (or tried to)
    scheduled_for   TEXT    NOT NULL,           -- the planned time
    finished_at     TEXT    NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('posted', 'failed')),
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER,
    error           TEXT,
    late            INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    manual          INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),  -- /announce send-now
    UNIQUE (job_id)
);

CREATE INDEX announcement_runs_by_announcement ON announcement_runs (announcement_id, scheduled_for);
