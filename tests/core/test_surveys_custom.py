"""An organizer's own questions, one per line: kinds in brackets, labels within Discord's 45 characters,
mistakes named by line, written back the same way for editing (keys kept so answers stay), and, once members
answered, only edits that keep every answer with its question and choice."""

from __future__ import annotations

import pytest

from core.surveys.custom import MAX_QUESTIONS, parse_questions, write_questions
from core.surveys.errors import SurveyRefusal
from core.surveys.questions import AGREE_SCALE, Edit, Kind, answers_still_fit, check_edit, edit_note

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


# -- editing once members answered: answers are kept by place, so nothing may move ---------------------------

OWN = """We meet often [1-5]
Our partners come to meetings [1-5]
Would you come to a STEM night? [choice: Yes, Maybe, No]
What would help? [text]"""


def _edit(text: str, *, answered: bool = True) -> Edit:
    """`OWN` edited to `text` the way /survey edit reads it (keys by line, from the survey as it was)."""
    old = parse_questions(OWN)
    return check_edit(old, parse_questions(text, keys=[q.key for q in old]), answered=answered)


def _lines(*numbers: int) -> str:
    lines = OWN.splitlines()
    return "\n".join(lines[n - 1] for n in numbers)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # two questions of the same kind swapped: each answer would sit under the other question
        (_lines(2, 1, 3, 4), "“Our partners come to meetings” was question 2 and is now question 1"),
        # one deleted and one added at the end: as many questions, but the later ones moved up
        (_lines(1, 3, 4) + "\nAnything else? [text]", "was question 3 and is now question 2"),
        # one inserted: the ones after it moved down
        (
            _lines(1) + "\nWe share resources [1-5]\n" + _lines(2, 3, 4),
            "was question 2 and is now question 3",
        ),
        # one removed at the end
        (_lines(1, 2, 3), "The survey has 4 questions and this has 3"),
        # case and spacing don't hide a move
        (
            _lines(1) + "\nwould you come to a  STEM night [choice: Yes, Maybe, No]\n" + _lines(2, 4),
            "question 3",
        ),
    ],
)
def test_questions_moved_inserted_or_removed_after_answers_are_refused(text: str, says: str) -> None:
    with pytest.raises(SurveyRefusal) as refused:
        _edit(text)
    message = str(refused.value)
    assert says in message
    assert "can't be moved, inserted or removed now" in message
    assert "start a new survey with `/survey new`" in message  # what to do instead
    assert "add new ones at the end" in message
    assert len(message) < 2000
    _edit(text, answered=False)  # before any answer the same edit is fine


@pytest.mark.parametrize(
    ("choices", "says"),
    [
        ("No, Maybe, Yes", "the choice “No” was number 3 and is now number 1"),
        ("Yes, Not sure, Maybe, No", "the choice “Maybe” was number 2 and is now number 3"),  # inserted
        ("Yes, No", "the choice “No” was number 3 and is now number 2"),  # removed in the middle
        ("Yes, Maybe", "has 3 choices and this has 2"),  # removed at the end
        ("yes, no, maybe", "the choice “no” was number 3 and is now number 2"),  # case aside, a move
    ],
)
def test_choices_moved_inserted_or_removed_after_answers_are_refused(choices: str, says: str) -> None:
    text = OWN.replace("[choice: Yes, Maybe, No]", f"[choice: {choices}]")
    with pytest.raises(SurveyRefusal) as refused:
        _edit(text)
    assert says in str(refused.value)
    assert "kept as the choice's number" in str(refused.value)
    assert "start a new survey" in str(refused.value)


def test_wording_fixed_in_place_is_allowed_and_said() -> None:
    text = OWN.replace("We meet often", "Our team meets often").replace(
        "[choice: Yes, Maybe, No]", "[choice: Yes, Perhaps, No]"
    )
    edit = _edit(text)
    assert edit.reworded == ("q1", "q3")
    assert [q.key for q in edit.questions] == ["q1", "q2", "q3", "q4"]
    assert edit.added == ()
    assert edit.new_choices == ()
    note = edit_note(edit)
    assert "question 1: “We meet often” → “Our team meets often”" in note
    assert "question 3: the wording of its choices" in note
    assert "stays with its question and choice" in note
    assert edit_note(_edit(OWN)) == "Every answer already given stays with its question and choice."


def test_questions_and_choices_added_at_the_end_are_allowed_and_their_meaning_said() -> None:
    text = OWN.replace("[choice: Yes, Maybe, No]", "[choice: Yes, Maybe, No, Only online]")
    text += "\nWhich day suits you? [choice: Weekday, Weekend]\nAnything else? [optional text]"
    edit = _edit(text)
    assert [q.key for q in edit.questions] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert edit.added == ("q5", "q6")
    assert edit.new_choices == (("q3", ("Only online",)),)
    assert edit.reworded == ()  # a choice at the end is not a change of wording
    note = edit_note(edit)
    assert "New at the end: questions 5 and 6" in note
    assert "weren't asked them" in note
    assert "New choices at the end of question 3" in note
    # The old choices keep their numbers, so the answers "1".."3" still mean Yes, Maybe, No.
    assert edit.questions[2].options[:3] == [("1", "Yes"), ("2", "Maybe"), ("3", "No")]


def test_keys_come_from_the_survey_as_it_is_not_from_the_edit() -> None:
    old = parse_questions(OWN)
    stale = parse_questions(OWN + "\nNew one [text]", keys=["a", "b", "c", "q1"])  # keys of another version
    edit = check_edit(old, stale, answered=True)
    assert [q.key for q in edit.questions] == ["q1", "q2", "q3", "q4", "q5"]


def test_a_page_is_saved_only_if_its_questions_still_sit_where_the_member_saw_them() -> None:
    old = parse_questions(OWN)
    assert answers_still_fit(old, old)
    reworded = parse_questions(OWN.replace("often", "regularly"), keys=[q.key for q in old])
    assert answers_still_fit(old, reworded)
    swapped = parse_questions(_lines(2, 1, 3, 4), keys=[q.key for q in old])
    assert not answers_still_fit(old, swapped)
    assert not answers_still_fit(old, old[:3])
    assert not answers_still_fit(old, parse_questions(OWN.replace("Yes, Maybe", "Maybe, Yes")))
