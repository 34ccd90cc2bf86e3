-- Value stories (Wenger, Trayner & de Laat's cycles): what members say they took away from the community,
-- the optional prompts after meetings and their follow-ups, and each member's choice to get prompts.
-- Times are UTC text written by storage.jobs.to_db_time.

CREATE TABLE stories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    cycle       TEXT    NOT NULL CHECK (cycle IN ('immediate', 'potential', 'applied', 'realized')),
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),  -- as typed; defused when shown
    consent     TEXT    NOT NULL DEFAULT 'private' CHECK (consent IN ('private', 'shareable')),
    named       INTEGER NOT NULL DEFAULT 0 CHECK (named IN (0, 1)),      -- organizers may say who told it
    link_kind   TEXT    CHECK (link_kind IS NULL OR link_kind IN ('meeting', 'resource', 'connect')),
    link_id     INTEGER,
    group_name  TEXT,                                                    -- the author's group at the time
    group_protected INTEGER NOT NULL DEFAULT 0 CHECK (group_protected IN (0, 1)),
    school_name TEXT,                                                    -- the author's school at the time
    prompt_id   INTEGER,                                                 -- the prompt it answered, if any
    created_at  TEXT    NOT NULL
);

CREATE INDEX stories_by_author ON stories (guild_id, author_id);
CREATE INDEX stories_by_guild ON stories (guild_id, consent, created_at);

-- One prompt per member per meeting ('potential'), then at most one follow-up ('applied') to those who answered.
CREATE TABLE story_prompts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    meeting_id  INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    sent_via    TEXT    NOT NULL DEFAULT 'pending' CHECK (sent_via IN ('pending', 'dm', 'channel', 'none')),
    answered_at TEXT,
    followup_via TEXT   CHECK (followup_via IS NULL OR followup_via IN ('dm', 'channel', 'none')),
    created_at  TEXT    NOT NULL,
    UNIQUE (meeting_id, user_id)
);

CREATE INDEX story_prompts_by_user ON story_prompts (guild_id, user_id);

-- Meetings whose end already caused prompts (so a rerun of the end never prompts twice).
CREATE TABLE story_meetings (
    meeting_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    ended_at   TEXT    NOT NULL
);

-- Channel posts that mention prompted members (closed DMs), so `/profile delete` can take them off Discord.
CREATE TABLE story_posts (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, message_id)
);

CREATE TABLE story_member_settings (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    prompts  INTEGER NOT NULL DEFAULT 1 CHECK (prompts IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE story_settings (
    guild_id      INTEGER PRIMARY KEY,
    followup_days INTEGER NOT NULL DEFAULT 28 CHECK (followup_days BETWEEN 1 AND 365)
);
