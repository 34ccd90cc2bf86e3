-- What the bot last registered with Discord, per scope ("global" or "guild:ID"): a hash of the command tree,
-- so a start registers the commands only when they changed (bot.command_sync).
CREATE TABLE command_syncs (
    scope     TEXT PRIMARY KEY,
    tree_hash TEXT NOT NULL,
    synced_at TEXT NOT NULL
);
