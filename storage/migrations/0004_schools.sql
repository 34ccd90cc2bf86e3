-- School teams: each school has a team role and a private channel; team members are recorded here.

CREATE TABLE schools (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,               -- casefolded name: unique regardless of case
    district   TEXT    NOT NULL DEFAULT '',
    role_id    INTEGER,
    channel_id INTEGER,
    created_at TEXT    NOT NULL
);

CREATE UNIQUE INDEX schools_name ON schools (guild_id, name_key);

CREATE TABLE school_members (
    guild_id  INTEGER NOT NULL,
    school_id INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (school_id, user_id)
);

CREATE INDEX school_members_by_user ON school_members (guild_id, user_id);
