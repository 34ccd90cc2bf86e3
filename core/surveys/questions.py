"""Questions as data: their kinds, how they are written, and how a survey splits into pages of at most 5.

Discord's forms (modals) hold at most 5 inputs, each with a label of at most 45 characters and a
description of at most 100; a select offers at most 25 choices. The rules here keep every question within
those, so the adapter never has to cut anything."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from core.text import human_list, plural, quote

PAGE_SIZE = 5  # inputs a Discord form holds
LABEL_LIMIT = 45
DETAIL_LIMIT = 100
CHOICE_LIMIT = 25
CHOICE_TEXT_LIMIT = 100
TEXT_ANSWER_LIMIT = 1000

AGREE_SCALE = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)


class Kind(StrEnum):
    LIKERT = "likert"  # 1–5, each number with its label
    SINGLE = "single"  # one of the choices
    MULTIPLE = "multiple"  # any of the choices (at least one)
    TEXT = "text"  # a short written answer


@dataclass(frozen=True, slots=True)
class Question:
    key: str  # stable within a survey: answers are stored by it
    kind: Kind
    label: str  # the form's label, at most 45 characters
    detail: str = ""  # the form's description under the label, at most 100
    choices: tuple[str, ...] = ()  # single/multiple: the choices; likert: the five labels of 1..5
    required: bool = True

    def __post_init__(self) -> None:
        if not self.label.strip() or len(self.label) > LABEL_LIMIT:
            raise ValueError(f"question label must be 1 to {LABEL_LIMIT} characters: {self.label!r}")
        if len(self.detail) > DETAIL_LIMIT:
            raise ValueError(f"question detail must be at most {DETAIL_LIMIT} characters: {self.detail!r}")
        if self.kind is Kind.LIKERT and len(self.choices) != 5:
            raise ValueError("a 1–5 question needs five labels")
        if self.kind in (Kind.SINGLE, Kind.MULTIPLE) and not 2 <= len(self.choices) <= CHOICE_LIMIT:
            raise ValueError(f"a choice question needs 2 to {CHOICE_LIMIT} choices")
        if any(not c.strip() or len(c) > CHOICE_TEXT_LIMIT for c in self.choices):
            raise ValueError("a choice must be 1 to 100 characters")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("choices must differ")

    @property
    def options(self) -> list[tuple[str, str]]:
        """(value, shown text) of each choice, the value its number (so a wording fix keeps the answers):
        a 1–5 question shows "3 — Neither agree nor disagree"."""
        if self.kind is Kind.LIKERT:
            return [(str(n), f"{n} — {text}") for n, text in enumerate(self.choices, start=1)]
        return [(str(n), choice) for n, choice in enumerate(self.choices, start=1)]

    def shown(self, value: str) -> str:
        """An answer as results show it."""
        return dict(self.options).get(value, value)


def pages(questions: Sequence[Question]) -> list[tuple[Question, ...]]:
    """The questions in pages of at most 5, in order (a form each)."""
    return [tuple(questions[i : i + PAGE_SIZE]) for i in range(0, len(questions), PAGE_SIZE)]


def to_json(questions: Sequence[Question]) -> str:
    return json.dumps(
        [
            {
                "key": q.key,
                "kind": q.kind.value,
                "label": q.label,
                "detail": q.detail,
                "choices": list(q.choices),
                "required": q.required,
            }
            for q in questions
        ]
    )


def from_json(text: str) -> tuple[Question, ...]:
    rows: list[dict[str, Any]] = json.loads(text)
    return tuple(
        Question(
            key=row["key"],
            kind=Kind(row["kind"]),
            label=row["label"],
            detail=row.get("detail", ""),
            choices=tuple(row.get("choices", ())),
            required=bool(row.get("required", True)),
        )
        for row in rows
    )


def wording(question: Question) -> str:
    """A question's whole text as its author wrote it: the label, or the detail when the label was cut."""
    return question.detail if question.label.endswith("…") and question.detail else question.label


def _same_text(text: str) -> str:
    """Text compared for "is this the same question or choice": case, spacing and end punctuation aside."""
    return " ".join(text.casefold().split()).strip(" ?.!:;,")


@dataclass(frozen=True, slots=True)
class Edit:
    """What an edit of a survey's questions does. Once answers arrived, answers are kept by each question's
    place and each choice's number, so only changes that keep every place are applied: wording fixed in
    place, new questions after the last one, new choices after a question's last choice."""

    questions: tuple[Question, ...]
    answered: bool = False  # members had answered: the rules below applied
    before: tuple[Question, ...] = ()  # the questions as they were
    reworded: tuple[str, ...] = field(default=())  # keys whose wording (or whose choices' wording) changed
    added: tuple[str, ...] = field(default=())  # keys of the questions added after the last one
    new_choices: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=()
    )  # (key, choices added at the end)


_PLACES = (
    "Members have already answered, and each answer is kept with the question at its place, so questions "
    "can't be moved, inserted or removed now (answers would end up under another question). "
)
_CHOICE_PLACES = (
    "Members have already answered, and each answer is kept as the choice's number, so choices can't be "
    "moved, inserted or removed now (answers would end up under another choice). "
)
_INSTEAD = (
    "Put them back in their places: you can still fix wording, and add new ones at the end. To ask a "
    "different set, start a new survey with `/survey new`."
)


def check_edit(old: Sequence[Question], new: Sequence[Question], *, answered: bool) -> Edit:
    """An edit of the questions. Before any answer, anything goes. After, nothing may change the question an
    answer belongs to or the choice it names, since answers are stored by the question's place (its key) and
    the choice's number:

    - refused: a question that moved (its text now at another place), fewer questions, a changed kind; a
      choice that moved (its text at another number), fewer choices;
    - allowed: wording fixed in place (a question's or a choice's), a question made optional or required,
      new questions after the last one, new choices after a question's last choice. The new ones have no
      answers yet from members who answered before: `edit_note` says so.

    The questions come back keyed by place: the old keys in order, fresh ones for those added."""
    from core.surveys.errors import SurveyRefusal

    if not answered:
        return Edit(tuple(new), before=tuple(old))
    places: dict[str, set[int]] = {}
    for index, question in enumerate(old):
        places.setdefault(_same_text(wording(question)), set()).add(index)
    for index, question in enumerate(new):
        found = places.get(_same_text(wording(question)))
        if found is not None and index not in found:
            raise SurveyRefusal(
                f"{_PLACES}{quote(wording(question), 100)} was question {min(found) + 1} and is now question "
                f"{index + 1}. {_INSTEAD}"
            )
    if len(new) < len(old):
        raise SurveyRefusal(
            f"{_PLACES}The survey has {plural(len(old), 'question')} and this has {len(new)}. {_INSTEAD}"
        )
    keys = [q.key for q in old]
    used = set(keys)
    questions: list[Question] = []
    reworded: list[str] = []
    new_choices: list[tuple[str, tuple[str, ...]]] = []
    for index, question in enumerate(new):
        if index >= len(old):
            key = question.key if question.key not in used else fresh_key(index + 1, used)
            used.add(key)
            questions.append(replace(question, key=key))
            continue
        was = old[index]
        if question.kind is not was.kind:
            raise SurveyRefusal(
                f"Members have already answered {quote(was.label, 60)} as a {was.kind.value} question, so its "
                "type can't change now (their answers would no longer fit). You can still fix its wording, "
                "or start a new survey with `/survey new`."
            )
        _check_choices(was, question)
        question = replace(question, key=was.key)
        questions.append(question)
        if replace(question, choices=question.choices[: len(was.choices)]) != was:
            reworded.append(was.key)
        if len(question.choices) > len(was.choices):
            new_choices.append((was.key, question.choices[len(was.choices) :]))
    added = tuple(q.key for q in questions[len(old) :])
    return Edit(tuple(questions), True, tuple(old), tuple(reworded), added, tuple(new_choices))


def _check_choices(was: Question, question: Question) -> None:
    from core.surveys.errors import SurveyRefusal

    numbers: dict[str, set[int]] = {}
    for index, choice in enumerate(was.choices):
        numbers.setdefault(_same_text(choice), set()).add(index)
    for index, choice in enumerate(question.choices):
        found = numbers.get(_same_text(choice))
        if found is not None and index not in found:
            raise SurveyRefusal(
                f"{_CHOICE_PLACES}In {quote(was.label, 60)}, the choice {quote(choice, 60)} was number "
                f"{min(found) + 1} and is now number {index + 1}. {_INSTEAD}"
            )
    if len(question.choices) < len(was.choices):
        raise SurveyRefusal(
            f"{_CHOICE_PLACES}{quote(was.label, 60)} has {len(was.choices)} choices and this has "
            f"{len(question.choices)}. {_INSTEAD}"
        )


def fresh_key(number: int, used: set[str]) -> str:
    """A key for a new question at place `number` that no question used."""
    key = f"q{number}"
    while key in used:
        key += "x"
    return key


SHOWN_CHANGES = 4  # rewordings shown one by one in the note; the rest are counted


def edit_note(edit: Edit) -> str:
    """What the organizer is told after an edit once members answered: what changed and that answers stayed
    where they were, and what the new questions and choices mean for the results."""
    if not edit.answered:
        return ""
    numbers = {q.key: n for n, q in enumerate(edit.questions, start=1)}
    before = {q.key: q for q in edit.before}
    after = {q.key: q for q in edit.questions}
    parts: list[str] = []
    if edit.reworded:
        changes = []
        for key in edit.reworded[:SHOWN_CHANGES]:
            old, now = before[key], after[key]
            if _same_text(wording(old)) != _same_text(wording(now)) or old.label != now.label:
                changes.append(
                    f"question {numbers[key]}: {quote(wording(old), 60)} → {quote(wording(now), 60)}"
                )
            elif old.choices != now.choices[: len(old.choices)]:
                changes.append(f"question {numbers[key]}: the wording of its choices")
            else:
                changes.append(f"question {numbers[key]}")
        more = len(edit.reworded) - SHOWN_CHANGES
        listed = "; ".join(changes) + (f"; and {plural(more, 'more question')}" if more > 0 else "")
        parts.append(
            f"Wording changed ({listed}). Every answer already given stays with its question and choice, "
            "so make sure each still asks the same thing."
        )
    else:
        parts.append("Every answer already given stays with its question and choice.")
    if edit.added:
        which = human_list([str(numbers[key]) for key in edit.added])
        parts.append(
            f"New at the end: {'question' if len(edit.added) == 1 else 'questions'} {which}. Members who already answered weren't asked "
            f"{'it' if len(edit.added) == 1 else 'them'}, so "
            f"{'its' if len(edit.added) == 1 else 'their'} totals count only those who answer from now on "
            "(anyone can add theirs with **Answer the survey**)."
        )
    if edit.new_choices:
        which = human_list([str(numbers[key]) for key, _ in edit.new_choices])
        parts.append(
            f"New choices at the end of {'question' if len(edit.new_choices) == 1 else 'questions'} {which}: members who answered before didn't have them, "
            "so their counts start now."
        )
    return " ".join(parts)


def answers_still_fit(shown: Sequence[Question], current: Sequence[Question]) -> bool:
    """Whether a page answered as it was shown can be saved to the page as it is now: the same questions at
    the same places, at most reworded (an edit while the member had the form open). False when saving
    could put an answer under a question or a choice the member didn't see."""
    from core.surveys.errors import SurveyRefusal

    if tuple(shown) == tuple(current):
        return True
    if [q.key for q in shown] != [q.key for q in current]:
        return False
    try:
        check_edit(shown, current, answered=True)
    except SurveyRefusal:
        return False
    return True
