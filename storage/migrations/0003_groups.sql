-- Stakeholder groups: each has a role and a private channel; members are recorded here as well as by role,
-- so reports and visibility rules can read them without asking Discord.

CREATE TABLE stakeholder_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,              -- casefolded name: names are unique regardless of case
    description TEXT    NOT NULL DEFAULT '',
    emoji       TEXT,
    role_id     INTEGER,                       -- NULL until created (or after it was deleted by hand)
    channel_id  INTEGER,
    protected   INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL
);

CREATE UNIQUE INDEX stakeholder_groups_name ON stakeholder_groups (guild_id, name_key);

CREATE TABLE group_members (
    guild_id  INTEGER NOT NULL,
    group_id  INTEGER NOT NULL REFERENCES stakeholder_groups (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX group_members_by_user ON group_members (guild_id, user_id);

-- Messages carrying the self-service group picker, re-rendered when the groups change.
CREATE TABLE group_pickers (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER PRIMARY KEY,
    created_at TEXT    NOT NULL
);

CREATE INDEX group_pickers_by_guild ON group_pickers (guild_id);

-- The category holding a feature's private channels ('groups', 'schools').
CREATE TABLE structure_categories (
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    category_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind)
);
