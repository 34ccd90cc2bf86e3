-- The resource library: shared links and files, their tags, members' votes and bookmarks, and a full-text index.
-- Times are UTC ISO-8601 text written by the application (storage.jobs.to_db_time).

CREATE TABLE resources (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL,
    url               TEXT    NOT NULL,            -- the link shown (for a file: where the card keeps it)
    url_key           TEXT    NOT NULL,            -- normalized link, or 'file:<sha256>' for a file
    filename          TEXT,                        -- set when a file was shared
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    grades            TEXT,
    kind              TEXT,
    shared_by         INTEGER NOT NULL,            -- who shared it (for the context menu: who saved it)
    author_id         INTEGER,                     -- who wrote the message it was saved from, if someone else
    source_channel_id INTEGER,
    source_message_id INTEGER,
    card_channel_id   INTEGER,                     -- the text or forum channel of the card
    card_thread_id    INTEGER,                     -- the forum post, in forum mode
    card_message_id   INTEGER,
    helpful_count     INTEGER NOT NULL DEFAULT 0,
    used_count        INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);

-- One resource per link per guild, even when two members share it at the same moment.
CREATE UNIQUE INDEX resources_by_url ON resources (guild_id, url_key);
CREATE INDEX resources_recent ON resources (guild_id, created_at);
CREATE INDEX resources_by_sharer ON resources (guild_id, shared_by);

CREATE TABLE resource_tag_names (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    key      TEXT    NOT NULL,                     -- case-folded name: "math" and "Math" are one tag
    UNIQUE (guild_id, key)
);

CREATE TABLE resource_tags (
    guild_id    INTEGER NOT NULL,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES resource_tag_names (id) ON DELETE CASCADE,
    PRIMARY KEY (resource_id, tag_id)
);

CREATE INDEX resource_tags_by_tag ON resource_tags (tag_id, resource_id);

CREATE TABLE resource_marks (
    guild_id    INTEGER NOT NULL,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    mark        TEXT    NOT NULL CHECK (mark IN ('helpful', 'used', 'saved')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (resource_id, user_id, mark)
);

CREATE INDEX resource_marks_by_user ON resource_marks (guild_id, user_id, mark, created_at);
CREATE INDEX resource_marks_recent ON resource_marks (guild_id, mark, created_at);

-- Per guild: whether the starter tags were written (so merged-away starter tags stay away) and the digest.
CREATE TABLE resource_guilds (
    guild_id        INTEGER PRIMARY KEY,
    starter_tags    INTEGER NOT NULL DEFAULT 0 CHECK (starter_tags IN (0, 1)),
    digest_series   INTEGER,
    digest_day      TEXT,
    digest_hour     INTEGER
);

-- Full-text index, rowid = resources.id; kept in step by storage.resources in the same transactions.
-- `scope` holds filter tokens (grades, kind, tag ids) so that filters are index look-ups too; the guild is
-- checked on each candidate's row instead (a token every resource of a big guild carries is slow to intersect).
CREATE VIRTUAL TABLE resources_fts USING fts5 (
    title,
    description,
    tags,
    scope,
    prefix = '2 3 4',
    tokenize = 'unicode61 remove_diacritics 2'
);
