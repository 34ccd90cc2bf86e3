-- Per-guild settings: time zone, organizer role, and the channel used for each purpose.
CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    timezone          TEXT    NOT NULL DEFAULT 'America/Phoenix',
    organizer_role_id INTEGER,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE guild_channels (
    guild_id   INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('introductions', 'announcements', 'meetings', 'resources')),
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, purpose)
);
