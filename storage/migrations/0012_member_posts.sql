-- Messages copbot posted about a member that are not their intro card, so that `/profile delete` can take them
-- off Discord: the welcome that mentions a newcomer, and each reminder message that mentions them ('remind',
-- one row per member mentioned in it). Earlier messages were not recorded; they stay as they are.
CREATE TABLE member_posts (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('welcome', 'remind')),
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, message_id)
);

CREATE INDEX member_posts_by_message ON member_posts (message_id);

-- Public `/meeting agenda` lists, which show every member's topics: redrawn when a member's data is deleted.
CREATE TABLE meeting_agenda_posts (
    guild_id   INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL PRIMARY KEY
);

CREATE INDEX meeting_agenda_posts_by_meeting ON meeting_agenda_posts (meeting_id);
