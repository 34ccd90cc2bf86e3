-- Whose answers changed, in order, so the results view counts again only those members (`Counts.update`)
-- instead of reading and counting every answer. Only ids: the answers themselves stay in survey_answers.
-- A row with no user_id means "count everyone again" (a deleted profile: its id is not kept here).
-- The results view forgets the rows it has counted.
CREATE TABLE survey_answer_changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id   INTEGER
);

CREATE INDEX survey_answer_changes_by_survey ON survey_answer_changes (survey_id, id);

CREATE TRIGGER survey_answers_inserted_log AFTER INSERT ON survey_answers BEGIN
    INSERT INTO survey_answer_changes (survey_id, user_id) VALUES (NEW.survey_id, NEW.user_id);
END;
CREATE TRIGGER survey_answers_updated_log AFTER UPDATE ON survey_answers BEGIN
    INSERT INTO survey_answer_changes (survey_id, user_id) VALUES (OLD.survey_id, OLD.user_id);
    INSERT INTO survey_answer_changes (survey_id, user_id)
        SELECT NEW.survey_id, NEW.user_id WHERE NEW.survey_id != OLD.survey_id OR NEW.user_id != OLD.user_id;
END;
CREATE TRIGGER survey_answers_deleted_log AFTER DELETE ON survey_answers BEGIN
    INSERT INTO survey_answer_changes (survey_id, user_id) VALUES (OLD.survey_id, OLD.user_id);
END;
