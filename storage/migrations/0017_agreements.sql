-- Collaboration agreements between a school team and a partner (a member and/or an organisation).
-- school_id has no foreign key: an agreement stays as the team's record after the school team is removed
-- (school_name keeps its name). partner_id, created_by and the confirmers become NULL when that member's
-- data is deleted; partner_former then says the partner was a member.

CREATE TABLE agreements (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id             INTEGER NOT NULL,
    school_id            INTEGER NOT NULL,
    school_name          TEXT    NOT NULL,
    partner_id           INTEGER,
    partner_former       INTEGER NOT NULL DEFAULT 0,
    organization         TEXT    NOT NULL DEFAULT '',
    team_commitment      TEXT    NOT NULL,
    partner_commitment   TEXT    NOT NULL,
    hours_per_month      INTEGER NOT NULL CHECK (hours_per_month BETWEEN 0 AND 1000),
    starts_at            TEXT    NOT NULL,
    review_at            TEXT    NOT NULL,
    status               TEXT    NOT NULL DEFAULT 'proposed'
                         CHECK (status IN ('proposed', 'active', 'completed', 'lapsed')),
    team_confirmed_by    INTEGER,
    team_confirmed_at    TEXT,
    partner_confirmed_by INTEGER,
    partner_confirmed_at TEXT,
    card_channel_id      INTEGER,
    card_message_id      INTEGER,
    created_by           INTEGER,
    created_at           TEXT    NOT NULL,
    closed_at            TEXT
);

CREATE INDEX agreements_by_school ON agreements (guild_id, school_id);
CREATE INDEX agreements_by_partner ON agreements (guild_id, partner_id);

-- Posts that mention a member about an agreement because their DMs were closed: the partner asked to confirm
-- ('ask', deleted with the member's data) or a team reminder mentioning them ('remind', their mention removed).
CREATE TABLE agreement_posts (
    guild_id     INTEGER NOT NULL,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('ask', 'remind')),
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, message_id)
);
