"""An organizer's own questions, one per line: kinds in brackets, labels within Discord's 45 characters,
mistakes named by line, written back the same way for editing (keys kept so answers stay)."""

from __future__ import annotations

import pytest

from core.surveys.custom import MAX_QUESTIONS, parse_questions, write_questions
from core.surveys.errors import SurveyRefusal
from core.surveys.questions import AGREE_SCALE, Kind, check_edit

TEXT = """Our family talks about science at home [1-5]
- Which grades are your children in? [several: K-5, 6-8, 9-12]
Would you come to a STEM night? [Choice: Yes, Maybe, No, Yes]

What would make it easier to come?
Anything else? [optional text]"""


def test_lines_become_questions_of_their_kind() -> None:
    questions = parse_questions(TEXT)
    assert [q.kind for q in questions] == [Kind.LIKERT, Kind.MULTIPLE, Kind.SINGLE, Kind.TEXT, Kind.TEXT]
    assert [q.key for q in questions] == ["q1", "q2", "q3", "q4", "q5"]
    assert questions[0].choices == AGREE_SCALE
    assert questions[1].label == "Which grades are your children in?"
    assert questions[2].choices == ("Yes", "Maybe", "No")  # the repeated choice once
    assert questions[3].required
    assert not questions[4].required


def test_a_long_question_is_cut_at_a_word_for_the_label_and_kept_whole() -> None:
    line = "How confident do you feel explaining engineering careers to your students? [1-5]"
    [question] = parse_questions(line)
    assert len(question.label) <= 45
    assert question.label.endswith("…")
    assert question.detail.startswith("How confident")
    assert write_questions([question]) == line


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "at least one question"),
        ("Pick [choise: a, b]", "Line 1: I don't know the kind"),
        ("Fine\nPick [choice: only]", "Line 2: give 2 to 25"),
        ("Fine\n[1-5]", "Line 2 has a kind but no question"),
        ("x" * 101, "at most 100"),
        ("\n".join(f"Q{n}" for n in range(MAX_QUESTIONS + 1)), "at most 20 questions"),
    ],
)
def test_mistakes_are_named_by_line(text: str, says: str) -> None:
    with pytest.raises(SurveyRefusal, match=says):
        parse_questions(text)


def test_written_back_and_read_again_keeps_keys_so_a_wording_fix_passes() -> None:
    questions = parse_questions(TEXT)
    written = write_questions(questions)
    again = parse_questions(
        written.replace("STEM night", "family STEM night"), keys=[q.key for q in questions]
    )
    edit = check_edit(questions, again, answered=True)
    assert edit.reworded == ("q3",)
    changed = parse_questions(written.replace("[1-5]", "[text]"), keys=[q.key for q in questions])
    with pytest.raises(SurveyRefusal, match="type can't change"):
        check_edit(questions, changed, answered=True)
