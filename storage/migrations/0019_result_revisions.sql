-- Revisions that tell when a survey's results must be counted again: the results view keeps its last count
-- while nothing it depends on changed (over 10 000 answers a count takes about a second). Triggers keep
-- them, so every writer (a saved page, /profile delete, a team's member leaving, a renamed group) counts.

ALTER TABLE surveys ADD COLUMN answers_revision INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER survey_answers_inserted AFTER INSERT ON survey_answers BEGIN
    UPDATE surveys SET answers_revision = answers_revision + 1 WHERE id = NEW.survey_id;
END;
CREATE TRIGGER survey_answers_updated AFTER UPDATE ON survey_answers BEGIN
    UPDATE surveys SET answers_revision = answers_revision + 1 WHERE id IN (OLD.survey_id, NEW.survey_id);
END;
CREATE TRIGGER survey_answers_deleted AFTER DELETE ON survey_answers BEGIN
    UPDATE surveys SET answers_revision = answers_revision + 1 WHERE id = OLD.survey_id;
END;

-- Per guild: who is in which stakeholder group and school team, and what those are called.
CREATE TABLE membership_revisions (
    guild_id INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER group_members_inserted AFTER INSERT ON group_members BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER group_members_deleted AFTER DELETE ON group_members BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (OLD.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER group_members_updated AFTER UPDATE ON group_members BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER school_members_inserted AFTER INSERT ON school_members BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER school_members_deleted AFTER DELETE ON school_members BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (OLD.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER school_members_updated AFTER UPDATE ON school_members BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER stakeholder_groups_renamed AFTER UPDATE OF name ON stakeholder_groups BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER schools_renamed AFTER UPDATE OF name ON schools BEGIN
    INSERT INTO membership_revisions (guild_id, revision) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET revision = revision + 1;
END;
