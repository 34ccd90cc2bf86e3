-- Facts about the bot itself rather than a server's settings (whether the last daily backup failed, so that
-- organizers are told once per run of failures, not every night).
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
