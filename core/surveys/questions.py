"""Questions as data: their kinds, how they are written, and how a survey splits into pages of at most 5.

Discord's forms (modals) hold at most 5 inputs, each with a label of at most 45 characters and a
description of at most 100; a select offers at most 25 choices. The rules here keep every question within
those, so the adapter never has to cut anything."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Edit:
    """What an edit of a survey's questions does once answers arrived: wording fixes are applied."""

    questions: tuple[Question, ...]
    reworded: tuple[str, ...] = field(default=())  # keys whose wording changed


def check_edit(old: Sequence[Question], new: Sequence[Question], *, answered: bool) -> Edit:
    """An edit of the questions. Before any answer, anything goes. After, only wording: the same questions
    (keys) of the same kinds with as many choices; a changed kind or a removed question is refused."""
    from core.surveys.errors import SurveyRefusal

    if not answered:
        return Edit(tuple(new))
    before = {q.key: q for q in old}
    after = {q.key: q for q in new}
    if set(before) != set(after):
        raise SurveyRefusal(
            "Members have already answered this survey, so questions can't be added or removed now. "
            "Start a new survey for different questions."
        )
    for key, question in after.items():
        was = before[key]
        if question.kind is not was.kind:
            raise SurveyRefusal(
                f"Members have already answered “{was.label}” as a {was.kind.value} question, so its type "
                "can't change now (their answers would no longer fit). You can still fix its wording."
            )
        if len(question.choices) != len(was.choices):
            raise SurveyRefusal(
                f"Members have already answered “{was.label}”, so its choices can't be added or removed "
                "now. You can still fix their wording."
            )
    reworded = tuple(k for k in after if after[k] != before[k])
    return Edit(tuple(new), reworded)
