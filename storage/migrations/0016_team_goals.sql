-- Team goals: each school team (school_id) and the community as a whole (school_id NULL) keeps a shared
-- vision, 2 to 5 goals with their desired outcomes, and progress check-ins. A school's rows go with it when
-- the school is removed. Author ids are NULL once the member asked for their data to be deleted.
-- Times are UTC text written by storage.jobs.to_db_time.

CREATE TABLE goal_teams (
    guild_id       INTEGER NOT NULL,
    school_id      INTEGER REFERENCES schools (id) ON DELETE CASCADE,  -- NULL: the whole community
    vision         TEXT    NOT NULL DEFAULT '',
    vision_by      INTEGER,
    cadence        TEXT    NOT NULL DEFAULT 'off' CHECK (cadence IN ('off', 'biweekly', 'monthly')),
    next_prompt_at TEXT,                                  -- the pending goals.prompt job's time
    updated_at     TEXT    NOT NULL
);

CREATE UNIQUE INDEX goal_teams_one ON goal_teams (guild_id, IFNULL(school_id, 0));

CREATE TABLE goals (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    school_id  INTEGER REFERENCES schools (id) ON DELETE CASCADE,      -- NULL: the whole community
    title      TEXT    NOT NULL,
    outcome    TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'on_track'
               CHECK (status IN ('on_track', 'at_risk', 'done', 'dropped')),
    created_by INTEGER,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE INDEX goals_by_team ON goals (guild_id, school_id);

CREATE TABLE goal_checkins (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id  INTEGER NOT NULL,
    goal_id   INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    status    TEXT    NOT NULL CHECK (status IN ('on_track', 'at_risk', 'done', 'dropped')),
    note      TEXT    NOT NULL DEFAULT '',
    author_id INTEGER NOT NULL,
    at        TEXT    NOT NULL
);

CREATE INDEX goal_checkins_by_goal ON goal_checkins (goal_id, at);
CREATE INDEX goal_checkins_by_author ON goal_checkins (guild_id, author_id);
