-- Meetings: the meeting rows, RSVPs (with an ordered waitlist), reminder preferences, agenda, check-ins.
-- Times are UTC text written by storage.jobs.to_db_time, so text order is time order.

CREATE TABLE meeting_settings (
    guild_id         INTEGER PRIMARY KEY,
    reminder_offsets TEXT    NOT NULL DEFAULT '[604800,86400,3600]'  -- JSON seconds before the start
);

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    location         TEXT    NOT NULL DEFAULT '',
    starts_at        TEXT    NOT NULL,
    ends_at          TEXT    NOT NULL,
    timezone         TEXT    NOT NULL,
    channel_id       INTEGER NOT NULL,
    message_id       INTEGER,                       -- the card, once posted
    audience_kind    TEXT    NOT NULL DEFAULT 'all' CHECK (audience_kind IN ('all', 'group', 'school')),
    audience_id      INTEGER,
    ping_audience    INTEGER NOT NULL DEFAULT 0 CHECK (ping_audience IN (0, 1)),
    capacity         INTEGER CHECK (capacity IS NULL OR capacity > 0),
    reminder_offsets TEXT    NOT NULL DEFAULT '[]',  -- JSON seconds before the start
    state            TEXT    NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled')),
    cancel_reason    TEXT,
    event_id         INTEGER,                       -- the mirrored Discord scheduled event
    series_id        INTEGER,                       -- the first meeting of a repeating series
    repeat_rule      TEXT,                          -- JSON {"every": "weekly"|"biweekly"|"monthly", "count"|"until"}
    created_by       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,    -- bumped on every edit: concurrent edits are refused
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

CREATE INDEX meetings_by_time ON meetings (guild_id, starts_at);
CREATE INDEX meetings_by_series ON meetings (series_id) WHERE series_id IS NOT NULL;
CREATE INDEX meetings_by_message ON meetings (message_id) WHERE message_id IS NOT NULL;

CREATE TABLE meeting_rsvps (
    guild_id   INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'no', 'waitlist')),
    seq        INTEGER NOT NULL,                    -- order of arrival in this status (waitlist order)
    source     TEXT    NOT NULL DEFAULT 'button' CHECK (source IN ('button', 'event')),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE INDEX meeting_rsvps_by_status ON meeting_rsvps (meeting_id, status, seq);
CREATE INDEX meeting_rsvps_by_user ON meeting_rsvps (guild_id, user_id);

CREATE TABLE meeting_reminder_prefs (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    mode     TEXT    NOT NULL CHECK (mode IN ('dm', 'channel', 'off')),
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE meeting_agenda (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL,
    topic      TEXT    NOT NULL,
    accepted   INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
    created_at TEXT    NOT NULL
);

CREATE INDEX meeting_agenda_by_meeting ON meeting_agenda (meeting_id);

CREATE TABLE meeting_agenda_votes (
    guild_id INTEGER NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES meeting_agenda (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (item_id, user_id)
);

CREATE TABLE meeting_checkins (
    guild_id      INTEGER NOT NULL,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    checked_in_at TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
