-- Activity counts, not content: how many messages members posted per channel, day (in the guild's zone)
-- and stakeholder group. No message text, no author: nothing here names a member, so it is not personal data.

-- Messages per channel and day, each counted once.
CREATE TABLE activity_messages (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,               -- a thread's messages count under its parent channel
    day        TEXT    NOT NULL,               -- YYYY-MM-DD in the guild's zone
    messages   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, channel_id, day)
);

-- The same messages by the author's stakeholder group: once under each of their groups, under NULL when
-- they are in none (so the rows of a day may add up to more than its messages).
CREATE TABLE activity_group_counts (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    day        TEXT    NOT NULL,
    group_id   INTEGER,                        -- NULL: members in no group
    messages   INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX activity_group_counts_key
    ON activity_group_counts (guild_id, channel_id, day, IFNULL(group_id, 0));
CREATE INDEX activity_messages_by_day ON activity_messages (guild_id, day);
CREATE INDEX activity_group_counts_by_day ON activity_group_counts (guild_id, day);
