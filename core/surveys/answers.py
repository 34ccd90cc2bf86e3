"""Reading one answer of a form: what a select or a text input gave, checked against its question."""

from __future__ import annotations

from collections.abc import Sequence

from core.surveys.errors import SurveyRefusal
from core.surveys.questions import TEXT_ANSWER_LIMIT, Kind, Question


def read_answer(question: Question, given: Sequence[str]) -> tuple[str, ...]:
    """The answer to store: the chosen values (choice numbers), or the text. () for a skipped optional one.

    Refuses a value that is not one of the question's, several for a one-answer question, nothing for a
    required one, or text longer than 1 000 characters."""
    values = tuple(v.strip() for v in given if v.strip())
    if not values:
        if question.required:
            raise SurveyRefusal(f"“{question.label}” needs an answer.")
        return ()
    if question.kind is Kind.TEXT:
        text = " ".join(values)
        if len(text) > TEXT_ANSWER_LIMIT:
            raise SurveyRefusal(
                f"Your answer to “{question.label}” is {len(text)} characters; please keep it under "
                f"{TEXT_ANSWER_LIMIT}."
            )
        return (text,)
    allowed = {value for value, _ in question.options}
    if question.kind is Kind.LIKERT and len(values) == 1 and values[0] not in allowed:
        raise SurveyRefusal(f"For “{question.label}” choose a number from 1 to 5.")
    if any(v not in allowed for v in values):
        raise SurveyRefusal(f"For “{question.label}” pick one of the choices offered.")
    if question.kind is not Kind.MULTIPLE and len(values) > 1:
        raise SurveyRefusal(f"“{question.label}” takes one answer.")
    return tuple(dict.fromkeys(values))
