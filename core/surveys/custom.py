"""An organizer's own questions, written one per line in a form, with what kind each is in brackets:

    Our team meets regularly [1-5]
    Which grades do you teach? [choice: K-5, 6-8, 9-12]
    What support would help? [several: Ideas, Partners, Funding]
    Anything else? [text]

A line without brackets is a written (text) answer. `[1-5]` uses the agree/disagree scale. Written back the
same way (`write_questions`) for `/survey edit`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.surveys.errors import SurveyRefusal
from core.surveys.questions import (
    AGREE_SCALE,
    CHOICE_LIMIT,
    DETAIL_LIMIT,
    LABEL_LIMIT,
    Kind,
    Question,
    fresh_key,
    wording,
)

MAX_QUESTIONS = 20
FORMAT_HINT = "One per line, e.g. Our team meets regularly [1-5] / Which grades? [choice: K-5, 6-8]"
_KIND = re.compile(r"\[\s*([^\]:]*?)\s*(?::\s*([^\]]*))?\]\s*$")
_WORDS = {
    "1-5": Kind.LIKERT,
    "1–5": Kind.LIKERT,
    "scale": Kind.LIKERT,
    "choice": Kind.SINGLE,
    "one": Kind.SINGLE,
    "several": Kind.MULTIPLE,
    "multiple": Kind.MULTIPLE,
    "text": Kind.TEXT,
    "optional text": Kind.TEXT,
}


def _label(text: str) -> tuple[str, str]:
    """The form label (at most 45 characters, cut at a word) and, when cut, the whole question below it."""
    if len(text) <= LABEL_LIMIT:
        return text, ""
    cut = text[: LABEL_LIMIT - 1].rsplit(" ", 1)[0] or text[: LABEL_LIMIT - 1]
    return cut + "…", text


def parse_questions(text: str, *, keys: Sequence[str] = ()) -> tuple[Question, ...]:
    """The questions of the form; refuses with the line that is wrong and what works. `keys` are the
    existing questions' keys by position: answers are kept by place, so an edit once members answered must
    keep every question at its place (`questions.check_edit` refuses one that moved)."""
    lines = [line.strip(" \t-•*") for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise SurveyRefusal("Write at least one question, one per line.")
    if len(lines) > MAX_QUESTIONS:
        raise SurveyRefusal(f"A survey can have at most {MAX_QUESTIONS} questions; this has {len(lines)}.")
    questions: list[Question] = []
    used = set(keys)
    for number, line in enumerate(lines, start=1):
        kind: Kind = Kind.TEXT
        choices: tuple[str, ...] = ()
        required = True
        match = _KIND.search(line)
        if match:
            word = match.group(1).casefold()
            if word not in _WORDS:
                raise SurveyRefusal(
                    f"Line {number}: I don't know the kind “[{match.group(1)[:30]}]”. Use [1-5], "
                    "[choice: a, b], [several: a, b] or [text]."
                )
            kind = _WORDS[word]
            required = word != "optional text"
            if match.group(2) is not None and kind in (Kind.SINGLE, Kind.MULTIPLE):
                choices = tuple(dict.fromkeys(c.strip() for c in match.group(2).split(",") if c.strip()))
            line = line[: match.start()].strip()
        if not line:
            raise SurveyRefusal(f"Line {number} has a kind but no question before it.")
        if len(line) > DETAIL_LIMIT:
            raise SurveyRefusal(
                f"Line {number} is {len(line)} characters; a question can be at most {DETAIL_LIMIT}."
            )
        if kind is Kind.LIKERT:
            choices = AGREE_SCALE
        if kind in (Kind.SINGLE, Kind.MULTIPLE):
            if not 2 <= len(choices) <= CHOICE_LIMIT:
                raise SurveyRefusal(
                    f"Line {number}: give 2 to {CHOICE_LIMIT} different choices after the colon, separated "
                    "by commas, e.g. [choice: Yes, No, Not sure]."
                )
            if any(len(c) > 100 for c in choices):
                raise SurveyRefusal(f"Line {number}: a choice can be at most 100 characters.")
        key = keys[number - 1] if number <= len(keys) else fresh_key(number, used)
        used.add(key)
        label, detail = _label(line)
        questions.append(Question(key, kind, label, detail, choices, required))
    return tuple(questions)


def write_questions(questions: Sequence[Question]) -> str:
    """The questions in the form's format, for editing."""
    lines = []
    for question in questions:
        text = wording(question)
        if question.kind is Kind.LIKERT:
            lines.append(f"{text} [1-5]")
        elif question.kind is Kind.SINGLE:
            lines.append(f"{text} [choice: {', '.join(question.choices)}]")
        elif question.kind is Kind.MULTIPLE:
            lines.append(f"{text} [several: {', '.join(question.choices)}]")
        else:
            lines.append(f"{text} [{'text' if question.required else 'optional text'}]")
    return "\n".join(lines)
