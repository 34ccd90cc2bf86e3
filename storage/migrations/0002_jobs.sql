-- Durable scheduling: every timed action is a row in `jobs`; recurring ones come from a `job_series`.
-- Times are UTC ISO-8601 text with microseconds and a Z suffix ('2026-03-08T13:00:00.000000Z'),
-- always written by the application, so text order is time order.

CREATE TABLE job_series (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    trigger     TEXT    NOT NULL,              -- JSON cron fields, e.g. {"day_of_week": "mon", "hour": 9}
    timezone    TEXT    NOT NULL,              -- IANA zone the cron fields are read in
    payload     TEXT    NOT NULL DEFAULT '{}', -- JSON copied into each occurrence's job
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    next_due_at TEXT,                          -- the occurrence most recently written as a job
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE INDEX job_series_by_owner ON job_series (guild_id, owner);

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    due_at        TEXT    NOT NULL,            -- when the next attempt runs (moves on retry)
    scheduled_for TEXT    NOT NULL,            -- when it was planned for (fixed by retries)
    payload       TEXT    NOT NULL DEFAULT '{}',
    state         TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'running', 'done', 'skipped', 'failed', 'cancelled')),
    attempts      INTEGER NOT NULL DEFAULT 0,  -- times it was claimed to run
    last_error    TEXT,
    late          INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    series_id     INTEGER REFERENCES job_series (id) ON DELETE CASCADE,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    ran_at        TEXT,
    finished_at   TEXT
);

CREATE INDEX jobs_next_due ON jobs (state, due_at);
CREATE INDEX jobs_by_owner ON jobs (guild_id, owner);
-- One job per occurrence of a series, however often the next occurrence is written.
CREATE UNIQUE INDEX jobs_series_occurrence ON jobs (series_id, scheduled_for) WHERE series_id IS NOT NULL;
