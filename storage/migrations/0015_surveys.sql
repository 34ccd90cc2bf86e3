-- Surveys: the questions as JSON, who they are for, when they open and close, and each member's answers.
-- Times are UTC text written by storage.jobs.to_db_time, so text order is time order.

CREATE TABLE surveys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    author_id     INTEGER,                      -- NULL once the author asked for their data to be deleted
    template      TEXT,                         -- the template's key, NULL for own questions
    title         TEXT    NOT NULL,
    intro         TEXT    NOT NULL DEFAULT '',
    questions     TEXT    NOT NULL,             -- JSON, core.surveys.questions.to_json
    audience      TEXT    NOT NULL CHECK (audience IN ('everyone', 'group', 'school')),
    unit_id       INTEGER,                      -- the group's or school's id
    unit_name     TEXT    NOT NULL DEFAULT '',
    opens_at      TEXT    NOT NULL,
    closes_at     TEXT    NOT NULL,
    reminders     INTEGER NOT NULL DEFAULT 0 CHECK (reminders BETWEEN 0 AND 5),
    keep_ids      INTEGER NOT NULL DEFAULT 0 CHECK (keep_ids IN (0, 1)),  -- the export names members
    state         TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    channel_id    INTEGER NOT NULL,
    message_id    INTEGER,                      -- the post with the "Answer the survey" button
    created_at    TEXT    NOT NULL,
    closed_at     TEXT
);

CREATE INDEX surveys_by_guild ON surveys (guild_id, state);

-- One row per member who answered anything: how far they got (pages saved in order).
CREATE TABLE survey_responses (
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    pages_saved INTEGER NOT NULL DEFAULT 0,
    finished    INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (survey_id, user_id)
);

CREATE INDEX survey_responses_by_user ON survey_responses (guild_id, user_id);

CREATE TABLE survey_answers (
    survey_id    INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    question_key TEXT    NOT NULL,
    answer       TEXT    NOT NULL,              -- JSON list of values (choice numbers, or the text)
    PRIMARY KEY (survey_id, user_id, question_key)
);

CREATE INDEX survey_answers_by_user ON survey_answers (guild_id, user_id);

-- Who a reminder job already reached, so a retried or restarted job reminds nobody twice.
CREATE TABLE survey_reminded (
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    guild_id  INTEGER NOT NULL,
    job_id    INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    PRIMARY KEY (job_id, user_id)
);

CREATE INDEX survey_reminded_by_user ON survey_reminded (guild_id, user_id);
