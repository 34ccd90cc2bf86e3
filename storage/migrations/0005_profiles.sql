-- Member profiles (introductions), their full-text index, interests, /connect introductions, and the
-- introductions settings of each guild.

CREATE TABLE profiles (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    organization    TEXT    NOT NULL DEFAULT '',  -- school or organization as typed
    school_id       INTEGER REFERENCES schools (id) ON DELETE SET NULL,  -- when it names a known school
    group_id        INTEGER REFERENCES stakeholder_groups (id) ON DELETE SET NULL,  -- the primary group
    title           TEXT    NOT NULL DEFAULT '',
    interests       TEXT    NOT NULL DEFAULT '',  -- comma separated, as shown
    offers          TEXT    NOT NULL DEFAULT '',
    seeks           TEXT    NOT NULL DEFAULT '',
    card_channel_id INTEGER,
    card_message_id INTEGER,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    left_at         TEXT,                         -- set while hidden after the member left the server
    PRIMARY KEY (guild_id, user_id)
);

CREATE INDEX profiles_by_group ON profiles (guild_id, group_id);
CREATE INDEX profiles_by_school ON profiles (guild_id, school_id);
CREATE INDEX profiles_by_name ON profiles (guild_id, name COLLATE NOCASE);

CREATE TABLE profile_interests (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    interest     TEXT    NOT NULL,
    interest_key TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, interest_key),
    FOREIGN KEY (guild_id, user_id) REFERENCES profiles (guild_id, user_id) ON DELETE CASCADE
);

CREATE INDEX profile_interests_by_key ON profile_interests (guild_id, interest_key);

-- Full-text search over every profile field (external content: the rows live in `profiles`).
CREATE VIRTUAL TABLE profiles_fts USING fts5(
    name, organization, title, interests, offers, seeks,
    content = 'profiles', content_rowid = 'rowid', tokenize = 'porter unicode61'
);

CREATE TRIGGER profiles_fts_insert AFTER INSERT ON profiles BEGIN
    INSERT INTO profiles_fts (rowid, name, organization, title, interests, offers, seeks)
    VALUES (new.rowid, new.name, new.organization, new.title, new.interests, new.offers, new.seeks);
END;

CREATE TRIGGER profiles_fts_delete AFTER DELETE ON profiles BEGIN
    INSERT INTO profiles_fts (profiles_fts, rowid, name, organization, title, interests, offers, seeks)
    VALUES ('delete', old.rowid, old.name, old.organization, old.title, old.interests, old.offers, old.seeks);
END;

CREATE TRIGGER profiles_fts_update AFTER UPDATE OF name, organization, title, interests, offers, seeks ON profiles
BEGIN
    INSERT INTO profiles_fts (profiles_fts, rowid, name, organization, title, interests, offers, seeks)
    VALUES ('delete', old.rowid, old.name, old.organization, old.title, old.interests, old.offers, old.seeks);
    INSERT INTO profiles_fts (rowid, name, organization, title, interests, offers, seeks)
    VALUES (new.rowid, new.name, new.organization, new.title, new.interests, new.offers, new.seeks);
END;

-- Introductions made through /connect (evidence of connections across sectors).
CREATE TABLE connections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    seeker_id  INTEGER NOT NULL,
    match_id   INTEGER NOT NULL,
    topic      TEXT    NOT NULL DEFAULT '',
    reasons    TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);

CREATE INDEX connections_by_guild ON connections (guild_id, created_at);
CREATE INDEX connections_by_seeker ON connections (guild_id, seeker_id);
CREATE INDEX connections_by_match ON connections (guild_id, match_id);

CREATE TABLE intro_settings (
    guild_id    INTEGER PRIMARY KEY,
    welcome     TEXT,                             -- NULL: the default text
    dm_welcome  INTEGER NOT NULL DEFAULT 0 CHECK (dm_welcome IN (0, 1)),
    hidden_days INTEGER NOT NULL DEFAULT 30
);

-- Members reminded to introduce themselves (so a second reminder can skip them).
CREATE TABLE intro_reminders (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    reminded_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
