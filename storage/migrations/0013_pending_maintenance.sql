-- Work to do once when the database is next opened, forgotten only after it succeeded, so that a failure (a
-- full disk during VACUUM) is tried again at the next start instead of skipped for good.
CREATE TABLE pending_maintenance (
    task TEXT PRIMARY KEY  -- 'vacuum': rewrite the file, for deletions made before secure_delete (0012)
);
